"""Status moves of Renja rows (draft → diajukan → disepakati → final and back one step): who may make which
move, under which stage's lock, and the forum's agreement of many rows at once."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .. import permissions
from ..models import RenjaRow, User
from .audit import audit_log
from .revision import plan_changed
from .rows import _display
from .years import AGREEMENT_STAGES, DRAFTING_STAGES, EDIT_STAGES, FINAL_STAGES, year_edit_refusal

# (from, to) → who may make the move: "editor" (anyone who may edit the OPD's rows) or "planner".
STATUS_MOVES = {
    (RenjaRow.Status.DRAFT, RenjaRow.Status.DIAJUKAN): "editor",
    (RenjaRow.Status.DIAJUKAN, RenjaRow.Status.DRAFT): "editor",
    (RenjaRow.Status.DIAJUKAN, RenjaRow.Status.DISEPAKATI): "planner",
    (RenjaRow.Status.DISEPAKATI, RenjaRow.Status.DIAJUKAN): "planner",
    (RenjaRow.Status.DISEPAKATI, RenjaRow.Status.FINAL): "planner",
    (RenjaRow.Status.FINAL, RenjaRow.Status.DISEPAKATI): "planner",
}


# The stages whose locks govern a move to each status (renja/services/years.py: refused once all are locked).
STATUS_STAGE = {
    RenjaRow.Status.DRAFT: DRAFTING_STAGES,
    RenjaRow.Status.DIAJUKAN: DRAFTING_STAGES,
    RenjaRow.Status.DISEPAKATI: AGREEMENT_STAGES,
    RenjaRow.Status.FINAL: FINAL_STAGES,
}


def status_moves_for(row: RenjaRow, user: User) -> list[str]:
    """The statuses this user may move the row to now."""
    if not permissions.can_edit(user, row.opd):
        return []
    planner = permissions.is_planner(user)
    return [
        to
        for (frm, to), who in STATUS_MOVES.items()
        if frm == row.status
        and (who == "editor" or planner)
        and not year_edit_refusal(row.fiscal_year, STATUS_STAGE[to])
    ]


@transaction.atomic
def row_status_change(*, row: RenjaRow, status: str, by: User | None, expected_version: int | None = None) -> RenjaRow:
    """Move a row along draft → diajukan → disepakati → final (and back one step), as the rules allow."""
    plan_changed(row.fiscal_year_id)  # the year before the row: the order imports lock them in
    locked = RenjaRow.objects.select_for_update(of=("self",)).select_related("fiscal_year", "opd").get(pk=row.pk)
    refusal = year_edit_refusal(locked.fiscal_year, STATUS_STAGE.get(status, EDIT_STAGES))
    if refusal:
        raise ValidationError(refusal, code="locked")
    if expected_version is not None and locked.version != expected_version:
        raise ValidationError(
            _("Baris ini sudah diubah orang lain; muat ulang halaman lalu coba lagi."), code="conflict"
        )
    who = STATUS_MOVES.get((locked.status, status))
    if who is None:
        raise ValidationError(
            _("Status tidak dapat diubah dari %(from)s ke %(to)s.")
            % {
                "from": locked.get_status_display(),
                "to": _display("status", status) if status in RenjaRow.Status.values else status,
            },
            code="transition",
        )
    if by is not None and who == "planner" and not permissions.is_planner(by):
        raise ValidationError(
            _("Hanya Bappeda yang dapat mengubah status ke %(to)s.") % {"to": _display("status", status)},
            code="planner",
        )
    old = locked.get_status_display()
    locked.status = status
    locked.version += 1
    locked.updated_by = by
    locked.save(update_fields=["status", "version", "updated_by", "updated_at"])
    audit_log(
        obj=locked,
        action="renja_row.status_changed",
        by=by,
        changes={"status": [old, locked.get_status_display()]},
        version=locked.version,
    )
    return locked


@transaction.atomic
def rows_mark_agreed(*, rows: list[RenjaRow], by: User | None, source: str) -> int:
    """Mark rows agreed at a forum (draft or diajukan → disepakati), each with an audit entry.

    Refused when a row's year or its forum stage is locked."""
    for fiscal_year in {r.fiscal_year for r in rows}:
        plan_changed(fiscal_year.pk)
        refusal = year_edit_refusal(fiscal_year, AGREEMENT_STAGES)
        if refusal:
            raise ValidationError(refusal, code="locked")
    count = 0
    for row in RenjaRow.objects.select_for_update(of=("self",)).filter(pk__in=[r.pk for r in rows]).order_by("pk"):
        if row.status not in (RenjaRow.Status.DRAFT, RenjaRow.Status.DIAJUKAN):
            continue
        old = row.get_status_display()
        row.status = RenjaRow.Status.DISEPAKATI
        row.version += 1
        row.updated_by = by
        row.save(update_fields=["status", "version", "updated_by", "updated_at"])
        audit_log(
            obj=row,
            action="renja_row.status_changed",
            by=by,
            changes={"status": [old, row.get_status_display()]},
            data={"sumber": source},
            version=row.version,
        )
        count += 1
    return count
