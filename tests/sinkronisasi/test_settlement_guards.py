"""The checks a pair's settlement passes before anything is written (sinkronisasi.services' guards), each at its edge:
the exact refusal (message and code) and what is let through. Found by mutation testing (`make mutate`, README)."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from sinkronisasi import services, settlement
from sinkronisasi.models import Overlap, OverlapProposal

from .test_overlap_proposals import pair, proposal  # noqa: F401 (fixtures)
from .test_views import two_pairs  # noqa: F401 (a fixture)


def _refusal(call, *args, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as exc:
        call(*args, **kwargs)
    return exc.value


def _check(pair, status, note="", opd_pengampu=None, dropped_row=None):  # noqa: F811
    return settlement.check_settlement(
        pair, status=status, note=note, opd_pengampu=opd_pengampu, dropped_row=dropped_row
    )


# check_settlement --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["terbuka", "entah", ""])
def test_a_settlement_names_a_kind(pair, status):  # noqa: F811
    error = _refusal(_check, pair, status, note="Catatan")
    assert error.code == "status" and error.messages == [
        "Pilih penyelesaian: saling melengkapi, koordinasi atau duplikasi."
    ]


def test_coordination_names_one_of_the_two_agencies_as_lead(pair, two_pairs):  # noqa: F811
    outsider = two_pairs[1].opd_a
    for lead in (None, outsider):
        error = _refusal(_check, pair, "koordinasi", note="Catatan", opd_pengampu=lead)
        assert error.code == "lead" and error.messages == ["Koordinasi: pilih OPD pengampu, salah satu dari kedua OPD."]
    for lead in (pair.opd_a, pair.opd_b):
        assert _check(pair, "koordinasi", note="Catatan", opd_pengampu=lead) is None
    # the lead is asked of coordination only
    assert _check(pair, "saling_melengkapi", opd_pengampu=outsider) is None


def test_duplication_names_one_of_the_two_rows_to_drop(pair, two_pairs):  # noqa: F811
    outsider = two_pairs[1].row_a
    for row in (None, outsider):
        error = _refusal(_check, pair, "duplikasi", note="Catatan", dropped_row=row)
        assert error.code == "drop" and error.messages == [
            "Duplikasi: pilih baris yang dihapus, salah satu dari kedua baris."
        ]
    for row in (pair.row_a, pair.row_b):
        assert _check(pair, "duplikasi", note="Catatan", dropped_row=row) is None
    assert _check(pair, "koordinasi", note="Catatan", opd_pengampu=pair.opd_a, dropped_row=outsider) is None


def test_coordination_and_duplication_need_a_note_complementary_does_not(pair):  # noqa: F811
    for status, extra in [("koordinasi", {"opd_pengampu": pair.opd_a}), ("duplikasi", {"dropped_row": pair.row_b})]:
        error = _refusal(_check, pair, status, note="  \n ", **extra)
        assert error.code == "note" and error.messages == ["Catatan wajib diisi untuk koordinasi dan duplikasi."]
    assert _check(pair, "saling_melengkapi", note="") is None


# ensure_allowed, overlap_reopen -------------------------------------------------------------------------------------


def test_a_signed_pair_is_refused_with_its_berita_acara(pair):  # noqa: F811
    assert settlement.ensure_allowed(pair, "settle") is None
    pair.signed_at, pair.berita_acara_nomor = timezone.now(), "050/7/BA/2026"
    error = _refusal(settlement.ensure_allowed, pair, "settle")
    assert error.code == "signed"
    assert error.messages == [
        "Pasangan ini disepakati dalam berita acara 050/7/BA/2026 yang sudah ditandatangani; "
        "kesepakatannya tidak dapat diubah. Bila barisnya berubah, masukkan ke agenda forum berikutnya."
    ]


def test_an_open_pair_cannot_be_reopened(pair, planner):  # noqa: F811
    error = _refusal(services.overlap_reopen, overlap=pair, by=planner)
    assert error.code == "open" and error.messages == ["Pasangan ini belum diselesaikan."]
    assert Overlap.objects.get(pk=pair.pk).reopened_at is None


def test_reopening_clears_the_settlement_and_is_audited(pair, planner):  # noqa: F811
    from renja.models import AuditLog

    services.overlap_settle(overlap=pair, status="koordinasi", note="Dinkes", opd_pengampu=pair.opd_b, by=planner)
    services.overlap_reopen(overlap=pair, by=planner, note="Salah pilih")
    stored = Overlap.objects.get(pk=pair.pk)
    assert (stored.status, stored.opd_pengampu, stored.dropped_row, stored.reopened_by) == (
        "terbuka",
        None,
        None,
        planner,
    )
    assert stored.reopened_at is not None
    entry = AuditLog.objects.filter(action="overlap.reopened").get()
    assert (
        entry.by == planner
        and entry.changes == {"status": ["koordinasi", "terbuka"]}
        and entry.data == {"catatan": "Salah pilih"}
    )


def test_a_signed_pair_cannot_be_reopened(pair, planner):  # noqa: F811
    services.overlap_settle(overlap=pair, status="saling_melengkapi", by=planner)
    services.overlap_sign(pairs=[pair], nomor="050/8/BA/2026", forum="Forum", by=planner)
    error = _refusal(services.overlap_reopen, overlap=pair, by=planner)
    assert error.code == "signed"
    assert Overlap.objects.get(pk=pair.pk).status == "saling_melengkapi"


# _lock_open_proposal -----------------------------------------------------------------------------------------------


def test_a_replaced_proposal_is_refused_as_replaced(pair, proposal, opd_a_editor):  # noqa: F811
    services.overlap_propose(overlap=pair, by=opd_a_editor, status="saling_melengkapi")
    error = _refusal(services._lock_open_proposal, proposal)
    assert error.code == "replaced"
    assert error.messages == ["Usulan ini sudah diganti dengan usulan yang lebih baru; periksa usulan terbaru."]


def test_a_decided_proposal_is_refused_as_decided(pair, proposal, planner):  # noqa: F811
    assert services._lock_open_proposal(proposal).pk == proposal.pk
    services.overlap_proposal_decline(proposal=proposal, by=planner, reason="Belum sepakat")
    error = _refusal(services._lock_open_proposal, proposal)
    assert error.code == "decided" and error.messages == ["Usulan ini sudah diputuskan."]
    locked = OverlapProposal.objects.get(pk=proposal.pk)
    assert locked.outcome != OverlapProposal.Outcome.WAITING


def test_the_locked_proposal_comes_with_what_the_confirmation_reads(proposal, django_assert_num_queries):  # noqa: F811
    locked = services._lock_open_proposal(proposal)
    with django_assert_num_queries(0):
        assert (locked.overlap.pk, locked.opd.pk, locked.opd_pengampu.pk, locked.proposed_by.pk) == (
            proposal.overlap_id,
            proposal.opd_id,
            proposal.opd_pengampu_id,
            proposal.proposed_by_id,
        )


# synonym_group_save ---------------------------------------------------------------------------------------------------


def test_a_synonym_group_needs_a_name(planner):
    error = _refusal(
        services.synonym_group_save, group=None, nama="   ", frasa="daycare, penitipan anak", aktif=True, by=planner
    )
    assert error.message_dict == {"nama": ["Nama kelompok wajib diisi."]}


@pytest.mark.parametrize("frasa", ["", "daycare", "daycare, , ;"])
def test_a_synonym_group_needs_two_phrases(planner, frasa):
    error = _refusal(services.synonym_group_save, group=None, nama="penitipan", frasa=frasa, aktif=True, by=planner)
    assert error.message_dict == {"frasa": ["Isi paling sedikit dua frasa yang bermakna sama, dipisah koma."]}


def test_phrases_alike_once_stemmed_are_one_phrase(planner):
    error = _refusal(
        services.synonym_group_save,
        group=None,
        nama="bangun",
        frasa="pembangunan jalan, bangun jalan",
        aktif=True,
        by=planner,
    )
    assert error.message_dict == {"frasa": ["Frasa-frasa ini sama setelah kata dasar diambil; isi frasa yang berbeda."]}


def test_a_group_name_is_unique_whatever_its_case_but_a_group_keeps_its_own(planner):
    from sinkronisasi.models import SynonymGroup

    group = services.synonym_group_save(
        group=None,
        nama=" Sekolah Lansia ",
        frasa="sekolah lansia;universitas usia ketiga\nkelas lansia",
        aktif=True,
        by=planner,
    )
    assert (group.nama, group.frasa) == ("Sekolah Lansia", "sekolah lansia, universitas usia ketiga, kelas lansia")
    error = _refusal(
        services.synonym_group_save,
        group=None,
        nama="sekolah lansia",
        frasa="posyandu lansia, sekolah tua",
        aktif=True,
        by=planner,
    )
    assert error.message_dict == {"nama": ["Kelompok sekolah lansia sudah ada."]}
    same = services.synonym_group_save(
        group=group, nama="Sekolah Lansia", frasa="sekolah lansia, kelas lansia", aktif=False, by=planner
    )
    assert same.pk == group.pk and SynonymGroup.objects.filter(nama__iexact="sekolah lansia").count() == 1
    other = SynonymGroup.objects.exclude(pk=group.pk).first()
    error = _refusal(
        services.synonym_group_save,
        group=other,
        nama="SEKOLAH LANSIA",
        frasa="posyandu lansia, sekolah tua",
        aktif=True,
        by=planner,
    )
    assert error.message_dict == {"nama": ["Kelompok SEKOLAH LANSIA sudah ada."]}


def test_a_reopening_without_a_note_is_audited_with_an_empty_note(pair, planner):  # noqa: F811
    from renja.models import AuditLog

    services.overlap_settle(overlap=pair, status="saling_melengkapi", by=planner)
    services.overlap_reopen(overlap=pair, by=planner)
    assert AuditLog.objects.get(action="overlap.reopened").data == {"catatan": ""}


def test_the_locked_proposal_comes_with_the_row_to_drop(pair, opd_a_editor, django_assert_num_queries):  # noqa: F811
    proposal = services.overlap_propose(
        overlap=pair,
        by=opd_a_editor,
        status="duplikasi",
        note="Sama",  # noqa: F811
        dropped_row=pair.row_b,
    )
    locked = services._lock_open_proposal(proposal)
    with django_assert_num_queries(0):
        assert locked.dropped_row.pk == pair.row_b_id


def test_a_synonym_group_saved_is_audited_with_who_and_what_changed(planner):
    from renja.models import AuditLog

    group = services.synonym_group_save(
        group=None, nama="Sekolah Lansia", frasa="sekolah lansia, kelas lansia", aktif=True, by=planner
    )
    services.synonym_group_save(
        group=group, nama="Sekolah Lansia", frasa="sekolah lansia, kelas lansia", aktif=False, by=planner
    )
    created, changed = AuditLog.objects.filter(action__startswith="synonym_group.", object_id=str(group.pk)).order_by(
        "id"
    )
    assert (created.action, created.by, changed.action, changed.by) == (
        "synonym_group.created",
        planner,
        "synonym_group.changed",
        planner,
    )
    assert created.changes == {"nama": ["", "Sekolah Lansia"], "frasa": ["", "sekolah lansia, kelas lansia"]}
    assert changed.changes == {"aktif": [True, False]}


# overlap_comment_add, overlap_proposal_decline ---------------------------------------------------------------------


def test_a_comment_is_trimmed_not_empty_and_at_most_max_long(pair, planner, opd_a_editor):  # noqa: F811
    from renja.models import AuditLog
    from sinkronisasi.models import OverlapComment

    error = _refusal(services.overlap_comment_add, overlap=pair, by=planner, text=" \n ")
    assert error.message_dict == {"text": ["Komentar tidak boleh kosong."]}
    error = _refusal(services.overlap_comment_add, overlap=pair, by=planner, text="x" * (OverlapComment.MAX_TEXT + 1))
    assert error.message_dict == {"text": [f"Komentar paling panjang {OverlapComment.MAX_TEXT} karakter."]}
    longest = services.overlap_comment_add(overlap=pair, by=planner, text=" " + "y" * OverlapComment.MAX_TEXT + " ")
    assert longest.text == "y" * OverlapComment.MAX_TEXT and longest.opd_id is None and longest.by == planner
    mine = services.overlap_comment_add(overlap=pair, by=opd_a_editor, text=" Kami pimpin ")
    assert (mine.text, mine.opd_id) == ("Kami pimpin", opd_a_editor.opd_id)
    first, second = AuditLog.objects.filter(action="overlap.commented").order_by("id")
    assert first.by == planner and first.data == {"komentar": longest.pk, "teks": "y" * 200}
    assert second.by == opd_a_editor and second.data == {"komentar": mine.pk, "teks": "Kami pimpin"}


def test_a_decline_needs_a_reason_kept_trimmed(pair, proposal, planner):  # noqa: F811
    error = _refusal(services.overlap_proposal_decline, proposal=proposal, by=planner, reason="  ")
    assert error.message_dict == {"reason": ["Alasan penolakan wajib diisi."]}
    assert OverlapProposal.objects.get(pk=proposal.pk).is_open
    declined = services.overlap_proposal_decline(proposal=proposal, by=planner, reason="  " + "z" * 1200)
    stored = OverlapProposal.objects.get(pk=proposal.pk)
    assert (stored.outcome, stored.reason, stored.decided_by) == ("ditolak", "z" * 1000, planner)
    assert stored.decided_at is not None and declined.reason == stored.reason


def test_a_decline_is_audited_on_the_pair_with_who_and_why(pair, proposal, planner):  # noqa: F811
    from renja.models import AuditLog

    services.overlap_proposal_decline(proposal=proposal, by=planner, reason=" Belum sepakat ")
    entry = AuditLog.objects.get(action="overlap.proposal_declined", object_id=str(pair.pk))
    assert entry.by == planner and entry.data["alasan"] == "Belum sepakat"
    assert entry.data["usulan"] == proposal.pk and entry.data["status"] == "koordinasi"


# overlap_propose ---------------------------------------------------------------------------------------------------


def test_a_proposal_without_a_note_keeps_an_empty_note(pair, opd_a_editor):  # noqa: F811
    from renja.models import AuditLog

    proposal = services.overlap_propose(overlap=pair, by=opd_a_editor, status="saling_melengkapi")
    assert OverlapProposal.objects.get(pk=proposal.pk).note == ""
    assert AuditLog.objects.get(action="overlap.proposed").data["catatan"] == ""


def test_a_replaced_proposal_records_who_replaced_it_and_when(pair, proposal, opd_a_editor):  # noqa: F811
    before = timezone.now()
    newer = services.overlap_propose(overlap=pair, by=opd_a_editor, status="saling_melengkapi", note="Berbeda")
    proposal.refresh_from_db()
    assert (proposal.outcome, proposal.decided_by) == (OverlapProposal.Outcome.REPLACED, opd_a_editor)
    assert proposal.decided_at is not None and before <= proposal.decided_at <= timezone.now()
    assert (newer.outcome, newer.decided_by, newer.decided_at) == (OverlapProposal.Outcome.WAITING, None, None)
    from renja.models import AuditLog

    entry = AuditLog.objects.get(action="overlap.proposal_replaced")
    assert (entry.by, entry.data) == (opd_a_editor, {"usulan": proposal.pk})


def test_a_new_proposal_replaces_only_the_open_one_not_a_decided_one(pair, proposal, opd_a_editor, planner):  # noqa: F811
    services.overlap_proposal_decline(proposal=proposal, by=planner, reason="Bukan pengampunya")
    services.overlap_propose(overlap=pair, by=opd_a_editor, status="saling_melengkapi", note="Berbeda")
    proposal.refresh_from_db()
    assert (proposal.outcome, proposal.decided_by) == (OverlapProposal.Outcome.DECLINED, planner)
    from renja.models import AuditLog

    assert not AuditLog.objects.filter(action="overlap.proposal_replaced").exists()


def test_a_proposal_keeps_the_lead_and_the_row_to_drop_only_for_the_kinds_that_name_them(pair, opd_a_editor):  # noqa: F811
    from renja.models import AuditLog

    kinds = [("saling_melengkapi", None, None), ("koordinasi", pair.opd_a, None), ("duplikasi", None, pair.row_b)]
    for status, lead, dropped in kinds:
        proposal = services.overlap_propose(
            overlap=pair,
            by=opd_a_editor,
            status=status,
            note=" Catatan ",
            opd_pengampu=pair.opd_a,
            dropped_row=pair.row_b,
        )
        proposal = OverlapProposal.objects.get(pk=proposal.pk)
        assert (proposal.opd_pengampu, proposal.dropped_row) == (lead, dropped), status
        entry = AuditLog.objects.filter(action="overlap.proposed").latest("id")
        assert entry.by == opd_a_editor
        assert entry.data == {
            "usulan": proposal.pk,
            "status": status,
            "catatan": "Catatan",
            "opd_pengampu": lead.singkatan if lead else None,
            "baris_dihapus": dropped.ref if dropped else None,
            "diusulkan_oleh": opd_a_editor.username,
            "opd": opd_a_editor.opd.singkatan,
        }


# overlap_settle ----------------------------------------------------------------------------------------------------


def test_a_settlement_without_a_note_keeps_an_empty_note(pair, planner):  # noqa: F811
    services.overlap_settle(overlap=pair, status="saling_melengkapi", by=planner)
    assert Overlap.objects.get(pk=pair.pk).note == ""


def test_a_settlement_keeps_the_lead_and_the_row_to_drop_only_for_the_kinds_that_name_them(pair, planner):  # noqa: F811
    kinds = [("saling_melengkapi", None, None), ("koordinasi", pair.opd_b, None), ("duplikasi", None, pair.row_a)]
    for status, lead, dropped in kinds:
        services.overlap_settle(
            overlap=pair, status=status, by=planner, note="Catatan", opd_pengampu=pair.opd_b, dropped_row=pair.row_a
        )
        settled = Overlap.objects.get(pk=pair.pk)
        assert (settled.status, settled.opd_pengampu, settled.dropped_row) == (status, lead, dropped)
        services.overlap_reopen(overlap=pair, by=planner)


def test_a_settlement_records_each_rows_fingerprint_or_none_when_the_row_has_no_facts_yet(pair, planner):  # noqa: F811
    from sinkronisasi.models import RowFeatures

    RowFeatures.objects.filter(pk=pair.row_a_id).delete()
    fingerprint_b = RowFeatures.objects.get(pk=pair.row_b_id).fingerprint
    services.overlap_settle(overlap=pair, status="saling_melengkapi", by=planner)
    settled = Overlap.objects.get(pk=pair.pk)
    assert (settled.fingerprint_a, settled.fingerprint_b) == ("", fingerprint_b) and fingerprint_b
    services.overlap_reopen(overlap=pair, by=planner)
    RowFeatures.objects.filter(pk=pair.row_b_id).delete()
    services.overlap_settle(overlap=pair, status="saling_melengkapi", by=planner)
    settled = Overlap.objects.get(pk=pair.pk)
    assert (settled.fingerprint_a, settled.fingerprint_b) == ("", "")


def test_a_settlement_is_audited_with_who_what_changed_and_the_lead_or_row_named(pair, planner):  # noqa: F811
    from renja.models import AuditLog

    services.overlap_settle(
        overlap=pair, status="koordinasi", by=planner, note=" Dinkes memimpin ", opd_pengampu=pair.opd_b
    )
    entry = AuditLog.objects.filter(action="overlap.settled").latest("id")
    assert entry.by == planner
    assert entry.changes == {"status": ["terbuka", "koordinasi"], "catatan": ["", "Dinkes memimpin"]}
    assert entry.data == {"opd_pengampu": pair.opd_b.singkatan, "baris_dihapus": None}
    services.overlap_reopen(overlap=pair, by=planner)
    services.overlap_settle(overlap=pair, status="duplikasi", by=planner, note="Sama", dropped_row=pair.row_a)
    entry = AuditLog.objects.filter(action="overlap.settled").latest("id")
    assert entry.data == {"opd_pengampu": None, "baris_dihapus": pair.row_a.ref}
