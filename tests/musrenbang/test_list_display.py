"""The usulan list drawn in Python shows the same cells, checkboxes and counts as before."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from musrenbang.tables import status_counts_body_html

from ..factories import make_usulan


@pytest.fixture(autouse=True)
def _indonesian():
    with translation.override(settings.LANGUAGE_CODE):
        yield


def test_rows_show_empty_values_as_a_dash_and_link_the_usulan(client, planner, year, opd_a):
    routed = make_usulan(
        fiscal_year=year, opd_tujuan=opd_a, id_usulan="U-1", prioritas=2, volume=3, satuan="unit", anggaran=150_000_000
    )
    bare = make_usulan(fiscal_year=year, id_usulan="U-2", usulan="Jalan <desa>")
    client.force_login(planner)
    html = client.get(reverse("musrenbang:usulan-list")).content.decode()
    assert f'<a href="{reverse("musrenbang:usulan-detail", args=[routed.pk])}">U-1</a>' in html
    assert '<td class="num">2</td><td>3 unit</td><td class="num">Rp150.000.000</td><td>Dinsos</td>' in html
    assert (
        "Jalan &lt;desa&gt;" in html
        and '<td class="num">—</td><td></td><td class="num">Rp150.000.000</td><td>—</td>' in html
    )
    assert f'name="pilih" value="{bare.pk}" form="massal" aria-label="Pilih U-2"' in html
    assert '<tr class="even">' in html and '<tr class="odd">' in html


def test_facilitator_rows_have_no_checkbox(client, facilitator, year):
    make_usulan(fiscal_year=year)
    client.force_login(facilitator)
    html = client.get(reverse("musrenbang:usulan-list")).content.decode()
    assert 'name="pilih"' not in html and "Belum diteruskan" in html


def test_counts_rows_are_drawn_with_escaping():
    rows = [{"name": "<b>Kec</b>", "count_list": [1, 0, 2], "n": 3, "biaya": 1_500_000}]
    assert str(status_counts_body_html(rows)) == (
        '<tr><th scope="row">&lt;b&gt;Kec&lt;/b&gt;</th><td class="num">1</td><td class="num">0</td>'
        '<td class="num">2</td><td class="num">3</td><td class="num">Rp1.500.000</td></tr>'
    )


def test_bulk_agency_list_offers_active_agencies(client, planner, year, opd_a, opd_b):
    opd_b.aktif = False
    opd_b.save()
    client.force_login(planner)
    html = client.get(reverse("musrenbang:usulan-list")).content.decode()
    bulk = html[html.index('id="massal"') :]
    assert f'<option value="{opd_a.pk}">Dinsos</option>' in bulk and f'<option value="{opd_b.pk}">' not in bulk
