"""Reading uploaded CSV/XLSX tables and writing safe CSV/XLSX exports (shared by every import and export)."""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

XLSX_MAGIC = b"PK\x03\x04"
# Signatures of files that are certainly not a table we read.
BINARY_MAGICS = (b"%PDF", b"\xd0\xcf\x11\xe0", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class TableError(Exception):
    """The file cannot be read as a table at all (its message is for the user, in Indonesian)."""


@dataclass
class Table:
    header: list[str]  # normalised column names
    rows: list[tuple[int, dict[str, object]]]  # (line number in the file, {column: value})


def normalise_header(name: object) -> str:
    text = str(name or "").strip().lower().lstrip("\ufeff")
    return re.sub(r"[^0-9a-z]+", "_", text).strip("_")


def read_table(content: bytes, filename: str = "") -> Table:
    """Read the first sheet of an XLSX file or a UTF-8 CSV file with a header row."""
    if not content:
        raise TableError(_("Berkas kosong."))
    if content.startswith(XLSX_MAGIC):
        return _read_xlsx(content)
    if content.startswith(BINARY_MAGICS) or b"\x00" in content[:4096]:
        raise TableError(_("Berkas %(name)s bukan CSV atau XLSX.") % {"name": filename or _("ini")})
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        raise TableError(
            _("Berkas tidak berenkode UTF-8 (baris %(line)s). Simpan ulang sebagai \"CSV UTF-8\".") % {"line": line}
        ) from exc
    return _read_csv(text)


def _read_csv(text: str) -> Table:
    first_line = text.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        records = list(reader)
    except csv.Error as exc:
        raise TableError(_("Berkas CSV tidak dapat dibaca: %(err)s") % {"err": exc}) from exc
    return _to_table(records)


def _read_xlsx(content: bytes) -> Table:
    from openpyxl import load_workbook  # imported lazily: only imports need it

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise TableError(_("Berkas XLSX rusak atau bukan lembar kerja Excel.")) from exc
    try:
        sheet = workbook.worksheets[0]
        records = [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()
    return _to_table(records)


def _to_table(records: list[Sequence[object]]) -> Table:
    records = [r for r in records if any(_clean(v) != "" for v in r)]
    if not records:
        raise TableError(_("Berkas tidak memiliki baris judul kolom."))
    header = [normalise_header(h) for h in records[0]]
    rows = []
    for number, record in enumerate(records[1:], start=2):
        values = {name: _clean(record[i]) if i < len(record) else "" for i, name in enumerate(header) if name}
        rows.append((number, values))
    return Table(header=header, rows=rows)


def _clean(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    return value


def safe_cell(value: object) -> object:
    """Neutralise spreadsheet formulas in exported text (cells starting with = + - @)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def write_csv(header: Sequence[str], rows: Iterable[Sequence[object]], *, bom: bool = True) -> bytes:
    """UTF-8 CSV, formulas neutralised; with a BOM (so Excel reads it as UTF-8) unless `bom=False`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode("utf-8")


def write_xlsx(header: Sequence[str], rows: Iterable[Sequence[object]], *, title: str = "Data") -> bytes:
    """One-sheet XLSX, header row bold and frozen, formulas neutralised."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for row in rows:
        sheet.append([safe_cell(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
