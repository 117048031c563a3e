"""Stage snapshots and the perubahan report.

A snapshot is the year's whole plan as one JSON document (`plan_document`): every row keyed by its ref with the
fields the regulation's table and the report compare, and the agencies' ceilings. One is kept per stage of a year,
taken when the stage is locked (renja/services/years.py `stage_set_lock`) or on a planner's request, replacing the
stage's earlier one. `plan_changes` compares two documents (two stages, or a stage and the live plan) per agency:
rows added, removed and changed, with the old and new value of every changed field.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.system_actor import current_system_source

from ..models import FiscalYear, Opd, PaguOpd, RenjaRow, StageSnapshot, StageWindow, User
from .audit import audit_log

DOCUMENT_VERSION = 1
LIVE = "saat_ini"  # the live plan, beside the stages, in the report's ?dari= and ?ke=

# The fields of a row a snapshot keeps, besides its agency (opd) and its places (lokasi).
ROW_FIELDS = (
    "kode",
    "nama",
    "rincian",
    "indikator",
    "target",
    "satuan",
    "pagu",
    "target_n1",
    "pagu_n1",
    "sumber_dana",
    "status",
    "indikator_opd",
    "target_opd",
    "satuan_opd",
)
NUMBER_FIELDS = ("target", "target_n1", "target_opd")
# The fields the report compares, in the order it shows them. The status is not among them: every row's status moves
# through the stages, and the report is about what the plan says, not how far it has been agreed.
COMPARED_FIELDS = (
    "opd",
    "kode",
    "nama",
    "rincian",
    "indikator",
    "target",
    "satuan",
    "pagu",
    "target_n1",
    "pagu_n1",
    "lokasi",
    "sumber_dana",
    "indikator_opd",
    "target_opd",
    "satuan_opd",
)


def _number(value: Decimal | None) -> str | None:
    """A target as text without trailing zeros (12.50 → "12.5"), None when empty: JSON keeps it exactly."""
    if value is None:
        return None
    return f"{value.normalize():f}"


def plan_document(fiscal_year: FiscalYear, *, opd_ids: list[int] | None = None) -> dict:
    """The year's plan as one JSON-ready document, in a constant number of queries (four) whatever its size:

    {"version": 1, "rows": {ref: {opd, kode, nama, rincian, indikator, target, satuan, pagu, target_n1, pagu_n1,
    lokasi: [[kode, nama], …] by code, sumber_dana, status, indikator_opd, target_opd, satuan_opd}},
    "pagu_opd": {singkatan: pagu}, "opd": {singkatan: {id, nama, kode_unit}}}"""
    rows_qs = RenjaRow.objects.filter(fiscal_year=fiscal_year)
    opds_qs = Opd.objects.all()
    ceilings_qs = PaguOpd.objects.filter(fiscal_year=fiscal_year)
    places_qs = RenjaRow.lokasi.through.objects.filter(renjarow__fiscal_year=fiscal_year)
    if opd_ids is not None:
        rows_qs = rows_qs.filter(opd_id__in=opd_ids)
        opds_qs = opds_qs.filter(pk__in=opd_ids)
        ceilings_qs = ceilings_qs.filter(opd_id__in=opd_ids)
        places_qs = places_qs.filter(renjarow__opd_id__in=opd_ids)
    places: dict[int, list[list[str]]] = defaultdict(list)
    for row_id, kode, nama in places_qs.values_list("renjarow_id", "wilayah__kode", "wilayah__nama").order_by(
        "renjarow_id", "wilayah__kode"
    ):
        places[row_id].append([kode, nama])
    rows = {}
    for values in rows_qs.order_by("ref").values("pk", "ref", "opd__singkatan", *ROW_FIELDS):
        row = {"opd": values["opd__singkatan"]}
        for field in ROW_FIELDS:
            value = values[field]
            row[field] = _number(value) if field in NUMBER_FIELDS else value
        row["lokasi"] = places.get(values["pk"], [])
        rows[values["ref"]] = row
    agencies = {
        o["singkatan"]: {"id": o["pk"], "nama": o["nama"], "kode_unit": o["kode_unit"]}
        for o in opds_qs.order_by("kode_unit", "singkatan").values("pk", "singkatan", "nama", "kode_unit")
    }
    ceilings = dict(ceilings_qs.order_by("opd__singkatan").values_list("opd__singkatan", "pagu"))
    return {"version": DOCUMENT_VERSION, "rows": rows, "pagu_opd": ceilings, "opd": agencies}


def document_for_opd(document: dict, opd: Opd) -> dict:
    """The part of a document that is one agency's (its rows, its ceiling, itself), by its id or its singkatan."""
    names = {name for name, info in document.get("opd", {}).items() if info.get("id") == opd.pk} | {opd.singkatan}
    return {
        "version": document.get("version", DOCUMENT_VERSION),
        "rows": {ref: row for ref, row in document.get("rows", {}).items() if row.get("opd") in names},
        "pagu_opd": {name: pagu for name, pagu in document.get("pagu_opd", {}).items() if name in names},
        "opd": {name: info for name, info in document.get("opd", {}).items() if name in names},
    }


@transaction.atomic
def stage_snapshot_take(
    *, fiscal_year: FiscalYear, stage: str, by: User | None, at_lock: bool = False
) -> StageSnapshot:
    """Keep the year's plan as it stands now as this stage's snapshot, replacing the stage's earlier one. Once the
    stage's window is locked its snapshot is the plan as the stage closed: only the lock itself takes it
    (`at_lock`, from stage_set_lock); a later request is refused, so the perubahan report keeps its starting point."""
    if stage not in StageWindow.Stage.values:
        raise ValidationError(_("Tahap %(stage)s tidak dikenal.") % {"stage": stage}, code="stage")
    fy = FiscalYear.objects.select_for_update().get(pk=fiscal_year.pk)
    if fy.is_locked:
        raise ValidationError(
            _("Tahun %(year)s dikunci; potret tahapnya tidak dapat diambil ulang.") % {"year": fy.year}, code="locked"
        )
    if not at_lock and StageWindow.objects.filter(fiscal_year=fy, stage=stage, is_locked=True).exists():
        raise ValidationError(
            _("Tahap %(stage)s sudah dikunci; potretnya adalah rencana saat tahap ditutup dan tidak diganti.")
            % {"stage": StageWindow.Stage(stage).label},
            code="stage_locked",
        )
    document = plan_document(fy)
    row_count = len(document["rows"])
    total = sum(row["pagu"] for row in document["rows"].values())
    snapshot, created = StageSnapshot.objects.select_for_update().get_or_create(
        fiscal_year=fy,
        stage=stage,
        defaults={"taken_by": by, "row_count": row_count, "total_pagu": total, "data": document},
    )
    if not created:
        snapshot.taken_at = timezone.now()
        snapshot.taken_by = by
        snapshot.row_count, snapshot.total_pagu, snapshot.data = row_count, total, document
        snapshot.source = current_system_source()
        snapshot.save(update_fields=["taken_at", "taken_by", "source", "row_count", "total_pagu", "data"])
    audit_log(
        obj=fy,
        action="stage_snapshot.taken",
        by=by,
        data={"tahap": stage, "baris": row_count, "pagu": total, "ganti": not created},
    )
    return snapshot


# ---------------------------------------------------------------------------------------------------------------
# The perubahan report


def _lokasi_codes(row: dict) -> list[str]:
    return [place[0] for place in row.get("lokasi", [])]


def _display(field: str, row: dict):
    """A field's value as the report shows it: places by name, a sumber dana by its label, the rest as stored."""
    value = row.get(field)
    if field == "lokasi":
        return "; ".join(place[1] for place in row.get("lokasi", []))
    if field == "sumber_dana" and value in RenjaRow.SumberDana.values:
        return str(RenjaRow.SumberDana(value).label)
    if field in NUMBER_FIELDS and value is not None:
        return Decimal(value)
    return value


def _same(field: str, old: dict, new: dict) -> bool:
    if field == "lokasi":
        return _lokasi_codes(old) == _lokasi_codes(new)
    a, b = old.get(field), new.get(field)
    if field in NUMBER_FIELDS:
        return (Decimal(a) if a is not None else None) == (Decimal(b) if b is not None else None)
    if isinstance(a, str) or isinstance(b, str):
        return (a or "").strip() == (b or "").strip()
    return a == b


def _brief(ref: str, row: dict) -> dict:
    return {
        "ref": ref,
        "kode": row.get("kode", ""),
        "nama": row.get("nama", ""),
        "rincian": row.get("rincian", ""),
        "pagu": row.get("pagu") or 0,
        "target": _display("target", row),
        "satuan": row.get("satuan", ""),
        "lokasi": _display("lokasi", row),
    }


def plan_changes(old: dict, new: dict) -> dict[str, dict]:
    """What changed from one plan document to another, per agency in kode-unit order:

    {singkatan: {"opd": {nama, kode_unit}, "added": [row…], "removed": [row…], "changed": [{ref, kode, nama,
    rincian, fields: {field: (old, new)}}…], "unchanged": n, "pagu_old", "pagu_new", "selisih", "ceiling_old",
    "ceiling_new"}}

    Rows are matched by ref; a row that moved to another agency is listed as changed under its new agency (field
    opd). Every agency with rows or a ceiling on either side has an entry. Pure: reads nothing but its arguments."""
    old_rows, new_rows = old.get("rows", {}), new.get("rows", {})
    agencies = {**old.get("opd", {}), **new.get("opd", {})}
    names = (
        {r.get("opd") for r in old_rows.values()}
        | {r.get("opd") for r in new_rows.values()}
        | set(old.get("pagu_opd", {}))
        | set(new.get("pagu_opd", {}))
    )
    names.discard(None)
    report: dict[str, dict] = {}
    for name in sorted(names, key=lambda n: (agencies.get(n, {}).get("kode_unit") or "~", n)):
        info = agencies.get(name, {})
        report[name] = {
            "opd": {"singkatan": name, "nama": info.get("nama", name), "kode_unit": info.get("kode_unit", "")},
            "added": [],
            "removed": [],
            "changed": [],
            "unchanged": 0,
            "pagu_old": 0,
            "pagu_new": 0,
            "ceiling_old": old.get("pagu_opd", {}).get(name),
            "ceiling_new": new.get("pagu_opd", {}).get(name),
        }
    for ref in sorted(old_rows.keys() | new_rows.keys()):
        before, after = old_rows.get(ref), new_rows.get(ref)
        if before is not None:
            report[before["opd"]]["pagu_old"] += before.get("pagu") or 0
        if after is not None:
            report[after["opd"]]["pagu_new"] += after.get("pagu") or 0
        if before is None:
            report[after["opd"]]["added"].append(_brief(ref, after))
        elif after is None:
            report[before["opd"]]["removed"].append(_brief(ref, before))
        else:
            fields = {
                field: (_display(field, before), _display(field, after))
                for field in COMPARED_FIELDS
                if not _same(field, before, after)
            }
            if fields:
                report[after["opd"]]["changed"].append({**_brief(ref, after), "fields": fields})
            else:
                report[after["opd"]]["unchanged"] += 1
    for section in report.values():
        section["selisih"] = section["pagu_new"] - section["pagu_old"]
        section["has_changes"] = bool(section["added"] or section["removed"] or section["changed"])
    return report
