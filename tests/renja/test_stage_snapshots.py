"""Stage snapshots: the year's plan kept as one document per stage, taken when the stage is locked, by a planner on
demand (confirmed, audited) and by a command; refused for an officer and in a locked year; built in a constant
number of queries."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from renja import services
from renja.models import AuditLog, FiscalYear, PaguOpd, StageSnapshot, StageWindow
from renja.services import snapshots
from renja.services.demo import DEMO_STAGES

from ..factories import make_opd, make_row, make_wilayah


def _window(year, stage, *, locked=False):
    return StageWindow.objects.create(
        fiscal_year=year,
        stage=stage,
        opens_on=datetime.date(2025, 1, 6),
        closes_on=datetime.date(2025, 1, 31),
        is_locked=locked,
    )


@pytest.fixture
def plan(year, opd_a, opd_b):
    tenggarong = make_wilayah("64.02.06", "Tenggarong")
    loa_kulu = make_wilayah("64.02.07", "Loa Kulu")
    a = make_row(
        opd=opd_a,
        fiscal_year=year,
        ref="2026-DINSOS-001",
        pagu=250_000_000,
        target=Decimal("40.00"),
        satuan="Orang",
        rincian="Bantuan alat bantu disabilitas",
        lokasi=[loa_kulu, tenggarong],
    )
    b = make_row(opd=opd_b, fiscal_year=year, ref="2026-DP3A-001", pagu=75_000_000)
    PaguOpd.objects.create(fiscal_year=year, opd=opd_a, pagu=1_000_000_000)
    return a, b


def test_a_snapshot_keeps_every_row_by_ref_with_the_ceilings(plan, year, planner):
    snapshot = snapshots.stage_snapshot_take(fiscal_year=year, stage="rancangan_awal", by=planner)
    assert (snapshot.row_count, snapshot.total_pagu, snapshot.taken_by) == (2, 325_000_000, planner)
    row = snapshot.data["rows"]["2026-DINSOS-001"]
    assert row["opd"] == "Dinsos" and row["pagu"] == 250_000_000 and row["target"] == "40"
    assert row["rincian"] == "Bantuan alat bantu disabilitas" and row["status"] == "draft"
    assert row["lokasi"] == [["64.02.06", "Tenggarong"], ["64.02.07", "Loa Kulu"]]  # by code
    assert snapshot.data["pagu_opd"] == {"Dinsos": 1_000_000_000}
    assert set(snapshot.data["rows"]) == {"2026-DINSOS-001", "2026-DP3A-001"}
    entry = AuditLog.objects.get(action="stage_snapshot.taken")
    assert entry.by == planner and entry.data["tahap"] == "rancangan_awal" and entry.data["baris"] == 2


def test_taking_again_replaces_the_stages_snapshot(plan, year, planner):
    first = snapshots.stage_snapshot_take(fiscal_year=year, stage="forum", by=planner)
    services.row_update(row=plan[1], data={"pagu": 80_000_000}, by=planner)
    again = snapshots.stage_snapshot_take(fiscal_year=year, stage="forum", by=planner)
    assert again.pk == first.pk and StageSnapshot.objects.count() == 1
    assert again.total_pagu == 330_000_000
    assert StageSnapshot.objects.get().data["rows"]["2026-DP3A-001"]["pagu"] == 80_000_000


def test_a_locked_year_refuses_a_snapshot(plan, year, planner):
    FiscalYear.objects.filter(pk=year.pk).update(is_locked=True)
    with pytest.raises(ValidationError) as exc:
        snapshots.stage_snapshot_take(fiscal_year=year, stage="forum", by=planner)
    assert exc.value.code == "locked" and "2026 dikunci" in exc.value.message
    assert not StageSnapshot.objects.exists()


def test_an_unknown_stage_is_refused(year, planner):
    with pytest.raises(ValidationError) as exc:
        snapshots.stage_snapshot_take(fiscal_year=year, stage="renja", by=planner)
    assert exc.value.code == "stage"


def test_locking_a_stage_takes_its_snapshot_and_unlocking_keeps_it(plan, year, planner):
    window = _window(year, StageWindow.Stage.RANCANGAN_AWAL)
    services.stage_set_lock(window=window, locked=True, by=planner)
    snapshot = StageSnapshot.objects.get(fiscal_year=year, stage="rancangan_awal")
    assert snapshot.row_count == 2 and snapshot.taken_by == planner
    services.stage_set_lock(window=window, locked=False, by=planner)
    assert StageSnapshot.objects.filter(stage="rancangan_awal").count() == 1
    # Locking it again keeps the plan as it is then.
    services.row_update(row=plan[0], data={"pagu": 1}, by=planner)
    services.stage_set_lock(window=window, locked=True, by=planner)
    assert StageSnapshot.objects.get(stage="rancangan_awal").data["rows"]["2026-DINSOS-001"]["pagu"] == 1


def test_a_locked_stages_snapshot_is_not_replaced_on_request(client, plan, year, planner):
    window = _window(year, StageWindow.Stage.FORUM)
    services.stage_set_lock(window=window, locked=True, by=planner)
    kept = StageSnapshot.objects.get(fiscal_year=year, stage="forum")
    services.row_update(row=plan[0], data={"pagu": 1}, by=planner)
    with pytest.raises(ValidationError) as exc:
        snapshots.stage_snapshot_take(fiscal_year=year, stage="forum", by=planner)
    assert exc.value.code == "stage_locked" and "sudah dikunci" in exc.value.messages[0]
    assert StageSnapshot.objects.get(pk=kept.pk).taken_at == kept.taken_at
    client.force_login(planner)
    page = client.get(reverse("renja:year-list")).content.decode()
    assert "?tahap=forum" not in page  # no button for the locked stage
    assert "?tahap=rancangan_awal" in page


def test_a_snapshot_costs_the_same_queries_for_few_and_many_rows(year, opd_a, opd_b, planner):
    place = make_wilayah()
    make_row(opd=opd_a, fiscal_year=year, lokasi=[place])
    snapshots.stage_snapshot_take(fiscal_year=year, stage="forum", by=planner)  # content type cached

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            snapshots.stage_snapshot_take(fiscal_year=year, stage="forum", by=planner)
        return len(ctx.captured_queries)

    few = count()
    for i in range(12):
        make_row(
            opd=opd_b if i % 2 else opd_a, fiscal_year=year, lokasi=[place, make_wilayah(f"64.02.{10 + i}", f"K{i}")]
        )
    PaguOpd.objects.create(fiscal_year=year, opd=opd_b, pagu=5)
    assert count() == few
    assert StageSnapshot.objects.get().row_count == 13


def test_the_command_takes_a_snapshot_as_the_system(plan, year, capsys):
    call_command("stage_snapshot", "--year", "2026", "--stage", "verifikasi")
    snapshot = StageSnapshot.objects.get(stage="verifikasi")
    assert snapshot.taken_by is None and snapshot.source == "manage.py stage_snapshot"
    assert "2 baris" in capsys.readouterr().out
    with pytest.raises(CommandError, match="2031"):
        call_command("stage_snapshot", "--year", "2031", "--stage", "forum")
    FiscalYear.objects.filter(pk=year.pk).update(is_locked=True)
    with pytest.raises(CommandError, match="dikunci"):
        call_command("stage_snapshot", "--year", "2026", "--stage", "forum")


# The screens: "Ambil potret sekarang" on the Tahun page, through a confirmation page.


def test_a_planner_takes_a_snapshot_through_the_confirmation_page(client, plan, year, planner):
    client.force_login(planner)
    url = reverse("renja:stage-snapshot-take", args=[year.pk])
    page = client.get(url, {"tahap": "forum"})
    assert page.status_code == 200 and "Forum Perangkat Daerah" in page.content.decode()
    assert not StageSnapshot.objects.exists()
    client.post(url, {"tahap": "forum"})  # no confirmation: nothing taken
    assert not StageSnapshot.objects.exists()
    response = client.post(url, {"tahap": "forum", "konfirmasi": "1"}, follow=True)
    assert "Potret tahap Forum Perangkat Daerah 2026 diambil: 2 baris." in response.content.decode()
    assert StageSnapshot.objects.get().stage == "forum"
    # Taking it again says the earlier one is replaced.
    assert "diganti" in client.get(url, {"tahap": "forum"}).content.decode()


def test_an_officer_or_facilitator_cannot_take_a_snapshot(client, plan, year, opd_a_editor, facilitator):
    url = reverse("renja:stage-snapshot-take", args=[year.pk])
    for user in (opd_a_editor, facilitator):
        client.force_login(user)
        assert client.get(url, {"tahap": "forum"}).status_code == 403
        assert client.post(url, {"tahap": "forum", "konfirmasi": "1"}).status_code == 403
    assert not StageSnapshot.objects.exists()


def test_the_confirmation_page_of_a_locked_year_says_why_and_the_post_is_refused(client, plan, year, planner):
    FiscalYear.objects.filter(pk=year.pk).update(is_locked=True)
    client.force_login(planner)
    url = reverse("renja:stage-snapshot-take", args=[year.pk])
    assert "Tahun 2026 dikunci" in client.get(url, {"tahap": "forum"}).content.decode()
    response = client.post(url, {"tahap": "forum", "konfirmasi": "1"}, follow=True)
    assert "potret tahapnya tidak dapat diambil ulang" in response.content.decode()
    assert not StageSnapshot.objects.exists()


def test_an_unknown_stage_on_the_page_takes_nothing(client, year, planner):
    client.force_login(planner)
    url = reverse("renja:stage-snapshot-take", args=[year.pk])
    response = client.post(url, {"tahap": "<script>", "konfirmasi": "1"}, follow=True)
    assert "Pilih tahap" in response.content.decode() and not StageSnapshot.objects.exists()


def test_the_year_page_shows_six_stages_locks_and_snapshot_times(client, plan, year, planner):
    for stage, opens, closes in DEMO_STAGES:
        StageWindow.objects.create(fiscal_year=year, stage=stage, opens_on=opens, closes_on=closes)
    snapshots.stage_snapshot_take(fiscal_year=year, stage="rancangan_awal", by=planner)
    StageWindow.objects.filter(stage="rancangan_awal").update(is_locked=True)
    client.force_login(planner)
    body = client.get(reverse("renja:year-list")).content.decode()
    for label in (
        "Rancangan Awal Renja",
        "Rancangan Renja",
        "Forum Perangkat Daerah",
        "Rancangan Akhir Renja",
        "Verifikasi",
        "Penetapan Renja",
    ):
        assert label in body
    assert "dari=rancangan_awal&amp;ke=saat_ini" in body and "Ambil potret sekarang" in body
    assert "3 Mar 2025" in body and "21 Mar 2025" in body and "dikunci" in body


def test_the_year_page_costs_the_same_queries_with_more_years_and_snapshots(client, year, planner):
    client.force_login(planner)
    _window(year, StageWindow.Stage.FORUM)
    client.get(reverse("renja:year-list"))
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("renja:year-list"))
    for number in (2027, 2028):
        other = FiscalYear.objects.create(year=number)
        _window(other, StageWindow.Stage.RANCANGAN)
        snapshots.stage_snapshot_take(fiscal_year=other, stage="rancangan", by=planner)
    make_opd("Dispora")
    with CaptureQueriesContext(connection) as after:
        client.get(reverse("renja:year-list"))
    assert len(after.captured_queries) == len(before.captured_queries)


def test_the_admin_lists_snapshots_read_only_without_their_document(client, plan, year, planner, admin_user):
    snapshots.stage_snapshot_take(fiscal_year=year, stage="forum", by=planner)
    client.force_login(admin_user)
    body = client.get(reverse("admin:renja_stagesnapshot_changelist")).content.decode()
    assert "Forum Perangkat Daerah" in body
    assert client.get(reverse("admin:renja_stagesnapshot_add")).status_code == 403
    detail = client.get(reverse("admin:renja_stagesnapshot_change", args=[StageSnapshot.objects.get().pk]))
    assert detail.status_code == 200 and "2026-DINSOS-001" not in detail.content.decode()


def test_the_tahun_page_says_why_a_locked_years_stage_stays_as_it_is(client, year, planner):
    window = _window(year, StageWindow.Stage.FORUM)
    FiscalYear.objects.filter(pk=year.pk).update(is_locked=True)
    client.force_login(planner)
    response = client.post(reverse("renja:stage-lock", args=[window.pk]), {"kunci": "1"}, follow=True)
    assert "buka tahun itu dulu" in response.content.decode()
    window.refresh_from_db()
    assert not window.is_locked and not StageSnapshot.objects.exists()
