"""Usulan not picked up: each cause, and what takes an usulan out of the list."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from musrenbang import services as usulan_services
from musrenbang.models import Decision, Usulan
from renja.models import StageWindow
from sinkronisasi import selectors

from ..factories import make_fiscal_year, make_row, make_usulan


def causes(year, opd_id=None):
    return {u.id_usulan: u.cause for u in selectors.usulan_belum_diambil(year, opd_id=opd_id)}


def test_each_cause(year, opd_a):
    make_usulan(fiscal_year=year, id_usulan="BARU")
    make_usulan(fiscal_year=year, id_usulan="DITERUSKAN", opd_tujuan=opd_a)
    rejected = make_usulan(fiscal_year=year, id_usulan="DITOLAK", opd_tujuan=opd_a)
    usulan_services.usulan_decide(usulan=rejected, kind=Decision.Kind.DITOLAK, alasan="bukan kewenangan", by=None)
    returned = make_usulan(fiscal_year=year, id_usulan="DIKEMBALIKAN", opd_tujuan=opd_a)
    usulan_services.usulan_decide(usulan=returned, kind=Decision.Kind.DIKEMBALIKAN, alasan="salah OPD", by=None)
    assert causes(year) == {
        "BARU": "belum_diteruskan",
        "DITERUSKAN": "belum_diputuskan",
        "DITOLAK": "ditolak",
        "DIKEMBALIKAN": "dikembalikan",
    }


def test_accepted_rerouted_and_closed_usulan_leave_the_list(year, opd_a, opd_b):
    row = make_row(opd=opd_a, fiscal_year=year)
    accepted = make_usulan(fiscal_year=year, id_usulan="TERIMA", opd_tujuan=opd_a)
    usulan_services.usulan_decide(
        usulan=accepted, kind=Decision.Kind.DITERIMA, by=None, allocations=[usulan_services.Allocation(row=row)]
    )
    rerouted = make_usulan(fiscal_year=year, id_usulan="ULANG", opd_tujuan=opd_a)
    usulan_services.usulan_decide(usulan=rerouted, kind=Decision.Kind.DITOLAK, alasan="bukan kewenangan", by=None)
    usulan_services.usulan_route(usulan=rerouted, opd=opd_b, by=None)
    closed = make_usulan(fiscal_year=year, id_usulan="TUTUP")
    usulan_services.usulan_close(usulan=closed, by=None, alasan="anggaran tidak cukup")
    assert causes(year) == {"ULANG": "belum_diputuskan"}  # re-routed: waiting for the new agency's decision


def test_a_merged_usulan_follows_the_one_it_joined(year, opd_a):
    row = make_row(opd=opd_a, fiscal_year=year)
    target = make_usulan(fiscal_year=year, id_usulan="INDUK", opd_tujuan=opd_a)
    merged = make_usulan(fiscal_year=year, id_usulan="ANAK", opd_tujuan=opd_a)
    usulan_services.usulan_decide(
        usulan=merged, kind=Decision.Kind.DIGABUNG, alasan="sama", merge_usulan=target, by=None
    )
    assert causes(year) == {"INDUK": "belum_diputuskan", "ANAK": "belum_diputuskan"}
    usulan_services.usulan_decide(
        usulan=target, kind=Decision.Kind.DITERIMA, by=None, allocations=[usulan_services.Allocation(row=row)]
    )
    assert causes(year) == {}


def test_officers_see_only_usulan_routed_to_their_agency(year, opd_a, opd_b):
    make_usulan(fiscal_year=year, id_usulan="A", opd_tujuan=opd_a)
    make_usulan(fiscal_year=year, id_usulan="B", opd_tujuan=opd_b)
    make_usulan(fiscal_year=year, id_usulan="BARU")
    assert set(causes(year, opd_id=opd_a.pk)) == {"A"}


def test_age_counts_days_since_the_last_step():
    sejak = datetime.datetime(2026, 3, 1, 10, tzinfo=datetime.UTC)
    assert selectors.age_days(sejak, today=datetime.date(2026, 3, 31)) == 30


def test_forum_deadline_comes_from_the_stage_window(year):
    StageWindow.objects.create(
        fiscal_year=year,
        stage=StageWindow.Stage.FORUM,
        opens_on=datetime.date(2025, 3, 1),
        closes_on=datetime.date(2025, 3, 31),
    )
    assert selectors.forum_deadline(year) == datetime.date(2025, 3, 31)


def test_closing_needs_a_reason_and_refuses_accepted_usulan(year, opd_a):
    usulan = make_usulan(fiscal_year=year, opd_tujuan=opd_a)
    with pytest.raises(ValidationError, match="Alasan menutup usulan wajib diisi"):
        usulan_services.usulan_close(usulan=usulan, by=None, alasan=" ")
    row = make_row(opd=opd_a, fiscal_year=year)
    usulan_services.usulan_decide(
        usulan=usulan, kind=Decision.Kind.DITERIMA, by=None, allocations=[usulan_services.Allocation(row=row)]
    )
    with pytest.raises(ValidationError, match="sudah diterima; tidak dapat ditutup"):
        usulan_services.usulan_close(usulan=usulan, by=None, alasan="tidak ada anggaran")


def test_a_closed_usulan_carries_over_to_the_next_year(year):
    usulan = make_usulan(fiscal_year=year, id_usulan="LANJUT")
    usulan_services.usulan_close(usulan=usulan, by=None, alasan="anggaran tidak cukup")
    next_year = make_fiscal_year(2027)
    assert usulan_services.usulan_carry_over(from_year=year, to_year=next_year, by=None) == 1
    assert Usulan.objects.get(fiscal_year=next_year, id_usulan="LANJUT").asal_id == usulan.pk


def test_officers_cannot_close_as_a_decision(year, opd_a, opd_a_editor):
    usulan = make_usulan(fiscal_year=year, opd_tujuan=opd_a)
    with pytest.raises(ValidationError, match="Keputusan ditutup tidak dikenal"):
        usulan_services.usulan_decide(usulan=usulan, kind="ditutup", alasan="x", by=opd_a_editor)


def test_the_page_counts_and_pages_the_whole_list_and_each_filtered_one(client, planner, year, opd_a):
    from django.urls import reverse

    for i in range(27):
        make_usulan(fiscal_year=year, id_usulan=f"B-{i:02}", opd_tujuan=opd_a if i < 4 else None)
    client.force_login(planner)
    url = reverse("sinkronisasi:orphan-list")
    whole = client.get(url, {"page": 2}).content.decode()
    assert "27 usulan" in whole and "Halaman 2 dari 2" in whole
    routed = client.get(url, {"sebab": "belum_diputuskan"}).content.decode()
    assert "4 usulan" in routed and "Halaman 2" not in routed
    counts = selectors.orphan_counts(selectors.usulan_belum_diambil(year))
    assert counts["by_cause"] == {"belum_diteruskan": 23, "belum_diputuskan": 4} and counts["total"] == 27
    assert {name: n for name, n, _biaya in counts["by_opd"]} == {"(belum ada OPD)": 23, "Dinsos": 4}
