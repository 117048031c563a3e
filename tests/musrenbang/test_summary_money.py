"""Usulan summaries (issue 14, points 6 and 1): Rupiah beside each count, places named with their kind."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.formatting import rupiah
from renja.models import Wilayah
from renja.services.revision import plan_changed

from ..factories import make_usulan, make_wilayah


@pytest.fixture
def places():
    kec = make_wilayah("64.02.06", "Tenggarong")
    kec_2 = make_wilayah("64.02.07", "Kota Bangun")
    return {
        "desa": make_wilayah("64.02.06.2001", "Bukit Biru", Wilayah.Tingkat.DESA, parent=kec),
        "kel": make_wilayah("64.02.06.1001", "Sukarame", Wilayah.Tingkat.KELURAHAN, parent=kec),
        "kb": make_wilayah("64.02.07.2001", "Kota Bangun", Wilayah.Tingkat.DESA, parent=kec_2),
    }


@pytest.fixture
def usulan(year, opd_a, opd_b, places):
    made = []
    for i in range(9):
        desa = (places["desa"], places["kel"], places["kb"])[i % 3]
        made.append(
            make_usulan(
                fiscal_year=year, desa=desa, anggaran=10_000_000 * (i + 1), opd_tujuan=(opd_a, opd_b, None)[i % 3]
            )
        )
    return made


def test_counts_per_kecamatan_and_agency_carry_their_rupiah(client, planner, usulan, opd_a):
    client.force_login(planner)
    html = client.get(reverse("musrenbang:usulan-list")).content.decode()
    kecamatan = html.split('id="rekap-kec"')[1].split("</table>")[0]
    tenggarong = [u for u in usulan if u.desa.parent.nama == "Tenggarong"]
    assert '<th scope="row">Kec. Tenggarong</th>' in kecamatan
    assert (
        f'<td class="num">{len(tenggarong)}</td><td class="num">{rupiah(sum(u.anggaran for u in tenggarong))}</td></tr>'
        in kecamatan
    )
    assert '<th scope="row">Kec. Kota Bangun</th>' in kecamatan
    per_opd = html.split('id="rekap-opd"')[1].split("</table>")[0]
    dinsos = [u for u in usulan if u.opd_tujuan_id == opd_a.pk]
    assert '<th scope="row">Dinsos</th>' in per_opd
    assert (
        f'<td class="num">{len(dinsos)}</td><td class="num">{rupiah(sum(u.anggaran for u in dinsos))}</td></tr>'
        in per_opd
    )
    assert ">Anggaran</th>" in per_opd


def test_list_names_places_with_their_kind(client, planner, usulan):
    client.force_login(planner)
    html = client.get(reverse("musrenbang:usulan-list")).content.decode()
    assert "<td>Desa Bukit Biru</td><td>Kec. Tenggarong</td>" in html
    assert "<td>Kel. Sukarame</td><td>Kec. Tenggarong</td>" in html
    assert "<td>Desa Kota Bangun</td><td>Kec. Kota Bangun</td>" in html  # the desa told from its kecamatan
    assert ">Kec. Kota Bangun</option>" in html  # the filter's choices


def test_detail_tracking_and_receipt_name_places_with_their_kind(client, planner, usulan):
    client.force_login(planner)
    u = usulan[1]  # in Kelurahan Sukarame
    for url in (reverse("musrenbang:usulan-detail", args=[u.pk]), reverse("musrenbang:usulan-receipt", args=[u.pk])):
        assert "Kel. Sukarame, Kec. Tenggarong" in client.get(url).content.decode(), url
    client.logout()
    assert (
        "Kel. Sukarame, Kec. Tenggarong"
        in client.get(reverse("musrenbang:track"), {"kode": u.kode_lacak}).content.decode()
    )


def test_inbox_names_places_with_their_kind(client, opd_a_editor, usulan):
    client.force_login(opd_a_editor)
    html = client.get(reverse("musrenbang:inbox")).content.decode()
    assert "<td>Desa Bukit Biru</td><td>Kec. Tenggarong</td>" in html


def test_summaries_and_labels_cost_no_query_per_usulan(
    client, planner, year, opd_a, places, django_assert_max_num_queries
):
    client.force_login(planner)
    make_usulan(fiscal_year=year, desa=places["desa"], opd_tujuan=opd_a)
    client.get(reverse("musrenbang:usulan-list"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("musrenbang:usulan-list"))
    queries = len(one.captured_queries)  # read now: the next request clears the log
    for i in range(12):
        make_usulan(fiscal_year=year, desa=(places["kel"], places["kb"])[i % 2], opd_tujuan=opd_a if i % 3 else None)
    plan_changed(year.pk)  # the factory's usulan are no service's write: the cached summary learns of them so
    client.get(reverse("musrenbang:usulan-list"))  # the summary computed and cached once for the new revision
    with django_assert_max_num_queries(queries):
        client.get(reverse("musrenbang:usulan-list"))
