"""The locks of a fiscal year and of its stages: why rows cannot be changed now, and Bappeda's switches."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import FiscalYear, StageWindow, User
from .audit import audit_log


def year_edit_refusal(fiscal_year: FiscalYear, stage: str = StageWindow.Stage.RENJA) -> str | None:
    """Why rows of this year cannot be changed now, or None when they can."""
    if fiscal_year.is_locked:
        reason = f" ({fiscal_year.locked_reason})" if fiscal_year.locked_reason else ""
        return _("Tahun %(year)s dikunci%(reason)s; data tidak dapat diubah.") % {
            "year": fiscal_year.year,
            "reason": reason,
        }
    window = next((w for w in fiscal_year.stages.all() if w.stage == stage), None)
    if window is not None and window.is_locked:
        return _("Tahap %(stage)s tahun %(year)s dikunci; data tidak dapat diubah.") % {
            "stage": window.get_stage_display(),
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
    """Lock or unlock one stage of a year (e.g. the forum stage: no more decisions on usulan)."""
    stage = StageWindow.objects.select_for_update().select_related("fiscal_year").get(pk=window.pk)
    if stage.is_locked != locked:
        stage.is_locked = locked
        stage.save(update_fields=["is_locked"])
        audit_log(
            obj=stage.fiscal_year,
            action="stage.locked" if locked else "stage.unlocked",
            by=by,
            data={"tahap": stage.stage},
        )
    return stage
