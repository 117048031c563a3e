"""Screens for Renja rows. Each view: get the object through permissions, validate, call one service or selector,
respond. One module per responsibility; the names urls.py uses are re-exported here."""

from .agencies import opd_edit, opd_list
from .ceilings import pagu_opd_confirm, pagu_opd_edit, pagu_opd_list, pagu_opd_upload
from .changes import change_report, change_report_xlsx
from .document import dokumen, dokumen_pdf, dokumen_xlsx
from .home import home, nomenklatur_list
from .imports import import_confirm, import_template, import_upload
from .indicators import (
    program_indicator_create,
    program_indicator_delete,
    program_indicator_edit,
    program_indicator_index,
    program_indicator_list,
)
from .lists import row_list, row_print
from .rows import row_create, row_detail, row_edit, row_status, row_status_confirm
from .years import stage_lock, stage_snapshot_take, year_list, year_lock

__all__ = [
    "change_report",
    "change_report_xlsx",
    "dokumen",
    "dokumen_pdf",
    "dokumen_xlsx",
    "home",
    "import_confirm",
    "import_template",
    "import_upload",
    "nomenklatur_list",
    "opd_edit",
    "opd_list",
    "pagu_opd_confirm",
    "pagu_opd_edit",
    "pagu_opd_list",
    "pagu_opd_upload",
    "program_indicator_create",
    "program_indicator_delete",
    "program_indicator_edit",
    "program_indicator_index",
    "program_indicator_list",
    "row_create",
    "row_detail",
    "row_edit",
    "row_list",
    "row_print",
    "row_status",
    "row_status_confirm",
    "stage_lock",
    "stage_snapshot_take",
    "year_list",
    "year_lock",
]
