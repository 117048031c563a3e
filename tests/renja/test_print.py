"""The print view of the Renja list: every filtered row (no pager), no filter form, no inline style, the Pemda and
the filters on top, landscape pages with the header repeated, bounded."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from renja.views import lists as views

from ..factories import make_row, make_sasaran, make_wilayah


@pytest.fixture
def many_rows(year, opd_a, opd_b):
    kec = make_wilayah("64.02.06", "Tenggarong")
    for i in range(30):
        make_row(
            opd=opd_a, fiscal_year=year, ref=f"A-{i:03}", pagu=1_000_000, lokasi=[kec], sasaran=[make_sasaran("anak")]
        )
    make_row(opd=opd_b, fiscal_year=year, ref="B-001", pagu=5)


def test_print_view_shows_every_filtered_row_without_form_or_inline_style(client, planner, year, opd_a, many_rows):
    client.force_login(planner)
    response = client.get(reverse("renja:row-print"), {"tahun": year.year, "opd": opd_a.pk})
    assert response.status_code == 200
    page = response.content.decode()
    assert len(re.findall(r"<td>A-\d{3}</td>", page)) == 30 and "B-001" not in page
    assert "<form" not in page and "style=" not in page and "<style" not in page
    assert settings.PEMDA["nama"] in page
    assert "<dt>OPD</dt><dd>" in page and "<dt>Tahun</dt>" in page  # the filter summary
    assert "Rp30.000.000" in page  # the filtered rows' pagu
    assert "Kec. Tenggarong" in page and "<thead>" in page
    assert "css/print-list.css" in page


def test_print_css_is_landscape_and_repeats_the_header():
    css = (Path(settings.BASE_DIR) / "static" / "css" / "print-list.css").read_text()
    assert "size: A4 landscape" in css and "thead { display: table-header-group; }" in css


def test_print_view_is_bounded_with_a_message(client, planner, year, many_rows, monkeypatch):
    monkeypatch.setattr(views, "PRINT_MAX_ROWS", 10)
    client.force_login(planner)
    page = client.get(reverse("renja:row-print"), {"tahun": year.year}).content.decode()
    assert len(re.findall(r"<td>[AB]-\d{3}</td>", page)) == 10
    assert "Hanya 10 baris pertama dari 31" in page


def test_list_links_to_the_print_view_with_its_filters(client, planner, year, opd_a, many_rows):
    client.force_login(planner)
    page = client.get(reverse("renja:row-list"), {"tahun": year.year, "opd": opd_a.pk}).content.decode()
    assert f"{reverse('renja:row-print')}?tahun={year.year}&amp;opd={opd_a.pk}" in page and "Cetak daftar" in page


def test_print_view_needs_login_and_shows_only_visible_rows(client, year, many_rows):
    assert client.get(reverse("renja:row-print")).status_code == 302


def test_print_view_query_count_does_not_grow(client, planner, year, opd_a):
    client.force_login(planner)
    kec = make_wilayah("64.02.06", "Tenggarong")
    make_row(opd=opd_a, fiscal_year=year, ref="Q-0", lokasi=[kec], sasaran=[make_sasaran("anak")])
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(reverse("renja:row-print"), {"tahun": year.year})
    for i in range(1, 6):
        make_row(opd=opd_a, fiscal_year=year, ref=f"Q-{i}", lokasi=[kec], sasaran=[make_sasaran("lansia")])
    with CaptureQueriesContext(connection) as big:
        client.get(reverse("renja:row-print"), {"tahun": year.year})
    assert len(big.captured_queries) == len(small.captured_queries)
