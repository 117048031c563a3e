import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from renja import services
from renja.models import AuditLog, RenjaRow
from renja.services.revision import plan_changed

from ..factories import make_nomenklatur, make_opd, make_row, make_sasaran, make_wilayah


def form_data(row, **kw):
    data = {
        "ref": row.ref,
        "opd": row.opd_id,
        "kode_sub_kegiatan": row.kode,
        "nama": row.nama,
        "pagu": row.pagu,
        "sumber_dana": row.sumber_dana,
        "version": row.version,
        "indikator": "",
        "satuan": "",
    }
    data.update(kw)
    return data


def make_rows(n, year, opd, start=0):
    kec = make_wilayah()
    desa = make_wilayah("64.02.06.2001", "Bukit Biru", "desa", parent=kec)
    anak = make_sasaran("anak")
    other = make_opd("Dinkes")
    for i in range(start, start + n):
        row = make_row(opd=opd, fiscal_year=year, ref=f"L-{i}", lokasi=[kec, desa], sasaran=[anak])
        row.opd_pendukung.add(other)


@pytest.mark.parametrize("export", [None, "csv", "xlsx"])
def test_list_query_count_does_not_grow_with_rows(client, django_assert_max_num_queries, planner, year, opd_a, export):
    client.force_login(planner)
    url = reverse("renja:row-list") + (f"?export={export}" if export else "")
    make_rows(3, year, opd_a)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get(url).getvalue()  # an export streams: its queries run as it is read
    make_rows(40, year, opd_a, start=100)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
        response.getvalue()
    assert response.status_code == 200


def test_home_query_count_does_not_grow(client, django_assert_max_num_queries, planner, year, opd_a, opd_b):
    client.force_login(planner)
    make_rows(2, year, opd_a)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(reverse("renja:home"))
    make_rows(20, year, opd_b, start=50)
    plan_changed(year.pk)  # the factory wrote no plan change; a service would (the home keeps its counts)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("renja:home"))
    assert "DP3A" in response.content.decode()


def test_home_counts_rows_per_agency_and_status(client, planner, year, opd_a, opd_b):
    make_row(opd=opd_a, fiscal_year=year, pagu=1_000_000)
    make_row(opd=opd_a, fiscal_year=year, pagu=2_000_000, status="diajukan")
    make_row(opd=opd_b, fiscal_year=year, pagu=500)
    client.force_login(planner)
    response = client.get(reverse("renja:home"))
    rows = {r["singkatan"]: r for r in response.context["rows"]}
    assert rows["Dinsos"]["counts"] == [1, 1, 0, 0] and rows["Dinsos"]["pagu"] == 3_000_000
    assert rows["DP3A"]["counts"] == [1, 0, 0, 0] and rows["DP3A"]["n"] == 1
    totals = response.context["totals"]
    assert totals["n"] == 3 and totals["counts"] == [2, 1, 0, 0] and totals["pagu"] == 3_000_500
    assert "Rp3.000.000" in response.content.decode() and "Rp3.000.500" in response.content.decode()


def test_list_filters(client, planner, year, opd_a, opd_b):
    kec = make_wilayah()
    desa = make_wilayah("64.02.06.2001", "Bukit Biru", "desa", parent=kec)
    other_kec = make_wilayah("64.02.01", "Muara Muntai")
    anak = make_sasaran("anak")
    daycare = make_row(
        opd=opd_b, fiscal_year=year, nama="Taman Asuh Anak", lokasi=[desa], sasaran=[anak], quick_win=True
    )
    make_row(opd=opd_a, fiscal_year=year, nama="Rehabilitasi disabilitas", lokasi=[other_kec], status="diajukan")
    program = daycare.sub_kegiatan.parent.parent
    client.force_login(planner)

    def refs(**params):
        response = client.get(reverse("renja:row-list"), params)
        return [r.record.ref for r in response.context["table"].page.object_list]

    assert refs(opd=opd_b.pk) == [daycare.ref]
    assert refs(kecamatan=kec.pk) == [daycare.ref]  # a desa counts for its kecamatan
    assert refs(sasaran=anak.pk) == [daycare.ref]
    assert refs(prioritas="quick_win") == [daycare.ref]
    assert refs(q="asuh anak") == [daycare.ref]
    assert len(refs(status="diajukan")) == 1 and daycare.ref not in refs(status="diajukan")
    assert daycare.ref in refs(program=program.pk)


def test_list_is_paginated_and_sortable(client, planner, year, opd_a):
    for i in range(30):
        make_row(opd=opd_a, fiscal_year=year, ref=f"P-{i:02}", pagu=i)
    client.force_login(planner)
    response = client.get(reverse("renja:row-list"), {"sort": "-pagu"})
    page = response.context["table"].page
    assert len(page.object_list) == 25 and page.object_list[0].record.ref == "P-29"
    assert "Rp29" in response.content.decode()


def test_csv_export_is_filtered_and_safe_against_formulas(client, planner, year, opd_a, opd_b):
    make_row(opd=opd_a, fiscal_year=year, ref="E-1", nama='=HYPERLINK("http://x")', pagu=1_250_000_000)
    make_row(opd=opd_b, fiscal_year=year, ref="E-2", nama="+SUM(A1)")
    client.force_login(planner)
    response = client.get(reverse("renja:row-list"), {"opd": opd_a.pk, "export": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    text = response.getvalue().decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0].startswith("ref;opd;kode_sub_kegiatan;nama")  # ";": what an Excel set to Indonesian splits on
    assert len(lines) == 2 and "E-1" in lines[1] and "'=HYPERLINK" in lines[1] and ";1250000000;" in lines[1]


def test_xlsx_export_is_safe_against_formulas(client, planner, year, opd_a):
    make_row(opd=opd_a, fiscal_year=year, ref="E-1", nama="@cmd", keterangan="-2+3")
    client.force_login(planner)
    response = client.get(reverse("renja:row-list"), {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    values = [c.value for c in sheet[2]]
    assert "'@cmd" in values and "'-2+3" in values
    assert all(c.data_type != "f" for c in sheet[2])


def test_export_round_trips_through_import(client, planner, year, opd_a):
    make_row(opd=opd_a, fiscal_year=year, ref="E-1", lokasi=[make_wilayah()], sasaran=[make_sasaran("anak")], target=12)
    client.force_login(planner)
    content = client.get(reverse("renja:row-list"), {"export": "csv"}).getvalue()
    assert services.renja_import_file(content=content, filename="x.csv", fiscal_year=year, by=planner) == {
        "baru": 0,
        "berubah": 0,
        "sama": 1,
    }


def test_create_row_through_form(client, opd_a_editor, year, opd_a):
    sub = make_nomenklatur()
    client.force_login(opd_a_editor)
    response = client.post(
        reverse("renja:row-create") + f"?tahun={year.year}",
        {
            "ref": "N-1",
            "opd": opd_a.pk,
            "kode_sub_kegiatan": sub.kode,
            "nama": "",
            "pagu": 5_000_000,
            "sumber_dana": "apbd_kab",
            "target": "10",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    row = RenjaRow.objects.get(ref="N-1")
    assert response.status_code == 302 and response.url == reverse("renja:row-detail", args=[row.pk])
    assert row.nama == sub.nama and row.created_by == opd_a_editor


def test_invalid_form_rerenders_with_indonesian_messages(client, planner, year, opd_a):
    client.force_login(planner)
    response = client.post(
        reverse("renja:row-create"),
        {"ref": "", "opd": opd_a.pk, "kode_sub_kegiatan": "1.2.3", "pagu": -4, "sumber_dana": "apbd_kab"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "ref" in errors and "kode_sub_kegiatan" in errors and "pagu" in errors
    assert "tidak ada dalam nomenklatur" in errors["kode_sub_kegiatan"][0]
    assert errors["pagu"] == ["Tidak boleh negatif."]
    assert not RenjaRow.objects.exists()


def test_edit_then_history_shows_who_what_old_new(client, opd_a_editor, row_in_opd_a):
    client.force_login(opd_a_editor)
    response = client.post(reverse("renja:row-edit", args=[row_in_opd_a.pk]), form_data(row_in_opd_a, pagu=175_000_000))
    assert response.status_code == 302
    html = client.get(reverse("renja:row-detail", args=[row_in_opd_a.pk])).content.decode()
    assert "Rp100.000.000" in html and "Rp175.000.000" in html and "petugas.a" in html and "pagu indikatif" in html


def test_concurrent_edit_second_save_refused_with_changes_shown(client, planner, opd_a_editor, row_in_opd_a):
    stale = form_data(row_in_opd_a)
    client.force_login(planner)
    client.post(reverse("renja:row-edit", args=[row_in_opd_a.pk]), form_data(row_in_opd_a, pagu=222_000_000))
    client.force_login(opd_a_editor)
    response = client.post(reverse("renja:row-edit", args=[row_in_opd_a.pk]), {**stale, "pagu": 333_000_000})
    assert response.status_code == 409
    html = response.content.decode()
    assert "sudah diubah orang lain" in html and "Rp222.000.000" in html and "perencana" in html
    row_in_opd_a.refresh_from_db()
    assert row_in_opd_a.pagu == 222_000_000
    # Having seen the changes, the officer saves again on purpose with the version now shown.
    assert response.context["form"]["version"].value() == "2"
    response = client.post(
        reverse("renja:row-edit", args=[row_in_opd_a.pk]), {**stale, "pagu": 333_000_000, "version": 2}
    )
    assert response.status_code == 302
    row_in_opd_a.refresh_from_db()
    assert row_in_opd_a.pagu == 333_000_000


def test_locked_year_edit_page_says_so_and_refuses(client, planner, row_in_opd_a):
    services.fiscal_year_set_lock(
        fiscal_year=row_in_opd_a.fiscal_year, locked=True, reason="RKPD ditetapkan", by=planner
    )
    client.force_login(planner)
    response = client.post(reverse("renja:row-edit", args=[row_in_opd_a.pk]), form_data(row_in_opd_a, pagu=1))
    assert "Tahun 2026 dikunci (RKPD ditetapkan)" in response.content.decode()
    row_in_opd_a.refresh_from_db()
    assert row_in_opd_a.pagu == 100_000_000


def test_status_change_through_detail_page(client, opd_a_editor, row_in_opd_a):
    client.force_login(opd_a_editor)
    html = client.get(reverse("renja:row-detail", args=[row_in_opd_a.pk])).content.decode()
    assert 'value="diajukan"' in html
    client.post(reverse("renja:row-status", args=[row_in_opd_a.pk]), {"status": "diajukan", "version": 1})
    response = client.post(
        reverse("renja:row-status", args=[row_in_opd_a.pk]), {"status": "final", "version": 2}, follow=True
    )
    assert "Status tidak dapat diubah dari Diajukan ke Final" in response.content.decode()
    assert AuditLog.objects.filter(action="renja_row.status_changed").count() == 1


def test_status_change_from_a_stale_page_is_refused(client, opd_a_editor, planner, row_in_opd_a):
    services.row_update(row=row_in_opd_a, data={"pagu": 300_000_000}, by=planner)  # saved after the page was loaded
    client.force_login(opd_a_editor)
    response = client.post(
        reverse("renja:row-status", args=[row_in_opd_a.pk]), {"status": "diajukan", "version": 1}, follow=True
    )
    assert "sudah diubah orang lain; muat ulang halaman" in response.content.decode()
    row_in_opd_a.refresh_from_db()
    assert (row_in_opd_a.status, row_in_opd_a.version) == ("draft", 2)
    assert not AuditLog.objects.filter(action="renja_row.status_changed").exists()


def test_user_text_is_escaped(client, planner, year, opd_a):
    row = make_row(opd=opd_a, fiscal_year=year, nama="<script>alert(1)</script>")
    client.force_login(planner)
    for url in (reverse("renja:row-list"), reverse("renja:row-detail", args=[row.pk])):
        html = client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def test_nomenklatur_search(client, planner, db):
    make_nomenklatur("2.14.04.2.01.0001", "Pengelolaan Rumah Penitipan Anak")
    make_nomenklatur("1.06.04.2.01.0001", "Rehabilitasi Sosial")
    client.force_login(planner)
    response = client.get(reverse("renja:nomenklatur-list"), {"q": "penitipan"})
    assert [n.kode for n in response.context["page"]] == ["2.14.04.2.01.0001"]


def test_login_logout_and_password_change(client, opd_a_editor):
    response = client.post(reverse("login"), {"username": "petugas.a", "password": "salah"})
    assert "sandi yang benar" in response.content.decode()
    response = client.post(reverse("login"), {"username": "petugas.a", "password": "rahasia-uji-123"})
    assert response.status_code == 302 and response.url == reverse("renja:home")
    response = client.post(
        reverse("password_change"),
        {"old_password": "rahasia-uji-123", "new_password1": "Sandi-Baru-2026!", "new_password2": "Sandi-Baru-2026!"},
    )
    assert response.status_code == 302
    opd_a_editor.refresh_from_db()
    assert opd_a_editor.check_password("Sandi-Baru-2026!")
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("renja:home")).status_code == 302


def test_english_is_available(client, planner, db):
    client.force_login(planner)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("renja:home"))
    assert response.headers["Content-Language"] == "en"


def test_indonesian_by_default_even_for_english_browsers(client, planner, db):
    client.force_login(planner)
    response = client.get(reverse("renja:home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.headers["Content-Language"] == "id"
    assert 'lang="id"' in response.content.decode()


def test_target_accepts_indonesian_decimal_comma(client, planner, row_in_opd_a):
    client.force_login(planner)
    response = client.post(reverse("renja:row-edit", args=[row_in_opd_a.pk]), form_data(row_in_opd_a, target="95,5"))
    assert response.status_code == 302
    row_in_opd_a.refresh_from_db()
    assert str(row_in_opd_a.target) == "95.50"
    html = client.get(reverse("renja:row-edit", args=[row_in_opd_a.pk])).content.decode()
    assert 'value="95,5"' in html


def test_english_screens_are_translated(client, planner, db):
    client.force_login(planner)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("renja:row-list")).content.decode()
    assert "Renja list" in html and "Daftar Renja" not in html
