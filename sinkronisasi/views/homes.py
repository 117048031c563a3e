"""Homes for orphan usulan (routing an usulan to a suggested row's agency) and the duplicate usulan page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.confirm import confirm_page, confirmed
from core.http import int_param
from musrenbang import decisions
from renja import permissions as rules
from renja.tables import KnownCountPaginator

from .. import homes, selectors
from ..models import DuplicateUsulan, HomeSuggestion
from ..permissions import require_sync_access
from ..services import homes as home_services
from .common import base_context, selected_year

PAGE_SIZE = 25


def _get_suggestion_for_router(user, pk: int) -> HomeSuggestion:
    """A home suggestion a planner may act on; anyone else gets 403 (the orphan page shows homes to all who see it)."""
    require_sync_access(user)
    if not rules.can_route_usulan(user):
        raise PermissionDenied
    suggestion = HomeSuggestion.objects.select_related("usulan", "row", "opd").filter(pk=pk).first()
    if suggestion is None:
        raise Http404
    return suggestion


def _get_pair_for_user(user, pk: int) -> DuplicateUsulan:
    """A duplicate pair the user may see: every pair for planners and facilitators, pairs with one of its agency's
    usulan for an agency's person (another agency's pair: 404)."""
    require_sync_access(user)
    qs = DuplicateUsulan.objects.select_related(
        "fiscal_year", "usulan_a__desa", "usulan_a__opd_tujuan", "usulan_b__desa", "usulan_b__opd_tujuan"
    )
    pair = qs.filter(pk=pk).first()
    scope = rules.sync_opd_scope(user)
    if pair is None or (scope and scope not in (pair.usulan_a.opd_tujuan_id, pair.usulan_b.opd_tujuan_id)):
        raise Http404
    return pair


def _back(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


@login_required
@require_POST
def home_route(request: HttpRequest, pk: int) -> HttpResponse:
    """Route an orphan usulan to a suggested row's agency, the row suggested to its officer."""
    suggestion = _get_suggestion_for_router(request.user, pk)
    back = _back(request, reverse("sinkronisasi:orphan-list"))
    try:
        home_services.home_route(suggestion=suggestion, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    messages.success(
        request,
        _("Usulan %(id)s diteruskan ke %(opd)s dengan saran baris %(ref)s.")
        % {"id": suggestion.usulan.id_usulan, "opd": suggestion.opd.singkatan, "ref": suggestion.row.ref},
    )
    return redirect(back)


@login_required
@require_GET
def duplicate_list(request: HttpRequest) -> HttpResponse:
    """Pairs of usulan of the year asking for the same thing in the same desa, with merge and dismiss actions."""
    require_sync_access(request.user)
    year = selected_year(request)
    context = base_context(request, year, "duplicates")
    status = request.GET.get("status") or DuplicateUsulan.Status.OPEN
    if status not in DuplicateUsulan.Status.values:
        status = DuplicateUsulan.Status.OPEN
    context.update({"status": status, "statuses": DuplicateUsulan.Status.choices})
    if year is None:
        return render(request, "sinkronisasi/duplicate_list.html", context)
    qs = selectors.duplicates_filtered(year, status=status, opd_id=rules.sync_opd_scope(request.user))
    page = KnownCountPaginator(qs, PAGE_SIZE).get_page(int_param(request.GET, "page", 1))
    items = list(page.object_list)
    names = selectors.group_names() if items else {}
    for pair in items:
        pair.alasan = homes.reason_sentences(pair.reasons, _, pair=True, group_names=names)
    params = request.GET.copy()
    params.pop("page", None)
    context.update(
        {
            "page": page,
            "items": items,
            "query": params.urlencode(),
            "can_act": rules.is_planner(request.user) and status == DuplicateUsulan.Status.OPEN,
            "next": request.get_full_path(),
        }
    )
    return render(request, "sinkronisasi/duplicate_list.html", context)


def _keep_choice(request: HttpRequest) -> str:
    keep = request.POST.get("tetap") if request.method == "POST" else request.GET.get("tetap")
    return keep if keep in ("a", "b") else "a"


@login_required
@require_GET
def duplicate_merge_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """What merging a pair does, with the button that does it."""
    pair = _get_pair_for_user(request.user, pk)
    if not rules.is_planner(request.user):
        raise PermissionDenied
    keep = _keep_choice(request)
    stays, goes = (pair.usulan_a, pair.usulan_b) if keep == "a" else (pair.usulan_b, pair.usulan_a)
    back = reverse("sinkronisasi:duplicate-list") + f"?tahun={pair.fiscal_year.year}"
    blocked = ""
    if pair.status != DuplicateUsulan.Status.OPEN:
        blocked = _("Pasangan usulan ini sudah %(status)s.") % {"status": pair.get_status_display().lower()}
    elif goes.status in decisions.ACCEPTED:
        blocked = _("Usulan %(id)s sudah diterima ke baris Renja; gabungkan usulan yang lain ke dalamnya.") % {
            "id": goes.id_usulan
        }
    elif goes.opd_tujuan_id is None:
        blocked = _("Usulan %(id)s belum diteruskan ke OPD; teruskan dulu, lalu gabungkan.") % {"id": goes.id_usulan}
    return confirm_page(
        request,
        title=_("Gabungkan usulan %(goes)s ke %(stays)s?") % {"goes": goes.id_usulan, "stays": stays.id_usulan},
        facts=[
            _("Usulan %(goes)s (%(text)s) dicatat digabung ke %(stays)s pada jejak keputusannya.")
            % {"goes": goes.id_usulan, "text": goes.usulan[:120], "stays": stays.id_usulan},
            _("Usulan %(stays)s (%(text)s) tetap berjalan dan menentukan status keduanya.")
            % {"stays": stays.id_usulan, "text": stays.usulan[:120]},
        ],
        action=reverse("sinkronisasi:duplicate-merge", args=[pair.pk]),
        button=_("Ya, gabungkan"),
        back=back,
        hidden={"tetap": keep},
        breadcrumbs=[(back, _("Usulan ganda"))],
        blocked=blocked,
    )


@login_required
@require_POST
def duplicate_merge(request: HttpRequest, pk: int) -> HttpResponse:
    pair = _get_pair_for_user(request.user, pk)
    if not rules.is_planner(request.user):
        raise PermissionDenied
    keep = _keep_choice(request)
    confirm = reverse("sinkronisasi:duplicate-merge-confirm", args=[pair.pk]) + f"?tetap={keep}"
    if not confirmed(request):
        return redirect(confirm)
    back = reverse("sinkronisasi:duplicate-list") + f"?tahun={pair.fiscal_year.year}"
    try:
        home_services.duplicate_merge(pair=pair, keep=keep, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    messages.success(request, _("Usulan digabung; keputusan tercatat pada jejaknya."))
    return redirect(back)


@login_required
@require_POST
def duplicate_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    pair = _get_pair_for_user(request.user, pk)
    if not rules.is_planner(request.user):
        raise PermissionDenied
    back = _back(request, reverse("sinkronisasi:duplicate-list") + f"?tahun={pair.fiscal_year.year}")
    try:
        home_services.duplicate_dismiss(pair=pair, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    messages.success(
        request,
        _("Pasangan %(a)s dan %(b)s ditandai bukan ganda.")
        % {"a": pair.usulan_a.id_usulan, "b": pair.usulan_b.id_usulan},
    )
    return redirect(back)
