"""Writing a checked plan: new usulan in bulk, changed ones updated in bulk, then the routings and decisions through
the musrenbang services in bulk — all in one transaction, so a refusal anywhere writes nothing."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from core.importing import ImportIssue, ImportRejected
from renja import services as renja_services
from renja.models import AuditLog, FiscalYear, User
from renja.services.revision import plan_changed

from .. import decisions, services
from ..models import Usulan
from .plan import UsulanImportPlan, build_usulan_plan
from .reading import TrailStep


def _tracking_codes(count: int) -> list[str]:
    """`count` new tracking codes, none already taken."""
    codes: set[str] = set()
    while len(codes) < count:
        fresh = {services.tracking_code_new() for _i in range(count - len(codes))} - codes
        taken = set()
        batch = list(fresh)
        for start in range(0, len(batch), 900):
            taken |= set(
                Usulan.objects.filter(kode_lacak__in=batch[start : start + 900]).values_list("kode_lacak", flat=True)
            )
        codes |= fresh - taken
    return list(codes)


def _assign(usulan: Usulan, data: dict[str, Any]) -> None:
    for name, value in data.items():
        if name != "sasaran":
            setattr(usulan, name, value)


def _service_step(step: TrailStep) -> services.Step:
    """The services' form of a trail entry the file describes."""
    if step.kind == decisions.ROUTED:
        return services.Step(kind=step.kind, opd=step.opd)
    if step.kind in decisions.MUSRENBANG_KINDS:
        return services.Step(kind=step.kind, level=step.level, alasan=step.alasan, prioritas=step.prioritas)
    return services.Step(
        kind=step.kind,
        alasan=step.alasan,
        volume=step.volume,
        anggaran=step.anggaran,
        allocations=[services.Allocation(step.row)] if step.kind in decisions.ACCEPTED else [],
        merge_row=step.row if step.kind == decisions.MERGED else None,
        level=step.level,
    )


@transaction.atomic
def usulan_plan_apply(*, plan: UsulanImportPlan, by: User | None, source: str) -> dict[str, int]:
    """Write a plan just checked in the same transaction: create new usulan in bulk, update changed ones, then route
    and decide through the musrenbang services in bulk. A refusal by a service rejects the whole file."""
    fy = FiscalYear.objects.select_for_update().get(pk=plan.fiscal_year.pk)
    plan_changed(fy.pk)
    summary = plan.summary()
    through = Usulan.sasaran.through
    new = [item for item in plan.rows if item.existing is None]
    targets: dict[int, Usulan] = {id(item): item.existing for item in plan.rows if item.existing is not None}
    created = []
    for item, code in zip(new, _tracking_codes(len(new))):
        usulan = Usulan(fiscal_year=fy, id_usulan=item.id_usulan, kode_lacak=code)
        _assign(usulan, item.data)
        usulan.cari = usulan.search_text()
        created.append(usulan)
        targets[id(item)] = usulan
    Usulan.objects.bulk_create(created, batch_size=500)
    links = [
        through(usulan_id=targets[id(i)].pk, kelompoksasaran_id=g.pk) for i in new for g in i.data.get("sasaran") or []
    ]

    changed = [item for item in plan.rows if item.existing is not None and item.changes]
    fields: set[str] = set()
    now = timezone.now()
    for item in changed:
        _assign(item.existing, {k: v for k, v in item.data.items() if k in item.changes})
        item.existing.cari, item.existing.updated_at = item.existing.search_text(), now  # bulk_update skips auto_now
        fields |= set(item.changes) - {"sasaran"}
    if changed:
        Usulan.objects.bulk_update(
            [i.existing for i in changed], sorted(fields | {"cari", "updated_at"}), batch_size=500
        )
    regrouped = [item.existing.pk for item in changed if "sasaran" in item.changes]
    for start in range(0, len(regrouped), 900):
        through.objects.filter(usulan_id__in=regrouped[start : start + 900]).delete()
    links += [
        through(usulan_id=i.existing.pk, kelompoksasaran_id=g.pk)
        for i in changed
        if "sasaran" in i.changes
        for g in i.data["sasaran"]
    ]
    through.objects.bulk_create(links, batch_size=1000)
    content_type = ContentType.objects.get_for_model(Usulan)
    actor = by if (by is not None and by.is_authenticated) else None
    AuditLog.objects.bulk_create(
        [
            AuditLog(
                content_type=content_type,
                object_id=str(i.existing.pk),
                object_repr=str(i.existing)[:255],
                action="usulan.updated",
                by=actor,
                changes=i.changes,
                data={"impor": source},
            )
            for i in changed
        ],
        batch_size=500,
    )

    with_steps = [item for item in plan.rows if item.apply_steps]
    try:
        services.usulan_steps_apply(
            fiscal_year=fy,
            by=by,
            items=[(targets[id(item)], [_service_step(step) for step in item.apply_steps]) for item in with_steps],
            expected={
                i.existing.pk: (i.existing.status, i.existing.opd_tujuan_id)
                for i in with_steps
                if i.existing is not None
            },
        )
    except services.StepRefused as exc:
        item = with_steps[exc.position]
        raise ImportRejected(
            [ImportIssue(item.line, item.apply_steps[exc.step].column, " ".join(exc.messages))]
        ) from exc
    renja_services.audit_log(
        obj=fy, action="usulan.imported", by=by, data={"sumber": source, "format": plan.format, **summary}
    )
    return summary


def usulan_import_file(*, content: bytes, filename: str, fiscal_year: FiscalYear, by: User | None) -> dict[str, int]:
    """Check and write a whole usulan file in one transaction: {"baru", "berubah", "sama", "keputusan"}."""
    with transaction.atomic():
        fiscal_year = FiscalYear.objects.select_for_update().get(pk=fiscal_year.pk)  # one import per year at a time
        plan = build_usulan_plan(content=content, filename=filename, fiscal_year=fiscal_year, by=by)
        return usulan_plan_apply(plan=plan, by=by, source=filename)
