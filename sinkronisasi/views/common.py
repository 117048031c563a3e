"""What the sync pages share: the year asked for (`?tahun=` is a calendar year here, as on every page) and the
tabs' context."""

from __future__ import annotations

from django.core.paginator import Page
from django.db.models import Count, QuerySet, Window
from django.http import HttpRequest

from core.http import int_param
from renja import permissions as rules
from renja.models import FiscalYear
from renja.tables import KnownCountPaginator

from .. import selectors, services


def selected_year(request: HttpRequest) -> FiscalYear | None:
    """?tahun= (else the recompute form's posted `tahun`): the calendar year (2026), as on every page (a missing,
    malformed or unknown one: the newest). Read with every year, which the tabs list (request.sync_years): one
    query for both."""
    query = request.GET if int_param(request.GET, "tahun") is not None else request.POST
    years = request.sync_years = _years_newest_first()
    number = int_param(query, "tahun")
    return next((y for y in years if y.year == number), years[0] if years else None)


_YEARS_SQL: dict[str, str] = {}  # per database: the years' statement, compiled by the ORM once


def _years_newest_first() -> list[FiscalYear]:
    """Every year, newest first (a few rows): the statement compiled once per database, which cost more than the
    read."""
    alias = FiscalYear.objects.db
    sql = _YEARS_SQL.get(alias)
    if sql is None:
        sql, params = FiscalYear.objects.order_by("-year").query.get_compiler(using=alias).as_sql()
        if params:
            return list(FiscalYear.objects.order_by("-year"))
        _YEARS_SQL[alias] = sql
    return list(FiscalYear.objects.raw(sql).using(alias))


def base_context(request: HttpRequest, year: FiscalYear | None, tab: str) -> dict:
    """The tabs' context, with the year's stored findings state (`state`, its counts included). Whether the findings
    are current is one number compared (the year's plan revision); only when they are behind is the task queue read,
    and a recompute queued for the worker if none waits (`task`); `updating` then tells the page to say so."""
    state = selectors.sync_state(year) if year else None
    task = None
    updating = year is not None and not selectors.sync_is_current(state, year)
    if updating:
        task = services.sync_recompute_request(fiscal_year=year)
        if task is None:  # nothing waits any more: an immediate task backend (tests) has just run it
            state = selectors.sync_state(year)
            updating = not selectors.sync_is_current(state, year)
    return {
        "year": year,
        "years": getattr(request, "sync_years", None) or FiscalYear.objects.order_by("-year"),
        "tab": tab,
        "state": state,
        "updating": updating,
        "can_recompute": rules.is_planner(request.user),
        "can_manage_synonyms": rules.can_manage_synonyms(request.user),
        "task": task,
    }


def counted_page(qs: QuerySet, per_page: int, number: int | None, *, count: int | None) -> Page:
    """The page `number` of `qs`, as KnownCountPaginator(qs, per_page, count=count).get_page(number) gives it. With
    no count known, the page's rows carry the number of all rows (a window count): one query, not a count and then
    the rows (the filter compiled and run once; for a query that sorts every row anyway). A page past the end, or
    none, is left to the paginator."""
    paginator = KnownCountPaginator(qs, per_page, count=count)
    if count is None and number is not None and 1 <= number and (number - 1) * per_page < 2**31:
        bottom = (number - 1) * per_page
        rows = list(qs.annotate(_page_total=Window(Count("pk")))[bottom : bottom + per_page])
        if rows:
            paginator.count = rows[0]._page_total
            return paginator._get_page(rows, number, paginator)
    return paginator.get_page(number)
