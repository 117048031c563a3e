"""Getters for the sync view's objects that load and check in one step, using the rules of renja/permissions.py."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from renja import permissions as rules
from renja.models import User

from . import settlement
from .models import Overlap, OverlapProposal, SynonymGroup


def require_sync_access(user: User) -> None:
    """Refuse (403) whoever may not see the sync pages."""
    rules.require(user, rules.can_see_sync)


def overlaps_for_user(user: User) -> QuerySet[Overlap]:
    """Pairs the user may read: all for Bappeda and facilitators, those involving their agency for OPD people."""
    qs = Overlap.objects.select_related(
        "fiscal_year",
        "row_a__opd",
        "row_b__opd",
        "opd_a",
        "opd_b",
        "opd_pengampu",
        "dropped_row",
        "settled_by",
        "reopened_by",
    )
    if not rules.can_see_sync(user):
        return qs.none()
    opd_id = rules.sync_opd_scope(user)
    return qs.filter(Q(opd_a_id=opd_id) | Q(opd_b_id=opd_id)) if opd_id else qs


def get_overlap_for_user(user: User, pk: int, *, write: bool = False) -> Overlap:
    """One pair the user may read (404 otherwise); write=True also requires the right to settle pairs (403)."""
    overlap = get_object_or_404(overlaps_for_user(user), pk=pk)
    if write:
        rules.require(user, settlement.may, "settle", overlap)
    return overlap


def get_overlap_for_comment(user: User, pk: int) -> Overlap:
    """A pair the user may read (404 otherwise) and comment on (403 otherwise)."""
    overlap = get_object_or_404(overlaps_for_user(user), pk=pk)
    rules.require(user, settlement.may, "comment", overlap)
    return overlap


def get_overlap_for_proposal(user: User, pk: int) -> Overlap:
    """A pair the user may read (404 otherwise) and propose a settlement for (403 otherwise)."""
    overlap = get_object_or_404(overlaps_for_user(user), pk=pk)
    rules.require(user, settlement.may, "propose", overlap)
    return overlap


def get_proposal_for_user(user: User, pk: int, proposal_id: int | None) -> OverlapProposal:
    """A proposal of a pair the user may read (404 otherwise), for confirming or declining: the right to settle
    pairs (403)."""
    overlap = get_overlap_for_user(user, pk, write=True)
    proposal = get_object_or_404(
        OverlapProposal.objects.select_related("opd", "opd_pengampu", "dropped_row", "proposed_by"),
        overlap=overlap,
        pk=proposal_id or 0,
    )
    proposal.overlap = overlap
    return proposal


def get_synonym_group_for_user(user: User, pk: int) -> SynonymGroup:
    rules.require(user, rules.can_manage_synonyms)
    return get_object_or_404(SynonymGroup, pk=pk)
