"""One action on a selection of usulan (the bulk form of the list and the inbox): which action, who may take it and
at which decision level are decided here, so the view only validates the form, confirms and reports."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.formatting import rupiah
from renja.models import Opd, RenjaRow, User

from . import decisions, selectors, services
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
        kind=action,
        by=by,
        alasan=alasan,
        row=row,
        level=decision_level(by, [u.opd_tujuan for u in usulan_list]),
    )


def bulk_acceptance_row(usulan_list: list[Usulan], ref: str | None) -> RenjaRow:
    """The Renja row a bulk acceptance puts the selection into: the one with this ref (any case) among the rows of
    the first usulan's agency and year; ValidationError saying what is wrong otherwise."""
    first, ref = usulan_list[0], (ref or "").strip()
    rows = selectors.rows_for_pickup(opd_id=first.opd_tujuan_id, fiscal_year_id=first.fiscal_year_id)
    row = next((r for r in rows if r.ref.casefold() == ref.casefold()), None)
    if row is not None:
        return row
    if not ref:
        raise ValidationError(_("Isi ref baris Renja yang menampung usulan terpilih."))
    raise ValidationError(
        _('Baris Renja "%(ref)s" tidak ada di Renja %(opd)s tahun %(year)s; pilih dari daftar.')
        % {
            "ref": ref,
            "opd": first.opd_tujuan.singkatan if first.opd_tujuan_id else "–",
            "year": first.fiscal_year.year,
        }
    )


def bulk_acceptance_warnings(usulan_list: list[Usulan], row: RenjaRow) -> list[selectors.AcceptanceWarning]:
    """What to check before accepting the selection into `row`: each usulan's village outside the row's locations,
    and the row's pagu against what it holds plus the whole selection (those already in it counted once)."""
    warnings = [
        w for u in usulan_list for w in selectors.acceptance_warnings(u, [(row, u.anggaran)]) if w.kind == "lokasi"
    ]
    held = row.ditampung + sum(u.anggaran for u in usulan_list if u.status not in decisions.ACCEPTED)
    if held > row.pagu:
        warnings.append(
            selectors.AcceptanceWarning(
                "pagu",
                row,
                _(
                    "Pagu baris %(ref)s %(pagu)s; dengan %(n)s usulan terpilih menjadi %(total)s: "
                    "melebihi pagu %(over)s."
                )
                % {
                    "ref": row.ref,
                    "pagu": rupiah(row.pagu),
                    "n": len(usulan_list),
                    "total": rupiah(held),
                    "over": rupiah(held - row.pagu),
                },
            )
        )
    return warnings
