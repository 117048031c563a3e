import pytest
from playwright.sync_api import expect

from musrenbang.models import Usulan
from renja.models import RenjaRow

from ..factories import make_usulan
from .conftest import assert_accessible, log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_planner_filters_edits_a_row_and_sees_its_history(live_server, page, shot, planner, row_in_opd_a, opd_b):
    from ..factories import make_nomenklatur, make_row

    daycare = make_nomenklatur("2.08.02.2.01.0002", "Pengelolaan Taman Asuh Anak")
    make_row(
        opd=opd_b,
        fiscal_year=row_in_opd_a.fiscal_year,
        ref="2026-DP3A-001",
        nama="Taman Asuh Anak",
        sub_kegiatan=daycare,
    )
    log_in(page, live_server, "perencana")
    assert page.goto(f"{live_server.url}/renja/").status == 200
    expect(page.get_by_role("main").get_by_role("heading", level=1)).to_have_text("Daftar Renja")
    assert_accessible(page)
    page.fill("#id_q", "rehabilitasi")
    page.click("text=Saring")
    expect(page.get_by_role("region", name="Daftar baris Renja").locator("table")).to_contain_text(row_in_opd_a.ref)
    expect(page.get_by_role("region", name="Daftar baris Renja").locator("table")).not_to_contain_text("2026-DP3A-001")
    page.click(f"text={row_in_opd_a.ref}")
    expect(page.get_by_role("main").get_by_role("heading", level=1)).to_have_text(row_in_opd_a.nama)
    assert_accessible(page)
    page.click("main a:has-text('Ubah')")
    expect(page.get_by_role("main").get_by_role("heading", level=1)).to_have_text(
        f"Ubah baris Renja {row_in_opd_a.ref}"
    )
    assert_accessible(page)
    page.fill("#id_pagu", "175000000")
    page.click("main button:has-text('Simpan')")
    expect(page.locator("#riwayat")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Rp175.000.000")
    expect(page.locator("table.history")).to_contain_text("Rp100.000.000")
    assert_accessible(page)
    assert RenjaRow.objects.get(pk=row_in_opd_a.pk).pagu == 175_000_000


def test_officer_rejects_an_usulan_and_cannot_reach_another_agencys(
    live_server, page, shot, opd_a_editor, year, opd_a, opd_b
):
    own = make_usulan(fiscal_year=year, opd_tujuan=opd_a, id_usulan="USL-OWN", usulan="Kursi roda untuk warga")
    other = make_usulan(fiscal_year=year, opd_tujuan=opd_b, id_usulan="USL-OTHER")
    log_in(page, live_server, "petugas.a")
    page.click("text=Kotak masuk")
    expect(page.locator("table")).to_contain_text("USL-OWN")
    expect(page.locator("table")).not_to_contain_text("USL-OTHER")
    assert_accessible(page)
    page.click("text=USL-OWN")
    expect(page.get_by_role("main").get_by_role("heading", level=1)).to_have_text(own.usulan)
    assert_accessible(page)
    page.check("input[name=keputusan][value=ditolak]")
    page.fill("#id_alasan", "Sudah dianggarkan provinsi")
    page.click("text=Simpan keputusan")
    expect(page.locator("main")).to_contain_text("Keputusan untuk USL-OWN disimpan")
    assert Usulan.objects.get(pk=own.pk).status == "ditolak"
    response = page.goto(f"{live_server.url}/usulan/{other.pk}/")
    assert response.status == 404


def test_main_pages_pass_axe(live_server, page, shot, planner, facilitator, row_in_opd_a, year, opd_a):
    import datetime

    from forum import services as forum_services

    usulan = make_usulan(fiscal_year=year, opd_tujuan=opd_a, id_usulan="USL-AXE")
    forum = forum_services.forum_create(
        fiscal_year=year,
        opd_list=[opd_a],
        by=facilitator,
        data={
            "jenis": "forum_pd",
            "judul": "Forum Dinsos",
            "tanggal": datetime.date(2025, 3, 12),
            "mulai": datetime.time(9),
            "selesai": datetime.time(11),
            "tempat": "Bappeda",
            "pimpinan_nama": "X",
            "pimpinan_jabatan": "Y",
            "pimpinan_nip": "1" * 18,
        },
    )
    log_in(page, live_server, "perencana")
    expect(page.locator(".account")).to_contain_text("perencana")
    # Each page with its heading and something only that page shows: a 500, a 404 or the log-in form is not scanned
    # in its place.
    pages = [
        ("/", "Renja Perangkat Daerah 2026", row_in_opd_a.opd.singkatan),
        ("/renja/", "Daftar Renja", row_in_opd_a.ref),
        ("/renja/baru/", "Baris Renja baru 2026", "Kode sub kegiatan"),
        ("/renja/impor/", "Impor baris Renja", "kode_sub_kegiatan"),
        ("/nomenklatur/?q=rehabilitasi", "Nomenklatur sub kegiatan", row_in_opd_a.sub_kegiatan.kode),
        ("/usulan/", "Usulan Musrenbang", "USL-AXE"),
        (f"/usulan/{usulan.pk}/", usulan.usulan, usulan.kode_lacak),
        (f"/usulan/{usulan.pk}/tanda-terima/", "Tanda terima usulan Musrenbang", usulan.kode_lacak),
        ("/usulan/impor/", "Impor usulan", "format proyek atau ekspor SIPD"),
        ("/forum/", "Forum Perangkat Daerah", "Forum Dinsos"),
        (f"/forum/{forum.pk}/", "Forum Dinsos", row_in_opd_a.ref),  # on the agenda
        ("/forum/baru/", "Forum baru (Renja 2026)", "Pimpinan sidang"),
        ("/tahun/", "Tahun dan tahapan", "2026"),
        (f"/lacak/?kode={usulan.kode_lacak}", "Lacak usulan Musrenbang", usulan.usulan),
        ("/verifikasi/", "Verifikasi berita acara", "Sidik jari SHA-256"),
        ("/akun/sandi/", "Ganti kata sandi", "Sandi lama"),
    ]
    for path, heading, content in pages:
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.status == 200, (path, response and response.status)
        assert page.url == f"{live_server.url}{path}", (path, page.url)  # not sent elsewhere (e.g. to log in)
        expect(page.get_by_role("main")).to_have_count(1)
        expect(page.get_by_role("main").get_by_role("heading", level=1)).to_have_text(heading)
        expect(page.get_by_role("main")).to_contain_text(content)
        assert_accessible(page)
