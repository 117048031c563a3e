"""The plan's revision (issue 18, point 1): every write the sync page reads raises it; the page compares it with the
one its stored findings and counts were computed from, and otherwise neither aggregates the year nor refreshes nor
counts: a change is brought up to date by the worker, and the page says so meanwhile."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from musrenbang import services as usulan_services
from musrenbang.models import Decision
from renja import services as renja_services
from renja.models import FiscalYear, RenjaRow
from renja.services.revision import plan_changed
from renja.services.rows import rows_bulk_create, rows_bulk_update
from sinkronisasi import selectors, services
from sinkronisasi.models import Overlap, SyncState, SynonymGroup

from ..conftest import run_worker
from ..factories import make_fiscal_year, make_usulan
from .test_views import _pair_between


def revision(year) -> int:
    return FiscalYear.objects.get(pk=year.pk).revision


def _row_data(row: RenjaRow, **kw) -> dict:
    return {"opd": row.opd, "sub_kegiatan": row.sub_kegiatan, "kode": row.kode, "pagu": 5_000_000, **kw}


def _settled(year, planner):
    overlap = Overlap.objects.get()
    return services.overlap_settle(
        overlap=overlap, status=Overlap.Status.COMPLEMENTARY, by=planner, note="beda sasaran"
    )


WRITERS = {
    "row_create": lambda c: renja_services.row_create(
        fiscal_year=c["year"], ref="BARU-1", data=_row_data(c["row"]), by=c["planner"]
    ),
    "rows_bulk_create (imports)": lambda c: rows_bulk_create(
        fiscal_year=c["year"], items=[("BARU-2", _row_data(c["row"]))], by=c["planner"]
    ),
    "row_update": lambda c: renja_services.row_update(row=c["row"], data={"pagu": 7_000_000}, by=c["planner"]),
    "rows_bulk_update (imports)": lambda c: rows_bulk_update(
        fiscal_year=c["year"], items=[(c["row"], {"pagu": 9_000_000}, {"pagu": ["1", "9"]})], by=c["planner"]
    ),
    "row_status_change": lambda c: renja_services.row_status_change(row=c["row"], status="diajukan", by=c["planner"]),
    "rows_mark_agreed": lambda c: renja_services.rows_mark_agreed(rows=[c["row"]], by=c["planner"], source="forum"),
    "usulan_route": lambda c: usulan_services.usulan_route(usulan=c["waiting"], opd=c["opd"], by=None),
    "usulan_close": lambda c: usulan_services.usulan_close(usulan=c["waiting"], by=None, alasan="anggaran habis"),
    "usulan_decide (pick-up)": lambda c: usulan_services.usulan_decide(
        usulan=c["routed"],
        kind=Decision.Kind.DITERIMA,
        by=None,
        allocations=[usulan_services.Allocation(row=c["row"])],
    ),
    "usulan_decide (rejection)": lambda c: usulan_services.usulan_decide(
        usulan=c["routed"], kind=Decision.Kind.DITOLAK, alasan="bukan kewenangan", by=None
    ),
    "usulan_steps_apply (imports)": lambda c: usulan_services.usulan_steps_apply(
        fiscal_year=c["year"],
        items=[(c["waiting"], [usulan_services.Step(kind=Decision.Kind.DITERUSKAN, opd=c["opd"])])],
        by=None,
    ),
    "renja_row_from_usulan": lambda c: usulan_services.renja_row_from_usulan(
        usulan=c["routed"], ref="DARI-USULAN", kode_sub_kegiatan=c["row"].kode, by=c["planner"]
    ),
    "synonym_group_save": lambda c: services.synonym_group_save(
        group=None, nama="taman lansia", frasa="taman lansia, sekolah lansia", aktif=True, by=c["planner"]
    ),
    "synonym_group_delete": lambda c: services.synonym_group_delete(
        group=SynonymGroup.objects.first(), by=c["planner"]
    ),
    "overlap_settle": lambda c: _settled(c["year"], c["planner"]),
    "overlap_reopen": lambda c: services.overlap_reopen(overlap=_settled(c["year"], c["planner"]), by=c["planner"]),
    "a full recompute asked for": lambda c: services.sync_recompute_enqueue(fiscal_years=[c["year"]], full=True),
}


@pytest.fixture
def plan(year, opd_a, opd_b, places, groups, planner):
    """A year with one flagged pair, a waiting usulan and one routed to Dinsos; findings computed."""
    _pair_between(year, opd_a, opd_b, places["desa1"], groups, "R")
    made = {
        "year": year,
        "opd": opd_a,
        "planner": planner,
        "row": RenjaRow.objects.filter(opd=opd_a).get(),
        "waiting": make_usulan(fiscal_year=year, desa=places["desa1"]),
        "routed": make_usulan(fiscal_year=year, desa=places["desa1"], opd_tujuan=opd_a),
    }
    services.sync_refresh(fiscal_year=year)
    return made


@pytest.mark.parametrize("writer", WRITERS)
def test_every_write_the_sync_page_reads_raises_the_plan_revision(plan, writer):
    before = revision(plan["year"])
    WRITERS[writer](plan)
    assert revision(plan["year"]) > before


def test_carrying_usulan_over_raises_the_target_years_revision(plan):
    next_year = make_fiscal_year(2027)
    usulan_services.usulan_decide(usulan=plan["routed"], kind=Decision.Kind.DITOLAK, alasan="bukan kewenangan", by=None)
    before = revision(next_year)
    assert usulan_services.usulan_carry_over(from_year=plan["year"], to_year=next_year, by=None) >= 1
    assert revision(next_year) > before


def test_a_refused_write_leaves_the_revision_as_it_was(plan):
    before = revision(plan["year"])
    with pytest.raises(ValidationError, match="Status tidak dapat diubah dari Draf ke Final"):
        renja_services.row_status_change(row=plan["row"], status="final", by=plan["planner"])
    assert revision(plan["year"]) == before


def test_the_recompute_records_the_revision_and_the_counts_it_reflects(plan):
    year = plan["year"]
    state = SyncState.objects.get(fiscal_year=year)
    assert state.plan_revision == revision(year)
    assert selectors.stored_overlap_counts(state, opd_id=None)["terbuka"] == 1
    assert selectors.stored_orphan_counts(state, opd_id=None)["total"] == 2
    assert selectors.stored_orphan_counts(state, opd_id=plan["opd"].pk)["total"] == 1  # the one routed to Dinsos
    usulan_services.usulan_close(usulan=plan["waiting"], by=None, alasan="anggaran habis")
    _settled(year, plan["planner"])
    assert services.sync_refresh(fiscal_year=year).mode == "tetap"  # nothing the detector reads changed
    state = SyncState.objects.get(fiscal_year=year)
    assert state.plan_revision == revision(year)
    assert selectors.stored_orphan_counts(state, opd_id=None)["total"] == 1
    counts = selectors.stored_overlap_counts(state, opd_id=None)
    assert (counts["terbuka"], counts["selesai"]) == (0, 1)


def test_stored_counts_answer_an_agencys_scope_as_a_count_would(plan, opd_c, places, groups):
    _pair_between(plan["year"], opd_c, plan["opd"], places["desa3"], groups, "S")
    plan_changed(plan["year"].pk)
    services.sync_refresh(fiscal_year=plan["year"])
    state = SyncState.objects.get(fiscal_year=plan["year"])
    for opd_id in (None, plan["opd"].pk, opd_c.pk):
        visible = Overlap.objects.all()
        if opd_id:
            visible = visible.filter(opd_a_id=opd_id) | visible.filter(opd_b_id=opd_id)
        live = selectors.overlap_counts(visible, plan["year"])
        assert selectors.stored_overlap_counts(state, opd_id=opd_id) == live
        assert selectors.stored_orphan_counts(state, opd_id=opd_id) == selectors.orphan_counts(
            selectors.usulan_belum_diambil(plan["year"], opd_id=opd_id)
        )


def _fingerprint_or_count_queries(queries) -> list[str]:
    """Queries that aggregate the year's rows, pick-ups, synonyms or pairs (the fingerprints, the pair counts) or
    group its usulan (the orphan counts): what a page must not run."""
    aggregate = re.compile(r"\b(SUM|COUNT|MAX)\(", re.I)
    tables = ("renja_renjarow", "musrenbang_pickup", "sinkronisasi_synonymgroup", "sinkronisasi_overlap")
    return [
        q["sql"]
        for q in queries
        if (aggregate.search(q["sql"]) and any(t in q["sql"] for t in tables))
        or ("musrenbang_usulan" in q["sql"] and "GROUP BY" in q["sql"])
    ]


@pytest.mark.parametrize("page", ["sinkronisasi:overlap-list", "sinkronisasi:orphan-list"])
def test_a_view_at_an_unchanged_revision_aggregates_nothing_and_queues_nothing(client, plan, page, opd_a_editor):
    for user in (plan["planner"], opd_a_editor):
        client.force_login(user)
        with CaptureQueriesContext(connection) as ctx:
            html = client.get(reverse(page)).content.decode()
        assert "Temuan sedang diperbarui" not in html
        assert _fingerprint_or_count_queries(ctx.captured_queries) == []
        assert not any("django_tasks_db" in q["sql"] for q in ctx.captured_queries), "the queue is not read"
        assert not any("FOR UPDATE" in q["sql"] for q in ctx.captured_queries)


def test_the_overlap_page_shows_the_stored_counts(client, plan):
    client.force_login(plan["planner"])
    html = client.get(reverse("sinkronisasi:overlap-list")).content.decode()
    cards = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "1 pasangan terbuka" in cards and "0 pasangan sudah diselesaikan" in cards
    assert "2 usulan belum diambil" in cards


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("task_queue")
def test_after_a_change_the_page_says_so_queues_one_recompute_and_the_worker_brings_it_up_to_date(client, plan):
    year = plan["year"]
    computed = SyncState.objects.get(fiscal_year=year).computed_at
    renja_services.row_update(row=plan["row"], data={"pagu": 7_000_000}, by=plan["planner"])
    usulan_services.usulan_close(usulan=plan["waiting"], by=None, alasan="anggaran habis")
    client.force_login(plan["planner"])
    for page in ("sinkronisasi:overlap-list", "sinkronisasi:orphan-list", "sinkronisasi:overlap-list"):
        with CaptureQueriesContext(connection) as ctx:
            html = client.get(reverse(page)).content.decode()
        assert "Temuan sedang diperbarui" in html and "menunggu giliran sejak" in html
        # The request computes nothing (the list of stored pairs still counts itself while counts are behind).
        heavy = [q for q in _fingerprint_or_count_queries(ctx.captured_queries) if '"__count"' not in q]
        assert heavy == []
    assert "2 usulan belum diambil" in re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))  # the stored counts
    assert DBTaskResult.objects.filter(task_path=services.SYNC_TASK_PATH, status="READY").count() == 1
    run_worker()
    state = SyncState.objects.get(fiscal_year=year)
    assert state.plan_revision == revision(year) and state.computed_at > computed
    html = client.get(reverse("sinkronisasi:overlap-list")).content.decode()
    assert "Temuan sedang diperbarui" not in html and "menunggu giliran" not in html
    assert "1 usulan belum diambil" in re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_a_year_never_computed_is_computed_by_the_queue_not_the_page(
    client, planner, year, opd_a, opd_b, places, groups
):
    _pair_between(year, opd_a, opd_b, places["desa1"], groups, "N")
    client.force_login(planner)
    assert not SyncState.objects.exists()
    html = client.get(reverse("sinkronisasi:overlap-list")).content.decode()
    # The test queue runs what is queued at once; the deployed worker would run it within seconds.
    assert SyncState.objects.get(fiscal_year=year).plan_revision == revision(year)
    assert Overlap.objects.count() == 1 and "Temuan sedang diperbarui" not in html


def test_the_page_says_when_findings_were_last_computed_while_they_are_brought_up_to_date(client, plan, monkeypatch):
    monkeypatch.setattr(services, "sync_recompute_request", lambda **kw: None)  # as if the worker had not run yet
    monkeypatch.setattr("sinkronisasi.views.common.services.sync_recompute_request", lambda **kw: None)
    plan_changed(plan["year"].pk)
    client.force_login(plan["planner"])
    html = client.get(reverse("sinkronisasi:overlap-list")).content.decode()
    assert "Temuan sedang diperbarui… Hasil terakhir dihitung" in html


def _queued(year) -> int:
    return DBTaskResult.objects.filter(
        task_path="sinkronisasi.tasks.sync_recompute", args_kwargs__kwargs__fiscal_year_id=year.pk, status="READY"
    ).count()


@pytest.mark.django_db(transaction=True)  # each edit commits, as in production; the worker runs as deployed
def test_a_committed_edit_queues_the_recompute_and_the_worker_brings_the_findings_up_to_date(plan, task_queue):
    year = plan["year"]
    renja_services.row_update(row=plan["row"], data={"pagu": 7_000_000}, by=plan["planner"])
    assert _queued(year) == 1  # queued by the write itself, before any page is opened
    renja_services.row_update(row=RenjaRow.objects.get(pk=plan["row"].pk), data={"pagu": 8_000_000}, by=None)
    assert _queued(year) == 1  # the waiting recompute covers the second edit
    assert SyncState.objects.get(fiscal_year=year).plan_revision < revision(year)
    run_worker()
    assert SyncState.objects.get(fiscal_year=year).plan_revision == revision(year)


def test_a_refused_edit_queues_nothing(plan, task_queue, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(ValidationError, match="Status tidak dapat diubah dari Draf ke Final"),
    ):
        renja_services.row_status_change(row=plan["row"], status="final", by=plan["planner"])
    assert _queued(plan["year"]) == 0


def test_without_the_hook_setting_an_edit_queues_nothing(
    plan, task_queue, settings, django_capture_on_commit_callbacks
):
    settings.PLAN_CHANGED_HOOKS = []
    with django_capture_on_commit_callbacks(execute=True):
        renja_services.row_update(row=plan["row"], data={"pagu": 7_000_000}, by=plan["planner"])
    assert _queued(plan["year"]) == 0


@pytest.mark.django_db(transaction=True)
def test_the_recompute_an_edit_queues_waits_a_few_seconds_so_a_burst_of_edits_shares_it(plan, task_queue, settings):
    import datetime

    from django.utils import timezone

    settings.SYNC_RECOMPUTE_DELAY_S = 30
    before = timezone.now()
    renja_services.row_update(row=plan["row"], data={"pagu": 7_000_000}, by=plan["planner"])
    task = DBTaskResult.objects.get(status="READY", args_kwargs__kwargs__fiscal_year_id=plan["year"].pk)
    assert task.run_after >= before + datetime.timedelta(seconds=30)
    run_worker()  # not due yet: nothing runs
    assert DBTaskResult.objects.get(pk=task.pk).status == "READY"


CALLED: list[int] = []


def _record(fiscal_year_id: int) -> None:
    CALLED.append(fiscal_year_id)


@pytest.mark.django_db(transaction=True)  # real commits and rollbacks
def test_a_transaction_of_many_writes_runs_the_hooks_once_per_year_and_a_rolled_back_one_never(year, settings):
    from django.db import transaction

    settings.PLAN_CHANGED_HOOKS = ["tests.sinkronisasi.test_revision._record"]
    other = make_fiscal_year(2027)
    CALLED.clear()
    with transaction.atomic():
        for _ in range(3):
            plan_changed(year.pk)
        plan_changed(other.pk)
    assert sorted(CALLED) == sorted([year.pk, other.pk])
    CALLED.clear()
    with pytest.raises(RuntimeError, match="rolled back"), transaction.atomic():
        plan_changed(year.pk)
        raise RuntimeError("rolled back")
    assert CALLED == []
    with transaction.atomic():
        plan_changed(other.pk)  # the next transaction is heard again
    assert CALLED == [other.pk]
