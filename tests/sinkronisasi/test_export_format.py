"""The sync downloads for Excel (score and pagu as formatted numbers, names beside codes, ";" CSV), while
sync_report's files keep their documented comma format."""

import csv
import io

from django.urls import reverse
from openpyxl import load_workbook

from ..factories import make_usulan
from .test_views import two_pairs  # noqa: F401 (a fixture)


def _sheet(client, name):
    response = client.get(reverse(name), {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[1]]
    return sheet, header, [dict(zip(header, r)) for r in sheet.iter_rows(min_row=2)]


def test_overlap_xlsx_has_score_and_pagu_as_numbers(client, planner, two_pairs):  # noqa: F811
    client.force_login(planner)
    sheet, header, rows = _sheet(client, "sinkronisasi:overlap-list")
    assert header[:7] == ["ref_a", "opd_a", "ref_b", "opd_b", "skor", "alasan", "status"]
    assert {"nama_a", "nama_b", "pagu_a", "pagu_b"} <= set(header)
    assert all(r["skor"].data_type == "n" and r["skor"].number_format == "0.000" for r in rows)
    assert all(r["pagu_a"].data_type == "n" and r["pagu_a"].number_format == '"Rp"#,##0' for r in rows)
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.endswith(str(len(rows) + 1))
    assert sheet.column_dimensions["F"].width > sheet.column_dimensions["B"].width  # alasan is wider than opd_a


def test_orphan_downloads_name_the_places_and_use_semicolons(client, planner, year, opd_a):
    make_usulan(fiscal_year=year, id_usulan="U-9", opd_tujuan=opd_a, anggaran=75_000_000)
    client.force_login(planner)
    sheet, header, rows = _sheet(client, "sinkronisasi:orphan-list")
    row = next(r for r in rows if r["id_usulan"].value == "U-9")
    assert (
        row["kode_desa"].value == "64.02.06.2001"
        and row["desa"].value == "Bukit Biru"
        and row["kecamatan"].value == "Tenggarong"
    )
    assert row["umur_hari"].value == 0 and row["umur_hari"].data_type == "n"
    assert row["anggaran"].value == 75_000_000 and row["anggaran"].number_format == '"Rp"#,##0'
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
    url = reverse("sinkronisasi:orphan-list")
    text = client.get(url, {"export": "csv"}).content.decode("utf-8-sig")
    assert text.startswith("id_usulan;kode_desa;desa;kecamatan;opd_tujuan;sebab;umur_hari;usulan;anggaran")
    comma = client.get(url, {"export": "csv", "pemisah": "koma"}).content.decode("utf-8-sig")
    assert next(csv.DictReader(io.StringIO(comma)))["id_usulan"] == "U-9"
