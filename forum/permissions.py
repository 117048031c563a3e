"""Getters for forums that load and check in one step, using the rules of renja/permissions.py."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from renja import permissions as rules
from renja.models import User

from .models import Forum


def forums_for_user(user: User) -> QuerySet[Forum]:
    """Facilitators and planners see every forum; OPD people the forums their agency takes part in."""
    qs = Forum.objects.select_related("fiscal_year", "fasilitator")
    if rules.can_run_forums(user):
        return qs
    opd_id = rules.forum_opd_scope(user)
    return qs.filter(opd=opd_id).distinct() if opd_id else qs.none()


def get_forum_for_user(user: User, pk: int, *, write: bool = False) -> Forum:
    """One forum the user may read (404 otherwise); write=True requires running forums (403)."""
    forum = get_object_or_404(forums_for_user(user), pk=pk)
    if write:
        rules.require(user, rules.can_run_forums)
    return forum
