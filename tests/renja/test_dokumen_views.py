"""The Renja document's screen and downloads (an agency's people their own agency only, planners any), and
`manage.py renja_dokumen`."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from ..factories import make_nomenklatur, make_opd, make_row, make_wilayah
from .test_dokumen import dinsos, plan  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def screen(client, user, **query):
    client.force_login(user)
    return client.get(reverse("renja:dokumen"), query)


def test_an_officer_sees_their_own_agencys_document_with_both_downloads(client, plan, opd_a_editor, dinsos):
    response = screen(client, opd_a_editor)
    assert response.status_code == 200
    body = response.content.decode()
    assert response.context["opd"] == dinsos
    assert "Rehabilitasi Sosial Dasar Penyandang Disabilitas Terlantar" in body
    assert "Bantuan alat bantu dengar di Tenggarong" in body
    assert reverse("renja:dokumen-pdf", args=[dinsos.pk]) + "?tahun=2026" in body
    assert reverse("renja:dokumen-xlsx", args=[dinsos.pk]) + "?tahun=2026" in body
    assert [o.pk for o in response.context["opds"]] == [dinsos.pk], "no other agency to choose"
    assert "Rp12.565.499.999" in body and "melebihi" in body


@pytest.mark.parametrize("who", ["opd_a_editor", "opd_a_viewer"])
def test_another_agencys_document_answers_404_to_agency_people(client, request, plan, opd_b, who):
    user = request.getfixturevalue(who)
    client.force_login(user)
    assert client.get(reverse("renja:dokumen"), {"opd": opd_b.pk}).status_code == 404
    assert client.get(reverse("renja:dokumen-pdf", args=[opd_b.pk])).status_code == 404
    assert client.get(reverse("renja:dokumen-xlsx", args=[opd_b.pk])).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, plan, dinsos):
    for url in (
        reverse("renja:dokumen"),
        reverse("renja:dokumen-pdf", args=[dinsos.pk]),
        reverse("renja:dokumen-xlsx", args=[dinsos.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/akun/masuk/" in response["Location"]


def test_a_planner_chooses_any_agency_in_kode_unit_order(client, plan, planner, dinsos, opd_b):
    opd_b.kode_unit = "1.05.0.00.0.00.01.0000"
    opd_b.save()
    make_opd("Dispora", kode_unit="2.19.0.00.0.00.01.0000")
    response = screen(client, planner)
    assert response.status_code == 200 and response.context["opd"] is None and response.context["tree"] is None
    assert [o.singkatan for o in response.context["opds"]] == ["DP3A", "Dinsos", "Dispora"]
    response = screen(client, planner, opd=dinsos.pk, tahun=2026)
    assert response.context["tree"]["jumlah_baris"] == 5
    assert client.get(reverse("renja:dokumen-pdf", args=[opd_b.pk])).status_code == 200


def test_a_facilitator_reads_any_agencys_document(client, plan, facilitator, opd_b):
    assert screen(client, facilitator, opd=opd_b.pk).status_code == 200


def test_the_status_choice_limits_the_preview_and_the_downloads(client, plan, opd_a_editor, dinsos):
    response = screen(client, opd_a_editor, status=["final", "bukan-status"])
    assert response.context["tree"]["jumlah_baris"] == 1
    assert "status=final" in response.context["download_query"]
    xlsx = client.get(reverse("renja:dokumen-xlsx", args=[dinsos.pk]), {"status": "final", "tahun": 2026})
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert "tidak dimuat" in sheet["A4"].value
    # An unknown status alone means every status, not none.
    assert screen(client, opd_a_editor, status="bukan-status").context["tree"]["jumlah_baris"] == 5


def test_the_downloads_are_named_by_year_and_agency(client, plan, opd_a_editor, dinsos):
    client.force_login(opd_a_editor)
    pdf = client.get(reverse("renja:dokumen-pdf", args=[dinsos.pk]), {"tahun": 2026})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert pdf["Content-Disposition"] == 'attachment; filename="renja_2026_Dinsos.pdf"'
    xlsx = client.get(reverse("renja:dokumen-xlsx", args=[dinsos.pk]), {"tahun": 2026})
    assert xlsx["Content-Disposition"] == 'attachment; filename="renja_2026_Dinsos.xlsx"'
    assert openpyxl.load_workbook(io.BytesIO(xlsx.content)).active["A8"].value == "(1)"


def test_the_screen_costs_the_same_queries_for_few_and_many_rows(
    client, plan, opd_a_editor, dinsos, opd_b, django_assert_max_num_queries
):
    client.force_login(opd_a_editor)
    url = reverse("renja:dokumen")
    client.get(url)  # the session and user once
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    kec = make_wilayah("64.02.07", "Loa Kulu")
    for i in range(25):
        sub = make_nomenklatur(f"1.06.0{5 + i % 3}.2.0{1 + i % 4}.00{10 + i}", f"Sub {i}")
        row = make_row(opd=dinsos, fiscal_year=plan[0].fiscal_year, sub_kegiatan=sub, lokasi=[kec])
        row.opd_pendukung.set([opd_b])
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.context["tree"]["jumlah_baris"] == 30
    assert len(many) == len(few)


# ---------------------------------------------------------------------------------------------------------------
# manage.py renja_dokumen


def test_the_command_writes_the_pdf_and_xlsx_of_one_agency(plan, tmp_path):
    out = io.StringIO()
    call_command("renja_dokumen", "--year", "2026", "--opd", "Dinsos", "--out", str(tmp_path / "dok"), stdout=out)
    pdf, xlsx = tmp_path / "dok" / "renja_2026_Dinsos.pdf", tmp_path / "dok" / "renja_2026_Dinsos.xlsx"
    assert pdf.read_bytes().startswith(b"%PDF")
    sheet = openpyxl.load_workbook(xlsx).active
    assert [c.value for c in sheet[8]] == [f"({n})" for n in range(1, 11)]
    assert sorted(p.name for p in (tmp_path / "dok").iterdir()) == ["renja_2026_Dinsos.pdf", "renja_2026_Dinsos.xlsx"]
    assert "5 baris" in out.getvalue()


def test_the_command_without_an_agency_writes_every_agency_with_rows(plan, tmp_path):
    make_opd("Dispora")  # no rows: no document
    call_command("renja_dokumen", "--year", "2026", "--status", "final", "--out", str(tmp_path), stdout=io.StringIO())
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "renja_2026_DP3A.pdf",
        "renja_2026_DP3A.xlsx",
        "renja_2026_Dinsos.pdf",
        "renja_2026_Dinsos.xlsx",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--year", "2031", "--opd", "Dinsos"], "Tahun anggaran 2031 belum ada."),
        (["--year", "2026", "--opd", "Dinkes"], "OPD dengan singkatan 'Dinkes' tidak ditemukan."),
    ],
)
def test_the_command_refuses_an_unknown_year_or_agency(plan, tmp_path, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("renja_dokumen", *args, "--out", str(tmp_path))
    assert not list(tmp_path.iterdir())


def test_the_command_refuses_a_year_without_rows(year, tmp_path):
    with pytest.raises(CommandError, match="Tidak ada OPD yang punya baris Renja tahun 2026."):
        call_command("renja_dokumen", "--year", "2026", "--out", str(tmp_path))


def test_the_pdf_download_is_printed_once_per_state_of_the_document(client, plan, opd_a_editor, dinsos, monkeypatch):
    from renja.document import pdf

    printed = []
    monkeypatch.setattr(pdf, "html_to_pdf", lambda html: printed.append(html) or b"%PDF-" + str(len(printed)).encode())
    client.force_login(opd_a_editor)
    url = reverse("renja:dokumen-pdf", args=[dinsos.pk])
    assert client.get(url).content == b"%PDF-1"
    assert client.get(url).content == b"%PDF-1" and len(printed) == 1
    plan[0].pagu += 1
    plan[0].save(update_fields=["pagu"])
    assert client.get(url).content == b"%PDF-2", "a changed row prints again"
    assert client.get(url, {"status": "final"}).content == b"%PDF-3", "another choice of statuses is another document"
