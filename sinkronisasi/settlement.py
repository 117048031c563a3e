"""The overlap settlement rules in one table: the states a flagged pair is in, the moves between them, who may make
each move (decided by renja/permissions.py), and what each settled kind must name.

Models (choices and constraints), services (checks and audit keys), permissions getters, forms (choices), selectors
(filters and counts) and templates (through the views' `can_*` flags) read these, never a list of their own.
tests/sinkronisasi/test_settlement_table.py checks that the table and the models agree.

    OPEN ──settle──▶ SETTLED ──sign (forum signed)──▶ FROZEN ──take to a later forum──▶ SETTLED
      ▲                 │ reopen (by hand) or rows changed (the refresh)
      └─────────────────┘
    OPEN/SETTLED ──propose (an officer)──▶ PROPOSED ──confirm──▶ SETTLED, or ──decline──▶ as it was
    OPEN/SETTLED ──no longer flagged (the refresh)──▶ FALSE_ALARM (the pair is removed; a FROZEN pair stays)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from renja import permissions as rules
from renja.models import User


class Status(models.TextChoices):
    """A pair's stored status (Overlap.status): open, or how it was settled. The values are data: never renamed."""

    OPEN = "terbuka", gettext_lazy("Terbuka")
    COMPLEMENTARY = "saling_melengkapi", gettext_lazy("Saling melengkapi")
    COORDINATION = "koordinasi", gettext_lazy("Koordinasi (OPD pengampu)")
    DUPLICATION = "duplikasi", gettext_lazy("Duplikasi (satu baris diusulkan dihapus)")


# The settled kinds, and what each must name (a lead agency, a row to drop, a note), all of the pair's own.
SETTLED_KINDS = (Status.COMPLEMENTARY, Status.COORDINATION, Status.DUPLICATION)
NEEDS_LEAD = frozenset({Status.COORDINATION})
NEEDS_DROPPED_ROW = frozenset({Status.DUPLICATION})
NEEDS_NOTE = frozenset({Status.COORDINATION, Status.DUPLICATION})


def settled_choices() -> list[tuple[str, str]]:
    """The settled kinds as form and model choices (a settlement made, or proposed)."""
    return [(value, label) for value, label in Status.choices if value != Status.OPEN]


class Outcome(models.TextChoices):
    """What became of an officer's proposed settlement (OverlapProposal.outcome). The values are data."""

    WAITING = "menunggu", gettext_lazy("Menunggu konfirmasi")
    CONFIRMED = "dikonfirmasi", gettext_lazy("Dikonfirmasi")
    DECLINED = "ditolak", gettext_lazy("Ditolak")
    REPLACED = "diganti", gettext_lazy("Diganti usulan baru")


class State(StrEnum):
    """Where a pair stands. OPEN, SETTLED and FROZEN follow from its stored fields (`state_of`); PROPOSED is a pair
    of either of the first two with an officer's proposal waiting; FALSE_ALARM is a pair the detector no longer
    flags (removed, unless FROZEN)."""

    OPEN = "open"
    SETTLED = "settled"
    PROPOSED = "proposed"
    FROZEN = "frozen"  # settled in a signed berita acara: not settled again nor reopened until a later forum takes it
    FALSE_ALARM = "false_alarm"


def state_of(overlap) -> State:
    """A pair's state from its stored status and signature (a waiting proposal does not change it)."""
    if overlap.signed_at is not None:
        return State.FROZEN
    return State.OPEN if overlap.status == Status.OPEN else State.SETTLED


# Who may make a move: a rule of renja/permissions.py, given the user and the pair's two agencies.
Rule = Callable[[User, set[int]], bool]


def _settles(user: User, opd_ids: set[int]) -> bool:
    return rules.can_resolve_overlaps(user)


@dataclass(frozen=True)
class Move:
    sources: frozenset[State]
    target: State | None  # None: the pair's state does not change
    who: Rule | None  # None: the system makes it (a refresh, a signed forum), never a person on the sync pages
    audit: str  # the audit action it writes

    def allowed_from(self, state: State) -> bool:
        return state in self.sources


_LIVE = frozenset({State.OPEN, State.SETTLED})
MOVES: dict[str, Move] = {
    # People, on the sync pages.
    "settle": Move(_LIVE, State.SETTLED, _settles, "overlap.settled"),
    "reopen": Move(frozenset({State.SETTLED}), State.OPEN, _settles, "overlap.reopened"),
    "propose": Move(_LIVE, State.PROPOSED, rules.can_propose_settlement, "overlap.proposed"),
    "confirm": Move(frozenset({State.PROPOSED}), State.SETTLED, _settles, "overlap.proposal_confirmed"),
    "decline": Move(frozenset({State.PROPOSED}), None, _settles, "overlap.proposal_declined"),
    "comment": Move(frozenset(State) - {State.FALSE_ALARM}, None, rules.can_comment_on_overlap, "overlap.commented"),
    # The system: a refresh after rows changed, a forum signed or taking the pair on its agenda.
    "rows_changed": Move(frozenset({State.SETTLED}), State.OPEN, None, "overlap.reopened"),
    "changed_after_signing": Move(frozenset({State.FROZEN}), None, None, "overlap.changed_after_signing"),
    "no_longer_flagged": Move(_LIVE, State.FALSE_ALARM, None, "overlap.no_longer_flagged"),
    "sign": Move(frozenset({State.SETTLED, State.OPEN}), State.FROZEN, None, "overlap.signed"),
    "take_to_forum": Move(frozenset({State.FROZEN}), State.SETTLED, None, "overlap.taken_to_forum"),
}
# Audit actions written beside a move rather than by one.
OTHER_AUDIT_KEYS = ("overlap.proposal_replaced",)


def may(user: User, move: str, overlap) -> bool:
    """Whether this person may make the move on this pair (by renja/permissions.py), whatever its state."""
    who = MOVES[move].who
    return who is not None and who(user, {overlap.opd_a_id, overlap.opd_b_id})


def can(user: User, move: str, overlap) -> bool:
    """Whether this person may make the move on this pair now: allowed for them, and from its state."""
    return may(user, move, overlap) and MOVES[move].allowed_from(state_of(overlap))


def ensure_allowed(overlap, move: str) -> None:
    """Refuse a move the pair's state does not allow, with the message a person reads."""
    state = state_of(overlap)
    if MOVES[move].allowed_from(state):
        return
    if state == State.FROZEN:
        raise ValidationError(
            _(
                "Pasangan ini disepakati dalam berita acara %(nomor)s yang sudah ditandatangani; kesepakatannya tidak "
                "dapat diubah. Bila barisnya berubah, masukkan ke agenda forum berikutnya."
            )
            % {"nomor": overlap.berita_acara_nomor},
            code="signed",
        )
    raise ValidationError(_("Pasangan ini belum diselesaikan."), code="open")


def check_settlement(overlap, *, status: str, note: str, opd_pengampu, dropped_row) -> None:
    """A settlement (made or proposed) names its kind, the lead agency or the row to drop of this pair, and a note."""
    if status not in SETTLED_KINDS:
        raise ValidationError(_("Pilih penyelesaian: saling melengkapi, koordinasi atau duplikasi."), code="status")
    if status in NEEDS_LEAD and (opd_pengampu is None or opd_pengampu.pk not in {overlap.opd_a_id, overlap.opd_b_id}):
        raise ValidationError(_("Koordinasi: pilih OPD pengampu, salah satu dari kedua OPD."), code="lead")
    if status in NEEDS_DROPPED_ROW and (
        dropped_row is None or dropped_row.pk not in {overlap.row_a_id, overlap.row_b_id}
    ):
        raise ValidationError(_("Duplikasi: pilih baris yang dihapus, salah satu dari kedua baris."), code="drop")
    if status in NEEDS_NOTE and not note.strip():
        raise ValidationError(_("Catatan wajib diisi untuk koordinasi dan duplikasi."), code="note")
