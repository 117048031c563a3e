"""The single authority on who may see or change what. Every app asks here.

Roles:
- admin and perencana (Bappeda planner): see and change everything;
- fasilitator: runs forums, reads everything, changes no Renja row;
- petugas_opd (OPD officer): changes its own OPD's rows, reads other OPDs' rows;
- pembaca_opd: reads, changes nothing.
Outside a user's read scope an object answers 404; readable but not writable answers 403.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import Opd, ProgramIndicator, RenjaRow, User

PLANNING_ROLES = {User.Role.ADMIN, User.Role.PERENCANA}
OPD_ROLES = {User.Role.PETUGAS_OPD, User.Role.PEMBACA_OPD}
FORUM_RUNNER_ROLES = PLANNING_ROLES | {User.Role.FASILITATOR}


def require(user: User, rule: Callable[..., bool], *args) -> None:
    """Refuse (403) unless `rule(user, *args)` holds: views and services say which rule, never how it is decided.

    `require(request.user, can_import)`, `require(request.user, can_decide_usulan, usulan.opd_tujuan)`."""
    if not rule(user, *args):
        raise PermissionDenied


class Capacity(StrEnum):
    """How a user acts for an agency (`acting_for`)."""

    PLANNER = "planner"  # Bappeda: for every agency, changes its Renja
    FACILITATOR = "facilitator"  # the forum: for every agency, decides usulan as the forum, changes no Renja
    OFFICER = "officer"  # an agency's officer: for their own agency only


# The capacities that change an agency's Renja rows and decide its usulan at the agency's level.
CHANGES_RENJA = frozenset({Capacity.PLANNER, Capacity.OFFICER})


def acting_for(user: User, opd_id: int | None) -> Capacity | None:
    """The one table of who may act for an agency: a planner or a facilitator across agencies, an officer for their
    own agency only; readers, deactivated users and anonymous visitors for none (None). `opd_id` None (no agency
    yet): only the capacities across agencies."""
    if not (user.is_authenticated and user.is_active):
        return None
    if user.is_superuser or user.role in PLANNING_ROLES:
        return Capacity.PLANNER
    if user.role == User.Role.FASILITATOR:
        return Capacity.FACILITATOR
    if user.role == User.Role.PETUGAS_OPD and opd_id is not None and user.opd_id == opd_id:
        return Capacity.OFFICER
    return None


def is_planner(user: User) -> bool:
    """Bappeda planning staff and administrators see and change everything."""
    return bool(user.is_authenticated and user.is_active and (user.is_superuser or user.role in PLANNING_ROLES))


def is_facilitator(user: User) -> bool:
    """Forum facilitators run forums and read everything."""
    return bool(user.is_authenticated and user.is_active and user.role == User.Role.FASILITATOR)


def visible_opds(user: User) -> QuerySet[Opd]:
    """OPD whose Renja rows the user may read: every OPD for any active user with a role."""
    if not (user.is_authenticated and user.is_active):
        return Opd.objects.none()
    if user.role in OPD_ROLES and user.opd_id is None:
        return Opd.objects.none()
    return Opd.objects.all()


def editable_opds(user: User) -> QuerySet[Opd]:
    """OPD whose Renja rows the user may change."""
    if is_planner(user):
        return Opd.objects.all()
    if user.is_authenticated and user.is_active and user.role == User.Role.PETUGAS_OPD and user.opd_id:
        return Opd.objects.filter(pk=user.opd_id)
    return Opd.objects.none()


def can_edit(user: User, opd: Opd | None) -> bool:
    """May the user change this OPD's Renja rows? Planners for every agency, officers for their own."""
    return acting_for(user, opd.pk if opd is not None else None) in CHANGES_RENJA


def can_create_rows(user: User) -> bool:
    """Planners create rows for any OPD; officers for their own."""
    return is_planner(user) or acting_for(user, user.opd_id) == Capacity.OFFICER


def can_import(user: User) -> bool:
    """Imports are for planners (any OPD) and officers (rows of their own OPD only)."""
    return can_create_rows(user)


def can_change_agreed_rows(user: User) -> bool:
    """Rows agreed at a forum or final are changed only by Bappeda."""
    return is_planner(user)


def row_queryset_for_user(user: User) -> QuerySet[RenjaRow]:
    """Renja rows the user may read, with their year and OPD."""
    qs = RenjaRow.objects.select_related("fiscal_year", "opd")
    if not (user.is_authenticated and user.is_active):
        return qs.none()
    if user.role in OPD_ROLES and user.opd_id is None:
        return qs.none()
    return qs  # every active user with a role reads every OPD's rows (see visible_opds)


def get_row_for_user(user: User, pk: int, *, write: bool = False) -> RenjaRow:
    """Load one Renja row the user may read (404 otherwise); with write=True also require can_edit (403)."""
    qs = row_queryset_for_user(user).select_related("opd_pengampu", "sub_kegiatan__parent__parent")
    row = get_object_or_404(qs, pk=pk)
    if write:
        require(user, can_edit, row.opd)
    return row


def can_manage_years(user: User) -> bool:
    """Fiscal years (opening, locking, the stage) are Bappeda's to manage."""
    return is_planner(user)


def can_set_ceilings(user: User) -> bool:
    """The pagu indikatif of each agency (the ceiling of its Renja) is Bappeda's to set."""
    return is_planner(user)


def sees_every_ceiling(user: User) -> bool:
    """Bappeda and the forum's facilitators see every agency against its ceiling; OPD people see their own."""
    return is_planner(user) or is_facilitator(user)


def sees_program_indicators(user: User, opd: Opd) -> bool:
    """An agency's program and kegiatan indicators are read by Bappeda, the forum's facilitators and the agency's
    own people; another agency's answer 404."""
    if is_planner(user) or is_facilitator(user):
        return True
    return bool(user.is_authenticated and user.is_active and user.role in OPD_ROLES and user.opd_id == opd.pk)


def can_edit_program_indicators(user: User, opd: Opd) -> bool:
    """Planners for every agency, an agency's officer for their own (the capacities that change its Renja)."""
    return acting_for(user, opd.pk) in CHANGES_RENJA


def get_indicator_opd_for_user(user: User, pk: int) -> Opd:
    """The agency whose program and kegiatan indicators are asked for, if the user may read them (404 otherwise)."""
    opd = get_object_or_404(Opd, pk=pk)
    if not sees_program_indicators(user, opd):
        raise Http404
    return opd


def get_program_indicator_for_user(user: User, pk: int, *, write: bool = False) -> ProgramIndicator:
    """One program/kegiatan indicator the user may read (404 otherwise: another agency's); with write=True also
    require can_edit_program_indicators (403)."""
    indicator = get_object_or_404(ProgramIndicator.objects.select_related("fiscal_year", "opd", "nomenklatur"), pk=pk)
    if not sees_program_indicators(user, indicator.opd):
        raise Http404
    if write:
        require(user, can_edit_program_indicators, indicator.opd)
    return indicator


def require_planner(user: User) -> None:
    """Reference data and fiscal years are Bappeda's to manage."""
    require(user, is_planner)


# Usulan (musrenbang) rules. The getters live in musrenbang/permissions.py and use only these.
def sees_all_usulan(user: User) -> bool:
    """Bappeda and forum facilitators see every usulan; OPD people only those routed to their agency."""
    return is_planner(user) or is_facilitator(user)


def usulan_opd_scope(user: User) -> int | None:
    """The one OPD whose usulan an OPD person sees (None when the user sees all, or nothing)."""
    if user.is_authenticated and user.is_active and user.role in OPD_ROLES:
        return user.opd_id
    return None


def has_inbox(user: User) -> bool:
    """OPD people have an inbox of the usulan routed to their agency (and choose how they hear of new ones)."""
    return usulan_opd_scope(user) is not None


def can_route_usulan(user: User) -> bool:
    """Routing usulan to agencies, carrying them over and importing them is Bappeda's work."""
    return is_planner(user)


def can_decide_usulan(user: User, opd: Opd | None) -> bool:
    """Planners decide for any agency, facilitators record forum decisions for any, officers for their own only."""
    return opd is not None and acting_for(user, opd.pk) is not None


# Forum rules. The getters live in forum/permissions.py and use only these.
def can_run_forums(user: User) -> bool:
    """Facilitators and Bappeda planners create, finalise and sign forums."""
    return is_planner(user) or is_facilitator(user)


def forum_runners() -> QuerySet[User]:
    """The people a forum may name as its facilitator: facilitators and Bappeda planners (can_run_forums' roles)."""
    return User.objects.filter(role__in=FORUM_RUNNER_ROLES)


def agency_officers(opds) -> QuerySet[User]:
    """The active officers who act for these agencies (acting_for's OFFICER capacity)."""
    return User.objects.filter(opd__in=opds, role=User.Role.PETUGAS_OPD, is_active=True)


def forum_opd_scope(user: User) -> int | None:
    """The agency whose forums an OPD person may read (None: sees all, or nothing)."""
    return usulan_opd_scope(user)


# Sync view (sinkronisasi) rules. The getters live in sinkronisasi/permissions.py and use only these.
def can_see_sync(user: User) -> bool:
    """Planners and facilitators see every finding; OPD people see those that involve their agency."""
    if is_planner(user) or is_facilitator(user):
        return True
    return bool(user.is_authenticated and user.is_active and user.role in OPD_ROLES and user.opd_id)


def sync_opd_scope(user: User) -> int | None:
    """The one agency whose findings an OPD person sees (None: the user sees all)."""
    return usulan_opd_scope(user)


def can_resolve_overlaps(user: User) -> bool:
    """Bappeda planners settle overlapping pairs, and facilitators do so at a forum."""
    return is_planner(user) or is_facilitator(user)


def can_propose_settlement(user: User, opd_ids: set[int]) -> bool:
    """An officer of one of a pair's two agencies proposes how to settle it; a planner or facilitator confirms."""
    return any(acting_for(user, opd_id) == Capacity.OFFICER for opd_id in opd_ids)


def can_comment_on_overlap(user: User, opd_ids: set[int]) -> bool:
    """The pair's two agencies' officers comment, and so do those who settle pairs; readers only read."""
    return can_resolve_overlaps(user) or can_propose_settlement(user, opd_ids)


def can_manage_synonyms(user: User) -> bool:
    """The synonym list changes every year's findings: Bappeda's to keep."""
    return is_planner(user)


def can_close_usulan(user: User) -> bool:
    """Closing an usulan nobody picked up (it carries over) is Bappeda's decision, like routing."""
    return can_route_usulan(user)


# The Renja document (renja/views/document.py).
def document_opds(user: User) -> QuerySet[Opd]:
    """Agencies whose Renja document the user may print: every agency for planners and facilitators, their own for
    agency people (another agency's answers 404, although its rows are readable in the list)."""
    if is_planner(user) or is_facilitator(user):
        return Opd.objects.all()
    if user.is_authenticated and user.is_active and user.role in OPD_ROLES and user.opd_id:
        return Opd.objects.filter(pk=user.opd_id)
    return Opd.objects.none()


def may_print_document(user: User, opd_id: int) -> bool:
    """Whether `document_opds(user)` holds the agency, without a query (for links to its document and changes)."""
    if is_planner(user) or is_facilitator(user):
        return True
    return bool(user.is_authenticated and user.is_active and user.role in OPD_ROLES and user.opd_id == opd_id)


def get_document_opd_for_user(user: User, pk: int) -> Opd:
    """The agency whose Renja document is asked for, if the user may print it (404 otherwise)."""
    return get_object_or_404(document_opds(user), pk=pk)


# Agency profiles (kode unit, the head's name, NIP, pangkat and jabatan).
def can_edit_opd_profile(user: User) -> bool:
    """An agency's profile is printed on its documents: Bappeda keeps it."""
    return is_planner(user)


def profile_opds(user: User) -> QuerySet[Opd]:
    """Agencies whose profile the user may read: planners and facilitators every one, OPD people their own."""
    if is_planner(user) or is_facilitator(user):
        return Opd.objects.all()
    if user.is_authenticated and user.is_active and user.role in OPD_ROLES and user.opd_id:
        return Opd.objects.filter(pk=user.opd_id)
    return Opd.objects.none()


def get_opd_for_user(user: User, pk: int, *, write: bool = False) -> Opd:
    """One agency's profile the user may read (404 otherwise); with write=True also require can_edit_opd_profile
    (403)."""
    opd = get_object_or_404(profile_opds(user), pk=pk)
    if write:
        require(user, can_edit_opd_profile)
    return opd
