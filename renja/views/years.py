"""Fiscal years and their stages: the page and the locks Bappeda sets."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import permissions, services
from ..models import FiscalYear, StageWindow


@login_required
def year_list(request: HttpRequest) -> HttpResponse:
    """Fiscal years and their stages, with the locks Bappeda sets."""
    permissions.require(request.user, permissions.can_manage_years)
    years = FiscalYear.objects.prefetch_related("stages").order_by("-year")
    return render(request, "renja/year_list.html", {"years": years, "today": timezone.localdate()})


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
    services.stage_set_lock(window=window, locked=locked, by=request.user)
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
