"""The Renja row form's location picker and Rupiah inputs (issue 14, points 1 and 2)."""

import pytest
from django.urls import reverse

from renja import services
from renja.forms import RenjaRowForm
from renja.models import Opd, RenjaRow
from renja.widgets import RupiahField, lokasi_groups

from ..factories import make_row, make_wilayah
from .test_views import form_data

BIGINT_MAX = 9_223_372_036_854_775_807


@pytest.fixture
def places(db):
    """Two kecamatan of Kukar with a desa and a kelurahan."""
    tenggarong = make_wilayah("64.02.06", "Tenggarong")
    return {
        "kab": make_wilayah("64.02", "Kutai Kartanegara", "kabupaten"),
        "tenggarong": tenggarong,
        "bukit_biru": make_wilayah("64.02.06.2001", "Bukit Biru", "desa", parent=tenggarong),
        "sukarame": make_wilayah("64.02.06.1005", "Sukarame", "kelurahan", parent=tenggarong),
        "loa_ipuh": make_wilayah("64.02.06.1002", "Loa Ipuh", "kelurahan", parent=tenggarong),
        "anggana": make_wilayah("64.02.07", "Anggana"),
        "sidomulyo": make_wilayah("64.02.07.2003", "Sidomulyo", "desa", parent=None),
    }


# --- the parser the form shares with the importer ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text,expected",
    [
        ("1.300.000.000", 1_300_000_000),
        ("1300000000", 1_300_000_000),
        ("Rp1.300.000.000", 1_300_000_000),
        ("Rp 1.300.000.000,-", 1_300_000_000),
        ("Rp1.300.000.000,00", 1_300_000_000),
        (" 1.300.000.000\u00a0", 1_300_000_000),
        ("1,3 M", 1_300_000_000),
        ("1,3M", 1_300_000_000),
        ("Rp1,25 M", 1_250_000_000),
        ("2 miliar", 2_000_000_000),
        ("2 Milyar", 2_000_000_000),
        ("250 jt", 250_000_000),
        ("250 juta", 250_000_000),
        ("1.500 jt", 1_500_000_000),
        ("7,5 rb", 7_500),
        ("1 T", 1_000_000_000_000),
        ("0,5 jt", 500_000),
    ],
)
def test_parse_rupiah_reads_indonesian_notation_and_shorthand(text, expected):
    assert services.parse_rupiah(text) == expected


@pytest.mark.parametrize("text", ["1,3 m", "1,3 t", "1.5 M", "1,0000000001 M", "3 x", "M", "1,5", "1,3 M jt", "-1,3 M"])
def test_parse_rupiah_refuses_ambiguous_or_fractional_shorthand(text):
    message = "tidak boleh negatif" if text.startswith("-") else "bukan angka Rupiah"
    with pytest.raises(ValueError, match=message):
        services.parse_rupiah(text)


def test_parse_rupiah_refuses_beyond_the_database_column():
    assert services.parse_rupiah(str(BIGINT_MAX)) == BIGINT_MAX
    with pytest.raises(ValueError, match="terlalu besar: paling banyak 9.223.372.036.854.775.807"):
        services.parse_rupiah(str(BIGINT_MAX + 1))
    with pytest.raises(ValueError, match="terlalu besar"):
        services.parse_rupiah("10000000 T")


# --- the Rupiah field ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["1.300.000.000", "1300000000", "Rp1.300.000.000", "1,3 M"])
def test_rupiah_field_takes_what_people_type(text):
    assert RupiahField().clean(text) == 1_300_000_000


@pytest.mark.parametrize(
    "text,message",
    [
        ("satu miliar", "'satu miliar' bukan angka Rupiah (contoh: 1.250.000.000, 1250000000, 1,25 M atau 250 jt)."),
        ("-5.000", "Tidak boleh negatif."),
        ("9.223.372.036.854.775.808", "Terlalu besar: paling banyak 9.223.372.036.854.775.807."),
        (
            "1.300.000.000,50",
            "'1.300.000.000,50' bukan angka Rupiah (contoh: 1.250.000.000, 1250000000, 1,25 M atau 250 jt).",
        ),
    ],
)
def test_rupiah_field_refuses_with_a_clear_indonesian_message(text, message):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        RupiahField().clean(text)
    assert exc.value.messages == [message]


def test_optional_rupiah_field_is_empty_when_blank():
    assert RupiahField(required=False).clean("  ") is None


def test_edit_form_shows_saved_amounts_with_thousand_dots(year, opd_a):
    row = make_row(opd=opd_a, fiscal_year=year, pagu=1_300_000_000, pagu_n1=250_000_000)
    form = RenjaRowForm(instance=row, editable_opds=Opd.objects.all(), fiscal_year=year)
    pagu, pagu_n1 = str(form["pagu"]), str(form["pagu_n1"])
    assert 'type="text"' in pagu and 'inputmode="numeric"' in pagu and 'value="1.300.000.000"' in pagu
    assert 'value="250.000.000"' in pagu_n1 and f'data-rupiah-max="{BIGINT_MAX}"' in pagu_n1


def test_edit_saves_pagu_typed_with_dots_and_the_detail_shows_rupiah(client, opd_a_editor, row_in_opd_a):
    client.force_login(opd_a_editor)
    url = reverse("renja:row-edit", args=[row_in_opd_a.pk])
    response = client.post(url, form_data(row_in_opd_a, pagu="1.300.000.000", pagu_n1="Rp1,5 M"))
    assert response.status_code == 302
    row = RenjaRow.objects.get(pk=row_in_opd_a.pk)
    assert (row.pagu, row.pagu_n1) == (1_300_000_000, 1_500_000_000)
    html = client.get(reverse("renja:row-detail", args=[row.pk])).content.decode()
    assert "Rp1.300.000.000" in html and "Rp1.500.000.000" in html


def test_pagu_beyond_the_column_rerenders_the_form_with_the_message(client, opd_a_editor, row_in_opd_a):
    client.force_login(opd_a_editor)
    response = client.post(
        reverse("renja:row-edit", args=[row_in_opd_a.pk]), form_data(row_in_opd_a, pagu="99999999999999999999")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["pagu"] == ["Terlalu besar: paling banyak 9.223.372.036.854.775.807."]
    assert 'value="99999999999999999999"' in response.content.decode()  # what was typed stays to be corrected
    assert RenjaRow.objects.get(pk=row_in_opd_a.pk).pagu == row_in_opd_a.pagu


# --- the location picker -------------------------------------------------------------------------------------------


def test_places_are_named_with_their_kind(places):
    assert [places[k].label for k in ("tenggarong", "bukit_biru", "sukarame", "kab")] == [
        "Kec. Tenggarong",
        "Desa Bukit Biru",
        "Kel. Sukarame",
        "Kutai Kartanegara",
    ]


def test_picker_groups_villages_under_their_kecamatan_in_name_order(places):
    p = places
    assert lokasi_groups() == [
        ((p["anggana"].pk, "64.02.07", "Kec. Anggana"), []),
        (
            (p["tenggarong"].pk, "64.02.06", "Kec. Tenggarong"),
            [
                (p["bukit_biru"].pk, "64.02.06.2001", "Desa Bukit Biru"),
                (p["loa_ipuh"].pk, "64.02.06.1002", "Kel. Loa Ipuh"),
                (p["sukarame"].pk, "64.02.06.1005", "Kel. Sukarame"),
            ],
        ),
    ]


def test_picker_is_checkboxes_open_where_something_is_chosen(places, year, opd_a, django_assert_num_queries):
    row = make_row(opd=opd_a, fiscal_year=year, lokasi=[places["sukarame"]])
    form = RenjaRowForm(instance=row, editable_opds=Opd.objects.all(), fiscal_year=year)
    # The reference token (read at each use outside a request: twice here) and the places as plain values, whatever
    # their number.
    with django_assert_num_queries(3):
        html = str(form["lokasi"])
    again = RenjaRowForm(instance=row, editable_opds=Opd.objects.all(), fiscal_year=year)
    with django_assert_num_queries(1):  # kept in the process: the token alone (read once per request in a request)
        assert str(again["lokasi"]) == html
    assert "<select" not in html
    anggana, tenggarong = html.split('<details class="lokasi-kec"')[1:]
    assert anggana.startswith("><summary>Kec. Anggana <span")  # closed: nothing chosen in it
    assert tenggarong.startswith(' open><summary>Kec. Tenggarong <span class="lokasi-n">1 dipilih</span>')
    assert (
        f'<input type="checkbox" name="lokasi" value="{places["tenggarong"].pk}"> Seluruh Kec. Tenggarong' in tenggarong
    )
    assert f'value="{places["sukarame"].pk}" checked> Kel. Sukarame <small>64.02.06.1005</small>' in tenggarong
    assert f'value="{places["bukit_biru"].pk}"> Desa Bukit Biru' in tenggarong


def test_adding_a_place_keeps_the_saved_ones(client, opd_a_editor, year, opd_a, places):
    saved = [places["tenggarong"], places["bukit_biru"], places["loa_ipuh"]]
    row = make_row(opd=opd_a, fiscal_year=year, lokasi=saved)
    client.force_login(opd_a_editor)
    page = client.get(reverse("renja:row-edit", args=[row.pk])).content.decode()
    assert page.count("checked>") == 3
    chosen = [w.pk for w in saved] + [places["sukarame"].pk]
    response = client.post(reverse("renja:row-edit", args=[row.pk]), form_data(row, lokasi=chosen))
    assert response.status_code == 302
    assert set(RenjaRow.objects.get(pk=row.pk).lokasi.values_list("pk", flat=True)) == set(chosen)


def test_a_kecamatan_box_chooses_the_whole_kecamatan_and_none_means_regency_wide(
    client, opd_a_editor, year, opd_a, places
):
    row = make_row(opd=opd_a, fiscal_year=year, lokasi=[places["bukit_biru"]])
    client.force_login(opd_a_editor)
    url = reverse("renja:row-edit", args=[row.pk])
    assert client.post(url, form_data(row, lokasi=[places["anggana"].pk])).status_code == 302
    row.refresh_from_db()
    assert list(row.lokasi.all()) == [places["anggana"]]
    assert client.post(url, form_data(row)).status_code == 302  # nothing ticked
    assert not RenjaRow.objects.get(pk=row.pk).lokasi.exists()
    assert "Se-kabupaten" in client.get(reverse("renja:row-detail", args=[row.pk])).content.decode()


@pytest.mark.parametrize("bad", ["999999", "abc", "kab"])
def test_unknown_or_regency_place_ids_are_refused(client, opd_a_editor, year, opd_a, places, bad):
    row = make_row(opd=opd_a, fiscal_year=year, lokasi=[places["bukit_biru"]])
    value = places["kab"].pk if bad == "kab" else bad
    client.force_login(opd_a_editor)
    response = client.post(
        reverse("renja:row-edit", args=[row.pk]), form_data(row, lokasi=[places["sukarame"].pk, value])
    )
    assert response.status_code == 200
    assert "lokasi" in response.context["form"].errors
    assert 'class="lokasi has-error"' in response.content.decode()
    assert list(RenjaRow.objects.get(pk=row.pk).lokasi.all()) == [places["bukit_biru"]]


def test_detail_and_list_name_places_with_their_kind(client, planner, year, opd_a, places):
    make_row(
        opd=opd_a, fiscal_year=year, ref="R-1", lokasi=[places["tenggarong"], places["sukarame"], places["bukit_biru"]]
    )
    row = RenjaRow.objects.get(ref="R-1")
    client.force_login(planner)
    detail = client.get(reverse("renja:row-detail", args=[row.pk])).content.decode()
    assert "Kec. Tenggarong; Kel. Sukarame (Kec. Tenggarong); Desa Bukit Biru (Kec. Tenggarong)" in detail
    listing = client.get(reverse("renja:row-list")).content.decode()
    assert "<td>Kec. Tenggarong, Kel. Sukarame, Desa Bukit Biru</td>" in listing  # by code
    form = client.get(reverse("renja:row-edit", args=[row.pk])).content.decode()
    assert "Lokasi tersimpan: Kec. Tenggarong; Kel. Sukarame; Desa Bukit Biru" in form


def test_form_page_loads_its_scripts_as_static_files(client, planner, row_in_opd_a):
    client.force_login(planner)
    html = client.get(reverse("renja:row-edit", args=[row_in_opd_a.pk])).content.decode()
    assert '<script src="/static/js/rupiah-input.js" defer></script>' in html
    assert '<script src="/static/js/lokasi-picker.js" defer></script>' in html
    assert "<script>" not in html and " style=" not in html  # the Content-Security-Policy allows neither


def test_picker_and_money_inputs_follow_the_language(year, opd_a, places):
    from django.utils import translation

    row = make_row(opd=opd_a, fiscal_year=year, lokasi=[places["sukarame"]])
    with translation.override("en"):
        form = RenjaRowForm(instance=row, editable_opds=Opd.objects.all(), fiscal_year=year)
        picker, pagu = str(form["lokasi"]), str(form["pagu"])
    assert "All of Kec. Tenggarong" in picker and 'data-dipilih="Chosen locations"' in picker and "1 chosen" in picker
    assert 'data-rupiah="Not readable as rupiah yet' in pagu


def test_picker_shows_a_new_or_renamed_place_at_once(places):
    from renja.models import Wilayah

    before = lokasi_groups()
    make_wilayah("64.02.06.2099", "Desa Baru", "desa", parent=places["tenggarong"])
    assert lokasi_groups() != before and "Desa Desa Baru" in str(lokasi_groups())
    kec = Wilayah.objects.get(pk=places["anggana"].pk)
    kec.nama = "Anggana Raya"
    kec.save()
    assert "Kec. Anggana Raya" in str(lokasi_groups())


def test_picker_items_are_what_format_html_join_drew(places, year, opd_a):
    from django.utils.html import format_html_join

    from renja.models import Wilayah

    odd = Wilayah.objects.get(pk=places["bukit_biru"].pk)
    odd.nama = 'Bukit <b>Biru</b> & "Raya"'
    odd.save()
    row = make_row(opd=opd_a, fiscal_year=year, lokasi=[places["sukarame"], odd])
    html = str(RenjaRowForm(instance=row, editable_opds=Opd.objects.all(), fiscal_year=year)["lokasi"])
    item = '<li><label><input type="checkbox" name="{}" value="{}"{}> {} <small>{}</small></label></li>'
    chosen = {str(places["sukarame"].pk), str(odd.pk)}
    for _kec, villages in lokasi_groups():
        rows = (("lokasi", pk, " checked" if str(pk) in chosen else "", label, kode) for pk, kode, label in villages)
        expected = format_html_join("", item, rows)
        assert str(expected) in html
    assert "Bukit &lt;b&gt;Biru&lt;/b&gt; &amp; &quot;Raya&quot;" in html


def test_the_kept_picker_follows_what_is_ticked(places, year, opd_a):
    one = make_row(opd=opd_a, fiscal_year=year, ref="A-1", lokasi=[places["sukarame"]])
    two = make_row(opd=opd_a, fiscal_year=year, ref="A-2", lokasi=[places["bukit_biru"]])

    def picker(row):
        return str(RenjaRowForm(instance=row, editable_opds=Opd.objects.all(), fiscal_year=year)["lokasi"])

    first, second = picker(one), picker(two)
    assert f'value="{places["sukarame"].pk}" checked>' in first
    assert f'value="{places["bukit_biru"].pk}" checked>' in second
    assert f'value="{places["sukarame"].pk}" checked>' not in second
    one.lokasi.set([places["bukit_biru"], places["sukarame"]])
    both = picker(RenjaRow.objects.get(pk=one.pk))
    assert both.count(" checked>") == 2 and picker(two) == second
