"""The Renja document (Permendagri 86/2017 table) of an agency and year: its tree, PDF (as text and as a picture)
and XLSX (read back with openpyxl)."""

from __future__ import annotations

import datetime
import io
import re
import subprocess
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from PIL import Image

from renja.document import document_lines, document_tree
from renja.models import PaguOpd, ProgramIndicator, RenjaRow, StageWindow

from ..factories import make_nomenklatur, make_row, make_wilayah

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 12)


@pytest.fixture
def dinsos(opd_a):
    opd_a.kepala_nama = "Dr. Hj. Siti Aminah, M.Si"
    opd_a.kepala_jabatan = "Kepala Dinas Sosial"
    opd_a.kepala_pangkat = "Pembina Utama Muda (IV/c)"
    opd_a.kepala_nip = "196805121994031007"
    opd_a.kode_unit = "1.06.0.00.0.00.01.0000"
    opd_a.save()
    return opd_a


@pytest.fixture
def plan(year, dinsos, opd_b):
    """Dinsos's plan of 2026: two programs (one the support program under its bidang 1.06), three kegiatan, five rows
    of every status, indicators at program and kegiatan level, places, notes and a pagu indikatif."""
    kec = make_wilayah("64.02.06", "Tenggarong")
    desa = make_wilayah("64.02.06.2001", "Bukit Biru", "desa", kec)
    rehab = make_nomenklatur("1.06.04.2.01.0001", "Rehabilitasi Sosial Dasar Penyandang Disabilitas Terlantar")
    rehab2 = make_nomenklatur("1.06.04.2.01.0002", "Rehabilitasi Sosial Dasar Anak Terlantar")
    lansia = make_nomenklatur("1.06.04.2.02.0001", "Rehabilitasi Sosial Dasar Lanjut Usia Terlantar")
    gaji = make_nomenklatur("X.XX.01.2.02.0001", "Penyediaan Gaji dan Tunjangan ASN")
    forum = make_nomenklatur("X.XX.01.2.01.0010", "Koordinasi dan Penyusunan Dokumen Perencanaan")
    rows = [
        make_row(
            opd=dinsos,
            fiscal_year=year,
            ref="D-1",
            sub_kegiatan=rehab,
            pagu=250_000_000,
            pagu_n1=275_000_000,
            indikator="Jumlah penyandang disabilitas terlantar",
            target=Decimal("120"),
            satuan="Orang",
            target_n1=Decimal("130"),
            rincian="Bantuan alat bantu dengar di Tenggarong",
            lokasi=[kec, desa],
            quick_win=True,
            sumber_data="dtsen",
            desil=4,
            indikator_opd="Alat bantu dengar tersalur",
            target_opd=Decimal("80"),
            satuan_opd="Unit",
            status=RenjaRow.Status.FINAL,
        ),
        make_row(
            opd=dinsos,
            fiscal_year=year,
            ref="D-2",
            sub_kegiatan=rehab2,
            pagu=180_500_000,
            pagu_n1=None,
            status=RenjaRow.Status.DISEPAKATI,
            prioritas_nasional=True,
            opd_pengampu=opd_b,
        ),
        make_row(
            opd=dinsos,
            fiscal_year=year,
            ref="D-3",
            sub_kegiatan=lansia,
            pagu=99_999_999,
            pagu_n1=120_000_000,
            status=RenjaRow.Status.DIAJUKAN,
        ),
        make_row(
            opd=dinsos,
            fiscal_year=year,
            ref="D-4",
            sub_kegiatan=gaji,
            kode="1.06.01.2.02.0001",
            pagu=11_850_000_000,
            pagu_n1=12_000_000_000,
            status=RenjaRow.Status.DRAFT,
        ),
        make_row(
            opd=dinsos,
            fiscal_year=year,
            ref="D-5",
            sub_kegiatan=forum,
            kode="1.06.01.2.01.0010",
            pagu=185_000_000,
            pagu_n1=190_000_000,
            status=RenjaRow.Status.DRAFT,
        ),
    ]
    rows[1].opd_pendukung.set([opd_b])
    # Another agency's row and another year's row stay out.
    make_row(opd=opd_b, fiscal_year=year, ref="B-1", sub_kegiatan=make_nomenklatur("2.08.02.2.01.0001", "Lain"))
    ProgramIndicator.objects.create(
        fiscal_year=year,
        opd=dinsos,
        nomenklatur=rehab.parent.parent,
        kode="1.06.04",
        indikator="Persentase PPKS yang tertangani",
        target=Decimal("85.5"),
        satuan="%",
        target_n1=Decimal("87"),
    )
    ProgramIndicator.objects.create(
        fiscal_year=year,
        opd=dinsos,
        nomenklatur=rehab.parent,
        kode="1.06.04.2.01",
        indikator="Jumlah PPKS yang mendapat rehabilitasi",
        target=Decimal("300"),
        satuan="Orang",
    )
    PaguOpd.objects.create(fiscal_year=year, opd=dinsos, pagu=12_000_000_000)
    return rows


def tree_of(year, opd, **kw):
    return document_tree(fiscal_year=year, opd=opd, day=DAY, **kw)


def expected_sums(rows, prefix: str) -> tuple[int, int]:
    """Pagu and pagu N+1 of the rows under a code, summed here from the rows themselves."""
    under = [r for r in rows if r.kode == prefix or r.kode.startswith(prefix + ".")]
    return sum(r.pagu for r in under), sum(r.pagu_n1 or 0 for r in under)


GROUP_CODES = ["1", "1.06", "1.06.01", "1.06.01.2.01", "1.06.01.2.02", "1.06.04", "1.06.04.2.01", "1.06.04.2.02"]


# ---------------------------------------------------------------------------------------------------------------
# The tree


def test_rows_are_grouped_by_the_agencys_codes_with_subtotals_equal_to_the_sums(plan, year, dinsos):
    tree = tree_of(year, dinsos)
    groups = [line.item for line in document_lines(tree) if line.is_group]
    assert [g["kode"] for g in groups] == GROUP_CODES
    for group in groups:
        assert (group["pagu"], group["pagu_n1"]) == expected_sums(plan, group["kode"]), group["kode"]
    assert tree["jumlah"] == {"pagu": sum(r.pagu for r in plan), "pagu_n1": sum(r.pagu_n1 or 0 for r in plan)}
    subs = [line.item["ref"] for line in document_lines(tree) if not line.is_group]
    assert subs == ["D-5", "D-4", "D-1", "D-2", "D-3"], "in code order; another agency's row left out"
    assert [line.depth for line in document_lines(tree)][:5] == [0, 1, 2, 3, 4]


def test_the_support_program_sits_under_the_agencys_bidang_urusan(plan, year, dinsos):
    tree = tree_of(year, dinsos)
    (urusan,) = tree["urusan"]
    (bidang,) = urusan["children"]
    assert (bidang["kode"], bidang["nama"]) == ("1.06", "bidang_urusan 1.06")
    support = bidang["children"][0]
    assert (support["kode"], support["nama"]) == ("1.06.01", "program X.XX.01")


def test_indicators_print_at_program_kegiatan_and_row_with_the_agencys_extra_one_marked(plan, year, dinsos):
    items = {line.item["kode"]: line.item for line in document_lines(tree_of(year, dinsos))}
    assert items["1.06.04"]["indikator"] == [
        {"teks": "Persentase PPKS yang tertangani", "target": "85,5 %", "target_n1": "87 %", "tambahan": False}
    ]
    assert items["1.06.04.2.01"]["indikator"][0]["target"] == "300 Orang"
    row = items["1.06.04.2.01.0001"]
    assert row["nama"] == "Rehabilitasi Sosial Dasar Penyandang Disabilitas Terlantar"
    assert row["rincian"] == "Bantuan alat bantu dengar di Tenggarong"
    assert [(i["teks"], i["target"], i["target_n1"], i["tambahan"]) for i in row["indikator"]] == [
        ("Jumlah penyandang disabilitas terlantar", "120 Orang", "130 Orang", False),
        ("Alat bantu dengar tersalur", "80 Unit", "", True),
    ]
    assert row["lokasi"] == "Kec. Tenggarong, Desa Bukit Biru"
    assert items["1.06.01.2.02.0001"]["lokasi"] == "Se-kabupaten"


def test_catatan_penting_in_short_phrases(plan, year, dinsos):
    items = {line.item["kode"]: line.item for line in document_lines(tree_of(year, dinsos))}
    assert items["1.06.04.2.01.0001"]["catatan"] == ["Quick win", "Sasaran: DTSEN desil 1–4"]
    assert items["1.06.04.2.01.0002"]["catatan"] == ["Prioritas nasional", "Pengampu: DP3A", "Pendukung: DP3A"]
    assert items["1.06.04.2.02.0001"]["catatan"] == []


def test_a_status_option_limits_the_rows_and_the_heading_says_so(plan, year, dinsos):
    tree = tree_of(year, dinsos, statuses=["final", "disepakati"])
    assert [line.item["ref"] for line in document_lines(tree) if not line.is_group] == ["D-1", "D-2"]
    assert tree["jumlah"]["pagu"] == 250_000_000 + 180_500_000
    assert tree["cakupan"] == "Memuat baris berstatus Disepakati 1, Final 1; tidak dimuat: Draf 2, Diajukan 1."
    assert tree_of(year, dinsos)["cakupan"] == "Memuat baris semua status (Draf 2, Diajukan 1, Disepakati 1, Final 1)."


def test_the_heading_names_the_stage_the_year_is_in(plan, year, dinsos, tmp_path):
    assert tree_of(year, dinsos)["tahap"] == ""
    stage = StageWindow.objects.create(
        fiscal_year=year,
        stage=StageWindow.Stage.FORUM,
        opens_on=DAY - datetime.timedelta(days=3),
        closes_on=DAY + datetime.timedelta(days=3),
    )
    tree = tree_of(year, dinsos)
    assert tree["tahap"] == "Forum Perangkat Daerah"
    assert sheet_of(tree)["A4"].value.startswith("Tahap: Forum Perangkat Daerah. Memuat baris semua status")
    assert "Tahap : Forum Perangkat Daerah" in flat(poppler("pdftotext", "-raw", pdf_of(tree, tmp_path), "-"))
    stage.closes_on = DAY - datetime.timedelta(days=1)
    stage.save()
    assert tree_of(year, dinsos)["tahap"] == ""


def test_the_sum_is_held_against_the_agencys_pagu_indikatif(plan, year, dinsos):
    tree = tree_of(year, dinsos)
    assert (tree["pagu_opd"], tree["selisih"], tree["melebihi"]) == (12_000_000_000, -565_499_999, True)
    PaguOpd.objects.filter(opd=dinsos).update(pagu=13_000_000_000)
    assert tree_of(year, dinsos)["melebihi"] is False
    PaguOpd.objects.filter(opd=dinsos).delete()
    assert (tree_of(year, dinsos)["pagu_opd"], tree_of(year, dinsos)["melebihi"]) == (None, False)


def test_the_signature_block_has_the_heads_name_pangkat_and_grouped_nip(plan, year, dinsos):
    tree = tree_of(year, dinsos)
    assert tree["kepala"] == {
        "jabatan": "Kepala Dinas Sosial",
        "nama": "Dr. Hj. Siti Aminah, M.Si",
        "pangkat": "Pembina Utama Muda (IV/c)",
        "nip": "19680512 199403 1 007",
    }
    assert (tree["tempat"], tree["tanggal_text"]) == ("Tenggarong", "12 Maret 2026")


def test_the_tree_costs_the_same_queries_for_few_and_many_rows(plan, year, dinsos, opd_b, django_assert_num_queries):
    with django_assert_num_queries(8):
        tree_of(year, dinsos)
    kec = make_wilayah("64.02.07", "Loa Kulu")
    for i in range(30):
        sub = make_nomenklatur(f"1.06.0{5 + i % 3}.2.0{1 + i % 4}.00{10 + i}", f"Sub {i}")
        row = make_row(opd=dinsos, fiscal_year=year, sub_kegiatan=sub, pagu=1_000 + i, pagu_n1=2_000, lokasi=[kec])
        row.opd_pendukung.set([opd_b])
    with django_assert_num_queries(8):
        tree = tree_of(year, dinsos)
    assert tree["jumlah_baris"] == 35


# ---------------------------------------------------------------------------------------------------------------
# The PDF, as text and as a picture


def pdf_of(tree, tmp_path) -> Path:
    from renja.document.pdf import render_pdf

    path = tmp_path / "renja.pdf"
    path.write_bytes(render_pdf(tree))
    return path


def poppler(*args) -> str:
    return subprocess.run([*map(str, args)], capture_output=True, text=True, check=True).stdout


def flat(text: str) -> str:
    return " ".join(text.split())


def dots(amount: int) -> str:
    return f"{amount:,}".replace(",", ".")


def test_the_pdf_reads_as_the_regulations_table(plan, year, dinsos, tmp_path):
    path = pdf_of(tree_of(year, dinsos), tmp_path)
    text = flat(poppler("pdftotext", "-raw", path, "-"))
    assert "PEMERINTAH KABUPATEN KUTAI KARTANEGARA" in text
    assert "RUMUSAN RENCANA PROGRAM DAN KEGIATAN PERANGKAT DAERAH TAHUN 2026 DAN PRAKIRAAN MAJU TAHUN 2027" in text
    for heading in (
        "Kode",
        "Indikator Kinerja",
        "Lokasi",
        "Target Capaian Kinerja",
        "Sumber Dana",
        "Catatan Penting",
        "Rencana Tahun 2026",
        "Prakiraan Maju Rencana Tahun 2027",
    ):
        assert heading in text, heading
    assert " ".join(f"({n})" for n in range(1, 11)) in text
    for row in plan:
        assert row.nama in text, row.nama
    assert "Indikator tambahan OPD: Alat bantu dengar tersalur" in text
    assert "Memuat baris semua status (Draf 2, Diajukan 1, Disepakati 1, Final 1)." in text


def test_the_pdfs_subtotals_equal_the_sums_of_the_rows(plan, year, dinsos, tmp_path):
    path = pdf_of(tree_of(year, dinsos), tmp_path)
    text = flat(poppler("pdftotext", "-raw", path, "-"))
    for kode in GROUP_CODES:
        pagu, pagu_n1 = expected_sums(plan, kode)
        # The group's line: its code, then (past name, indicator and target) its pagu, and its pagu N+1 last.
        line = re.search(
            rf"(?:^| ){re.escape(kode)} (.*?) {re.escape(dots(pagu))}(.*?) {re.escape(dots(pagu_n1))}", text
        )
        assert line, (kode, dots(pagu), dots(pagu_n1))
    total = sum(r.pagu for r in plan)
    total_n1 = sum(r.pagu_n1 or 0 for r in plan)
    assert f"Jumlah {dots(total)} {dots(total_n1)}" in text
    assert (
        f"Pagu indikatif OPD Rp12.000.000.000; jumlah Rp{dots(total)}; selisih Rp{dots(total - 12_000_000_000)}"
        " MELEBIHI pagu indikatif" in text
    )


def test_every_page_repeats_the_header_and_says_which_page_of_how_many(plan, year, dinsos, tmp_path):
    for i in range(60):  # enough rows for several pages
        make_row(
            opd=dinsos,
            fiscal_year=year,
            sub_kegiatan=make_nomenklatur(f"1.06.05.2.01.{i + 1:04d}", f"Layanan {i}"),
            pagu=1_000_000,
        )
    path = pdf_of(tree_of(year, dinsos), tmp_path)
    pages = int(next(line.split()[-1] for line in poppler("pdfinfo", path).splitlines() if line.startswith("Pages:")))
    assert pages >= 3
    for n in range(1, pages + 1):
        text = flat(poppler("pdftotext", "-raw", "-f", n, "-l", n, path, "-"))
        assert f"Halaman {n} dari {pages}" in text
        if n < pages:  # the last page may hold only the signature
            assert " ".join(f"({k})" for k in range(1, 11)) in text, n
    last = flat(poppler("pdftotext", "-raw", "-f", pages, "-l", pages, path, "-"))
    assert "Tenggarong, 12 Maret 2026 Kepala Dinas Sosial," in last
    assert "Dr. Hj. Siti Aminah, M.Si Pembina Utama Muda (IV/c) NIP 19680512 199403 1 007" in last


def test_the_first_page_is_landscape_not_blank_and_the_table_fits_its_width(plan, year, dinsos, tmp_path):
    # A long unbroken word in a row's rincian, place and indicator must wrap, not push the table off the page.
    make_row(
        opd=dinsos,
        fiscal_year=year,
        sub_kegiatan=make_nomenklatur("1.06.04.2.02.0009", "Panjang"),
        rincian="X" * 300,
        indikator_opd="Y" * 200,
        target_opd=Decimal("1"),
        satuan_opd="Z" * 60,
    )
    path = pdf_of(tree_of(year, dinsos), tmp_path)
    dpi = 50
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            str(dpi),
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            "-png",
            "-gray",
            str(path),
            str(tmp_path / "page"),
        ],
        check=True,
    )
    picture = Image.open(tmp_path / "page.png").convert("L")
    assert picture.width > picture.height, "A4 landscape"
    dark = picture.point(lambda v: 255 if v < 128 else 0)
    assert sum(dark.histogram()[255:]) > picture.width * picture.height * 0.01, "page 1 is not blank"
    left, top, right, bottom = dark.getbbox()
    margin = round(5 / 25.4 * dpi)  # 5 mm of the 10 mm page margin stay white on both sides
    assert left >= margin and right <= picture.width - margin, (left, right, picture.width)


# ---------------------------------------------------------------------------------------------------------------
# The XLSX, read back


def sheet_of(tree):
    from renja.document.xlsx import render_xlsx

    return openpyxl.load_workbook(io.BytesIO(render_xlsx(tree))).active


def test_the_xlsx_has_the_tables_headers_merged_and_the_numbered_row(plan, year, dinsos):
    sheet = sheet_of(tree_of(year, dinsos))
    assert sheet["A1"].value == "PEMERINTAH KABUPATEN KUTAI KARTANEGARA"
    assert sheet["A2"].value.startswith("RUMUSAN RENCANA PROGRAM DAN KEGIATAN PERANGKAT DAERAH TAHUN 2026")
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {"A6:A7", "B6:B7", "C6:C7", "D6:G6", "H6:H7", "I6:J6"} <= merged
    assert sheet["D6"].value == "Rencana Tahun 2026" and sheet["I6"].value == "Prakiraan Maju Rencana Tahun 2027"
    assert [c.value for c in sheet[7]][3:7] == [
        "Lokasi",
        "Target Capaian Kinerja",
        "Kebutuhan Dana/Pagu Indikatif (Rp)",
        "Sumber Dana",
    ]
    assert [c.value for c in sheet[8]] == [f"({n})" for n in range(1, 11)]
    assert sheet.freeze_panes == "C9" and sheet.print_title_rows == "$6:$8"
    assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.paperSize) == 9  # A4
    # A row with two indicators takes two lines, its other cells merged down.
    kode_cells = {sheet.cell(r, 1).value: r for r in range(9, sheet.max_row + 1) if sheet.cell(r, 1).value}
    r = kode_cells["1.06.04.2.01.0001"]
    assert f"B{r}:B{r + 1}" in merged and f"F{r}:F{r + 1}" in merged
    assert sheet.cell(r + 1, 3).value == "Indikator tambahan OPD: Alat bantu dengar tersalur"
    assert sheet.cell(r + 1, 5).value == "80 Unit"


def test_the_xlsx_subtotals_and_jumlah_equal_the_sums_with_number_formats(plan, year, dinsos):
    sheet = sheet_of(tree_of(year, dinsos))
    lines = {}
    jumlah = None
    for r in range(9, sheet.max_row + 1):
        if sheet.cell(r, 1).value:
            lines[sheet.cell(r, 1).value] = r
        if sheet.cell(r, 2).value == "Jumlah":
            jumlah = r
    rows_in_sheet = {k: sheet.cell(r, 6).value for k, r in lines.items() if k.count(".") == 5}
    assert rows_in_sheet == {r.kode: r.pagu for r in plan}
    for kode in GROUP_CODES:
        r = lines[kode]
        assert (sheet.cell(r, 6).value, sheet.cell(r, 10).value or 0) == expected_sums(plan, kode), kode
        assert sheet.cell(r, 6).number_format == "#,##0" and sheet.cell(r, 1).font.b
    assert jumlah is not None
    assert sheet.cell(jumlah, 6).value == sum(r.pagu for r in plan)
    assert sheet.cell(jumlah, 10).value == sum(r.pagu_n1 or 0 for r in plan)
    assert sheet.cell(jumlah, 6).number_format == "#,##0"
    assert "MELEBIHI pagu indikatif" in sheet.cell(jumlah + 2, 1).value
    texts = [c.value for row in sheet.iter_rows(min_row=jumlah + 3) for c in row if c.value]
    assert texts == [
        "Tenggarong, 12 Maret 2026",
        "Kepala Dinas Sosial,",
        "Dr. Hj. Siti Aminah, M.Si",
        "Pembina Utama Muda (IV/c)",
        "NIP 19680512 199403 1 007",
    ]


def test_xlsx_text_cells_are_safe_against_formula_injection(plan, year, dinsos):
    sub = make_nomenklatur("1.06.04.2.02.0008", "Sub lain")
    make_row(
        opd=dinsos,
        fiscal_year=year,
        sub_kegiatan=sub,
        rincian='=HYPERLINK("http://x.invalid","klik")',
        indikator="@SUM(A1:A9)",
    )
    ProgramIndicator.objects.create(
        fiscal_year=year, opd=dinsos, nomenklatur=sub.parent, kode="1.06.04.2.02", indikator="=1+1"
    )
    sheet = sheet_of(tree_of(year, dinsos))
    cells = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert not [c for c in cells if c.data_type == "f"]
    values = [c.value for c in cells]
    assert "'=1+1" in values and "'@SUM(A1:A9)" in values
    assert 'Sub lain\n=HYPERLINK("http://x.invalid","klik")' in values  # text after the official name: inert


def test_an_agency_without_rows_gets_an_empty_table_with_its_jumlah(year, dinsos, tmp_path):
    tree = tree_of(year, dinsos)
    assert (tree["urusan"], tree["jumlah"], tree["jumlah_baris"]) == ([], {"pagu": 0, "pagu_n1": 0}, 0)
    sheet = sheet_of(tree)
    assert sheet["B9"].value == "Jumlah" and sheet["F9"].value == 0 and sheet.freeze_panes == "C9"
    text = flat(poppler("pdftotext", "-raw", pdf_of(tree, tmp_path), "-"))
    assert "Tidak ada baris Renja. Jumlah 0 0" in text
    assert "Pagu indikatif OPD belum ditetapkan; jumlah Rp0." in text


def test_texts_print_as_text_and_nothing_is_fetched(year, dinsos, tmp_path):
    make_row(
        opd=dinsos,
        fiscal_year=year,
        sub_kegiatan=make_nomenklatur("1.06.04.2.02.0007", "Sub kegiatan"),
        rincian='<img src="file:///etc/passwd"><b>tebal</b>',
    )
    from renja.document.pdf import document_html

    html = document_html(tree_of(year, dinsos))
    assert "<img" not in html and "&lt;img src=&quot;file:///etc/passwd&quot;&gt;&lt;b&gt;tebal&lt;/b&gt;" in html
    text = flat(poppler("pdftotext", "-raw", pdf_of(tree_of(year, dinsos), tmp_path), "-"))
    assert '<img src="file:///etc/passwd"><b>tebal</b>' in text


@pytest.mark.parametrize("url", ["file:///etc/passwd", "http://169.254.169.254/", "data:text/plain,x"])
def test_the_pdf_fetches_no_url(url):
    from renja.document.pdf import _fetcher

    with pytest.raises(ValueError, match="fetching refused"):
        _fetcher().fetch(url)
