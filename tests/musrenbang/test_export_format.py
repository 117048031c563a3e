"""The usulan export for Excel: anggaran in Rupiah format, volume and prioritas as numbers, widths, frozen and
filtered header; CSV ";" by default, "," on request, both re-importing unchanged."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from musrenbang import imports

from ..factories import make_usulan


@pytest.fixture
def two_usulan(year, opd_a):
    make_usulan(
        fiscal_year=year,
        id_usulan="MD-001",
        volume=Decimal("2.50"),
        satuan="Paket",
        anggaran=150_000_000,
        prioritas=1,
        opd_tujuan=opd_a,
    )
    make_usulan(fiscal_year=year, id_usulan="MD-002", volume=None, anggaran=0)


def test_usulan_xlsx_has_typed_cells_widths_frozen_header_and_filter(client, planner, year, two_usulan):
    client.force_login(planner)
    content = client.get(reverse("musrenbang:usulan-list"), {"tahun": year.year, "export": "xlsx"}).getvalue()
    sheet = load_workbook(io.BytesIO(content)).active
    header = [c.value for c in sheet[1]]
    rows = {r[0].value: dict(zip(header, r)) for r in sheet.iter_rows(min_row=2)}
    first = rows["MD-001"]
    assert first["anggaran"].data_type == "n" and first["anggaran"].value == 150_000_000
    assert first["anggaran"].number_format == '"Rp"#,##0'
    assert first["volume"].data_type == "n" and first["volume"].value == 2.5
    assert first["prioritas"].value == 1 and first["prioritas"].data_type == "n"
    assert rows["MD-002"]["volume"].value is None
    assert first["desa"].value == "Bukit Biru" and first["kecamatan"].value == "Tenggarong"
    assert header.index("desa") == header.index("kode_desa") + 1
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(row=1, column=len(header)).column_letter}3"
    assert len({d.width for d in sheet.column_dimensions.values()}) > 3


def test_usulan_csv_separator_default_and_on_request(client, planner, year, two_usulan):
    client.force_login(planner)
    url = reverse("musrenbang:usulan-list")
    semicolon = client.get(url, {"tahun": year.year, "export": "csv"}).getvalue()
    assert semicolon.startswith(b"\xef\xbb\xbfid_usulan;kode_lacak;")
    comma = client.get(url, {"tahun": year.year, "export": "csv", "pemisah": "koma"}).getvalue().decode("utf-8-sig")
    rows = {r["id_usulan"]: r for r in csv.DictReader(io.StringIO(comma))}
    assert rows["MD-001"]["volume"] == "2.5" and rows["MD-001"]["anggaran"] == "150000000"
    assert rows["MD-002"]["volume"] == "" and rows["MD-002"]["prioritas"] == ""


@pytest.mark.parametrize("pemisah", ["", "koma"])
def test_usulan_csv_both_separators_reimport_unchanged(client, planner, year, two_usulan, pemisah):
    client.force_login(planner)
    content = client.get(
        reverse("musrenbang:usulan-list"), {"tahun": year.year, "export": "csv", "pemisah": pemisah}
    ).getvalue()
    plan = imports.build_usulan_plan(content=content, filename="usulan.csv", fiscal_year=year, by=planner)
    assert plan.summary() == {"baru": 0, "berubah": 0, "sama": 2, "keputusan": 0}
