"""The levels of the Musrenbang cycle on an usulan's trail: the desa, the kecamatan with its rank, the DPRD secretariat
for a Pokir and Bappeda's verification (mitra) before the routing; each level gives only its own decision types, in
the cycle's order; an usulan the kecamatan did not forward is no orphan of the agencies."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from musrenbang import decisions, services
from musrenbang.models import Decision, Usulan
from sinkronisasi import selectors as sync_selectors

from ..factories import make_usulan


def _refusal(call, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as exc:
        call(**kwargs)
    return exc.value


@pytest.fixture
def usulan(year):
    return make_usulan(fiscal_year=year, id_usulan="MD-1")


@pytest.fixture
def pokir(year):
    return make_usulan(fiscal_year=year, id_usulan="PK-1", sumber=Usulan.Sumber.POKIR)


def _steps(usulan):
    return [(d.level, d.kind, d.prioritas) for d in usulan.decisions.order_by("at", "id")]


def test_the_levels_forward_an_usulan_in_the_cycle_order_then_the_agency_decides(usulan, planner, opd_a, opd_a_editor):
    services.usulan_level_record(usulan=usulan, level="desa", kind="disetujui", by=planner)
    services.usulan_level_record(usulan=usulan, level="kecamatan", kind="disetujui", by=planner, prioritas=3)
    usulan.refresh_from_db()
    assert usulan.status == "disetujui" and usulan.opd_tujuan is None and not usulan.is_decided
    services.usulan_level_record(usulan=usulan, level="mitra", kind="disetujui", by=planner)
    services.usulan_route(usulan=usulan, opd=opd_a, by=planner)
    services.usulan_decide(usulan=usulan, kind="ditolak", alasan="Pagu tidak cukup", by=opd_a_editor)
    assert _steps(usulan) == [
        ("desa", "disetujui", None),
        ("kecamatan", "disetujui", 3),
        ("mitra", "disetujui", None),
        ("bappeda", "diteruskan", None),
        ("opd", "ditolak", None),
    ]


def test_a_pokir_passes_the_dprd_secretariat_not_the_desa(pokir, usulan, planner):
    services.usulan_level_record(usulan=pokir, level="dprd", kind="disetujui", by=planner)
    assert _steps(pokir) == [("dprd", "disetujui", None)]
    error = _refusal(services.usulan_level_record, usulan=pokir, level="desa", kind="disetujui", by=planner)
    assert error.code == "level" and "Pokir" in error.messages[0]
    error = _refusal(services.usulan_level_record, usulan=usulan, level="dprd", kind="disetujui", by=planner)
    assert error.code == "level" and "hanya untuk usulan Pokir" in error.messages[0]


def test_a_level_gives_only_its_own_decision_types(usulan, planner, opd_a):
    error = _refusal(services.usulan_level_record, usulan=usulan, level="desa", kind="diterima", by=planner)
    assert error.code == "level"
    error = _refusal(services.usulan_level_record, usulan=usulan, level="opd", kind="disetujui", by=planner)
    assert error.code == "level"
    services.usulan_route(usulan=usulan, opd=opd_a, by=planner)
    # An agency's decision is not given at a Musrenbang level.
    error = _refusal(services.usulan_decide, usulan=usulan, kind="ditolak", alasan="x", by=planner, level="kecamatan")
    assert error.code == "level" and "Musrenbang kecamatan" in error.messages[0]
    assert services.usulan_decide(usulan=usulan, kind="ditolak", alasan="x", by=planner, level="tapd").level == "tapd"


def test_levels_keep_the_cycle_order_and_stop_at_the_routing(usulan, planner, opd_a):
    services.usulan_level_record(usulan=usulan, level="kecamatan", kind="disetujui", by=planner, prioritas=1)
    error = _refusal(services.usulan_level_record, usulan=usulan, level="desa", kind="disetujui", by=planner)
    assert error.code == "order" and "sudah melewati tingkat Musrenbang kecamatan" in error.messages[0]
    # The kecamatan may record its step again (a corrected rank).
    services.usulan_level_record(usulan=usulan, level="kecamatan", kind="disetujui", by=planner, prioritas=2)
    services.usulan_route(usulan=usulan, opd=opd_a, by=planner)
    error = _refusal(services.usulan_level_record, usulan=usulan, level="mitra", kind="disetujui", by=planner)
    assert error.code == "order" and "sebelum diteruskan ke OPD" in error.messages[0]


def test_the_rank_belongs_to_the_kecamatan_approval_and_is_bounded(usulan, planner):
    for level, kind, rank in (("desa", "disetujui", 1), ("kecamatan", "tidak_diteruskan", 1)):
        error = _refusal(
            services.usulan_level_record, usulan=usulan, level=level, kind=kind, by=planner, alasan="x", prioritas=rank
        )
        assert error.code == "rank"
    for rank in (0, services.RANK_MAX + 1):
        error = _refusal(
            services.usulan_level_record, usulan=usulan, level="kecamatan", kind="disetujui", by=planner, prioritas=rank
        )
        assert error.code == "rank" and "antara 1 dan 999" in error.messages[0]
    step = services.usulan_level_record(
        usulan=usulan, level="kecamatan", kind="disetujui", by=planner, prioritas=services.RANK_MAX
    )
    assert step.prioritas == 999


def test_the_database_keeps_the_rank_on_kecamatan_steps_only(usulan):
    with pytest.raises(IntegrityError, match="decision_rank_at_kecamatan"), transaction.atomic():
        Decision.objects.create(usulan=usulan, level="desa", kind="disetujui", prioritas=1)


def test_not_forwarding_needs_a_reason(usulan, planner):
    error = _refusal(
        services.usulan_level_record, usulan=usulan, level="kecamatan", kind="tidak_diteruskan", by=planner
    )
    assert "alasan" in error.message_dict
    step = services.usulan_level_record(
        usulan=usulan, level="kecamatan", kind="tidak_diteruskan", by=planner, alasan=" Di luar prioritas kecamatan "
    )
    assert step.alasan == "Di luar prioritas kecamatan"


def test_only_bappeda_records_a_level_step(usulan, opd_a_editor, facilitator):
    for person in (opd_a_editor, facilitator):
        error = _refusal(services.usulan_level_record, usulan=usulan, level="desa", kind="disetujui", by=person)
        assert error.code == "forbidden"
    assert not usulan.decisions.exists()


def test_an_usulan_the_kecamatan_did_not_forward_is_not_an_orphan_of_the_agencies(year, planner, opd_a):
    dropped = make_usulan(fiscal_year=year, id_usulan="MD-DROP")
    approved = make_usulan(fiscal_year=year, id_usulan="MD-OK")
    make_usulan(fiscal_year=year, id_usulan="MD-OPD", opd_tujuan=opd_a)
    services.usulan_level_record(usulan=dropped, level="kecamatan", kind="tidak_diteruskan", by=planner, alasan="x")
    services.usulan_level_record(usulan=approved, level="kecamatan", kind="disetujui", by=planner, prioritas=1)
    causes = dict(sync_selectors.usulan_belum_diambil(year).values_list("id_usulan", "cause"))
    assert causes == {
        "MD-DROP": "tidak_diteruskan",  # the kecamatan's, no agency's
        "MD-OK": "belum_diteruskan",  # waiting for Bappeda's routing
        "MD-OPD": "belum_diputuskan",
    }
    assert not sync_selectors.usulan_belum_diambil(year, opd_id=opd_a.pk).filter(id_usulan="MD-DROP").exists()
    assert "tidak_diteruskan" in dict(decisions.cause_choices())


def test_bulk_steps_follow_the_same_level_rules(usulan, pokir, planner, year):
    services.usulan_steps_apply(
        fiscal_year=year,
        by=planner,
        items=[
            (
                usulan,
                [
                    services.Step(kind="disetujui", level="desa"),
                    services.Step(kind="disetujui", level="kecamatan", prioritas=4),
                ],
            )
        ],
    )
    assert _steps(usulan) == [("desa", "disetujui", None), ("kecamatan", "disetujui", 4)]
    with pytest.raises(services.StepRefused) as exc:
        services.usulan_steps_apply(
            fiscal_year=year, by=planner, items=[(usulan, [services.Step(kind="disetujui", level="desa")])]
        )
    assert "sudah melewati" in exc.value.messages[0]
    with pytest.raises(services.StepRefused) as exc:
        services.usulan_steps_apply(
            fiscal_year=year, by=planner, items=[(pokir, [services.Step(kind="disetujui", level="kecamatan")])]
        )
    assert "Pokir" in exc.value.messages[0]
