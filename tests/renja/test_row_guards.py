"""The Renja row services' guards at their edges: a lock with and without a reason, a lock of another stage, an
unlocked stage window, the system (no person) changing an agreed row, the code of every refusal, and an unknown
status named as sent.

Written to kill the mutants `make mutate` found surviving in renja/services/rows.py's guards."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from renja import services
from renja.models import AuditLog, FiscalYear, RenjaRow, StageWindow


def _window(fiscal_year, stage, *, locked):
    return StageWindow.objects.create(
        fiscal_year=fiscal_year,
        stage=stage,
        opens_on=datetime.date(2025, 1, 1),
        closes_on=datetime.date(2025, 2, 1),
        is_locked=locked,
    )


def test_a_locked_year_without_a_reason_says_so_plainly(year):
    FiscalYear.objects.filter(pk=year.pk).update(is_locked=True)
    year.refresh_from_db()
    assert services.year_edit_refusal(year) == "Tahun 2026 dikunci; data tidak dapat diubah."
    with pytest.raises(ValidationError) as exc:
        services.ensure_year_editable(year)
    assert exc.value.code == "locked"
    assert exc.value.message == "Tahun 2026 dikunci; data tidak dapat diubah."


def test_a_locked_year_names_its_reason(year):
    FiscalYear.objects.filter(pk=year.pk).update(is_locked=True, locked_reason="RKPD ditetapkan")
    year.refresh_from_db()
    assert services.year_edit_refusal(year) == "Tahun 2026 dikunci (RKPD ditetapkan); data tidak dapat diubah."


def test_a_locked_stage_names_the_stage_and_the_year(year):
    _window(year, StageWindow.Stage.FORUM, locked=True)
    label = StageWindow.Stage.FORUM.label
    assert (
        services.year_edit_refusal(year, StageWindow.Stage.FORUM)
        == f"Tahap {label} tahun 2026 dikunci; data tidak dapat diubah."
    )


def test_only_the_locked_stage_refuses(year, row_in_opd_a, planner):
    _window(year, StageWindow.Stage.FORUM, locked=True)
    _window(year, StageWindow.Stage.RANCANGAN_AWAL, locked=False)
    assert services.year_edit_refusal(year) is None
    services.ensure_year_editable(year)
    _, changes = services.row_update(row=row_in_opd_a, data={"pagu": 5}, by=planner)
    assert changes


def test_an_unlocked_year_is_editable(year):
    assert services.year_edit_refusal(year) is None
    services.ensure_year_editable(year)


def test_an_officer_changing_an_agreed_row_is_refused_with_code_agreed(row_in_opd_a, opd_a_editor):
    RenjaRow.objects.filter(pk=row_in_opd_a.pk).update(status=RenjaRow.Status.FINAL)
    with pytest.raises(ValidationError) as exc:
        services.row_update(row=row_in_opd_a, data={"pagu": 1}, by=opd_a_editor)
    assert exc.value.code == "agreed"
    assert exc.value.message == "Baris berstatus Final hanya dapat diubah oleh Bappeda."


def test_the_system_may_change_an_agreed_row(row_in_opd_a):
    """An import or carry-over with no person behind it is not stopped by the agreed-row rule (Bappeda's tools)."""
    RenjaRow.objects.filter(pk=row_in_opd_a.pk).update(status=RenjaRow.Status.DISEPAKATI)
    row, changes = services.row_update(row=row_in_opd_a, data={"pagu": 1}, by=None)
    assert changes and row.pagu == 1


def test_an_officer_may_still_change_a_submitted_row(row_in_opd_a, opd_a_editor):
    RenjaRow.objects.filter(pk=row_in_opd_a.pk).update(status=RenjaRow.Status.DIAJUKAN)
    _, changes = services.row_update(row=row_in_opd_a, data={"pagu": 1}, by=opd_a_editor)
    assert changes


def test_status_refusals_carry_their_codes(row_in_opd_a, opd_a_editor, planner):
    with pytest.raises(ValidationError) as exc:
        services.row_status_change(row=row_in_opd_a, status="final", by=planner)
    assert exc.value.code == "transition"
    row = services.row_status_change(row=row_in_opd_a, status="diajukan", by=opd_a_editor)
    with pytest.raises(ValidationError) as exc:
        services.row_status_change(row=row, status="disepakati", by=opd_a_editor)
    assert exc.value.code == "planner"
    assert exc.value.message == "Hanya Bappeda yang dapat mengubah status ke Disepakati."


def test_an_unknown_status_is_named_as_sent(row_in_opd_a, planner):
    with pytest.raises(ValidationError) as exc:
        services.row_status_change(row=row_in_opd_a, status="bogus", by=planner)
    assert exc.value.code == "transition"
    assert exc.value.message == "Status tidak dapat diubah dari Draf ke bogus."


def test_a_status_change_in_a_locked_stage_is_refused_with_code_locked(row_in_opd_a, planner):
    row = services.row_status_change(row=row_in_opd_a, status="diajukan", by=planner)
    _window(row.fiscal_year, StageWindow.Stage.FORUM, locked=True)
    with pytest.raises(ValidationError) as exc:
        services.row_status_change(row=row, status="disepakati", by=planner)
    assert exc.value.code == "locked"
    assert RenjaRow.objects.get(pk=row.pk).status == "diajukan"
    # The Renja stage is open: moving back to draft is still allowed.
    assert services.row_status_change(row=row, status="draft", by=planner).status == "draft"


def test_the_system_may_make_a_planners_move(row_in_opd_a):
    row = services.row_status_change(row=row_in_opd_a, status="diajukan", by=None)
    row = services.row_status_change(row=row, status="disepakati", by=None)
    assert row.status == "disepakati"
    entry = AuditLog.objects.filter(action="renja_row.status_changed").latest("pk")
    assert entry.changes == {"status": ["Diajukan", "Disepakati"]} and entry.version == row.version


def test_a_status_change_with_the_current_version_goes_through(row_in_opd_a, opd_a_editor):
    row = services.row_status_change(
        row=row_in_opd_a, status="diajukan", by=opd_a_editor, expected_version=row_in_opd_a.version
    )
    assert row.version == row_in_opd_a.version + 1
    assert RenjaRow.objects.get(pk=row.pk).status == "diajukan"


def test_moves_offered_to_a_planner_and_in_a_locked_stage(row_in_opd_a, planner, opd_a_editor):
    row = services.row_status_change(row=row_in_opd_a, status="diajukan", by=planner)
    assert services.status_moves_for(row, planner) == ["draft", "disepakati"]
    assert services.status_moves_for(row, opd_a_editor) == ["draft"]
    _window(row.fiscal_year, StageWindow.Stage.FORUM, locked=True)
    row = RenjaRow.objects.select_related("fiscal_year", "opd").get(pk=row.pk)
    assert services.status_moves_for(row, planner) == ["draft"]


def test_a_stale_status_change_is_refused_with_the_exact_message(row_in_opd_a, opd_a_editor):
    with pytest.raises(ValidationError) as exc:
        services.row_status_change(
            row=row_in_opd_a, status="diajukan", by=opd_a_editor, expected_version=row_in_opd_a.version - 1
        )
    assert exc.value.message == "Baris ini sudah diubah orang lain; muat ulang halaman lalu coba lagi."


def test_an_unknown_status_in_a_locked_drafting_stage_is_refused_as_locked(row_in_opd_a, planner):
    """A status outside the moves is checked against the writing stages' locks first, like every edit of the row."""
    _window(row_in_opd_a.fiscal_year, StageWindow.Stage.RANCANGAN_AWAL, locked=True)
    with pytest.raises(ValidationError) as exc:
        services.row_status_change(row=row_in_opd_a, status="bogus", by=planner)
    assert exc.value.code == "locked"


def test_a_status_change_reads_the_row_with_its_year_and_agency_in_one_query(
    row_in_opd_a, planner, django_assert_num_queries
):
    row = services.row_status_change(row=row_in_opd_a, status="diajukan", by=planner)  # content type now cached
    with CaptureQueriesContext(connection) as queries:
        row = services.row_status_change(row=row, status="draft", by=planner)
    statements = [q["sql"].split()[0] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
    # the year's plan revision (taken first, as every writer does), the row with its year and agency, the year's
    # stage windows, the update, the audit entry
    assert statements == ["UPDATE", "SELECT", "SELECT", "UPDATE", "INSERT"]
    first = next(q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"])
    assert first.startswith('UPDATE "renja_fiscalyear" SET "revision"')
    with django_assert_num_queries(0):
        assert row.opd.singkatan and row.fiscal_year.year == 2026


def test_a_status_change_records_who_made_it(row_in_opd_a, opd_a_editor):
    row = services.row_status_change(row=row_in_opd_a, status="diajukan", by=opd_a_editor)
    assert RenjaRow.objects.get(pk=row.pk).updated_by == opd_a_editor
    entry = AuditLog.objects.get(action="renja_row.status_changed")
    assert entry.by == opd_a_editor and entry.changes == {"status": ["Draf", "Diajukan"]}


def test_drafting_goes_on_while_one_drafting_stage_is_open(row_in_opd_a, planner, opd_a_editor):
    """Rancangan awal locked, rancangan open: rows are still written and submitted; both locked: refused, named."""
    year = row_in_opd_a.fiscal_year
    _window(year, StageWindow.Stage.RANCANGAN_AWAL, locked=True)
    rancangan = _window(year, StageWindow.Stage.RANCANGAN, locked=False)
    year = FiscalYear.objects.get(pk=year.pk)
    assert services.year_edit_refusal(year) is None
    row, _ = services.row_update(row=row_in_opd_a, data={"pagu": 5}, by=opd_a_editor)
    row = services.row_status_change(row=row, status="diajukan", by=opd_a_editor)
    StageWindow.objects.filter(pk=rancangan.pk).update(is_locked=True)
    row = RenjaRow.objects.select_related("fiscal_year", "opd").get(pk=row.pk)
    message = "Tahap Rancangan Awal Renja dan Rancangan Renja tahun 2026 dikunci; data tidak dapat diubah."
    assert services.year_edit_refusal(row.fiscal_year) == message
    with pytest.raises(ValidationError) as exc:
        services.row_status_change(row=row, status="draft", by=opd_a_editor)
    assert (exc.value.code, exc.value.message) == ("locked", message)
    assert services.status_moves_for(row, planner) == ["disepakati"]


def test_the_rancangan_akhir_keeps_rows_writable_but_not_submittable(row_in_opd_a, planner):
    year = row_in_opd_a.fiscal_year
    _window(year, StageWindow.Stage.RANCANGAN_AWAL, locked=True)
    _window(year, StageWindow.Stage.RANCANGAN, locked=True)
    akhir = _window(year, StageWindow.Stage.RANCANGAN_AKHIR, locked=False)
    row, changes = services.row_update(row=row_in_opd_a, data={"pagu": 7}, by=planner)
    assert changes
    with pytest.raises(ValidationError) as exc:
        services.row_status_change(row=row, status="diajukan", by=planner)
    assert exc.value.code == "locked"
    StageWindow.objects.filter(pk=akhir.pk).update(is_locked=True)
    with pytest.raises(ValidationError) as exc:
        services.row_update(row=row, data={"pagu": 8}, by=planner)
    assert "Rancangan Akhir Renja" in exc.value.message


def test_final_follows_verifikasi_and_penetapan(row_in_opd_a, planner):
    RenjaRow.objects.filter(pk=row_in_opd_a.pk).update(status=RenjaRow.Status.DISEPAKATI)
    year = row_in_opd_a.fiscal_year
    _window(year, StageWindow.Stage.RANCANGAN, locked=True)
    _window(year, StageWindow.Stage.FORUM, locked=True)
    _window(year, StageWindow.Stage.VERIFIKASI, locked=True)
    penetapan = _window(year, StageWindow.Stage.PENETAPAN, locked=False)
    row = RenjaRow.objects.select_related("fiscal_year", "opd").get(pk=row_in_opd_a.pk)
    assert services.status_moves_for(row, planner) == ["final"]
    row = services.row_status_change(row=row, status="final", by=planner)
    StageWindow.objects.filter(pk=penetapan.pk).update(is_locked=True)
    with pytest.raises(ValidationError) as exc:
        services.row_status_change(row=row, status="disepakati", by=planner)
    assert "Forum Perangkat Daerah" in exc.value.message
    row = RenjaRow.objects.select_related("fiscal_year", "opd").get(pk=row.pk)
    assert services.status_moves_for(row, planner) == []


def test_a_locked_year_refuses_a_stage_lock(year, planner):
    window = _window(year, StageWindow.Stage.FORUM, locked=False)
    FiscalYear.objects.filter(pk=year.pk).update(is_locked=True)
    with pytest.raises(ValidationError) as exc:
        services.stage_set_lock(window=window, locked=True, by=planner)
    assert exc.value.code == "locked"
    window.refresh_from_db()
    assert not window.is_locked


def test_three_locked_stages_are_named_in_the_groups_order(year):
    """Every writing stage locked (windows made out of order): all three named, commas then "dan", in the order of
    the group the change belongs to, not the windows' order."""
    for stage in (StageWindow.Stage.RANCANGAN_AKHIR, StageWindow.Stage.RANCANGAN, StageWindow.Stage.RANCANGAN_AWAL):
        _window(year, stage, locked=True)
    year = FiscalYear.objects.get(pk=year.pk)
    assert services.year_edit_refusal(year) == (
        "Tahap Rancangan Awal Renja, Rancangan Renja dan Rancangan Akhir Renja tahun 2026 dikunci; "
        "data tidak dapat diubah."
    )
