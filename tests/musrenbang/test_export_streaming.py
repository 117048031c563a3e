"""The usulan list's and the inbox's CSV/XLSX exports stream (issue 17, point 5): rows read a chunk at a time with
their target groups fetched per chunk, the same number of queries for 10 usulan as for 100, and the file the same,
byte for byte, as the export built from model instances with prefetches that came before it."""

import io
from decimal import Decimal

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from core import streaming
from core.tabular import write_csv
from musrenbang import selectors
from musrenbang.models import Usulan
from musrenbang.views.lists import EXPORT_COLUMNS

from ..factories import make_nomenklatur, make_sasaran, make_usulan, make_wilayah


def previous_export_rows(qs):
    """The export's rows as they were built before streaming: the reference the streamed file must equal."""
    for u in qs:
        yield [
            u.id_usulan,
            u.kode_lacak,
            u.sumber,
            u.pengusul,
            u.anggota_dprd,
            u.fraksi,
            u.dapil,
            u.desa.kode,
            u.desa.nama,
            u.desa.parent.nama if u.desa.parent else "",
            u.permasalahan,
            u.usulan,
            u.uraian,
            u.bidang_urusan.kode if u.bidang_urusan else "",
            u.jenis,
            u.volume,
            u.satuan,
            u.anggaran,
            u.prioritas,
            ";".join(s.slug for s in u.sasaran.all()),
            u.opd_awal.singkatan if u.opd_awal else "",
            u.opd_tujuan.singkatan if u.opd_tujuan else "",
            u.status,
        ]


def previous_csv(qs, delimiter=";"):
    return write_csv(EXPORT_COLUMNS, previous_export_rows(selectors.usulan_for_export(qs)), delimiter=delimiter)


@pytest.fixture
def varied_usulan(year, opd_a, opd_b):
    bidang = make_nomenklatur("1.06.04.2.01.0001").parent.parent.parent
    groups = [make_sasaran("lansia"), make_sasaran("anak"), make_sasaran("disabilitas")]
    kabupaten = make_wilayah("64.02", "Kutai Kartanegara", "kabupaten")
    made = [
        make_usulan(
            fiscal_year=year,
            id_usulan="V-001",
            usulan="=HYPERLINK usulan",
            uraian="baris satu\nbaris dua",
            volume=Decimal("2.50"),
            prioritas=2,
            bidang_urusan=bidang,
            opd_awal=opd_b,
            opd_tujuan=opd_a,
        ),
        make_usulan(fiscal_year=year, id_usulan="V-002", desa=kabupaten, volume=None, prioritas=1),
    ]
    made[0].sasaran.set(groups)
    for i in range(5):
        usulan = make_usulan(fiscal_year=year, id_usulan=f"V-{i + 3:03}", opd_tujuan=opd_b if i % 2 else None)
        usulan.sasaran.set(groups[i % 3 :])
    return made


def _ordered(year):
    return Usulan.objects.filter(fiscal_year=year).order_by("desa__parent__nama", "prioritas", "id_usulan")


@pytest.mark.parametrize("pemisah", ["", "koma"])
def test_streamed_usulan_csv_equals_the_previous_export(client, planner, year, varied_usulan, pemisah):
    client.force_login(planner)
    response = client.get(reverse("musrenbang:usulan-list"), {"tahun": year.year, "export": "csv", "pemisah": pemisah})
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Disposition"].startswith('attachment; filename="usulan-')
    assert response["Cache-Control"] == "private, no-store"
    assert response.getvalue() == previous_csv(_ordered(year), "," if pemisah else ";")


def test_streamed_usulan_csv_is_the_same_across_chunk_boundaries(client, planner, year, varied_usulan, monkeypatch):
    client.force_login(planner)
    monkeypatch.setattr(streaming, "CHUNK_ROWS", 3)  # 7 usulan: three chunks
    body = client.get(reverse("musrenbang:usulan-list"), {"tahun": year.year, "export": "csv"}).getvalue()
    assert body == previous_csv(_ordered(year))


def test_the_officers_inbox_export_streams_its_own_usulan(client, opd_b_editor, year, varied_usulan):
    client.force_login(opd_b_editor)
    response = client.get(reverse("musrenbang:inbox"), {"tahun": year.year, "export": "csv"})
    assert isinstance(response, StreamingHttpResponse)
    lines = response.getvalue().decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 3 and all(";DP3A;" in line for line in lines[1:])  # V-004 and V-006, routed to DP3A


def test_streamed_usulan_xlsx_has_typed_cells(client, planner, year, varied_usulan):
    client.force_login(planner)
    response = client.get(reverse("musrenbang:usulan-list"), {"tahun": year.year, "export": "xlsx"})
    assert isinstance(response, StreamingHttpResponse)
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    header = [c.value for c in sheet[1]]
    rows = {r[0].value: dict(zip(header, r)) for r in sheet.iter_rows(min_row=2)}
    first = rows["V-001"]
    assert first["usulan"].value == "'=HYPERLINK usulan" and first["uraian"].alignment.wrap_text
    assert first["volume"].value == 2.5 and first["anggaran"].number_format == '"Rp"#,##0'
    assert first["sasaran"].value == "anak;disabilitas;lansia"  # the groups' own order (urutan, nama)
    assert first["opd_awal"].value == "DP3A" and first["opd_tujuan"].value == "Dinsos"
    assert rows["V-002"]["volume"].value is None and rows["V-002"]["kecamatan"].value is None
    assert len(rows) == 7


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_usulan_export_query_count_is_the_same_for_10_and_100(client, planner, year, opd_a, kind):
    groups = [make_sasaran("anak"), make_sasaran("lansia")]

    def add(n, start):
        for i in range(start, start + n):
            make_usulan(fiscal_year=year, id_usulan=f"Q-{i:04}").sasaran.set(groups)

    client.force_login(planner)
    url = reverse("musrenbang:usulan-list")
    add(10, 0)
    with CaptureQueriesContext(connection) as ten:
        assert client.get(url, {"tahun": year.year, "export": kind}).getvalue()
    add(90, 10)
    with CaptureQueriesContext(connection) as hundred:
        body = client.get(url, {"tahun": year.year, "export": kind}).getvalue()
    assert len(hundred.captured_queries) == len(ten.captured_queries)
    if kind == "csv":
        assert body.decode("utf-8-sig").count(';"anak;lansia";') == 100
