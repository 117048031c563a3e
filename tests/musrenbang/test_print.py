"""The print view of the usulan list: every filtered usulan, no form, no inline style, bounded."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from musrenbang.views import lists as views

from ..factories import make_usulan


@pytest.fixture
def many_usulan(year, opd_a, opd_b):
    for i in range(30):
        make_usulan(fiscal_year=year, id_usulan=f"MD-{i:03}", anggaran=10_000_000, opd_tujuan=opd_a)
    make_usulan(fiscal_year=year, id_usulan="MX-001", opd_tujuan=opd_b)


def test_usulan_print_shows_every_filtered_usulan_without_form_or_inline_style(
    client, planner, year, opd_a, many_usulan
):
    client.force_login(planner)
    response = client.get(reverse("musrenbang:usulan-print"), {"tahun": year.year, "opd": opd_a.pk})
    assert response.status_code == 200
    page = response.content.decode()
    assert len(re.findall(r"<td>MD-\d{3}</td>", page)) == 30 and "MX-001" not in page
    assert "<form" not in page and "style=" not in page and "<style" not in page
    assert settings.PEMDA["nama"] in page and "<dt>OPD tujuan</dt><dd>Dinsos" in page and "Rp300.000.000" in page
    assert "Bukit Biru" in page and "<thead>" in page and "css/print-list.css" in page


def test_usulan_print_is_bounded(client, planner, year, many_usulan, monkeypatch):
    monkeypatch.setattr(views, "PRINT_MAX_ROWS", 5)
    client.force_login(planner)
    page = client.get(reverse("musrenbang:usulan-print"), {"tahun": year.year}).content.decode()
    assert len(re.findall(r"<td>M[DX]-\d{3}</td>", page)) == 5 and "Hanya 5 usulan pertama dari 31" in page


def test_usulan_list_links_the_print_view(client, planner, year, many_usulan):
    client.force_login(planner)
    page = client.get(reverse("musrenbang:usulan-list"), {"tahun": year.year}).content.decode()
    assert f"{reverse('musrenbang:usulan-print')}?tahun={year.year}" in page


def test_officer_prints_only_what_they_may_see(client, opd_b_editor, year, many_usulan):
    client.force_login(opd_b_editor)
    page = client.get(reverse("musrenbang:usulan-print"), {"tahun": year.year}).content.decode()
    assert "MX-001" in page and "MD-000" not in page


def test_usulan_print_query_count_does_not_grow(client, planner, year, opd_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(planner)
    make_usulan(fiscal_year=year, id_usulan="Q-0", opd_tujuan=opd_a)
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("musrenbang:usulan-print"), {"tahun": year.year})
    for i in range(1, 6):
        make_usulan(fiscal_year=year, id_usulan=f"Q-{i}", opd_tujuan=opd_a)
    with CaptureQueriesContext(connection) as big:
        client.get(reverse("musrenbang:usulan-print"), {"tahun": year.year})
    assert len(big.captured_queries) == len(small.captured_queries)
