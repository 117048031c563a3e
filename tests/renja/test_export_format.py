"""Exports made for Excel: typed and formatted XLSX cells, fitted widths, frozen and filtered header, place names
beside the codes; CSV separated by ";" unless asked for ","."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core.tabular import MAX_WIDTH, Column, write_csv, write_xlsx
from renja import services

from ..factories import make_nomenklatur, make_row, make_sasaran, make_wilayah


@pytest.fixture
def export_rows(year, opd_a):
    kec = make_wilayah("64.02.06", "Tenggarong")
    desa = make_wilayah("64.02.06.1001", "Sukarame", "kelurahan", parent=kec)
    sub = make_nomenklatur("1.06.04.2.01.0001")
    make_row(
        opd=opd_a,
        fiscal_year=year,
        ref="2026-DINSOS-001",
        sub_kegiatan=sub,
        target=Decimal("95.50"),
        pagu=1_250_000_000,
        pagu_n1=1_300_000_000,
        lokasi=[desa, kec],
        sasaran=[make_sasaran("anak")],
    )
    make_row(
        opd=opd_a,
        fiscal_year=year,
        ref="2026-DINSOS-002",
        sub_kegiatan=sub,
        target=Decimal("1000"),
        pagu=0,
        keterangan="x" * 500,
    )


def _sheet(client, url, params):
    response = client.get(url, {**params, "export": "xlsx"})
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.getvalue())).active


def _by_header(sheet):
    header = [c.value for c in sheet[1]]
    return header, [dict(zip(header, row)) for row in sheet.iter_rows(min_row=2)]


def test_renja_xlsx_has_typed_rupiah_and_number_cells(client, planner, year, export_rows):
    client.force_login(planner)
    header, rows = _by_header(_sheet(client, reverse("renja:row-list"), {"tahun": year.year}))
    first = next(r for r in rows if r["ref"].value == "2026-DINSOS-001")
    assert first["pagu"].data_type == "n" and first["pagu"].value == 1_250_000_000
    assert first["pagu"].number_format == '"Rp"#,##0'
    assert first["pagu_n1"].value == 1_300_000_000 and first["pagu_n1"].number_format == '"Rp"#,##0'
    assert first["target"].data_type == "n" and first["target"].value == 95.5
    other = next(r for r in rows if r["ref"].value == "2026-DINSOS-002")
    assert other["target"].value == 1000 and other["target"].data_type == "n"
    assert other["pagu"].value == 0 and other["pagu_n1"].value is None


def test_renja_xlsx_has_fitted_widths_frozen_header_and_filter(client, planner, year, export_rows):
    client.force_login(planner)
    sheet = _sheet(client, reverse("renja:row-list"), {"tahun": year.year})
    header = [c.value for c in sheet[1]]
    assert sheet.freeze_panes == "A2"
    last = sheet.cell(row=1, column=len(header)).column_letter
    assert sheet.auto_filter.ref == f"A1:{last}3"
    widths = {letter: dim.width for letter, dim in sheet.column_dimensions.items()}
    letter = {name: sheet.cell(row=1, column=i + 1).column_letter for i, name in enumerate(header)}
    assert widths[letter["ref"]] >= len("2026-DINSOS-001")
    assert widths[letter["keterangan"]] == MAX_WIDTH  # 500 characters: capped
    assert widths[letter["pagu"]] >= len("Rp1.250.000.000")
    assert len(set(widths.values())) > 3  # not every column the same width
    assert all(c.font.b for c in sheet[1])


def test_renja_export_names_places_beside_codes(client, planner, year, export_rows):
    client.force_login(planner)
    text = client.get(reverse("renja:row-list"), {"tahun": year.year, "export": "csv"}).getvalue().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    first = next(r for r in rows if r["ref"] == "2026-DINSOS-001")
    assert first["lokasi"] == "64.02.06;64.02.06.1001"
    assert first["lokasi_nama"] == "Kec. Tenggarong; Kel. Sukarame"
    header = list(rows[0])
    assert header.index("lokasi_nama") == header.index("lokasi") + 1


def test_renja_csv_uses_semicolon_by_default_and_comma_on_request(client, planner, year, export_rows):
    client.force_login(planner)
    url = reverse("renja:row-list")
    semicolon = client.get(url, {"tahun": year.year, "export": "csv"}).getvalue()
    assert semicolon.startswith(b"\xef\xbb\xbfref;opd;kode_sub_kegiatan;")
    comma = client.get(url, {"tahun": year.year, "export": "csv", "pemisah": "koma"}).getvalue()
    assert comma.startswith(b"\xef\xbb\xbfref,opd,kode_sub_kegiatan,")
    assert client.get(url, {"tahun": year.year, "export": "csv", "pemisah": "??"}).getvalue() == semicolon
    rows = list(csv.DictReader(io.StringIO(comma.decode("utf-8-sig"))))
    assert {r["pagu"] for r in rows} == {"1250000000", "0"} and {r["target"] for r in rows} == {"95.5", "1000"}


@pytest.mark.parametrize("pemisah", ["", "koma"])
def test_both_csv_separators_reimport_unchanged(client, planner, year, export_rows, pemisah):
    client.force_login(planner)
    content = client.get(
        reverse("renja:row-list"), {"tahun": year.year, "export": "csv", "pemisah": pemisah}
    ).getvalue()
    plan = services.build_plan(content=content, filename="renja.csv", fiscal_year=year, by=planner)
    assert plan.summary() == {"baru": 0, "berubah": 0, "sama": 2}


def test_xlsx_writer_streams_typed_cells_and_caps_widths():
    columns = [
        Column("ref"),
        Column("pagu", "rupiah"),
        Column("target", "number"),
        Column("skor", "score"),
        Column("n", "integer"),
        Column("teks"),
    ]
    rows = [["A", 1_500, Decimal("2.50"), 0.28351, 3, "=SUM(A1)"], ["B", None, None, 1.0, 0, "y" * 200]]
    sheet = load_workbook(io.BytesIO(write_xlsx(columns, iter(rows), title="Uji"))).active
    assert sheet.title == "Uji"
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert values == [["A", 1500, 2.5, 0.28351, 3, "'=SUM(A1)"], ["B", None, None, 1, 0, "y" * 200]]
    assert [c.number_format for c in sheet[2]] == ["General", '"Rp"#,##0', "General", "0.000", "#,##0", "General"]
    assert sheet.column_dimensions["F"].width == MAX_WIDTH
    assert sheet.auto_filter.ref == "A1:F3" and sheet.freeze_panes == "A2"
    lines = load_workbook(io.BytesIO(write_xlsx([Column("teks")], [["baris satu\nbaris dua"]]))).active["A2"]
    assert lines.alignment.wrap_text  # a text of several lines shows them


def test_csv_writer_formats_numbers_for_reimport():
    columns = [Column("a"), Column("target", "number"), Column("skor", "score"), Column("pagu", "rupiah")]
    out = write_csv(columns, [["=x", Decimal("1000.00"), 0.5, None]], bom=False, delimiter=";").decode()
    assert out == "a;target;skor;pagu\r\n'=x;1000;0.500;\r\n"
