"""The migration that gave the trail's models their English names (Keputusan → Decision, Pengambilan → Pickup) keeps
every row and value: decisions and pick-ups written under the old names read back under the new ones, with their
links, and an audit entry still points at its decision."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from renja.models import AuditLog, User

from ..factories import make_fiscal_year, make_opd, make_row, make_user, make_usulan

BEFORE = [("musrenbang", "0007_decision_reason_from_table")]


def _migrate(targets):
    """Migrate as `manage.py migrate` does (its signals rename the content types with the models)."""
    for app, name in targets:
        call_command("migrate", app, name, verbosity=0)
    return MigrationExecutor(connection).loader.project_state(targets).apps


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_the_english_names_of_decisions_and_pickups_keep_every_row_and_value():
    year = make_fiscal_year(2026)
    opd = make_opd("Dinsos")
    row, other_row = make_row(opd=opd, fiscal_year=year), make_row(opd=opd, fiscal_year=year)
    usulan = make_usulan(fiscal_year=year, id_usulan="U-MIG-1")
    target = make_usulan(fiscal_year=year, id_usulan="U-MIG-2")
    officer = make_user("petugas", role=User.Role.PETUGAS_OPD, opd=opd)
    try:
        old = _migrate(BEFORE)
        Keputusan = old.get_model("musrenbang", "Keputusan")
        routed = Keputusan.objects.create(
            usulan_id=usulan.pk, level="bappeda", keputusan="diteruskan", opd_id=opd.pk, source="import_usulan"
        )
        accepted = Keputusan.objects.create(
            usulan_id=usulan.pk,
            level="opd",
            keputusan="diterima_dengan_perubahan",
            opd_id=opd.pk,
            volume=Decimal("2.50"),
            anggaran=90_000_000,
            by_id=officer.pk,
        )
        rejected = Keputusan.objects.create(
            usulan_id=usulan.pk, level="forum", keputusan="ditolak", alasan="Bukan kewenangan", by_id=officer.pk
        )
        merged = Keputusan.objects.create(
            usulan_id=target.pk,
            level="opd",
            keputusan="digabung",
            alasan="Sama",
            digabung_ke_usulan_id=usulan.pk,
            digabung_ke_renja_id=other_row.pk,
        )
        Pengambilan = old.get_model("musrenbang", "Pengambilan")
        pickup = Pengambilan.objects.create(
            usulan_id=usulan.pk,
            renja_row_id=row.pk,
            volume=Decimal("2.50"),
            anggaran=90_000_000,
            keputusan=accepted,
            by_id=officer.pk,
            dibatalkan_oleh=rejected,
        )
        kind = old.get_model("contenttypes", "ContentType").objects.get_or_create(
            app_label="musrenbang", model="keputusan"
        )[0]
        # The audit log's own table is at its latest state (renja is not migrated back): today's model writes it.
        audit = AuditLog.objects.create(
            content_type_id=kind.pk, object_id=str(merged.pk), object_repr="x", action="renja_row.usulan_merged"
        )
    finally:
        _migrate(_latest())

    from musrenbang.models import Decision, Pickup

    trail = list(Decision.objects.filter(usulan_id=usulan.pk).order_by("pk"))
    assert [(d.pk, d.level, d.kind) for d in trail] == [
        (routed.pk, "bappeda", "diteruskan"),
        (accepted.pk, "opd", "diterima_dengan_perubahan"),
        (rejected.pk, "forum", "ditolak"),
    ]
    assert (trail[0].opd_id, trail[0].source, trail[1].volume, trail[1].anggaran, trail[1].by_id) == (
        opd.pk,
        "import_usulan",
        Decimal("2.50"),
        90_000_000,
        officer.pk,
    )
    assert trail[2].alasan == "Bukan kewenangan" and trail[2].get_kind_display() == "Ditolak"
    merge = Decision.objects.get(pk=merged.pk)
    assert (merge.kind, merge.digabung_ke_usulan_id, merge.digabung_ke_renja_id) == (
        "digabung",
        usulan.pk,
        other_row.pk,
    )
    assert list(target.decisions.all()) == [merge] and list(usulan.merged_in.all()) == [merge]
    pick = Pickup.objects.get()
    assert (pick.pk, pick.usulan_id, pick.renja_row_id, pick.volume, pick.anggaran) == (
        pickup.pk,
        usulan.pk,
        row.pk,
        Decimal("2.50"),
        90_000_000,
    )
    assert (pick.decision_id, pick.dibatalkan_oleh_id, pick.by_id) == (accepted.pk, rejected.pk, officer.pk)
    assert list(usulan.pickups.all()) == list(row.pickups.all()) == [pick]
    assert list(trail[1].pickups.all()) == list(trail[2].cancelled_pickups.all()) == [pick]
    entry = AuditLog.objects.get(pk=audit.pk)
    assert entry.content_type.model_class() is Decision and entry.object_id == str(merged.pk)
