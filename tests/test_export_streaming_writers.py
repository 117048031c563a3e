"""The streamed writers under every export (core.tabular): CSV in pieces equal to the whole, and the hand-written
XLSX read back by openpyxl with its text, numbers, dates, styles, widths, frozen header and filter intact."""

import datetime
import io
import zipfile
from decimal import Decimal

from openpyxl import load_workbook

from core.tabular import Column, write_csv, write_xlsx
from core.tabular.writing import iter_csv, iter_xlsx
from core.tabular.xlsx import column_letter


def test_csv_pieces_join_to_the_whole_file():
    columns = [Column("a"), Column("n", "number")]
    rows = [[f"=baris {i}", Decimal(i) / 4] for i in range(7)]
    pieces = list(iter_csv(columns, rows, delimiter=";", flush_rows=2))
    assert len(pieces) == 4  # 2 + 2 + 2 + the last row
    assert b"".join(pieces) == write_csv(columns, rows, delimiter=";")
    assert pieces[0].startswith(b"\xef\xbb\xbfa;n\r\n'=baris 0;0\r\n")


def test_xlsx_is_written_in_pieces_as_rows_come():
    consumed = []

    def rows():
        for i in range(1200):
            consumed.append(i)
            yield [f"baris {i}", i]

    pieces = iter_xlsx([Column("teks"), Column("n", "integer")], rows())
    first_pieces = [next(pieces) for _ in range(3)]
    assert len(consumed) < 1200  # the file is under way before every row is read
    data = b"".join(first_pieces + list(pieces))
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.max_row == 1201 and sheet["A1201"].value == "baris 1199" and sheet["B1201"].value == 1199


def test_xlsx_keeps_text_exactly_and_escapes_markup():
    texts = ['<b>tebal</b> & "kutip"', "  spasi di depan", "akhir spasi  ", "baris\nkedua", "Rp 1.000 ±½", "'=tetap"]
    sheet = load_workbook(io.BytesIO(write_xlsx([Column("teks")], [[t] for t in texts]))).active
    assert [c.value for c in sheet["A"][1:]] == [*texts[:-1], "''=tetap"]  # neutralised, reversibly
    assert sheet["A5"].alignment.wrap_text and not sheet["A2"].alignment.wrap_text


def test_xlsx_drops_characters_xml_cannot_carry():
    sheet = load_workbook(io.BytesIO(write_xlsx([Column("teks")], [["a\x00b\x0bc\x1fd"]]))).active
    assert sheet["A2"].value == "abcd"


def test_xlsx_numbers_dates_and_empty_cells():
    columns = [Column("n", "integer"), Column("f"), Column("d"), Column("w"), Column("b"), Column("x")]
    row = [True, float("nan"), datetime.date(2026, 3, 12), datetime.datetime(2026, 3, 12, 8, 30), None, ["a", 1]]
    sheet = load_workbook(io.BytesIO(write_xlsx(columns, [row]))).active
    assert sheet["A2"].value == 1 and sheet["A2"].number_format == "#,##0"
    assert sheet["B2"].value is None  # not a number Excel can hold
    assert sheet["C2"].value == datetime.datetime(2026, 3, 12) and sheet["C2"].number_format == "yyyy-mm-dd"
    assert sheet["D2"].value == datetime.datetime(2026, 3, 12, 8, 30)
    assert sheet["E2"].value is None and sheet["F2"].value == "['a', 1]"


def test_xlsx_many_columns_sheet_name_and_filter():
    header = [Column(f"k{i}") for i in range(30)]
    data = write_xlsx(header, [list(range(30))], title="Renja: 2026/2027 [draft]")
    book = load_workbook(io.BytesIO(data))
    sheet = book.active
    assert sheet.title == "Renja  2026 2027  draft"
    assert sheet["AD2"].value == 29 and sheet["AD1"].font.b
    assert sheet.auto_filter.ref == "A1:AD2" and sheet.freeze_panes == "A2"
    assert [column_letter(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]
    assert zipfile.ZipFile(io.BytesIO(data)).testzip() is None


def test_xlsx_without_rows_has_its_header_and_filter():
    sheet = load_workbook(io.BytesIO(write_xlsx([Column("a"), Column("b")], []))).active
    assert [c.value for c in sheet[1]] == ["a", "b"] and sheet.auto_filter.ref == "A1:B1"
