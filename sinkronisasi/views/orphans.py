"""Usulan no agency picked up: grouped counts, a chart per kecamatan, the list with one-click routing."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.http import csv_delimiter, export_response, int_param
from musrenbang.forms import BulkForm
from musrenbang.models import Usulan
from renja import permissions as rules
from renja.tables import KnownCountPaginator

from .. import charts, selectors
from ..forms import (
    OrphanFilterForm,
)
from ..permissions import (
    require_sync_access,
)
from .common import base_context, selected_year

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
    counts = selectors.stored_orphan_counts(context["state"], opd_id=scope)
    # Unfiltered and current, the list is the counted set and needs no count of its own.
    unfiltered = not context["updating"] and not any(data.get(k) for k in ("sebab", "kecamatan", "opd", "q"))
    page = KnownCountPaginator(qs, 25, count=counts["total"] if unfiltered else None).get_page(
        int_param(request.GET, "page", 1)
    )
    items = list(page.object_list)
    deadline = selectors.forum_deadline(year)
    today = timezone.localdate()
    suggestions = selectors.route_suggestions(items)
    homes = selectors.homes_for(items)  # stored by the recompute task: up to three rows planning the same work
    labels = dict(selectors.Cause.choices())
    for u in items:
        u.umur = selectors.age_days(u.sejak, today)
        u.cause_label = labels.get(u.cause, u.cause)
        u.lewat_tenggat = bool(u.cause == selectors.Cause.BELUM_DIPUTUSKAN and deadline and today > deadline)
        u.saran = suggestions.get(u.pk)
        u.rumah = homes.get(u.pk, [])
        u.routable = u.status in selectors.ROUTABLE
    params = request.GET.copy()
    for key in ("page", "export"):
        params.pop(key, None)
    context.update(
        {
            "form": form,
            "page": page,
            "items": items,
            "counts": counts,
            "deadline": deadline,
            "cause_cards": [(c, label, counts["by_cause"].get(c, 0)) for c, label in selectors.Cause.choices()],
            "chart": charts.bar_chart(
                title=_("Usulan belum diambil per kecamatan, menurut sebab"),
                bars=[
                    (kec, [(f"c-{c}", parts[c]) for c in CAUSE_ORDER if parts.get(c)])
                    for kec, parts in sorted(
                        counts["by_kecamatan"].items(), key=lambda kv: (-sum(kv[1].values()), kv[0])
                    )[:20]
                ],
                legend=[(f"c-{c}", label) for c, label in selectors.Cause.choices()],
            ),
            "query": params.urlencode(),
            "can_route": rules.can_route_usulan(request.user),
            "bulk_form": BulkForm(visible=Usulan.objects.none(), auto_id="massal_%s"),  # ids apart from the filters'
            "next": request.get_full_path(),
        }
    )
    return render(request, "sinkronisasi/orphan_list.html", context)
