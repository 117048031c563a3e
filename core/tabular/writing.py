"""Writing CSV/XLSX exports and import templates: typed columns, rows streamed (iter_csv, iter_xlsx: a download of
any length in constant memory), cells neutralised against formula injection (see cells.safe_cell)."""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from . import xlsx
from .cells import FORMULA_PREFIXES, safe_cell


@dataclass(frozen=True)
class Column:
    """An export column: its header and the kind of its values, which sets how a spreadsheet shows them.

    Kinds: text (as it is), rupiah (whole Rupiah, shown "Rp1.250.000" by an Indonesian Excel), number (a target
    or volume: a plain number), integer (a count), score (a fraction, three decimals in CSV and XLSX alike).
    """

    name: str
    kind: str = "text"


XLSX_FORMATS = {"rupiah": '"Rp"#,##0', "number": "General", "integer": "#,##0", "score": "0.000"}
WIDTH_SAMPLE_ROWS = 500  # rows read ahead to size the columns; the rest are streamed
MIN_WIDTH, MAX_WIDTH = 6, 60
CSV_DELIMITERS = {"titik_koma": ";", "koma": ","}
CSV_FLUSH_ROWS = 500  # rows per piece of a streamed CSV


def as_columns(header: Sequence[str | Column]) -> list[Column]:
    return [c if isinstance(c, Column) else Column(c) for c in header]


# The first characters of a text safe_cell may change: any other text goes out as it is, unexamined.
_RISKY_FIRST = frozenset(FORMULA_PREFIXES) | {"'"}


def csv_value(column: Column, value: object) -> object:
    """A typed export value as CSV text: numbers as the importers read them back (a point before decimals, no
    thousands separators), empty for None."""
    kind = type(value)
    if kind is str:  # most cells: only a text that may look like a formula is examined
        return safe_cell(value) if value[:1] in _RISKY_FIRST else value
    if kind is int:
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, float) and column.kind == "score":
        return f"{value:.3f}"
    return safe_cell(value)


def iter_csv(
    header: Sequence[str | Column],
    rows: Iterable[Sequence[object]],
    *,
    bom: bool = True,
    delimiter: str = ",",
    flush_rows: int = CSV_FLUSH_ROWS,
) -> Iterator[bytes]:
    """write_csv's bytes in pieces of `flush_rows` rows, for a streamed download."""
    columns = as_columns(header)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    if bom:
        buffer.write("\ufeff")
    writer.writerow([c.name for c in columns])
    pending = 0
    for row in rows:
        # A plain text (most cells) goes out as it is without a call: csv_value's first case, inlined for speed.
        writer.writerow(
            [v if type(v) is str and v[:1] not in _RISKY_FIRST else csv_value(c, v) for c, v in zip(columns, row)]
        )
        pending += 1
        if pending >= flush_rows:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    yield buffer.getvalue().encode("utf-8")


def write_csv(
    header: Sequence[str | Column], rows: Iterable[Sequence[object]], *, bom: bool = True, delimiter: str = ","
) -> bytes:
    """UTF-8 CSV, formulas neutralised; with a BOM (so Excel reads it as UTF-8) unless `bom=False`. An Excel set
    to Indonesian splits a CSV on ";" (its list separator), so downloads use it; report files keep ","."""
    return b"".join(iter_csv(header, rows, bom=bom, delimiter=delimiter))


def _xlsx_value(value: object) -> object:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, Decimal):  # 1000.00 as 1000 (normalize() would write 1E+3)
        return int(value) if value == value.to_integral_value() else value
    return safe_cell(value)


def _width(value: object, column: Column) -> int:
    """The characters a value takes in a cell (the longest line; a Rupiah amount with its dots and "Rp")."""
    if value is None or value == "":
        return 0
    if column.kind == "rupiah" and isinstance(value, (int, float, Decimal)):
        return len(f"{int(value):,}") + 3
    text = str(value)
    return max((len(line) for line in text.splitlines()), default=0)


def iter_xlsx(
    header: Sequence[str | Column], rows: Iterable[Sequence[object]], *, title: str = "Data"
) -> Iterator[bytes]:
    """A one-sheet XLSX in pieces as its rows stream (core.tabular.xlsx: constant memory): header bold, frozen and
    filtered, amounts and numbers as numbers with their format, columns as wide as the header and the first
    WIDTH_SAMPLE_ROWS rows need (capped), and formulas neutralised."""
    columns = as_columns(header)
    rows = iter(rows)
    sample = [list(r) for _i, r in zip(range(WIDTH_SAMPLE_ROWS), rows)]
    widths = []
    for i, column in enumerate(columns):
        widest = max([len(column.name) + 2, *(_width(r[i] if i < len(r) else None, column) for r in sample)])
        widths.append(min(max(widest + 1, MIN_WIDTH), MAX_WIDTH))
    values = (
        [v if type(v) is str and v[:1] not in _RISKY_FIRST else _xlsx_value(v) for v in row]
        for row in itertools.chain(sample, rows)
    )
    return xlsx.iter_xlsx([c.name for c in columns], [c.kind for c in columns], values, widths=widths, title=title)


def write_xlsx(header: Sequence[str | Column], rows: Iterable[Sequence[object]], *, title: str = "Data") -> bytes:
    """iter_xlsx's file as bytes."""
    return b"".join(iter_xlsx(header, rows, title=title))


# ---------------------------------------------------------------------------------------------------------------
# Import templates


@dataclass(frozen=True)
class DropDown:
    """A column's drop-down list in an import template. `strict`: Excel refuses other values; otherwise the list
    only helps (a column that takes several values separated by ";")."""

    values: Sequence[str]
    strict: bool = True


@dataclass(frozen=True)
class ReferenceSheet:
    """A read-only sheet in an import template listing codes with their names."""

    title: str
    header: Sequence[str]
    rows: Sequence[Sequence[object]]


TEMPLATE_ROWS = 5000  # data rows the drop-downs and formats cover
LISTS_SHEET = "Pilihan"


def write_template(
    columns: Sequence[str | Column],
    *,
    title: str,
    required: Sequence[str] = (),
    dropdowns: dict[str, DropDown] | None = None,
    hints: dict[str, str] | None = None,
    references: Sequence[ReferenceSheet] = (),
) -> bytes:
    """An XLSX import template: the first sheet has the import's header row (required columns bold), frozen, with
    drop-down lists and input hints on its columns and Rupiah/number formats ready; the lists sit on a hidden sheet
    and the reference sheets (codes with names) follow. The importers read only the first sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    columns = as_columns(columns)
    dropdowns, hints = dropdowns or {}, hints or {}
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    sheet.append([c.name for c in columns])
    for cell, column in zip(sheet[1], columns):
        cell.fill = fill
        if column.name in required:
            cell.font = bold
    sheet.freeze_panes = "A2"
    lists = workbook.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    list_index = 0
    for i, column in enumerate(columns, start=1):
        letter = get_column_letter(i)
        dimension = sheet.column_dimensions[letter]
        dimension.width = min(max(len(column.name) + 4, 12), MAX_WIDTH)
        if column.kind in XLSX_FORMATS:
            dimension.number_format = XLSX_FORMATS[column.kind]
        area = f"{letter}2:{letter}{TEMPLATE_ROWS + 1}"
        dropdown, hint = dropdowns.get(column.name), hints.get(column.name, "")
        if dropdown is not None and dropdown.values:
            list_index += 1
            list_letter = get_column_letter(list_index)
            lists.cell(row=1, column=list_index, value=column.name)
            for r, value in enumerate(dropdown.values, start=2):
                lists.cell(row=r, column=list_index, value=safe_cell(value))
            source = f"{quote_sheetname(LISTS_SHEET)}!${list_letter}$2:${list_letter}${len(dropdown.values) + 1}"
            validation = DataValidation(
                type="list",
                formula1=source,
                allow_blank=True,
                showDropDown=False,
                showErrorMessage=dropdown.strict,
                errorTitle=column.name[:32],
                error=_("Pilih salah satu nilai dari daftar."),
            )
        elif hint:
            validation = DataValidation(allow_blank=True)
        else:
            continue
        if hint:
            validation.showInputMessage = True
            validation.promptTitle, validation.prompt = column.name[:32], hint[:255]
        validation.add(area)
        sheet.add_data_validation(validation)
    for reference in references:
        ref_sheet = workbook.create_sheet(reference.title[:31])
        ref_sheet.append(list(reference.header))
        for cell in ref_sheet[1]:
            cell.font = bold
        widths = [len(str(h)) + 2 for h in reference.header]
        for row in reference.rows:
            ref_sheet.append([safe_cell(v) for v in row])
            widths = [max(w, _width(v, Column(""))) for w, v in zip(widths, row)]
        for i, width in enumerate(widths, start=1):
            ref_sheet.column_dimensions[get_column_letter(i)].width = min(max(width + 1, MIN_WIDTH), MAX_WIDTH)
        ref_sheet.freeze_panes = "A2"
        ref_sheet.auto_filter.ref = f"A1:{get_column_letter(max(len(widths), 1))}{len(reference.rows) + 1}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
