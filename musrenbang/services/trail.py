"""The trail of an usulan: each step recorded once, the status derived from the last, the year's stage checked,
the usulan locked while it changes; tracking codes."""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from django.core.exceptions import ValidationError

from renja import services as renja_services
from renja.models import FiscalYear, StageWindow, User
from renja.services.revision import plan_changed

from .. import decisions
from ..models import Decision, Pickup, Usulan

ACCEPTED = decisions.ACCEPTED
NEEDS_REASON = decisions.AGENCY_NEEDS_REASON
TRACKING_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed from paper


def status_from_trail(trail: Sequence[Decision]) -> str:
    """The status an usulan has after these decisions (oldest first): the last one decides; none means baru."""
    if not trail:
        return Usulan.Status.BARU
    return Usulan.Status(trail[-1].kind).value


def tracking_code_new() -> str:
    """A public tracking code like USL-7KQ2-M9TD: short, unambiguous, not guessable."""
    body = "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(8))
    return f"USL-{body[:4]}-{body[4:]}"


def decision_refusal(fiscal_year: FiscalYear) -> str | None:
    """Why decisions on this year's usulan cannot be taken now (year or forum stage locked), else None."""
    return renja_services.year_edit_refusal(fiscal_year, StageWindow.Stage.FORUM)


def _ensure_open(fiscal_year: FiscalYear) -> None:
    refusal = decision_refusal(fiscal_year)
    if refusal:
        raise ValidationError(refusal, code="locked")


def _lock(usulan: Usulan) -> Usulan:
    # The year before the usulan (the order imports lock them in); a step on an usulan changes no Renja row's
    # summary fields (a pick-up's row edit goes through renja's row_update, which says so itself).
    plan_changed(usulan.fiscal_year_id, rows=False)
    return (
        Usulan.objects.select_for_update(of=("self",))
        .select_related("fiscal_year", "opd_tujuan", "desa")
        .get(pk=usulan.pk)
    )


def _record(usulan: Usulan, *, level: str, kind: str, by: User | None, **fields) -> Decision:
    """Append one decision to the trail, end pick-ups it replaces, and store the derived status."""
    decision = Decision.objects.create(usulan=usulan, level=level, kind=kind, by=by, **fields)
    Pickup.objects.filter(usulan=usulan, dibatalkan_oleh__isnull=True).exclude(decision=decision).update(
        dibatalkan_oleh=decision
    )
    usulan.status = status_from_trail([decision])
    usulan.diputuskan_pada, usulan.digabung_ke_id = decision.at, decision.digabung_ke_usulan_id
    usulan.save(update_fields=["status", "diputuskan_pada", "digabung_ke", "opd_tujuan", "opd_awal", "updated_at"])
    return decision
