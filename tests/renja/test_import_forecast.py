"""The Renja import reads the forecast for the year after (target_n1, pagu_n1), the row's flags (prioritas nasional,
prioritas daerah, quick win) and its lead and supporting agencies: an absent column leaves them as they are, an empty
cell clears them, a bad cell rejects the whole file naming row and column (issue 15)."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook

from renja import services
from renja.models import RenjaRow

from ..factories import make_opd
from .test_import import HEADER, csv_bytes, refs, rejected, run  # noqa: F401  (refs: fixture)

EXTRA = "target_n1,pagu_n1,prioritas_nasional,prioritas_daerah,quick_win,opd_pengampu,opd_pendukung"
FULL = f"{HEADER},{EXTRA}"
BASE = (
    "{ref},Dinsos,1.06.04.2.01.0001,Rehabilitasi disabilitas,Jumlah orang,120,Orang,1.250.000.000,64.02.06,"
    "disabilitas,apbd_kab,Layanan"
)


def line(ref: str = "2026-DINSOS-001", extra: str = "125,1.300.000.000,ya,tidak,x,DP3A,DP3A") -> str:
    return BASE.format(ref=ref) + "," + extra


def full(*lines: str) -> bytes:
    return csv_bytes(*lines, header=FULL)


def plan_of(content: bytes, year, by):
    return services.build_plan(content=content, filename="renja.csv", fiscal_year=year, by=by)


def fields(ref: str = "2026-DINSOS-001") -> tuple:
    row = RenjaRow.objects.get(ref=ref)
    return (
        row.target_n1,
        row.pagu_n1,
        row.prioritas_nasional,
        row.prioritas_daerah,
        row.quick_win,
        row.opd_pengampu.singkatan if row.opd_pengampu else None,
        sorted(o.singkatan for o in row.opd_pendukung.all()),
    )


SET = (Decimal("125"), 1_300_000_000, True, False, True, "DP3A", ["DP3A"])


def test_new_row_takes_forecast_flags_and_agencies(refs, year, planner):
    assert run(full(line()), year, planner) == {"baru": 1, "berubah": 0, "sama": 0}
    assert fields() == SET


def test_absent_columns_leave_them_as_they_are(refs, year, planner):
    run(full(line()), year, planner)
    version = RenjaRow.objects.get().version
    without = csv_bytes(BASE.format(ref="2026-DINSOS-001"))  # the file has none of the new columns
    assert run(without, year, planner) == {"baru": 0, "berubah": 0, "sama": 1}
    assert fields() == SET and RenjaRow.objects.get().version == version
    only_pagu_n1 = csv_bytes(BASE.format(ref="2026-DINSOS-001") + ",1.400.000.000", header=f"{HEADER},pagu_n1")
    assert run(only_pagu_n1, year, planner)["berubah"] == 1
    assert fields() == (SET[0], 1_400_000_000, *SET[2:])


def test_empty_cells_clear_them(refs, year, planner):
    run(full(line()), year, planner)
    assert run(full(line(extra=",,,,,,")), year, planner) == {"baru": 0, "berubah": 1, "sama": 0}
    assert fields() == (None, None, False, False, False, None, [])


def test_a_file_that_says_what_the_row_has_changes_nothing(refs, year, planner):
    run(full(line()), year, planner)
    same = full(line(extra='"125,00",Rp1.300.000.000,YA,0,1,dp3a,DP3A;Dinsos'))  # other words for the same values
    assert plan_of(same, year, planner).summary() == {"baru": 0, "berubah": 0, "sama": 1}


def test_preview_shows_forecast_and_flag_changes_old_to_new(client, refs, year, planner, opd_a):
    run(full(line()), year, planner)
    changed = full(line(extra='"130,5",1.400.000.000,tidak,ya,x,,DP3A;Dinsos'))
    [item] = plan_of(changed, year, planner).rows
    assert item.changes == {
        "target_n1": ["125", "130,5"],
        "pagu_n1": ["Rp1.300.000.000", "Rp1.400.000.000"],
        "prioritas_nasional": ["Ya", "Tidak"],
        "prioritas_daerah": ["Tidak", "Ya"],
        "opd_pengampu": ["DP3A", ""],
    }
    client.force_login(planner)
    html = client.post(
        reverse("renja:import-upload"), {"berkas": SimpleUploadedFile("renja.csv", changed), "tahun": year.year}
    ).content.decode()
    assert "<strong>pagu_n1</strong>: <del>Rp1.300.000.000</del> → <ins>Rp1.400.000.000</ins>" in html
    assert "<strong>target_n1</strong>: <del>125</del> → <ins>130,5</ins>" in html


def test_preview_of_a_new_row_shows_its_official_name_and_rincian(client, refs, year, planner):
    client.force_login(planner)
    html = client.post(
        reverse("renja:import-upload"), {"berkas": SimpleUploadedFile("renja.csv", full(line())), "tahun": year.year}
    ).content.decode()
    assert "Rehabilitasi Sosial Dasar Penyandang Disabilitas" in html  # the sub kegiatan's name
    assert "Rincian: Rehabilitasi disabilitas" in html


@pytest.mark.parametrize(
    "cell,expected",
    [
        ("ya", True),
        ("Ya", True),
        ("1", True),
        ("true", True),
        ("TRUE", True),
        ("x", True),
        ("X", True),
        ("tidak", False),
        ("TIDAK", False),
        ("0", False),
        ("false", False),
        ("", False),
        (" ya ", True),
    ],
)
def test_flag_cells_read_yes_or_no(refs, year, planner, cell, expected):
    run(full(line(extra=f",,{cell},{cell},{cell},,")), year, planner)
    row = RenjaRow.objects.get()
    assert (row.prioritas_nasional, row.prioritas_daerah, row.quick_win) == (expected,) * 3


def test_a_spreadsheet_gives_flags_as_numbers_or_booleans_and_amounts_as_numbers(refs, year, planner):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(FULL.split(","))
    base = BASE.format(ref="X-1").split(",")
    sheet.append([*base, 97.25, 275000000, 1, True, 0.0, "DP3A", "DP3A"])
    sheet.append([*BASE.format(ref="X-2").split(","), 0, 0, 0, False, None, None, None])  # zero is an amount
    buffer = io.BytesIO()
    workbook.save(buffer)
    services.renja_import_file(content=buffer.getvalue(), filename="r.xlsx", fiscal_year=year, by=planner)
    assert fields("X-1") == (Decimal("97.25"), 275_000_000, True, True, False, "DP3A", ["DP3A"])
    assert fields("X-2") == (Decimal("0"), 0, False, False, False, None, [])


def test_the_rows_own_agency_is_neither_its_lead_nor_its_supporter(refs, year, planner):
    run(full(line(extra=",,,,,Dinsos,Dinsos;DP3A;dp3a")), year, planner)
    assert fields()[5:] == (None, ["DP3A"])


@pytest.mark.parametrize(
    "extra,column,message",
    [
        ("banyak,,,,,,", "target_n1", "'banyak' bukan angka"),
        ("-1,,,,,,", "target_n1", "harus angka tidak negatif"),
        ("1" + "0" * 16 + ",,,,,,", "target_n1", "terlalu besar: paling banyak 16 angka sebelum koma"),
        ('"1,255",,,,,,', "target_n1", "paling banyak 2 angka di belakang koma"),
        (",-5,,,,,", "pagu_n1", "tidak boleh negatif"),
        (
            ",seratus,,,,,",
            "pagu_n1",
            "'seratus' bukan angka Rupiah (contoh: 1.250.000.000, 1250000000, 1,25 M atau 250 jt)",
        ),
        (",99999999999999999999,,,,,", "pagu_n1", "terlalu besar: paling banyak 9.223.372.036.854.775.807"),
        (
            ",,mungkin,,,,",
            "prioritas_nasional",
            "mungkin bukan ya atau tidak (isi ya/tidak, 1/0, true/false, atau x/kosong)",
        ),
        (",,,2,,,", "prioritas_daerah", "2 bukan ya atau tidak (isi ya/tidak, 1/0, true/false, atau x/kosong)"),
        (",,,,y,,", "quick_win", "y bukan ya atau tidak (isi ya/tidak, 1/0, true/false, atau x/kosong)"),
        (",,,,,Dishub,", "opd_pengampu", "OPD Dishub tidak dikenal (pakai singkatan OPD)"),
        (",,,,,,DP3A;Nope", "opd_pendukung", "OPD Nope tidak dikenal (pakai singkatan OPD)"),
    ],
)
def test_a_bad_cell_rejects_the_whole_file_naming_row_and_column(refs, year, planner, extra, column, message):
    content = full(line("OK-1"), line("2026-DINSOS-002", extra))
    assert rejected(content, year, planner) == [(3, column, message)]


def test_every_bad_cell_of_a_row_is_listed(refs, year, planner):
    content = full(line(extra="x,-1,ja,,,Nope,"))
    assert [(r, c) for r, c, _m in rejected(content, year, planner)] == [
        (2, "target_n1"),
        (2, "pagu_n1"),
        (2, "prioritas_nasional"),
        (2, "opd_pengampu"),
    ]


def test_a_rejected_file_changes_no_existing_row(refs, year, planner):
    run(full(line()), year, planner)
    before = fields()
    with pytest.raises(services.ImportRejected, match="kolom opd_pendukung: OPD Nope tidak dikenal"):
        run(full(line(extra="130,1.400.000.000,,,,,"), line("2026-DINSOS-002", ",,,,,,Nope")), year, planner)
    assert fields() == before and RenjaRow.objects.count() == 1


def test_an_inactive_agency_is_not_newly_chosen_but_a_row_keeps_it(refs, year, planner):
    make_opd("Disnaker", aktif=False)
    assert rejected(full(line(extra=",,,,,Disnaker,DP3A;Disnaker")), year, planner) == [
        (2, "opd_pengampu", "OPD Disnaker tidak aktif lagi"),
        (2, "opd_pendukung", "OPD Disnaker tidak aktif lagi"),
    ]
    run(full(line()), year, planner)
    row = RenjaRow.objects.get()
    disnaker = make_opd("Disnaker")
    RenjaRow.objects.filter(pk=row.pk).update(opd_pengampu=disnaker)
    row.opd_pendukung.add(disnaker)  # chosen while the agency was active
    same = full(line(extra="125,1.300.000.000,ya,tidak,x,Disnaker,DP3A;Disnaker"))
    assert plan_of(same, year, planner).summary() == {"baru": 0, "berubah": 0, "sama": 1}


def forecast_file(prefix: str, n: int, *, pagu_n1: str, lead: str, support: str) -> bytes:
    return full(*(line(f"{prefix}-{i:03}", f"{i},{pagu_n1},ya,,x,{lead},{support}") for i in range(1, n + 1)))


def planning_queries(prefix: str, n: int, year, planner) -> int:
    run(forecast_file(prefix, n, pagu_n1="1.000.000", lead="DP3A", support="DP3A"), year, planner)
    with CaptureQueriesContext(connection) as queries:
        plan = plan_of(forecast_file(prefix, n, pagu_n1="2.000.000", lead="", support=""), year, planner)
    assert plan.summary() == {"baru": 0, "berubah": n, "sama": 0}
    assert plan.rows[0].changes["opd_pendukung"] == ["DP3A", ""]
    return len(queries)


def test_planning_forecasts_and_agencies_costs_the_same_queries_for_few_and_many_rows(refs, year, planner):
    assert planning_queries("B", 12, year, planner) == planning_queries("A", 2, year, planner)
