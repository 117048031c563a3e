"""Hostile import files, generated small (in memory, a few MB at most) for the tests of the input limits."""

from __future__ import annotations

import functools
import io
import struct
import tracemalloc
import zipfile
import zlib
from collections.abc import Callable, Iterable
from xml.sax.saxutils import escape

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
    'Target="sharedStrings.xml"/>'
    "</Relationships>"
)
SHEET_OPEN = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
SHEET_CLOSE = b"</sheetData></worksheet>"
SST_OPEN = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


def row(*cells: str | bytes | None) -> bytes:
    """A sheet row: text as an inline string, bytes as the raw number XML holds (b"NaN" too), None as an empty cell."""
    parts = []
    for cell in cells:
        if cell is None:
            parts.append("<c/>")
        elif isinstance(cell, bytes):
            parts.append(f"<c><v>{cell.decode()}</v></c>")
        else:
            parts.append(f'<c t="inlineStr"><is><t>{escape(cell)}</t></is></c>')
    return ("<row>" + "".join(parts) + "</row>").encode()


def header_row(columns: list[str]) -> bytes:
    return row(*columns)


def xlsx(sheet: Iterable[bytes], shared_strings: Iterable[bytes] = (b"</sst>",)) -> bytes:
    """An XLSX whose sheet and shared-strings parts are written chunk by chunk (streamed into the zip, deflated)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, text in (
            ("[Content_Types].xml", CONTENT_TYPES),
            ("_rels/.rels", ROOT_RELS),
            ("xl/workbook.xml", WORKBOOK),
            ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
        ):
            archive.writestr(name, text)
        for name, chunks, opening in (
            ("xl/sharedStrings.xml", shared_strings, SST_OPEN),
            ("xl/worksheets/sheet1.xml", sheet, SHEET_OPEN),
        ):
            with archive.open(name, "w") as part:
                part.write(opening)
                for chunk in chunks:
                    part.write(chunk)
    return buffer.getvalue()


def _zip(members: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip archive of already deflated members: (name, deflated data, CRC-32 and size of the unpacked data)."""
    out, directory = bytearray(), bytearray()
    for name, data, crc, size in members:
        raw, offset = name.encode(), len(out)
        out += (
            struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0x21, crc, len(data), size, len(raw), 0) + raw + data
        )
        directory += (
            struct.pack(
                "<4s6H3L5H2L",
                b"PK\x01\x02",
                20,
                20,
                0,
                8,
                0,
                0x21,
                crc,
                len(data),
                size,
                len(raw),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + raw
        )
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members), len(directory), len(out), 0)
    return bytes(out + directory + end)


def _deflated(text: bytes) -> tuple[bytes, int, int]:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(text) + compressor.flush(), zlib.crc32(text), len(text)


def _deflated_repeat(head: bytes, chunk: bytes, times: int, tail: bytes) -> tuple[bytes, int, int]:
    """head + chunk * times + tail, deflated in a second or two: after a full flush the compressor starts afresh,
    so every chunk deflates to the same bytes and is compressed only once."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    end = compressor.compress(tail) + compressor.flush()
    crc = zlib.crc32(head)
    for _ in range(times):
        crc = zlib.crc32(chunk, crc)
    return start + block * times + end, zlib.crc32(tail, crc), len(head) + len(chunk) * times + len(tail)


@functools.lru_cache(maxsize=1)
def decompression_bomb(columns: tuple[str, ...] = ("ref", "opd", "kode_sub_kegiatan", "nama", "pagu")) -> bytes:
    """About 1.5 MB whose shared strings unpack to 1.5 GB (one string of 1.5 billion A's)."""
    sheet = SHEET_OPEN + header_row(list(columns)) + b'<row><c t="s"><v>0</v></c></row>' + SHEET_CLOSE
    parts = [
        (name, *_deflated(text.encode()))
        for name, text in (
            ("[Content_Types].xml", CONTENT_TYPES),
            ("_rels/.rels", ROOT_RELS),
            ("xl/workbook.xml", WORKBOOK),
            ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
        )
    ]
    parts.append(("xl/worksheets/sheet1.xml", *_deflated(sheet)))
    parts.append(
        ("xl/sharedStrings.xml", *_deflated_repeat(SST_OPEN + b"<si><t>", b"A" * (1 << 20), 1500, b"</t></si></sst>"))
    )
    return _zip(parts)


def lying_header_bomb(columns: list[str]) -> bytes:
    """A sheet part that unpacks to 80 MB while the archive says 1 KB: only a bounded reader notices."""
    sheet = [header_row(columns)] + [b"<row>" + b"<c><v>1</v></c>" * 64 + b"</row>"] * 80_000 + [SHEET_CLOSE]
    content = bytearray(xlsx(iter(sheet)))
    name = b"xl/worksheets/sheet1.xml"
    for signature, size_at, name_at in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        start = 0
        while (start := content.find(signature, start)) >= 0:
            if content[start + name_at : start + name_at + len(name)] == name:
                struct.pack_into("<I", content, start + size_at, 1024)
            start += 4
    return bytes(content)


@functools.lru_cache(maxsize=4)
def _many_rows(columns: tuple[str, ...], rows: int) -> bytes:
    def chunks() -> Iterable[bytes]:
        yield header_row(list(columns))
        for start in range(0, rows, 10_000):
            yield b"".join(b"<row><c><v>%d</v></c></row>" % i for i in range(start, min(rows, start + 10_000)))
        yield SHEET_CLOSE

    return xlsx(chunks())


def many_rows(columns: list[str], rows: int) -> bytes:
    """A sheet of `rows` data rows (one number each, written without coordinates or dimension, as some producers
    do): 1,000,000 rows are about 30 MB of XML and 2.5 MB of XLSX."""
    return _many_rows(tuple(columns), rows)


def peak_memory(call: Callable[[], object]) -> tuple[int, object]:
    """The peak of Python memory allocated while `call` runs (bytes), and what it returned or raised."""
    tracemalloc.start()
    try:
        try:
            result: object = call()
        except Exception as exc:  # the refusal is what is measured
            result = exc
        return tracemalloc.get_traced_memory()[1], result
    finally:
        tracemalloc.stop()
