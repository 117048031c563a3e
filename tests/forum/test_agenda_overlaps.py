"""Overlapping pairs put on a forum's agenda, settled there, and refused once the forum is final."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from forum import services
from renja.models import AuditLog
from sinkronisasi import services as sync_services
from sinkronisasi.models import Overlap

from ..factories import make_nomenklatur, make_opd, make_row


@pytest.fixture
def pair(year, opd_a, opd_b):
    for opd, code, ref in ((opd_a, "1.06.04.2.01.0001", "A"), (opd_b, "2.08.02.2.01.0001", "B")):
        make_row(
            opd=opd,
            fiscal_year=year,
            ref=ref,
            sub_kegiatan=make_nomenklatur(code, "Layanan"),
            nama="Rumah singgah korban kekerasan",
            keterangan="Rumah aman sementara bagi korban kekerasan",
        )
    sync_services.sync_refresh(fiscal_year=year)
    return Overlap.objects.select_related("row_a", "row_b", "opd_a", "opd_b").get()


def test_a_pair_of_participating_agencies_goes_on_the_agenda(forum, pair, facilitator):
    services.forum_agenda_add_overlap(forum=forum, overlap=pair, by=facilitator)
    services.forum_agenda_add_overlap(forum=forum, overlap=pair, by=facilitator)  # twice changes nothing
    assert list(forum.overlaps.all()) == [pair]


def test_a_pair_with_an_agency_outside_the_forum_is_refused(forum, year, facilitator):
    other = make_opd("Dinkes", bidang=["1.02"])
    for opd, code, ref in ((forum.opd.first(), "1.06.04.2.01.0002", "C"), (other, "1.02.02.2.01.0001", "D")):
        make_row(
            opd=opd,
            fiscal_year=year,
            ref=ref,
            sub_kegiatan=make_nomenklatur(code, "Layanan"),
            nama="Rumah singgah korban kekerasan",
        )
    sync_services.sync_refresh(fiscal_year=year)
    pair = (
        Overlap.objects.get(opd_b=other)
        if Overlap.objects.filter(opd_b=other).exists()
        else Overlap.objects.get(opd_a=other)
    )
    with pytest.raises(ValidationError, match="bukan peserta"):
        services.forum_agenda_add_overlap(forum=forum, overlap=pair, by=facilitator)


def test_facilitator_settles_the_pair_from_the_forum_agenda(client, forum, pair, facilitator):
    client.force_login(facilitator)
    response = client.post(reverse("forum:agenda-overlap", args=[pair.pk]), {"forum": forum.pk})
    assert response.status_code == 302
    page = client.get(reverse("forum:forum-detail", args=[forum.pk])).content.decode()
    assert pair.row_a.ref in page and "Sepakati" in page
    client.post(
        reverse("sinkronisasi:overlap-settle", args=[pair.pk]),
        {"status": "saling_melengkapi", "note": "Berbagi wilayah"},
    )
    pair.refresh_from_db()
    assert pair.status == "saling_melengkapi"


def test_officers_cannot_put_pairs_on_an_agenda(client, forum, pair, opd_a_editor):
    client.force_login(opd_a_editor)
    assert client.post(reverse("forum:agenda-overlap", args=[pair.pk]), {"forum": forum.pk}).status_code == 403
    assert not forum.overlaps.exists()


def test_an_open_pair_on_the_agenda_blocks_finalising(forum_ready, pair, facilitator):
    services.forum_agenda_add_overlap(forum=forum_ready, overlap=pair, by=facilitator)
    with pytest.raises(ValidationError, match="belum disepakati"):
        services.forum_finalise(forum=forum_ready, by=facilitator, verify_url_for=lambda sha: f"https://contoh/{sha}")
    forum_ready.refresh_from_db()
    assert forum_ready.is_draft


def test_the_berita_acara_freezes_how_the_pair_was_settled(forum_ready, pair, facilitator, planner):
    services.forum_agenda_add_overlap(forum=forum_ready, overlap=pair, by=facilitator)
    sync_services.overlap_settle(
        overlap=pair, status="koordinasi", opd_pengampu=pair.opd_a, note="Dinsos memimpin", by=facilitator
    )
    ba = services.forum_finalise(forum=forum_ready, by=facilitator, verify_url_for=lambda sha: f"https://contoh/{sha}")
    frozen = ba.snapshot["beririsan"]
    assert [(p["a"]["ref"], p["b"]["ref"], p["status"], p["pengampu"], p["catatan"]) for p in frozen] == [
        (pair.row_a.ref, pair.row_b.ref, "koordinasi", pair.opd_a.singkatan, "Dinsos memimpin")
    ]
    sync_services.overlap_reopen(overlap=pair, by=planner)  # a later change to the pair ...
    ba.refresh_from_db()
    assert ba.snapshot["beririsan"] == frozen  # ... leaves the signed record as it was


def test_a_final_forum_refuses_agenda_changes(forum_ready, pair, facilitator):
    services.forum_agenda_add_overlap(forum=forum_ready, overlap=pair, by=facilitator)
    sync_services.overlap_settle(overlap=pair, status="saling_melengkapi", by=facilitator)
    services.forum_finalise(forum=forum_ready, by=facilitator, verify_url_for=lambda sha: f"https://contoh/{sha}")
    forum_ready.refresh_from_db()
    with pytest.raises(ValidationError, match="Forum ini sudah final dan tidak dapat diubah"):
        services.forum_agenda_remove_overlap(forum=forum_ready, overlap=pair, by=facilitator)
    assert forum_ready.overlaps.count() == 1


@pytest.mark.parametrize(
    "stage,message",
    [
        ("final", "Forum ini sudah final dan tidak dapat diubah"),
        ("signed", "Forum ini sudah ditandatangani dan tidak dapat diubah"),
    ],
)
def test_a_final_or_signed_forum_refuses_a_new_pair_on_its_agenda(forum_ready, pair, facilitator, stage, message):
    services.forum_finalise(forum=forum_ready, by=facilitator, verify_url_for=lambda sha: f"https://contoh/{sha}")
    if stage == "signed":
        services.forum_sign(forum=forum_ready, by=facilitator)
    forum_ready.refresh_from_db()
    assert forum_ready.status == stage
    fields = ["status", "note", "signed_at", "berita_acara_nomor", "settled_at"]
    before = Overlap.objects.filter(pk=pair.pk).values(*fields).get()
    audits = AuditLog.objects.count()
    with pytest.raises(ValidationError, match=message):
        services.forum_agenda_add_overlap(forum=forum_ready, overlap=pair, by=facilitator)
    assert not forum_ready.overlaps.exists()
    assert Overlap.objects.filter(pk=pair.pk).values(*fields).get() == before
    assert AuditLog.objects.count() == audits


def test_the_pdf_prints_the_settled_pairs_as_lampiran_v(forum_ready, pair, facilitator):
    import subprocess

    services.forum_agenda_add_overlap(forum=forum_ready, overlap=pair, by=facilitator)
    sync_services.overlap_settle(
        overlap=pair, status="koordinasi", opd_pengampu=pair.opd_b, note="DP3A memimpin layanan", by=facilitator
    )
    ba = services.forum_finalise(forum=forum_ready, by=facilitator, verify_url_for=lambda sha: f"https://contoh/{sha}")
    text = subprocess.run(["pdftotext", "-raw", ba.pdf.path, "-"], capture_output=True, text=True, check=True).stdout
    assert "LAMPIRAN V" in text and "KESEPAKATAN ATAS PROGRAM BERIRISAN" in text
    flat = " ".join(text.split())
    assert f"{pair.opd_b.nama} ditetapkan sebagai Perangkat Daerah pengampu" in flat
    assert "DP3A memimpin layanan" in text


def test_the_forum_page_previews_a_long_agenda(client, forum, facilitator, year, opd_a):
    from forum.views import AGENDA_PREVIEW

    code = make_nomenklatur("1.06.04.2.01.0003", "Layanan")
    for i in range(AGENDA_PREVIEW + 1):
        make_row(opd=opd_a, fiscal_year=year, ref=f"P-{i:03}", sub_kegiatan=code)
    client.force_login(facilitator)
    page = client.get(reverse("forum:forum-detail", args=[forum.pk])).content.decode()
    assert f"Ditampilkan {AGENDA_PREVIEW} dari {AGENDA_PREVIEW + 1} baris" in page
    assert "P-000" in page and f"P-{AGENDA_PREVIEW:03}" not in page


def test_a_pair_comes_off_a_draft_forums_agenda(client, forum, pair, facilitator, opd_a_editor):
    services.forum_agenda_add_overlap(forum=forum, overlap=pair, by=facilitator)
    url = reverse("forum:agenda-overlap-remove", args=[forum.pk, pair.pk])
    client.force_login(opd_a_editor)
    assert client.post(url).status_code == 403
    assert forum.overlaps.count() == 1
    client.force_login(facilitator)
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302  # not through the confirmation: refused
    assert forum.overlaps.count() == 1
    assert client.post(url, {"konfirmasi": "1"}).status_code == 302
    assert not forum.overlaps.exists()


def test_an_usulan_bappeda_closed_stays_in_lampiran_iii_with_the_closing_reason(forum_ready):
    from forum import selectors
    from musrenbang import services as usulan_services
    from musrenbang.models import Usulan

    usulan = Usulan.objects.get(id_usulan="USL-001")  # rejected by Dinsos in the fixture
    usulan_services.usulan_close(usulan=usulan, by=None, alasan="Tidak ada OPD lain yang berwenang; dibawa ke 2027")
    items = {u["id_usulan"]: u for u in selectors.forum_snapshot(forum_ready)["lampiran_iii"]}
    assert items["USL-001"]["alasan"] == "Tidak ada OPD lain yang berwenang; dibawa ke 2027"


@pytest.fixture
def signed(forum_ready, pair, facilitator):
    """The pair settled on the forum's agenda, the berita acara finalised and signed."""
    services.forum_agenda_add_overlap(forum=forum_ready, overlap=pair, by=facilitator)
    sync_services.overlap_settle(
        overlap=pair, status="koordinasi", opd_pengampu=pair.opd_a, note="Dinsos memimpin", by=facilitator
    )
    ba = services.forum_finalise(forum=forum_ready, by=facilitator, verify_url_for=lambda sha: f"https://contoh/{sha}")
    services.forum_sign(forum=forum_ready, by=facilitator)
    pair.refresh_from_db()
    return ba


def test_a_pair_settled_in_a_signed_berita_acara_cannot_be_settled_again_or_reopened(client, signed, pair, planner):
    assert pair.is_signed and pair.berita_acara_nomor == signed.nomor
    with pytest.raises(ValidationError, match="sudah ditandatangani"):
        sync_services.overlap_settle(overlap=pair, status="saling_melengkapi", by=planner)
    with pytest.raises(ValidationError, match="sudah ditandatangani"):
        sync_services.overlap_reopen(overlap=pair, by=planner)
    client.force_login(planner)
    client.post(reverse("sinkronisasi:overlap-settle", args=[pair.pk]), {"status": "saling_melengkapi"})
    client.post(reverse("sinkronisasi:overlap-reopen", args=[pair.pk]))
    pair.refresh_from_db()
    assert (pair.status, pair.note) == ("koordinasi", "Dinsos memimpin")
    page = client.get(reverse("sinkronisasi:overlap-detail", args=[pair.pk])).content.decode()
    assert f"Disepakati dalam berita acara {signed.nomor}" in page and "Simpan penyelesaian" not in page


def test_a_row_change_after_signing_marks_the_pair_instead_of_reopening_it(
    client, signed, pair, year, facilitator, forum_ready
):
    from renja import services as renja_services

    wording = {"rincian": "Rumah singgah dan rumah aman korban kekerasan"}
    renja_services.row_update(row=pair.row_a, data=wording, by=None)
    sync_services.sync_refresh(fiscal_year=year)
    pair.refresh_from_db()
    assert pair.status == "koordinasi" and pair.changed_after_signing_at is not None
    assert (
        AuditLog.objects.filter(
            action="overlap.changed_after_signing", object_id=str(pair.pk), by=None, source="sync.changed_after_signing"
        ).count()
        == 1
    )
    client.force_login(facilitator)
    assert (
        "Berubah setelah ditandatangani"
        in client.get(reverse("sinkronisasi:overlap-detail", args=[pair.pk])).content.decode()
    )
    # the signed forum's page shows the settlement its berita acara froze
    page = client.get(reverse("forum:forum-detail", args=[forum_ready.pk])).content.decode()
    assert "Dinsos memimpin" in page


def test_a_pair_no_longer_flagged_after_signing_stays_on_record(signed, pair, year):
    from renja import services as renja_services

    renja_services.row_update(row=pair.row_b, data={"rincian": "Pelatihan menjahit", "keterangan": "Kursus"}, by=None)
    sync_services.sync_refresh(fiscal_year=year, full=True)
    assert Overlap.objects.filter(pk=pair.pk, status="koordinasi").exists()


def test_the_next_forum_may_settle_a_signed_pair_again_and_the_signed_forum_keeps_its_own(
    client, signed, pair, facilitator, year, opd_a, opd_b, forum_data, forum_ready
):
    later = services.forum_create(
        fiscal_year=year,
        data={**forum_data, "judul": "Forum lanjutan", "fasilitator": facilitator},
        opd_list=[opd_a, opd_b],
        by=facilitator,
    )
    services.forum_agenda_add_overlap(forum=later, overlap=pair, by=facilitator)
    sync_services.overlap_settle(overlap=pair, status="saling_melengkapi", note="Berbagi wilayah", by=facilitator)
    pair.refresh_from_db()
    assert pair.status == "saling_melengkapi" and not pair.is_signed
    client.force_login(facilitator)
    page = client.get(reverse("forum:forum-detail", args=[forum_ready.pk])).content.decode()
    assert "Dinsos memimpin" in page and "Berbagi wilayah" not in page


def test_putting_a_pair_on_the_agenda_is_recorded_once_with_who_and_which_rows(forum, pair, facilitator):
    services.forum_agenda_add_overlap(forum=forum, overlap=pair, by=facilitator)
    services.forum_agenda_add_overlap(forum=forum, overlap=pair, by=facilitator)  # already there: nothing more written
    entry = AuditLog.objects.get(action="forum.overlap_added")
    assert entry.by == facilitator and entry.object_id == str(forum.pk)
    assert entry.data == {"pasangan": [pair.row_a.ref, pair.row_b.ref]}


def test_a_pair_of_two_agencies_outside_the_forum_names_both(year, facilitator, forum_data, pair):
    outsider = make_opd("Dinkes", bidang=["1.02"])
    forum = services.forum_create(fiscal_year=year, data=forum_data, opd_list=[outsider], by=facilitator)
    with pytest.raises(ValidationError) as exc:
        services.forum_agenda_add_overlap(forum=forum, overlap=pair, by=facilitator)
    assert exc.value.message == f"{pair.opd_a.singkatan}, {pair.opd_b.singkatan} bukan peserta forum ini."


def test_taking_a_signed_pair_to_a_later_forum_is_recorded_with_who_and_which_forum(
    signed, pair, facilitator, year, opd_a, opd_b, forum_data
):
    later = services.forum_create(
        fiscal_year=year,
        data={**forum_data, "judul": "Forum lanjutan", "fasilitator": facilitator},
        opd_list=[opd_a, opd_b],
        by=facilitator,
    )
    services.forum_agenda_add_overlap(forum=later, overlap=pair, by=facilitator)
    entry = AuditLog.objects.get(action="overlap.taken_to_forum")
    assert entry.by == facilitator
    assert entry.data == {"berita_acara_sebelumnya": signed.nomor, "forum": "Forum lanjutan"}
