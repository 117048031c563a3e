"""The usulan list's cost (issue 18): fragments drawn in Python draw what the templates drew."""

from django.template import Context, Template

from musrenbang import selectors
from musrenbang.tables import row_picker_options_html

from ..factories import make_row

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
