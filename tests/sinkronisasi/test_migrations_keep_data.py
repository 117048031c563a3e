"""The migrations that gave the sync view's models, fields and audit keys their English names keep every row and value:
a pair, its comment and proposal, a synonym group, a row's facts, the forum agenda and the audit trail, written under
the old names, read back under the new ones."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from renja.models import User

from ..factories import make_fiscal_year, make_opd, make_row, make_user

BEFORE = [("sinkronisasi", "0008_pair_comments_and_proposals"), ("forum", "0002_agenda_tumpang_tindih")]


def _migrate(targets):
    """Migrate as `manage.py migrate` does (its signals rename the content types with the models)."""
    for app, name in targets:
        call_command("migrate", app, name, verbosity=0)
    return MigrationExecutor(connection).loader.project_state(targets).apps


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_the_english_renames_keep_every_row_and_value():
    year = make_fiscal_year(2026)
    opd_a, opd_b = make_opd("Dinsos"), make_opd("DP3A")
    row_a, row_b = make_row(opd=opd_a, fiscal_year=year), make_row(opd=opd_b, fiscal_year=year)
    officer = make_user("petugas", role=User.Role.PETUGAS_OPD, opd=opd_a)
    planner = make_user("perencana", role=User.Role.PERENCANA)
    signed = timezone.now()
    try:
        old = _migrate(BEFORE)
        pair = old.get_model("sinkronisasi", "TumpangTindih").objects.create(
            fiscal_year_id=year.pk,
            baris_a_id=row_a.pk,
            baris_b_id=row_b.pk,
            opd_a_id=opd_a.pk,
            opd_b_id=opd_b.pk,
            kelompok="DP3A – Dinsos",
            skor=0.75,
            sinyal={"istilah": ["penitipan anak"]},
            status="koordinasi",
            opd_pengampu_id=opd_b.pk,
            catatan="DP3A memimpin",
            diselesaikan_oleh_id=planner.pk,
            jejak_a="a" * 40,
            jejak_b="b" * 40,
            ditandatangani_pada=signed,
            berita_acara_nomor="050/1/BA/2026",
        )
        old.get_model("sinkronisasi", "KomentarTumpang").objects.create(pair=pair, by_id=officer.pk, teks="Setuju")
        old.get_model("sinkronisasi", "UsulanPenyelesaian").objects.create(
            pair=pair,
            status="duplikasi",
            baris_dihapus_id=row_b.pk,
            catatan="Sama",
            opd_id=opd_a.pk,
            diusulkan_oleh_id=officer.pk,
            keputusan="ditolak",
            diputuskan_oleh_id=planner.pk,
            alasan="Bukan duplikasi",
        )
        old.get_model("sinkronisasi", "KelompokSinonim").objects.create(nama="uji migrasi", frasa="daycare, tpa")
        old.get_model("sinkronisasi", "FiturBaris").objects.create(
            renja_row_id=row_a.pk,
            fiscal_year_id=year.pk,
            opd_id=opd_a.pk,
            version=1,
            kode=row_a.kode,
            istilah={"anak": 1.0},
            jejak="c" * 40,
            putaran=3,
        )
        forum = old.get_model("forum", "Forum").objects.create(
            fiscal_year_id=year.pk,
            judul="Forum",
            tanggal=timezone.localdate(),
            mulai="09:00",
            selesai="12:00",
            tempat="Aula",
            pimpinan_nama="Kepala Bappeda",
            pimpinan_jabatan="Kepala",
            pimpinan_nip="197001011990031001",
        )
        forum.tumpang_tindih.add(pair)
        kind = old.get_model("contenttypes", "ContentType").objects.get_or_create(
            app_label="sinkronisasi", model="tumpangtindih"
        )[0]
        audit = old.get_model("renja", "AuditLog").objects.create(
            content_type=kind, object_id=str(pair.pk), object_repr="x", action="tumpang.resolved"
        )
    finally:
        new = _migrate(_latest())

    from forum.models import Forum
    from renja.models import AuditLog
    from sinkronisasi.models import Overlap, OverlapComment, OverlapProposal, RowFeatures, SynonymGroup

    overlap = Overlap.objects.get(pk=pair.pk)
    assert (overlap.row_a_id, overlap.row_b_id, overlap.agency_pair, overlap.score) == (
        row_a.pk,
        row_b.pk,
        "DP3A – Dinsos",
        0.75,
    )
    assert (overlap.signals, overlap.status, overlap.opd_pengampu_id, overlap.note) == (
        {"istilah": ["penitipan anak"]},
        "koordinasi",
        opd_b.pk,
        "DP3A memimpin",
    )
    assert (overlap.settled_by_id, overlap.fingerprint_a, overlap.fingerprint_b) == (planner.pk, "a" * 40, "b" * 40)
    assert overlap.signed_at == signed and overlap.berita_acara_nomor == "050/1/BA/2026"
    comment = OverlapComment.objects.get()
    assert (comment.overlap_id, comment.by_id, comment.text) == (pair.pk, officer.pk, "Setuju")
    proposal = OverlapProposal.objects.get()
    assert (proposal.overlap_id, proposal.status, proposal.dropped_row_id, proposal.note) == (
        pair.pk,
        "duplikasi",
        row_b.pk,
        "Sama",
    )
    assert (proposal.proposed_by_id, proposal.outcome, proposal.decided_by_id, proposal.reason) == (
        officer.pk,
        "ditolak",
        planner.pk,
        "Bukan duplikasi",
    )
    assert SynonymGroup.objects.get(nama="uji migrasi").phrases() == ["daycare", "tpa"]
    facts = RowFeatures.objects.get()
    assert (facts.renja_row_id, facts.terms, facts.fingerprint, facts.revision) == (
        row_a.pk,
        {"anak": 1.0},
        "c" * 40,
        3,
    )
    assert list(Forum.objects.get(pk=forum.pk).overlaps.all()) == [overlap]
    entry = AuditLog.objects.get(pk=audit.pk)
    assert entry.action == "overlap.settled" and entry.object_id == str(overlap.pk)
    assert entry.content_type.model_class() is Overlap
    assert new is not None
