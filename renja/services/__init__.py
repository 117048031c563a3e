"""Every write of the renja app. Views, commands and other apps call these as `services.x(...)`."""

from core.importing import ImportIssue, ImportRejected, parse_rupiah

from .audit import audit_log
from .imports import (
    ImportPlan,
    build_plan,
    parse_decimal,
    renja_import_confirm,
    renja_import_file,
    renja_import_stage,
)
from .reference import REFERENCE_DIR, reference_load
from .rows import RowConflict, resolve_sub_kegiatan, row_create, row_snapshot, row_update
from .staging import PREVIEW_MAX_AGE, import_batch_confirm, import_batch_refusal, import_batch_stage
from .status import row_status_change, rows_mark_agreed, status_moves_for
from .years import ensure_year_editable, fiscal_year_set_lock, stage_set_lock, year_edit_refusal

__all__ = [
    "PREVIEW_MAX_AGE",
    "import_batch_confirm",
    "import_batch_refusal",
    "import_batch_stage",
    "ImportIssue",
    "ImportPlan",
    "ImportRejected",
    "REFERENCE_DIR",
    "RowConflict",
    "audit_log",
    "build_plan",
    "ensure_year_editable",
    "fiscal_year_set_lock",
    "parse_decimal",
    "parse_rupiah",
    "reference_load",
    "renja_import_confirm",
    "renja_import_file",
    "renja_import_stage",
    "resolve_sub_kegiatan",
    "row_create",
    "row_snapshot",
    "row_status_change",
    "row_update",
    "rows_mark_agreed",
    "stage_set_lock",
    "status_moves_for",
    "year_edit_refusal",
]
