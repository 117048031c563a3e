"""The checks a decision passes before anything is written (musrenbang.services' guards), each at its edge: the exact
refusal (message and code) and the value just inside the rule that is let through. Found by mutation testing
(`make mutate`, README)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from musrenbang import services
from musrenbang.models import Usulan
from musrenbang.services import Allocation

from ..factories import make_fiscal_year, make_nomenklatur, make_row, make_usulan


def _refusal(call, *args, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as exc:
        call(*args, **kwargs)
    return exc.value


@pytest.fixture
def usulan(year, opd_a):
    return make_usulan(fiscal_year=year, opd_tujuan=opd_a, id_usulan="U-G-1", anggaran=100, volume=Decimal("10"))


@pytest.fixture
def rows(year, opd_a):
    return [
        make_row(
            opd=opd_a,
            fiscal_year=year,
            ref=f"2026-DINSOS-{n:03}",
            sub_kegiatan=make_nomenklatur(f"1.06.04.2.01.000{n}", f"Sub {n}"),
        )
        for n in (1, 2)
    ]


def _fields(usulan, by=None, **kw):
    args = {
        "kind": "diterima",
        "alasan": "",
        "volume": None,
        "anggaran": None,
        "allocations": [],
        "merge_usulan": None,
        "merge_row": None,
    }
    args.update(kw)
    return services._decision_fields(usulan, by=by, **args)


# _check_decider ---------------------------------------------------------------------------------------------------


def test_an_unrouted_usulan_has_no_decider(year):
    usulan = make_usulan(fiscal_year=year, id_usulan="U-BARU")
    error = _refusal(services._check_decider, usulan, None)
    assert error.messages == ["Usulan U-BARU belum diteruskan ke OPD mana pun."]


def test_only_the_routed_agency_decides(usulan, opd_a_editor, opd_b_editor, planner):
    error = _refusal(services._check_decider, usulan, opd_b_editor)
    assert error.messages == ["Anda tidak berwenang memutuskan usulan OPD lain."] and error.code == "forbidden"
    services._check_decider(usulan, opd_a_editor)
    services._check_decider(usulan, None)  # the system (imports of Bappeda's own steps)


# _decision_fields --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["diteruskan", "ditutup", "entah"])
def test_routing_closing_and_unknown_kinds_are_not_decisions(usulan, kind):
    error = _refusal(_fields, usulan, kind=kind)
    assert error.messages == [f"Keputusan {kind} tidak dikenal."]


@pytest.mark.parametrize(
    "kind,label", [("ditolak", "ditolak"), ("dikembalikan", "dikembalikan"), ("digabung", "digabung")]
)
def test_a_refusal_return_or_merge_needs_a_reason_blank_is_none(usulan, kind, label):
    error = _refusal(_fields, usulan, kind=kind, alasan="   ")
    assert error.message_dict == {"alasan": [f"Alasan wajib diisi untuk keputusan {label}."]}


def test_the_fields_written_carry_the_deciding_agency_and_the_trimmed_reason(usulan, opd_a, rows):
    fields, checked = _fields(usulan, kind="ditolak", alasan="  Bukan kewenangan  ")
    assert fields == {"opd": opd_a, "alasan": "Bukan kewenangan"} and checked == []
    fields, checked = _fields(usulan, kind="diterima", alasan=None, allocations=[Allocation(rows[0])])
    assert fields == {"opd": opd_a, "alasan": "", "volume": None, "anggaran": None}
    assert checked == [Allocation(rows[0], 100, Decimal("10"))]


def test_accepted_with_changes_needs_a_change(usulan, rows):
    for volume, anggaran in [(None, None), (Decimal("10"), None), (None, 100), (Decimal("10"), 100)]:
        error = _refusal(
            _fields,
            usulan,
            kind="diterima_dengan_perubahan",
            volume=volume,
            anggaran=anggaran,
            allocations=[Allocation(rows[0])],
        )
        assert error.messages == ["Diterima dengan perubahan: isi volume atau biaya yang berubah."]
    for volume, anggaran in [(Decimal("9"), None), (None, 90), (Decimal("10"), 90), (Decimal("9"), 100)]:
        fields, checked = _fields(
            usulan,
            kind="diterima_dengan_perubahan",
            volume=volume,
            anggaran=anggaran,
            allocations=[Allocation(rows[0])],
        )
        assert (fields["volume"], fields["anggaran"]) == (volume, anggaran)
        assert checked == [
            Allocation(rows[0], 100 if anggaran is None else anggaran, Decimal("10") if volume is None else volume)
        ]


def test_plain_acceptance_keeps_volume_and_cost(usulan, rows):
    for volume, anggaran in [(Decimal("9"), None), (None, 90), (Decimal("10"), 90), (Decimal("9"), 100)]:
        error = _refusal(
            _fields, usulan, kind="diterima", volume=volume, anggaran=anggaran, allocations=[Allocation(rows[0])]
        )
        assert error.messages == ["Volume atau biaya berubah: pilih keputusan diterima dengan perubahan."]
    fields, _ = _fields(usulan, kind="diterima", volume=Decimal("10"), anggaran=100, allocations=[Allocation(rows[0])])
    assert (fields["volume"], fields["anggaran"]) == (Decimal("10"), 100)


def test_volume_and_cost_are_not_negative_zero_is(usulan, rows):
    for volume, anggaran in [(None, -1), (Decimal("-0.01"), None), (Decimal("-1"), 5)]:
        error = _refusal(
            _fields,
            usulan,
            kind="diterima_dengan_perubahan",
            volume=volume,
            anggaran=anggaran,
            allocations=[Allocation(rows[0])],
        )
        assert error.messages == ["Volume dan biaya tidak boleh negatif."]
    fields, checked = _fields(
        usulan,
        kind="diterima_dengan_perubahan",
        volume=Decimal("0"),
        anggaran=0,
        allocations=[Allocation(rows[0])],
    )
    assert checked == [Allocation(rows[0], 0, Decimal("0"))]


def test_a_merge_names_its_target_in_the_fields(usulan, opd_a, rows, year):
    other = make_usulan(fiscal_year=year, id_usulan="U-G-2")
    fields, checked = _fields(usulan, kind="digabung", alasan="Sama", merge_usulan=other)
    assert fields == {"opd": opd_a, "alasan": "Sama", "digabung_ke_usulan": other} and checked == []


# _merge_target -----------------------------------------------------------------------------------------------------


def test_a_merge_needs_a_target(usulan):
    error = _refusal(services._merge_target, usulan, None, None, None)
    assert error.messages == ["Digabung: sebutkan usulan atau baris Renja tujuan penggabungan."]


def test_a_merge_into_itself_or_another_year_is_refused(usulan, rows, opd_a):
    assert _refusal(services._merge_target, usulan, usulan, None, None).messages == [
        "Usulan tidak dapat digabung ke dirinya sendiri."
    ]
    later = make_fiscal_year(2027)
    other_year = make_usulan(fiscal_year=later, id_usulan="U-2027")
    assert _refusal(services._merge_target, usulan, other_year, None, None).messages == [
        "Usulan tujuan penggabungan harus dari tahun yang sama."
    ]
    row_2027 = make_row(opd=opd_a, fiscal_year=later, ref="2027-DINSOS-001")
    assert _refusal(services._merge_target, usulan, None, row_2027, None).messages == [
        "Baris Renja tujuan penggabungan harus dari tahun yang sama."
    ]


def test_an_usulan_target_wins_over_a_row(usulan, rows, year):
    other = make_usulan(fiscal_year=year, id_usulan="U-G-3")
    assert services._merge_target(usulan, other, rows[0], None) == {"digabung_ke_usulan": other}
    assert services._merge_target(usulan, None, rows[0], None) == {"digabung_ke_renja": rows[0]}


def test_another_agencys_row_is_bappedas_to_merge_into(usulan, year, opd_b, opd_a_editor, planner):
    row_b = make_row(
        opd=opd_b, fiscal_year=year, ref="2026-DP3A-001", sub_kegiatan=make_nomenklatur("2.08.02.2.01.0001", "PUG")
    )
    error = _refusal(services._merge_target, usulan, None, row_b, opd_a_editor)
    assert error.code == "other_agency"
    assert error.messages == [
        "Baris Renja 2026-DP3A-001 bukan baris Dinsos; penggabungan ke baris OPD lain hanya dapat dilakukan Bappeda."
    ]
    assert services._merge_target(usulan, None, row_b, planner) == {"digabung_ke_renja": row_b}
    assert services._merge_target(usulan, None, row_b, None) == {"digabung_ke_renja": row_b}


# _check_allocations ------------------------------------------------------------------------------------------------


def test_an_acceptance_needs_a_row(usulan):
    assert _refusal(services._check_allocations, usulan, [], 100, None).messages == [
        "Pilih baris Renja yang menampung usulan ini (atau buat baris baru)."
    ]


def test_a_row_of_another_agency_or_year_is_refused(usulan, year, opd_b, opd_a):
    other_agency = make_row(opd=opd_b, fiscal_year=year, ref="2026-DP3A-009")
    other_year = make_row(opd=opd_a, fiscal_year=make_fiscal_year(2027), ref="2027-DINSOS-009")
    for row in (other_agency, other_year):
        error = _refusal(services._check_allocations, usulan, [Allocation(row, 100)], 100, None)
        assert error.messages == [f"Baris {row.ref} bukan baris Renja Dinsos tahun 2026."]


def test_a_negative_share_is_refused_zero_is_not(usulan, rows):
    error = _refusal(
        services._check_allocations, usulan, [Allocation(rows[0], -1), Allocation(rows[1], 101)], 100, None
    )
    assert error.messages == ["Biaya untuk baris 2026-DINSOS-001 tidak boleh negatif."]
    parts = [Allocation(rows[0], 0), Allocation(rows[1], 100)]
    assert services._check_allocations(usulan, parts, 100, None) == parts


def test_a_row_is_picked_once(usulan, rows):
    error = _refusal(services._check_allocations, usulan, [Allocation(rows[0], 50), Allocation(rows[0], 50)], 100, None)
    assert error.messages == ["Satu baris Renja hanya boleh dipilih sekali."]


def test_a_single_row_takes_the_whole_cost(usulan, rows):
    error = _refusal(services._check_allocations, usulan, [Allocation(rows[0], 99)], 100, None)
    assert error.messages == [
        "Biaya untuk satu baris (Rp99) harus sama dengan biaya yang diterima (Rp100); "
        "bagi ke beberapa baris bila perlu."
    ]
    assert services._check_allocations(usulan, [Allocation(rows[0], 100, Decimal("2"))], 100, Decimal("5")) == [
        Allocation(rows[0], 100, Decimal("2"))
    ]
    assert services._check_allocations(usulan, [Allocation(rows[0])], 100, Decimal("5")) == [
        Allocation(rows[0], 100, Decimal("5"))
    ]


def test_a_split_names_every_share_and_they_add_up(usulan, rows):
    error = _refusal(services._check_allocations, usulan, [Allocation(rows[0], 100), Allocation(rows[1])], 100, None)
    assert error.messages == ["Usulan yang dibagi ke beberapa baris memerlukan biaya untuk tiap baris."]
    for shares in [(50, 49), (50, 51)]:
        error = _refusal(
            services._check_allocations,
            usulan,
            [Allocation(rows[0], shares[0]), Allocation(rows[1], shares[1])],
            100,
            None,
        )
        assert error.messages == [
            f"Jumlah biaya per baris (Rp{sum(shares)}) harus sama dengan biaya yang diterima (Rp100)."
        ]
    parts = [Allocation(rows[0], 60, Decimal("1")), Allocation(rows[1], 40)]
    assert services._check_allocations(usulan, parts, 100, Decimal("5")) == parts


# _route_refusal, _ensure_open --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "status,shown",
    [("diterima", "diterima"), ("diterima_dengan_perubahan", "diterima dengan perubahan"), ("digabung", "digabung")],
)
def test_a_settled_usulan_is_not_routed_again(usulan, status, shown):
    usulan.status = status
    assert _refusal(services._route_refusal, usulan).messages == [
        f"Usulan U-G-1 sudah {shown}; tidak dapat diteruskan lagi."
    ]


@pytest.mark.parametrize("status", ["baru", "diteruskan", "ditolak", "dikembalikan", "ditutup"])
def test_an_unsettled_usulan_may_be_routed(usulan, status):
    usulan.status = status
    assert services._route_refusal(usulan) is None


def test_a_locked_year_refuses_decisions_with_its_reason(usulan, year):
    assert services._ensure_open(year) is None
    year.is_locked = True
    year.save()
    error = _refusal(services._ensure_open, year)
    assert error.code == "locked" and error.messages == [services.decision_refusal(year)]
    assert Usulan.objects.get(pk=usulan.pk).status == "diteruskan"


# usulan_close ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "status,shown",
    [
        ("diterima", "diterima"),
        ("diterima_dengan_perubahan", "diterima dengan perubahan"),
        ("digabung", "digabung"),
        ("ditutup", "ditutup, dibawa ke tahun berikutnya"),
    ],
)
def test_a_settled_or_closed_usulan_is_not_closed(usulan, planner, status, shown):
    Usulan.objects.filter(pk=usulan.pk).update(status=status)
    error = _refusal(services.usulan_close, usulan=usulan, by=planner, alasan="Tidak diambil")
    assert error.messages == [f"Usulan U-G-1 sudah {shown}; tidak dapat ditutup."]


def test_closing_needs_a_reason_and_keeps_it_trimmed(usulan, planner):
    error = _refusal(services.usulan_close, usulan=usulan, by=planner, alasan="  ")
    assert error.code == "reason" and error.messages == ["Alasan menutup usulan wajib diisi."]
    closed = services.usulan_close(usulan=usulan, by=planner, alasan="  Tidak diambil  ")
    decision = closed.decisions.order_by("-id").first()
    assert (closed.status, decision.kind, decision.level, decision.alasan, decision.by) == (
        "ditutup",
        "ditutup",
        "bappeda",
        "Tidak diambil",
        planner,
    )


# usulan_carry_over ------------------------------------------------------------------------------------------------


def test_carrying_over_goes_only_to_a_later_year(year, planner):
    make_usulan(fiscal_year=year, id_usulan="C-1")  # new, not accommodated: carried to a later year
    for target in (year, make_fiscal_year(2025)):
        error = _refusal(services.usulan_carry_over, from_year=year, to_year=target, by=planner)
        assert error.messages == ["Tahun tujuan harus setelah tahun asal."], target
    assert not Usulan.objects.exclude(fiscal_year=year).exists()
    assert services.usulan_carry_over(from_year=year, to_year=make_fiscal_year(2027), by=planner) == 1


def test_carrying_over_into_a_locked_year_is_refused_with_its_reason(year, planner):
    make_usulan(fiscal_year=year, id_usulan="C-1")
    nxt = make_fiscal_year(2027)
    nxt.is_locked, nxt.locked_reason = True, "RKPD ditetapkan"
    nxt.save()
    error = _refusal(services.usulan_carry_over, from_year=year, to_year=nxt, by=planner)
    assert (error.code, error.message) == ("locked", "Tahun 2027 dikunci (RKPD ditetapkan); data tidak dapat diubah.")
    assert not Usulan.objects.filter(fiscal_year=nxt).exists()


# inbox_mail_set ---------------------------------------------------------------------------------------------------


def test_an_inbox_mail_choice_is_one_of_the_three_and_kept_once_per_person(opd_a_editor):
    from musrenbang.models import InboxMail
    from renja.models import AuditLog

    for mode in ("", "SEGERA", "mingguan"):
        error = _refusal(services.inbox_mail_set, user=opd_a_editor, mode=mode)
        assert error.messages == ["Pilihan surel tidak dikenal."], mode
    assert not InboxMail.objects.exists()
    for mode in ("segera", "harian", "tidak"):
        assert services.inbox_mail_set(user=opd_a_editor, mode=mode).mode == mode
        assert InboxMail.objects.get().mode == mode
    entries = AuditLog.objects.filter(action="inbox_mail.set").order_by("id")
    assert [(e.by, e.data) for e in entries] == [(opd_a_editor, {"mode": m}) for m in ("segera", "harian", "tidak")]


# row_places_add ---------------------------------------------------------------------------------------------------


def test_places_added_once_a_desa_covered_by_itself_or_its_kecamatan_is_not(year, opd_a, planner):
    from ..factories import make_wilayah

    kec = make_wilayah("64.02.06", "Tenggarong")
    other_kec = make_wilayah("64.02.10", "Anggana")
    covered = make_wilayah("64.02.06.2001", "Bukit Biru", "desa", parent=kec)
    under_kec = make_wilayah("64.02.10.2001", "Sidomulyo", "desa", parent=other_kec)
    new_a = make_wilayah("64.02.06.2002", "Loa Ipuh", "desa", parent=kec)
    row = make_row(opd=opd_a, fiscal_year=year, ref="2026-DINSOS-009", lokasi=[covered, other_kec])
    chosen = [
        make_usulan(fiscal_year=year, opd_tujuan=opd_a, id_usulan=f"U-P-{i}", desa=desa)
        for i, desa in enumerate([covered, under_kec, new_a, new_a])
    ]
    row = services.row_places_add(row=row, usulan_list=chosen, by=planner)
    assert sorted(w.nama for w in row.lokasi.all()) == ["Anggana", "Bukit Biru", "Loa Ipuh"]
    from renja.models import AuditLog

    entry = AuditLog.objects.filter(changes__has_key="lokasi").latest("id")
    assert entry.changes["lokasi"][1].count("Loa Ipuh") == 1  # the desa of two usulan recorded once
    version = row.version
    assert services.row_places_add(row=row, usulan_list=chosen, by=planner).version == version  # nothing to add
    # ... so nothing is checked either: a stale version does not refuse a change that writes nothing
    assert services.row_places_add(row=row, usulan_list=chosen, by=planner, expected_version=version - 1) == row


def test_places_are_not_added_to_a_regency_wide_row(year, opd_a, planner):
    row = make_row(opd=opd_a, fiscal_year=year, ref="2026-DINSOS-010", lokasi=[])
    chosen = [make_usulan(fiscal_year=year, opd_tujuan=opd_a, id_usulan="U-P-9")]
    error = _refusal(services.row_places_add, row=row, usulan_list=chosen, by=planner)
    assert (error.code, error.message) == (
        "regency_wide",
        "Baris 2026-DINSOS-010 berlaku se-kabupaten; tidak perlu menambah desa.",
    )
    assert not row.lokasi.exists()
