"""The OPD officer's day (issue 14, points 3-4): the new usulan count on home and in the menu, an acceptance into a
row outside the usulan's village (warning, one-click add of the village, accept), then "next undecided"."""

import pytest
from playwright.sync_api import expect

from musrenbang.models import Pickup, Usulan
from renja.models import RenjaRow, Wilayah

from ..factories import make_row, make_usulan, make_wilayah
from .conftest import ARTIFACTS, assert_accessible, log_in

pytestmark = pytest.mark.django_db(transaction=True)


def _snap(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"test_journey_officer-{name}.png"), full_page=True)


def test_officer_sees_new_usulan_fixes_an_out_of_place_acceptance_and_goes_on(
    live_server, page, shot, opd_a_editor, year, opd_a
):
    tenggarong, anggana = make_wilayah("64.02.06", "Tenggarong"), make_wilayah("64.02.10", "Anggana")
    bukit_biru = make_wilayah("64.02.06.2001", "Bukit Biru", Wilayah.Tingkat.DESA, parent=tenggarong)
    sidomulyo = make_wilayah("64.02.10.2003", "Sidomulyo", Wilayah.Tingkat.DESA, parent=anggana)
    row = make_row(
        opd=opd_a,
        fiscal_year=year,
        ref="2026-DINSOS-013",
        nama="Fasilitasi bantuan sosial penyandang disabilitas terlantar",
        pagu=500_000_000,
        lokasi=[bukit_biru],
    )
    first = make_usulan(
        fiscal_year=year,
        opd_tujuan=opd_a,
        id_usulan="USL-ANG-1",
        desa=sidomulyo,
        prioritas=1,
        usulan="Kursi roda untuk warga Sidomulyo",
        anggaran=74_500_000,
    )
    second = make_usulan(
        fiscal_year=year,
        opd_tujuan=opd_a,
        id_usulan="USL-ANG-2",
        desa=sidomulyo,
        prioritas=2,
        usulan="Alat bantu dengar untuk lansia",
    )
    third = make_usulan(
        fiscal_year=year,
        opd_tujuan=opd_a,
        id_usulan="USL-ANG-3",
        desa=sidomulyo,
        prioritas=3,
        usulan="Tongkat penuntun tunanetra",
    )

    log_in(page, live_server, "petugas.a")
    # Home: the new usulan count, on the page and in the menu.
    expect(page.get_by_role("main").get_by_role("heading", level=1)).to_contain_text("Beranda Dinas Sosial")
    expect(page.locator("#usulan-baru")).to_contain_text("3 usulan baru")
    expect(page.get_by_role("navigation", name="Menu utama")).to_contain_text("3 baru · 3 belum diputuskan")
    assert_accessible(page)
    _snap(page, "home")

    page.get_by_role("main").get_by_role("link", name="USL-ANG-1").click()
    expect(page.get_by_role("main").get_by_role("heading", level=1)).to_have_text(first.usulan)
    page.check("input[name=keputusan][value=diterima]")
    page.fill("#id_baris_1", row.ref)
    page.click("main button:has-text('Simpan keputusan')")
    # A warning, not a refusal: the row is in Tenggarong, the usulan in Anggana.
    warning = page.locator("#peringatan-terima").locator("xpath=..")
    expect(warning).to_contain_text("berada di luar lokasi baris 2026-DINSOS-013")
    assert not Pickup.objects.exists()
    assert_accessible(page)
    _snap(page, "warning")

    page.click("main button:has-text('Tambahkan Desa/Kel. Sidomulyo ke lokasi baris 2026-DINSOS-013')")
    expect(page.locator("main")).to_contain_text("Desa/Kel. Sidomulyo ditambahkan ke lokasi baris 2026-DINSOS-013.")
    assert set(RenjaRow.objects.get(pk=row.pk).lokasi.all()) == {bukit_biru, sidomulyo}
    expect(page.locator("#id_baris_1")).to_have_value(row.ref)
    expect(page.locator("input[name=keputusan][value=diterima]")).to_be_checked()
    page.click("main button:has-text('Simpan keputusan')")
    expect(page.locator("main")).to_contain_text("Keputusan untuk USL-ANG-1 disimpan.")
    assert Usulan.objects.get(pk=first.pk).status == "diterima"
    assert Pickup.objects.get().renja_row_id == row.pk
    assert_accessible(page)
    _snap(page, "accepted")

    page.click("main a:has-text('Berikutnya: usulan belum diputuskan')")
    expect(page.get_by_role("main").get_by_role("heading", level=1)).to_have_text(second.usulan)
    assert_accessible(page)

    # Bulk acceptance with a typo in the row's ref: the error names it and every ticked usulan stays ticked.
    page.goto(live_server.url + "/usulan/kotak-masuk/")
    page.check("input[name=pilih][aria-label='Pilih USL-ANG-2']")
    page.check("input[name=pilih][aria-label='Pilih USL-ANG-3']")
    page.select_option("#massal_aksi", "diterima")
    page.fill("form#massal input[name=baris]", "2026-DINSOS-31")
    page.click("main form#massal button:has-text('Jalankan')")
    expect(page.locator("main")).to_contain_text("2026-DINSOS-31")
    expect(page.locator("main")).to_contain_text("2 usulan tetap dicentang")
    expect(page.locator("input[name=pilih][aria-label='Pilih USL-ANG-2']")).to_be_checked()
    expect(page.locator("input[name=pilih][aria-label='Pilih USL-ANG-3']")).to_be_checked()
    expect(page.locator("#massal_aksi")).to_have_value("diterima")
    assert Usulan.objects.filter(pk__in=[second.pk, third.pk], status="diteruskan").count() == 2
    assert_accessible(page)
    _snap(page, "bulk-typo")
