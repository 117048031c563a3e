"""Import of Renja rows from CSV/XLSX: validate everything, then write all rows or none.

Columns: ref, opd, kode_sub_kegiatan, nama, indikator, target, satuan, pagu, lokasi, sasaran, sumber_dana, keterangan.
ref, opd, kode_sub_kegiatan, nama and pagu are required; an optional column that is absent leaves that field of
existing rows as it is.
"""
from __future__ import annotations

import hashlib
import heapq
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.backends.base.operations import BaseDatabaseOperations
from django.utils.translation import gettext as _

from .. import permissions
from ..models import FiscalYear, KelompokSasaran, Nomenklatur, Opd, RenjaImport, RenjaRow, User, Wilayah
from ..tabular import Table, TableError, read_table
from .audit import audit_log
from .rows import M2M_FIELDS, _display, ensure_year_editable, resolve_sub_kegiatan, row_snapshot, rows_bulk_create, rows_bulk_update

REQUIRED_COLUMNS = ["ref", "opd", "kode_sub_kegiatan", "nama", "pagu"]
OPTIONAL_COLUMNS = ["indikator", "target", "satuan", "lokasi", "sasaran", "sumber_dana", "keterangan"]
ALL_COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
THOUSANDS = re.compile(r"^\d{1,3}(\.\d{3})+$")


@dataclass
class ImportIssue:
    row: int  # line in the file (the header is line 1); 0 for the file as a whole
    column: str
    message: str

    def __str__(self) -> str:
        if self.row == 0:
            return self.message
        return _("Baris %(row)s, kolom %(col)s: %(msg)s") % {"row": self.row, "col": self.column or "-", "msg": self.message}


class IssueList(list):
    """The problems shown for a rejected file: the first IMPORT_MAX_ISSUES, then "… dan N masalah lain" when there
    are more; `total` is how many were found."""

    total: int


class ImportRejected(Exception):
    """The file was rejected; nothing was written. `issues` lists the first problems found (see IssueList), `total`
    counts them all."""

    def __init__(self, issues: Sequence[ImportIssue], *, total: int | None = None):
        limit = settings.IMPORT_MAX_ISSUES
        shown = IssueList(issues[:limit])
        shown.total = max(total or 0, len(issues))
        if shown.total > len(shown):
            rest = shown.total - len(shown)
            shown.append(ImportIssue(0, "", _("… dan %(n)s masalah lain.") % {"n": f"{rest:,}".replace(",", ".")}))
        super().__init__("; ".join(str(i) for i in shown[:5]))
        self.issues, self.total = shown, shown.total


class IssueCollector:
    """Collects a file's problems but keeps only the first IMPORT_MAX_ISSUES in (row, column) order, counting the
    rest: a file with a million wrong cells costs no more memory than one with two hundred."""

    def __init__(self, *, rank: Callable[[str], int]):
        self._rank, self._heap, self.total = rank, [], 0  # a max-heap (negated keys) of the smallest keys seen

    def append(self, issue: ImportIssue) -> None:
        self.total += 1
        key = (-issue.row, -self._rank(issue.column), -self.total)
        if len(self._heap) < settings.IMPORT_MAX_ISSUES:
            heapq.heappush(self._heap, (key, issue))
        elif key > self._heap[0][0]:
            heapq.heapreplace(self._heap, (key, issue))

    def __bool__(self) -> bool:
        return self.total > 0

    def __len__(self) -> int:
        return self.total

    def rejected(self) -> ImportRejected:
        """The rejection listing the first problems in (row, column) order and counting them all."""
        return ImportRejected([issue for _key, issue in sorted(self._heap, reverse=True)], total=self.total)


def table_rejected(exc: TableError) -> ImportRejected:
    return ImportRejected([ImportIssue(exc.line, exc.column, exc.message)])


def max_length(model: type[models.Model], name: str) -> int | None:
    """The longest text the database column takes (None: unlimited)."""
    return model._meta.get_field(name).max_length


def integer_range(model: type[models.Model], name: str) -> tuple[int, int]:
    """The smallest and largest integer the column's type takes (bigint: -2^63 … 2^63-1, positive smallint: 0 …
    32767), as PostgreSQL enforces them (SQLite takes any 64-bit integer in every integer column)."""
    return BaseDatabaseOperations.integer_field_ranges[model._meta.get_field(name).get_internal_type()]


def decimal_within(number: Decimal, model: type[models.Model], name: str, *, spreadsheet: bool = False) -> Decimal:
    """`number` if the DecimalField takes it; a spreadsheet's float is rounded to the field's places, a typed number
    with more places is refused. Raises ValueError with the reason in Indonesian."""
    column = model._meta.get_field(name)
    if not number.is_finite():
        raise ValueError(_("bukan angka"))
    whole_digits = column.max_digits - column.decimal_places
    if number != 0 and number.adjusted() >= whole_digits:
        raise ValueError(_("terlalu besar: paling banyak %(n)s angka sebelum koma") % {"n": whole_digits})
    step = Decimal(1).scaleb(-column.decimal_places)
    rounded = number.quantize(step)
    if rounded != number and not spreadsheet:
        raise ValueError(_("paling banyak %(n)s angka di belakang koma") % {"n": column.decimal_places})
    if rounded.adjusted() >= whole_digits:
        raise ValueError(_("terlalu besar: paling banyak %(n)s angka sebelum koma") % {"n": whole_digits})
    return rounded


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


# Indonesian shorthand for amounts: 250 jt, 1,3 M (miliar). A lone "m"/"t" is refused: it could be meters or millions.
RUPIAH_SCALES = {"rb": 3, "ribu": 3, "jt": 6, "juta": 6, "M": 9, "miliar": 9, "milyar": 9, "T": 12, "triliun": 12}
RUPIAH_SHORT = re.compile(r"^(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?([A-Za-z]+)$")


def _rupiah_digits(text: str) -> str | None:
    """The whole-Rupiah digits of '1.250.000', '1250000', '1.250.000,00', '1.250.000,-', '1,3M' or '250jt' (no spaces,
    no sign, no "Rp"); None when it is none of these or is not a whole number of Rupiah."""
    text = re.sub(r",(0{1,2}|-)$", "", text)
    if THOUSANDS.match(text):
        return text.replace(".", "")
    if text.isascii() and text.isdigit():
        return text
    short = RUPIAH_SHORT.match(text)
    if short is None:
        return None
    whole, fraction, unit = short.group(1).replace(".", ""), short.group(2) or "", short.group(3)
    zeros = RUPIAH_SCALES.get(unit if len(unit) == 1 else unit.lower())
    if zeros is None or fraction[zeros:].strip("0"):
        return None
    return whole + fraction[:zeros].ljust(zeros, "0")


def parse_rupiah(value: Any, *, maximum: int | None = None) -> int:
    """Whole Rupiah from '1.250.000.000', '1250000000', 'Rp1.250.000.000', 'Rp1.250.000.000,-', '1,25 M', '250 jt' or a
    spreadsheet number, at most `maximum` (the largest bigint when None). The Renja form's money fields use it too."""
    if maximum is None:
        maximum = integer_range(RenjaRow, "pagu")[1]
    if isinstance(value, bool):
        raise ValueError(_("bukan angka"))
    if isinstance(value, int):
        amount = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise ValueError(_("harus bilangan bulat Rupiah"))
        amount = int(value)
    else:
        text = re.sub(r"\s", "", str(value))
        text = re.sub(r"^(-?)rp\.?", r"\1", text, flags=re.IGNORECASE)
        negative = text.startswith("-")
        digits = _rupiah_digits(text[1:] if negative else text)
        if digits is None:
            raise ValueError(_("%(value)r bukan angka Rupiah (contoh: 1.250.000.000, 1250000000, 1,25 M atau 250 jt)") % {"value": str(value)[:40]})
        if len(digits.lstrip("0")) > len(str(maximum)):
            raise ValueError(_("terlalu besar: paling banyak %(max)s") % {"max": f"{maximum:,}".replace(",", ".")})
        amount = -int(digits) if negative else int(digits)
    if amount < 0:
        raise ValueError(_("tidak boleh negatif"))
    if amount > maximum:
        raise ValueError(_("terlalu besar: paling banyak %(max)s") % {"max": f"{maximum:,}".replace(",", ".")})
    return amount


def parse_decimal(value: Any) -> Decimal | None:
    """A target: 95,5 or 95.5 or 1.000.000 or a spreadsheet number, within RenjaRow.target; empty means none."""
    if value in ("", None):
        return None
    if isinstance(value, bool):
        raise ValueError(_("bukan angka"))
    if isinstance(value, (int, float)):
        number = Decimal(str(value))
        if number.is_finite() and number < 0:
            raise ValueError(_("harus angka tidak negatif"))
        return decimal_within(number, RenjaRow, "target", spreadsheet=isinstance(value, float))
    text = str(value).strip().replace(" ", "")
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    elif THOUSANDS.match(text) and text.count(".") > 1:
        text = text.replace(".", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(_("%(value)r bukan angka") % {"value": str(value)[:40]}) from None
    if not number.is_finite() or number < 0:
        raise ValueError(_("harus angka tidak negatif"))
    return decimal_within(number, RenjaRow, "target")


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

    for start in range(0, len(planned), 900):  # a batch at a time: a row's prefetched relations are dropped once compared
        _compare_batch(planned[start:start + 900], fiscal_year, officer_opd, issues)

    if issues:
        raise issues.rejected()
    return ImportPlan(fiscal_year=fiscal_year, rows=planned)


def _compare_batch(batch: list[PlannedRow], fiscal_year: FiscalYear, officer_opd: Opd | None, issues: IssueCollector) -> None:
    """Find the rows of `batch` the year already has, and what the file changes in them."""
    existing = {
        r.ref: r
        for r in RenjaRow.objects.filter(fiscal_year=fiscal_year, ref__in=[p.ref for p in batch])
        .select_related("opd", "sub_kegiatan", "opd_pengampu", "fiscal_year")
        .prefetch_related(*M2M_FIELDS)
    }
    for item in batch:
        row = existing.get(item.ref)
        if row is None:
            continue
        item.existing = row
        if officer_opd is not None and row.opd_id != officer_opd.pk:
            issues.append(ImportIssue(item.line, "ref", _("ref %(ref)s sudah dipakai baris milik %(opd)s") % {"ref": item.ref, "opd": row.opd.singkatan}))
        else:
            fields = [f for f in item.data]
            before = row_snapshot(row, fields)
            after = {f: _display(f, list(v) if f in M2M_FIELDS else v) for f, v in item.data.items()}
            item.changes = {f: [before[f], after[f]] for f in fields if not same_text(before[f], after[f])}
            if item.changes and officer_opd is not None and row.status in (RenjaRow.Status.DISEPAKATI, RenjaRow.Status.FINAL):
                issues.append(ImportIssue(item.line, "ref", _("baris %(ref)s berstatus %(status)s; hanya Bappeda yang dapat mengubahnya") % {"ref": item.ref, "status": row.get_status_display()}))
        # Only the row itself is needed from here on (applying locks and reads it again): 20,000 rows with their
        # related objects and prefetched querysets would hold some 200 MB.
        row._prefetched_objects_cache = {}
        row._state.fields_cache = {}


def same_text(before: str, after: str) -> bool:
    """Equal, line endings aside: an XLSX cannot carry a carriage return (its XML reads CR LF back as LF)."""
    return before == after or before.replace("\r\n", "\n") == after.replace("\r\n", "\n")


def _plan_rows(table: Table, present: list[str], look: _Lookups, officer_opd: Opd | None, issues: IssueCollector, planned: list[PlannedRow]) -> int:
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
                err("opd", _("Anda hanya dapat mengimpor baris %(own)s, bukan %(opd)s") % {"own": officer_opd.singkatan, "opd": opd.singkatan})
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
                    err("lokasi", _("%(kode)s adalah kabupaten; kosongkan lokasi untuk kegiatan se-kabupaten") % {"kode": code})
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
                err("sumber_dana", _("sumber dana %(value)s tidak dikenal (pilihan: %(choices)s)") % {"value": raw, "choices": ", ".join(RenjaRow.SumberDana.values)})
        if ref and opd is not None:
            planned.append(PlannedRow(line=line, ref=ref, opd=opd, data=data))
    return data_rows


@transaction.atomic
def plan_apply(*, plan: ImportPlan, by: User | None, source: str) -> dict[str, int]:
    """Write a checked plan: create new rows, update changed ones, leave the same ones untouched."""
    fy = FiscalYear.objects.select_for_update().get(pk=plan.fiscal_year.pk)
    ensure_year_editable(fy)
    rows_bulk_create(fiscal_year=fy, items=[(i.ref, i.data) for i in plan.rows if i.existing is None], by=by)
    rows_bulk_update(fiscal_year=fy, items=[(i.existing, i.data, i.changes) for i in plan.rows if i.existing is not None and i.changes], by=by)
    summary = plan.summary()
    audit_log(obj=fy, action="renja.imported", by=by, data={"source": source, **summary})
    return summary


def renja_import_file(*, content: bytes, filename: str, fiscal_year: FiscalYear, by: User | None) -> dict[str, int]:
    """Check and write a whole file in one transaction (the management command's path)."""
    with transaction.atomic():
        ensure_year_editable(fiscal_year)
        plan = build_plan(content=content, filename=filename, fiscal_year=fiscal_year, by=by)
        return plan_apply(plan=plan, by=by, source=filename)


def renja_import_stage(*, content: bytes, filename: str, fiscal_year: FiscalYear, by: User) -> tuple[RenjaImport, ImportPlan | None, list[ImportIssue]]:
    """Keep an uploaded file for preview; returns it with its plan, or with the problems that reject it."""
    ensure_year_editable(fiscal_year)
    batch = RenjaImport.objects.create(
        fiscal_year=fiscal_year,
        filename=filename[:255],
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
        uploaded_by=by,
    )
    try:
        plan = build_plan(content=content, filename=filename, fiscal_year=fiscal_year, by=by)
    except ImportRejected as exc:
        batch.status = RenjaImport.Status.REJECTED
        batch.content = b""
        batch.summary = {"galat": [str(i) for i in exc.issues], "jumlah_galat": exc.total}
        batch.save(update_fields=["status", "content", "summary"])
        return batch, None, exc.issues
    batch.summary = plan.summary()
    batch.save(update_fields=["summary"])
    return batch, plan, []


@transaction.atomic
def renja_import_confirm(*, batch: RenjaImport, by: User) -> dict[str, int]:
    """Apply a previewed upload. The file is checked again: the data may have changed since the preview."""
    batch = RenjaImport.objects.select_for_update().select_related("fiscal_year").get(pk=batch.pk)
    if batch.status != RenjaImport.Status.PREVIEW:
        raise ValidationError(_("Impor ini sudah diproses; unggah ulang berkasnya bila perlu."))
    plan = build_plan(content=bytes(batch.content), filename=batch.filename, fiscal_year=batch.fiscal_year, by=by)
    summary = plan_apply(plan=plan, by=by, source=batch.filename)
    batch.status = RenjaImport.Status.APPLIED
    batch.summary = summary
    batch.save(update_fields=["status", "summary"])
    return summary
