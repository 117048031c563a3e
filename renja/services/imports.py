"""Import of Renja rows from CSV/XLSX: validate everything, then write all rows or none.

Columns: ref, opd, kode_sub_kegiatan, nama, indikator, target, satuan, pagu, lokasi, sasaran, sumber_dana, keterangan.
ref, opd, kode_sub_kegiatan, nama and pagu are required; an optional column that is absent leaves that field of
existing rows as it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import importing
from core.importing import (
    ImportIssue,
    ImportRejected,
    IssueCollector,
    max_length,
    parse_rupiah,
    table_rejected,
)
from core.tabular import Table, TableError, read_table

from .. import permissions
from ..models import FiscalYear, ImportBatch, KelompokSasaran, Nomenklatur, Opd, RenjaRow, User, Wilayah
from .audit import audit_log
from .rows import M2M_FIELDS, _display, resolve_sub_kegiatan, row_snapshot, rows_bulk_create, rows_bulk_update
from .staging import import_batch_confirm, import_batch_stage
from .years import ensure_year_editable

REQUIRED_COLUMNS = ["ref", "opd", "kode_sub_kegiatan", "nama", "pagu"]
OPTIONAL_COLUMNS = ["indikator", "target", "satuan", "lokasi", "sasaran", "sumber_dana", "keterangan"]
ALL_COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS


@dataclass
class PlannedRow:
    line: int
    ref: str
    opd: Opd
    data: dict[str, Any]
    existing: RenjaRow | None = None
    changes: dict[str, list[str]] = field(default_factory=dict)

    @property
    def action(self) -> str:
        if self.existing is None:
            return "baru"
        return "berubah" if self.changes else "sama"


@dataclass
class ImportPlan:
    fiscal_year: FiscalYear
    rows: list[PlannedRow]

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    def summary(self) -> dict[str, int]:
        return {"baru": self.count("baru"), "berubah": self.count("berubah"), "sama": self.count("sama")}


def parse_decimal(value: Any) -> Decimal | None:
    """A target: 95,5 or 95.5 or 1.000.000 or a spreadsheet number, within RenjaRow.target; empty means none."""
    return importing.parse_decimal(value, RenjaRow, "target")


def _split(value: Any) -> list[str]:
    return [part.strip() for part in str(value or "").replace(",", ";").split(";") if part.strip()]


class _Lookups:
    """Everything a file may refer to, loaded once per import."""

    def __init__(self) -> None:
        self.opds = {o.singkatan.lower(): o for o in Opd.objects.prefetch_related("bidang_urusan")}
        self.nomenklatur = {n.kode: n for n in Nomenklatur.objects.all()}
        self.wilayah = {w.kode: w for w in Wilayah.objects.all()}
        self.sasaran = {s.slug: s for s in KelompokSasaran.objects.all()}
        self.sumber = {v: v for v in RenjaRow.SumberDana.values}
        self.sumber.update({str(label).lower(): v for v, label in RenjaRow.SumberDana.choices})


def build_plan(*, content: bytes, filename: str, fiscal_year: FiscalYear, by: User | None) -> ImportPlan:
    """Read and check a whole file against the database; raise ImportRejected listing every problem."""
    try:
        table = read_table(content, filename, max_rows=settings.RENJA_IMPORT_MAX_ROWS)
    except TableError as exc:
        raise table_rejected(exc) from exc
    missing = [c for c in REQUIRED_COLUMNS if c not in table.header]
    if missing:
        raise ImportRejected(
            [ImportIssue(1, c, _("kolom wajib %(col)s tidak ada di baris judul") % {"col": c}) for c in missing]
        )
    present = [c for c in ALL_COLUMNS if c in table.header]

    look = _Lookups()
    officer_opd = None if (by is None or permissions.is_planner(by)) else by.opd
    issues = IssueCollector(rank=lambda column: ALL_COLUMNS.index(column) if column in ALL_COLUMNS else 99)
    planned: list[PlannedRow] = []
    try:
        data_rows = _plan_rows(table, present, look, officer_opd, issues, planned)
    except TableError as exc:
        raise table_rejected(exc) from exc
    if not data_rows:
        raise ImportRejected([ImportIssue(0, "", _("Berkas tidak berisi baris data."))])

    for start in range(
        0, len(planned), 900
    ):  # a batch at a time: a row's prefetched relations are dropped once compared
        _compare_batch(planned[start : start + 900], fiscal_year, officer_opd, issues)

    if issues:
        raise issues.rejected()
    return ImportPlan(fiscal_year=fiscal_year, rows=planned)


def _compare_batch(
    batch: list[PlannedRow], fiscal_year: FiscalYear, officer_opd: Opd | None, issues: IssueCollector
) -> None:
    """Find the rows of `batch` the year already has, and what the file changes in them."""
    existing = {
        r.ref: r
        for r in RenjaRow.objects.filter(fiscal_year=fiscal_year, ref__in=[p.ref for p in batch])
        .select_related("opd", "sub_kegiatan")  # what the comparison reads (no import column is the lead agency)
        .prefetch_related(*M2M_FIELDS)
    }
    for item in batch:
        row = existing.get(item.ref)
        if row is None:
            continue
        item.existing = row
        if officer_opd is not None and row.opd_id != officer_opd.pk:
            issues.append(
                ImportIssue(
                    item.line,
                    "ref",
                    _("ref %(ref)s sudah dipakai baris milik %(opd)s") % {"ref": item.ref, "opd": row.opd.singkatan},
                )
            )
        else:
            fields = [f for f in item.data]
            before = row_snapshot(row, fields)
            after = {f: _display(f, list(v) if f in M2M_FIELDS else v) for f, v in item.data.items()}
            item.changes = {f: [before[f], after[f]] for f in fields if not same_text(before[f], after[f])}
            if (
                item.changes
                and officer_opd is not None
                and row.status in (RenjaRow.Status.DISEPAKATI, RenjaRow.Status.FINAL)
            ):
                issues.append(
                    ImportIssue(
                        item.line,
                        "ref",
                        _("baris %(ref)s berstatus %(status)s; hanya Bappeda yang dapat mengubahnya")
                        % {"ref": item.ref, "status": row.get_status_display()},
                    )
                )
        # Only the row itself is needed from here on (applying locks and reads it again): 20,000 rows with their
        # related objects and prefetched querysets would hold some 200 MB.
        row._prefetched_objects_cache = {}
        row._state.fields_cache = {}


def same_text(before: str, after: str) -> bool:
    """Equal, line endings aside: an XLSX cannot carry a carriage return (its XML reads CR LF back as LF)."""
    return before == after or before.replace("\r\n", "\n") == after.replace("\r\n", "\n")


def _plan_rows(
    table: Table,
    present: list[str],
    look: _Lookups,
    officer_opd: Opd | None,
    issues: IssueCollector,
    planned: list[PlannedRow],
) -> int:
    """Check each row of the file on its own (read one at a time), adding to `planned` and `issues`; returns how many
    data rows the file has."""
    ref_limit, nama_limit, satuan_limit = (max_length(RenjaRow, f) for f in ("ref", "nama", "satuan"))
    seen_refs: dict[str, int] = {}
    data_rows = 0
    for line, values, problems in table.rows:
        data_rows += 1

        def err(column: str, message: str, line: int = line) -> None:
            issues.append(ImportIssue(line, column, message))

        if problems:  # what the database would refuse; the row's other checks would only repeat it
            for column, message in problems:
                err(column, message)
            continue

        ref = str(values.get("ref", "")).strip()
        if not ref:
            err("ref", _("wajib diisi"))
        elif len(ref) > ref_limit:
            err("ref", _("paling banyak %(n)s karakter") % {"n": ref_limit})
        elif ref in seen_refs:
            err("ref", _("ref %(ref)s ganda: sudah ada di baris %(other)s") % {"ref": ref, "other": seen_refs[ref]})
        else:
            seen_refs[ref] = line

        opd = None
        opd_name = str(values.get("opd", "")).strip()
        if not opd_name:
            err("opd", _("wajib diisi"))
        else:
            opd = look.opds.get(opd_name.lower())
            if opd is None:
                err("opd", _("OPD %(opd)s tidak dikenal (pakai singkatan OPD)") % {"opd": opd_name})
            elif officer_opd is not None and opd.pk != officer_opd.pk:
                err(
                    "opd",
                    _("Anda hanya dapat mengimpor baris %(own)s, bukan %(opd)s")
                    % {"own": officer_opd.singkatan, "opd": opd.singkatan},
                )
                opd = None

        data: dict[str, Any] = {}
        if opd is not None:
            data["opd"] = opd
            try:
                data["sub_kegiatan"], data["kode"] = resolve_sub_kegiatan(
                    str(values.get("kode_sub_kegiatan", "")), opd, index=look.nomenklatur
                )
            except ValidationError as exc:
                err("kode_sub_kegiatan", " ".join(exc.messages))

        nama = str(values.get("nama", "")).strip()
        if not nama:
            err("nama", _("wajib diisi"))
        elif len(nama) > nama_limit:
            err("nama", _("paling banyak %(n)s karakter") % {"n": nama_limit})
        data["nama"] = nama

        raw_pagu = values.get("pagu", "")
        if raw_pagu == "":
            err("pagu", _("wajib diisi"))
        else:
            try:
                data["pagu"] = parse_rupiah(raw_pagu)
            except ValueError as exc:
                err("pagu", str(exc))

        for column in ("indikator", "keterangan"):
            if column in present:
                data[column] = str(values.get(column, "")).strip()
        if "satuan" in present:
            satuan = str(values.get("satuan", "")).strip()
            if len(satuan) > satuan_limit:
                err("satuan", _("paling banyak %(n)s karakter") % {"n": satuan_limit})
            data["satuan"] = satuan
        if "target" in present:
            try:
                data["target"] = parse_decimal(values.get("target"))
            except ValueError as exc:
                err("target", str(exc))
        if "lokasi" in present:
            lokasi = []
            for code in _split(values.get("lokasi")):
                wilayah = look.wilayah.get(code)
                if wilayah is None:
                    err("lokasi", _("kode wilayah %(kode)s tidak dikenal") % {"kode": code})
                elif wilayah.tingkat == Wilayah.Tingkat.KABUPATEN:
                    err(
                        "lokasi",
                        _("%(kode)s adalah kabupaten; kosongkan lokasi untuk kegiatan se-kabupaten") % {"kode": code},
                    )
                else:
                    lokasi.append(wilayah)
            data["lokasi"] = lokasi
        if "sasaran" in present:
            sasaran = []
            for slug in _split(values.get("sasaran")):
                item = look.sasaran.get(slug.lower())
                if item is None or not item.aktif:
                    err("sasaran", _("kelompok sasaran %(slug)s tidak dikenal") % {"slug": slug})
                else:
                    sasaran.append(item)
            data["sasaran"] = sasaran
        if "sumber_dana" in present:
            raw = str(values.get("sumber_dana", "")).strip().lower()
            if raw == "":
                data["sumber_dana"] = RenjaRow.SumberDana.APBD_KAB
            elif raw in look.sumber:
                data["sumber_dana"] = look.sumber[raw]
            else:
                err(
                    "sumber_dana",
                    _("sumber dana %(value)s tidak dikenal (pilihan: %(choices)s)")
                    % {"value": raw, "choices": ", ".join(RenjaRow.SumberDana.values)},
                )
        if ref and opd is not None:
            planned.append(PlannedRow(line=line, ref=ref, opd=opd, data=data))
    return data_rows


@transaction.atomic
def plan_apply(*, plan: ImportPlan, by: User | None, source: str) -> dict[str, int]:
    """Write a checked plan: create new rows, update changed ones, leave the same ones untouched."""
    fy = FiscalYear.objects.select_for_update().get(pk=plan.fiscal_year.pk)
    ensure_year_editable(fy)
    rows_bulk_create(fiscal_year=fy, items=[(i.ref, i.data) for i in plan.rows if i.existing is None], by=by)
    rows_bulk_update(
        fiscal_year=fy,
        items=[(i.existing, i.data, i.changes) for i in plan.rows if i.existing is not None and i.changes],
        by=by,
    )
    summary = plan.summary()
    audit_log(obj=fy, action="renja.imported", by=by, data={"source": source, **summary})
    return summary


def renja_import_file(*, content: bytes, filename: str, fiscal_year: FiscalYear, by: User | None) -> dict[str, int]:
    """Check and write a whole file in one transaction (the management command's path)."""
    with transaction.atomic():
        ensure_year_editable(fiscal_year)
        plan = build_plan(content=content, filename=filename, fiscal_year=fiscal_year, by=by)
        return plan_apply(plan=plan, by=by, source=filename)


def renja_import_stage(
    *, content: bytes, filename: str, fiscal_year: FiscalYear, by: User
) -> tuple[ImportBatch, ImportPlan | None, list[ImportIssue]]:
    """Keep an uploaded Renja file for preview; returns it with its plan, or with the problems that reject it."""
    ensure_year_editable(fiscal_year)
    return import_batch_stage(
        kind=ImportBatch.Kind.RENJA,
        content=content,
        filename=filename,
        fiscal_year=fiscal_year,
        by=by,
        check=lambda: build_plan(content=content, filename=filename, fiscal_year=fiscal_year, by=by),
    )


def renja_import_confirm(*, batch: ImportBatch, by: User) -> dict[str, int]:
    """Apply a previewed Renja upload (see staging.import_batch_confirm)."""

    def apply(locked: ImportBatch) -> dict[str, int]:
        plan = build_plan(
            content=bytes(locked.content), filename=locked.filename, fiscal_year=locked.fiscal_year, by=by
        )
        return plan_apply(plan=plan, by=by, source=locked.filename)

    return import_batch_confirm(batch=batch, kind=ImportBatch.Kind.RENJA, by=by, apply=apply)
