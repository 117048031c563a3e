"""Many steps at once (imports): routings and decisions of many usulan of one year in a handful of queries, under
the same rules as one at a time."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from renja.models import FiscalYear, Opd, RenjaRow, User
from renja.services.revision import plan_changed

from .. import decisions as decisions_table
from ..models import Decision, Pickup, Usulan
from . import deciding
from .deciding import Allocation, _audit_cross_agency_merge
from .inbox import routing_mail_send
from .levels import _check_level, level_step_fields
from .routing import _route_refusal
from .trail import _ensure_open, status_from_trail


@dataclass
class Step:
    """One entry to put on an usulan's trail: a routing (kind diteruskan, opd) or a decision."""

    kind: str
    opd: Opd | None = None
    alasan: str = ""
    volume: Decimal | None = None
    anggaran: int | None = None
    allocations: Sequence[Allocation] = ()
    merge_usulan: Usulan | None = None
    merge_row: RenjaRow | None = None
    level: str = Decision.Level.OPD
    prioritas: int | None = None  # the kecamatan's rank (a step at the kecamatan)


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
    plan_changed(fiscal_year.pk)
    ids = [u.pk for u, steps in items if steps]
    locked = {}
    for start in range(0, len(ids), 900):
        for u in (
            Usulan.objects.select_for_update(of=("self",))
            .select_related("fiscal_year", "opd_tujuan", "opd_awal")
            .filter(pk__in=ids[start : start + 900])
        ):
            locked[u.pk] = u
    active: dict[int, list[Pickup]] = {}
    for pick in Pickup.objects.filter(usulan_id__in=ids, dibatalkan_oleh__isnull=True):
        active.setdefault(pick.usulan_id, []).append(pick)
    # The level (and reason) of the last step, for the usulan that take a Musrenbang-level step (kept in the cycle's
    # order) and those a level stopped (named when a routing is refused).
    leveled = [
        u.pk
        for u, steps in items
        if any(s.kind in decisions_table.MUSRENBANG_KINDS for s in steps)
        or (steps and locked[u.pk].status in decisions_table.STOPS)
    ]
    last_level: dict[int, str] = {}
    last_reason: dict[int, str] = {}
    for start in range(0, len(leveled), 900):
        for usulan_id, level, alasan in (
            Decision.objects.filter(usulan_id__in=leveled[start : start + 900])
            .order_by("usulan_id", "at", "id")
            .values_list("usulan_id", "level", "alasan")
        ):
            last_level[usulan_id], last_reason[usulan_id] = level, alasan
    decisions: list[Decision] = []
    new_picks: list[tuple[Pickup, Decision]] = []
    cancelled: list[tuple[Pickup, Decision]] = []
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
                if step.kind == Decision.Kind.DITERUSKAN:
                    _route_refusal(usulan, stopped_at=last_level.get(usulan.pk), reason=last_reason.get(usulan.pk, ""))
                    if usulan.opd_tujuan_id == step.opd.pk and usulan.status == Usulan.Status.DITERUSKAN:
                        continue
                    usulan.opd_awal = usulan.opd_awal or step.opd
                    usulan.opd_tujuan = step.opd
                    routed.setdefault(step.opd.pk, []).append(usulan.pk)
                    decision = Decision(
                        usulan=usulan, level=Decision.Level.BAPPEDA, kind=step.kind, opd=step.opd, by=by
                    )
                    parts: list[Allocation] = []
                elif step.kind in decisions_table.MUSRENBANG_KINDS:
                    fields = level_step_fields(
                        usulan,
                        level=step.level,
                        kind=step.kind,
                        alasan=step.alasan,
                        prioritas=step.prioritas,
                        previous_level=last_level.get(usulan.pk),
                    )
                    decision = Decision(usulan=usulan, level=step.level, kind=step.kind, by=by, **fields)
                    parts = []
                else:
                    fields, parts = deciding._decision_fields(
                        usulan,
                        kind=step.kind,
                        by=by,
                        alasan=step.alasan,
                        volume=step.volume,
                        anggaran=step.anggaran,
                        allocations=step.allocations,
                        merge_usulan=step.merge_usulan,
                        merge_row=step.merge_row,
                    )
                    _check_level(step.kind, step.level)
                    decision = Decision(usulan=usulan, level=step.level, kind=step.kind, by=by, **fields)
            except ValidationError as exc:
                raise StepRefused(exc, position=position, step=number) from exc
            decisions.append(decision)
            cancelled += [(pick, decision) for pick in active.pop(usulan.pk, [])]
            picks = [Pickup(usulan=usulan, renja_row=p.row, volume=p.volume, anggaran=p.anggaran, by=by) for p in parts]
            new_picks += [(pick, decision) for pick in picks]
            if picks:
                active[usulan.pk] = picks
            usulan.status = status_from_trail([decision])
            last_level[usulan.pk], last_reason[usulan.pk] = decision.level, decision.alasan
            usulan.digabung_ke_id = decision.digabung_ke_usulan_id
            touched[usulan.pk] = usulan
    Decision.objects.bulk_create(decisions, batch_size=500)
    for decision in decisions:
        if decision.digabung_ke_renja_id is not None:
            _audit_cross_agency_merge(decision.usulan, decision, by)
    for pick, decision in new_picks:
        pick.decision = decision
    for pick, decision in cancelled:
        pick.dibatalkan_oleh = decision  # a pick-up made earlier in this batch is saved already ended
    ended_before = [pick for pick, _d in cancelled if pick.pk is not None]  # those already in the database
    # Ended first: a new pick-up of the same row (TAPD accepting what the agency accepted) is then the only active one.
    Pickup.objects.bulk_update(ended_before, ["dibatalkan_oleh"], batch_size=500)
    Pickup.objects.bulk_create([pick for pick, _d in new_picks], batch_size=500)
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
