"""Agencies are listed in urusan order (by kode unit) wherever a page lists them, not by abbreviation."""

import datetime
import re

import pytest
from django.urls import reverse

from forum import services as forum_services
from renja.models import Opd
from renja.services.reference import kode_unit_assign

from ..factories import make_opd, make_row

URUSAN_ORDER = ["Dinkes", "Dinsos", "DP3A", "DP2KB"]


@pytest.fixture
def forum_agencies(db, year):
    """The March 2025 forum's four agencies, created in abbreviation order, their kode unit derived."""
    for singkatan, bidang in (("DP2KB", "2.14"), ("DP3A", "2.08"), ("Dinkes", "1.02"), ("Dinsos", "1.06")):
        make_opd(singkatan, bidang=[bidang])
    coded = kode_unit_assign(list(Opd.objects.prefetch_related("bidang_urusan")))
    Opd.objects.bulk_update(coded, ["kode_unit"])
    opds = {o.singkatan: o for o in Opd.objects.all()}
    for opd in opds.values():
        make_row(opd=opd, fiscal_year=year)
    return opds


def _option_order(html: str, names: list[str]) -> list[str]:
    """The order in which `names` first appear as <option> labels of the page."""
    labels = re.findall(r"<option[^>]*>([^<]*)</option>", html)
    return [label.strip() for label in labels if label.strip() in names]


def test_renja_list_agency_filter_and_rows_are_in_urusan_order(client, planner, forum_agencies):
    client.force_login(planner)
    html = client.get(reverse("renja:row-list"), {"tahun": 2026}).content.decode()
    assert _option_order(html, URUSAN_ORDER) == URUSAN_ORDER
    assert re.findall(r"<td[^>]*>(Dinkes|Dinsos|DP3A|DP2KB)</td>", html) == URUSAN_ORDER


def test_sync_page_agency_filter_is_in_urusan_order(client, planner, forum_agencies):
    client.force_login(planner)
    html = client.get(reverse("sinkronisasi:overlap-list"), {"tahun": 2026}).content.decode()
    assert _option_order(html, URUSAN_ORDER) == URUSAN_ORDER


def test_forum_agencies_are_in_urusan_order(client, facilitator, forum_agencies, year):
    client.force_login(facilitator)
    form = client.get(reverse("forum:forum-create")).content.decode()
    assert _option_order(form, URUSAN_ORDER) == URUSAN_ORDER
    forum = forum_services.forum_create(
        fiscal_year=year,
        opd_list=list(forum_agencies.values()),
        by=facilitator,
        data={
            "jenis": "forum_lintas_pd",
            "judul": "Forum Lintas Perangkat Daerah",
            "tanggal": datetime.date(2025, 3, 12),
            "mulai": datetime.time(9),
            "selesai": datetime.time(12),
            "tempat": "Bappeda",
            "pimpinan_nama": "X",
            "pimpinan_jabatan": "Y",
            "pimpinan_nip": "196805121994031007",
        },
    )
    listing = client.get(reverse("forum:forum-list")).content.decode()
    assert ", ".join(URUSAN_ORDER) in listing
    attendance = client.get(reverse("forum:forum-detail", args=[forum.pk])).content.decode()
    assert "; ".join(forum_agencies[s].nama for s in URUSAN_ORDER) in attendance


def test_the_renja_documents_supporting_agencies_are_in_urusan_order(forum_agencies, year):
    from renja.document import document_lines, document_tree

    row = make_row(opd=forum_agencies["Dinsos"], fiscal_year=year, ref="2026-DINSOS-900")
    row.opd_pendukung.set([forum_agencies[s] for s in ("DP2KB", "DP3A", "Dinkes")])
    lines = document_lines(document_tree(fiscal_year=year, opd=forum_agencies["Dinsos"]))
    notes = next(line.item["catatan"] for line in lines if line.item and line.item.get("ref") == row.ref)
    assert "Pendukung: Dinkes, DP3A, DP2KB" in notes
