"""An usulan a Musrenbang level did not forward (tidak diteruskan) stops there: no later level records a step on it,
and Bappeda does not route it. Only the level that stopped it may record its step again (a
corrected decision: the way an usulan is reconsidered). Each refusal names the usulan, the level and the reason."""

import pytest
from django.core.exceptions import ValidationError

from musrenbang import decisions, imports, services
from musrenbang.models import Decision, Usulan
from renja.models import FiscalYear

from ..factories import make_usulan
from .test_import import refs, sipd_row, xlsx  # noqa: F401  (refs: fixture)


def _refusal(call, *args, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as exc:
        call(*args, **kwargs)
    return exc.value


@pytest.fixture
def stopped(year, planner):
    """Forwarded by the desa, not forwarded by the kecamatan."""
    usulan = make_usulan(fiscal_year=year, id_usulan="ST-1")
    services.usulan_level_record(usulan=usulan, level="desa", kind="disetujui", by=planner)
    services.usulan_level_record(
        usulan=usulan, level="kecamatan", kind="tidak_diteruskan", by=planner, alasan="Melebihi kuota"
    )
    usulan.refresh_from_db()
    return usulan


def _kinds(usulan):
    return [(d.level, d.kind) for d in usulan.decisions.order_by("at", "id")]


def test_the_rule_table_says_not_forwarding_stops_the_usulan():
    assert decisions.STOPS == {"tidak_diteruskan"}
    assert not set(decisions.STOPS) & set(decisions.ROUTABLE)  # no route is suggested for it either


@pytest.mark.parametrize("kind,alasan", [("disetujui", ""), ("tidak_diteruskan", "Tidak layak")])
def test_a_later_level_records_no_step_on_a_stopped_usulan(stopped, planner, kind, alasan):
    error = _refusal(services.usulan_level_record, usulan=stopped, level="mitra", kind=kind, alasan=alasan, by=planner)
    assert error.code == "stopped"
    assert error.messages == [
        "Usulan ST-1 tidak diteruskan di tingkat Musrenbang kecamatan; langkah di tingkat Verifikasi Bappeda (mitra) "
        "tidak dapat dicatat. Hanya Musrenbang kecamatan yang dapat mengubah keputusannya."
    ]
    assert _kinds(stopped)[-1] == ("kecamatan", "tidak_diteruskan")


def test_the_level_that_stopped_an_usulan_may_reconsider_it_and_it_goes_on(stopped, planner, opd_a):
    services.usulan_level_record(usulan=stopped, level="kecamatan", kind="disetujui", by=planner, prioritas=4)
    services.usulan_level_record(usulan=stopped, level="mitra", kind="disetujui", by=planner)
    services.usulan_route(usulan=stopped, opd=opd_a, by=planner)
    stopped.refresh_from_db()
    assert stopped.status == "diteruskan" and stopped.opd_tujuan == opd_a


def test_bappeda_does_not_route_a_stopped_usulan(stopped, planner, opd_a):
    error = _refusal(services.usulan_route, usulan=stopped, opd=opd_a, by=planner)
    assert error.code == "stopped"
    assert error.messages == [
        "Usulan ST-1 tidak diteruskan di tingkat Musrenbang kecamatan (Melebihi kuota); tidak dapat diteruskan ke OPD. "
        "Hanya Musrenbang kecamatan yang dapat mengubah keputusannya."
    ]
    with pytest.raises(ValidationError, match="tidak diteruskan di tingkat Musrenbang kecamatan"):
        services.usulan_route_many(usulan_list=[stopped], opd=opd_a, by=planner)
    stopped.refresh_from_db()
    assert (stopped.status, stopped.opd_tujuan) == ("tidak_diteruskan", None)


def test_the_route_refusal_names_no_level_it_does_not_know(year):
    usulan = make_usulan(fiscal_year=year, id_usulan="ST-2")
    usulan.status = "tidak_diteruskan"
    error = _refusal(services._route_refusal, usulan)
    assert error.code == "stopped" and error.messages == [
        "Usulan ST-2 tidak diteruskan musrenbang; tidak dapat diteruskan ke OPD."
    ]


def test_bulk_steps_refuse_a_later_level_or_a_routing_after_a_stop(stopped, year, planner, opd_a):
    for step in (services.Step(kind="disetujui", level="mitra"), services.Step(kind="diteruskan", opd=opd_a)):
        with pytest.raises(services.StepRefused) as exc:
            services.usulan_steps_apply(fiscal_year=year, by=planner, items=[(stopped, [step])])
        assert "tidak diteruskan di tingkat Musrenbang kecamatan" in exc.value.messages[0]
    fresh = make_usulan(fiscal_year=year, id_usulan="ST-3")
    with pytest.raises(services.StepRefused) as exc:
        services.usulan_steps_apply(
            fiscal_year=year,
            by=planner,
            items=[
                (
                    fresh,
                    [
                        services.Step(kind="tidak_diteruskan", level="desa", alasan="Bukan prioritas desa"),
                        services.Step(kind="disetujui", level="kecamatan", prioritas=1),
                    ],
                )
            ],
        )
    assert (exc.value.position, exc.value.step) == (0, 1)
    assert "tidak diteruskan di tingkat Musrenbang desa/kelurahan" in exc.value.messages[0]
    assert not fresh.decisions.exists() and _kinds(stopped)[-1] == ("kecamatan", "tidak_diteruskan")


# The SIPD export: a stop, then a later level or an agency ----------------------------------------------------------


def _sipd(**cells) -> bytes:
    return xlsx(
        [
            sipd_row(
                ID_Usulan="ST-9",
                Pengusul="Pemerintah Desa Bukit Biru",
                Usulan="Gapura desa",
                Kecamatan="Tenggarong",
                **{"Kelurahan / Desa": "Bukit Biru"},
                **cells,
            )
        ]
    )


def _rejected(content: bytes, planner) -> list[tuple[int, str, str]]:
    with pytest.raises(imports.ImportRejected) as exc:
        imports.usulan_import_file(
            content=content, filename="sipd.xlsx", fiscal_year=FiscalYear.objects.get(year=2026), by=planner
        )
    assert not Usulan.objects.exists() and not Decision.objects.exists()
    return [(i.row, i.column, i.message) for i in exc.value.issues]


def test_sipd_later_level_after_a_stop_is_refused_naming_row_column_and_reason(refs, planner):
    content = _sipd(
        **{"Rekomendasi Kelurahan/Desa": "Tidak layak, lahan sengketa", "Rekomendasi Kecamatan": "Prioritas 1"}
    )
    assert _rejected(content, planner) == [
        (
            2,
            "Rekomendasi kecamatan",
            "usulan tidak diteruskan di tingkat Musrenbang desa/kelurahan (kolom Rekomendasi kelurahan/desa); "
            "rekomendasi tingkat sesudahnya tidak dapat dicatat: kosongkan kolom ini atau perbaiki kolom "
            "Rekomendasi kelurahan/desa",
        )
    ]


def test_sipd_agency_recommendation_after_a_stop_is_refused(refs, planner):
    content = _sipd(
        **{"Rekomendasi Kecamatan": "Tidak diprioritaskan", "OPD Tujuan Akhir": "Dinsos", "Rekomendasi OPD": "Ditolak"}
    )
    assert _rejected(content, planner) == [
        (
            2,
            "Rekomendasi SKPD",
            "usulan tidak diteruskan di tingkat Musrenbang kecamatan (kolom Rekomendasi kecamatan); "
            "rekomendasi tingkat sesudahnya tidak dapat dicatat: kosongkan kolom ini atau perbaiki kolom "
            "Rekomendasi kecamatan",
        )
    ]


def test_sipd_target_agency_of_a_stopped_usulan_is_not_a_routing(refs, planner):
    """SIPD keeps the agency the desa chose (SKPD tujuan) on an usulan the kecamatan did not forward: it is read as
    where the usulan would have gone, not as Bappeda's routing."""
    content = _sipd(**{"Rekomendasi Kecamatan": "Tidak diprioritaskan", "OPD Tujuan Awal": "Dinsos"})
    imports.usulan_import_file(
        content=content, filename="sipd.xlsx", fiscal_year=FiscalYear.objects.get(year=2026), by=planner
    )
    usulan = Usulan.objects.get(id_usulan="ST-9")
    assert (usulan.status, usulan.opd_tujuan) == ("tidak_diteruskan", None)
    assert _kinds(usulan) == [("kecamatan", "tidak_diteruskan")]


def test_tapd_accepts_in_bulk_into_the_row_the_agency_accepted_it_into(year, planner, opd_a, row_a):
    """The agency's pick-up ends before TAPD's starts: one active pick-up of the row, TAPD's."""
    usulan = make_usulan(fiscal_year=year, id_usulan="ST-5", opd_tujuan=opd_a)
    services.usulan_decide(usulan=usulan, kind="diterima", by=planner, allocations=[services.Allocation(row_a)])
    services.usulan_steps_apply(
        fiscal_year=year,
        by=planner,
        items=[(usulan, [services.Step(kind="diterima", level="tapd", allocations=[services.Allocation(row_a)])])],
    )
    active = usulan.pickups.filter(dibatalkan_oleh__isnull=True)
    assert [p.decision.level for p in active] == ["tapd"] and usulan.pickups.count() == 2


def test_the_detail_page_says_why_a_stopped_usulan_is_not_routed_instead_of_offering_the_form(
    client, stopped, planner, opd_a
):
    client.force_login(planner)
    html = client.get(f"/usulan/{stopped.pk}/").content.decode()
    assert "tidak diteruskan di tingkat Musrenbang kecamatan (Melebihi kuota)" in html
    assert f'action="/usulan/{stopped.pk}/teruskan/"' not in html
    services.usulan_level_record(usulan=stopped, level="kecamatan", kind="disetujui", by=planner, prioritas=4)
    html = client.get(f"/usulan/{stopped.pk}/").content.decode()
    assert 'id="route-refusal"' not in html
    assert f'action="/usulan/{stopped.pk}/teruskan/"' in html


def test_bappeda_does_not_close_a_stopped_usulan_so_it_cannot_be_routed_after(stopped, planner, opd_a):
    error = _refusal(services.usulan_close, usulan=stopped, by=planner, alasan="Tidak ada OPD")
    assert error.messages == ["Usulan ST-1 sudah tidak diteruskan musrenbang; tidak dapat ditutup."]
    stopped.refresh_from_db()
    assert stopped.status == "tidak_diteruskan"
    with pytest.raises(ValidationError, match="tidak dapat diteruskan ke OPD"):
        services.usulan_route(usulan=stopped, opd=opd_a, by=planner)


def test_no_usulan_is_merged_into_a_stopped_one(stopped, year, planner, opd_a):
    other = make_usulan(fiscal_year=year, id_usulan="ST-2", opd_tujuan=opd_a, status="diteruskan")
    error = _refusal(
        services.usulan_decide,
        usulan=other,
        kind="digabung",
        by=planner,
        alasan="Sama dengan ST-1",
        merge_usulan=stopped,
    )
    assert error.code == "stopped_target"
    assert "Usulan tujuan ST-1 tidak diteruskan musrenbang" in error.messages[0]
    other.refresh_from_db()
    assert other.status == "diteruskan"
