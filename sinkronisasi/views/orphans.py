"""Usulan no agency picked up: grouped counts, a chart per kecamatan, the list with one-click routing."""

from __future__ import annotations

import secrets

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.http import csv_delimiter, export_response, int_param
from core.memo import Memo
from musrenbang.forms import BulkForm
from musrenbang.models import Usulan
from renja import permissions as rules

from .. import charts, selectors
from ..forms import (
    OrphanFilterForm,
)
from ..permissions import (
    require_sync_access,
)
from .common import base_context, counted_page, selected_year

CAUSE_ORDER = [c for c, _l in selectors.Cause.choices()]


@login_required
def orphan_list(request: HttpRequest) -> HttpResponse:
    """Usulan no agency picked up: grouped counts, a chart per kecamatan, the list with one-click routing."""
    require_sync_access(request.user)
    year = selected_year(request)
    context = base_context(request, year, "orphans")
    if year is None:
        return render(request, "sinkronisasi/orphan_list.html", context)
    scope = rules.sync_opd_scope(request.user)
    base = selectors.usulan_belum_diambil(year, opd_id=scope)
    form = OrphanFilterForm(request.GET or None, scope_opd=scope)
    data = form.cleaned_data if form.is_valid() else {}
    qs = base
    if data.get("sebab"):
        qs = qs.filter(cause=data["sebab"])
    if data.get("kecamatan"):
        qs = qs.filter(desa__parent=data["kecamatan"])
    if data.get("opd"):
        qs = qs.filter(opd_tujuan=data["opd"])
    if data.get("q"):
        qs = qs.filter(cari__contains=data["q"].lower())
    qs = qs.order_by("desa__parent__nama", "opd_tujuan__kode_unit", "opd_tujuan__singkatan", "cause", "id_usulan")
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        return export_response(
            export,
            selectors.ORPHAN_DOWNLOAD_COLUMNS,
            selectors.orphan_export_rows(qs, download=True),
            basename="usulan_belum_diambil",
            title="Belum diambil",
            delimiter=csv_delimiter(request.GET),
        )
    # Counted by the worker with the findings (base_context queued a recompute if the plan changed since).
    counts = selectors.shown_orphan_counts(context["state"], opd_id=scope)
    # Unfiltered and current, the list is the counted set and needs no count of its own.
    unfiltered = not context["updating"] and not any(data.get(k) for k in ("sebab", "kecamatan", "opd", "q"))
    page = counted_page(qs, 25, int_param(request.GET, "page", 1), count=counts["total"] if unfiltered else None)
    deadline = selectors.forum_deadline(year)
    can_route = rules.can_route_usulan(request.user)
    cards = selectors.orphan_cards(list(page.object_list), deadline=deadline, today=timezone.localdate())
    rows = _rows_html(cards, can_route=can_route, csrf_token=get_token(request), next_url=request.get_full_path())
    params = request.GET.copy()
    for key in ("page", "export"):
        params.pop(key, None)
    context.update(
        {
            "form": form,
            "page": page,
            "rows": rows,
            "counts": counts,
            "deadline": deadline,
            "summary": _summary_html(counts, year.year),
            "query": params.urlencode(),
            "can_route": can_route,
            "bulk_form": BulkForm(visible=Usulan.objects.none(), auto_id="massal_%s"),  # ids apart from the filters'
            "next": request.get_full_path(),
        }
    )
    return render(request, "sinkronisasi/orphan_list.html", context)


# A row of the list is a function of its card, the page's right to route and the language (selectors.OrphanCard):
# rendered once per process. Its forms' CSRF token and return address are the request's: kept as these markers
# (random per process, so that no usulan's text can hold one) and put in for each request.
_ROWS: Memo[str] = Memo("sinkronisasi.orphan_row", size=1024)
_CHARTS: Memo[SafeString] = Memo("sinkronisasi.orphan_chart", size=64)
_CSRF_MARK = f"csrf{secrets.token_hex(12)}"
_NEXT_MARK = f"next{secrets.token_hex(12)}"


def _rows_html(cards: list[selectors.OrphanCard], *, can_route: bool, csrf_token: str, next_url: str) -> SafeString:
    language = get_language()
    html = "".join(
        _ROWS.get_or_set(
            (card, can_route, language),
            lambda card=card: render_to_string(
                "sinkronisasi/_orphan_row.html",
                {"u": card, "can_route": can_route, "csrf_token": _CSRF_MARK, "next": _NEXT_MARK},
            ),
        )
        for card in cards
    )
    html = html.replace(_CSRF_MARK, csrf_token).replace(_NEXT_MARK, escape(next_url))
    return mark_safe(html)  # templates' output, with a token and an escaped address put in


_SUMMARIES: Memo[SafeString] = Memo("sinkronisasi.orphan_summary", size=256)


def _summary_html(counts: dict, year_number: int) -> SafeString:
    """The counts by cause, the chart and the tables per kecamatan and agency: kept per their values and language."""
    chart = _chart(counts)
    key = (
        year_number,
        get_language(),
        counts["total"],
        counts["biaya"],
        tuple(counts["causes"]),
        tuple(counts["per_kecamatan"]),
        tuple(counts["by_opd"]),
        chart,
    )
    return _SUMMARIES.get_or_set(
        key,
        lambda: render_to_string(
            "sinkronisasi/_orphan_counts.html", {"counts": counts, "chart": chart, "year_number": year_number}
        ),
    )


def _chart(counts: dict) -> SafeString:
    """Usulan not picked up per kecamatan (the twenty with most), stacked by cause."""
    bars = tuple(
        (kec, tuple((f"c-{c}", parts[c]) for c in CAUSE_ORDER if parts.get(c)))
        for kec, parts in sorted(counts["by_kecamatan"].items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))[:20]
    )
    return _CHARTS.get_or_set(
        (bars, get_language()),
        lambda: charts.bar_chart(
            title=_("Usulan belum diambil per kecamatan, menurut sebab"),
            bars=bars,
            legend=[(f"c-{c}", label) for c, label in selectors.Cause.choices()],
        ),
    )
