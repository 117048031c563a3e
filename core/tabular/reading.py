"""Reading uploaded CSV/XLSX tables, bounded whatever the file.

A file over RENJA_IMPORT_MAX_BYTES, an XLSX whose parts unpack to more than IMPORT_MAX_UNPACKED_BYTES or with an absurd
compression ratio is refused before it is parsed; rows are read one at a time and reading stops as soon as the caller's
row limit is passed; a cell the database would refuse (control characters, NaN, text over Excel's cell limit) is
reported with its row and column.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import IO, NamedTuple

from django.conf import settings
from django.utils.translation import gettext as _

from .cells import clean_cell

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
# C0 control characters other than tab and line breaks: PostgreSQL refuses NUL, and none belongs in a planning text.
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
