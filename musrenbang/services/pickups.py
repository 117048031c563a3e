"""Pick-ups of usulan into Renja rows: a new row made from an usulan, the cost picked up, the row's locations
widened to the usulan's desa."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from renja import services as renja_services
from renja.models import RenjaRow, User

from ..models import Decision, Usulan
from .deciding import Allocation, _check_decider, usulan_decide
from .trail import _lock


@transaction.atomic
def renja_row_from_usulan(*, usulan: Usulan, ref: str, kode_sub_kegiatan: str, by: User | None) -> Decision:
    """Create a Renja row of the routed agency from an usulan and accept the usulan into it."""
    locked = _lock(usulan)
    _check_decider(locked, by)
    sub, kode = renja_services.resolve_sub_kegiatan(kode_sub_kegiatan, locked.opd_tujuan)
    row = renja_services.row_create(
        fiscal_year=locked.fiscal_year,
        ref=ref,
        by=by,
        data={
            "opd": locked.opd_tujuan,
            "sub_kegiatan": sub,
            "kode": kode,
            # The row's name and indicator are its sub kegiatan's; the usulan's words are the agency's rincian, and
            # its volume, if any, the agency's extra indicator.
            "rincian": locked.usulan,
            "keterangan": locked.uraian or locked.permasalahan,
            **(
                {"indikator_opd": locked.usulan, "target_opd": locked.volume, "satuan_opd": locked.satuan}
                if locked.volume is not None or locked.satuan.strip()
                else {}
            ),
            "pagu": locked.anggaran,
            "lokasi": [locked.desa],
            "sasaran": list(locked.sasaran.all()),
        },
    )
    return usulan_decide(usulan=locked, kind=Decision.Kind.DITERIMA, by=by, allocations=[Allocation(row)])


def picked_up_total(usulan: Usulan) -> int:
    """Cost of an usulan currently picked up into Renja rows."""
    return usulan.pickups.filter(dibatalkan_oleh__isnull=True).aggregate(s=Sum("anggaran"))["s"] or 0


@transaction.atomic
def row_places_add(
    *, row: RenjaRow, usulan_list: Sequence[Usulan], by: User | None, expected_version: int | None = None
) -> RenjaRow:
    """Add the desa of these usulan to a Renja row's locations (the one-click fix of an out-of-place acceptance).

    Through renja's row_update, so the row's rules hold: a locked year or an agreed row (for non-planners) refuses,
    a stale version refuses, the change is audited on the row. A regency-wide row (no locations) is left as it is;
    a desa already covered, itself or by its kecamatan, is not added again."""
    current = list(row.lokasi.all())
    if not current:
        raise ValidationError(
            _("Baris %(ref)s berlaku se-kabupaten; tidak perlu menambah desa.") % {"ref": row.ref}, code="regency_wide"
        )
    covered = {w.pk for w in current}
    added = []
    for usulan in usulan_list:
        desa = usulan.desa
        if desa.pk in covered or desa.parent_id in covered:
            continue
        covered.add(desa.pk)
        added.append(desa)
    if not added:
        return row
    row, _changes = renja_services.row_update(
        row=row, data={"lokasi": current + added}, by=by, expected_version=expected_version
    )
    return row
