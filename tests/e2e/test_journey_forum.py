"""Browser journey: a facilitator runs a Forum Perangkat Daerah from creation to a verified berita acara."""

import pytest
from playwright.sync_api import expect

from forum import selectors as forum_selectors
from forum.models import BeritaAcara, Forum
from musrenbang import services as usulan_services
from musrenbang.models import Decision, Usulan

from ..factories import make_usulan
from ..forum.test_forum import pdf_text
from .conftest import ARTIFACTS, assert_accessible, log_in

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "Forum Perangkat Daerah Dinas Sosial 2026"


@pytest.fixture
def usulan_on_agenda(year, opd_a, opd_a_editor):
    """An usulan Dinas Sosial turned down in its inbox: it is on the forum's agenda (Lampiran III)."""
    usulan = make_usulan(
        fiscal_year=year, opd_tujuan=opd_a, id_usulan="USL-FORUM-1", usulan="Kursi roda untuk warga disabilitas"
    )
    usulan_services.usulan_decide(usulan=usulan, kind="ditolak", alasan="Belum ada pagu", by=opd_a_editor)
    return usulan


def test_facilitator_runs_a_forum_to_a_verified_berita_acara(
    live_server, page, shot, facilitator, row_in_opd_a, usulan_on_agenda, tmp_path
):
    log_in(page, live_server, "fasilitator")
    page.click("header nav a:has-text('Forum')")
    page.click("main a:has-text('Forum baru')")
    expect(page.get_by_role("main").get_by_role("heading", level=1)).to_have_text("Forum baru (Renja 2026)")
    assert_accessible(page)
    page.select_option("#id_jenis", "forum_pd")
    page.fill("#id_judul", TITLE)
    page.fill("#id_rumpun", "Sosial")
    page.select_option("#id_opd", label="Dinsos")
    page.fill("#id_tanggal", "2025-03-12")
    page.fill("#id_mulai", "09:00")
    page.fill("#id_selesai", "12:30")
    page.fill("#id_tempat", "Gedung Bappeda Kukar")
    page.fill("#id_pimpinan_nama", "Dr. Ahmad Pemimpin, M.Si")
    page.fill("#id_pimpinan_jabatan", "Asisten Administrasi Umum (Asisten III)")
    page.fill("#id_pimpinan_nip", "197001011995031001")
    page.click("main button:has-text('Simpan')")
    expect(page.locator("main")).to_contain_text("Forum dibuat dengan butir kesepakatan baku.")
    expect(page.locator("h1")).to_have_text(TITLE)
    forum_url = page.url
    forum = Forum.objects.get(judul=TITLE)
    assert forum.status == Forum.Status.DRAFT
    assert_accessible(page)

    # The attendance list: two people registered, then checked in as they arrive.
    for nama, unsur, jabatan in [
        ("Siti Rahma", "Dinas Sosial", "Kepala Dinas"),
        ("Budi Hartono", "Bappeda", "Kepala Bidang"),
    ]:
        page.fill("#id_nama", nama)
        page.fill("#id_unsur", unsur)
        page.fill("#id_jabatan", jabatan)
        page.uncheck("#id_checked_in")
        page.click("#hadir ~ form button:has-text('Tambah')")
        expect(page.locator("main")).to_contain_text(f"{nama} ditambahkan ke daftar hadir.")
    attendance = page.locator("section[aria-labelledby=hadir] table tbody tr")
    expect(attendance).to_have_count(2)
    for nama in ("Siti Rahma", "Budi Hartono"):
        attendance.filter(has_text=nama).locator("button:has-text('Hadir')").click()
        expect(attendance.filter(has_text=nama).locator("button:has-text('Hadir')")).to_have_count(0)
    assert forum.attendance.filter(checked_in_at__isnull=False).count() == 2

    # The agreements: the standard clauses plus one the meeting adds.
    clauses = page.locator("#id_text")
    clauses.fill(clauses.input_value() + "\n\nPenyediaan kursi roda dibahas bersama Dinas Kesehatan.")
    page.click("main button:has-text('Simpan kesepakatan')")
    expect(page.locator("main")).to_contain_text("Butir kesepakatan disimpan.")
    assert forum.clauses.filter(text__contains="kursi roda").exists()

    # The forum reverses the agency's rejection of an usulan on its agenda and accepts it into a Renja row.
    agenda_usulan = page.locator("section[aria-labelledby=agenda] table").nth(1)
    expect(agenda_usulan).to_contain_text("USL-FORUM-1")
    agenda_usulan.locator("a:has-text('USL-FORUM-1')").click()
    expect(page.get_by_role("main").get_by_role("heading", level=1)).to_have_text(usulan_on_agenda.usulan)
    assert_accessible(page)
    page.check("input[name=keputusan][value=diterima]")
    page.fill("#id_baris_1", row_in_opd_a.ref)  # the row picker: a ref box searchable through the agency's rows
    page.click("main button:has-text('Simpan keputusan')")
    # The usulan costs more than the row's pagu: a warning first (not a refusal), then saved on purpose.
    expect(page.locator("#peringatan-terima")).to_be_visible()
    expect(page.locator("main")).to_contain_text("melebihi pagu")
    page.click("main button:has-text('Simpan keputusan tetap')")
    expect(page.locator("main")).to_contain_text("Keputusan untuk USL-FORUM-1 disimpan.")
    decision = Decision.objects.filter(usulan=usulan_on_agenda).latest("at")
    assert (decision.kind, decision.level, decision.by.username) == (
        "diterima",
        Decision.Level.FORUM,
        "fasilitator",
    )
    assert Usulan.objects.get(pk=usulan_on_agenda.pk).status == "diterima"

    page.goto(forum_url)
    expect(page.locator("section[aria-labelledby=agenda] table").nth(1)).not_to_contain_text("USL-FORUM-1")
    page.click("main a:has-text('Finalkan berita acara')")
    # The confirmation step states what finalising does before anything changes.
    expect(page.get_by_role("main").get_by_role("heading", level=1)).to_contain_text("Finalkan berita acara")
    agreed = forum_selectors.agreed_rows(forum).count()
    assert agreed >= 1
    expect(page.locator("main")).to_contain_text(f"{agreed} baris Renja akan menjadi disepakati")
    expect(page.locator("main")).to_contain_text("2 orang di daftar hadir (2 sudah hadir)")
    assert not BeritaAcara.objects.filter(forum=forum).exists()
    assert_accessible(page)
    page.screenshot(path=str(ARTIFACTS / "forum_finalise_confirm.png"), full_page=True)
    page.click("main button:has-text('Ya, finalkan berita acara')")
    expect(page.locator("main")).to_contain_text("difinalkan.")
    ba = BeritaAcara.objects.get(forum=forum)
    expect(page.locator("main dl.facts")).to_contain_text(ba.nomor)
    fingerprint = page.locator("main dl.facts code").inner_text()
    assert fingerprint == ba.sha256
    assert_accessible(page)

    download = page.locator("main a:has-text('Unduh berita acara (PDF)')")
    response = page.request.get(live_server.url + download.get_attribute("href"))  # shares the page's session cookie
    assert response.ok and response.headers["content-type"] == "application/pdf"
    data = response.body()
    assert data.startswith(b"%PDF")
    text = pdf_text(data, tmp_path)
    # The document's title is the official heading built from the forum's kind and year; the free-text judul
    # the facilitator typed is the forum's name on screen and on the verification page, not on the paper.
    assert (
        "BERITA ACARA KESEPAKATAN HASIL FORUM PERANGKAT DAERAH KABUPATEN KUTAI KARTANEGARA TAHUN 2026" in text.upper()
    )
    for needle in [
        ba.nomor,
        "Siti Rahma",
        "Budi Hartono",
        "kursi roda dibahas bersama",
        row_in_opd_a.kode,
        "Rp100.000.000",
        "USL-FORUM-1",  # Lampiran II names the usulan a row takes
    ]:
        assert needle in text, (needle, text)

    # The public checks the fingerprint printed on the paper, logged out.
    page.click("header button:has-text('Keluar')")
    page.click("header a:has-text('Verifikasi berita acara')")
    page.fill("#id_sidik_jari", fingerprint)
    page.click("main button:has-text('Periksa')")
    expect(page.locator("main [role=status]")).to_contain_text("Asli.")
    expect(page.locator("main dl.facts")).to_contain_text(ba.nomor)
    expect(page.locator("main dl.facts")).to_contain_text(TITLE)
    assert_accessible(page)

    forged = fingerprint[:-1] + ("0" if fingerprint[-1] != "0" else "1")
    page.fill("#id_sidik_jari", forged)
    with page.expect_response(f"**/verifikasi/{forged}/") as answer:
        page.click("main button:has-text('Periksa')")
    assert answer.value.status == 404
    expect(page.locator("main [role=alert]")).to_contain_text("Tidak dikenal.")
    expect(page.locator("main [role=alert]")).to_contain_text(forged)
    expect(page.locator("main dl.facts")).to_have_count(0)
    assert_accessible(page)
