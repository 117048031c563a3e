"""Fiscal years and their stages: the page and the locks Bappeda sets."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.confirm import confirm_page, confirmed
from core.http import str_param

from .. import permissions, services
from ..models import FiscalYear, StageSnapshot, StageWindow
from ..services import snapshots


@login_required
def year_list(request: HttpRequest) -> HttpResponse:
    """Fiscal years and their stages, with the locks Bappeda sets."""
    permissions.require(request.user, permissions.can_manage_years)
    years = FiscalYear.objects.prefetch_related(
        "stages", Prefetch("snapshots", queryset=StageSnapshot.objects.defer("data").select_related("taken_by"))
    ).order_by("-year")
    stages = []
    for year in years:
        windows = {w.stage: w for w in year.stages.all()}
        taken = {s.stage: s for s in year.snapshots.all()}
        rows = [
            {"stage": stage, "label": label, "window": windows.get(stage), "snapshot": taken.get(stage)}
            for stage, label in StageWindow.Stage.choices
        ]
        stages.append((year, rows, [r for r in rows if r["snapshot"]]))
    return render(
        request,
        "renja/year_list.html",
        {"years": stages, "today": timezone.localdate(), "live": snapshots.LIVE},
    )


@require_POST
@login_required
def year_lock(request: HttpRequest, pk: int) -> HttpResponse:
    permissions.require(request.user, permissions.can_manage_years)
    fiscal_year = get_object_or_404(FiscalYear, pk=pk)
    locked = request.POST.get("kunci") == "1"
    reason = request.POST.get("alasan", "").strip()[:255]
    if locked and not reason:
        messages.error(request, _("Tuliskan alasan penguncian tahun %(year)s.") % {"year": fiscal_year.year})
        return redirect("renja:year-list")
    services.fiscal_year_set_lock(fiscal_year=fiscal_year, locked=locked, reason=reason, by=request.user)
    messages.success(
        request, (_("Tahun %(year)s dikunci.") if locked else _("Tahun %(year)s dibuka.")) % {"year": fiscal_year.year}
    )
    return redirect("renja:year-list")


@require_POST
@login_required
def stage_lock(request: HttpRequest, pk: int) -> HttpResponse:
    permissions.require(request.user, permissions.can_manage_years)
    window = get_object_or_404(StageWindow, pk=pk)
    locked = request.POST.get("kunci") == "1"
    try:
        services.stage_set_lock(window=window, locked=locked, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("renja:year-list")
    messages.success(
        request,
        _("Tahap %(stage)s %(year)s %(state)s.")
        % {
            "stage": window.get_stage_display(),
            "year": window.fiscal_year.year,
            "state": _("dikunci") if locked else _("dibuka"),
        },
    )
    return redirect("renja:year-list")


@require_http_methods(["GET", "POST"])
@login_required
def stage_snapshot_take(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Ambil potret sekarang": GET says what it does (the stage's earlier snapshot is replaced), POST with the
    confirmation takes it."""
    permissions.require(request.user, permissions.can_manage_years)
    fiscal_year = get_object_or_404(FiscalYear, pk=pk)
    data = request.POST if request.method == "POST" else request.GET
    stage = str_param(data, "tahap", max_length=30)
    if stage not in StageWindow.Stage.values:
        messages.error(request, _("Pilih tahap yang akan dipotret."))
        return redirect("renja:year-list")
    label = StageWindow.Stage(stage).label
    if request.method == "POST" and confirmed(request):
        try:
            snapshot = snapshots.stage_snapshot_take(fiscal_year=fiscal_year, stage=stage, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("Potret tahap %(stage)s %(year)s diambil: %(n)s baris.")
                % {"stage": label, "year": fiscal_year.year, "n": snapshot.row_count},
            )
        return redirect("renja:year-list")
    earlier = StageSnapshot.objects.filter(fiscal_year=fiscal_year, stage=stage).defer("data").first()
    facts = [
        _(
            "Rencana tahun %(year)s sebagaimana adanya sekarang (semua baris semua OPD dan pagu indikatif OPD) "
            "disimpan sebagai potret tahap %(stage)s."
        )
        % {"year": fiscal_year.year, "stage": label}
    ]
    if earlier is not None:
        facts.append(
            _("Potret tahap ini yang diambil %(when)s (%(n)s baris) diganti.")
            % {"when": timezone.localtime(earlier.taken_at).strftime("%d-%m-%Y %H.%M"), "n": earlier.row_count}
        )
    back = reverse("renja:year-list")
    return confirm_page(
        request,
        title=_("Ambil potret tahap %(stage)s %(year)s?") % {"stage": label, "year": fiscal_year.year},
        facts=facts,
        action=reverse("renja:stage-snapshot-take", args=[fiscal_year.pk]),
        button=_("Ya, ambil potret sekarang"),
        back=back,
        hidden={"tahap": stage},
        breadcrumbs=[(back, _("Tahun"))],
        blocked=services.year_edit_refusal(fiscal_year, ()) or "",  # no stage: the year's own lock only
    )
