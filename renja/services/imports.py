"""Import of Renja rows from CSV/XLSX: validate everything, then write all rows or none.

Columns: ref, opd, kode_sub_kegiatan, nama, indikator, target, satuan, pagu, lokasi, sasaran, sumber_dana, keterangan,
sumber_data, desil, target_n1, pagu_n1 (the forecast for the year after, prakiraan maju), prioritas_nasional,
prioritas_daerah, quick_win (ya/tidak), opd_pengampu, opd_pendukung (agencies' singkatan). ref, opd, kode_sub_kegiatan
and pagu are required; an optional column that is absent leaves that field of existing rows as it is, one present but
empty clears it.

A row's official name, indicator and unit are its sub kegiatan's. `nama` is the agency's rincian (empty, or the
official name, means none); `indikator`/`satuan` that differ from the sub kegiatan's are the agency's extra indicator,
with `target` as its target (the official target stays as it is); otherwise `target` is the official target. An
unedited export (`export_cells`) plans no change.
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
from .rows import (
    M2M_FIELDS,
    _display,
    resolve_sub_kegiatan,
    row_data_prepare,
    row_rules_check,
    row_snapshot,
    rows_bulk_create,
    rows_bulk_update,
    same_words,
)
from .staging import import_batch_confirm, import_batch_stage
from .years import ensure_year_editable

ALL_COLUMNS = [
    "ref",
    "opd",
    "kode_sub_kegiatan",
    "nama",
    "pagu",
    "indikator",
    "target",
    "satuan",
    "lokasi",
    "sasaran",
    "sumber_dana",
    "keterangan",
    "sumber_data",
    "desil",
    "target_n1",
    "pagu_n1",
    "prioritas_nasional",
    "prioritas_daerah",
    "quick_win",
    "opd_pengampu",
    "opd_pendukung",
]
# The row's flags as the regulation's table prints them; a cell says yes or no (parse_flag).
FLAG_COLUMNS = ("prioritas_nasional", "prioritas_daerah", "quick_win")
FLAG_WORDS = {"ya": True, "1": True, "true": True, "x": True, "tidak": False, "0": False, "false": False, "": False}
REQUIRED_COLUMNS = ["ref", "opd", "kode_sub_kegiatan", "pagu"]
OPTIONAL_COLUMNS = [c for c in ALL_COLUMNS if c not in REQUIRED_COLUMNS]
# The columns read against the sub kegiatan: the agency's wording and its extra indicator (see `_interpret`).
WORDING_COLUMNS = ("nama", "indikator", "satuan", "target")
# Where a service refusal of a field is shown in the file.
FIELD_COLUMNS = {"indikator_opd": "indikator", "satuan_opd": "satuan", "target_opd": "target", "rincian": "nama"}


@dataclass
class PlannedRow:
    line: int
    ref: str
    opd: Opd
    data: dict[str, Any]
    existing: RenjaRow | None = None
    changes: dict[str, list[str]] = field(default_factory=dict)
    # The file's cells of WORDING_COLUMNS present in it, read against the sub kegiatan once the row is known.
    cells: dict[str, Any] = field(default_factory=dict)

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


def parse_flag(value: Any) -> bool:
    """A yes/no cell: ya/tidak, 1/0, true/false (a spreadsheet's TRUE/FALSE and 1.0 too), x or empty."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    text = str(value if value is not None else "").strip()
    if text.lower() not in FLAG_WORDS:
        raise ValueError(
            _("%(value)s bukan ya atau tidak (isi ya/tidak, 1/0, true/false, atau x/kosong)") % {"value": text[:20]}
        )
    return FLAG_WORDS[text.lower()]


def parse_desil(value: Any) -> int | None:
    """A desil of DTKS/DTSEN: a whole number 1 to 10 (a spreadsheet's 3.0 too); empty means none."""
    text = str(value if value is not None else "").strip()
    if not text:
        return None
    try:
        number = Decimal(text.replace(",", "."))
    except ArithmeticError:
        number = None
    if number is None or not number.is_finite() or number != number.to_integral_value() or not 1 <= number <= 10:
        raise ValueError(_("desil harus bilangan bulat 1 sampai 10, bukan %(value)s") % {"value": text[:20]})
    return int(number)


def has_extra_indicator(row: RenjaRow) -> bool:
    return bool(row.indikator_opd.strip() or row.satuan_opd.strip())


def export_cells(row: RenjaRow) -> dict[str, Any]:
    """What the export writes in WORDING_COLUMNS: `nama` the rincian, or the official name when there is none;
    `indikator`, `satuan`, `target` the agency's extra indicator when the row has one, else the official ones."""
    extra = has_extra_indicator(row)
    return {
        "nama": row.rincian or row.nama,
        "indikator": row.indikator_opd if extra else row.indikator,
        "satuan": row.satuan_opd if extra else row.satuan,
        "target": row.target_opd if extra else row.target,
    }


def _same_cell(column: str, a: Any, b: Any) -> bool:
    if column == "target":
        return a == b  # Decimals or None: 95.5 equals 95.50
    return same_text((a or "").strip(), (b or "").strip())


def _interpret(item: PlannedRow, row: RenjaRow | None) -> None:
    """Turn the file's wording cells into the row's fields, against the sub kegiatan the file names: `nama` into
    the rincian, `indikator`/`satuan`/`target` into the official target or the agency's extra indicator. For an
    existing row, cells that say what an export of it says change nothing; a column the file lacks reads as the
    export would have written it."""
    sub = item.data.get("sub_kegiatan")
    cells = dict(item.cells)
    if sub is None or not cells:
        return
    indicator_columns = [c for c in ("indikator", "satuan", "target") if c in cells]
    if row is not None:
        shown = export_cells(row)
        if "nama" in cells and _same_cell("nama", cells["nama"], shown["nama"]):
            del cells["nama"]
        if all(_same_cell(c, cells[c], shown[c]) for c in indicator_columns):
            indicator_columns = []
        elif any(c in cells for c in ("indikator", "satuan")):
            for column in ("indikator", "satuan", "target"):
                cells.setdefault(column, shown[column])
    data = item.data
    if "nama" in cells:
        data["rincian"] = "" if same_words(cells["nama"], sub.nama) else cells["nama"]
    if not indicator_columns:
        return
    if "indikator" in cells or "satuan" in cells:
        indikator, satuan = cells.get("indikator", ""), cells.get("satuan", "")
        if (not indikator or same_words(indikator, sub.indikator)) and (not satuan or same_words(satuan, sub.satuan)):
            data.update(indikator_opd="", satuan_opd="", target_opd=None)
            if "target" in item.cells:
                data["target"] = cells["target"]
        else:
            data.update(indikator_opd=indikator or sub.indikator, satuan_opd=satuan, target_opd=cells.get("target"))
    elif row is not None and has_extra_indicator(row):
        data["target_opd"] = cells["target"]  # only a target column: the target of the indicator the row shows
    else:
        data["target"] = cells["target"]


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
        self.sumber_data = {"": "", **{v: v for v in RenjaRow.SumberData.values}}
        self.sumber_data.update({str(label).lower(): v for v, label in RenjaRow.SumberData.choices})


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
        .select_related("opd", "sub_kegiatan", "opd_pengampu")  # what the comparison reads
        .prefetch_related(*M2M_FIELDS)
    }
    for item in batch:
        row = existing.get(item.ref)
        _interpret(item, row)
        item.data = row_data_prepare(item.data, row)
        for name, errors in row_rules_check(item.data, row).items():
            for error in errors:
                issues.append(ImportIssue(item.line, FIELD_COLUMNS.get(name, name), " ".join(error.messages)))
        for column, opd in _inactive_agencies_added(item.data, row):
            issues.append(ImportIssue(item.line, column, _("OPD %(opd)s tidak aktif lagi") % {"opd": opd.singkatan}))
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


def _inactive_agencies_added(data: dict[str, Any], row: RenjaRow | None) -> list[tuple[str, Opd]]:
    """The inactive agencies `data` names as lead or supporting agency that the row does not name already (a row
    whose agency was since deactivated exports and re-imports as it is; none is newly chosen, as on the form)."""
    found = []
    lead = data.get("opd_pengampu")
    if lead is not None and not lead.aktif and (row is None or row.opd_pengampu_id != lead.pk):
        found.append(("opd_pengampu", lead))
    if data.get("opd_pendukung"):
        had = {o.pk for o in row.opd_pendukung.all()} if row is not None else set()  # prefetched
        found += [("opd_pendukung", o) for o in data["opd_pendukung"] if not o.aktif and o.pk not in had]
    return found


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
    ref_limit, satuan_limit = (max_length(RenjaRow, f) for f in ("ref", "satuan"))
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

        cells: dict[str, Any] = {}
        if "nama" in present:
            cells["nama"] = str(values.get("nama", "")).strip()

        raw_pagu = values.get("pagu", "")
        if raw_pagu == "":
            err("pagu", _("wajib diisi"))
        else:
            try:
                data["pagu"] = parse_rupiah(raw_pagu)
            except ValueError as exc:
                err("pagu", str(exc))

        if "indikator" in present:
            cells["indikator"] = str(values.get("indikator", "")).strip()
        if "keterangan" in present:
            data["keterangan"] = str(values.get("keterangan", "")).strip()
        if "satuan" in present:
            satuan = str(values.get("satuan", "")).strip()
            if len(satuan) > satuan_limit:
                err("satuan", _("paling banyak %(n)s karakter") % {"n": satuan_limit})
            cells["satuan"] = satuan
        if "target" in present:
            try:
                cells["target"] = parse_decimal(values.get("target"))
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
        if "sumber_data" in present:
            raw = str(values.get("sumber_data", "")).strip().lower()
            if raw in look.sumber_data:
                data["sumber_data"] = look.sumber_data[raw]
            else:
                err(
                    "sumber_data",
                    _("sumber data %(value)s tidak dikenal (pilihan: %(choices)s)")
                    % {"value": raw, "choices": ", ".join(RenjaRow.SumberData.values)},
                )
        if "desil" in present:
            try:
                data["desil"] = parse_desil(values.get("desil"))
            except ValueError as exc:
                err("desil", str(exc))
        if "target_n1" in present:
            try:
                data["target_n1"] = importing.parse_decimal(values.get("target_n1"), RenjaRow, "target_n1")
            except ValueError as exc:
                err("target_n1", str(exc))
        if "pagu_n1" in present:
            raw_pagu_n1 = values.get("pagu_n1")
            try:
                blank = raw_pagu_n1 is None or str(raw_pagu_n1).strip() == ""  # a spreadsheet's 0 is an amount
                data["pagu_n1"] = None if blank else parse_rupiah(raw_pagu_n1)
            except ValueError as exc:
                err("pagu_n1", str(exc))
        for flag in FLAG_COLUMNS:
            if flag in present:
                try:
                    data[flag] = parse_flag(values.get(flag))
                except ValueError as exc:
                    err(flag, str(exc))
        if "opd_pengampu" in present:
            name = str(values.get("opd_pengampu", "") or "").strip()
            lead = look.opds.get(name.lower()) if name else None
            if name and lead is None:
                err("opd_pengampu", _("OPD %(opd)s tidak dikenal (pakai singkatan OPD)") % {"opd": name})
            else:
                data["opd_pengampu"] = None if lead == opd else lead  # the owner leads unless another agency does
        if "opd_pendukung" in present:
            supporting = []
            for name in _split(values.get("opd_pendukung")):
                other = look.opds.get(name.lower())
                if other is None:
                    err("opd_pendukung", _("OPD %(opd)s tidak dikenal (pakai singkatan OPD)") % {"opd": name})
                elif other != opd and other not in supporting:
                    supporting.append(other)
            data["opd_pendukung"] = supporting
        if ref and opd is not None:
            planned.append(PlannedRow(line=line, ref=ref, opd=opd, data=data, cells=cells))
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
