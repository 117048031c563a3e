"""The locks of a fiscal year and of its stages: why rows cannot be changed now, and Bappeda's switches.

The stages are the regulation's (rancangan awal, rancangan, forum, rancangan akhir, verifikasi, penetapan). Each
kind of change belongs to a group of stages, and is refused when the year has windows of that group and every one
of them is locked: while one of them is open, that part of the cycle goes on. A year without any window of the group
refuses nothing on that account (as before). The groups:

- writing rows (create, change, delete, import): rancangan awal, rancangan and rancangan akhir (the agencies draft in
  the first two and revise their plan to the forum's agreements in the third);
- moving a row to draft or diajukan: rancangan awal and rancangan (no new submissions once both are closed);
- disepakati, usulan decisions and forum changes: the forum;
- final: verifikasi and penetapan (Bappeda confirms the rows when it verifies the rancangan akhir).

Who may make which change (officer, planner, facilitator) is unchanged: renja/permissions.py decides it.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import FiscalYear, StageWindow, User
from .audit import audit_log
from .snapshots import stage_snapshot_take

Stage = StageWindow.Stage

EDIT_STAGES = (Stage.RANCANGAN_AWAL, Stage.RANCANGAN, Stage.RANCANGAN_AKHIR)
DRAFTING_STAGES = (Stage.RANCANGAN_AWAL, Stage.RANCANGAN)
AGREEMENT_STAGES = (Stage.FORUM,)
FINAL_STAGES = (Stage.VERIFIKASI, Stage.PENETAPAN)


def _join(labels: list[str]) -> str:
    if len(labels) <= 1:
        return "".join(labels)
    return _("%(first)s dan %(last)s") % {"first": ", ".join(labels[:-1]), "last": labels[-1]}


def year_edit_refusal(fiscal_year: FiscalYear, stage: str | Iterable[str] = EDIT_STAGES) -> str | None:
    """Why this year's plan cannot be changed now in this stage (or group of stages), or None when it can.

    Reads `fiscal_year.stages.all()`, so a prefetch of the windows makes it free."""
    if fiscal_year.is_locked:
        reason = f" ({fiscal_year.locked_reason})" if fiscal_year.locked_reason else ""
        return _("Tahun %(year)s dikunci%(reason)s; data tidak dapat diubah.") % {
            "year": fiscal_year.year,
            "reason": reason,
        }
    stages = [stage] if isinstance(stage, str) else list(stage)
    windows = sorted((w for w in fiscal_year.stages.all() if w.stage in stages), key=lambda w: stages.index(w.stage))
    if windows and all(w.is_locked for w in windows):
        return _("Tahap %(stage)s tahun %(year)s dikunci; data tidak dapat diubah.") % {
            "stage": _join([w.get_stage_display() for w in windows]),
            "year": fiscal_year.year,
        }
    return None


def ensure_year_editable(fiscal_year: FiscalYear) -> None:
    refusal = year_edit_refusal(fiscal_year)
    if refusal:
        raise ValidationError(refusal, code="locked")


@transaction.atomic
def fiscal_year_set_lock(*, fiscal_year: FiscalYear, locked: bool, reason: str = "", by: User | None) -> FiscalYear:
    """Lock or unlock a whole year."""
    fy = FiscalYear.objects.select_for_update().get(pk=fiscal_year.pk)
    fy.is_locked, fy.locked_reason = locked, reason if locked else ""
    fy.save(update_fields=["is_locked", "locked_reason"])
    audit_log(obj=fy, action="fiscal_year.locked" if locked else "fiscal_year.unlocked", by=by, data={"reason": reason})
    return fy


@transaction.atomic
def stage_set_lock(*, window: StageWindow, locked: bool, by: User | None) -> StageWindow:
    """Lock or unlock one stage of a year (e.g. the forum stage: no more decisions on usulan).

    Locking a stage closes it: the plan as it stands is kept as the stage's snapshot (taken, or replacing the one
    taken before, in this transaction). A locked year refuses both, its plan and its records being frozen."""
    stage = StageWindow.objects.select_for_update().select_related("fiscal_year").get(pk=window.pk)
    if stage.fiscal_year.is_locked:
        raise ValidationError(
            _("Tahun %(year)s dikunci; buka tahun itu dulu untuk mengubah tahapnya.")
            % {"year": stage.fiscal_year.year},
            code="locked",
        )
    if stage.is_locked != locked:
        stage.is_locked = locked
        stage.save(update_fields=["is_locked"])
        audit_log(
            obj=stage.fiscal_year,
            action="stage.locked" if locked else "stage.unlocked",
            by=by,
            data={"tahap": stage.stage},
        )
        if locked:
            stage_snapshot_take(fiscal_year=stage.fiscal_year, stage=stage.stage, by=by, at_lock=True)
    return stage
