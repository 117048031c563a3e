"""The forum services' guards at their edges: equal start and end times, a forum with no NIP, the code of each
refusal (locked, final, signed), the lock's reason in the message, and a pair from another year.

Written to kill the mutants `make mutate` found surviving in forum/services.py's guards."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from forum import services
from forum.models import Forum
from renja.models import FiscalYear, StageWindow
from sinkronisasi.models import Overlap

from ..factories import make_nomenklatur, make_row


def test_an_end_time_equal_to_the_start_is_refused(year, opd_a, facilitator, forum_data):
    nine = datetime.time(9, 0)
    with pytest.raises(ValidationError, match="Waktu selesai harus setelah waktu mulai") as exc:
        services.forum_create(
            fiscal_year=year, data={**forum_data, "mulai": nine, "selesai": nine}, opd_list=[opd_a], by=facilitator
        )
    assert list(exc.value.message_dict) == ["selesai"]


def test_a_forum_without_nip_is_accepted(year, opd_a, facilitator, forum_data):
    data = {k: v for k, v in forum_data.items() if k != "pimpinan_nip"}
    forum = services.forum_create(fiscal_year=year, data=data, opd_list=[opd_a], by=facilitator)
    assert forum.pimpinan_nip == ""


def test_a_valid_nip_is_kept(forum, forum_data):
    assert forum.pimpinan_nip == forum_data["pimpinan_nip"] == "197001011995031001"


def test_an_eighteen_character_nip_with_a_letter_is_refused(year, opd_a, facilitator, forum_data):
    with pytest.raises(ValidationError, match="NIP harus 18 angka") as exc:
        services.forum_create(
            fiscal_year=year,
            data={**forum_data, "pimpinan_nip": "19700101199503100A"},
            opd_list=[opd_a],
            by=facilitator,
        )
    assert list(exc.value.message_dict) == ["pimpinan_nip"]


def test_both_errors_are_reported_together(year, opd_a, facilitator, forum_data):
    data = {**forum_data, "selesai": datetime.time(8, 0), "pimpinan_nip": "123"}
    with pytest.raises(ValidationError) as exc:
        services.forum_create(fiscal_year=year, data=data, opd_list=[opd_a], by=facilitator)
    assert exc.value.message_dict == {
        "selesai": ["Waktu selesai harus setelah waktu mulai."],
        "pimpinan_nip": ["NIP harus 18 angka."],
    }


def test_a_locked_year_refuses_with_its_reason_and_code(forum, facilitator):
    FiscalYear.objects.filter(pk=forum.fiscal_year_id).update(is_locked=True, locked_reason="RKPD ditetapkan")
    with pytest.raises(ValidationError) as exc:
        services.attendee_add(forum=forum, data={"nama": "X", "unsur": "Y"}, by=facilitator)
    assert exc.value.code == "locked"
    assert exc.value.message == "Tahun 2026 dikunci (RKPD ditetapkan); data tidak dapat diubah."


def test_a_locked_forum_stage_refuses_with_its_name_and_code(forum, facilitator):
    StageWindow.objects.create(
        fiscal_year=forum.fiscal_year,
        stage=StageWindow.Stage.FORUM,
        opens_on=datetime.date(2025, 3, 3),
        closes_on=datetime.date(2025, 3, 21),
        is_locked=True,
    )
    with pytest.raises(ValidationError) as exc:
        services.clauses_save(forum=forum, texts=["Baru"], by=facilitator)
    assert exc.value.code == "locked"
    assert exc.value.message.startswith("Tahap ") and "tahun 2026 dikunci" in exc.value.message


def test_another_stage_locked_does_not_stop_the_forum(forum, facilitator):
    StageWindow.objects.create(
        fiscal_year=forum.fiscal_year,
        stage=StageWindow.Stage.RANCANGAN_AWAL,
        opens_on=datetime.date(2025, 1, 3),
        closes_on=datetime.date(2025, 2, 21),
        is_locked=True,
    )
    services.clauses_save(forum=forum, texts=["Baru"], by=facilitator)
    assert list(forum.clauses.values_list("text", flat=True)) == ["Baru"]


def test_a_final_forum_refuses_changes_with_code_final(forum_ready, facilitator, verify_url):
    services.forum_finalise(forum=forum_ready, by=facilitator, verify_url_for=verify_url)
    with pytest.raises(ValidationError) as exc:
        services.clauses_save(forum=forum_ready, texts=["Baru"], by=facilitator)
    assert exc.value.code == "final"
    assert exc.value.message == "Forum ini sudah final dan tidak dapat diubah."


def test_a_signed_forum_refuses_changes_with_code_signed(forum, facilitator):
    Forum.objects.filter(pk=forum.pk).update(status=Forum.Status.SIGNED)
    with pytest.raises(ValidationError) as exc:
        services.attendee_add(forum=forum, data={"nama": "X", "unsur": "Y"}, by=facilitator)
    assert exc.value.code == "signed"
    assert exc.value.message.startswith("Forum ini sudah ditandatangani dan tidak dapat diubah.")


@pytest.fixture
def pair_of_next_year(opd_a, opd_b):
    next_year = FiscalYear.objects.create(year=2027)
    for opd, code, ref in ((opd_a, "1.06.04.2.01.0001", "A"), (opd_b, "2.08.02.2.01.0001", "B")):
        make_row(
            opd=opd,
            fiscal_year=next_year,
            ref=ref,
            sub_kegiatan=make_nomenklatur(code, "Layanan"),
            nama="Rumah singgah korban kekerasan",
            keterangan="Rumah aman sementara bagi korban kekerasan",
        )
    from sinkronisasi import services as sync_services

    sync_services.sync_refresh(fiscal_year=next_year)
    return Overlap.objects.select_related("row_a", "row_b", "opd_a", "opd_b").get(fiscal_year=next_year)


def test_a_pair_of_another_year_is_refused(forum, pair_of_next_year, facilitator):
    with pytest.raises(ValidationError) as exc:
        services.forum_agenda_add_overlap(forum=forum, overlap=pair_of_next_year, by=facilitator)
    assert exc.value.code == "year"
    assert exc.value.message == "Pasangan ini bukan untuk tahun Renja forum ini."
    assert not forum.overlaps.exists()


def test_a_pair_with_an_agency_outside_the_forum_is_refused_naming_it(year, opd_a, opd_b, facilitator, forum_data):
    forum = services.forum_create(fiscal_year=year, data=forum_data, opd_list=[opd_a], by=facilitator)
    for opd, code, ref in ((opd_a, "1.06.04.2.01.0001", "A"), (opd_b, "2.08.02.2.01.0001", "B")):
        make_row(
            opd=opd,
            fiscal_year=year,
            ref=ref,
            sub_kegiatan=make_nomenklatur(code, "Layanan"),
            nama="Rumah singgah korban kekerasan",
            keterangan="Rumah aman sementara bagi korban kekerasan",
        )
    from sinkronisasi import services as sync_services

    sync_services.sync_refresh(fiscal_year=year)
    pair = Overlap.objects.select_related("row_a", "row_b", "opd_a", "opd_b").get()
    with pytest.raises(ValidationError) as exc:
        services.forum_agenda_add_overlap(forum=forum, overlap=pair, by=facilitator)
    assert exc.value.code == "participant"
    assert exc.value.message == f"{opd_b.singkatan} bukan peserta forum ini."
    assert not forum.overlaps.exists()
