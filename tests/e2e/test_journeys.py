import pytest
from playwright.sync_api import expect

from musrenbang.models import Usulan
from renja.models import RenjaRow

from ..factories import make_usulan
from .conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_planner_filters_edits_a_row_and_sees_its_history(live_server, page, shot, planner, row_in_opd_a, opd_b):
    from ..factories import make_nomenklatur, make_row

    daycare = make_nomenklatur("2.08.02.2.01.0002", "Pengelolaan Taman Asuh Anak")
    make_row(opd=opd_b, fiscal_year=row_in_opd_a.fiscal_year, ref="2026-DP3A-001", nama="Taman Asuh Anak", sub_kegiatan=daycare)
    log_in(page, live_server, "perencana")
    page.goto(f"{live_server.url}/renja/")
    page.fill("#id_q", "rehabilitasi")
    page.click("text=Saring")
    expect(page.locator("table")).to_contain_text(row_in_opd_a.ref)
    expect(page.locator("table")).not_to_contain_text("2026-DP3A-001")
    page.click(f"text={row_in_opd_a.ref}")
    page.click("main a:has-text('Ubah')")
    page.fill("#id_pagu", "175000000")
    page.click("main button:has-text('Simpan')")
    expect(page.locator("#riwayat")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Rp175.000.000")
    expect(page.locator("table.history")).to_contain_text("Rp100.000.000")
    assert RenjaRow.objects.get(pk=row_in_opd_a.pk).pagu == 175_000_000


def test_officer_rejects_an_usulan_and_cannot_reach_another_agencys(live_server, page, shot, opd_a_editor, year, opd_a, opd_b):
    own = make_usulan(fiscal_year=year, opd_tujuan=opd_a, id_usulan="USL-OWN", usulan="Kursi roda untuk warga")
    other = make_usulan(fiscal_year=year, opd_tujuan=opd_b, id_usulan="USL-OTHER")
    log_in(page, live_server, "petugas.a")
    page.click("text=Kotak masuk")
    expect(page.locator("table")).to_contain_text("USL-OWN")
    expect(page.locator("table")).not_to_contain_text("USL-OTHER")
    page.click("text=USL-OWN")
    page.check("input[name=keputusan][value=ditolak]")
    page.fill("#id_alasan", "Sudah dianggarkan provinsi")
    page.click("text=Simpan keputusan")
    expect(page.locator("main")).to_contain_text("Keputusan untuk USL-OWN disimpan")
    assert Usulan.objects.get(pk=own.pk).status == "ditolak"
    response = page.goto(f"{live_server.url}/usulan/{other.pk}/")
    assert response.status == 404
