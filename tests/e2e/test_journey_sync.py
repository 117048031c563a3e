"""A planner opens the sync view, settles an overlap, and routes an usulan no agency picked up."""

import pytest
from playwright.sync_api import expect

from musrenbang import services as usulan_services
from musrenbang.models import Decision, Usulan
from renja.models import Wilayah
from sinkronisasi.models import Overlap
from sinkronisasi.services import synonym_group_seed

from ..factories import make_nomenklatur, make_opd, make_row, make_sasaran, make_usulan, make_wilayah
from .conftest import assert_accessible, log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_planner_settles_an_overlap_and_routes_an_orphan(live_server, page, shot, planner, year, opd_a, opd_b):
    synonym_group_seed()
    kec = make_wilayah("64.02.06", "Tenggarong")
    desa = make_wilayah("64.02.06.1002", "Loa Ipuh", Wilayah.Tingkat.KELURAHAN, parent=kec)
    anak = make_sasaran("anak")
    dp2kb = make_opd("DP2KB", bidang=["2.14"], nama="Dinas Pengendalian Penduduk dan KB")
    make_row(
        opd=opd_b,
        fiscal_year=year,
        ref="2026-DP3A-003",
        sub_kegiatan=make_nomenklatur("2.08.02.2.01.0002", "Pengasuhan anak"),
        nama="Taman Asuh Anak bagi anak pekerja",
        keterangan="Pengasuhan anak harian",
        lokasi=[desa],
        sasaran=[anak],
    )
    make_row(
        opd=dp2kb,
        fiscal_year=year,
        ref="2026-DP2KB-003",
        sub_kegiatan=make_nomenklatur("2.14.03.2.01.0002", "Ketahanan keluarga"),
        nama="Rumah Penitipan Anak (daycare)",
        keterangan="Layanan penitipan anak bagi orang tua bekerja",
        lokasi=[desa],
        sasaran=[anak],
    )
    rejected = make_usulan(
        fiscal_year=year, desa=desa, opd_tujuan=opd_a, id_usulan="USL-YATIM", usulan="Taman bermain anak"
    )
    usulan_services.usulan_decide(
        usulan=rejected, kind=Decision.Kind.DITOLAK, alasan="bukan kewenangan Dinas Sosial", by=None
    )

    log_in(page, live_server, "perencana")
    page.click("nav >> text=Sinkronisasi")
    expect(page.locator("main")).to_contain_text("2026-DP3A-003")
    expect(page.locator("main")).to_contain_text("penitipan anak")
    assert_accessible(page)
    page.click("main a:has-text('Tindak lanjuti')")
    expect(page.get_by_role("main").get_by_role("heading", level=1)).to_have_text("Program beririsan: DP3A dan DP2KB")
    assert_accessible(page)
    page.check("text=Koordinasi (OPD pengampu)")
    page.select_option("#id_opd_pengampu", label="DP3A")
    page.fill("#id_note", "DP3A mengampu layanan; DP2KB mendukung penyuluhan orang tua.")
    page.click("main button:has-text('Simpan penyelesaian')")
    expect(page.locator(".messages")).to_contain_text("diselesaikan")
    pair = Overlap.objects.get()
    assert (pair.status, pair.opd_pengampu) == ("koordinasi", opd_b)

    page.click(".crumbs a:has-text('Sinkronisasi')")
    expect(page.locator("main")).to_contain_text("Tidak ada pasangan")  # settled pairs are hidden by default
    page.click("text=Usulan belum diambil")
    expect(page.get_by_role("table", name="Usulan belum diambil")).to_contain_text("USL-YATIM")
    expect(page.get_by_role("table", name="Usulan belum diambil")).to_contain_text("Ditolak OPD")
    assert_accessible(page)
    page.check("#pilih-%d" % rejected.pk)
    page.select_option("#massal_aksi", "teruskan")
    page.select_option("#massal_opd", label=str(opd_b))
    page.click("#massal button:has-text('Jalankan')")
    # A bulk action first says what it will do to which usulan; nothing changes until it is confirmed.
    expect(page.get_by_role("main").get_by_role("heading", level=1)).to_contain_text("1 usulan?")
    expect(page.locator("main")).to_contain_text("1 usulan akan diteruskan ke")
    expect(page.locator("main")).to_contain_text(rejected.id_usulan)
    rejected.refresh_from_db()
    assert rejected.opd_tujuan != opd_b
    assert_accessible(page)
    page.click("main button:has-text('Ya, jalankan untuk 1 usulan')")
    expect(page.locator(".messages")).to_contain_text(
        f"1 usulan diteruskan ke {opd_b.singkatan}: {rejected.id_usulan}."
    )
    rejected.refresh_from_db()
    assert (rejected.status, rejected.opd_tujuan) == (Usulan.Status.DITERUSKAN, opd_b)
    expect(page.get_by_role("table", name="Usulan belum diambil")).to_contain_text("Diteruskan, belum diputuskan")


def tab_to(page, selector: str, *, limit: int = 120) -> None:
    """Press Tab, as a keyboard user does, until the focused element matches the CSS selector."""
    for _press in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("selector => !!document.activeElement && document.activeElement.matches(selector)", selector):
            return
    raise AssertionError(f"{selector} is not reached with Tab in {limit} presses from {page.url}")


def focused(page, expression: str):
    return page.evaluate(f"() => document.activeElement.{expression}")


def test_settling_an_overlap_works_by_keyboard_alone(live_server, page, shot, planner, year, opd_a, opd_b):
    """No mouse: log in, reach the pair and settle it with Tab, the arrow keys, Space and Enter only (the address
    typed once, to start)."""
    kec = make_wilayah("64.02.06", "Tenggarong")
    desa = make_wilayah("64.02.06.1002", "Loa Ipuh", Wilayah.Tingkat.KELURAHAN, parent=kec)
    for opd, code, name in (
        (opd_a, "1.06.04.2.01.0009", "Rumah singgah korban kekerasan"),
        (opd_b, "2.08.02.2.01.0009", "Rumah aman korban kekerasan"),
    ):
        make_row(
            opd=opd,
            fiscal_year=year,
            sub_kegiatan=make_nomenklatur(code, "Layanan"),
            nama=name,
            keterangan="Rumah aman sementara bagi korban kekerasan",
            lokasi=[desa],
        )
    # The factory writes rows without the services, so it raises no plan revision; seeding the synonyms does, and
    # its committed change has the (immediate, in tests) task queue compute the findings with the rows in place.
    synonym_group_seed()
    page.goto(f"{live_server.url}/akun/masuk/")
    tab_to(page, "#id_username")  # the skip link and the header come first
    page.keyboard.type("perencana")
    page.keyboard.press("Tab")
    assert focused(page, "id") == "id_password"
    page.keyboard.type("rahasia-uji-123")
    page.keyboard.press("Enter")
    expect(page.locator(".account")).to_contain_text("perencana")  # logged in

    tab_to(page, "nav a[href='/sinkronisasi/']")
    page.keyboard.press("Enter")
    expect(page.get_by_role("main").get_by_role("heading", level=1)).to_contain_text("Sinkronisasi")
    pair = Overlap.objects.get()
    tab_to(page, f"main a[href='/sinkronisasi/pasangan/{pair.pk}/']")
    assert "Tindak lanjuti" in focused(page, "textContent")
    page.keyboard.press("Enter")
    expect(page.locator("main form[action$='/selesaikan/']")).to_contain_text("Simpan penyelesaian")

    tab_to(page, "input[name=status]")  # a radio group is one Tab stop; the arrow keys choose within it
    for _press in range(5):
        if focused(page, "value") == "saling_melengkapi":
            break
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")
    expect(page.locator("input[name=status][value=saling_melengkapi]")).to_be_checked()
    tab_to(page, "#id_note")
    page.keyboard.type("Dinsos menampung korban dewasa, DP3A anak.")
    tab_to(page, "main form[action$='/selesaikan/'] button[type=submit]")
    assert focused(page, "textContent").strip() == "Simpan penyelesaian"
    page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_contain_text("diselesaikan")
    pair.refresh_from_db()
    assert (pair.status, pair.note) == ("saling_melengkapi", "Dinsos menampung korban dewasa, DP3A anak.")
