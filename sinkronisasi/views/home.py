"""An OPD person's home page (settings.RENJA_OFFICER_HOME)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from musrenbang import selectors as usulan_selectors
from musrenbang.context_processors import request_inbox_counts
from musrenbang.forms import InboxMailForm
from renja import permissions as rules
from renja import selectors as renja_selectors

from .. import selectors, settlement
from ..permissions import (
    overlaps_for_user,
)

OFFICER_HOME_UNDECIDED = 10  # the longest-waiting undecided usulan listed on the home page; the inbox has them all


@login_required
def officer_home(request: HttpRequest) -> HttpResponse:
    """An OPD person's home ("/", through settings.RENJA_OFFICER_HOME): usulan new since their last inbox visit, the
    undecided ones with their age against the forum deadline, and their agency's open overlaps.

    It lives here because sinkronisasi is the lowest app that may read all three: musrenbang's usulan, the forum
    deadline (selectors.forum_deadline) and the overlaps; renja and musrenbang may not import this app."""
    user, year = request.user, renja_selectors.current_fiscal_year()
    opd_id = rules.usulan_opd_scope(user)
    context = {"fiscal_year": year, "opd": user.opd}
    if year is not None and opd_id is not None:
        today = timezone.localdate()
        deadline = selectors.forum_deadline(year)
        seen = usulan_selectors.inbox_last_seen(user)
        waiting = list(
            usulan_selectors.undecided_for_agency(opd_id=opd_id, fiscal_year_id=year.pk)[:OFFICER_HOME_UNDECIDED]
        )
        for u in waiting:
            u.umur = selectors.age_days(u.diputuskan_pada, today) if u.diputuskan_pada else None
            u.baru = seen is None or (u.diputuskan_pada is not None and u.diputuskan_pada > seen)
        context.update(
            {
                "counts": request_inbox_counts(request),
                "last_seen": seen,
                "waiting": waiting,
                "deadline": deadline,
                "days_left": (deadline - today).days if deadline else None,
                "days_over": max(0, (today - deadline).days) if deadline else 0,
                "open_overlaps": overlaps_for_user(user).filter(fiscal_year=year, status=settlement.Status.OPEN).count()
                if rules.can_see_sync(user)
                else None,
                "can_decide": rules.can_decide_usulan(user, user.opd),
                # Usulan Bappeda routed here with a Renja row suggested (homes for orphan usulan).
                "routed_homes": selectors.routed_homes(opd_id=opd_id, fiscal_year=year),
                "mail_form": InboxMailForm(initial={"mode": usulan_selectors.inbox_mail_mode(user)}),
            }
        )
    return render(request, "sinkronisasi/officer_home.html", context)
