"""Export → re-import of the unedited file changes nothing (CSV and XLSX), and exports stay safe against formulas."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core.tabular import safe_cell, unneutralise
from renja import services
from renja.models import AuditLog, RenjaRow

from ..factories import make_nomenklatur, make_row, make_sasaran, make_wilayah

# Texts a spreadsheet would take for a formula, and texts that only look close to one.
TRICKY = ["- kegiatan lanjutan", "=SUM(A1:A3)", "+62 541 661234", "@kecamatan", "-5 persen", "'kutipan", "'=tetap teks"]


@pytest.fixture
def rows(year, opd_a, opd_b):
    kec = make_wilayah("64.02.06", "Tenggarong")
    desa = make_wilayah("64.02.06.1001", "Sukarame", "kelurahan", parent=kec)
    sub = make_nomenklatur("1.06.04.2.01.0001")
    made = []
    for i, text in enumerate(TRICKY):
        made.append(
            make_row(
                opd=opd_a,
                fiscal_year=year,
                ref=f"2026-DINSOS-{i:03}",
                sub_kegiatan=sub,
                nama=f"{text} nama",
                indikator=text,
                keterangan=f"{text}\r\nbaris kedua",
                satuan=text[:20],
                target=Decimal("95.50"),
                pagu=1_250_000_000 + i,
                lokasi=[desa, kec],
                sasaran=[make_sasaran("anak"), make_sasaran("disabilitas")],
            )
        )
    made.append(make_row(opd=opd_a, fiscal_year=year, ref="2026-DINSOS-100", sub_kegiatan=sub, target=None, pagu=0))
    # Rows as the services now write them: the official wording, the agency's rincian, its extra indicator (whose
    # target the export writes in `target`, the official one staying), the source of its beneficiary data.
    official = {"sub_kegiatan": sub, "indikator": sub.indikator, "satuan": sub.satuan, "target": Decimal("7")}
    made.append(
        make_row(
            opd=opd_a,
            fiscal_year=year,
            ref="2026-DINSOS-102",
            rincian="Kursi roda adaptif\r\nbagi anak",
            indikator_opd="Jumlah kursi roda",
            target_opd=Decimal("40"),
            satuan_opd="Unit",
            sumber_data="dtsen",
            desil=4,
            **official,
        )
    )
    made.append(
        make_row(
            opd=opd_a,
            fiscal_year=year,
            ref="2026-DINSOS-103",
            rincian="=Pelatihan menjahit",
            indikator_opd=sub.indikator,  # the official indicator in another unit is an extra indicator too
            target_opd=Decimal("12.5"),
            satuan_opd="Orang/bulan",
            sumber_data="pk",
            **official,
        )
    )
    made.append(make_row(opd=opd_a, fiscal_year=year, ref="2026-DINSOS-104", sumber_data="lainnya", **official))
    made.append(
        make_row(
            opd=opd_a, fiscal_year=year, ref="2026-DINSOS-101", sub_kegiatan=sub, target=Decimal("1000"), satuan=""
        )
    )
    # The forecast for the year after, the flags, a lead and a supporting agency (issue 15).
    made.append(
        make_row(
            opd=opd_a,
            fiscal_year=year,
            ref="2026-DINSOS-105",
            target_n1=Decimal("97.25"),
            pagu_n1=1_375_000_000,
            prioritas_nasional=True,
            quick_win=True,
            opd_pengampu=opd_b,
            **official,
        )
    )
    made[-1].opd_pendukung.set([opd_b])
    made.append(
        make_row(opd=opd_a, fiscal_year=year, ref="2026-DINSOS-106", pagu_n1=0, prioritas_daerah=True, **official)
    )
    return made


KEPT = [
    "pk",
    "version",
    "updated_at",
    "nama",
    "rincian",
    "indikator",
    "target",
    "satuan",
    "indikator_opd",
    "target_opd",
    "satuan_opd",
    "sumber_data",
    "desil",
    "keterangan",
    "target_n1",
    "pagu_n1",
    "prioritas_nasional",
    "prioritas_daerah",
    "quick_win",
    "opd_pengampu",
]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_unedited_export_reimports_without_changes(client, planner, year, rows, kind):
    client.force_login(planner)
    content = client.get(reverse("renja:row-list"), {"tahun": year.year, "export": kind}).getvalue()
    plan = services.build_plan(content=content, filename=f"renja.{kind}", fiscal_year=year, by=planner)
    assert {r.ref: r.changes for r in plan.rows if r.changes} == {}
    assert plan.summary() == {"baru": 0, "berubah": 0, "sama": len(rows)}

    before = list(RenjaRow.objects.values_list(*KEPT).order_by("pk"))
    audits = AuditLog.objects.count()
    assert (
        services.renja_import_file(content=content, filename=f"renja.{kind}", fiscal_year=year, by=planner)["berubah"]
        == 0
    )
    assert list(RenjaRow.objects.values_list(*KEPT).order_by("pk")) == before
    assert list(RenjaRow.objects.get(ref="2026-DINSOS-105").opd_pendukung.values_list("singkatan", flat=True)) == [
        "DP3A"
    ]
    assert AuditLog.objects.count() == audits + 1  # only the import's own entry
    assert not RenjaRow.objects.filter(keterangan__startswith="'-").exists()


def test_csv_export_keeps_formulas_neutralised(client, planner, year, rows):
    client.force_login(planner)
    text = client.get(reverse("renja:row-list"), {"tahun": year.year, "export": "csv"}).getvalue().decode("utf-8-sig")
    assert "'=SUM(A1:A3)" in text and "'- kegiatan lanjutan" in text and "'@kecamatan" in text and "'+62 541" in text
    assert "''=tetap teks" in text  # an apostrophe of its own before = gets one more, so import gives it back
    assert ";'kutipan;" in text  # not formula-like: exported as it is (";": the default separator)


def test_xlsx_export_keeps_formulas_neutralised(client, planner, year, rows):
    client.force_login(planner)
    content = client.get(reverse("renja:row-list"), {"tahun": year.year, "export": "xlsx"}).getvalue()
    sheet = load_workbook(io.BytesIO(content)).active
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row]
    assert all(c.data_type != "f" for c in cells)
    values = {c.value for c in cells}
    assert {"'=SUM(A1:A3)", "'- kegiatan lanjutan", "'@kecamatan", "'+62 541 661234"} <= values


@pytest.mark.parametrize("text", ["=1+1", "-x", "+x", "@x", "\tx", "'=x", "''-x", "'plain", "plain", "-", "'"])
def test_neutralising_is_undone_exactly(text):
    exported = safe_cell(text)
    assert not exported.lstrip("'").startswith(("=", "+", "-", "@", "\t")) or exported.startswith("'")
    assert unneutralise(exported) == text
