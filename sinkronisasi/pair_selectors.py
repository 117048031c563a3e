"""Reads of a pair's discussion: comments, proposed settlements, the agencies' contacts, the words of their history.

Kept beside selectors.py (the lists' reads); the pair page and the pair list read these.
"""
from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext_lazy

from renja.models import User

from . import selectors
from .models import KomentarTumpang, TumpangTindih, UsulanPenyelesaian

DISCUSSION_ACTION_LABELS = {
    "tumpang.commented": gettext_lazy("Komentar ditambahkan"),
    "tumpang.proposed": gettext_lazy("Usulan penyelesaian diajukan"),
    "tumpang.proposal_replaced": gettext_lazy("Usulan penyelesaian diganti usulan baru"),
    "tumpang.proposal_confirmed": gettext_lazy("Usulan penyelesaian dikonfirmasi"),
    "tumpang.proposal_declined": gettext_lazy("Usulan penyelesaian ditolak"),
}


def pair_history(pair: TumpangTindih) -> list:
    """selectors.pair_history, with the words people read for the discussion's entries too."""
    entries = selectors.pair_history(pair)
    for entry in entries:
        if entry.action in DISCUSSION_ACTION_LABELS:
            entry.action_label = DISCUSSION_ACTION_LABELS[entry.action]
    return entries


def with_open_proposal(qs: QuerySet[TumpangTindih]) -> QuerySet[TumpangTindih]:
    """Pairs annotated with `ada_usulan`: an officer's proposed settlement awaits confirmation (in the same query)."""
    return qs.annotate(ada_usulan=Exists(UsulanPenyelesaian.objects.filter(
        pair=OuterRef("pk"), keputusan=UsulanPenyelesaian.Keputusan.MENUNGGU)))


def pair_comments(pair: TumpangTindih) -> list[KomentarTumpang]:
    """The pair's discussion in time order, with each person and agency."""
    return list(KomentarTumpang.objects.filter(pair=pair).select_related("by", "opd").order_by("at", "pk"))


def pair_proposals(pair: TumpangTindih) -> list[UsulanPenyelesaian]:
    """The pair's proposed settlements, newest first (the open one, if any, is the first)."""
    return list(UsulanPenyelesaian.objects.filter(pair=pair).select_related(
        "opd", "opd_pengampu", "baris_dihapus", "diusulkan_oleh", "diputuskan_oleh").order_by("-diusulkan_pada", "-pk"))


def pair_contacts(pair: TumpangTindih, *, viewer_opd_id: int | None) -> list[dict]:
    """Whom to reach about a pair: the other agency for an officer (both for Bappeda and facilitators). The Opd model
    holds the head's name and position only; the agency's officers' names and e-mail addresses come from their
    accounts."""
    opds = [o for o in (pair.opd_a, pair.opd_b) if o.pk != viewer_opd_id]
    officers: dict[int, list[User]] = {}
    for user in User.objects.filter(opd__in=opds, role=User.Role.PETUGAS_OPD, is_active=True).order_by(
            "first_name", "last_name", "username"):
        officers.setdefault(user.opd_id, []).append(user)
    return [{"opd": o, "officers": officers.get(o.pk, [])} for o in opds]
