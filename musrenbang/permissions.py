"""Getters for usulan that load and check in one step, using the rules of renja/permissions.py."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from renja import permissions as rules
from renja.models import User

from .models import Usulan


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
