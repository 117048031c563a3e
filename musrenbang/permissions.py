"""Getters for usulan that load and check in one step, using the rules of renja/permissions.py."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from renja import permissions as rules
from renja.models import User

from .models import Decision, Usulan


def usulan_for_user(user: User) -> QuerySet[Usulan]:
    """Usulan the user may read: all for Bappeda and facilitators, those routed to their agency for OPD people."""
    qs = Usulan.objects.select_related("fiscal_year", "desa__parent", "opd_tujuan", "bidang_urusan")
    if rules.sees_all_usulan(user):
        return qs
    opd_id = rules.usulan_opd_scope(user)
    return qs.filter(opd_tujuan_id=opd_id) if opd_id else qs.none()


def get_usulan_for_user(user: User, pk: int, *, write: bool = False) -> Usulan:
    """One usulan the user may read (404 otherwise); write=True also requires the right to decide on it (403)."""
    usulan = get_object_or_404(usulan_for_user(user), pk=pk)
    if write:
        rules.require(user, rules.can_decide_usulan, usulan.opd_tujuan)
    return usulan


# Bulk actions on a selection of usulan (the list's and inbox's form): besides the decisions, these two.
BULK_ROUTE, BULK_CLOSE = "teruskan", "tutup"


def require_bulk_action(user: User, action: str, usulan_list) -> None:
    """Refuse (403) a bulk action the user may not take: routing and closing are Bappeda's, a decision needs the
    right to decide for every chosen usulan's agency."""
    if action == BULK_ROUTE:
        rules.require(user, rules.can_route_usulan)
    elif action == BULK_CLOSE:
        rules.require(user, rules.can_close_usulan)
    else:
        for usulan in usulan_list:
            rules.require(user, rules.can_decide_usulan, usulan.opd_tujuan)


def decision_level(user: User, opds, chosen: str | None = None) -> str:
    """The level a decision on usulan of these agencies is recorded at: a facilitator (or anyone not changing every
    agency's Renja) decides only as the forum; the agencies' people and Bappeda decide at the level they chose,
    by default the agency's."""
    if all(rules.acting_for(user, opd.pk if opd else None) in rules.CHANGES_RENJA for opd in opds):
        return chosen or Decision.Level.OPD
    return Decision.Level.FORUM
