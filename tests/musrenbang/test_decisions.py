import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from musrenbang import services
from musrenbang.models import Decision, Pickup, Usulan
from renja.models import StageWindow

from ..factories import make_nomenklatur, make_opd, make_row, make_usulan


def test_status_is_derived_from_the_trail(routed_to_a):
    assert services.status_from_trail([]) == "baru"
    trail = list(routed_to_a.decisions.all())
    assert [k.kind for k in trail] == ["diteruskan"]
    assert services.status_from_trail(trail) == routed_to_a.status == "diteruskan"


def test_new_usulan_is_baru_and_routing_records_first_and_current_agency(year, opd_a, opd_b, planner):
    usulan = make_usulan(fiscal_year=year)
    assert usulan.status == "baru" and usulan.opd_awal is None
    services.usulan_route(usulan=usulan, opd=opd_a, by=planner)
    services.usulan_decide(usulan=usulan, kind="dikembalikan", alasan="Bukan kewenangan Dinsos", by=planner)
    usulan = services.usulan_route(usulan=usulan, opd=opd_b, by=planner)
    usulan.refresh_from_db()
    assert (usulan.opd_awal, usulan.opd_tujuan, usulan.status) == (opd_a, opd_b, "diteruskan")
    assert [k.kind for k in usulan.decisions.all()] == ["diteruskan", "dikembalikan", "diteruskan"]


def test_accept_picks_up_whole_usulan_into_one_row(routed_to_a, row_a, opd_a_editor):
    decision = services.usulan_decide(
        usulan=routed_to_a, kind="diterima", by=opd_a_editor, allocations=[services.Allocation(row_a)]
    )
    routed_to_a.refresh_from_db()
    assert routed_to_a.status == "diterima" and decision.opd == routed_to_a.opd_tujuan and decision.by == opd_a_editor
    pick = Pickup.objects.get()
    assert (pick.renja_row, pick.anggaran) == (row_a, 150_000_000)


def test_accept_needs_a_row(routed_to_a, opd_a_editor):
    with pytest.raises(ValidationError, match="Pilih baris Renja"):
        services.usulan_decide(usulan=routed_to_a, kind="diterima", by=opd_a_editor)
    assert routed_to_a.decisions.count() == 1


def test_split_over_two_rows_must_add_up(routed_to_a, row_a, row_a2, opd_a_editor):
    with pytest.raises(ValidationError, match="harus sama dengan biaya yang diterima"):
        services.usulan_decide(
            usulan=routed_to_a,
            kind="diterima",
            by=opd_a_editor,
            allocations=[services.Allocation(row_a, 100_000_000), services.Allocation(row_a2, 10_000_000)],
        )
    services.usulan_decide(
        usulan=routed_to_a,
        kind="diterima",
        by=opd_a_editor,
        allocations=[services.Allocation(row_a, 100_000_000), services.Allocation(row_a2, 50_000_000)],
    )
    assert sorted(Pickup.objects.values_list("anggaran", flat=True)) == [50_000_000, 100_000_000]


def test_accept_into_another_agencys_row_is_refused(routed_to_a, opd_b, year, opd_a_editor):
    other = make_row(opd=opd_b, fiscal_year=year, ref="2026-DP3A-009")
    with pytest.raises(ValidationError, match="bukan baris Renja Dinsos"):
        services.usulan_decide(
            usulan=routed_to_a, kind="diterima", by=opd_a_editor, allocations=[services.Allocation(other)]
        )
    assert not Pickup.objects.exists()


def test_accept_with_changes_needs_a_change(routed_to_a, row_a, opd_a_editor):
    with pytest.raises(ValidationError, match="isi volume atau biaya yang berubah"):
        services.usulan_decide(
            usulan=routed_to_a,
            kind="diterima_dengan_perubahan",
            by=opd_a_editor,
            allocations=[services.Allocation(row_a)],
        )
    services.usulan_decide(
        usulan=routed_to_a,
        kind="diterima_dengan_perubahan",
        by=opd_a_editor,
        anggaran=90_000_000,
        volume=Decimal("1"),
        allocations=[services.Allocation(row_a)],
    )
    decision = routed_to_a.decisions.last()
    assert (decision.anggaran, Pickup.objects.get().anggaran) == (90_000_000, 90_000_000)


@pytest.mark.parametrize("kind", ["ditolak", "dikembalikan", "digabung"])
def test_reason_required(routed_to_a, opd_a_editor, kind):
    with pytest.raises(ValidationError, match="Alasan wajib diisi untuk keputusan") as exc:
        services.usulan_decide(usulan=routed_to_a, kind=kind, by=opd_a_editor, alasan="  ")
    assert "Alasan wajib diisi" in exc.value.message_dict["alasan"][0]
    routed_to_a.refresh_from_db()
    assert routed_to_a.status == "diteruskan"


def test_database_also_refuses_rejection_without_reason(routed_to_a):
    with pytest.raises(IntegrityError, match="decision_reason_required"), transaction.atomic():
        Decision.objects.create(usulan=routed_to_a, level="opd", kind="ditolak", alasan="")


def test_merge_names_its_target(routed_to_a, year, opd_a, opd_a_editor, row_a):
    other = make_usulan(fiscal_year=year, opd_tujuan=opd_a, id_usulan="U-A-2")
    with pytest.raises(ValidationError, match="sebutkan usulan atau baris Renja"):
        services.usulan_decide(usulan=routed_to_a, kind="digabung", by=opd_a_editor, alasan="Sama")
    with pytest.raises(ValidationError, match="dirinya sendiri"):
        services.usulan_decide(
            usulan=routed_to_a, kind="digabung", by=opd_a_editor, alasan="Sama", merge_usulan=routed_to_a
        )
    decision = services.usulan_decide(
        usulan=routed_to_a, kind="digabung", by=opd_a_editor, alasan="Lokasi sama", merge_usulan=other
    )
    assert decision.digabung_ke_usulan == other
    decision = services.usulan_decide(
        usulan=other, kind="digabung", by=opd_a_editor, alasan="Sudah ada", merge_row=row_a
    )
    assert decision.digabung_ke_renja == row_a
    assert set(Usulan.objects.filter(status="digabung").values_list("id_usulan", flat=True)) == {"U-A-1", "U-A-2"}


def test_officer_of_another_agency_is_refused(routed_to_a, opd_b_editor):
    with pytest.raises(ValidationError, match="OPD lain"):
        services.usulan_decide(usulan=routed_to_a, kind="ditolak", alasan="x", by=opd_b_editor)
    assert routed_to_a.decisions.count() == 1


def test_locked_forum_stage_refuses_decisions_and_routing(routed_to_a, opd_a_editor, planner, opd_b):
    StageWindow.objects.create(
        fiscal_year=routed_to_a.fiscal_year,
        stage="forum",
        opens_on=datetime.date(2025, 3, 3),
        closes_on=datetime.date(2025, 3, 21),
        is_locked=True,
    )
    with pytest.raises(ValidationError, match="Forum Perangkat Daerah"):
        services.usulan_decide(usulan=routed_to_a, kind="ditolak", alasan="x", by=opd_a_editor)
    with pytest.raises(ValidationError, match="dikunci"):
        services.usulan_route(usulan=routed_to_a, opd=opd_b, by=planner)
    assert routed_to_a.decisions.count() == 1


def test_later_rejection_ends_the_pick_up_but_keeps_it_on_record(routed_to_a, row_a, opd_a_editor):
    services.usulan_decide(
        usulan=routed_to_a, kind="diterima", by=opd_a_editor, allocations=[services.Allocation(row_a)]
    )
    rejection = services.usulan_decide(
        usulan=routed_to_a, kind="ditolak", alasan="Anggaran tidak cukup", by=opd_a_editor
    )
    pick = Pickup.objects.get()
    assert pick.dibatalkan_oleh == rejection
    assert services.picked_up_total(routed_to_a) == 0
    assert routed_to_a.decisions.count() == 3


def test_accepted_usulan_cannot_be_rerouted(routed_to_a, row_a, opd_a_editor, planner, opd_b):
    services.usulan_decide(
        usulan=routed_to_a, kind="diterima", by=opd_a_editor, allocations=[services.Allocation(row_a)]
    )
    with pytest.raises(ValidationError, match="tidak dapat diteruskan lagi"):
        services.usulan_route(usulan=routed_to_a, opd=opd_b, by=planner)


def test_bulk_decision_is_all_or_nothing(year, opd_a, opd_b, opd_a_editor, routed_to_a, routed_to_b):
    with pytest.raises(ValidationError, match="tidak berwenang memutuskan usulan OPD lain"):
        services.usulan_decide_many(
            usulan_list=[routed_to_a, routed_to_b], kind="ditolak", alasan="Tidak prioritas", by=opd_a_editor
        )
    routed_to_a.refresh_from_db()
    assert routed_to_a.status == "diteruskan"
    second = make_usulan(fiscal_year=year, opd_tujuan=opd_a)
    assert (
        services.usulan_decide_many(
            usulan_list=[routed_to_a, second], kind="ditolak", alasan="Tidak prioritas", by=opd_a_editor
        )
        == 2
    )


def test_new_row_from_usulan(routed_to_a, opd_a_editor):
    sub = make_nomenklatur("1.06.04.2.01.0001")
    decision = services.renja_row_from_usulan(
        usulan=routed_to_a, ref="2026-U-A-1", kode_sub_kegiatan="1.06.04.2.01.0001", by=opd_a_editor
    )
    row = decision.pickups.get().renja_row
    assert (row.opd, row.pagu, list(row.lokasi.all())) == (routed_to_a.opd_tujuan, 150_000_000, [routed_to_a.desa])
    # the official name is the sub kegiatan's; the usulan's words are the agency's rincian
    assert (row.nama, row.indikator, row.rincian) == (sub.nama, sub.indikator, routed_to_a.usulan)


def test_suggests_agencies_by_bidang_urusan(year, opd_a):
    kec_office = make_opd("Kec. Tenggarong", bidang=["1.06"], jenis="kecamatan")
    usulan = make_usulan(fiscal_year=year, bidang_urusan=opd_a.bidang_urusan.get())
    assert services.suggest_opds(usulan) == [opd_a, kec_office]


def test_carry_over_links_to_original_once(year, opd_a, planner, row_a, opd_a_editor):
    from ..factories import make_fiscal_year

    rejected = make_usulan(fiscal_year=year, opd_tujuan=opd_a, id_usulan="C-1")
    services.usulan_decide(usulan=rejected, kind="ditolak", alasan="Belum prioritas", by=opd_a_editor)
    make_usulan(fiscal_year=year, id_usulan="C-2")
    accepted = make_usulan(fiscal_year=year, opd_tujuan=opd_a, id_usulan="C-3")
    services.usulan_decide(usulan=accepted, kind="diterima", by=opd_a_editor, allocations=[services.Allocation(row_a)])
    nxt = make_fiscal_year(2027)
    assert services.usulan_carry_over(from_year=year, to_year=nxt, by=planner) == 2
    carried = Usulan.objects.filter(fiscal_year=nxt).select_related("asal__fiscal_year")
    assert {u.id_usulan for u in carried} == {"C-1", "C-2"}  # the accepted C-3 stays
    assert all(u.asal.fiscal_year == year and u.status == "baru" and u.kode_lacak != u.asal.kode_lacak for u in carried)
    assert services.usulan_carry_over(from_year=year, to_year=nxt, by=planner) == 0


def test_bulk_steps_follow_the_same_rules(year, opd_a, row_a, planner):
    fresh = [make_usulan(fiscal_year=year, id_usulan=f"B-{i}") for i in range(3)]
    steps = [
        [services.Step("diteruskan", opd=opd_a), services.Step("diterima", allocations=[services.Allocation(row_a)])],
        [services.Step("diteruskan", opd=opd_a), services.Step("ditolak", alasan="Belum prioritas")],
        [services.Step("diteruskan", opd=opd_a)],
    ]
    assert services.usulan_steps_apply(fiscal_year=year, items=list(zip(fresh, steps)), by=planner) == 5
    assert [Usulan.objects.get(pk=u.pk).status for u in fresh] == ["diterima", "ditolak", "diteruskan"]
    assert Pickup.objects.get().usulan_id == fresh[0].pk
    assert [k.kind for k in Decision.objects.filter(usulan=fresh[0]).order_by("at", "id")] == [
        "diteruskan",
        "diterima",
    ]


def test_bulk_steps_refuse_all_on_one_broken_rule(year, opd_a, planner):
    fresh = [make_usulan(fiscal_year=year, id_usulan=f"B-{i}") for i in range(2)]
    items = [
        (fresh[0], [services.Step("diteruskan", opd=opd_a)]),
        (fresh[1], [services.Step("diteruskan", opd=opd_a), services.Step("ditolak")]),
    ]
    with pytest.raises(services.StepRefused) as exc:
        services.usulan_steps_apply(fiscal_year=year, items=items, by=planner)
    assert (exc.value.position, exc.value.step) == (1, 1) and "Alasan wajib diisi" in exc.value.messages[0]
    # The caller's transaction rolls back; nothing was written before the check failed.
    assert not Decision.objects.filter(usulan__in=fresh).exists()


def test_bulk_decision_ends_earlier_pick_up(routed_to_a, row_a, opd_a_editor, year):
    services.usulan_decide(
        usulan=routed_to_a, kind="diterima", by=opd_a_editor, allocations=[services.Allocation(row_a)]
    )
    services.usulan_steps_apply(
        fiscal_year=year, items=[(routed_to_a, [services.Step("ditolak", alasan="Dibatalkan")])], by=opd_a_editor
    )
    assert Pickup.objects.get().dibatalkan_oleh.kind == "ditolak"


def test_single_row_takes_the_whole_accepted_cost(routed_to_a, row_a, opd_a_editor):
    with pytest.raises(ValidationError, match="harus sama dengan biaya yang diterima"):
        services.usulan_decide(
            usulan=routed_to_a, kind="diterima", by=opd_a_editor, allocations=[services.Allocation(row_a, 1)]
        )
    assert not Pickup.objects.exists()


def test_plain_acceptance_cannot_change_the_amount(routed_to_a, row_a, opd_a_editor):
    with pytest.raises(ValidationError, match="pilih keputusan diterima dengan perubahan"):
        services.usulan_decide(
            usulan=routed_to_a,
            kind="diterima",
            by=opd_a_editor,
            anggaran=1,
            allocations=[services.Allocation(row_a)],
        )


def test_carried_over_usulan_is_found_by_its_new_code(year, opd_a, planner):
    from ..factories import make_fiscal_year

    original = make_usulan(fiscal_year=year, id_usulan="CARI-1")
    services.usulan_carry_over(from_year=year, to_year=make_fiscal_year(2027), by=planner)
    copy = Usulan.objects.get(asal=original)
    assert copy.kode_lacak.lower() in copy.cari and original.kode_lacak.lower() not in copy.cari
