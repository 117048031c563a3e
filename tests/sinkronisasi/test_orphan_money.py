"""Usulan belum diambil (issue 14, points 6 and 1): Rupiah beside each count, places named with their kind."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.formatting import rupiah
from renja.services.revision import plan_changed
from sinkronisasi import selectors, services
from sinkronisasi.models import Overlap

from ..factories import make_opd, make_usulan
from .test_views import _pair_between


def _orphans(year, opd_a, places):
    made = []
    for i in range(10):
        desa = (places["desa1"], places["desa3"])[i % 2]
        made.append(
            make_usulan(
                fiscal_year=year, desa=desa, anggaran=5_000_000 * (i + 1), opd_tujuan=opd_a if i % 5 == 0 else None
            )
        )
    return made


def test_counts_carry_rupiah_per_cause_kecamatan_and_agency_from_one_query(year, opd_a, places):
    made = _orphans(year, opd_a, places)
    with CaptureQueriesContext(connection) as ctx:
        counts = selectors.orphan_counts(selectors.usulan_belum_diambil(year))
    assert len(ctx.captured_queries) == 1
    routed = [u for u in made if u.opd_tujuan_id]
    waiting = [u for u in made if not u.opd_tujuan_id]
    assert counts["biaya"] == sum(u.anggaran for u in made)
    assert counts["biaya_by_cause"] == {
        "belum_diputuskan": sum(u.anggaran for u in routed),
        "belum_diteruskan": sum(u.anggaran for u in waiting),
    }
    sebulu = [u for u in made if u.desa_id == places["desa3"].pk]
    assert ("Kec. Sebulu", len(sebulu), sum(u.anggaran for u in sebulu)) in counts["per_kecamatan"]
    assert ("Dinsos", len(routed), sum(u.anggaran for u in routed)) in counts["by_opd"]
    assert any(
        c[0] == "belum_diputuskan" and c[2:] == (len(routed), sum(u.anggaran for u in routed)) for c in counts["causes"]
    )


def test_page_shows_rupiah_beside_counts_and_places_with_their_kind(client, planner, year, opd_a, places):
    made = _orphans(year, opd_a, places)
    client.force_login(planner)
    html = client.get(reverse("sinkronisasi:orphan-list")).content.decode()
    assert f'<span class="rp">{rupiah(sum(u.anggaran for u in made))}</span>' in html
    per_opd = html.split('id="belum-per-opd"')[1].split("</table>")[0]
    routed = [u for u in made if u.opd_tujuan_id]
    assert (
        f'<td>Dinsos</td><td class="num">{len(routed)}</td>'
        f'<td class="num">{rupiah(sum(u.anggaran for u in routed))}</td>'
    ) in per_opd
    per_kec = html.split('id="belum-per-kecamatan"')[1].split("</table>")[0]
    assert "<td>Kec. Tenggarong</td>" in per_kec and "<td>Kec. Sebulu</td>" in per_kec
    assert "<td>Kec. Tenggarong / Kel. Loa Ipuh</td>" in html and "<td>Kec. Sebulu / Desa Sebulu Ilir</td>" in html
    assert ">Kec. Sebulu</option>" in html  # the filter's choices


def test_place_labels_cost_no_query_per_usulan(client, planner, year, opd_a, places, django_assert_max_num_queries):
    client.force_login(planner)
    make_usulan(fiscal_year=year, desa=places["desa1"], opd_tujuan=opd_a)
    client.get(reverse("sinkronisasi:orphan-list"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("sinkronisasi:orphan-list"))
    queries = len(one.captured_queries)
    _orphans(year, opd_a, places)
    plan_changed(year.pk)  # the factory's unrouted usulan are no service's write
    client.get(reverse("sinkronisasi:orphan-list"))  # the counts brought up to date (the test queue runs it at once)
    with django_assert_max_num_queries(queries):
        assert "Kel. Loa Ipuh" in client.get(reverse("sinkronisasi:orphan-list")).content.decode()


def test_overlap_page_names_the_rows_places_with_their_kind(client, planner, year, opd_a, places, groups):
    _pair_between(year, opd_a, make_opd("Dinkes", bidang=["1.02"]), places["desa1"], groups, "P1")
    services.sync_refresh(fiscal_year=year)
    pair = Overlap.objects.get()
    client.force_login(planner)
    html = client.get(reverse("sinkronisasi:overlap-detail", args=[pair.pk])).content.decode()
    assert "Lokasi: Kel. Loa Ipuh" in html
