"""Program and kegiatan indicators of an agency for a year (ProgramIndicator): an outcome for a program, an output for
a kegiatan, with target and unit. Written one by one by the agency's officer or a planner, or from a file (all or
nothing); each change audited (`program_indicator.created/changed/deleted`).

A code is a program (U.BB.PP) or kegiatan (U.BB.PP.K.KK) as the agency writes it (the support program's X.XX replaced
by its bidang urusan, as RenjaRow.kode): one the agency's rows of the year use, or one under its bidang urusan."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import importing
from core.formatting import angka
from core.importing import ImportIssue, ImportRejected, IssueCollector, max_length, table_rejected
from core.tabular import TableError, read_table

from .. import permissions
from ..models import FiscalYear, Nomenklatur, Opd, ProgramIndicator, User
from ..selectors import program_codes_used
from .audit import audit_log
from .revision import plan_changed
from .rows import opd_bidang_codes
from .years import year_edit_refusal

COLUMNS = ["opd", "kode", "indikator", "target", "satuan", "target_n1"]
REQUIRED_COLUMNS = ["opd", "kode", "indikator"]
FIELDS = ["indikator", "target", "satuan", "target_n1"]
INDIKATOR_MAX = 1000  # characters: an indicator is a sentence, not a document
LEVELS = {3: Nomenklatur.Level.PROGRAM, 5: Nomenklatur.Level.KEGIATAN}  # segments of the code → level


def resolve_program_code(
    kode: str, opd: Opd, used: Mapping[str, Nomenklatur], *, index: Mapping[str, Nomenklatur] | None = None
) -> tuple[Nomenklatur, str]:
    """The program or kegiatan a code names for an agency, and the code as the agency writes it; ValidationError with
    the reason when it is neither a program nor a kegiatan, unknown, or neither used by the agency's rows nor under
    its bidang urusan."""
    kode = (kode or "").strip()
    if not kode:
        raise ValidationError(_("Kode program/kegiatan wajib diisi."), code="required")
    if kode in used:
        return used[kode], kode
    parts = kode.split(".")
    if len(parts) not in LEVELS:
        raise ValidationError(
            _("Kode %(kode)s bukan kode program (mis. 1.06.04) atau kegiatan (mis. 1.06.04.2.01).")
            % {"kode": kode[:40]},
            code="level",
        )

    def lookup(code: str) -> Nomenklatur | None:
        if index is not None:
            return index.get(code)
        return Nomenklatur.objects.filter(kode=code).first()

    bidang_codes = opd_bidang_codes(opd)
    effective, node = kode, lookup(kode)
    if kode.startswith("X.XX.") and bidang_codes:
        effective = bidang_codes[0] + kode[4:]
    elif node is None and parts[2] == "01":
        node = lookup("X.XX." + ".".join(parts[2:]))  # the support program under the agency's bidang urusan
    if node is None or node.level != LEVELS[len(parts)]:
        raise ValidationError(
            _("Kode %(kode)s tidak ada dalam nomenklatur program/kegiatan.") % {"kode": kode[:40]}, code="unknown"
        )
    if effective in used:
        return used[effective], effective
    if ".".join(effective.split(".")[:2]) not in bidang_codes:
        raise ValidationError(
            _("Kode %(kode)s tidak dipakai baris Renja %(opd)s tahun ini dan bukan bidang urusannya.")
            % {"kode": effective, "opd": opd.singkatan},
            code="not_used",
        )
    if not node.aktif:
        raise ValidationError(
            _("Kode %(kode)s sudah tidak berlaku (%(versi)s).") % {"kode": effective, "versi": node.versi},
            code="inactive",
        )
    return node, effective


def clean_values(values: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """An indicator's fields from typed or file values: (clean data, {field: reason} for each refused one). The
    indicator is required and bounded, targets are numbers ≥ 0 within the column (95,5 or 95.5), the unit bounded."""
    data: dict[str, Any] = {}
    errors: dict[str, str] = {}
    indikator = str(values.get("indikator") or "").strip()
    if not indikator:
        errors["indikator"] = _("wajib diisi")
    elif len(indikator) > INDIKATOR_MAX:
        errors["indikator"] = _("paling banyak %(n)s karakter") % {"n": INDIKATOR_MAX}
    data["indikator"] = indikator
    for field in ("target", "target_n1"):
        value = values.get(field)
        try:
            data[field] = importing.parse_decimal(
                value if not isinstance(value, str) else value.strip(), ProgramIndicator, field
            )
        except ValueError as exc:
            errors[field] = str(exc)
    satuan = str(values.get("satuan") or "").strip()
    limit = max_length(ProgramIndicator, "satuan")
    if len(satuan) > limit:
        errors["satuan"] = _("paling banyak %(n)s karakter") % {"n": limit}
    data["satuan"] = satuan
    return data, errors


def _display(field: str, value: Any) -> str:
    if value is None:
        return ""
    return angka(value) if isinstance(value, Decimal) else str(value)


def _check(fiscal_year: FiscalYear, opd: Opd, by: User | None) -> None:
    if by is not None and not permissions.can_edit_program_indicators(by, opd):
        raise ValidationError(
            _("Anda tidak dapat mengubah indikator program/kegiatan %(opd)s.") % {"opd": opd.singkatan},
            code="forbidden",
        )
    refusal = year_edit_refusal(fiscal_year)
    if refusal:
        raise ValidationError(refusal, code="locked")


def _refuse(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError({field: [reason[:1].upper() + reason[1:] + "."] for field, reason in errors.items()})


def _locked(indicator: ProgramIndicator, version: int | None) -> ProgramIndicator:
    current = (
        ProgramIndicator.objects.select_for_update(of=("self",))
        .select_related("fiscal_year", "opd", "nomenklatur")
        .get(pk=indicator.pk)
    )
    if version is not None and current.version != version:
        raise ValidationError(
            _("Indikator ini sudah diubah orang lain sejak Anda membukanya; muat ulang halaman."), code="conflict"
        )
    return current


@transaction.atomic
def program_indicator_create(
    *, fiscal_year: FiscalYear, opd: Opd, kode: str, data: Mapping[str, Any], by: User | None
) -> ProgramIndicator:
    """Add an indicator to a program or kegiatan of the agency (see resolve_program_code)."""
    fy = FiscalYear.objects.get(pk=fiscal_year.pk)
    _check(fy, opd, by)
    plan_changed(fy.pk)  # the year's row first, as every writer of the plan takes it (see revision.py)
    clean, errors = clean_values(data)
    try:
        node, kode = resolve_program_code(kode, opd, program_codes_used(fy, opd))
    except ValidationError as exc:
        errors["kode"] = " ".join(exc.messages).rstrip(".")
    _refuse(errors)
    indicator = ProgramIndicator.objects.create(
        fiscal_year=fy, opd=opd, nomenklatur=node, kode=kode, updated_by=by, **clean
    )
    audit_log(
        obj=indicator,
        action="program_indicator.created",
        by=by,
        changes={f: ["", _display(f, clean[f])] for f in FIELDS if clean[f] not in (None, "")},
        data={"tahun": fy.year, "opd": opd.singkatan, "kode": kode},
        version=indicator.version,
    )
    return indicator


@transaction.atomic
def program_indicator_update(
    *, indicator: ProgramIndicator, data: Mapping[str, Any], version: int | None, by: User | None
) -> tuple[ProgramIndicator, dict[str, list[str]]]:
    """Change an indicator's text, targets and unit; refused when it changed since `version`. Returns the indicator
    and its changes ({} when nothing differed: nothing is written)."""
    plan_changed(indicator.fiscal_year_id)  # the year's row before the indicator's (see revision.py)
    current = _locked(indicator, version)
    _check(current.fiscal_year, current.opd, by)
    clean, errors = clean_values(data)
    _refuse(errors)
    changes = {
        f: [_display(f, getattr(current, f)), _display(f, clean[f])]
        for f in FIELDS
        if _display(f, getattr(current, f)) != _display(f, clean[f])
    }
    if not changes:
        return current, {}
    for field in FIELDS:
        setattr(current, field, clean[field])
    current.version += 1
    current.updated_by = by
    current.save(update_fields=[*FIELDS, "version", "updated_by", "updated_at"])
    audit_log(obj=current, action="program_indicator.changed", by=by, changes=changes, version=current.version)
    return current, changes


@transaction.atomic
def program_indicator_delete(*, indicator: ProgramIndicator, version: int | None, by: User | None) -> None:
    """Remove an indicator (its audit entry keeps what it said)."""
    plan_changed(indicator.fiscal_year_id)
    current = _locked(indicator, version)
    _check(current.fiscal_year, current.opd, by)
    audit_log(
        obj=current,
        action="program_indicator.deleted",
        by=by,
        changes={f: [_display(f, getattr(current, f)), ""] for f in FIELDS if getattr(current, f) not in (None, "")},
        data={"tahun": current.fiscal_year.year, "opd": current.opd.singkatan, "kode": current.kode},
        version=current.version,
    )
    current.delete()


def program_indicator_read(*, content: bytes, filename: str) -> list[dict[str, Any]]:
    """The records of a CSV/XLSX indicator file, bounded like every import (ImportRejected otherwise)."""
    try:
        table = read_table(content, filename, max_rows=settings.RENJA_IMPORT_MAX_ROWS)
        missing = [c for c in REQUIRED_COLUMNS if c not in table.header]
        if missing:
            raise ImportRejected(
                [ImportIssue(1, c, _("kolom wajib %(col)s tidak ada di baris judul") % {"col": c}) for c in missing]
            )
        records, problems = [], []
        for line, values, cell_problems in table.rows:
            problems += [ImportIssue(line, column, message) for column, message in cell_problems]
            records.append({"line": line, **{c: values.get(c) for c in COLUMNS}})
    except TableError as exc:
        raise table_rejected(exc) from exc
    if problems:
        raise ImportRejected(problems)
    return records


def _same_text(text: str) -> str:
    return " ".join(text.split()).lower()


@transaction.atomic
def program_indicator_import(
    *, fiscal_year: FiscalYear, rows: Iterable[Mapping[str, Any]], by: User | None, source: str = ""
) -> dict[str, int]:
    """Import indicators, all or nothing: for each agency and code in the file, its indicators become the file's
    (one with the same wording is updated, one the file no longer has is removed). Every problem is listed with its
    row and column: an unknown agency or one the user does not act for, a code the agency does not use, an indicator
    twice, a wrong number. Returns {"baru", "berubah", "sama", "dihapus"}."""
    fy = FiscalYear.objects.select_for_update().get(pk=fiscal_year.pk)
    refusal = year_edit_refusal(fy)
    if refusal:
        raise ValidationError(refusal, code="locked")
    opds = {o.singkatan.lower(): o for o in Opd.objects.prefetch_related("bidang_urusan")}
    index = {
        n.kode: n
        for n in Nomenklatur.objects.filter(level__in=list(LEVELS.values())).only("kode", "level", "aktif", "versi")
    }
    used_by: dict[int, dict[str, Nomenklatur]] = {}
    issues = IssueCollector(rank=lambda column: COLUMNS.index(column) if column in COLUMNS else 99)
    seen: dict[tuple[int, str, str], int] = {}
    planned: list[tuple[Opd, Nomenklatur, str, dict[str, Any]]] = []
    count = 0
    for record in rows:
        count += 1
        line = record["line"]
        name = str(record.get("opd") or "").strip()
        opd = opds.get(name.lower()) if name else None
        if not name:
            issues.append(ImportIssue(line, "opd", _("wajib diisi")))
        elif opd is None:
            issues.append(
                ImportIssue(line, "opd", _("OPD %(opd)s tidak dikenal (pakai singkatan OPD)") % {"opd": name[:60]})
            )
        elif by is not None and not permissions.can_edit_program_indicators(by, opd):
            issues.append(
                ImportIssue(line, "opd", _("Anda tidak dapat mengubah indikator %(opd)s") % {"opd": opd.singkatan})
            )
            opd = None
        node = kode = None
        if opd is not None:
            if opd.pk not in used_by:
                used_by[opd.pk] = program_codes_used(fy, opd)
            try:
                node, kode = resolve_program_code(str(record.get("kode") or ""), opd, used_by[opd.pk], index=index)
            except ValidationError as exc:
                issues.append(ImportIssue(line, "kode", " ".join(exc.messages).rstrip(".")))
        clean, errors = clean_values(record)
        for field in FIELDS:
            if field in errors:
                issues.append(ImportIssue(line, field, errors[field]))
        if node is not None and not errors:
            key = (opd.pk, kode, _same_text(clean["indikator"]))
            if key in seen:
                issues.append(
                    ImportIssue(
                        line, "indikator", _("indikator ganda: sudah ada di baris %(other)s") % {"other": seen[key]}
                    )
                )
            else:
                seen[key] = line
                planned.append((opd, node, kode, clean))
    if count == 0:
        raise ImportRejected([ImportIssue(0, "", _("Berkas tidak berisi baris data."))])
    if issues:
        raise issues.rejected()

    summary = {"baru": 0, "berubah": 0, "sama": 0, "dihapus": 0}
    codes = {(opd.pk, kode) for opd, _n, kode, _c in planned}
    existing: dict[tuple[int, str, str], ProgramIndicator] = {}
    for indicator in (
        ProgramIndicator.objects.select_for_update(of=("self",))
        .select_related("opd")
        .filter(fiscal_year=fy, opd_id__in={opd_id for opd_id, _k in codes})
    ):
        if (indicator.opd_id, indicator.kode) in codes:
            existing[(indicator.opd_id, indicator.kode, _same_text(indicator.indikator))] = indicator
    for opd, node, kode, clean in planned:
        current = existing.pop((opd.pk, kode, _same_text(clean["indikator"])), None)
        if current is None:
            indicator = ProgramIndicator.objects.create(
                fiscal_year=fy, opd=opd, nomenklatur=node, kode=kode, updated_by=by, **clean
            )
            changes = {f: ["", _display(f, clean[f])] for f in FIELDS if clean[f] not in (None, "")}
            audit_log(obj=indicator, action="program_indicator.created", by=by, changes=changes, version=1)
            summary["baru"] += 1
            continue
        changes = {
            f: [_display(f, getattr(current, f)), _display(f, clean[f])]
            for f in FIELDS
            if _display(f, getattr(current, f)) != _display(f, clean[f])
        }
        if not changes:
            summary["sama"] += 1
            continue
        for field in FIELDS:
            setattr(current, field, clean[field])
        current.version += 1
        current.updated_by = by
        current.save(update_fields=[*FIELDS, "version", "updated_by", "updated_at"])
        audit_log(obj=current, action="program_indicator.changed", by=by, changes=changes, version=current.version)
        summary["berubah"] += 1
    for gone in existing.values():
        audit_log(
            obj=gone,
            action="program_indicator.deleted",
            by=by,
            changes={f: [_display(f, getattr(gone, f)), ""] for f in FIELDS if getattr(gone, f) not in (None, "")},
            version=gone.version,
        )
        gone.delete()
        summary["dihapus"] += 1
    if summary["baru"] or summary["berubah"] or summary["dihapus"]:
        plan_changed(fy.pk)
    audit_log(obj=fy, action="program_indicator.imported", by=by, data={"source": source, **summary})
    return summary


def program_indicator_import_file(
    *, content: bytes, filename: str, fiscal_year: FiscalYear, by: User | None
) -> dict[str, int]:
    """Read and import a whole indicator file in one transaction (the management command's path)."""
    return program_indicator_import(
        fiscal_year=fiscal_year, rows=program_indicator_read(content=content, filename=filename), by=by, source=filename
    )
