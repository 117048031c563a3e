"""The list pages' cheap drawing: cached reference <select> lists and tables drawn in Python show what before."""

import copy

import pytest
from django import forms
from django.urls import reverse

from core.form_renderer import ReferenceSelect
from renja import selectors
from renja.filters import RenjaRowFilter
from renja.models import RenjaRow
from renja.services.revision import plan_changed
from renja.tables import RenjaRowTable

from ..factories import make_nomenklatur, make_opd, make_row, make_sasaran, make_wilayah

REFERENCE_FIELDS = ["tahun", "opd", "program", "kecamatan", "sasaran"]


@pytest.fixture
def reference(year, opd_a, opd_b):
    make_wilayah("64.02.01", "Muara Muntai")
    make_wilayah()
    make_wilayah("64.02.06.2001", "Bukit Biru", "desa", parent=make_wilayah())
    make_sasaran("anak"), make_sasaran("lansia")
    make_nomenklatur()  # and its program


def row_filter(data=None):
    return RenjaRowFilter(data, queryset=RenjaRow.objects.all(), default_year=selectors.current_fiscal_year())


def plain_html(bound_field) -> str:
    """The same field drawn by Django's own Select or SelectMultiple (through the project's renderer)."""
    field = copy.deepcopy(bound_field.field)
    kind = forms.SelectMultiple if bound_field.field.widget.allow_multiple_selected else forms.Select
    field.widget = kind(attrs=bound_field.field.widget.attrs)
    field.widget.choices = field.choices
    bound_field.form.fields[bound_field.name] = field
    return str(bound_field.form[bound_field.name])


@pytest.mark.parametrize("data", [None, "chosen"])
def test_reference_selects_draw_what_django_draws(reference, opd_b, data):
    params = {"opd": str(opd_b.pk), "kecamatan": "bukan-angka"} if data else None
    for name in REFERENCE_FIELDS:
        form = row_filter(params).form
        assert isinstance(form.fields[name].widget, ReferenceSelect)
        cached = str(form[name])
        assert cached == plain_html(form[name]), name
    if data:
        assert f'<option value="{opd_b.pk}" selected>DP3A</option>' in str(row_filter(params).form["opd"])


def test_a_renamed_agency_shows_at_once(reference, opd_a):
    assert ">Dinsos<" in str(row_filter().form["opd"])
    opd_a.singkatan = "Dinsos-Baru"
    opd_a.save()
    html = str(row_filter().form["opd"])
    assert ">Dinsos-Baru<" in html and ">Dinsos<" not in html
    make_opd("Bappeda")
    assert ">Bappeda<" in str(row_filter().form["opd"])


def test_a_cached_list_costs_one_cache_read(reference, django_assert_num_queries):
    str(row_filter().form["opd"])  # drawn once
    form = row_filter().form
    form.is_valid()  # drawing a field validates the form first (the year): the view does that anyway
    with django_assert_num_queries(1):  # the reference token (outside a request: at every draw)
        str(form["opd"])


def in_request(draw):
    """`draw()` run as a request runs it: inside RequestScopeMiddleware."""
    from django.test import RequestFactory

    from core.reference import RequestScopeMiddleware

    result = []
    RequestScopeMiddleware(lambda request: result.append(draw()))(RequestFactory().get("/"))
    return result[0]


def test_a_page_reads_the_token_once_and_no_option_list(reference, django_assert_num_queries):
    def draw_all():
        form = row_filter().form
        form.is_valid()
        return [str(form[name]) for name in REFERENCE_FIELDS]

    first = in_request(draw_all)  # drawn once in this process
    form = row_filter().form
    form.is_valid()
    with django_assert_num_queries(1):  # five lists: one read of the token, no rows of Opd, Wilayah, …
        assert in_request(lambda: [str(form[name]) for name in REFERENCE_FIELDS]) == first


def test_a_change_made_elsewhere_is_seen_through_the_token(reference, opd_a):
    from django.core.cache import cache

    from core import reference as reference_token
    from renja.models import Opd

    assert ">Dinsos<" in str(row_filter().form["opd"])
    # Another process renames the agency: its write sends the signal there, which stores a new token in the shared
    # cache; here only the cache and the row change.
    Opd.objects.filter(pk=opd_a.pk).update(singkatan="Dinsos-Lain")
    cache.set(reference_token.KEY, "another-process")
    html = str(row_filter().form["opd"])
    assert ">Dinsos-Lain<" in html and ">Dinsos<" not in html


def test_a_bulk_load_renews_the_lists(reference, opd_a):
    from renja.models import Opd
    from renja.services.revision import summaries_changed_everywhere

    assert ">Dinsos<" in str(row_filter().form["opd"])
    Opd.objects.filter(pk=opd_a.pk).update(singkatan="Dinsos-Muat")  # as the reference loader's bulk_update
    summaries_changed_everywhere()  # what the loader calls after its writes
    assert ">Dinsos-Muat<" in str(row_filter().form["opd"])


def test_a_deleted_or_added_reference_row_shows_at_once(reference):
    from renja.models import KelompokSasaran

    html = str(row_filter().form["sasaran"])
    assert ">Lansia<" in html
    KelompokSasaran.objects.get(nama__iexact="lansia").delete()
    assert ">Lansia<" not in str(row_filter().form["sasaran"])
    programs = str(row_filter().form["program"])
    make_nomenklatur("3.27.07.2.01.0001", "Sub kegiatan baru")
    assert "3.27.07" not in programs and "3.27.07" in str(row_filter().form["program"])


def test_a_lost_token_is_made_afresh(reference, opd_a):
    from django.core.cache import cache

    from core import reference as reference_token
    from renja.models import Opd

    old = reference_token.token()
    assert ">Dinsos<" in str(row_filter().form["opd"])
    Opd.objects.filter(pk=opd_a.pk).update(singkatan="Dinsos-Cull")
    cache.delete(reference_token.KEY)  # culled from the cache table
    assert reference_token.token() != old
    assert ">Dinsos-Cull<" in str(row_filter().form["opd"])


def test_a_change_gives_another_token_again_once_committed(db, django_capture_on_commit_callbacks):
    from core import reference as reference_token

    before = reference_token.token()
    with django_capture_on_commit_callbacks(execute=True):
        reference_token.changed()
        inside = reference_token.token()
    assert before != inside != reference_token.token()  # the second is for caches outside the transaction


def test_a_narrowed_list_is_another_list(reference, year, opd_a, opd_b):
    from renja.forms import RenjaRowForm
    from renja.models import Opd

    everyone = str(RenjaRowForm(editable_opds=Opd.objects.all(), fiscal_year=year)["opd"])
    own = str(RenjaRowForm(editable_opds=Opd.objects.filter(pk=opd_a.pk), fiscal_year=year)["opd"])
    nobody = str(RenjaRowForm(editable_opds=Opd.objects.none(), fiscal_year=year)["opd"])
    assert ">DP3A<" in everyone and ">DP3A<" not in own and ">Dinsos<" in own
    assert ">Dinsos<" not in nobody
    assert str(RenjaRowForm(editable_opds=Opd.objects.all(), fiscal_year=year)["opd"]) == everyone


def test_lists_follow_the_language(client, planner, reference):
    client.force_login(planner)
    assert "Semua OPD" in client.get(reverse("renja:row-list")).content.decode()
    client.cookies["django_language"] = "en"
    assert "Semua OPD" not in client.get(reverse("renja:row-list")).content.decode()


def test_table_rows_show_places_groups_and_status(year, opd_a):
    kec = make_wilayah()
    desa = [make_wilayah(f"64.02.06.200{i}", f"Desa {i}", "desa", parent=kec) for i in range(1, 5)]
    row = make_row(
        opd=opd_a, fiscal_year=year, ref="R-1", lokasi=[kec, *desa], sasaran=[make_sasaran("anak")], status="diajukan"
    )
    make_row(opd=opd_a, fiscal_year=year, ref="R-2", target=95.5, satuan="persen", pagu=1_250_000_000)
    table = RenjaRowTable(selectors.rows_for_table(RenjaRow.objects.order_by("ref")))
    html = str(table.body_html())
    first, second = html.split("\n")
    assert f'<a href="{reverse("renja:row-detail", args=[row.pk])}">R-1</a>' in first
    assert (
        "<td>Kec. Tenggarong, Desa Desa 1, Desa Desa 2 +2</td>" in first
    )  # in their usual order (by code), with their kind
    assert '<span class="tag">Anak</span>' in first and '<span class="badge badge-diajukan">Diajukan</span>' in first
    assert "<td>Se-kabupaten</td>" in second and "<td>95,5 persen</td>" in second and "Rp1.250.000.000" in second


def test_empty_table_says_so(year):
    table = RenjaRowTable(selectors.rows_for_table(RenjaRow.objects.all()))
    assert "Tidak ada baris Renja yang cocok" in str(table.body_html())


def test_list_page_draws_no_query_per_row(client, planner, year, opd_a, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(planner)
    kec, anak, lansia = make_wilayah(), make_sasaran("anak"), make_sasaran("lansia")
    make_row(opd=opd_a, fiscal_year=year, lokasi=[kec], sasaran=[anak])
    client.get(reverse("renja:row-list"))  # draws the reference lists (a changed list costs one query more, once)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("renja:row-list"))
    queries = len(one.captured_queries)  # read now: the next request clears the log
    for _ in range(24):
        make_row(opd=opd_a, fiscal_year=year, lokasi=[kec], sasaran=[lansia])
    plan_changed(year.pk)  # the factory's rows are no service's write: the cached summary learns of them so
    client.get(reverse("renja:row-list"))  # the summary computed and cached once for the new revision
    with django_assert_max_num_queries(queries):
        assert client.get(reverse("renja:row-list")).content.decode().count('class="tag"') == 25


def test_row_form_agency_selects_draw_what_django_draws(reference, year, opd_a, opd_b):
    from renja.forms import RenjaRowForm
    from renja.models import Opd

    row = make_row(opd=opd_a, fiscal_year=year, opd_pengampu=opd_b)
    third = make_opd("Bappeda")
    row.opd_pendukung.set([opd_b, third])
    form = RenjaRowForm(instance=row, editable_opds=Opd.objects.all(), fiscal_year=year)
    for name in ("opd", "opd_pengampu", "opd_pendukung"):
        assert isinstance(form.fields[name].widget, ReferenceSelect)
        assert str(form[name]) == plain_html(form[name]), name
    chosen = str(form["opd_pendukung"])
    assert " multiple>" in chosen and chosen.count(" selected>") == 2
    assert f'<option value="{third.pk}" selected>Bappeda</option>' in chosen
    posted = RenjaRowForm({"opd_pendukung": [str(opd_b.pk), str(third.pk)]}, editable_opds=Opd.objects.all())
    assert posted["opd_pendukung"].value() == [str(opd_b.pk), str(third.pk)]  # every chosen value is read
    assert '<option value="' + str(opd_a.pk) + '">Dinsos</option>' in str(posted["opd_pendukung"])
    assert f'<option value="{opd_b.pk}" selected>DP3A</option>' in str(form["opd_pengampu"])
    assert f'<option value="{opd_a.pk}" selected>Dinsos</option>' in str(form["opd"])


@pytest.mark.parametrize("url", ["renja:row-list", "musrenbang:usulan-list"])
def test_the_lists_read_the_default_year_once(client, planner, reference, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(planner)
    client.get(reverse(url))  # the option lists drawn
    with CaptureQueriesContext(connection) as seen:
        assert client.get(reverse(url)).status_code == 200
    years = [q["sql"] for q in seen.captured_queries if 'FROM "renja_fiscalyear"' in q["sql"]]
    assert len(years) == 1, years  # the newest year, taken by the filter as it is


def test_another_year_asked_for_is_read_and_shown(client, planner, reference, opd_a):
    from ..factories import make_fiscal_year

    older = make_fiscal_year(2025)
    make_row(opd=opd_a, fiscal_year=older, ref="LAMA-1")
    client.force_login(planner)
    html = client.get(reverse("renja:row-list"), {"tahun": "2025"}).content.decode()
    assert "LAMA-1" in html and '<option value="2025" selected>2025</option>' in html
    assert "LAMA-1" not in client.get(reverse("renja:row-list")).content.decode()


def old_row_html(r) -> str:
    """RenjaRowTable.row_html as it was drawn with format_html (the oracle of the f-string drawing)."""
    from django.utils.html import format_html, format_html_join
    from django.utils.translation import gettext

    from core.formatting import angka, rupiah
    from renja.tables import places_text

    return format_html(
        '<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td class="wrap">{}{}</td>'
        '<td>{} {}{}</td><td class="num">{}</td><td>{}</td><td>{}</td>'
        '<td><span class="badge badge-{}">{}</span></td></tr>',
        reverse("renja:row-detail", args=[r.pk]),
        r.ref,
        r.opd.singkatan,
        r.kode,
        r.nama,
        format_html('<br><small class="help rincian">{}</small>', r.rincian) if r.rincian else "",
        angka(r.target),
        r.satuan,
        format_html(
            '<br><small class="help">{}: {} {} {}</small>',
            gettext("Indikator tambahan OPD"),
            r.indikator_opd,
            angka(r.target_opd),
            r.satuan_opd,
        )
        if r.indikator_opd
        else "",
        rupiah(r.pagu),
        places_text(r.lokasi_list),
        format_html_join("", '<span class="tag">{}</span> ', ((s.nama,) for s in r.sasaran_list)),
        r.status,
        r.get_status_display(),
    )


@pytest.mark.parametrize("language", ["id", "en"])
def test_table_rows_are_drawn_as_format_html_drew_them(year, opd_a, language):
    from django.utils import translation

    kec = make_wilayah()
    hostile = "<script>alert('x')</script> & \"kutip\""
    make_row(
        opd=opd_a,
        fiscal_year=year,
        ref="R-<1>",
        rincian=hostile,
        satuan="m&sup2;",
        lokasi=[kec, *(make_wilayah(f"64.02.06.200{i}", f"Desa <{i}>", "desa", parent=kec) for i in range(1, 5))],
        sasaran=[make_sasaran("anak"), make_sasaran("lansia")],
        status="diajukan",
        indikator_opd=hostile,
        target_opd=12.5,
        satuan_opd="<b>unit</b>",
    )
    make_row(opd=opd_a, fiscal_year=year, ref="R-2", target=95.5, pagu=1_250_000_000, status="final")
    with translation.override(language):
        table = RenjaRowTable(selectors.rows_for_table(RenjaRow.objects.order_by("ref")))
        drawn = str(table.body_html()).split("\n")
        records = [row.record for row in table.paginated_rows]  # in the table's order, names attached
        assert drawn == [str(old_row_html(r)) for r in records]
    assert "<script>" not in drawn[0] and "&lt;script&gt;" in drawn[0]
