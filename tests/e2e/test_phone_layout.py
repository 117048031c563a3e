"""At a 390 px phone width no main page scrolls sideways: the document is no wider than the viewport (issue 14, 10)."""

import datetime

import pytest
from playwright.sync_api import expect

from forum import services as forum_services
from musrenbang import services as usulan_services
from sinkronisasi.models import Overlap
from sinkronisasi.services import sync_refresh

from ..factories import make_nomenklatur, make_row, make_usulan
from .conftest import ARTIFACTS, log_in

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": PHONE, "device_scale_factor": 1}


@pytest.fixture
def world(year, opd_a, opd_b, facilitator, opd_a_editor, row_in_opd_a):
    """Something on every page: an overlapping pair, usulan in agency A's inbox, a forum with an attendee."""
    for opd, code in ((opd_a, "1.06.04.2.01.0005"), (opd_b, "2.08.02.2.01.0005")):
        make_row(
            opd=opd,
            fiscal_year=year,
            sub_kegiatan=make_nomenklatur(code, "Layanan"),
            nama="Rumah singgah sementara bagi korban kekerasan terhadap perempuan dan anak",
        )
    sync_refresh(fiscal_year=year)
    for i in range(3):
        usulan = make_usulan(
            fiscal_year=year,
            opd_tujuan=opd_a,
            id_usulan=f"USL-HP-{i}",
            usulan="Pembangunan jalan usaha tani sepanjang dua kilometer di dusun yang sangat terpencil",
        )
        usulan_services.usulan_route(usulan=usulan, opd=opd_a, by=None)
    forum = forum_services.forum_create(
        fiscal_year=year,
        opd_list=[opd_a, opd_b],
        by=facilitator,
        data={
            "jenis": "forum_lintas_pd",
            "judul": "Forum Lintas Perangkat Daerah Bidang Sosial dan Perlindungan Anak",
            "tanggal": datetime.date(2025, 3, 12),
            "mulai": datetime.time(9),
            "selesai": datetime.time(12),
            "tempat": "Gedung Bappeda Kukar",
            "pimpinan_nama": "Dr. Ahmad",
            "pimpinan_jabatan": "Asisten III",
            "pimpinan_nip": "197001011995031001",
        },
    )
    forum_services.attendee_add(
        forum=forum, data={"nama": "Siti Rahma", "unsur": "Dinas Sosial", "jabatan": "Kepala Dinas"}, by=facilitator
    )
    return {"forum": forum, "year": year}


# What sticks out of the viewport (outside any scrolling box), for the failure message.
WIDEST = """() => { const vw = window.innerWidth; const out = [];
  for (const el of document.querySelectorAll('body *')) { const r = el.getBoundingClientRect();
    if (r.right > vw + 0.5) { let p = el.parentElement, clipped = false;
      while (p) { const o = getComputedStyle(p).overflowX;
        if (o === 'auto' || o === 'scroll' || o === 'hidden') { clipped = true; break; } p = p.parentElement; }
      if (!clipped) out.push(el.tagName + '.' + el.className + '#' + el.id + ' ' + Math.round(r.right)); } }
  return out.slice(0, 15); }"""


def assert_fits(page, name: str) -> None:
    expect(page.get_by_role("main").get_by_role("heading", level=1)).to_be_visible()
    sizes = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"phone_{name}.png"), full_page=True)
    assert sizes[1] == PHONE["width"]
    assert sizes[0] <= sizes[1], (
        f"{name} ({page.url}) is {sizes[0]} px wide at a {sizes[1]} px viewport: {page.evaluate(WIDEST)}"
    )


def test_main_pages_fit_a_phone(live_server, page, world, planner):
    log_in(page, live_server, "perencana")
    expect(page.locator("header .account")).to_contain_text("perencana")
    year = world["year"]
    pair = Overlap.objects.get()
    for name, path in [
        ("home", "/"),
        ("renja_list", "/renja/"),
        ("sync", f"/sinkronisasi/?tahun={year.year}"),
        ("sync_pair", f"/sinkronisasi/pasangan/{pair.pk}/"),
        ("sync_orphans", f"/sinkronisasi/belum-diambil/?tahun={year.year}"),
        ("usulan_list", "/usulan/"),
        ("forum", f"/forum/{world['forum'].pk}/"),
    ]:
        page.goto(live_server.url + path)
        assert_fits(page, f"planner_{name}")
        if name == "sync_pair":
            # Each settlement radio button sits right beside its label (they used to float mid-page, labels far right).
            for value in ("saling_melengkapi", "koordinasi", "duplikasi"):
                radio = page.locator(f"input[name=status][value={value}]").bounding_box()
                label = page.locator(
                    f"label[for={page.locator(f'input[name=status][value={value}]').get_attribute('id')}]"
                ).bounding_box()
                assert 0 <= label["x"] - (radio["x"] + radio["width"]) <= 16, (value, radio, label)
                assert radio["x"] < 60, radio


def test_officer_inbox_fits_a_phone(live_server, page, world):
    log_in(page, live_server, "petugas.a")
    expect(page.locator("header .account")).to_contain_text("petugas.a")
    page.goto(f"{live_server.url}/usulan/kotak-masuk/")
    expect(page.locator("main")).to_contain_text("USL-HP-0")
    assert_fits(page, "officer_inbox")
    page.goto(f"{live_server.url}/")
    assert_fits(page, "officer_home")
