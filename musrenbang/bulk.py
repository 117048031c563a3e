"""One action on a selection of usulan (the bulk form of the list and the inbox): which action, who may take it and
at which decision level are decided here, so the view only validates the form, confirms and reports."""

from __future__ import annotations

from renja.models import Opd, RenjaRow, User

from . import services
from .models import Usulan
from .permissions import BULK_CLOSE, BULK_ROUTE, decision_level, require_bulk_action


def usulan_bulk_apply(
    *,
    action: str,
    usulan_list: list[Usulan],
    by: User,
    opd: Opd | None = None,
    alasan: str = "",
    row: RenjaRow | None = None,
) -> int:
    """Route (to `opd`), close, or decide (`action` a decision type; an acceptance into `row`) every usulan of the
    selection, all or none; 403 for an action the user may not take. Returns how many were changed."""
    require_bulk_action(by, action, usulan_list)
    if action == BULK_ROUTE:
        return services.usulan_route_many(usulan_list=usulan_list, opd=opd, by=by)
    if action == BULK_CLOSE:
        return services.usulan_close_many(usulan_list=usulan_list, by=by, alasan=alasan)
    return services.usulan_decide_many(
        usulan_list=usulan_list,
        keputusan=action,
        by=by,
        alasan=alasan,
        row=row,
        level=decision_level(by, [u.opd_tujuan for u in usulan_list]),
    )
