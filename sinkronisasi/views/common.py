"""What the sync pages share: the year asked for (`?tahun=` is a calendar year here, as on every page) and the
tabs' context."""

from __future__ import annotations

from django.http import HttpRequest

from core.http import int_param
from renja import permissions as rules
from renja import selectors as renja_selectors
from renja.models import FiscalYear

from .. import services


def selected_year(request: HttpRequest) -> FiscalYear | None:
    """?tahun= (else the recompute form's posted `tahun`): the calendar year (2026), as on every page."""
    query = request.GET if int_param(request.GET, "tahun") is not None else request.POST
    return renja_selectors.fiscal_year_from_query(query)


def base_context(request: HttpRequest, year: FiscalYear | None, tab: str) -> dict:
    return {
        "year": year,
        "years": FiscalYear.objects.order_by("-year"),
        "tab": tab,
        "state": getattr(year, "sync_state", None) if year else None,
        "can_recompute": rules.is_planner(request.user),
        "can_manage_synonyms": rules.can_manage_synonyms(request.user),
        "task": services.sync_task_state(year) if year else None,
    }
