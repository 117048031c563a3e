"""The Renja list's cost (issue 18): fragments drawn in Python draw what the templates drew."""

import re

from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.formatting import rupiah
from renja import selectors
from renja.models import Opd, RenjaRow
from renja.services import row_update
from renja.services.ceilings import pagu_opd_set
from renja.tables import per_program_body_html

from ..factories import make_nomenklatur, make_opd, make_row

PER_PROGRAM_LOOP = Template(
    '{% for p in per_program %}<tr><td class="code">{{ p.kode }}</td><td>{{ p.nama }}</td><td class="num">{{ p.n }}'
    '</td><td class="num">{{ p.pagu_text }}</td><td class="num">{{ p.pagu_n1_text }}</td></tr>{% endfor %}'
)


def test_per_program_rows_drawn_in_python_equal_the_template_loop(year, opd_a):
    make_row(opd=opd_a, fiscal_year=year, sub_kegiatan=make_nomenklatur("1.06.04.2.01.0001"), pagu=1_000_000)
    make_row(opd=opd_a, fiscal_year=year, sub_kegiatan=make_nomenklatur("2.09.02.2.01.0002", "A & <B>"), pagu_n1=5)
    per_program = selectors.pagu_per_program(RenjaRow.objects.all())
    texts = [{**p, "pagu_text": rupiah(p["pagu"]), "pagu_n1_text": rupiah(p["pagu_n1"])} for p in per_program]
    assert str(per_program_body_html(per_program)) == PER_PROGRAM_LOOP.render(Context({"per_program": texts}))
    assert len(per_program) == 2


def _row_sums(queries) -> list[str]:
    """The queries that count or sum Renja rows (a summary computed rather than read from the cache)."""
    return [q["sql"] for q in queries if "renja_renjarow" in q["sql"] and re.search(r"\b(SUM|COUNT)\(", q["sql"])]


def _view(client, name, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse(name), params)
    return response, ctx.captured_queries


def test_home_summary_equals_the_counts_per_agency_and_status_and_the_ceilings(year, opd_a, opd_b, planner):
    make_row(opd=opd_a, fiscal_year=year, pagu=1_000_000)
    make_row(opd=opd_a, fiscal_year=year, pagu=2_000_000, status="diajukan")
    make_row(opd=opd_b, fiscal_year=year, pagu=500)
    make_opd("Kosong")  # active, no rows, no ceiling: a ceiling line, no count line
    make_opd("Lama", aktif=False)  # inactive and empty: neither
    pagu_opd_set(fiscal_year=year, opd=make_opd("Tutup", aktif=False), pagu=7, by=planner)
    pagu_opd_set(fiscal_year=year, opd=opd_a, pagu=2_500_000, by=planner)
    year.refresh_from_db()
    summary = selectors.home_summary(year)
    assert {"rows": summary["rows"], "totals": summary["totals"]} == selectors.status_summary_per_opd(year)
    assert summary["ceilings"] == selectors.ceiling_status(year)
    assert [c.opd.singkatan for c in summary["ceilings"] if c.over] == ["Dinsos"]


def test_a_description_edit_leaves_the_row_summaries_kept_and_a_pagu_edit_recounts_them(client, planner, year, opd_a):
    row = make_row(opd=opd_a, fiscal_year=year, pagu=1_000_000)
    make_row(opd=opd_a, fiscal_year=year, pagu=2_000_000)
    client.force_login(planner)
    for name in ("renja:home", "renja:row-list"):
        _response, first = _view(client, name)
        assert _row_sums(first), name
    row_update(row=row, data={"keterangan": "catatan baru"}, by=planner)
    for name in ("renja:home", "renja:row-list"):
        _response, again = _view(client, name)
        assert _row_sums(again) == [], f"{name}: a description edit changes no count or pagu"
    row_update(row=row, data={"pagu": 5_000_000}, by=planner)
    home, queries = _view(client, "renja:home")
    assert _row_sums(queries) and home.context["totals"]["pagu"] == 7_000_000
    listed, queries = _view(client, "renja:row-list")
    assert _row_sums(queries) and f"Jumlah pagu 2 baris tersaring: {rupiah(7_000_000)}" in listed.content.decode()


def test_a_ceiling_set_shows_on_the_home_page_at_the_next_view(client, planner, year, opd_a):
    make_row(opd=opd_a, fiscal_year=year, pagu=3_000_000)
    client.force_login(planner)
    assert _view(client, "renja:home")[0].context["ceilings"] == []
    pagu_opd_set(fiscal_year=year, opd=opd_a, pagu=1_000_000, by=planner)
    (ceiling,) = _view(client, "renja:home")[0].context["ceilings"]
    assert ceiling.opd == opd_a and ceiling.excess == 2_000_000


def test_an_agency_renamed_shows_on_the_kept_home_summary(client, planner, year, opd_a):
    make_row(opd=opd_a, fiscal_year=year, pagu=3_000_000)
    client.force_login(planner)
    _view(client, "renja:home")
    opd_a.singkatan = "Dinsos Baru"  # as the admin and the agency profile save it: no plan change, a new reference
    opd_a.save()  # token (core.reference), so the page drawn for the old names is not used again
    response, queries = _view(client, "renja:home")
    assert _row_sums(queries) == [] and [r["singkatan"] for r in response.context["rows"]] == ["Dinsos Baru"]


# The home page's table bodies as its template loops drew them (before renja.tables drew them in Python).
HOME_LOOPS = Template(
    "{% load i18n core_tags %}"
    '{% for r in rows %}<tr><th scope="row"><a href="{% url \'renja:row-list\' %}?tahun={{ year }}&amp;opd={{ r.id }}"'
    ' title="{{ r.nama }}">{{ r.singkatan }}</a></th>{% for c in r.counts %}<td class="num">{{ c }}</td>{% endfor %}'
    '<td class="num">{{ r.n }}</td><td class="num">{{ r.pagu|rupiah }}</td></tr>{% empty %}<tr><td colspan="7">'
    '{% translate "Belum ada baris Renja untuk tahun ini." %}</td></tr>{% endfor %}|'
    '{% for s in ceilings %}<tr{% if s.over %} class="msg-error"{% endif %}><th scope="row"><a href="'
    '{% url \'renja:row-list\' %}?tahun={{ year }}&amp;opd={{ s.opd.pk }}" title="{{ s.opd.nama }}">'
    '{{ s.opd.singkatan }}</a></th><td class="num">{{ s.pagu|rupiah }}</td><td class="num">{{ s.jumlah|rupiah }}</td>'
    '<td class="num">{% if s.over %}<strong>{% blocktranslate with selisih=s.excess|rupiah %}melebihi {{ selisih }}'
    "{% endblocktranslate %}</strong>{% else %}{% blocktranslate with selisih=s.remaining|rupiah %}sisa {{ selisih }}"
    "{% endblocktranslate %}{% endif %}</td></tr>{% endfor %}"
)


def test_home_tables_drawn_in_python_equal_the_template_loops(year, opd_a, opd_b, planner):
    from django.utils import translation

    from renja.tables import ceilings_body_html, home_rows_body_html

    empty = selectors.home_summary(year)
    assert str(home_rows_body_html(empty["rows"], year.year)) == HOME_LOOPS.render(
        Context({"rows": [], "ceilings": [], "year": year.year})
    ).rstrip("|")
    make_row(opd=opd_a, fiscal_year=year, pagu=3_000_000)
    make_row(opd=opd_b, fiscal_year=year, pagu=500, status="diajukan")
    Opd.objects.filter(pk=opd_b.pk).update(nama='Dinas "P3A" & <KB>')
    pagu_opd_set(fiscal_year=year, opd=opd_a, pagu=1_000_000, by=planner)  # over by 2,000,000
    pagu_opd_set(fiscal_year=year, opd=opd_b, pagu=2_000, by=planner)  # 1,500 left
    year.refresh_from_db()
    summary = selectors.home_summary(year)
    ceilings = [s for s in summary["ceilings"] if s.pagu is not None]
    for language in ("id", "en"):
        with translation.override(language):
            drawn = str(home_rows_body_html(summary["rows"], year.year)) + "|" + str(ceilings_body_html(ceilings, 2026))
            context = Context({"rows": summary["rows"], "ceilings": ceilings, "year": year.year})
            assert drawn.replace("\n", "") == HOME_LOOPS.render(context)
            if language == "id":
                assert "<strong>melebihi Rp2.000.000</strong>" in drawn and "sisa Rp1.500" in drawn
