"""A one-sheet XLSX written as a stream: the SpreadsheetML parts written by hand into a zip that is sent as it grows,
so an export of any length keeps only a few hundred rows in memory and costs about as much as its CSV.

What the sheet has: a bold header row, frozen and filtered; typed cells (numbers with their format, text as inline
strings, so no shared-string table grows with the file; dates as dates); text of several lines wrapped; the column
widths given. openpyxl stays the tool for import templates (data validation, several sheets), where speed does not
matter."""

from __future__ import annotations

import datetime
import math
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
FLUSH_ROWS = 200  # rows written before the zip's output is handed on
EXCEL_EPOCH = datetime.datetime(1899, 12, 30)

# Cell styles (cellXfs), by index: the XML in STYLES lists them in this order.
STYLE_HEADER, STYLE_WRAPPED, STYLE_DATE, STYLE_DATETIME = 1, 2, 3, 4
NUMBER_STYLES = {"rupiah": 5, "integer": 6, "score": 7}  # "number" is General: no style of its own

STYLES = (
    f'{XML_HEAD}<styleSheet xmlns="{MAIN_NS}">'
    '<numFmts count="4"><numFmt numFmtId="164" formatCode="&quot;Rp&quot;#,##0"/>'
    '<numFmt numFmtId="165" formatCode="0.000"/><numFmt numFmtId="166" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="167" formatCode="yyyy-mm-dd h:mm:ss"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    "</fills>"
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="8">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">'
    '<alignment vertical="top" wrapText="1"/></xf>'
    '<xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="167" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="3" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
CONTENT_TYPES = (
    f'{XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
PACKAGE_RELS = (
    f'{XML_HEAD}<Relationships xmlns="{PKG_REL_NS}">'
    f'<Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK_RELS = (
    f'{XML_HEAD}<Relationships xmlns="{PKG_REL_NS}">'
    f'<Relationship Id="rId1" Type="{REL_NS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{REL_NS}/styles" Target="styles.xml"/></Relationships>'
)

# Characters XML 1.0 cannot carry (openpyxl refuses them); the importers refuse them too, so none is stored.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SHEET_NAME_FORBIDDEN = re.compile(r"[\\/*?:\[\]]")


def column_letter(index: int) -> str:
    """A (0-based) column index as its letters: 0 → A, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def escape(text: str) -> str:
    if _ILLEGAL.search(text):
        text = _ILLEGAL.sub("", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _text_cell(ref: str, text: str, style: int = 0) -> str:
    s = f' s="{style}"' if style else ""
    space = ' xml:space="preserve"' if text and (text[0].isspace() or text[-1].isspace()) else ""
    return f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>{escape(text)}</t></is></c>'


def cell_xml(ref: str, value: object, number_style: int) -> str:
    """One cell ("" for an empty one): numbers with the column's number style, dates as dates, text of several lines
    wrapped, anything else as its text."""
    if type(value) is str:  # most cells
        return _text_cell(ref, value, STYLE_WRAPPED if "\n" in value else 0) if value else ""
    if value is None:
        return ""
    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, int):
        return (
            f'<c r="{ref}" s="{number_style}"><v>{value}</v></c>'
            if number_style
            else f'<c r="{ref}"><v>{value}</v></c>'
        )
    if isinstance(value, (float, Decimal)):
        if not math.isfinite(value):
            return ""
        number = repr(value) if isinstance(value, float) else str(value)
        return (
            f'<c r="{ref}" s="{number_style}"><v>{number}</v></c>'
            if number_style
            else f'<c r="{ref}"><v>{number}</v></c>'
        )
    if isinstance(value, datetime.datetime):
        serial = (value.replace(tzinfo=None) - EXCEL_EPOCH) / datetime.timedelta(days=1)
        return f'<c r="{ref}" s="{STYLE_DATETIME}"><v>{serial!r}</v></c>'
    if isinstance(value, datetime.date):
        return f'<c r="{ref}" s="{STYLE_DATE}"><v>{(value - EXCEL_EPOCH.date()).days}</v></c>'
    text = value if isinstance(value, str) else str(value)
    return _text_cell(ref, text, STYLE_WRAPPED if "\n" in text else 0)


class _Pipe:
    """A write-only file the zip writes into; what it got so far is taken out by `take()` (the zip sees an unseekable
    stream and writes each part's sizes after its data)."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data, self.parts = b"".join(self.parts), []
        return data


def sheet_name(title: str) -> str:
    """A title Excel takes as a sheet's name: without the characters it forbids, at most 31 characters."""
    return _SHEET_NAME_FORBIDDEN.sub(" ", _ILLEGAL.sub("", title)).strip()[:31] or "Data"


def iter_xlsx(
    header: Sequence[str],
    kinds: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    widths: Sequence[float],
    title: str = "Data",
    compresslevel: int = 1,
) -> Iterator[bytes]:
    """The XLSX file in pieces as its rows are written. `kinds` gives each column's number kind (rupiah, integer,
    score; others General) and `widths` its width in characters. Rows are written as they are: the caller
    neutralises formulas."""
    pipe = _Pipe()
    name = sheet_name(title)
    last = column_letter(max(len(header), 1) - 1)
    letters = [column_letter(i) for i in range(len(header))]
    styles = [NUMBER_STYLES.get(kind, 0) for kind in kinds]
    count = 0
    with zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as package:
        package.writestr("[Content_Types].xml", CONTENT_TYPES)
        package.writestr("_rels/.rels", PACKAGE_RELS)
        package.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        package.writestr("xl/styles.xml", STYLES)
        yield pipe.take()
        with package.open("xl/worksheets/sheet1.xml", "w") as sheet:
            columns = "".join(
                f'<col min="{i}" max="{i}" width="{width:g}" customWidth="1"/>' for i, width in enumerate(widths, 1)
            )
            head = "".join(_text_cell(f"{letters[i]}1", str(h), STYLE_HEADER) for i, h in enumerate(header))
            sheet.write(
                (
                    f'{XML_HEAD}<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
                    '<sheetViews><sheetView workbookViewId="0">'
                    '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
                    '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
                    f'<sheetFormatPr defaultRowHeight="15"/>{f"<cols>{columns}</cols>" if columns else ""}'
                    f'<sheetData><row r="1">{head}</row>'
                ).encode()
            )
            chunk = []
            for count, row in enumerate(rows, start=1):
                r = count + 1
                cells = "".join(cell_xml(f"{letters[i]}{r}", v, styles[i]) for i, v in enumerate(row))
                chunk.append(f'<row r="{r}">{cells}</row>')
                if len(chunk) >= FLUSH_ROWS:
                    sheet.write("".join(chunk).encode())
                    chunk = []
                    yield pipe.take()
            chunk.append(f'</sheetData><autoFilter ref="A1:{last}{count + 1}"/></worksheet>')
            sheet.write("".join(chunk).encode())
        quoted = escape(name.replace("'", "''"))
        package.writestr(
            "xl/workbook.xml",
            f'{XML_HEAD}<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
            f'<sheets><sheet name="{escape(name).replace(chr(34), "&quot;")}" sheetId="1" r:id="rId1"/></sheets>'
            '<definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">'
            f"'{quoted}'!$A$1:${last}${count + 1}</definedName></definedNames></workbook>",
        )
    yield pipe.take()
