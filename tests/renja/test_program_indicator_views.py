"""The program/kegiatan indicator pages: who reads and writes them, the forms, and their cost."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from renja.models import ProgramIndicator
from renja.services.indicators import program_indicator_create
from renja.services.years import fiscal_year_set_lock

from ..factories import make_nomenklatur, make_opd, make_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def indicator(year, opd_a, opd_a_editor):
    make_row(opd=opd_a, fiscal_year=year)  # 1.06.04.2.01.0001
    return program_indicator_create(
        fiscal_year=year,
        opd=opd_a,
        kode="1.06.04",
        data={"indikator": "Persentase PPKS tertangani", "target": "95,5", "satuan": "%"},
        by=opd_a_editor,
    )


def list_url(opd):
    return reverse("renja:program-indicator-list", args=[opd.pk])


def test_the_agencys_page_shows_programs_and_kegiatan_with_their_indicators(client, indicator, opd_a, opd_a_viewer):
    client.force_login(opd_a_viewer)
    html = client.get(list_url(opd_a), {"tahun": 2026}).content.decode()
    assert "Persentase PPKS tertangani" in html and "95,5" in html
    assert "Program · indikator outcome" in html and "Kegiatan · indikator output" in html
    assert html.index('id="kode-1.06.04"') < html.index('id="kode-1.06.04.2.01"')
    assert reverse("renja:program-indicator-edit", args=[indicator.pk]) not in html  # a reader does not edit


def test_another_agencys_people_get_404(client, indicator, opd_a, opd_b_editor):
    client.force_login(opd_b_editor)
    assert client.get(list_url(opd_a)).status_code == 404
    assert client.get(reverse("renja:program-indicator-create", args=[opd_a.pk])).status_code == 404
    for name in ("program-indicator-edit", "program-indicator-delete"):
        assert client.get(reverse(f"renja:{name}", args=[indicator.pk])).status_code == 404
        assert client.post(reverse(f"renja:{name}", args=[indicator.pk]), {"konfirmasi": "1"}).status_code == 404
    assert ProgramIndicator.objects.count() == 1


def test_a_reader_of_the_agency_may_not_write(client, indicator, opd_a, opd_a_viewer):
    client.force_login(opd_a_viewer)
    assert client.get(reverse("renja:program-indicator-create", args=[opd_a.pk])).status_code == 403
    assert client.get(reverse("renja:program-indicator-edit", args=[indicator.pk])).status_code == 403


def test_planner_and_facilitator_read_every_agency_and_the_index(client, indicator, opd_a, opd_b, facilitator):
    client.force_login(facilitator)
    html = client.get(reverse("renja:program-indicator-index"), {"tahun": 2026}).content.decode()
    assert list_url(opd_a) in html and list_url(opd_b) in html
    assert client.get(list_url(opd_a)).status_code == 200
    assert client.get(reverse("renja:program-indicator-create", args=[opd_a.pk])).status_code == 403


def test_the_index_sends_an_officer_to_their_agency(client, year, opd_a, opd_a_editor):
    client.force_login(opd_a_editor)
    response = client.get(reverse("renja:program-indicator-index"), {"tahun": 2026})
    assert response.status_code == 302 and response["Location"] == f"{list_url(opd_a)}?tahun=2026"


def test_the_officer_adds_an_indicator(client, indicator, opd_a, opd_a_editor):
    client.force_login(opd_a_editor)
    url = reverse("renja:program-indicator-create", args=[opd_a.pk]) + "?tahun=2026&kode=1.06.04.2.01"
    assert 'value="1.06.04.2.01"' in client.get(url).content.decode()
    response = client.post(
        url, {"kode": "1.06.04.2.01", "indikator": "Jumlah PPKS", "target": "1.250", "satuan": "orang"}
    )
    assert response.status_code == 302 and response["Location"].endswith("#kode-1.06.04.2.01")
    added = ProgramIndicator.objects.get(kode="1.06.04.2.01")
    assert (added.indikator, added.target, added.is_outcome) == ("Jumlah PPKS", Decimal("1.25"), False)


def test_a_refused_add_shows_the_reason_at_its_field(client, indicator, opd_a, opd_b, opd_a_editor):
    client.force_login(opd_a_editor)
    url = reverse("renja:program-indicator-create", args=[opd_a.pk]) + "?tahun=2026"
    response = client.post(url, {"kode": "2.08.02", "indikator": "X", "target": "-3"})
    html = response.content.decode()
    assert response.status_code == 422
    assert "tidak dipakai baris Renja Dinsos" in html and "Harus angka tidak negatif." in html
    assert ProgramIndicator.objects.count() == 1


def test_the_officer_edits_and_a_stale_edit_is_refused(client, indicator, opd_a_editor):
    client.force_login(opd_a_editor)
    url = reverse("renja:program-indicator-edit", args=[indicator.pk])
    assert 'value="95,5"' in client.get(url).content.decode()
    data = {"indikator": "Persentase PPKS tertangani", "target": "97", "satuan": "%", "version": 1}
    assert client.post(url, data).status_code == 302
    indicator.refresh_from_db()
    assert (indicator.target, indicator.version) == (Decimal("97"), 2)
    response = client.post(url, {**data, "target": "10"})
    assert response.status_code == 422 and "sudah diubah orang lain" in response.content.decode()


def test_delete_asks_first_then_removes(client, indicator, opd_a_editor):
    client.force_login(opd_a_editor)
    url = reverse("renja:program-indicator-delete", args=[indicator.pk])
    page = client.get(url).content.decode()
    assert "Persentase PPKS tertangani" in page and 'name="konfirmasi"' in page
    client.post(url, {"version": 1})  # without the confirmation
    assert ProgramIndicator.objects.exists()
    assert client.post(url, {"version": 1, "konfirmasi": "1"}).status_code == 302
    assert not ProgramIndicator.objects.exists()


def test_a_locked_year_offers_no_forms(client, indicator, opd_a, planner):
    fiscal_year_set_lock(fiscal_year=indicator.fiscal_year, locked=True, reason="ditetapkan", by=planner)
    client.force_login(planner)
    html = client.get(list_url(opd_a), {"tahun": 2026}).content.decode()
    assert "dikunci" in html and reverse("renja:program-indicator-edit", args=[indicator.pk]) not in html
    url = reverse("renja:program-indicator-edit", args=[indicator.pk])
    client.post(url, {"indikator": "Baru", "version": 1})
    indicator.refresh_from_db()
    assert indicator.indikator == "Persentase PPKS tertangani"


def test_the_agency_page_costs_the_same_queries_for_more_programs_and_indicators(
    client, indicator, year, opd_a, planner
):
    client.force_login(planner)
    url = list_url(opd_a)
    client.get(url, {"tahun": 2026})
    with CaptureQueriesContext(connection) as few:
        client.get(url, {"tahun": 2026})
    for i in range(5, 9):
        make_row(opd=opd_a, fiscal_year=year, sub_kegiatan=make_nomenklatur(f"1.06.0{i}.2.01.0001", "Lain"))
        for kode in (f"1.06.0{i}", f"1.06.0{i}.2.01"):
            for n in range(2):
                program_indicator_create(
                    fiscal_year=year, opd=opd_a, kode=kode, data={"indikator": f"I{n}"}, by=planner
                )
    with CaptureQueriesContext(connection) as many:
        html = client.get(url, {"tahun": 2026}).content.decode()
    assert "1.06.08.2.01" in html
    assert len(many) == len(few)


def test_the_index_costs_the_same_queries_for_more_agencies(client, indicator, planner):
    client.force_login(planner)
    url = reverse("renja:program-indicator-index")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(5):
        make_opd(f"Tambah{i}")
    with CaptureQueriesContext(connection) as many:
        assert "Tambah4" in client.get(url).content.decode()
    assert len(many) == len(few)
