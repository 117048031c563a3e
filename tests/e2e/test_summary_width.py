"""At 1366 × 768 the summary tables fit (issue 14, point 6): the page does not scroll sideways and each summary
table's last column is visible inside the viewport and inside its own scrolling region."""

import pytest
from playwright.sync_api import expect

from musrenbang import services as usulan_services
from renja.models import Wilayah

from ..factories import make_nomenklatur, make_opd, make_row, make_usulan, make_wilayah
from .conftest import ARTIFACTS, log_in

pytestmark = pytest.mark.django_db(transaction=True)

DESKTOP = {"width": 1366, "height": 768}


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": DESKTOP, "device_scale_factor": 1}


@pytest.fixture
def world(year, opd_a, opd_b, planner):
    """Big amounts, every usulan status and row status, long place names: the widest the summaries get."""
    kecamatan = [make_wilayah(f"64.02.{10 + i}", f"Tenggarong Seberang Ulu {i}") for i in range(3)]
    desa = [
        make_wilayah(f"64.02.{10 + i}.2001", f"Bukit Biru Kampung Lama {i}", Wilayah.Tingkat.DESA, parent=k)
        for i, k in enumerate(kecamatan)
    ]
    agencies = [opd_a, opd_b, make_opd("DPMPTSP"), make_opd("Disdikbud")]
    sub = make_nomenklatur("1.06.04.2.01.0001")
    for opd in agencies:
        for status in ("draft", "diajukan", "disepakati", "final"):
            make_row(
                opd=opd,
                fiscal_year=year,
                sub_kegiatan=sub,
                status=status,
                pagu=987_654_321_000,
                pagu_n1=999_999_999_999,
            )
    for i in range(16):
        u = make_usulan(
            fiscal_year=year, desa=desa[i % 3], anggaran=98_765_432_100, opd_tujuan=agencies[i % 4] if i % 8 else None
        )
        if i % 8 in (2, 3):
            usulan_services.usulan_decide(usulan=u, kind="ditolak", alasan="Bukan kewenangan", by=None)
        elif i % 8 == 4:
            usulan_services.usulan_decide(usulan=u, kind="dikembalikan", alasan="Lengkapi", by=None)
    return {"year": year}


# For each summary table: [table id or index, right edge of its last header cell, viewport width, right edge of
# the scrolling region around it (or the viewport), whether the table is wider than that region].
LAST_COLUMNS = """(selector) => [...document.querySelectorAll(selector)].map((t, i) => {
  const cells = t.querySelectorAll('thead tr:first-child th');
  const last = cells[cells.length - 1].getBoundingClientRect();
  const region = t.closest('.scroll'); const box = region ? region.getBoundingClientRect() : {right: window.innerWidth};
  return [t.id || i, Math.round(last.right), window.innerWidth, Math.round(box.right),
    region ? region.scrollWidth > region.clientWidth + 1 : false]; })"""


def assert_summaries_fit(page, name: str, selector: str) -> None:
    expect(page.get_by_role("main").get_by_role("heading", level=1)).to_be_visible()
    page.evaluate("() => document.querySelectorAll('main details').forEach(d => d.open = true)")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"desktop_{name}.png"), full_page=True)
    width, inner = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert inner == DESKTOP["width"]
    assert width <= inner, f"{name}: the page is {width} px wide at {inner} px"
    tables = page.evaluate(LAST_COLUMNS, selector)
    assert tables, f"{name}: no summary table found by {selector}"
    for table_id, right, viewport, region_right, overflows in tables:
        assert right <= viewport and right <= region_right + 1 and not overflows, (
            f"{name} {table_id}: last column ends at {right} px "
            f"(viewport {viewport}, region {region_right}, scrolls {overflows})"
        )


def test_summary_tables_fit_1366(live_server, page, world):
    log_in(page, live_server, "perencana")
    expect(page.locator("header .account")).to_contain_text("perencana")
    year = world["year"].year
    for name, path, selector in [
        ("home", "/", "#ringkas ~ .scroll table"),
        ("renja_list", "/renja/", "#tabel-per-program"),
        ("usulan_list", "/usulan/", "table.counts"),
        ("sync_orphans", f"/sinkronisasi/belum-diambil/?tahun={year}", "table.counts"),
    ]:
        page.goto(live_server.url + path)
        assert_summaries_fit(page, name, selector)
