"""Reading uploaded CSV/XLSX tables and writing safe CSV/XLSX exports (shared by every import and export).

Reading is bounded whatever the file: a file over RENJA_IMPORT_MAX_BYTES, an XLSX whose parts unpack to more than
IMPORT_MAX_UNPACKED_BYTES or with an absurd compression ratio is refused before it is parsed; rows are read one at a
time and reading stops as soon as the caller's row limit is passed; a cell the database would refuse (control
characters, NaN, text over Excel's cell limit) is reported with its row and column.
"""

from __future__ import annotations

import copy
import csv
import io
import itertools
import math
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, NamedTuple

from django.conf import settings
from django.utils.translation import gettext as _

XLSX_MAGIC = b"PK\x03\x04"
# Signatures of files that are certainly not a table we read.
BINARY_MAGICS = (
    b"%PDF",
    b"\xd0\xcf\x11\xe0",
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF8",
    b"\x1f\x8b",
    b"Rar!",
    b"7z\xbc\xaf",
)
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# C0 control characters other than tab and line breaks: PostgreSQL refuses NUL, and none belongs in a planning text.
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell
MAX_COLUMNS = 100  # columns read per row; every import format has far fewer
# The csv reader holds a whole record as a list of fields: a 10 MB line of "ab," would be 3.3 million strings.
MAX_LINE_CHARS = 4 * 1024 * 1024
MAX_ARCHIVE_MEMBERS = 10_000
RATIO_CHECKED_FROM = 1024 * 1024  # parts smaller than this are harmless whatever their compression ratio
CHUNK = 64 * 1024
# The XLSX parts parsed whole into memory (content types, workbook, its relationships) are small in any real file.
MAX_WHOLE_PART_BYTES = 1024 * 1024
# ElementTree keeps every element of a row (or a shared string) until it ends: Excel's 16,384 cells with a value
# element each fit; a row of a million cells would fill the memory before any row limit is reached.
MAX_ELEMENTS_PER_UNIT = 70_000
MAX_SHARED_STRINGS = 500_000  # distinct texts: 50,000 usulan × 10 text columns


class TableError(Exception):
    """The file cannot be read as a table (its message is for the user, in Indonesian); `line` and `column` say
    where, when the problem is in one place (line 0: the file as a whole)."""

    def __init__(self, message: str, *, line: int = 0, column: str = ""):
        super().__init__(message)
        self.message, self.line, self.column = message, line, column


class Record(NamedTuple):
    line: int  # the row in the spreadsheet (the header is usually line 1)
    values: dict[str, object]  # {normalised column: cleaned value}
    problems: list[tuple[str, str]]  # (column, message): cells the database would refuse


@dataclass
class Table:
    header: list[str]  # normalised column names
    rows: Iterator[Record]  # read lazily; raises TableError when the file passes a limit part way


def normalise_header(name: object) -> str:
    text = str(name or "").strip().lower().lstrip("\ufeff")
    return re.sub(r"[^0-9a-z]+", "_", text).strip("_")


def _mb(size: int) -> str:
    """Megabytes the Indonesian way: 50, 10,2, 0,03."""
    mb = size / (1024 * 1024)
    return f"{mb:.0f}" if mb == int(mb) else (f"{mb:.1f}" if mb >= 1 else f"{mb:.2f}").replace(".", ",")


def read_table(content: bytes, filename: str = "", *, max_rows: int) -> Table:
    """Read the first sheet of an XLSX file or a UTF-8 CSV file with a header row, at most `max_rows` data rows."""
    if not content:
        raise TableError(_("Berkas kosong."))
    max_bytes = settings.RENJA_IMPORT_MAX_BYTES
    if len(content) > max_bytes:
        raise TableError(
            _("Berkas %(size)s MB melebihi batas %(max)s MB.") % {"size": _mb(len(content)), "max": _mb(max_bytes)}
        )
    if content.startswith(XLSX_MAGIC):
        return _read_xlsx(content, max_rows)
    head = content[:4096]
    if content.startswith(UTF16_BOMS) or head.count(b"\x00") > len(head) // 4:
        raise TableError(_('Berkas ini berenkode UTF-16, bukan UTF-8. Buka di Excel lalu simpan sebagai "CSV UTF-8".'))
    if content.startswith(BINARY_MAGICS):
        raise TableError(_("Berkas %(name)s bukan CSV atau XLSX.") % {"name": filename or _("ini")})
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        raise TableError(
            _('Berkas tidak berenkode UTF-8 (baris %(line)s). Simpan ulang sebagai "CSV UTF-8".') % {"line": line}
        ) from exc
    return _read_csv(text, max_rows)


# ---------------------------------------------------------------------------------------------------------------
# CSV


class _LongField(Exception):
    def __init__(self, index: int):
        self.index = index


class _LineTracker:
    """The lines the csv reader takes, kept for the record being read (to find the column of a too long field);
    a line over MAX_LINE_CHARS is refused before the reader splits it."""

    def __init__(self, lines: Iterator[str]):
        self._lines, self.current, self.number = lines, [], 0

    def __iter__(self) -> _LineTracker:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.number += 1
        if len(line) > MAX_LINE_CHARS:
            raise TableError(
                _("baris lebih dari %(n)s karakter") % {"n": f"{MAX_LINE_CHARS:,}".replace(",", ".")}, line=self.number
            )
        self.current.append(line)
        return line


def _long_field_index(text: str, delimiter: str, limit: int) -> int:
    """The index of the first field longer than `limit` in the raw text of a CSV record (quotes understood)."""
    index = length = 0
    quoted = False
    i = 0
    while i < len(text):
        char = text[i]
        if quoted:
            if char == '"' and text[i + 1 : i + 2] == '"':
                length += 1
                i += 1
            elif char == '"':
                quoted = False
            else:
                length += 1
        elif char == '"':
            quoted = True
        elif char == delimiter:
            index, length = index + 1, 0
        elif char not in "\r\n":
            length += 1
        if length > limit:
            break
        i += 1
    return index


def _read_csv(text: str, max_rows: int) -> Table:
    end = text.find("\n")
    first_line = text if end < 0 else text[:end]
    delimiter = max([",", ";", "\t"], key=first_line.count)
    lines = _LineTracker(iter(io.StringIO(text, newline="")))
    reader = csv.reader(lines, delimiter=delimiter)

    def records() -> Iterator[Sequence[object]]:
        while True:
            lines.current = []
            try:
                record = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                if "field larger than field limit" in str(exc):
                    raise _LongField(
                        _long_field_index("".join(lines.current), delimiter, csv.field_size_limit())
                    ) from exc
                raise TableError(_("Berkas CSV tidak dapat dibaca: %(err)s") % {"err": exc}) from exc
            yield record

    return _to_table(records(), max_rows)


# ---------------------------------------------------------------------------------------------------------------
# XLSX


def _check_archive(content: bytes) -> None:
    """Refuse an XLSX whose parts would unpack to more than the limit, before anything parses them: first by the
    sizes the archive declares and their compression ratio, then by reading every part through a counter (a lying
    header cannot get past it: zipfile stops at the declared size and the checksum then fails)."""
    max_unpacked = settings.IMPORT_MAX_UNPACKED_BYTES
    max_ratio = settings.IMPORT_MAX_COMPRESSION_RATIO
    too_big = _(
        "Isi berkas XLSX terlalu besar setelah diekstrak (%(size)s MB; batas %(max)s MB). "
        "Simpan sebagai CSV atau bagi menjadi beberapa berkas."
    )
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise TableError(_("Berkas XLSX rusak atau bukan lembar kerja Excel.")) from exc
    with archive:
        members = archive.infolist()
        if len(members) > MAX_ARCHIVE_MEMBERS:
            raise TableError(_("Berkas XLSX rusak atau bukan lembar kerja Excel."))
        declared = sum(info.file_size for info in members)
        if declared > max_unpacked:
            raise TableError(too_big % {"size": _mb(declared), "max": _mb(max_unpacked)})
        for info in members:
            if info.file_size > RATIO_CHECKED_FROM and info.file_size > max_ratio * max(info.compress_size, 1):
                raise TableError(
                    _("Berkas XLSX tidak wajar: bagian %(part)s memadat %(ratio)s kali (batas %(max)s kali).")
                    % {
                        "part": info.filename[:80],
                        "ratio": info.file_size // max(info.compress_size, 1),
                        "max": max_ratio,
                    }
                )
        total = 0
        try:
            for info in members:
                with archive.open(info) as part:
                    while chunk := part.read(CHUNK):
                        total += len(chunk)
                        if total > max_unpacked:
                            raise TableError(too_big % {"size": _mb(total), "max": _mb(max_unpacked)})
        except TableError:
            raise
        except Exception as exc:  # a bad checksum, an unknown compression, encryption, a truncated part
            raise TableError(_("Berkas XLSX rusak atau bukan lembar kerja Excel.")) from exc


class _ElementGuard:
    """A zip part read through a count of the XML elements since the last start of `unit` (a row, a shared string),
    refusing more than MAX_ELEMENTS_PER_UNIT: the parser would hold them all in memory until the unit ends."""

    def __init__(self, source: IO[bytes], unit: bytes):
        self._source, self._tail, self._count = source, b"", 0
        self._unit = re.compile(rb"<(?:[^\s<>/:!?]{1,64}:)?" + unit + rb"[\s/>]")

    def read(self, size: int = -1) -> bytes:
        data = self._source.read(size)
        text = self._tail + data
        cut = max(len(text) - 80, 0) if data else len(text)  # a tag cut by the chunk's end is read with the next
        edges = [0, *(m.start() for m in self._unit.finditer(text) if m.start() < cut), cut]
        for i in range(len(edges) - 1):
            if i:
                self._count = 0
            piece = text[edges[i] : edges[i + 1]]
            self._count += piece.count(b"<") - piece.count(b"</") - piece.count(b"<?") - piece.count(b"<!")
            if self._count > MAX_ELEMENTS_PER_UNIT:
                raise TableError(
                    _("Berkas XLSX tidak wajar: satu baris berisi lebih dari %(n)s unsur.")
                    % {"n": f"{MAX_ELEMENTS_PER_UNIT:,}".replace(",", ".")}
                )
        self._tail = text[cut:]
        return data

    def close(self) -> None:
        self._source.close()

    def __enter__(self) -> _ElementGuard:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _shared_strings(source: IO[bytes]) -> list[str]:
    """The shared strings (plain text and rich-text runs, as openpyxl reads them), each element dropped once read:
    openpyxl's reader keeps them all in the tree and builds an object per string (45 s for a million)."""
    from openpyxl.xml.constants import SHEET_MAIN_NS
    from openpyxl.xml.functions import iterparse

    si, text, run = (f"{{{SHEET_MAIN_NS}}}{tag}" for tag in ("si", "t", "r"))
    strings: list[str] = []
    root = None
    for event, node in iterparse(source, events=("start", "end")):
        if root is None:
            root = node
        elif event == "end" and node.tag == si:
            plain = [child.text or "" for child in node if child.tag == text]
            runs = [t.text or "" for child in node if child.tag == run for t in child if t.tag == text]
            strings.append("".join(plain + runs).replace("_x005F_", "_"))
            root.clear()
            if len(strings) > MAX_SHARED_STRINGS:
                raise TableError(
                    _("Berkas XLSX tidak wajar: lebih dari %(n)s teks berbeda.")
                    % {"n": f"{MAX_SHARED_STRINGS:,}".replace(",", ".")}
                )
    return strings


def _open_workbook(content: bytes):
    """The workbook, read-only, with its first sheet streamed: openpyxl's reader without the steps that read a whole
    part into memory (its size probe parses every row of a sheet that declares no dimension; its shared strings keep
    their XML tree; styles, theme and properties, which an import does not need, are not read; dates stay numbers)."""
    from openpyxl.packaging.manifest import ARC_CONTENT_TYPES
    from openpyxl.packaging.relationship import get_rels_path
    from openpyxl.reader.excel import ExcelReader, _find_workbook_part
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet
    from openpyxl.xml.constants import SHARED_STRINGS

    class StreamedSheet(ReadOnlyWorksheet):
        def _get_size(self) -> None:
            pass  # the dimension is not needed (nor trusted): rows are read until the sheet or the limit ends

        def _get_source(self) -> _ElementGuard:
            return _ElementGuard(super()._get_source(), b"row")

    class Reader(ExcelReader):
        def _small(self, name: str) -> None:
            if name in self.valid_files and self.archive.getinfo(name).file_size > MAX_WHOLE_PART_BYTES:
                raise TableError(_("Berkas XLSX tidak wajar: bagian %(part)s terlalu besar.") % {"part": name[:80]})

        def read_manifest(self) -> None:
            self._small(ARC_CONTENT_TYPES)
            super().read_manifest()

        def read_strings(self) -> None:
            part = self.package.find(SHARED_STRINGS)
            if part is not None:
                with self.archive.open(part.PartName[1:]) as source:
                    self.shared_strings = _shared_strings(_ElementGuard(source, b"si"))

        def read_workbook(self) -> None:
            name = _find_workbook_part(self.package).PartName[1:]
            self._small(name)
            self._small(get_rels_path(name))
            super().read_workbook()

        def read_worksheets(self) -> None:
            for sheet, rel in self.parser.find_sheets():
                if rel.target in self.valid_files and "chartsheet" not in rel.Type:
                    self.wb._sheets.append(StreamedSheet(self.wb, sheet.name, rel.target, self.shared_strings))

        def read(self) -> None:
            self.read_manifest()
            self.read_strings()
            self.read_workbook()
            self.read_worksheets()

    reader = Reader(io.BytesIO(content), read_only=True, data_only=True, keep_links=False)
    reader.read()
    return reader.wb


def _read_xlsx(content: bytes, max_rows: int) -> Table:
    _check_archive(content)
    try:
        workbook = _open_workbook(content)
        sheet = workbook.worksheets[0]
    except TableError:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise TableError(_("Berkas XLSX rusak atau bukan lembar kerja Excel.")) from exc
    # The dimension a sheet declares is not trusted: it would pad every row to its width, or cut rows off.
    sheet.reset_dimensions()

    def records() -> Iterator[Sequence[object]]:
        try:
            yield from sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
        except TableError:
            raise
        except Exception as exc:
            raise TableError(_("Berkas XLSX rusak atau bukan lembar kerja Excel.")) from exc
        finally:
            workbook.close()

    return _to_table(records(), max_rows)


# ---------------------------------------------------------------------------------------------------------------
# Rows and cells


def _filled(record: Sequence[object]) -> bool:
    return any(v is not None and (not isinstance(v, str) or v.strip()) for v in record)


def _too_many_rows(max_rows: int, line: int) -> TableError:
    return TableError(
        _(
            "Berkas berisi lebih dari %(max)s baris data; batasnya %(max)s baris per berkas. "
            "Bagi menjadi beberapa berkas."
        )
        % {"max": f"{max_rows:,}".replace(",", ".")},
        line=line,
    )


def _to_table(records: Iterator[Sequence[object]], max_rows: int) -> Table:
    """The first filled record is the header; the rows after it are read lazily, counted against `max_rows` (blank
    rows too, up to as many again: a sheet can declare a million empty rows)."""
    line = 0
    try:
        for record in records:
            line += 1
            if _filled(record):
                header = [normalise_header(h) for h in list(record)[:MAX_COLUMNS]]
                break
            if line > max_rows:
                raise _too_many_rows(max_rows, line)
        else:
            raise TableError(_("Berkas tidak memiliki baris judul kolom."))
    except _LongField as exc:
        raise TableError(_("Baris judul: sel terlalu panjang."), line=line + 1) from exc
    header_line = line

    def rows() -> Iterator[Record]:
        line, data_rows = header_line, 0
        try:
            for record in records:
                line += 1
                if not _filled(record):
                    if line - header_line > 2 * max_rows:
                        raise _too_many_rows(max_rows, line)
                    continue
                data_rows += 1
                if data_rows > max_rows:
                    raise _too_many_rows(max_rows, line)
                yield _record(line, header, record)
        except _LongField as exc:
            column = (
                header[exc.index]
                if exc.index < len(header) and header[exc.index]
                else _("ke-%(n)s") % {"n": exc.index + 1}
            )
            raise TableError(
                _("isi sel lebih dari %(limit)s karakter; periksa tanda kutip yang tidak ditutup")
                % {"limit": f"{csv.field_size_limit():,}".replace(",", ".")},
                line=line + 1,
                column=column,
            ) from exc

    return Table(header=header, rows=rows())


def _record(line: int, header: list[str], record: Sequence[object]) -> Record:
    values: dict[str, object] = {}
    problems: list[tuple[str, str]] = []
    for i, name in enumerate(header):
        if not name:
            continue
        value, problem = clean_cell(record[i] if i < len(record) else None)
        values[name] = value
        if problem:
            problems.append((name, problem))
    return Record(line, values, problems)


def clean_cell(value: object) -> tuple[object, str]:
    """A cell as the importers read it (text stripped, an export's formula neutralising undone, empty as "") and why
    the database would refuse it ("" when it would not)."""
    if value is None:
        return "", ""
    if isinstance(value, float) and not math.isfinite(value):
        return "", _("bukan angka (NaN atau tak hingga)")
    if not isinstance(value, str):
        return value, ""
    if len(value) > MAX_CELL_CHARS:
        return "", _("teks %(n)s karakter; paling banyak %(max)s karakter per sel") % {
            "n": f"{len(value):,}".replace(",", "."),
            "max": f"{MAX_CELL_CHARS:,}".replace(",", "."),
        }
    if bad := CONTROL_CHARS.search(value):
        return "", _(
            "berisi karakter kendali %(code)s (posisi %(pos)s) yang tidak dapat disimpan; hapus karakter itu"
        ) % {"code": f"U+{ord(bad.group()):04X}", "pos": bad.start() + 1}
    return unneutralise(value.strip()), ""


# ---------------------------------------------------------------------------------------------------------------
# Exports


def _formula_like(text: str) -> bool:
    """Text a spreadsheet would evaluate; apostrophes in front are looked through so that neutralising stays
    reversible (a text that itself begins with an apostrophe before = gets one more)."""
    return text.lstrip("'").startswith(FORMULA_PREFIXES)


def safe_cell(value: object) -> object:
    """Neutralise spreadsheet formulas in exported text (cells starting with = + - @ tab or CR get a leading ')."""
    if isinstance(value, str) and _formula_like(value):
        return "'" + value
    return value


def unneutralise(text: str) -> str:
    """Undo safe_cell on import: the apostrophe an export put before a formula-like text is not part of it."""
    if text.startswith("'") and _formula_like(text[1:]):
        return text[1:]
    return text


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


def as_columns(header: Sequence[str | Column]) -> list[Column]:
    return [c if isinstance(c, Column) else Column(c) for c in header]


def csv_value(column: Column, value: object) -> object:
    """A typed export value as CSV text: numbers as the importers read them back (a point before decimals, no
    thousands separators), empty for None."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, float) and column.kind == "score":
        return f"{value:.3f}"
    return safe_cell(value)


def write_csv(
    header: Sequence[str | Column], rows: Iterable[Sequence[object]], *, bom: bool = True, delimiter: str = ","
) -> bytes:
    """UTF-8 CSV, formulas neutralised; with a BOM (so Excel reads it as UTF-8) unless `bom=False`. An Excel set
    to Indonesian splits a CSV on ";" (its list separator), so downloads use it; report files keep ","."""
    columns = as_columns(header)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow([c.name for c in columns])
    for row in rows:
        writer.writerow([csv_value(c, v) for c, v in zip(columns, row)])
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode("utf-8")


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


def write_xlsx(header: Sequence[str | Column], rows: Iterable[Sequence[object]], *, title: str = "Data") -> bytes:
    """One-sheet XLSX written as it streams (openpyxl's write-only mode): header bold, frozen and filtered, amounts
    and numbers as numbers with their format, columns as wide as the header and the first rows need (capped), and
    formulas neutralised."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    columns = as_columns(header)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    rows = iter(rows)
    sample = [list(r) for _i, r in zip(range(WIDTH_SAMPLE_ROWS), rows)]
    for i, column in enumerate(columns):
        widest = max([len(column.name) + 2, *(_width(r[i] if i < len(r) else None, column) for r in sample)])
        sheet.column_dimensions[get_column_letter(i + 1)].width = min(max(widest + 1, MIN_WIDTH), MAX_WIDTH)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.name)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)

    # A styled cell costs a style lookup per assignment: each column's style is looked up once and copied.
    def style_of(**attributes):
        cell = WriteOnlyCell(sheet)
        for name, value in attributes.items():
            setattr(cell, name, value)
        return cell._style

    formats = [style_of(number_format=XLSX_FORMATS[c.kind]) if c.kind in XLSX_FORMATS else None for c in columns]
    wrapped = style_of(alignment=Alignment(wrap_text=True, vertical="top"))
    count = 0
    for row in itertools.chain(sample, rows):
        cells = []
        for i, value in enumerate(row):
            value = _xlsx_value(value)
            if value is None or value == "":
                cells.append(None)
                continue
            style = None
            if formats[i] is not None and isinstance(value, (int, float, Decimal)):
                style = formats[i]
            elif isinstance(value, str) and "\n" in value:
                style = wrapped
            if style is None:
                cells.append(value)  # openpyxl writes plain values through one reused cell
            else:
                cell = WriteOnlyCell(sheet, value=value)
                cell._style = copy.copy(style)
                cells.append(cell)
        sheet.append(cells)
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(max(len(columns), 1))}{count + 1}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


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
