"""Browser journey: a Bappeda planner imports Renja rows from a CSV file (a bad file first, then a good one)."""

import pytest
from playwright.sync_api import expect

from renja.models import ImportBatch, RenjaRow

from ..factories import make_nomenklatur, make_sasaran, make_wilayah
from .conftest import assert_accessible, log_in

pytestmark = pytest.mark.django_db(transaction=True)

HEADER = "ref,opd,kode_sub_kegiatan,nama,indikator,target,satuan,pagu,lokasi,sasaran,sumber_dana,keterangan"
ROW_1 = (
    "2026-DINSOS-101,Dinsos,1.06.04.2.01.0001,Rehabilitasi sosial disabilitas,Jumlah orang,120,Orang,1.250.000.000,"
    "64.02.06,disabilitas,apbd_kab,Layanan rehabilitasi"
)
ROW_2 = "2026-DP3A-101,DP3A,2.08.02.2.01.0001,Pelembagaan PUG,Jumlah dokumen,3,Dokumen,150000000,,perempuan,,"


def csv_file(name: str, *lines: str) -> dict:
    """A file payload for Playwright's set_input_files (never touches the disk)."""
    return {"name": name, "mimeType": "text/csv", "buffer": ("\n".join([HEADER, *lines]) + "\n").encode("utf-8")}


@pytest.fixture
def import_refs(opd_a, opd_b, year):
    """The nomenclature, places and target groups the files refer to."""
    make_nomenklatur("1.06.04.2.01.0001")
    make_nomenklatur("2.08.02.2.01.0001", "Pelembagaan PUG")
    make_wilayah("64.02.06", "Tenggarong")
    for slug in ("disabilitas", "perempuan"):
        make_sasaran(slug)


def test_planner_imports_a_csv_after_fixing_the_row_the_preview_named(live_server, page, shot, planner, import_refs):
    log_in(page, live_server, "perencana")
    page.goto(f"{live_server.url}/renja/")
    page.click("main a[href='/renja/impor/']")
    expect(page.locator("h1")).to_have_text("Impor baris Renja")
    assert_accessible(page)

    # Line 3 of the file (the header is line 1) carries a negative pagu: the whole file is refused.
    page.set_input_files("#id_berkas", csv_file("renja-salah.csv", ROW_1, ROW_2.replace("150000000", "-150000000")))
    page.click("main button:has-text('Periksa berkas')")
    expect(page.locator("main [role=alert]")).to_contain_text("Berkas ditolak: 1 galat. Tidak ada data yang disimpan.")
    error_row = page.locator("table.errors tbody tr")
    expect(error_row).to_have_count(1)
    expect(error_row.locator("td")).to_have_text(["3", "pagu", "tidak boleh negatif"])
    assert_accessible(page)
    assert not RenjaRow.objects.exists()
    assert ImportBatch.objects.get().status == ImportBatch.Status.REJECTED

    page.click("text=Unggah berkas yang sudah diperbaiki")
    page.set_input_files("#id_berkas", csv_file("renja-benar.csv", ROW_1, ROW_2))
    page.click("main button:has-text('Periksa berkas')")
    expect(page.locator("p.summary")).to_have_text("Tahun 2026: 2 baris baru, 0 berubah, 0 tidak berubah.")
    expect(page.locator("main table")).to_contain_text("2026-DINSOS-101")
    expect(page.locator("main table")).to_contain_text("2026-DP3A-101")
    assert_accessible(page)
    assert not RenjaRow.objects.exists(), "the preview writes nothing"

    page.click("main button:has-text('Simpan impor')")
    expect(page.locator("main")).to_contain_text(
        "Impor renja-benar.csv selesai: 2 baris baru, 0 diperbarui, 0 tidak berubah."
    )
    table = page.get_by_role("region", name="Daftar baris Renja").locator("table")
    expect(table).to_contain_text("2026-DINSOS-101")
    expect(table).to_contain_text("2026-DP3A-101")
    expect(table).to_contain_text("Rp1.250.000.000")
    assert_accessible(page)
    assert sorted(RenjaRow.objects.values_list("ref", "pagu")) == [
        ("2026-DINSOS-101", 1_250_000_000),
        ("2026-DP3A-101", 150_000_000),
    ]
    assert ImportBatch.objects.get(filename="renja-benar.csv").status == ImportBatch.Status.APPLIED
