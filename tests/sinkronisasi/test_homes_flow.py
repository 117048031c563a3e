"""Homes for orphan usulan, stored and acted on: the recompute stores them, the orphan list shows them, a planner
routes an usulan to a home's agency with the row suggested, and that agency's officer accepts it into the row."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from musrenbang import services as usulan_services
from musrenbang.models import Pickup, Usulan
from renja.models import AuditLog
from sinkronisasi.models import HomeSuggestion
from sinkronisasi.services.homes import home_route, homes_refresh

from ..factories import make_nomenklatur, make_row, make_usulan

pytestmark = pytest.mark.django_db


@pytest.fixture
def jalan_row(year, opd_b, places, groups):
    sub = make_nomenklatur("1.03.10.2.01.0053", "Pembangunan Jalan")
    return make_row(
        opd=opd_b,
        fiscal_year=year,
        ref="2026-DP3A-JUT",
        sub_kegiatan=sub,
        rincian="Pembangunan Jalan Usaha Tani Sebulu",
        lokasi=[places["kec2"]],
        sasaran=[groups["petani"]],
    )


@pytest.fixture
def orphan(year, places):
    return make_usulan(fiscal_year=year, desa=places["desa3"], usulan="Pembangunan jalan usaha tani ke sawah")


def test_recompute_stores_homes_and_keeps_routed_ones(year, jalan_row, orphan, planner):
    homes_refresh(fiscal_year=year)
    suggestion = HomeSuggestion.objects.get()
    assert (suggestion.usulan_id, suggestion.row_id, suggestion.rank) == (orphan.pk, jalan_row.pk, 1)
    home_route(suggestion=suggestion, by=planner)
    homes_refresh(fiscal_year=year)
    kept = HomeSuggestion.objects.get()
    assert kept.pk == suggestion.pk and kept.routed_at is not None


def test_no_home_for_a_row_in_another_kecamatan(year, opd_b, places, orphan):
    sub = make_nomenklatur("1.03.10.2.01.0053", "Pembangunan Jalan")
    make_row(opd=opd_b, fiscal_year=year, sub_kegiatan=sub, rincian="Jalan Usaha Tani", lokasi=[places["kec1"]])
    homes_refresh(fiscal_year=year)
    assert not HomeSuggestion.objects.exists()


def test_planner_routes_officer_sees_the_row_and_accepts_into_it(
    client, year, jalan_row, orphan, planner, opd_b, opd_b_editor
):
    client.force_login(planner)
    page = client.get(reverse("sinkronisasi:orphan-list"), {"tahun": 2026}).content.decode()
    suggestion = HomeSuggestion.objects.get()
    assert "Teruskan ke DP3A (baris 2026-DP3A-JUT disarankan)" in page
    assert "Pekerjaan sama: usulan «jalan usaha tani» ≈ baris «Jalan Usaha Tani»" in page
    response = client.post(reverse("sinkronisasi:home-route", args=[suggestion.pk]))
    assert response.status_code == 302
    orphan.refresh_from_db()
    assert orphan.opd_tujuan_id == opd_b.pk and orphan.status == Usulan.Status.DITERUSKAN
    assert AuditLog.objects.filter(action="home.routed").exists()

    client.force_login(opd_b_editor)
    home = client.get("/").content.decode()
    assert "Disarankan: baris 2026-DP3A-JUT" in home
    detail = client.get(reverse("musrenbang:usulan-detail", args=[orphan.pk]), {"baris": jalan_row.ref})
    assert detail.context["decision_form"].initial["baris_1"] == jalan_row.ref
    response = client.post(
        reverse("musrenbang:usulan-decide", args=[orphan.pk]),
        {"keputusan": "diterima", "level": "opd", "baris_1": jalan_row.ref, "konfirmasi": "1"},
    )
    assert response.status_code == 302
    assert Pickup.objects.get(usulan=orphan).renja_row_id == jalan_row.pk


def test_an_officer_may_not_route(client, year, jalan_row, orphan, opd_b_editor):
    homes_refresh(fiscal_year=year)
    client.force_login(opd_b_editor)
    response = client.post(reverse("sinkronisasi:home-route", args=[HomeSuggestion.objects.get().pk]))
    assert response.status_code == 403
    orphan.refresh_from_db()
    assert orphan.opd_tujuan_id is None


def test_routing_an_usulan_already_awaiting_a_decision_is_refused(year, jalan_row, orphan, opd_a, planner):
    homes_refresh(fiscal_year=year)
    suggestion = HomeSuggestion.objects.get()
    usulan_services.usulan_route(usulan=orphan, opd=opd_a, by=planner)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        home_route(suggestion=suggestion, by=planner)
    assert exc.value.code == "not_routable"
    orphan.refresh_from_db()
    assert orphan.opd_tujuan_id == opd_a.pk


def test_orphan_list_queries_do_not_grow_with_homes(client, year, opd_b, places, planner, jalan_row):
    def add(n):
        for i in range(n):
            make_usulan(fiscal_year=year, desa=places["desa3"], usulan=f"Pembangunan jalan usaha tani blok {i}")

    client.force_login(planner)
    add(2)
    url = reverse("sinkronisasi:orphan-list")
    homes_refresh(fiscal_year=year)
    client.get(url, {"tahun": 2026})
    with CaptureQueriesContext(connection) as few:
        client.get(url, {"tahun": 2026})
    add(5)
    homes_refresh(fiscal_year=year)
    assert HomeSuggestion.objects.count() == 7
    with CaptureQueriesContext(connection) as many:
        client.get(url, {"tahun": 2026})
    assert len(many) == len(few)
