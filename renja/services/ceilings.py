"""The pagu indikatif of each agency for a year (PaguOpd): the ceiling Bappeda sets, one by one or from a file.

The sum of an agency's rows is held against it by `renja.selectors.ceiling_status`; nothing here reads the rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.formatting import rupiah
from core.importing import ImportIssue, ImportRejected, IssueCollector, integer_range, parse_rupiah, table_rejected
from core.tabular import TableError, read_table

from .. import permissions
from ..models import FiscalYear, Opd, PaguOpd, User
from .audit import audit_log
from .revision import plan_changed
from .years import year_edit_refusal

COLUMNS = ["opd", "pagu_indikatif"]
PAGU_MAX = integer_range(PaguOpd, "pagu")[1]


def _check_allowed(fiscal_year: FiscalYear, by: User | None) -> None:
    """Refuse a user who may not set ceilings (a system process may), and a locked year."""
    if by is not None and not permissions.can_set_ceilings(by):
        raise ValidationError(_("Hanya Bappeda yang dapat menetapkan pagu indikatif OPD."), code="forbidden")
    refusal = year_edit_refusal(fiscal_year)
    if refusal:
        raise ValidationError(refusal, code="locked")


def _checked_pagu(pagu: Any) -> int:
    """The amount as whole Rupiah within the column (a number or Indonesian text: 1.250.000.000, 1,25 M)."""
    try:
        return parse_rupiah(pagu, maximum=PAGU_MAX)
    except ValueError as exc:
        raise ValidationError(_("Pagu indikatif %(reason)s.") % {"reason": exc}, code="invalid") from exc


def _write(
    *, fiscal_year: FiscalYear, opd: Opd, current: PaguOpd | None, pagu: int, by: User | None, source: str = ""
) -> PaguOpd | None:
    """Create or change one ceiling with its audit entry; None when the amount is already the one set."""
    if current is None:
        current = PaguOpd.objects.create(fiscal_year=fiscal_year, opd=opd, pagu=pagu, updated_by=by)
        old = ""
    elif current.pagu == pagu:
        return None
    else:
        old = rupiah(current.pagu)
        current.pagu, current.version, current.updated_by = pagu, current.version + 1, by
        current.save(update_fields=["pagu", "version", "updated_by", "updated_at"])
    audit_log(
        obj=current,
        action="pagu_opd.set",
        by=by,
        changes={"pagu": [old, rupiah(pagu)]},
        data={"tahun": fiscal_year.year, "opd": opd.singkatan, **({"source": source} if source else {})},
        version=current.version,
    )
    return current


@transaction.atomic
def pagu_opd_set(
    *, fiscal_year: FiscalYear, opd: Opd, pagu: int | str, version: int | None = None, by: User | None
) -> PaguOpd:
    """Set an agency's pagu indikatif for a year. `version` is the ceiling's version the editor saw (0: none was set
    yet); a ceiling changed since then is refused (code "conflict"). Refused for anyone but a planner, in a locked
    year, and for an amount that is negative or beyond the column."""
    fy = FiscalYear.objects.select_for_update().get(pk=fiscal_year.pk)  # one writer of a year's ceilings at a time
    _check_allowed(fy, by)
    amount = _checked_pagu(pagu)
    current = PaguOpd.objects.select_for_update().filter(fiscal_year=fy, opd=opd).first()
    if version is not None and (current.version if current else 0) != version:
        raise ValidationError(
            _("Pagu indikatif %(opd)s sudah diubah orang lain sejak Anda membukanya; muat ulang halaman.")
            % {"opd": opd.singkatan},
            code="conflict",
        )
    written = _write(fiscal_year=fy, opd=opd, current=current, pagu=amount, by=by)
    if written is not None:
        plan_changed(fy.pk)  # the Renja document and the stage snapshots print the ceilings
    return written or current


def pagu_opd_check(*, rows: Iterable[Mapping[str, Any]]) -> list[tuple[Opd, int]]:
    """Check the records of a ceiling file ({"line", "opd", "pagu_indikatif"}; line is the file's row number) and
    return (agency, amount) per record; raise ImportRejected listing every problem with its row and column: an
    unknown agency, an agency twice in the file, a missing or wrong amount, an empty file."""
    opds = {o.singkatan.lower(): o for o in Opd.objects.all()}
    issues = IssueCollector(rank=lambda column: COLUMNS.index(column) if column in COLUMNS else 99)
    seen: dict[int, int] = {}
    checked: list[tuple[Opd, int]] = []
    count = 0
    for record in rows:
        count += 1
        line = record["line"]
        name = str(record.get("opd") or "").strip()
        opd = None
        if not name:
            issues.append(ImportIssue(line, "opd", _("wajib diisi")))
        else:
            opd = opds.get(name.lower())
            if opd is None:
                issues.append(
                    ImportIssue(line, "opd", _("OPD %(opd)s tidak dikenal (pakai singkatan OPD)") % {"opd": name[:60]})
                )
            elif opd.pk in seen:
                issues.append(
                    ImportIssue(
                        line,
                        "opd",
                        _("OPD %(opd)s ganda: sudah ada di baris %(other)s")
                        % {"opd": opd.singkatan, "other": seen[opd.pk]},
                    )
                )
                opd = None
            else:
                seen[opd.pk] = line
        raw = record.get("pagu_indikatif")
        amount = None
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            issues.append(ImportIssue(line, "pagu_indikatif", _("wajib diisi")))
        else:
            try:
                amount = parse_rupiah(raw, maximum=PAGU_MAX)
            except ValueError as exc:
                issues.append(ImportIssue(line, "pagu_indikatif", str(exc)))
        if opd is not None and amount is not None:
            checked.append((opd, amount))
    if count == 0:
        raise ImportRejected([ImportIssue(0, "", _("Berkas tidak berisi baris data."))])
    if issues:
        raise issues.rejected()
    return checked


def pagu_opd_read(*, content: bytes, filename: str) -> list[dict[str, Any]]:
    """The records of a CSV/XLSX ceiling file (columns opd, pagu_indikatif), bounded like every import; raise
    ImportRejected for an unreadable file, a missing column or a cell the database would refuse."""
    try:
        table = read_table(content, filename, max_rows=settings.RENJA_IMPORT_MAX_ROWS)
        missing = [c for c in COLUMNS if c not in table.header]
        if missing:
            raise ImportRejected(
                [ImportIssue(1, c, _("kolom wajib %(col)s tidak ada di baris judul") % {"col": c}) for c in missing]
            )
        records, problems = [], []
        for line, values, cell_problems in table.rows:
            problems += [ImportIssue(line, column, message) for column, message in cell_problems]
            records.append({"line": line, "opd": values.get("opd"), "pagu_indikatif": values.get("pagu_indikatif")})
    except TableError as exc:
        raise table_rejected(exc) from exc
    if problems:
        raise ImportRejected(problems)
    return records


@transaction.atomic
def pagu_opd_import(
    *, fiscal_year: FiscalYear, rows: Iterable[Mapping[str, Any]], by: User | None, source: str = ""
) -> dict[str, int]:
    """Set the ceilings of a file's records (see pagu_opd_check), all or none: a single problem writes nothing.
    Returns {"baru", "berubah", "sama"}; each ceiling set gets its own audit entry (`pagu_opd.set`)."""
    fy = FiscalYear.objects.select_for_update().get(pk=fiscal_year.pk)
    _check_allowed(fy, by)
    checked = pagu_opd_check(rows=rows)
    current = {
        c.opd_id: c
        for c in PaguOpd.objects.select_for_update().filter(fiscal_year=fy, opd__in=[opd for opd, _a in checked])
    }
    summary = {"baru": 0, "berubah": 0, "sama": 0}
    for opd, amount in checked:
        before = current.get(opd.pk)
        written = _write(fiscal_year=fy, opd=opd, current=before, pagu=amount, by=by, source=source)
        summary["sama" if written is None else ("baru" if before is None else "berubah")] += 1
    if summary["baru"] or summary["berubah"]:
        plan_changed(fy.pk)
    audit_log(obj=fy, action="pagu_opd.imported", by=by, data={"source": source, **summary})
    return summary


def pagu_opd_import_file(*, content: bytes, filename: str, fiscal_year: FiscalYear, by: User | None) -> dict[str, int]:
    """Read and import a whole ceiling file in one transaction (the management command's path)."""
    return pagu_opd_import(
        fiscal_year=fiscal_year, rows=pagu_opd_read(content=content, filename=filename), by=by, source=filename
    )
