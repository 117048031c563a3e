"""Receipts, exports and PDFs are never kept by a shared cache or the browser's disk: Cache-Control: private, no-store
(issue 11, point 9; the PDFs are tested in tests/forum/test_pdf_fetch_and_cache.py)."""

import pytest
from django.urls import reverse

from .factories import make_nomenklatur, make_row, make_usulan

NO_STORE = "private, no-store"


@pytest.fixture
def world(year, opd_a, opd_b):
    for opd, code in ((opd_a, "1.06.04.2.01.0005"), (opd_b, "2.08.02.2.01.0005")):
        make_row(
            opd=opd,
            fiscal_year=year,
            sub_kegiatan=make_nomenklatur(code, "Layanan"),
            nama="Rumah singgah korban kekerasan",
        )
    from sinkronisasi.services import sync_refresh

    sync_refresh(fiscal_year=year)
    return {"usulan": make_usulan(fiscal_year=year, opd_tujuan=opd_a)}


@pytest.mark.parametrize(
    "page", ["renja:row-list", "musrenbang:usulan-list", "sinkronisasi:overlap-list", "sinkronisasi:orphan-list"]
)
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_every_export_is_private_and_not_stored(client, planner, world, page, kind):
    client.force_login(planner)
    response = client.get(reverse(page), {"export": kind})
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"] == NO_STORE


def test_the_officers_inbox_export_is_private_and_not_stored(client, opd_a_editor, world):
    client.force_login(opd_a_editor)
    response = client.get(reverse("musrenbang:inbox"), {"export": "csv"})
    assert response.status_code == 200 and response["Cache-Control"] == NO_STORE


def test_the_receipt_and_the_tracking_page_are_private_and_not_stored(client, planner, world):
    usulan = world["usulan"]
    client.force_login(planner)
    receipt = client.get(reverse("musrenbang:usulan-receipt", args=[usulan.pk]))
    assert receipt.status_code == 200 and receipt["Cache-Control"] == NO_STORE
    client.logout()
    tracked = client.get(reverse("musrenbang:track"), {"kode": usulan.kode_lacak})
    assert tracked.status_code == 200 and usulan.kode_lacak in tracked.content.decode()
    assert tracked["Cache-Control"] == NO_STORE


def test_ordinary_pages_are_not_affected(client, planner, world):
    client.force_login(planner)
    assert "no-store" not in client.get(reverse("renja:row-list")).get("Cache-Control", "")
