"""Screens for usulan: Bappeda's list and routing, the officer's inbox and decisions, the public tracking page.

One module per responsibility; the names urls.py uses are re-exported here."""

from .bulk import usulan_bulk, usulan_carry_over
from .detail import row_places_add, usulan_decide, usulan_detail, usulan_new_row, usulan_receipt, usulan_route
from .imports import usulan_import, usulan_import_confirm, usulan_import_template
from .inbox import inbox, inbox_mail
from .lists import usulan_list, usulan_print
from .track import track

__all__ = [
    "inbox",
    "inbox_mail",
    "row_places_add",
    "track",
    "usulan_bulk",
    "usulan_carry_over",
    "usulan_decide",
    "usulan_detail",
    "usulan_import",
    "usulan_import_confirm",
    "usulan_import_template",
    "usulan_list",
    "usulan_new_row",
    "usulan_print",
    "usulan_receipt",
    "usulan_route",
]
