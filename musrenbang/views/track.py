"""The public tracking page: a village follows its usulan by tracking code."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from core.http import no_store

from .. import decisions, selectors
from ..forms import TrackForm
from ..models import Usulan


def track(request: HttpRequest) -> HttpResponse:
    """Public, without log-in: a village follows its usulan by tracking code. No personal data is shown."""
    form = TrackForm(request.GET or None)
    usulan, trail, pickups, levels = None, [], [], []
    if form.is_valid():
        usulan = selectors.usulan_by_tracking_code(form.cleaned_data["kode"])
        if usulan is None:
            form.add_error("kode", _("Kode lacak tidak ditemukan. Periksa kembali kode pada tanda terima."))
        else:
            trail, pickups = selectors.trail(usulan), selectors.pickups(usulan)
            levels = decisions.cycle_levels(trail, pokir=usulan.sumber == Usulan.Sumber.POKIR)
    context = {"form": form, "usulan": usulan, "trail": trail, "pickups": pickups, "levels": levels}
    return no_store(render(request, "musrenbang/track.html", context))
