"""A failure while a Renja import is writing leaves the database exactly as it was: no new row, no changed row, no
version bumped, no location or target-group link, no audit entry, and an upload still waiting for confirmation.

Every rejection of a bad file happens before the first write, so these tests break the write phase itself: a helper
the import calls is wrapped to raise after it has written its part."""

import pytest

from renja import services
from renja.models import AuditLog, ImportBatch, RenjaRow
from renja.services import imports as renja_imports

from .test_import import GOOD, csv_bytes, refs  # noqa: F401  (fixture)

# The first file's Dinsos row with a new pagu and only one location, and two rows the first file did not have.
SECOND = csv_bytes(
    "2026-DINSOS-001,Dinsos,1.06.04.2.01.0001,Rehabilitasi disabilitas,Jumlah orang,150,Orang,1.500.000.000,"
    "64.02.06,anak,apbd_kab,Diubah",
    '2026-DINSOS-002,Dinsos,1.06.01.2.02.0001,Gaji ASN,Jumlah orang,"95,5",Orang/bulan,5000000000,,,,',
    "2026-DP3A-001,DP3A,2.08.02.2.01.0001,PUG,Jumlah dokumen,3,Dokumen,150000000,64.02.06,perempuan,DAK Non-Fisik,",
    "2026-DINSOS-009,Dinsos,1.06.04.2.01.0001,Baris baru,Jumlah orang,5,Orang,10.000.000,64.02.06.1001,disabilitas,,",
    "2026-DP3A-009,DP3A,2.08.02.2.01.0001,Baris baru lain,Jumlah dokumen,1,Dokumen,20.000.000,,,,",
)


class WriteFailure(Exception):
    """The failure injected in the middle of writing (a lost connection, a full disk, a bug in a later step)."""


def database_state() -> dict:
    """Everything an import may write, in a form that compares equal only when nothing changed."""
    return {
        "rows": list(
            RenjaRow.objects.order_by("ref").values_list(
                "ref", "version", "nama", "pagu", "target", "keterangan", "cari", "updated_at", "updated_by"
            )
        ),
        "lokasi": sorted(RenjaRow.lokasi.through.objects.values_list("renjarow__ref", "wilayah__kode")),
        "sasaran": sorted(RenjaRow.sasaran.through.objects.values_list("renjarow__ref", "kelompoksasaran__slug")),
        "audit": list(AuditLog.objects.order_by("pk").values_list("pk", "action", "object_id", "version")),
    }


@pytest.fixture
def imported_once(refs, year, planner):  # noqa: F811
    """The year after a first import of GOOD: three rows at version 1."""
    services.renja_import_file(content=GOOD, filename="renja.csv", fiscal_year=year, by=planner)
    return database_state()


@pytest.fixture
def failing_after_update(monkeypatch):
    """Make the import fail right after it has created the new rows and updated the changed ones (before its own
    audit entry); records what had been written at that moment, to show the failure really came mid-write."""
    real = renja_imports.rows_bulk_update
    seen = {}

    def update_then_fail(**kwargs):
        seen["updated"] = real(**kwargs)
        seen["rows"] = RenjaRow.objects.count()
        seen["versions"] = dict(RenjaRow.objects.values_list("ref", "version"))
        raise WriteFailure("disk penuh")

    monkeypatch.setattr(renja_imports, "rows_bulk_update", update_then_fail)
    return seen


def assert_written_before_failure(seen: dict) -> None:
    assert seen["updated"] == 1 and seen["rows"] == 5, "the failure must come after rows were created and updated"
    assert seen["versions"]["2026-DINSOS-001"] == 2


def test_file_import_failing_mid_write_writes_nothing(imported_once, failing_after_update, year, planner):
    with pytest.raises(WriteFailure):
        services.renja_import_file(content=SECOND, filename="renja.csv", fiscal_year=year, by=planner)
    assert_written_before_failure(failing_after_update)
    assert database_state() == imported_once


def test_confirmed_upload_failing_mid_write_writes_nothing_and_stays_in_preview(
    imported_once, failing_after_update, year, planner
):
    batch, plan, issues = services.renja_import_stage(
        content=SECOND, filename="renja.csv", fiscal_year=year, by=planner
    )
    assert plan is not None and not issues and plan.summary() == {"baru": 2, "berubah": 1, "sama": 2}
    with pytest.raises(WriteFailure):
        services.renja_import_confirm(batch=batch, by=planner)
    assert_written_before_failure(failing_after_update)
    assert database_state() == imported_once
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEW


def test_confirmed_upload_failing_after_the_rows_are_written_writes_nothing(imported_once, monkeypatch, year, planner):
    """The failure comes after every row and the import's audit entry were written, while the upload is marked
    applied: the rows go with it, and the upload can still be confirmed."""
    batch, _plan, _issues = services.renja_import_stage(
        content=SECOND, filename="renja.csv", fiscal_year=year, by=planner
    )
    real_save = ImportBatch.save

    def save_then_fail(self, *args, **kwargs):
        real_save(self, *args, **kwargs)
        if self.status == ImportBatch.Status.APPLIED:
            assert RenjaRow.objects.count() == 5 and AuditLog.objects.filter(action="renja.imported").count() == 2
            raise WriteFailure("koneksi putus")

    monkeypatch.setattr(ImportBatch, "save", save_then_fail)
    with pytest.raises(WriteFailure):
        services.renja_import_confirm(batch=batch, by=planner)
    assert database_state() == imported_once
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEW
    monkeypatch.undo()
    assert services.renja_import_confirm(batch=batch, by=planner) == {"baru": 2, "berubah": 1, "sama": 2}
    assert RenjaRow.objects.count() == 5


def test_applying_a_plan_is_all_or_nothing_on_its_own(imported_once, failing_after_update, year, planner):
    """plan_apply is its own transaction, whoever calls it."""
    plan = renja_imports.build_plan(content=SECOND, filename="renja.csv", fiscal_year=year, by=planner)
    with pytest.raises(WriteFailure):
        renja_imports.plan_apply(plan=plan, by=planner, source="renja.csv")
    assert_written_before_failure(failing_after_update)
    assert database_state() == imported_once
