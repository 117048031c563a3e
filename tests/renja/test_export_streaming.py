"""The Renja list's CSV and XLSX exports stream (issue 17, point 5): rows read a chunk at a time with their places,
groups and supporting agencies fetched per chunk, the same number of queries for 10 rows as for 100, and the file
the same, byte for byte (CSV) and cell for cell (XLSX), as the export built from model instances with prefetches
that came before it."""

import io
from decimal import Decimal

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from core import streaming
from core.formatting import place_label
from core.tabular import write_csv
from core.tabular.writing import _xlsx_value
from renja import selectors
from renja.models import RenjaRow
from renja.services.imports import export_cells
from renja.views.lists import EXPORT_COLUMNS

from ..factories import make_nomenklatur, make_opd, make_row, make_sasaran, make_wilayah


def previous_export_rows(qs):
    """The export's rows as they were built before streaming (model instances, prefetched relations): the
    reference the streamed file must equal."""
    for row in qs:
        kegiatan = row.sub_kegiatan.parent
        program = kegiatan.parent if kegiatan else None
        lokasi = list(row.lokasi.all())
        cells = export_cells(row)
        yield [
            row.ref,
            row.opd.singkatan,
            row.kode,
            cells["nama"],
            cells["indikator"],
            cells["target"],
            cells["satuan"],
            row.pagu,
            ";".join(w.kode for w in lokasi),
            "; ".join(place_label(w.nama, w.tingkat) for w in lokasi),
            ";".join(s.slug for s in row.sasaran.all()),
            row.sumber_dana,
            row.keterangan,
            program.nama if program else "",
            kegiatan.nama if kegiatan else "",
            row.sub_kegiatan.nama,
            row.status,
            int(row.prioritas_nasional),
            int(row.prioritas_daerah),
            int(row.quick_win),
            row.opd_pengampu.singkatan if row.opd_pengampu else "",
            ";".join(o.singkatan for o in row.opd_pendukung.all()),
            row.target_n1,
            row.pagu_n1,
            row.sumber_data,
            row.desil,
            row.rincian,
            row.indikator,
            row.satuan,
            row.target,
        ]


def previous_rows(year):
    qs = RenjaRow.objects.filter(fiscal_year=year).order_by("opd__kode_unit", "opd__singkatan", "kode", "ref")
    return list(previous_export_rows(selectors.rows_for_export(qs)))


@pytest.fixture
def varied_rows(year, opd_a, opd_b):
    """Rows with every kind of value the export writes: several places, groups and supporting agencies (in an order
    other than their creation), a lead agency, the agency's own wording and extra indicator, formula-like text,
    text of several lines, empty and zero numbers."""
    kec = make_wilayah("64.02.06", "Tenggarong")
    desa = make_wilayah("64.02.06.1001", "Sukarame", "kelurahan", parent=kec)
    other = make_wilayah("64.02.01", "Samboja")
    sub = make_nomenklatur("1.06.04.2.01.0001")
    sub2 = make_nomenklatur("2.08.02.2.01.0001", nama="Pencegahan Kekerasan terhadap Perempuan")
    dinkes = make_opd("Dinkes", kode_unit="1.02.0.00.0.00.01.0000")
    groups = [make_sasaran("lansia"), make_sasaran("anak"), make_sasaran("disabilitas")]
    worded = make_row(
        opd=opd_a,
        fiscal_year=year,
        ref="2026-DINSOS-001",
        sub_kegiatan=sub,
        rincian="Pemberian alat bantu =kursi roda",
        indikator_opd="Jumlah kursi roda",
        satuan_opd="Unit",
        target_opd=Decimal("12.50"),
        target=Decimal("95.50"),
        pagu=1_250_000_000,
        pagu_n1=1_300_000_000,
        target_n1=Decimal("100"),
        keterangan="baris satu\nbaris dua",
        prioritas_daerah=True,
        sumber_data=RenjaRow.SumberData.DTKS,
        desil=3,
        lokasi=[other, desa, kec],
        sasaran=groups,
    )
    worded.opd_pendukung.add(opd_b, dinkes)
    worded.opd_pengampu = opd_b
    worded.save(update_fields=["opd_pengampu"])
    make_row(opd=opd_a, fiscal_year=year, ref="2026-DINSOS-002", sub_kegiatan=sub, pagu=0, keterangan="@cmd")
    make_row(opd=opd_b, fiscal_year=year, ref="2026-DP3A-001", sub_kegiatan=sub2, target=Decimal("7"), lokasi=[kec])
    for i in range(4):
        make_row(opd=opd_b, fiscal_year=year, ref=f"2026-DP3A-{i + 2:03}", sub_kegiatan=sub2, sasaran=groups[i % 2 :])


def _csv(client, year, **params):
    response = client.get(reverse("renja:row-list"), {"tahun": year.year, "export": "csv", **params})
    assert response.status_code == 200
    return response


def test_csv_export_is_a_stream_named_and_never_stored(client, planner, year, varied_rows):
    client.force_login(planner)
    response = _csv(client, year)
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="renja-')
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("pemisah", ["", "koma"])
def test_streamed_csv_equals_the_previous_export_byte_for_byte(client, planner, year, varied_rows, pemisah):
    client.force_login(planner)
    expected = write_csv(EXPORT_COLUMNS, previous_rows(year), delimiter="," if pemisah else ";")
    assert _csv(client, year, pemisah=pemisah).getvalue() == expected


def test_streamed_csv_is_the_same_across_chunk_boundaries(client, planner, year, varied_rows, monkeypatch):
    client.force_login(planner)
    expected = write_csv(EXPORT_COLUMNS, previous_rows(year), delimiter=";")
    monkeypatch.setattr(streaming, "CHUNK_ROWS", 2)  # 7 rows: four chunks, each with its own related values
    with CaptureQueriesContext(connection) as captured:
        assert _csv(client, year).getvalue() == expected
    through = [q["sql"] for q in captured.captured_queries if "renja_renjarow_lokasi" in q["sql"]]
    assert len(through) == 4


def test_streamed_xlsx_has_the_previous_export_cell_for_cell(client, planner, year, varied_rows):
    client.force_login(planner)
    response = client.get(reverse("renja:row-list"), {"tahun": year.year, "export": "xlsx"})
    assert isinstance(response, StreamingHttpResponse) and response["Cache-Control"] == "private, no-store"
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    assert [c.value for c in sheet[1]] == [c.name for c in EXPORT_COLUMNS]
    formats = {"rupiah": '"Rp"#,##0', "integer": "#,##0"}
    got = list(sheet.iter_rows(min_row=2))
    expected_rows = previous_rows(year)
    assert len(got) == len(expected_rows) == 7
    for cells, expected in zip(got, expected_rows):
        for column, cell, value in zip(EXPORT_COLUMNS, cells, expected):
            value = _xlsx_value(value)
            if value in (None, ""):
                assert cell.value is None, (column.name, cell.value)
            elif isinstance(value, (int, Decimal)):
                assert cell.data_type == "n" and cell.value == value, (column.name, cell.value, value)
                assert cell.number_format == formats.get(column.kind, "General"), column.name
            else:
                assert cell.data_type == "s" and cell.value == value.replace("\r\n", "\n"), (column.name, cell.value)
                assert bool(cell.alignment.wrap_text) == ("\n" in value), column.name


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_export_query_count_is_the_same_for_10_and_100_rows(client, planner, year, opd_a, opd_b, kind):
    kec = make_wilayah()
    desa = make_wilayah("64.02.06.2001", "Bukit Biru", "desa", parent=kec)
    groups = [make_sasaran("anak"), make_sasaran("lansia")]

    def add(n, start):
        for i in range(start, start + n):
            row = make_row(opd=opd_a, fiscal_year=year, ref=f"Q-{i:04}", lokasi=[kec, desa], sasaran=groups)
            row.opd_pendukung.add(opd_b)

    client.force_login(planner)
    url = reverse("renja:row-list")
    add(10, 0)
    with CaptureQueriesContext(connection) as ten:
        assert client.get(url, {"tahun": year.year, "export": kind}).getvalue()
    add(90, 10)
    with CaptureQueriesContext(connection) as hundred:
        body = client.get(url, {"tahun": year.year, "export": kind}).getvalue()
    assert len(hundred.captured_queries) == len(ten.captured_queries)
    if kind == "csv":
        assert body.decode("utf-8-sig").count("\r\n") == 101  # the header and every row, each with its places
        assert body.decode("utf-8-sig").count("64.02.06;64.02.06.2001") == 100
