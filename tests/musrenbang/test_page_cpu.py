"""The usulan list's and the officer's inbox's cost per view: a fixed number of queries however many usulan there
are, no COUNT query where the page's own query counts, rows drawn from values exactly as from model instances."""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.core.paginator import EmptyPage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

from core.formatting import angka, rupiah
from musrenbang import decisions, selectors, services
from musrenbang.models import Usulan
from musrenbang.tables import EMPTY, PageCountingPaginator, UsulanTable, row_picker_options_html
from musrenbang.views.lists import UNDECIDED_FIRST
from renja.models import Wilayah

from ..factories import make_opd, make_row, make_usulan, make_wilayah

LIST, INBOX = "musrenbang:usulan-list", "musrenbang:inbox"


@pytest.fixture(autouse=True)
def _indonesian():
    with translation.override(settings.LANGUAGE_CODE):
        yield


def _queries(client, name, data=None):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse(name), data or {})
    assert response.status_code == 200
    return response, [q["sql"] for q in ctx.captured_queries]


def _usulan(year, opd, n, start=0):
    kec = make_wilayah("64.02.07", "Loa Kulu")
    desa = make_wilayah("64.02.07.2001", "Loa Kulu Kota", Wilayah.Tingkat.DESA, parent=kec)
    for i in range(start, start + n):
        make_usulan(fiscal_year=year, opd_tujuan=opd, desa=desa, id_usulan=f"U-{i:03}", prioritas=i % 4 or None)


def _usulan_counts(sqls):
    return [s for s in sqls if re.search(r'COUNT\(\*\) AS "__count" FROM "musrenbang_usulan"', s)]


@pytest.mark.parametrize("who,name", [("opd_a_editor", INBOX), ("planner", LIST), ("opd_a_viewer", INBOX)])
def test_queries_stay_flat_as_usulan_grow(client, request, year, opd_a, who, name):
    make_row(opd=opd_a, fiscal_year=year, ref="R-1", pagu=1_000_000)
    client.force_login(request.getfixturevalue(who))
    _usulan(year, opd_a, 5)
    _queries(client, name)  # cached summaries and option lists in place
    _response, few = _queries(client, name)
    _usulan(year, opd_a, 35, start=5)
    _queries(client, name)
    response, many = _queries(client, name)
    assert len(few) == len(many)
    assert response.context["total"] == 40 and len(response.context["table"].page.object_list) == 25


def test_the_inbox_counts_in_the_page_query_and_reads_no_places_of_rows(client, year, opd_a, opd_a_editor):
    """Before: a COUNT query ahead of the page's query, and the picker rows' places (two queries more)."""
    make_row(opd=opd_a, fiscal_year=year, ref="R-1", pagu=1_000_000)
    _usulan(year, opd_a, 30)
    client.force_login(opd_a_editor)
    _queries(client, INBOX)
    response, sqls = _queries(client, INBOX)
    assert _usulan_counts(sqls) == []
    assert not [s for s in sqls if "renjarow_lokasi" in s]
    assert response.context["total"] == 30 and response.context["table"].paginator.num_pages == 2
    assert '<option value="R-1">R-1 · ' in response.content.decode()


def test_a_filtered_list_counts_in_the_page_query(client, year, opd_a, planner):
    _usulan(year, opd_a, 30)
    client.force_login(planner)
    response, sqls = _queries(client, LIST, {"prioritas_max": "2"})
    assert _usulan_counts(sqls) == []
    assert response.context["total"] == Usulan.objects.filter(prioritas__lte=2).count() > 0


def test_pages_past_the_end_and_empty_lists_keep_their_numbers(client, year, opd_a, opd_a_editor, planner):
    _usulan(year, opd_a, 30)
    client.force_login(opd_a_editor)
    last = _queries(client, INBOX, {"page": "7"})[0].context["table"]
    assert last.page.number == 2 and len(last.page.object_list) == 5 and last.paginator.count == 30
    client.force_login(planner)
    none = _queries(client, LIST, {"q": "tidak-ada-yang-cocok"})[0]
    assert none.context["total"] == 0 and none.context["table"].page.number == 1
    assert "Tidak ada usulan yang cocok dengan saringan." in none.content.decode()


def test_the_page_counting_paginator_agrees_with_django_s(year, opd_a):
    _usulan(year, opd_a, 7)
    rows = selectors.usulan_rows_for_table(Usulan.objects.order_by("id_usulan"), counted=True)
    for number in (1, 2, 3, 4):
        paginator = PageCountingPaginator(rows, 3)
        page = paginator.page(number) if number <= 3 else None
        if page is None:
            with pytest.raises(EmptyPage):  # as Django's
                paginator.page(number)
            continue
        assert (
            paginator.count == 7
            and [r.id_usulan for r in page] == [f"U-{i:03}" for i in range(7)][(number - 1) * 3 : number * 3]
        )


def _old_row_html(table, u, index):
    """UsulanTable.row_html as it drew a model instance (selectors.usulan_for_table) before rows were values."""
    pilih = (
        ""
        if "pilih" in table.exclude
        else format_html(
            '<td><input type="checkbox" name="pilih" value="{}" form="massal" aria-label="{} {}"{}></td>',
            u.pk,
            gettext("Pilih"),
            u.id_usulan,
            mark_safe(" checked") if u.pk in table.checked else "",
        )
    )
    kecamatan = u.desa.parent.label if u.desa.parent_id else None
    fresh, age = "", ""
    if table.marks_fresh and u.status in decisions.UNDECIDED and u.diputuskan_pada is not None:
        if table.fresh_since is None or u.diputuskan_pada > table.fresh_since:
            fresh = format_html(' <span class="badge badge-baru">{}</span>', gettext("baru"))
        days = max(0, (table.today - timezone.localtime(u.diputuskan_pada).date()).days)
        age = format_html(' <small class="help">{}</small>', ngettext("%(n)s hari", "%(n)s hari", days) % {"n": days})
    return format_html(
        '<tr class="{}">{}<td><a href="{}">{}</a>{}</td><td class="wrap">{}</td><td>{}</td><td>{}</td>'
        '<td class="num">{}</td><td>{}</td><td class="num">{}</td><td>{}</td>'
        '<td><span class="badge {}">{}</span>{}</td></tr>',
        "odd" if index % 2 else "even",
        pilih,
        reverse("musrenbang:usulan-detail", args=[u.pk]),
        u.id_usulan,
        fresh,
        u.usulan or EMPTY,
        u.desa.label if u.desa.nama else EMPTY,
        kecamatan or EMPTY,
        EMPTY if u.prioritas is None else u.prioritas,
        f"{angka(u.volume)} {u.satuan}".strip(),
        EMPTY if u.anggaran is None else rupiah(u.anggaran),
        u.opd_tujuan.singkatan if u.opd_tujuan_id else EMPTY,
        decisions.status_badge(u.status),
        u.get_status_display(),
        age,
    )


@pytest.mark.parametrize("inbox", [True, False])
@pytest.mark.parametrize("exclude", [(), ("pilih",)])
def test_rows_from_values_are_drawn_byte_for_byte_as_from_model_instances(year, opd_a, inbox, exclude):
    kel = make_wilayah("64.02.08.1001", "Panji <&>", Wilayah.Tingkat.KELURAHAN)  # no kecamatan
    opd_b = make_opd("Dinas <b>")
    _usulan(year, opd_a, 6)
    make_usulan(fiscal_year=year, desa=kel, id_usulan="U-<x>", usulan="", volume=None, satuan="", anggaran=0)
    make_usulan(fiscal_year=year, opd_tujuan=opd_b, id_usulan="U-B", volume=2.5, satuan="m²", anggaran=0)
    now = timezone.now()
    for i, pk in enumerate(Usulan.objects.order_by("pk").values_list("pk", flat=True)):
        Usulan.objects.filter(pk=pk).update(diputuskan_pada=now - dt.timedelta(days=i * 3, hours=5))
    Usulan.objects.filter(id_usulan="U-002").update(status="ditolak")
    qs = Usulan.objects.order_by(UNDECIDED_FIRST, "desa__parent__nama", "prioritas", "id_usulan")

    def table(data):
        t = UsulanTable(data, exclude=exclude)
        t.checked = set(Usulan.objects.filter(id_usulan__in=["U-001", "U-B"]).values_list("pk", flat=True))
        if inbox:
            t.fresh_since, t.today, t.marks_fresh = now - dt.timedelta(days=7), timezone.localdate(), True
        return t

    new = table(selectors.usulan_rows_for_table(qs, counted=True))
    drawn = str(new.body_html())
    old = table(selectors.usulan_for_table(qs))
    assert drawn == "\n".join(_old_row_html(old, u, i) for i, u in enumerate(selectors.usulan_for_table(qs)))
    assert "Kel. Panji &lt;&amp;&gt;" in drawn and "Dinas &lt;b&gt;" in drawn
    assert ('class="badge badge-baru"' in drawn) is inbox and ("hari</small>" in drawn) is inbox


def test_the_picker_rows_draw_what_the_pickup_rows_drew(year, opd_a, routed_to_a):
    make_row(opd=opd_a, fiscal_year=year, ref="R-2 <x>", pagu=7, rincian='Rincian <b>& "kutip"</b> ' * 12)
    row = make_row(opd=opd_a, fiscal_year=year, ref="R-1", pagu=1_250_000, rincian="")
    services.usulan_decide(usulan=routed_to_a, kind="diterima", by=None, allocations=[services.Allocation(row)])
    full = selectors.rows_for_pickup(opd_id=opd_a.pk, fiscal_year_id=year.pk)
    picker = selectors.rows_for_picker(opd_id=opd_a.pk, fiscal_year_id=year.pk)
    assert str(row_picker_options_html(picker)) == str(row_picker_options_html(full))
    assert "sudah menampung Rp150.000.000" in str(row_picker_options_html(picker))
    assert selectors.rows_for_picker(opd_id=None, fiscal_year_id=year.pk) == []


FILTER_LOOP = '{% for field in form %}{% include "partials/_form_field.html" %}{% endfor %}'


def _field_partials(response) -> int:
    return sum(t.name == "partials/_form_field.html" for t in response.templates)


@pytest.mark.parametrize(
    "who,name,data",
    [
        ("opd_a_editor", INBOX, {}),
        ("planner", LIST, {}),
        ("planner", LIST, {"q": "jalan <b>", "status": "tidak-ada", "page": "2"}),
        ("opd_a_viewer", LIST, {"prioritas_max": "x", "sort": "-anggaran"}),
    ],
)
def test_filter_fields_are_drawn_once_as_the_loop_drew_them(client, request, year, opd_a, who, name, data):
    from django.template import engines

    _usulan(year, opd_a, 3)
    client.force_login(request.getfixturevalue(who))
    first = client.get(reverse(name), data)
    again = client.get(reverse(name), {**data, "page": "1"} if "page" in data else data)
    form = again.context["filter"].form
    loop = engines["django"].from_string(FILTER_LOOP).render({"form": form})
    for response in (first, again):
        assert loop in response.content.decode()
    assert len(form.fields) > 8 and _field_partials(first) >= len(form.fields)
    assert _field_partials(again) <= 3  # the bulk form's fields only


def test_the_filter_fields_follow_the_reference_data(client, year, planner):
    client.force_login(planner)
    assert "Muara Baru" not in client.get(reverse(LIST)).content.decode()
    make_wilayah("64.02.99", "Muara Baru")  # a new kecamatan: a new reference token
    assert "Muara Baru</option>" in client.get(reverse(LIST)).content.decode()


def test_the_counts_tables_are_drawn_once_per_revision_and_follow_a_write(client, monkeypatch, year, opd_a, planner):
    from musrenbang.views import lists

    for i in range(3):
        make_usulan(fiscal_year=year, id_usulan=f"U-{i}")
    drawn = []
    real = lists.status_counts_body_html
    monkeypatch.setattr(lists, "status_counts_body_html", lambda *a, **kw: drawn.append(1) or real(*a, **kw))
    client.force_login(planner)
    first = client.get(reverse(LIST)).content.decode()
    assert client.get(reverse(LIST)).content.decode().count("<tbody>") == first.count("<tbody>")
    assert len(drawn) == 2  # two tables, drawn for the first view only
    usulan = Usulan.objects.filter(fiscal_year=year).order_by("pk").first()
    services.usulan_route(usulan=usulan, opd=opd_a, by=planner)
    after = client.get(reverse(LIST)).content.decode()
    assert len(drawn) == 4  # the write raised the usulan revision: drawn again
    assert after != first
