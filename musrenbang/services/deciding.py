"""An agency's decision on an usulan, following the rules of each decision type (musrenbang/decisions.py): the
reason, the merge target, the pick-up into Renja rows and how the cost is split over them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.formatting import rupiah
from renja import permissions as rules
from renja import services as renja_services
from renja.models import RenjaRow, User

from .. import decisions
from ..models import Decision, Pickup, Usulan
from .levels import _check_level
from .trail import ACCEPTED, NEEDS_REASON, _ensure_open, _lock, _record


@dataclass
class Allocation:
    """The share of an accepted usulan given to one Renja row."""

    row: RenjaRow
    anggaran: int | None = None
    volume: Decimal | None = None


def _check_decider(usulan: Usulan, by: User | None) -> None:
    if usulan.opd_tujuan_id is None:
        raise ValidationError(_("Usulan %(id)s belum diteruskan ke OPD mana pun.") % {"id": usulan.id_usulan})
    if by is not None and not rules.can_decide_usulan(by, usulan.opd_tujuan):
        raise ValidationError(_("Anda tidak berwenang memutuskan usulan OPD lain."), code="forbidden")


@transaction.atomic
def usulan_decide(
    *,
    usulan: Usulan,
    kind: str,
    by: User | None,
    level: str = Decision.Level.OPD,
    alasan: str = "",
    volume: Decimal | None = None,
    anggaran: int | None = None,
    allocations: Sequence[Allocation] = (),
    merge_usulan: Usulan | None = None,
    merge_row: RenjaRow | None = None,
) -> Decision:
    """Decide on an usulan routed to an agency, following the rules of each decision.

    diterima / diterima_dengan_perubahan pick it up into one or more of the agency's Renja rows (a split needs the
    cost of each part, adding up to the accepted cost); with changes needs a changed volume or cost; ditolak,
    dikembalikan and digabung need a reason; digabung names the usulan or Renja row it joins.
    """
    locked = _lock(usulan)
    _ensure_open(locked.fiscal_year)
    fields, allocations = _decision_fields(
        locked,
        kind=kind,
        by=by,
        alasan=alasan,
        volume=volume,
        anggaran=anggaran,
        allocations=allocations,
        merge_usulan=merge_usulan,
        merge_row=merge_row,
    )
    _check_level(kind, level)
    decision = _record(locked, level=level, kind=kind, by=by, **fields)
    _audit_cross_agency_merge(locked, decision, by)
    for part in allocations:
        Pickup.objects.create(
            usulan=locked, renja_row=part.row, volume=part.volume, anggaran=part.anggaran, decision=decision, by=by
        )
    return decision


def _decision_fields(
    usulan: Usulan,
    *,
    kind: str,
    by: User | None,
    alasan: str,
    volume: Decimal | None,
    anggaran: int | None,
    allocations: Sequence[Allocation],
    merge_usulan: Usulan | None,
    merge_row: RenjaRow | None,
) -> tuple[dict, list[Allocation]]:
    """The rules of each decision (no queries): the Decision fields to write and the checked pick-ups."""
    _check_decider(usulan, by)
    # Routing and closing are Bappeda's own steps (usulan_route, usulan_close), not an agency's decision.
    if kind not in decisions.BY_AGENCY:
        raise ValidationError(_("Keputusan %(k)s tidak dikenal.") % {"k": kind})
    alasan = (alasan or "").strip()
    if kind in NEEDS_REASON and not alasan:
        raise ValidationError(
            {"alasan": [_("Alasan wajib diisi untuk keputusan %(k)s.") % {"k": decisions.label(kind).lower()}]}
        )
    fields: dict = {"opd": usulan.opd_tujuan, "alasan": alasan}
    if kind == Decision.Kind.DIGABUNG:
        fields.update(_merge_target(usulan, merge_usulan, merge_row, by))
    checked: list[Allocation] = []
    if kind in ACCEPTED:
        if kind == Decision.Kind.DITERIMA_DENGAN_PERUBAHAN:
            if (volume is None or volume == usulan.volume) and (anggaran is None or anggaran == usulan.anggaran):
                raise ValidationError(_("Diterima dengan perubahan: isi volume atau biaya yang berubah."))
        elif (volume is not None and volume != usulan.volume) or (anggaran is not None and anggaran != usulan.anggaran):
            raise ValidationError(_("Volume atau biaya berubah: pilih keputusan diterima dengan perubahan."))
        if (anggaran is not None and anggaran < 0) or (volume is not None and volume < 0):
            raise ValidationError(_("Volume dan biaya tidak boleh negatif."))
        fields.update(volume=volume, anggaran=anggaran)
        checked = _check_allocations(
            usulan,
            allocations,
            anggaran if anggaran is not None else usulan.anggaran,
            volume if volume is not None else usulan.volume,
        )
    return fields, checked


def _merge_target(usulan: Usulan, merge_usulan: Usulan | None, merge_row: RenjaRow | None, by: User | None) -> dict:
    if merge_usulan is None and merge_row is None:
        raise ValidationError(_("Digabung: sebutkan usulan atau baris Renja tujuan penggabungan."))
    if merge_usulan is not None:
        if merge_usulan.pk == usulan.pk:
            raise ValidationError(_("Usulan tidak dapat digabung ke dirinya sendiri."))
        if merge_usulan.fiscal_year_id != usulan.fiscal_year_id:
            raise ValidationError(_("Usulan tujuan penggabungan harus dari tahun yang sama."))
        if merge_usulan.status in decisions.STOPS:
            # Its need would leave the year with the stopped one: neither routed nor carried as asked.
            raise ValidationError(
                _("Usulan tujuan %(id)s tidak diteruskan musrenbang; usulan tidak dapat digabung ke usulan itu.")
                % {"id": merge_usulan.id_usulan},
                code="stopped_target",
            )
        return {"digabung_ke_usulan": merge_usulan}
    if merge_row.fiscal_year_id != usulan.fiscal_year_id:
        raise ValidationError(_("Baris Renja tujuan penggabungan harus dari tahun yang sama."))
    if merge_row.opd_id != usulan.opd_tujuan_id and by is not None and not rules.is_planner(by):
        # Another agency's row: only Bappeda joins an usulan to it (the agency would not see it happen).
        raise ValidationError(
            _("Baris Renja %(ref)s bukan baris %(opd)s; penggabungan ke baris OPD lain hanya dapat dilakukan Bappeda.")
            % {"ref": merge_row.ref, "opd": usulan.opd_tujuan.singkatan},
            code="other_agency",
        )
    return {"digabung_ke_renja": merge_row}


def _audit_cross_agency_merge(usulan: Usulan, decision: Decision, by: User | None) -> None:
    """A merge into another agency's Renja row is Bappeda's act: recorded on the row, so that its agency sees it."""
    row = decision.digabung_ke_renja
    if row is not None and row.opd_id != usulan.opd_tujuan_id:
        renja_services.audit_log(
            obj=row,
            action="renja_row.usulan_merged",
            by=by,
            changes={"usulan": ["", f"{usulan.id_usulan} ({usulan.opd_tujuan.singkatan})"]},
            data={"usulan": usulan.id_usulan, "opd_usulan": usulan.opd_tujuan.singkatan},
        )


def _check_allocations(
    usulan: Usulan, allocations: Sequence[Allocation], total: int, volume: Decimal | None
) -> list[Allocation]:
    if not allocations:
        raise ValidationError(_("Pilih baris Renja yang menampung usulan ini (atau buat baris baru)."))
    for part in allocations:
        if part.row.opd_id != usulan.opd_tujuan_id or part.row.fiscal_year_id != usulan.fiscal_year_id:
            raise ValidationError(
                _("Baris %(ref)s bukan baris Renja %(opd)s tahun %(year)s.")
                % {"ref": part.row.ref, "opd": usulan.opd_tujuan.singkatan, "year": usulan.fiscal_year.year}
            )
        if part.anggaran is not None and part.anggaran < 0:
            raise ValidationError(_("Biaya untuk baris %(ref)s tidak boleh negatif.") % {"ref": part.row.ref})
    if len({p.row.pk for p in allocations}) != len(allocations):
        raise ValidationError(_("Satu baris Renja hanya boleh dipilih sekali."))
    if len(allocations) == 1:
        part = allocations[0]
        if part.anggaran is not None and part.anggaran != total:
            raise ValidationError(
                _(
                    "Biaya untuk satu baris (%(part)s) harus sama dengan biaya yang diterima (%(total)s); "
                    "bagi ke beberapa baris bila perlu."
                )
                % {"part": rupiah(part.anggaran), "total": rupiah(total)}
            )
        return [
            Allocation(
                part.row,
                total if part.anggaran is None else part.anggaran,
                volume if part.volume is None else part.volume,
            )
        ]
    if any(p.anggaran is None for p in allocations):
        raise ValidationError(_("Usulan yang dibagi ke beberapa baris memerlukan biaya untuk tiap baris."))
    shared = sum(p.anggaran for p in allocations)
    if shared != total:
        raise ValidationError(
            _("Jumlah biaya per baris (%(sum)s) harus sama dengan biaya yang diterima (%(total)s).")
            % {"sum": rupiah(shared), "total": rupiah(total)}
        )
    return list(allocations)


@transaction.atomic
def usulan_decide_many(
    *,
    usulan_list: Iterable[Usulan],
    kind: str,
    by: User | None,
    alasan: str = "",
    row: RenjaRow | None = None,
    level: str = Decision.Level.OPD,
) -> int:
    """The same decision for a selection, all or none; an acceptance puts each whole usulan into one row."""
    count = 0
    for usulan in usulan_list:
        allocations = [Allocation(row)] if (row is not None and kind in ACCEPTED) else []
        usulan_decide(usulan=usulan, kind=kind, by=by, alasan=alasan, allocations=allocations, level=level)
        count += 1
    return count
