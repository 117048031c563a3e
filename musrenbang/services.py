"""Every write of the musrenbang app: routing, decisions (an immutable trail), pick-ups, carry-over.

An usulan's status is derived from its trail (status_from_trail) and stored by these functions only.
"""

from __future__ import annotations

import datetime
import logging
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.formatting import rupiah
from renja import permissions as rules
from renja import services as renja_services
from renja.models import FiscalYear, Opd, RenjaRow, StageWindow, User

from . import decisions
from .models import InboxMail, InboxVisit, Keputusan, Pengambilan, Usulan

logger = logging.getLogger(__name__)

ACCEPTED = decisions.ACCEPTED
NEEDS_REASON = decisions.AGENCY_NEEDS_REASON
TRACKING_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed from paper


def status_from_trail(trail: Sequence[Keputusan]) -> str:
    """The status an usulan has after these decisions (oldest first): the last one decides; none means baru."""
    if not trail:
        return Usulan.Status.BARU
    return Usulan.Status(trail[-1].keputusan).value


def tracking_code_new() -> str:
    """A public tracking code like USL-7KQ2-M9TD: short, unambiguous, not guessable."""
    body = "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(8))
    return f"USL-{body[:4]}-{body[4:]}"


def decision_refusal(fiscal_year: FiscalYear) -> str | None:
    """Why decisions on this year's usulan cannot be taken now (year or forum stage locked), else None."""
    return renja_services.year_edit_refusal(fiscal_year, StageWindow.Stage.FORUM)


def _ensure_open(fiscal_year: FiscalYear) -> None:
    refusal = decision_refusal(fiscal_year)
    if refusal:
        raise ValidationError(refusal, code="locked")


def _lock(usulan: Usulan) -> Usulan:
    return (
        Usulan.objects.select_for_update(of=("self",))
        .select_related("fiscal_year", "opd_tujuan", "desa")
        .get(pk=usulan.pk)
    )


def _record(usulan: Usulan, *, level: str, jenis: str, by: User | None, **fields) -> Keputusan:
    """Append one decision to the trail, end pick-ups it replaces, and store the derived status."""
    decision = Keputusan.objects.create(usulan=usulan, level=level, keputusan=jenis, by=by, **fields)
    Pengambilan.objects.filter(usulan=usulan, dibatalkan_oleh__isnull=True).exclude(keputusan=decision).update(
        dibatalkan_oleh=decision
    )
    usulan.status = status_from_trail([decision])
    usulan.diputuskan_pada, usulan.digabung_ke_id = decision.at, decision.digabung_ke_usulan_id
    usulan.save(update_fields=["status", "diputuskan_pada", "digabung_ke", "opd_tujuan", "opd_awal", "updated_at"])
    return decision


def suggest_opds(usulan: Usulan) -> list[Opd]:
    """Agencies that handle the usulan's bidang urusan: dinas and badan first, then the rest."""
    if usulan.bidang_urusan_id is None:
        return []
    order = {Opd.Jenis.DINAS: 0, Opd.Jenis.BADAN: 1}
    opds = Opd.objects.filter(bidang_urusan=usulan.bidang_urusan_id, aktif=True)
    return sorted(opds, key=lambda o: (order.get(o.jenis, 2), o.singkatan))


def _route_refusal(usulan: Usulan) -> None:
    """An accepted or merged usulan is settled: it cannot be routed again."""
    if usulan.status in decisions.SETTLED:
        raise ValidationError(
            _("Usulan %(id)s sudah %(status)s; tidak dapat diteruskan lagi.")
            % {"id": usulan.id_usulan, "status": usulan.get_status_display().lower()}
        )


@transaction.atomic
def usulan_route(*, usulan: Usulan, opd: Opd, by: User | None, notify: bool = True) -> Usulan:
    """Route an usulan to an agency (Bappeda). Re-routing a returned or rejected one keeps the old trail.

    Once committed, the agency's officers who asked for it get an e-mail (notify=False: the caller sends one for a
    whole batch)."""
    locked = _lock(usulan)
    _ensure_open(locked.fiscal_year)
    _route_refusal(locked)
    if locked.opd_tujuan_id == opd.pk and locked.status == Usulan.Status.DITERUSKAN:
        return locked
    locked.opd_awal = locked.opd_awal or opd
    locked.opd_tujuan = opd
    _record(locked, level=Keputusan.Level.BAPPEDA, jenis=Keputusan.Jenis.DITERUSKAN, opd=opd, by=by)
    if notify:
        transaction.on_commit(partial(routing_mail_send, opd_id=opd.pk, usulan_ids=[locked.pk]))
    return locked


@transaction.atomic
def usulan_route_many(*, usulan_list: Iterable[Usulan], opd: Opd, by: User | None) -> int:
    """Route a selection to one agency, all or none; one e-mail per officer for the whole selection."""
    routed = []
    for usulan in usulan_list:
        routed.append(usulan_route(usulan=usulan, opd=opd, by=by, notify=False).pk)
    transaction.on_commit(partial(routing_mail_send, opd_id=opd.pk, usulan_ids=routed))
    return len(routed)


@transaction.atomic
def usulan_close(*, usulan: Usulan, by: User | None, alasan: str) -> Usulan:
    """Bappeda closes an usulan no agency picked up this year, with a reason; carry-over takes it to the next year."""
    locked = _lock(usulan)
    _ensure_open(locked.fiscal_year)
    if locked.status in decisions.NOT_CLOSABLE:
        raise ValidationError(
            _("Usulan %(id)s sudah %(status)s; tidak dapat ditutup.")
            % {"id": locked.id_usulan, "status": locked.get_status_display().lower()}
        )
    if not alasan.strip():
        raise ValidationError(_("Alasan menutup usulan wajib diisi."), code="reason")
    _record(locked, level=Keputusan.Level.BAPPEDA, jenis=Keputusan.Jenis.DITUTUP, by=by, alasan=alasan.strip())
    return locked


@transaction.atomic
def usulan_close_many(*, usulan_list: Iterable[Usulan], by: User | None, alasan: str) -> int:
    """Close a selection, all or none."""
    count = 0
    for usulan in usulan_list:
        usulan_close(usulan=usulan, by=by, alasan=alasan)
        count += 1
    return count


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
    keputusan: str,
    by: User | None,
    level: str = Keputusan.Level.OPD,
    alasan: str = "",
    volume: Decimal | None = None,
    anggaran: int | None = None,
    allocations: Sequence[Allocation] = (),
    merge_usulan: Usulan | None = None,
    merge_row: RenjaRow | None = None,
) -> Keputusan:
    """Decide on an usulan routed to an agency, following the rules of each decision.

    diterima / diterima_dengan_perubahan pick it up into one or more of the agency's Renja rows (a split needs the
    cost of each part, adding up to the accepted cost); with changes needs a changed volume or cost; ditolak,
    dikembalikan and digabung need a reason; digabung names the usulan or Renja row it joins.
    """
    locked = _lock(usulan)
    _ensure_open(locked.fiscal_year)
    fields, allocations = _decision_fields(
        locked,
        keputusan=keputusan,
        by=by,
        alasan=alasan,
        volume=volume,
        anggaran=anggaran,
        allocations=allocations,
        merge_usulan=merge_usulan,
        merge_row=merge_row,
    )
    decision = _record(locked, level=level, jenis=keputusan, by=by, **fields)
    _audit_cross_agency_merge(locked, decision, by)
    for part in allocations:
        Pengambilan.objects.create(
            usulan=locked, renja_row=part.row, volume=part.volume, anggaran=part.anggaran, keputusan=decision, by=by
        )
    return decision


def _decision_fields(
    usulan: Usulan,
    *,
    keputusan: str,
    by: User | None,
    alasan: str,
    volume: Decimal | None,
    anggaran: int | None,
    allocations: Sequence[Allocation],
    merge_usulan: Usulan | None,
    merge_row: RenjaRow | None,
) -> tuple[dict, list[Allocation]]:
    """The rules of each decision (no queries): the Keputusan fields to write and the checked pick-ups."""
    _check_decider(usulan, by)
    # Routing and closing are Bappeda's own steps (usulan_route, usulan_close), not an agency's decision.
    if keputusan not in decisions.BY_AGENCY:
        raise ValidationError(_("Keputusan %(k)s tidak dikenal.") % {"k": keputusan})
    alasan = (alasan or "").strip()
    if keputusan in NEEDS_REASON and not alasan:
        raise ValidationError(
            {"alasan": [_("Alasan wajib diisi untuk keputusan %(k)s.") % {"k": decisions.label(keputusan).lower()}]}
        )
    fields: dict = {"opd": usulan.opd_tujuan, "alasan": alasan}
    if keputusan == Keputusan.Jenis.DIGABUNG:
        fields.update(_merge_target(usulan, merge_usulan, merge_row, by))
    checked: list[Allocation] = []
    if keputusan in ACCEPTED:
        if keputusan == Keputusan.Jenis.DITERIMA_DENGAN_PERUBAHAN:
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


def _audit_cross_agency_merge(usulan: Usulan, decision: Keputusan, by: User | None) -> None:
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


@dataclass
class Step:
    """One entry to put on an usulan's trail: a routing (keputusan diteruskan, opd) or a decision."""

    keputusan: str
    opd: Opd | None = None
    alasan: str = ""
    volume: Decimal | None = None
    anggaran: int | None = None
    allocations: Sequence[Allocation] = ()
    merge_usulan: Usulan | None = None
    merge_row: RenjaRow | None = None
    level: str = Keputusan.Level.OPD


class StepRefused(ValidationError):
    """A step of usulan_steps_apply broke a rule; `position` and `step` say which."""

    def __init__(self, exc: ValidationError, *, position: int, step: int):
        super().__init__(exc.messages)
        self.position, self.step = position, step


@transaction.atomic
def usulan_steps_apply(
    *,
    fiscal_year: FiscalYear,
    items: Sequence[tuple[Usulan, Sequence[Step]]],
    by: User | None,
    expected: dict[int, tuple[str, int | None]] | None = None,
) -> int:
    """Route and decide many usulan of one year at once (imports): the same rules as usulan_route and usulan_decide,
    a handful of queries in all. All or nothing; a broken rule raises StepRefused naming the item and step.

    `expected` maps an usulan's pk to the (status, opd_tujuan_id) the caller planned from; if a decision was taken in
    the meantime the whole batch is refused rather than building on a state nobody saw."""
    if not any(steps for _u, steps in items):
        return 0
    _ensure_open(fiscal_year)
    ids = [u.pk for u, steps in items if steps]
    locked = {}
    for start in range(0, len(ids), 900):
        for u in (
            Usulan.objects.select_for_update(of=("self",))
            .select_related("fiscal_year", "opd_tujuan", "opd_awal")
            .filter(pk__in=ids[start : start + 900])
        ):
            locked[u.pk] = u
    active: dict[int, list[Pengambilan]] = {}
    for pick in Pengambilan.objects.filter(usulan_id__in=ids, dibatalkan_oleh__isnull=True):
        active.setdefault(pick.usulan_id, []).append(pick)
    decisions: list[Keputusan] = []
    new_picks: list[tuple[Pengambilan, Keputusan]] = []
    cancelled: list[tuple[Pengambilan, Keputusan]] = []
    touched: dict[int, Usulan] = {}
    routed: dict[int, list[int]] = {}  # agency → usulan routed to it here: one e-mail per agency after the commit
    for position, (original, steps) in enumerate(items):
        if not steps:
            continue
        usulan = locked[original.pk]
        if expected and original.pk in expected and expected[original.pk] != (usulan.status, usulan.opd_tujuan_id):
            changed = ValidationError(
                _("Usulan %(id)s diputuskan orang lain sejak berkas diperiksa; impor ulang berkasnya.")
                % {"id": usulan.id_usulan}
            )
            raise StepRefused(changed, position=position, step=0)
        for number, step in enumerate(steps):
            try:
                if step.keputusan == Keputusan.Jenis.DITERUSKAN:
                    _route_refusal(usulan)
                    if usulan.opd_tujuan_id == step.opd.pk and usulan.status == Usulan.Status.DITERUSKAN:
                        continue
                    usulan.opd_awal = usulan.opd_awal or step.opd
                    usulan.opd_tujuan = step.opd
                    routed.setdefault(step.opd.pk, []).append(usulan.pk)
                    decision = Keputusan(
                        usulan=usulan, level=Keputusan.Level.BAPPEDA, keputusan=step.keputusan, opd=step.opd, by=by
                    )
                    parts: list[Allocation] = []
                else:
                    fields, parts = _decision_fields(
                        usulan,
                        keputusan=step.keputusan,
                        by=by,
                        alasan=step.alasan,
                        volume=step.volume,
                        anggaran=step.anggaran,
                        allocations=step.allocations,
                        merge_usulan=step.merge_usulan,
                        merge_row=step.merge_row,
                    )
                    decision = Keputusan(usulan=usulan, level=step.level, keputusan=step.keputusan, by=by, **fields)
            except ValidationError as exc:
                raise StepRefused(exc, position=position, step=number) from exc
            decisions.append(decision)
            cancelled += [(pick, decision) for pick in active.pop(usulan.pk, [])]
            picks = [
                Pengambilan(usulan=usulan, renja_row=p.row, volume=p.volume, anggaran=p.anggaran, by=by) for p in parts
            ]
            new_picks += [(pick, decision) for pick in picks]
            if picks:
                active[usulan.pk] = picks
            usulan.status = status_from_trail([decision])
            usulan.digabung_ke_id = decision.digabung_ke_usulan_id
            touched[usulan.pk] = usulan
    Keputusan.objects.bulk_create(decisions, batch_size=500)
    for decision in decisions:
        if decision.digabung_ke_renja_id is not None:
            _audit_cross_agency_merge(decision.usulan, decision, by)
    for pick, decision in new_picks:
        pick.keputusan = decision
    for pick, decision in cancelled:
        pick.dibatalkan_oleh = decision  # a pick-up made earlier in this batch is saved already ended
    ended_before = [pick for pick, _d in cancelled if pick.pk is not None]  # those already in the database
    Pengambilan.objects.bulk_create([pick for pick, _d in new_picks], batch_size=500)
    Pengambilan.objects.bulk_update(ended_before, ["dibatalkan_oleh"], batch_size=500)
    # One UPDATE per distinct outcome (a few dozen), not a CASE per row: bulk_update is slow at thousands of rows.
    groups: dict[tuple, list[int]] = {}
    for usulan in touched.values():
        groups.setdefault((usulan.status, usulan.opd_tujuan_id, usulan.opd_awal_id, usulan.digabung_ke_id), []).append(
            usulan.pk
        )
    now = timezone.now()
    for (status, tujuan, awal, gabung), pks in groups.items():
        for start in range(0, len(pks), 900):
            Usulan.objects.filter(pk__in=pks[start : start + 900]).update(
                status=status,
                opd_tujuan_id=tujuan,
                opd_awal_id=awal,
                digabung_ke_id=gabung,
                diputuskan_pada=now,
                updated_at=now,
            )
    for opd_id, pks in routed.items():
        transaction.on_commit(partial(routing_mail_send, opd_id=opd_id, usulan_ids=pks))
    return len(decisions)


@transaction.atomic
def usulan_decide_many(
    *,
    usulan_list: Iterable[Usulan],
    keputusan: str,
    by: User | None,
    alasan: str = "",
    row: RenjaRow | None = None,
    level: str = Keputusan.Level.OPD,
) -> int:
    """The same decision for a selection, all or none; an acceptance puts each whole usulan into one row."""
    count = 0
    for usulan in usulan_list:
        allocations = [Allocation(row)] if (row is not None and keputusan in ACCEPTED) else []
        usulan_decide(usulan=usulan, keputusan=keputusan, by=by, alasan=alasan, allocations=allocations, level=level)
        count += 1
    return count


@transaction.atomic
def renja_row_from_usulan(*, usulan: Usulan, ref: str, kode_sub_kegiatan: str, by: User | None) -> Keputusan:
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
            "nama": locked.usulan[:500],
            "keterangan": locked.uraian or locked.permasalahan,
            "target": locked.volume,
            "satuan": locked.satuan,
            "pagu": locked.anggaran,
            "lokasi": [locked.desa],
            "sasaran": list(locked.sasaran.all()),
        },
    )
    return usulan_decide(usulan=locked, keputusan=Keputusan.Jenis.DITERIMA, by=by, allocations=[Allocation(row)])


def picked_up_total(usulan: Usulan) -> int:
    """Cost of an usulan currently picked up into Renja rows."""
    return usulan.pengambilan.filter(dibatalkan_oleh__isnull=True).aggregate(s=Sum("anggaran"))["s"] or 0


NOT_ACCOMMODATED = list(decisions.NOT_ACCOMMODATED)


@transaction.atomic
def usulan_carry_over(*, from_year: FiscalYear, to_year: FiscalYear, by: User | None) -> int:
    """Carry every usulan of a year that was not accommodated into the next year, linked to its original.

    Running it again carries nothing twice. The copies start undecided, with a new tracking code.
    """
    if to_year.year <= from_year.year:
        raise ValidationError(_("Tahun tujuan harus setelah tahun asal."))
    renja_services.ensure_year_editable(to_year)
    already = set(Usulan.objects.filter(fiscal_year=to_year, asal__isnull=False).values_list("asal_id", flat=True))
    taken_ids = set(Usulan.objects.filter(fiscal_year=to_year).values_list("id_usulan", flat=True))
    originals = (
        Usulan.objects.filter(fiscal_year=from_year, status__in=NOT_ACCOMMODATED)
        .exclude(pk__in=already)
        .prefetch_related("sasaran")
        .order_by("pk")
    )
    copies, skipped = [], []
    copy_fields = [
        "sumber",
        "pengusul",
        "anggota_dprd",
        "fraksi",
        "desa_id",
        "alamat",
        "latitude",
        "longitude",
        "permasalahan",
        "usulan",
        "uraian",
        "bidang_urusan_id",
        "jenis",
        "volume",
        "satuan",
        "harga_satuan",
        "anggaran",
        "prioritas",
    ]
    for original in originals:
        if original.id_usulan in taken_ids:
            skipped.append(original.id_usulan)
            continue
        copy = Usulan(
            fiscal_year=to_year,
            id_usulan=original.id_usulan,
            asal=original,
            kode_lacak=tracking_code_new(),
            **{f: getattr(original, f) for f in copy_fields},
        )
        copy.cari = copy.search_text()
        copies.append((copy, list(original.sasaran.all())))
    Usulan.objects.bulk_create([c for c, _s in copies], batch_size=500)
    through = Usulan.sasaran.through
    through.objects.bulk_create(
        [through(usulan_id=c.pk, kelompoksasaran_id=s.pk) for c, groups in copies for s in groups], batch_size=1000
    )
    renja_services.audit_log(
        obj=to_year,
        action="usulan.carried_over",
        by=by,
        data={"dari": from_year.year, "jumlah": len(copies), "dilewati_id_sudah_ada": skipped[:100]},
    )
    return len(copies)


def inbox_visit_record(*, user: User) -> None:
    """Remember when an officer opened their inbox: usulan routed before that are no longer new to them."""
    InboxVisit.objects.update_or_create(user=user, defaults={"seen_at": timezone.now()})


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


# --- E-mail of routed usulan (issue 14): at once or as a daily digest, as each officer chose (InboxMail). The demo
# and development print mails on the console (settings.EMAIL_BACKEND); `manage.py usulan_digest` sends the digest
# (a systemd timer runs it daily, docs/DEPLOY.md).

OPD_PEOPLE = (User.Role.PETUGAS_OPD, User.Role.PEMBACA_OPD)


def inbox_mail_set(*, user: User, mode: str) -> InboxMail:
    """Record how the user wants to hear of usulan routed to their agency."""
    if mode not in InboxMail.Mode.values:
        raise ValidationError(_("Pilihan surel tidak dikenal."))
    setting, _created = InboxMail.objects.update_or_create(user=user, defaults={"mode": mode})
    renja_services.audit_log(obj=setting, action="inbox_mail.set", by=user, data={"mode": mode})
    return setting


def _usulan_mail(items: list[Usulan], opd: Opd, *, intro: str) -> tuple[str, str]:
    lines = [intro, ""]
    lines += [f"- {u.id_usulan} · {u.usulan[:100]} · Desa/Kel. {u.desa.nama}" for u in items[:50]]
    if len(items) > 50:
        lines.append(_("… dan %(n)s usulan lainnya.") % {"n": len(items) - 50})
    lines += [
        "",
        _("Kotak masuk: %(url)s") % {"url": settings.RENJA_SITE_URL.rstrip("/") + reverse("musrenbang:inbox")},
    ]
    subject = _("[Renja] %(n)s usulan diteruskan ke %(opd)s") % {"n": len(items), "opd": opd.singkatan}
    return subject, "\n".join(lines)


def routing_mail_send(*, opd_id: int, usulan_ids: list[int]) -> int:
    """E-mail the agency's people who chose a mail at every routing about these usulan (after the routing's commit;
    a mail server that fails is logged and changes nothing). Returns the number of mails."""
    people = list(
        User.objects.filter(
            opd_id=opd_id, is_active=True, role__in=OPD_PEOPLE, inbox_mail__mode=InboxMail.Mode.SEGERA
        ).exclude(email="")
    )
    if not people or not usulan_ids:
        return 0
    items = list(Usulan.objects.filter(pk__in=usulan_ids).select_related("desa", "opd_tujuan").order_by("id_usulan"))
    opd = Opd.objects.get(pk=opd_id)
    subject, body = _usulan_mail(
        items, opd, intro=_("Usulan berikut baru diteruskan Bappeda ke %(opd)s:") % {"opd": opd.nama}
    )
    try:
        return send_mass_mail([(subject, body, None, [p.email]) for p in people])
    except Exception:  # noqa: BLE001 - the routing is done; a mail server down must not turn it into an error page
        logger.exception("routing mail to %s failed", opd.singkatan)
        return 0


def inbox_digest_send(*, now: datetime.datetime | None = None) -> int:
    """Send each person who chose the daily digest the undecided usulan routed to their agency since their last
    digest (the last day for the first one), and remember when. Returns the number of mails sent."""
    now = now or timezone.now()
    sent = 0
    chosen = (
        InboxMail.objects.filter(
            mode=InboxMail.Mode.HARIAN, user__is_active=True, user__role__in=OPD_PEOPLE, user__opd__isnull=False
        )
        .exclude(user__email="")
        .select_related("user__opd")
    )
    for setting in chosen:
        since = setting.digest_sent_at or now - datetime.timedelta(days=1)
        items = list(
            Usulan.objects.filter(
                opd_tujuan_id=setting.user.opd_id,
                status=Usulan.Status.DITERUSKAN,
                diputuskan_pada__gt=since,
                diputuskan_pada__lte=now,
            )
            .select_related("desa")
            .order_by("diputuskan_pada", "id_usulan")
        )
        if items:
            subject, body = _usulan_mail(
                items,
                setting.user.opd,
                intro=_("Ringkasan harian: usulan yang diteruskan ke %(opd)s dan belum diputuskan:")
                % {"opd": setting.user.opd.nama},
            )
            sent += send_mass_mail([(subject, body, None, [setting.user.email])])
        setting.digest_sent_at = now
        setting.save(update_fields=["digest_sent_at"])
    return sent
