"""The usulan list's cost (issue 18): fragments drawn in Python draw what the templates drew."""

import re

from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from musrenbang import selectors, services
from musrenbang.tables import row_picker_options_html
from renja.services import row_update

from ..factories import make_row, make_usulan

# The row picker's options as the template loop draws them (templates/musrenbang/_row_picker.html without rows_html).
PICKER_LOOP = Template(
    "{% load i18n core_tags %}{% for r in rows %}\n"
    '  <option value="{{ r.ref }}">{{ r.ref }} · {{ r.nama }}{% if r.rincian %} ({{ r.rincian|truncatechars:120 }})'
    '{% endif %} · {{ r.pagu|rupiah }}{% if r.ditampung %} ({% translate "sudah menampung" %} '
    "{{ r.ditampung|rupiah }}){% endif %}</option>{% endfor %}"
)


def test_row_picker_options_drawn_in_python_equal_the_template_loop(year, opd_a):
    make_row(opd=opd_a, fiscal_year=year, ref="R-1", pagu=1_250_000, rincian='Rincian <b>& "kutip"</b> ' * 12)
    make_row(opd=opd_a, fiscal_year=year, ref="R-2", pagu=0, rincian="")
    make_row(opd=opd_a, fiscal_year=year, ref="R-3 <x>", pagu=7, rincian="pendek")
    rows = selectors.rows_for_pickup(opd_id=opd_a.pk, fiscal_year_id=year.pk)
    rows[0].ditampung = 500_000  # what a pick-up would hold
    drawn = str(row_picker_options_html(rows))
    assert drawn == PICKER_LOOP.render(Context({"rows": rows}))
    assert "&lt;b&gt;" in drawn and "…" in drawn and "sudah menampung Rp500.000" in drawn


def test_the_inbox_draws_the_row_picker_of_the_agency(client, year, opd_a, opd_a_editor):
    make_row(opd=opd_a, fiscal_year=year, ref="R-9", pagu=3_000_000)
    client.force_login(opd_a_editor)
    html = client.get("/usulan/kotak-masuk/").content.decode()
    assert '<option value="R-9">R-9 · ' in html.split('id="baris-renja-pilihan"')[1].split("</datalist>")[0]


def _sums(queries, table: str) -> list[str]:
    return [q["sql"] for q in queries if table in q["sql"] and re.search(r"\b(SUM|COUNT)\(", q["sql"])]


def _view(client, name):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse(name))
    return response, ctx.captured_queries


def test_an_usulan_decision_recounts_the_usulan_and_leaves_the_renja_summaries(client, planner, year, opd_a):
    make_row(opd=opd_a, fiscal_year=year, pagu=1_000_000)
    usulan = [make_usulan(fiscal_year=year, opd_tujuan=opd_a, anggaran=1_000) for _ in range(2)]
    client.force_login(planner)
    for name in ("renja:home", "renja:row-list", "musrenbang:usulan-list"):
        _view(client, name)
    services.usulan_decide(usulan=usulan[0], kind="ditolak", alasan="bukan kewenangan", by=None)
    for name in ("renja:home", "renja:row-list"):
        assert _sums(_view(client, name)[1], "renja_renjarow") == [], name
    response, queries = _view(client, "musrenbang:usulan-list")
    assert _sums(queries, "musrenbang_usulan")
    assert {s: n for s, n in response.context["per_opd"][0]["counts"].items() if n} == {"diteruskan": 1, "ditolak": 1}


def test_a_renja_row_edit_leaves_the_usulan_counts(client, planner, year, opd_a):
    row = make_row(opd=opd_a, fiscal_year=year, pagu=1_000_000)
    make_usulan(fiscal_year=year, opd_tujuan=opd_a)
    client.force_login(planner)
    _view(client, "musrenbang:usulan-list")
    row_update(row=row, data={"pagu": 2_000_000, "keterangan": "baru"}, by=planner)
    assert _sums(_view(client, "musrenbang:usulan-list")[1], "musrenbang_usulan") == []
