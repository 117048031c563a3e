"""Migration 0004 (Kehadiran -> Attendance, Kesepakatan -> Clause, their fields and Forum.koreksi_dari -> corrects)
only renames: a berita acara signed before it keeps its snapshot and still verifies after it, and the renamed tables
give back the very same document."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from forum import selectors, services
from forum.models import BeritaAcara, Forum

BEFORE = ("forum", "0003_agenda_overlaps")
AFTER = ("forum", "0004_english_names")


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    return executor.loader.project_state([target]).apps


def migrate_to_latest():
    """Back to the newest schema (the migrations after 0004 too), as the other tests expect it."""
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_a_signed_berita_acara_verifies_after_the_rename(client, forum_ready, facilitator, verify_url):
    correction_source = forum_ready
    services.forum_finalise(forum=forum_ready, by=facilitator, verify_url_for=verify_url)
    services.forum_sign(forum=forum_ready, by=facilitator)
    correction = services.forum_correct(forum=forum_ready, by=facilitator)
    signed = BeritaAcara.objects.get(forum=forum_ready)
    snapshot, sha256 = signed.snapshot, signed.sha256
    assert services.fingerprint(snapshot) == sha256

    try:
        old = migrate(BEFORE)
        # The rows as the old schema holds them: the same people, clauses and correction link.
        people = old.get_model("forum", "Kehadiran").objects.filter(forum_id=forum_ready.pk).order_by("urutan", "id")
        assert [(p.nama, p.wakil, p.hadir_pada is not None) for p in people] == [
            ("Siti Rahma", True, True),
            ("Budi Hartono", False, False),
        ]
        clauses = old.get_model("forum", "Kesepakatan").objects.filter(forum_id=forum_ready.pk).order_by("urutan")
        assert [c.teks for c in clauses] == [k["teks"] for k in snapshot["kesepakatan"]]
        assert old.get_model("forum", "Forum").objects.get(pk=correction.pk).koreksi_dari_id == correction_source.pk
    finally:
        migrate_to_latest()

    signed = BeritaAcara.objects.get(forum=forum_ready)
    assert signed.snapshot == snapshot and signed.sha256 == sha256
    assert services.fingerprint(signed.snapshot) == sha256
    # Rebuilt from the renamed tables, the document is the one that was signed, key for key.
    forum = Forum.objects.get(pk=forum_ready.pk)
    assert selectors.forum_snapshot(forum, nomor=signed.nomor) == snapshot
    assert Forum.objects.get(pk=correction.pk).corrects == forum and forum.correction.pk == correction.pk
    assert [(p.nama, p.signs_as_representative) for p in forum.attendance.all()] == [
        ("Siti Rahma", True),
        ("Budi Hartono", False),
    ]
    page = client.get(reverse("forum:verify-detail", args=[sha256]))
    assert page.status_code == 200 and signed.nomor in page.content.decode()
