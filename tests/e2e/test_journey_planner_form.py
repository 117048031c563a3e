"""Browser journey: a Bappeda planner edits a Renja row's locations and pagu (issue 14, points 1 and 2).

With the old 257-option multi-select one plain click replaced the three saved locations with one; here a place is
added through the picker's filter box and all four are kept. "1.300.000.000" (what everyone types) is echoed as
Rupiah before saving and saved.
"""

import pytest
from playwright.sync_api import expect

from core.formatting import rupiah
from renja.models import RenjaRow
from renja.services import parse_rupiah

from ..factories import make_row, make_wilayah
from .conftest import ARTIFACTS, assert_accessible, log_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def row_in_three_places(year, opd_a):
    tenggarong = make_wilayah("64.02.06", "Tenggarong")
    anggana = make_wilayah("64.02.07", "Anggana")
    loa_kulu = make_wilayah("64.02.08", "Loa Kulu")
    bukit_biru = make_wilayah("64.02.06.2001", "Bukit Biru", "desa", parent=tenggarong)
    make_wilayah("64.02.06.1005", "Sukarame", "kelurahan", parent=tenggarong)
    sidomulyo = make_wilayah("64.02.07.2003", "Sidomulyo", "desa", parent=anggana)
    make_wilayah("64.02.07.2004", "Sungai Meriam", "desa", parent=anggana)
    return make_row(
        opd=opd_a,
        fiscal_year=year,
        ref="2026-DINSOS-007",
        nama="Rehabilitasi sosial lansia",
        lokasi=[loa_kulu, bukit_biru, sidomulyo],
    )


def test_planner_adds_a_location_through_the_picker_and_types_pagu_with_dots(
    live_server, page, shot, planner, row_in_three_places
):
    row = row_in_three_places
    log_in(page, live_server, "perencana")
    expect(page.locator(".account")).to_contain_text("perencana")
    page.goto(f"{live_server.url}/renja/{row.pk}/")
    page.click("main a:has-text('Ubah')")
    expect(page.get_by_role("main").get_by_role("heading", level=1)).to_have_text(f"Ubah baris Renja {row.ref}")
    picker = page.locator("#id_lokasi")
    expect(picker.locator(".lokasi-chosen")).to_contain_text("Lokasi dipilih (3)")
    assert_accessible(page)

    # The filter box hides what does not match; ticking the one found adds it to the three saved places.
    page.fill("#id_lokasi_cari", "meriam")
    expect(picker.locator(".lokasi-status")).to_have_text("1 tempat cocok")
    expect(picker.locator("label", has_text="Desa Bukit Biru")).to_be_hidden()
    picker.locator("label", has_text="Desa Sungai Meriam").locator("input").check()
    chosen = picker.locator(".lokasi-chosen")
    expect(chosen).to_contain_text("Lokasi dipilih (4)")
    expect(chosen).to_contain_text("Desa Sungai Meriam (Kec. Anggana)")
    expect(chosen).to_contain_text("Desa Bukit Biru (Kec. Tenggarong)")
    page.fill("#id_lokasi_cari", "")
    expect(picker.locator("label", has_text="Desa Bukit Biru")).to_be_visible()

    # Pagu as everyone writes it, echoed as Rupiah before saving. The script reads what the server's parser reads.
    echo = page.locator("#id_pagu_rupiah")
    for typed in (
        "Rp1.300.000.000,-",
        "1,3 M",
        "250 jt",
        "0,5 jt",
        "1300000000",
        "1,3 m",
        "1.5 M",
        "1,5",
        "-5",
        "9223372036854775808",
    ):
        page.fill("#id_pagu", typed)
        try:
            expect(echo).to_have_text(rupiah(parse_rupiah(typed)))
        except ValueError:
            expect(echo).to_have_class("rupiah-echo invalid")
    page.fill("#id_pagu_n1", "250 jt")
    expect(page.locator("#id_pagu_n1_rupiah")).to_have_text("Rp250.000.000")
    page.fill("#id_pagu", "1,3 m")
    expect(echo).to_contain_text("Belum terbaca sebagai Rupiah")
    page.fill("#id_pagu", "1.300.000.000")
    expect(echo).to_have_text("Rp1.300.000.000")
    assert_accessible(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "test_planner_form_picker_and_pagu_echo.png"), full_page=True)

    page.click("main button:has-text('Simpan')")
    expect(page.get_by_role("main").get_by_role("heading", level=1)).to_have_text(row.nama)
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("Rp1.300.000.000")
    expect(facts).to_contain_text("Rp250.000.000")
    for place in (
        "Kec. Loa Kulu",
        "Desa Bukit Biru (Kec. Tenggarong)",
        "Desa Sidomulyo (Kec. Anggana)",
        "Desa Sungai Meriam (Kec. Anggana)",
    ):
        expect(facts).to_contain_text(place)
    assert_accessible(page)

    saved = RenjaRow.objects.get(pk=row.pk)
    assert (saved.pagu, saved.pagu_n1) == (1_300_000_000, 250_000_000)
    assert sorted(saved.lokasi.values_list("kode", flat=True)) == [
        "64.02.06.2001",
        "64.02.07.2003",
        "64.02.07.2004",
        "64.02.08",
    ]
