"""Bappeda's page of the pagu indikatif per agency: the list against the rows, the edit form, the upload with preview
and confirmation, the download that uploads back unchanged."""

import json
import re
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from renja.models import AuditLog, PaguOpd
from renja.services.ceilings import pagu_opd_set
from renja.services.years import fiscal_year_set_lock

from ..factories import make_opd, make_row

pytestmark = pytest.mark.django_db

LIST = reverse("renja:pagu-opd-list")
UPLOAD = reverse("renja:pagu-opd-upload")
CONFIRM = reverse("renja:pagu-opd-confirm")


def edit_url(opd):
    return reverse("renja:pagu-opd-edit", args=[opd.pk])


def upload(client, content: bytes, name: str = "pagu.csv", year: int = 2026):
    return client.post(UPLOAD, {"berkas": SimpleUploadedFile(name, content), "tahun": year})


def hidden(response) -> dict:
    """The hidden fields of the confirmation form."""
    html = response.content.decode()
    return {k: unescape(v) for k, v in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html)}


def test_planner_sees_every_agency_with_its_rows_against_the_ceiling(client, year, opd_a, opd_b, planner):
    opd_a.kode_unit, opd_b.kode_unit = "2.00", "1.00"
    opd_a.save(), opd_b.save()
    make_row(opd=opd_a, fiscal_year=year, pagu=1_100_000_000)
    pagu_opd_set(fiscal_year=year, opd=opd_a, pagu=1_000_000_000, by=planner)
    pagu_opd_set(fiscal_year=year, opd=opd_b, pagu=500_000_000, by=planner)
    client.force_login(planner)
    html = client.get(LIST, {"tahun": 2026}).content.decode()
    assert html.index(">DP3A<") < html.index(">Dinsos<")  # kode unit order
    assert 'class="msg-error"' in html and "melebihi Rp100.000.000" in html
    assert "sisa Rp500.000.000" in html
    assert "1 OPD melebihi pagu" in html
    assert f'action="{edit_url(opd_a)}"' in html


@pytest.mark.parametrize("who", ["opd_a_editor", "facilitator", "opd_a_viewer"])
def test_only_planners_open_the_page(client, year, opd_a, who, request):
    client.force_login(request.getfixturevalue(who))
    assert client.get(LIST).status_code == 403
    assert client.post(edit_url(opd_a), {"tahun": 2026, "pagu": "1", "version": 0}).status_code == 403
    assert client.get(UPLOAD).status_code == 403
    assert client.post(CONFIRM, {"tahun": 2026, "konfirmasi": "1", "baris": "[]"}).status_code == 403
    assert not PaguOpd.objects.exists()


def test_planner_sets_a_ceiling_from_the_form(client, year, opd_a, planner):
    client.force_login(planner)
    response = client.post(edit_url(opd_a), {"tahun": 2026, "pagu": "1,25 M", "version": 0}, follow=True)
    assert PaguOpd.objects.get().pagu == 1_250_000_000
    assert "Pagu indikatif Dinsos 2026: Rp1.250.000.000." in response.content.decode()
    assert client.get(edit_url(opd_a)).status_code == 405


def test_a_stale_form_is_refused_with_a_message(client, year, opd_a, planner):
    pagu_opd_set(fiscal_year=year, opd=opd_a, pagu=7, by=planner)
    client.force_login(planner)
    response = client.post(edit_url(opd_a), {"tahun": 2026, "pagu": "9", "version": 0}, follow=True)
    assert "sudah diubah orang lain" in response.content.decode()
    assert PaguOpd.objects.get().pagu == 7


def test_a_wrong_amount_is_refused_with_a_message(client, year, opd_a, planner):
    client.force_login(planner)
    response = client.post(edit_url(opd_a), {"tahun": 2026, "pagu": "-5", "version": 0}, follow=True)
    assert "Pagu indikatif Dinsos tidak disimpan: Tidak boleh negatif." in response.content.decode()
    assert not PaguOpd.objects.exists()


def test_a_locked_year_shows_no_forms_and_refuses_a_post(client, year, opd_a, planner):
    fiscal_year_set_lock(fiscal_year=year, locked=True, reason="ditetapkan", by=planner)
    client.force_login(planner)
    html = client.get(LIST, {"tahun": 2026}).content.decode()
    assert "dikunci" in html and f'action="{edit_url(opd_a)}"' not in html
    response = client.post(edit_url(opd_a), {"tahun": 2026, "pagu": "5", "version": 0}, follow=True)
    assert "dikunci" in response.content.decode() and not PaguOpd.objects.exists()


def test_upload_shows_a_preview_and_writes_nothing_until_confirmed(client, year, opd_a, opd_b, planner):
    pagu_opd_set(fiscal_year=year, opd=opd_b, pagu=1, by=planner)
    client.force_login(planner)
    response = upload(client, b"opd,pagu_indikatif\nDinsos,1.000.000\nDP3A,2.000.000\n")
    html = response.content.decode()
    assert response.status_code == 200
    assert "1 OPD mendapat pagu indikatif baru, 1 OPD diubah pagunya, 0 tidak berubah." in html
    assert "DP3A: Rp1 → Rp2.000.000" in html and "Dinsos: – → Rp1.000.000" in html
    assert list(PaguOpd.objects.values_list("pagu", flat=True)) == [1]
    fields = hidden(response)
    response = client.post(CONFIRM, fields, follow=True)
    assert "Pagu indikatif 2026 diterapkan: 1 baru, 1 diubah, 0 tidak berubah." in response.content.decode()
    assert dict(PaguOpd.objects.values_list("opd__singkatan", "pagu")) == {"Dinsos": 1_000_000, "DP3A": 2_000_000}
    assert AuditLog.objects.filter(action="pagu_opd.imported", data__source="pagu.csv", by=planner).exists()


def test_a_bad_file_lists_its_problems_and_writes_nothing(client, year, opd_a, planner):
    client.force_login(planner)
    response = upload(client, b"opd,pagu_indikatif\nDinsos,1\nEntah,x\n")
    html = response.content.decode()
    assert response.status_code == 422
    assert "Baris 3, kolom opd: OPD Entah tidak dikenal (pakai singkatan OPD)" in html
    assert "Baris 3, kolom pagu_indikatif: &#x27;x&#x27; bukan angka Rupiah" in html
    assert not PaguOpd.objects.exists()


def test_confirming_without_the_confirmation_or_with_forged_rows_writes_nothing(client, year, opd_a, planner):
    client.force_login(planner)
    fields = hidden(upload(client, b"opd,pagu_indikatif\nDinsos,1000\n"))
    client.post(CONFIRM, {**fields, "konfirmasi": "0"})
    client.post(CONFIRM, {**fields, "baris": "bukan json"})
    client.post(CONFIRM, {**fields, "baris": json.dumps({"Dinsos": 5})})
    assert not PaguOpd.objects.exists()
    response = client.post(CONFIRM, {**fields, "baris": json.dumps([["Dinsos", -5]])}, follow=True)
    assert "tidak boleh negatif" in response.content.decode()  # the service checks the rows again
    assert not PaguOpd.objects.exists()


def test_confirming_a_stale_preview_is_refused(client, year, opd_a, planner):
    client.force_login(planner)
    fields = hidden(upload(client, b"opd,pagu_indikatif\nDinsos,1000\n"))
    pagu_opd_set(fiscal_year=year, opd=opd_a, pagu=5, by=planner)  # someone set it meanwhile
    response = client.post(CONFIRM, fields, follow=True)
    assert "berubah sejak pratinjau" in response.content.decode()
    assert PaguOpd.objects.get().pagu == 5


def test_a_preview_in_a_locked_year_offers_no_button(client, year, opd_a, planner):
    fiscal_year_set_lock(fiscal_year=year, locked=True, reason="x", by=planner)
    client.force_login(planner)
    html = upload(client, b"opd,pagu_indikatif\nDinsos,1000\n").content.decode()
    assert "dikunci" in html and 'name="konfirmasi"' not in html


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_download_uploads_back_unchanged(client, year, opd_a, opd_b, planner, kind):
    make_row(opd=opd_a, fiscal_year=year, pagu=3)
    pagu_opd_set(fiscal_year=year, opd=opd_a, pagu=1_250_000_000, by=planner)
    pagu_opd_set(fiscal_year=year, opd=opd_b, pagu=0, by=planner)
    client.force_login(planner)
    download = client.get(LIST, {"tahun": 2026, "export": kind})
    assert download["Cache-Control"] == "private, no-store"
    html = upload(client, download.content, name=f"pagu.{kind}").content.decode()
    assert "0 OPD mendapat pagu indikatif baru, 0 OPD diubah pagunya, 2 tidak berubah." in html


def test_the_list_costs_the_same_queries_for_more_agencies_and_rows(client, year, opd_a, planner):
    client.force_login(planner)
    make_row(opd=opd_a, fiscal_year=year)
    client.get(LIST, {"tahun": 2026})  # warm the session and the caches
    with CaptureQueriesContext(connection) as few:
        client.get(LIST, {"tahun": 2026})
    for i in range(6):
        opd = make_opd(f"Tambah{i}")
        make_row(opd=opd, fiscal_year=year)
        pagu_opd_set(fiscal_year=year, opd=opd, pagu=1, by=planner)
    with CaptureQueriesContext(connection) as many:
        html = client.get(LIST, {"tahun": 2026}).content.decode()
    assert "Tambah5" in html
    assert len(many) == len(few)


def test_home_shows_the_planner_the_agencies_over_their_ceiling_first(client, year, opd_a, opd_b, planner):
    opd_a.kode_unit, opd_b.kode_unit = "1.00", "2.00"
    opd_a.save(), opd_b.save()
    make_row(opd=opd_b, fiscal_year=year, pagu=300)
    pagu_opd_set(fiscal_year=year, opd=opd_a, pagu=100, by=planner)
    pagu_opd_set(fiscal_year=year, opd=opd_b, pagu=200, by=planner)
    client.force_login(planner)
    html = client.get(reverse("renja:home"), {"tahun": 2026}).content.decode()
    table = html[html.index('id="tabel-pagu-opd"') :]
    assert table.index(">DP3A<") < table.index(">Dinsos<")  # over first, although later in kode unit order
    assert "melebihi Rp100" in table and "sisa Rp100" in table
    assert "1 OPD melebihi pagu indikatif." in html
    assert reverse("renja:pagu-opd-list") in html


def test_home_shows_an_officer_their_own_agency_against_its_ceiling(client, year, opd_a, opd_b, planner, opd_a_viewer):
    make_row(opd=opd_a, fiscal_year=year, pagu=300)
    pagu_opd_set(fiscal_year=year, opd=opd_a, pagu=100, by=planner)
    pagu_opd_set(fiscal_year=year, opd=opd_b, pagu=999, by=planner)
    client.force_login(opd_a_viewer)
    html = client.get(reverse("renja:home"), {"tahun": 2026, "semua": 1}).content.decode()
    assert "Pagu indikatif Dinsos: Rp100 · jumlah pagu baris: Rp300" in html and "melebihi Rp200" in html
    assert 'id="tabel-pagu-opd"' not in html and "Rp999" not in html
    assert reverse("renja:pagu-opd-list") not in html


def test_the_renja_list_of_one_agency_shows_its_ceiling(client, year, opd_a, opd_b, planner, opd_b_editor):
    make_row(opd=opd_a, fiscal_year=year, pagu=50)
    pagu_opd_set(fiscal_year=year, opd=opd_a, pagu=100, by=planner)
    client.force_login(opd_b_editor)
    url = reverse("renja:row-list")
    html = client.get(url, {"tahun": 2026, "opd": opd_a.pk}).content.decode()
    assert 'id="pagu-opd"' in html and "sisa Rp50" in html and "msg-error" not in html
    make_row(opd=opd_a, fiscal_year=year, pagu=60)
    html = client.get(url, {"tahun": 2026, "opd": opd_a.pk}).content.decode()
    assert "melebihi Rp10" in html and 'class="msg msg-error ceiling"' in html
    assert 'id="pagu-opd"' not in client.get(url, {"tahun": 2026}).content.decode()  # every agency: no ceiling
    html = client.get(url, {"tahun": 2026, "opd": opd_b.pk}).content.decode()
    assert "Pagu indikatif DP3A belum ditetapkan Bappeda" in html


def test_the_renja_list_of_one_agency_links_its_document_and_its_changes_for_who_may_open_them(
    client, year, opd_a, opd_b, planner, opd_b_editor
):
    make_row(opd=opd_a, fiscal_year=year, pagu=50)
    url = reverse("renja:row-list")
    client.force_login(planner)
    html = client.get(url, {"tahun": 2026, "opd": opd_a.pk}).content.decode()
    assert f"{reverse('renja:dokumen')}?opd={opd_a.pk}&amp;tahun=2026" in html
    assert f"{reverse('renja:perubahan')}?tahun=2026&amp;opd={opd_a.pk}" in html
    assert 'id="dokumen-opd"' not in client.get(url, {"tahun": 2026}).content.decode()  # no single agency
    client.force_login(opd_b_editor)  # reads agency A's rows, but A's document answers 404 to them: no link
    assert 'id="dokumen-opd"' not in client.get(url, {"tahun": 2026, "opd": opd_a.pk}).content.decode()
    html = client.get(url, {"tahun": 2026, "opd": opd_b.pk}).content.decode()
    assert f"{reverse('renja:dokumen')}?opd={opd_b.pk}&amp;tahun=2026" in html
