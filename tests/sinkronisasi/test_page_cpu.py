"""What the busiest sync pages read per view, with the findings current and behind the plan (as under load, where
edits keep them behind most of the time): the same number of queries for 3 pairs or usulan as for 30.

The overlap list reads its cards' rows in one query and their locations and target groups in another
(selectors.pair_cards); the orphan list reads its page with the number of all its rows (views.common.counted_page)
when no stored count tells it, instead of counting them first.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import memo
from renja.services.revision import plan_changed

from ..factories import make_opd
from .test_page_cost import _grow_orphans, _grow_pairs
from .test_views import _pair_between

OVERLAPS = reverse("sinkronisasi:overlap-list")
ORPHANS = reverse("sinkronisasi:orphan-list")

# session, user, the years, the sync state | the pairs, their rows, the rows' places and groups | the reference
# lists' version (the filters' drop-downs)
OVERLAPS_CURRENT = {"planner": 8, "opd_a_editor": 9}
# behind: the task queue read (a recompute waits) and the pairs counted (the stored counts are not theirs)
BEHIND = 2
# behind: the task queue read; the page's rows carry their number (no count of their own)
ORPHANS_BEHIND = 1


def _queries(client, url, **params) -> int:
    """The page's queries with what the process keeps warm (the reference lists, the summed counts), as under load;
    what it keeps never saves a query per row (its cards and rows are read, then drawn or found drawn)."""
    memo.clear_all()
    client.get(url, params)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params).status_code == 200
    return len(ctx.captured_queries)


def _behind(client, url, year) -> int:
    """The page's queries with the findings behind the plan and their recompute waiting in the queue."""
    plan_changed(year.pk)
    client.get(url)  # queues the recompute (the queue of production: nothing runs it here)
    return _queries(client, url)


@pytest.mark.parametrize("who", ["planner", "opd_a_editor"])
def test_the_overlap_list_reads_as_much_for_30_pairs_as_for_3_current_or_behind(
    client, request, who, year, opd_a, opd_b, places, groups, settings
):
    client.force_login(request.getfixturevalue(who))
    _grow_pairs(year, opd_a, places, groups, 3)
    client.get(OVERLAPS)  # brought up to date (the test queue runs the recompute at once)
    assert _queries(client, OVERLAPS) == OVERLAPS_CURRENT[who]
    for i in range(27):
        _pair_between(year, opd_a, make_opd(f"H{i}"), places["desa1"], groups, f"H{i}")
    plan_changed(year.pk)
    client.get(OVERLAPS)
    assert _queries(client, OVERLAPS) == OVERLAPS_CURRENT[who]
    assert _queries(client, OVERLAPS, page=2) == OVERLAPS_CURRENT[who]
    # Filtered, the list has no stored count: the pairs are counted.
    assert _queries(client, OVERLAPS, skor_min=0) == OVERLAPS_CURRENT[who] + 1
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    assert _behind(client, OVERLAPS, year) == OVERLAPS_CURRENT[who] + BEHIND


@pytest.mark.parametrize("who", ["planner", "opd_a_editor"])
def test_the_orphan_list_reads_as_much_for_30_usulan_as_for_3_current_or_behind(
    client, request, who, year, opd_a, opd_b, settings
):
    client.force_login(request.getfixturevalue(who))
    _grow_orphans(year, opd_a, opd_b, 1)
    client.get(ORPHANS)  # brought up to date (the test queue runs the recompute at once)
    few = _queries(client, ORPHANS)
    _grow_orphans(year, opd_a, opd_b, 14)  # 45 usulan, 30 routed to the first agency: two pages
    client.get(ORPHANS)
    many = _queries(client, ORPHANS)
    assert many <= few  # (the target groups' names are read only when a listed usulan has stored homes)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    assert _behind(client, ORPHANS, year) == many + ORPHANS_BEHIND
    assert _queries(client, ORPHANS, page=2) <= few + ORPHANS_BEHIND


# What every sync page reads first: the year's state (compiled once per process) and the forum's deadline.


def test_the_sync_state_is_read_without_compiling_its_query_again(year, monkeypatch):
    from django.db.models.sql.compiler import SQLCompiler

    from sinkronisasi import selectors
    from sinkronisasi.models import SyncState

    SyncState.objects.create(fiscal_year=year, plan_revision=3, counts={"overlaps": []}, idf={"x": 1.0})
    selectors.sync_state(year)  # compiled here, once per process
    compiled = []
    original = SQLCompiler.as_sql
    monkeypatch.setattr(SQLCompiler, "as_sql", lambda self, *a, **k: compiled.append(1) or original(self, *a, **k))
    with CaptureQueriesContext(connection) as ctx:
        state = selectors.sync_state(year)
    assert (len(ctx.captured_queries), compiled) == (1, [])
    expected = SyncState.objects.defer("idf", "counts").get(fiscal_year=year)
    assert state.get_deferred_fields() == {"idf", "counts"}
    shown = [f.attname for f in SyncState._meta.concrete_fields if f.attname not in ("idf", "counts")]
    assert [getattr(state, name) for name in shown] == [getattr(expected, name) for name in shown]
    assert state.counts == {"overlaps": []}  # read when asked for, as before
    SyncState.objects.all().delete()
    assert selectors.sync_state(year) is None


def test_the_forum_deadline_is_one_query_without_joins(year):
    import datetime

    from renja.models import StageWindow
    from sinkronisasi import selectors

    StageWindow.objects.update_or_create(
        fiscal_year=year,
        stage=StageWindow.Stage.FORUM,
        defaults={"opens_on": datetime.date(2025, 3, 1), "closes_on": datetime.date(2025, 3, 31)},
    )
    with CaptureQueriesContext(connection) as ctx:
        assert selectors.forum_deadline(year) == datetime.date(2025, 3, 31)
    assert len(ctx.captured_queries) == 1 and "JOIN" not in ctx.captured_queries[0]["sql"]
    StageWindow.objects.filter(fiscal_year=year).delete()
    assert selectors.forum_deadline(year) is None


# The officer's home: the usulan routed to the agency from a home suggestion.


def test_the_routed_homes_are_read_as_before_without_compiling_a_query(year, opd_a, opd_b, groups, monkeypatch):
    import datetime

    from django.db.models.sql.compiler import SQLCompiler
    from django.utils import timezone
    from django.utils.translation import gettext

    from musrenbang import decisions
    from sinkronisasi import homes, selectors
    from sinkronisasi.models import HomeSuggestion

    from ..factories import make_row, make_usulan

    row, other_row = make_row(opd=opd_a, fiscal_year=year, ref="R-1"), make_row(opd=opd_b, fiscal_year=year, ref="R-2")
    first, second, decided = (make_usulan(fiscal_year=year, opd_tujuan=opd_a) for _ in range(3))
    elsewhere = make_usulan(fiscal_year=year, opd_tujuan=opd_b)
    decided.status = "ditolak"
    decided.save(update_fields=["status"])
    now = timezone.now()
    for i, (u, r, opd, routed) in enumerate(
        [
            (first, row, opd_a, now - datetime.timedelta(hours=1)),
            (second, row, opd_a, now),
            (second, other_row, opd_a, None),  # not routed by this one
            (decided, row, opd_a, now),  # decided since
            (elsewhere, other_row, opd_b, now),  # another agency's
        ]
    ):
        HomeSuggestion.objects.create(
            fiscal_year=year,
            usulan=u,
            row=r,
            opd=opd,
            rank=i,
            score=0.5,
            routed_at=routed,
            reasons=[{"kind": "sasaran", "groups": ["anak"]}],
        )
    expected = list(
        HomeSuggestion.objects.filter(
            fiscal_year=year,
            routed_at__isnull=False,
            opd_id=opd_a.pk,
            usulan__opd_tujuan_id=opd_a.pk,
            usulan__status=decisions.ROUTED,
        )
        .select_related("row", "usulan__desa")
        .order_by("-routed_at", "pk")
    )
    assert [h.usulan_id for h in expected] == [second.pk, first.pk]
    selectors.routed_homes(opd_id=opd_a.pk, fiscal_year=year)  # its statement written here, once per process
    compiled = []
    original = SQLCompiler.as_sql
    monkeypatch.setattr(
        SQLCompiler, "as_sql", lambda self, *a, **k: compiled.append(self.query.model) or original(self, *a, **k)
    )
    found = selectors.routed_homes(opd_id=opd_a.pk, fiscal_year=year)
    assert HomeSuggestion not in compiled
    names = selectors.group_names()
    assert [
        (
            h.usulan_id,
            h.usulan.id_usulan,
            h.usulan.usulan,
            h.usulan.desa.nama,
            h.row.ref,
            h.row.nama,
            h.row.rincian,
            h.alasan,
        )
        for h in found
    ] == [
        (
            h.usulan_id,
            h.usulan.id_usulan,
            h.usulan.usulan,
            h.usulan.desa.nama,
            h.row.ref,
            h.row.nama,
            h.row.rincian,
            homes.reason_sentences(h.reasons, gettext, group_names=names),
        )
        for h in expected
    ]


def test_the_orphan_lists_homes_are_read_as_before_without_compiling_a_query(year, opd_a, opd_b, monkeypatch):
    from django.db.models.sql.compiler import SQLCompiler
    from django.utils import timezone
    from django.utils.translation import gettext

    from sinkronisasi import homes, selectors
    from sinkronisasi.models import HomeSuggestion

    from ..factories import make_row, make_usulan

    rows = [make_row(opd=opd_a, fiscal_year=year, ref="R-1"), make_row(opd=opd_b, fiscal_year=year, ref="R-2")]
    items = [make_usulan(fiscal_year=year) for _ in range(3)]
    for u, (rank, row, routed) in [
        (items[0], (1, rows[1], None)),
        (items[0], (0, rows[0], None)),
        (items[1], (0, rows[0], timezone.now())),  # routed by it: no longer shown
        (items[2], (0, rows[1], None)),
    ]:
        HomeSuggestion.objects.create(
            fiscal_year=year, usulan=u, row=row, opd=row.opd, rank=rank, score=0.5, routed_at=routed, reasons=[]
        )
    selectors.homes_for(items)  # its statement written here, once per process and page size
    compiled = []
    original = SQLCompiler.as_sql
    monkeypatch.setattr(
        SQLCompiler, "as_sql", lambda self, *a, **k: compiled.append(self.query.model) or original(self, *a, **k)
    )
    found = selectors.homes_for(items)
    assert HomeSuggestion not in compiled
    expected = HomeSuggestion.objects.filter(usulan__in=items, routed_at__isnull=True).order_by("usulan_id", "rank")
    names = selectors.group_names()
    assert {k: [(h.pk, h.opd, h.row_id, h.ref, h.nama, h.rincian, h.alasan) for h in v] for k, v in found.items()} == {
        u.pk: [
            (
                h.pk,
                h.opd.singkatan,
                h.row_id,
                h.row.ref,
                h.row.nama,
                h.row.rincian,
                homes.reason_sentences(h.reasons, gettext, group_names=names),
            )
            for h in expected
            if h.usulan_id == u.pk
        ]
        for u in (items[0], items[2])
    }
    assert [h.ref for h in found[items[0].pk]] == ["R-1", "R-2"]
    assert selectors.homes_for([]) == {}


def test_the_sync_pages_read_the_years_without_compiling_the_query_again(year, monkeypatch):
    from django.db.models.sql.compiler import SQLCompiler
    from django.test import RequestFactory

    from renja.models import FiscalYear
    from sinkronisasi.views.common import selected_year

    newer = FiscalYear.objects.create(year=year.year + 1)
    request = RequestFactory().get("/", {"tahun": str(year.year)})
    selected_year(request)  # compiled here, once per process
    compiled = []
    original = SQLCompiler.as_sql
    monkeypatch.setattr(
        SQLCompiler, "as_sql", lambda self, *a, **k: compiled.append(self.query.model) or original(self, *a, **k)
    )
    with CaptureQueriesContext(connection) as ctx:
        assert selected_year(request) == year
    assert (len(ctx.captured_queries), compiled) == (1, [])
    assert request.sync_years == list(FiscalYear.objects.order_by("-year")) and request.sync_years[0] == newer
    assert [y.revision for y in request.sync_years] == [y.revision for y in FiscalYear.objects.order_by("-year")]
    assert selected_year(RequestFactory().get("/")) == newer


@pytest.mark.parametrize("who", ["planner", "opd_a_editor"])
def test_the_overlap_list_behind_counts_its_pairs_with_the_statement_written_before(
    client, request, who, year, opd_a, opd_b, places, groups, settings, monkeypatch
):
    from django.db.models.sql.compiler import SQLCompiler

    from sinkronisasi.models import Overlap
    from sinkronisasi.permissions import overlaps_for_user

    user = request.getfixturevalue(who)
    client.force_login(user)
    _grow_pairs(year, opd_a, places, groups, 3)
    client.get(OVERLAPS)
    visible = list(overlaps_for_user(user).filter(fiscal_year=year).order_by("pk"))
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    plan_changed(year.pk)
    first = client.get(OVERLAPS, {"status": "semua"}).content.decode()
    compiled = []
    original = SQLCompiler.as_sql
    monkeypatch.setattr(
        SQLCompiler, "as_sql", lambda self, *a, **k: compiled.append(self.query.model) or original(self, *a, **k)
    )
    with CaptureQueriesContext(connection) as ctx:
        again = client.get(OVERLAPS, {"status": "semua"}).content.decode()
    assert compiled.count(Overlap) == 1  # the page's pairs; their count's statement was kept
    assert sum('"__count"' in q["sql"] and "sinkronisasi_overlap" in q["sql"] for q in ctx.captured_queries) == 1
    assert "Temuan sedang diperbarui" in again
    strip = lambda html: re.sub(r'name="csrfmiddlewaretoken" value="\w+"', "", html)  # noqa: E731
    assert strip(again) == strip(first)
    # The count is the pairs' as they are now, not as when its statement was kept.
    assert client.get(OVERLAPS, {"status": "semua"}).context["page"].paginator.count == len(visible)
    visible[-1].delete()
    assert client.get(OVERLAPS, {"status": "semua"}).context["page"].paginator.count == len(visible) - 1
