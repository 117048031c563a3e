"""Lists that do not recount the year on every view (issue 18, point 2): the usulan list's counts per kecamatan and
agency and the Renja list's totals are computed once per plan revision and scope, and a write through a service
shows at the next view."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.formatting import rupiah
from musrenbang import services
from renja import services as renja_services
from renja.services.revision import plan_changed

from ..factories import make_row, make_usulan


def _grouped(queries, table: str) -> list[str]:
    return [q["sql"] for q in queries if table in q["sql"] and re.search(r"\b(SUM|COUNT)\(", q["sql"], re.I)]


def _view(client, url, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse(url), params)
    _view.context = response.context
    return response.content.decode(), ctx.captured_queries


def _per_opd(client) -> dict[str, dict[str, int]]:
    """The usulan list's counts per agency, as the page was given them: {agency: {status: n}} (non-zero only)."""
    _view(client, "musrenbang:usulan-list")
    return {e["name"]: {s: n for s, n in e["counts"].items() if n} for e in _view.context["per_opd"]}


@pytest.fixture
def usulan(year, opd_a, opd_b):
    return [make_usulan(fiscal_year=year, opd_tujuan=(opd_a, opd_b)[i % 2], anggaran=1_000_000) for i in range(4)]


def test_the_usulan_counts_are_counted_once_per_revision(client, planner, usulan):
    client.force_login(planner)
    _html, first = _view(client, "musrenbang:usulan-list")
    assert _grouped(first, "musrenbang_usulan")
    _html, again = _view(client, "musrenbang:usulan-list")
    assert _grouped(again, "musrenbang_usulan") == [], "the year's usulan are not counted again"


def test_a_decision_shows_in_the_counts_at_the_next_view(client, planner, usulan, opd_b):
    client.force_login(planner)
    assert _per_opd(client)["DP3A"] == {"diteruskan": 2}
    services.usulan_decide(usulan=usulan[1], kind="ditolak", alasan="bukan kewenangan", by=None)
    assert _per_opd(client)["DP3A"] == {"diteruskan": 1, "ditolak": 1}
    _html, again = _view(client, "musrenbang:usulan-list")
    assert _grouped(again, "musrenbang_usulan") == []


def test_an_agencys_officer_gets_their_own_counts_not_bappedas(client, planner, opd_a_editor, usulan):
    client.force_login(planner)
    assert set(_per_opd(client)) == {"Dinsos", "DP3A"}
    client.force_login(opd_a_editor)
    assert set(_per_opd(client)) == {"Dinsos"}, "an agency's counts are its own, not Bappeda's cached ones"


def test_a_recount_costs_the_same_queries_for_few_and_many_usulan(client, planner, year, opd_a):
    client.force_login(planner)
    make_usulan(fiscal_year=year, opd_tujuan=opd_a)
    client.get(reverse("musrenbang:usulan-list"))  # draws the reference lists once
    plan_changed(year.pk)
    _html, few = _view(client, "musrenbang:usulan-list")
    for _ in range(12):
        make_usulan(fiscal_year=year, opd_tujuan=opd_a)
    plan_changed(year.pk)
    _html, many = _view(client, "musrenbang:usulan-list")
    assert len(many) == len(few)


def test_the_renja_totals_are_summed_once_per_revision_and_follow_an_edit(client, planner, year, opd_a):
    row = make_row(opd=opd_a, fiscal_year=year, pagu=1_000_000)
    make_row(opd=opd_a, fiscal_year=year, pagu=2_000_000)
    client.force_login(planner)
    html, first = _view(client, "renja:row-list")
    assert _grouped(first, "renja_renjarow") and f"Jumlah pagu 2 baris tersaring: {rupiah(3_000_000)}" in html
    html, again = _view(client, "renja:row-list")
    assert _grouped(again, "renja_renjarow") == [] and rupiah(3_000_000) in html
    renja_services.row_update(row=row, data={"pagu": 5_000_000}, by=planner)
    html, _q = _view(client, "renja:row-list")
    assert f"Jumlah pagu 2 baris tersaring: {rupiah(7_000_000)}" in html


def test_a_filtered_renja_list_is_summed_as_it_is_asked(client, planner, year, opd_a, opd_b):
    make_row(opd=opd_a, fiscal_year=year, pagu=1_000_000)
    make_row(opd=opd_b, fiscal_year=year, pagu=2_000_000)
    client.force_login(planner)
    _view(client, "renja:row-list")
    html, queries = _view(client, "renja:row-list", opd=opd_b.pk)
    assert _grouped(queries, "renja_renjarow")
    assert f"Jumlah pagu 1 baris tersaring: {rupiah(2_000_000)}" in html
