"""The home page (each agency's rows per status for a year) and the nomenklatur search."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import get_language

from core.http import int_param, str_param
from core.memo import Memo
from core.reference import token

from .. import permissions, selectors, services
from ..models import FiscalYear, Nomenklatur, RenjaRow
from ..tables import ceilings_body_html, home_rows_body_html


@login_required
def home(request: HttpRequest) -> HttpResponse:
    # An OPD person's day starts from their agency's usulan, deadline and overlaps, which live in the apps above
    # renja (musrenbang, sinkronisasi): renja imports neither, so the view is named in settings and looked up here
    # (sinkronisasi may read both). ?semua=1 still shows them the all-agency table below.
    if (
        getattr(settings, "RENJA_OFFICER_HOME", "")
        and permissions.usulan_opd_scope(request.user)
        and not request.GET.get("semua")
    ):
        return import_string(settings.RENJA_OFFICER_HOME)(request)
    # Every year (the switcher lists them) with its stage windows, in two queries: the year asked for is one of them
    # (an unknown or missing ?tahun= gives the newest, as fiscal_year_from_query does).
    years = list(FiscalYear.objects.prefetch_related("stages"))
    number = int_param(request.GET, "tahun")
    fiscal_year = next((y for y in years if y.year == number), years[0] if years else None)
    if fiscal_year is None or not permissions.visible_opds(request.user).exists():
        return render(request, "renja/home.html", {"fiscal_year": None, "years": years})
    drawn = _drawn(fiscal_year)
    summary, ceilings, ceilings_html, own_ceiling = drawn["summary"], [], "", None
    if permissions.sees_every_ceiling(request.user):
        ceilings, ceilings_html = drawn["ceilings"], drawn["ceilings_html"]
    elif request.user.opd_id:
        own_ceiling = selectors.ceiling_status(fiscal_year, [request.user.opd_id])[0]
    return render(
        request,
        "renja/home.html",
        {
            "fiscal_year": fiscal_year,
            "years": years,
            "statuses": RenjaRow.Status,
            "rows": summary["rows"],
            "totals": summary["totals"],
            "refusal": services.year_edit_refusal(fiscal_year),  # reads the prefetched windows
            "stages": fiscal_year.stages.all(),
            "today": timezone.localdate(),
            "ceilings": ceilings,
            "rows_html": drawn["rows_html"],
            "ceilings_html": ceilings_html,
            "ceilings_over": sum(s.over for s in ceilings),
            "ceiling": own_ceiling,
            "can_set_ceilings": permissions.can_set_ceilings(request.user),
        },
    )


# The year's table and ceilings as drawn, per process: a function of the rows' figures and ceilings (rows_revision),
# the agencies' names and order (the reference token: core.reference) and the language.
_DRAWN: Memo[dict] = Memo("renja.home", size=16)


def _drawn(fiscal_year: FiscalYear) -> dict:
    def draw() -> dict:
        summary = selectors.home_summary(fiscal_year)  # the figures kept in the cache per rows_revision
        # The agencies with a ceiling, those over it first (most over first), then in kode unit order.
        ceilings = sorted((s for s in summary["ceilings"] if s.pagu is not None), key=lambda s: -s.excess)
        return {
            "summary": summary,
            "rows_html": home_rows_body_html(summary["rows"], fiscal_year.year),
            "ceilings": ceilings,
            "ceilings_html": ceilings_body_html(ceilings, fiscal_year.year),
        }

    # The token before the figures and names are read (core.reference).
    key = (token(), fiscal_year.pk, fiscal_year.rows_revision, get_language())
    return _DRAWN.get_or_set(key, draw)


@login_required
def nomenklatur_list(request: HttpRequest) -> HttpResponse:
    """Search the official nomenclature (sub kegiatan) by code or words."""
    q = str_param(request.GET, "q")
    qs = Nomenklatur.objects.filter(level=Nomenklatur.Level.SUB_KEGIATAN, aktif=True).select_related("parent__parent")
    for word in q.split():
        qs = qs.filter(Q(kode__icontains=word) | Q(nama__icontains=word) | Q(indikator__icontains=word))
    page = Paginator(qs.order_by("kode"), 50).get_page(int_param(request.GET, "page", 1))
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "renja/nomenklatur_list.html", {"page": page, "q": q, "query": params.urlencode()})
