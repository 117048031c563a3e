"""A failure while an usulan import is writing leaves the database exactly as it was: no new usulan, no changed one,
no target-group link, no routing or decision on a trail, no Renja pick-up, no audit entry.

Every rejection of a bad file happens before the first write, so these tests break the write phase itself: the
routing and deciding step the import calls last is wrapped to raise after it has written its part."""

import pytest

from musrenbang import imports, services
from musrenbang.models import Decision, Pickup, Usulan
from renja.models import AuditLog, FiscalYear

from .test_import import GOOD, refs, run  # noqa: F401  (fixture)

# MD-002 rewritten and now accepted into a Renja row, and MD-006 new and routed.
SECOND = (
    GOOD.replace(
        b'Terapi anak disabilitas,,1.06,"2,5",Paket,150000000,2,anak;disabilitas,Dinsos,,,',
        b"Terapi wicara anak disabilitas,,1.06,3,Paket,180000000,2,anak,Dinsos,diterima,,2026-DINSOS-003",
    )
    + b"MD-006,musrenbang_desa,Pemdes Sebulu Ilir,64.02.07.2005,,Posyandu lansia,,"
    b"1.06,1,Paket,30000000,,lansia,Dinsos,,,\n"
)


class WriteFailure(Exception):
    """The failure injected in the middle of writing (a lost connection, a full disk, a bug in a later step)."""


def database_state() -> dict:
    """Everything an usulan import may write, in a form that compares equal only when nothing changed."""
    return {
        "usulan": list(
            Usulan.objects.order_by("id_usulan").values_list(
                "id_usulan", "kode_lacak", "usulan", "volume", "anggaran", "status", "opd_tujuan", "cari", "updated_at"
            )
        ),
        "sasaran": sorted(Usulan.sasaran.through.objects.values_list("usulan__id_usulan", "kelompoksasaran__slug")),
        "decisions": list(Decision.objects.order_by("pk").values_list("pk", "usulan__id_usulan", "kind", "opd")),
        "pickups": list(
            Pickup.objects.order_by("pk").values_list("pk", "usulan__id_usulan", "renja_row", "dibatalkan_oleh")
        ),
        "audit": list(AuditLog.objects.order_by("pk").values_list("pk", "action", "object_id")),
    }


@pytest.fixture
def imported_once(refs, planner):  # noqa: F811
    run(GOOD, planner)
    return database_state()


@pytest.fixture
def failing_after_decisions(monkeypatch):
    """Make the import fail right after it has created, updated, routed and decided (before its own audit entry);
    records what had been written at that moment, to show the failure really came mid-write."""
    real = services.usulan_steps_apply
    seen = {}

    def decide_then_fail(**kwargs):
        seen["steps"] = real(**kwargs)
        seen["usulan"] = Usulan.objects.count()
        seen["picked"] = list(Pickup.objects.values_list("usulan__id_usulan", flat=True))
        seen["changed"] = Usulan.objects.get(id_usulan="MD-002").usulan
        raise WriteFailure("disk penuh")

    monkeypatch.setattr(services, "usulan_steps_apply", decide_then_fail)
    return seen


def assert_written_before_failure(seen: dict) -> None:
    assert seen["usulan"] == 6 and seen["steps"] == 2, "the failure must come after usulan were created and decided"
    assert "MD-002" in seen["picked"] and seen["changed"] == "Terapi wicara anak disabilitas"


def test_file_import_failing_mid_write_writes_nothing(imported_once, failing_after_decisions, planner):
    with pytest.raises(WriteFailure):
        run(SECOND, planner)
    assert_written_before_failure(failing_after_decisions)
    assert database_state() == imported_once


def test_applying_a_plan_is_all_or_nothing_on_its_own(imported_once, failing_after_decisions, planner):
    """usulan_plan_apply is its own transaction, whoever calls it."""
    plan = imports.build_usulan_plan(
        content=SECOND, filename="usulan.csv", fiscal_year=FiscalYear.objects.get(year=2026), by=planner
    )
    assert plan.summary() == {"baru": 1, "berubah": 1, "sama": 4, "keputusan": 2}
    with pytest.raises(WriteFailure):
        imports.usulan_plan_apply(plan=plan, by=planner, source="usulan.csv")
    assert_written_before_failure(failing_after_decisions)
    assert database_state() == imported_once


def test_the_same_file_imports_once_the_failure_is_gone(imported_once, planner):
    """The control: without the injected failure the second file does write what the tests above expect."""
    assert run(SECOND, planner) == {"baru": 1, "berubah": 1, "sama": 4, "keputusan": 2}
    assert database_state() != imported_once
    assert Pickup.objects.filter(usulan__id_usulan="MD-002").exists()
