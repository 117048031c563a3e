"""Duplicate usulan: stored by the recompute, listed on their own tab, merged (digabung on the trail, through a
confirmation page) or dismissed (bukan ganda) by a planner; officers see their agency's pairs only."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from musrenbang.models import Decision, Usulan
from renja.models import AuditLog
from sinkronisasi.models import DuplicateUsulan
from sinkronisasi.services.homes import duplicate_dismiss, duplicate_merge, homes_refresh

from ..factories import make_opd, make_usulan

pytestmark = pytest.mark.django_db


@pytest.fixture
def twins(year, places, opd_a):
    a = make_usulan(
        fiscal_year=year, desa=places["desa3"], opd_tujuan=opd_a, usulan="Pembangunan jalan usaha tani ke sawah"
    )
    b = make_usulan(
        fiscal_year=year,
        desa=places["desa3"],
        opd_tujuan=opd_a,
        sumber=Usulan.Sumber.POKIR,
        usulan="Semenisasi jalan usaha tani ke sawah",
    )
    return a, b


def _pair(year) -> DuplicateUsulan:
    homes_refresh(fiscal_year=year)
    return DuplicateUsulan.objects.get()


def test_recompute_pairs_usulan_of_one_desa_not_of_two(year, places, twins):
    make_usulan(fiscal_year=year, desa=places["desa1"], usulan="Pembangunan jalan usaha tani ke sawah")
    pair = _pair(year)
    assert (pair.usulan_a_id, pair.usulan_b_id) == (twins[0].pk, twins[1].pk)


def test_merge_goes_through_the_confirmation_page_then_on_the_trail(client, year, twins, planner):
    pair = _pair(year)
    client.force_login(planner)
    page = client.get(reverse("sinkronisasi:duplicate-list"), {"tahun": 2026}).content.decode()
    assert "Meminta hal yang sama" in page and "Bukan ganda" in page
    confirm = client.get(reverse("sinkronisasi:duplicate-merge-confirm", args=[pair.pk]), {"tetap": "a"})
    assert confirm.status_code == 200 and "Ya, gabungkan" in confirm.content.decode()
    # Without the confirmation field nothing happens.
    response = client.post(reverse("sinkronisasi:duplicate-merge", args=[pair.pk]), {"tetap": "a"})
    assert response.status_code == 302 and DuplicateUsulan.objects.get().status == DuplicateUsulan.Status.OPEN
    client.post(reverse("sinkronisasi:duplicate-merge", args=[pair.pk]), {"tetap": "a", "konfirmasi": "1"})
    b = Usulan.objects.get(pk=twins[1].pk)
    assert b.status == Usulan.Status.DIGABUNG and b.digabung_ke_id == twins[0].pk
    assert b.decisions.order_by("-at", "-id").first().kind == Decision.Kind.DIGABUNG
    assert DuplicateUsulan.objects.get().status == DuplicateUsulan.Status.MERGED
    assert AuditLog.objects.filter(action="duplicate.merged").exists()
    homes_refresh(fiscal_year=year)  # a decided pair outlives recomputes
    assert DuplicateUsulan.objects.get().status == DuplicateUsulan.Status.MERGED


def test_dismiss_is_stored_and_kept(client, year, twins, planner):
    pair = _pair(year)
    client.force_login(planner)
    response = client.post(reverse("sinkronisasi:duplicate-dismiss", args=[pair.pk]))
    assert response.status_code == 302
    homes_refresh(fiscal_year=year)
    assert DuplicateUsulan.objects.get().status == DuplicateUsulan.Status.DISMISSED
    assert AuditLog.objects.filter(action="duplicate.dismissed").exists()
    page = client.get(reverse("sinkronisasi:duplicate-list"), {"tahun": 2026}).content.decode()
    assert "Tidak ada pasangan usulan ganda" in page


def test_a_decided_pair_is_refused(year, twins, planner):
    pair = duplicate_dismiss(pair=_pair(year), by=planner)
    with pytest.raises(ValidationError) as exc:
        duplicate_merge(pair=pair, keep="a", by=planner)
    assert exc.value.code == "decided"


def test_an_unrouted_usulan_cannot_be_merged_yet(year, places, planner):
    make_usulan(fiscal_year=year, desa=places["desa3"], usulan="Pembangunan jalan usaha tani ke sawah")
    make_usulan(fiscal_year=year, desa=places["desa3"], usulan="Semenisasi jalan usaha tani ke sawah")
    with pytest.raises(ValidationError) as exc:
        duplicate_merge(pair=_pair(year), keep="a", by=planner)
    assert exc.value.code == "not_routed"


def test_officers_may_not_act(client, year, twins, opd_a_editor):
    pair = _pair(year)
    client.force_login(opd_a_editor)
    assert client.get(reverse("sinkronisasi:duplicate-list"), {"tahun": 2026}).status_code == 200
    assert client.post(reverse("sinkronisasi:duplicate-dismiss", args=[pair.pk])).status_code == 403
    assert client.get(reverse("sinkronisasi:duplicate-merge-confirm", args=[pair.pk])).status_code == 403
    with pytest.raises(ValidationError, match="Hanya Bappeda yang dapat menggabungkan usulan ganda"):
        duplicate_merge(pair=pair, keep="a", by=opd_a_editor)
    assert DuplicateUsulan.objects.get().status == DuplicateUsulan.Status.OPEN


def test_another_agencys_pair_is_not_found(client, year, twins, opd_b_editor):
    pair = _pair(year)
    client.force_login(opd_b_editor)
    page = client.get(reverse("sinkronisasi:duplicate-list"), {"tahun": 2026}).content.decode()
    assert twins[0].id_usulan not in page
    assert client.get(reverse("sinkronisasi:duplicate-merge-confirm", args=[pair.pk])).status_code == 404
    assert client.post(reverse("sinkronisasi:duplicate-dismiss", args=[pair.pk])).status_code == 404


def test_duplicate_list_queries_do_not_grow(client, year, places, planner):
    opd = make_opd("Dishub")

    def add(n, start):
        for i in range(start, start + n):
            for text in ("Pembangunan halte bus desa", "Pembangunan halte bus di desa"):
                make_usulan(fiscal_year=year, desa=places["desa3"], opd_tujuan=opd, usulan=f"{text} nomor{i}")

    client.force_login(planner)
    url = reverse("sinkronisasi:duplicate-list")
    add(1, 0)
    homes_refresh(fiscal_year=year)
    client.get(url, {"tahun": 2026})
    with CaptureQueriesContext(connection) as few:
        client.get(url, {"tahun": 2026})
    add(3, 10)
    homes_refresh(fiscal_year=year)
    assert DuplicateUsulan.objects.count() > 1
    client.get(url, {"tahun": 2026})
    with CaptureQueriesContext(connection) as many:
        client.get(url, {"tahun": 2026})
    assert len(many) == len(few)


def test_an_accepted_usulan_is_not_merged_away(client, year, twins, planner, opd_a, opd_a_editor):
    from musrenbang import services as usulan_services
    from musrenbang.services.deciding import Allocation

    from ..factories import make_row

    pair = _pair(year)
    row = make_row(opd=opd_a, fiscal_year=year)
    usulan_services.usulan_decide(usulan=twins[1], kind="diterima", by=opd_a_editor, allocations=[Allocation(row)])
    with pytest.raises(ValidationError) as exc:
        duplicate_merge(pair=pair, keep="a", by=planner)
    assert exc.value.code == "accepted"
    client.force_login(planner)
    confirm = client.get(reverse("sinkronisasi:duplicate-merge-confirm", args=[pair.pk]), {"tetap": "a"})
    assert "sudah diterima ke baris Renja" in confirm.content.decode()


def test_no_merge_into_or_out_of_an_usulan_already_merged_so_merges_never_loop(year, twins, planner, opd_a_editor):
    from musrenbang.services import usulan_decide

    a, b = twins
    pair = _pair(year)  # listed before b was merged elsewhere (the list is as old as the last recompute)
    usulan_decide(
        usulan=Usulan.objects.get(pk=b.pk), kind=Decision.Kind.DIGABUNG, by=opd_a_editor, alasan="sama", merge_usulan=a
    )
    with pytest.raises(ValidationError) as exc:
        duplicate_merge(pair=pair, keep="b", by=planner)  # a into b, which is already in a: a loop
    assert exc.value.code == "settled" and b.id_usulan in exc.value.messages[0]
    assert Usulan.objects.get(pk=a.pk).status != "digabung"
