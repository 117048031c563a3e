"""Routing (issue 14): the suggested agency preselected, one-click suggestions only where routing is the next step,
and a bulk result that says which usulan went where."""

from django.urls import reverse

from musrenbang import services
from musrenbang.models import Usulan
from renja.models import Nomenklatur
from sinkronisasi import selectors as sync_selectors

from ..factories import make_opd, make_usulan


def _bidang(code: str) -> Nomenklatur:
    return Nomenklatur.objects.get(kode=code)


def test_routing_form_preselects_the_suggestion_and_not_the_agency_that_returned_it(
    client, year, opd_a, planner, opd_a_editor
):
    dinkes = make_opd("Dinkes", bidang=["1.06"], nama="Dinas Kesehatan")
    fresh = make_usulan(fiscal_year=year, id_usulan="U-FRESH", bidang_urusan=_bidang("1.06"))
    client.force_login(planner)
    form = client.get(reverse("musrenbang:usulan-detail", args=[fresh.pk])).context["route_form"]
    assert form.initial["opd"] == dinkes  # Dinkes before Dinsos (same kind, by singkatan)
    returned = make_usulan(fiscal_year=year, opd_tujuan=dinkes, id_usulan="U-BACK", bidang_urusan=_bidang("1.06"))
    services.usulan_decide(usulan=returned, kind="dikembalikan", alasan="Bukan urusan kami", by=planner)
    form = client.get(reverse("musrenbang:usulan-detail", args=[returned.pk])).context["route_form"]
    assert form.initial["opd"] == opd_a
    page = client.get(reverse("musrenbang:usulan-detail", args=[returned.pk])).content.decode()
    assert f'<option value="{opd_a.pk}" selected>' in page


def test_no_one_click_suggestion_for_an_usulan_awaiting_its_agencys_decision(year, opd_a, opd_a_editor):
    make_opd("Dinkes", bidang=["1.06"], nama="Dinas Kesehatan")
    waiting = make_usulan(fiscal_year=year, opd_tujuan=opd_a, id_usulan="U-WAIT", bidang_urusan=_bidang("1.06"))
    rejected = make_usulan(fiscal_year=year, opd_tujuan=opd_a, id_usulan="U-NO", bidang_urusan=_bidang("1.06"))
    services.usulan_decide(usulan=rejected, kind="ditolak", alasan="Tidak sesuai", by=opd_a_editor)
    fresh = make_usulan(fiscal_year=year, id_usulan="U-NEW", bidang_urusan=_bidang("1.06"))
    items = list(Usulan.objects.filter(pk__in=[waiting.pk, rejected.pk, fresh.pk]))
    suggestions = sync_selectors.route_suggestions(items)
    assert waiting.pk not in suggestions
    assert suggestions[rejected.pk].singkatan == "Dinkes" and suggestions[fresh.pk].singkatan == "Dinkes"


def test_bulk_result_names_the_usulan_and_where_they_went(client, year, opd_a, opd_b, planner):
    chosen = [make_usulan(fiscal_year=year, id_usulan=f"U-{i}") for i in range(2)]
    client.force_login(planner)
    response = client.post(
        reverse("musrenbang:usulan-bulk"),
        {
            "aksi": "teruskan",
            "opd": opd_b.pk,
            "pilih": [u.pk for u in chosen],
            "konfirmasi_massal": "1",
            "next": reverse("musrenbang:usulan-list"),
        },
        follow=True,
    )
    assert "2 usulan diteruskan ke DP3A: U-0, U-1." in response.content.decode()
