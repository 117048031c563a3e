"""Importing again what the app already holds: an unchanged SIPD export changes nothing; a later export of the same
usulan, with more Rekomendasi columns filled, adds only its new steps, each at its own level; a file never builds on a
trail position it does not describe. The project format routes an usulan the Musrenbang levels approved."""

import pytest

from musrenbang import imports, services
from musrenbang.models import Decision, Pickup, Usulan
from renja.models import FiscalYear

from ..factories import make_usulan
from .test_import import csv_bytes, refs, run, sipd_row, xlsx  # noqa: F401  (refs: fixture)

SUB = "1.06.04.2.01.0018 Rehabilitasi ATENSI"  # Dinsos' row 2026-DINSOS-003 (refs)


def _trail(id_usulan: str) -> list[tuple]:
    usulan = Usulan.objects.get(id_usulan=id_usulan)
    return [
        (d.level, d.kind, d.opd.singkatan if d.opd else None, d.prioritas)
        for d in usulan.decisions.select_related("opd").order_by("at", "id")
    ]


def _export(**recommendations) -> bytes:
    """One usulan of a SIPD export, with the Rekomendasi cells given (keys: desa, kecamatan, mitra, opd, tapd) and
    the agency when given (opd_akhir)."""
    names = {
        "desa": "Rekomendasi Kelurahan/Desa",
        "kecamatan": "Rekomendasi Kecamatan",
        "mitra": "Rekomendasi Mitra (Bappeda)",
        "opd": "Rekomendasi OPD",
        "tapd": "Rekomendasi TAPD",
    }
    opd = recommendations.pop("opd_akhir", "")
    return xlsx(
        [
            sipd_row(
                ID_Usulan="RI-1",
                Pengusul="Pemerintah Desa Bukit Biru",
                Usulan="Terapi anak disabilitas",
                Kecamatan="Tenggarong",
                **{"Kelurahan / Desa": "Bukit Biru"},
                OPD_Tujuan_Akhir=opd,
                **{names[key]: cell for key, cell in recommendations.items()},
                Volume=2,
                Satuan="Paket",
                Anggaran=150_000_000,
                Sub_Kegiatan=SUB,
            )
        ]
    )


def _unchanged(content: bytes, planner) -> None:
    """Importing `content` again writes no step, no pick-up and no field."""
    before = list(Usulan.objects.values_list("pk", "status", "opd_tujuan", "prioritas", "updated_at").order_by("pk"))
    counts = Decision.objects.count(), Pickup.objects.count()
    assert run(content, planner, "sipd.xlsx") == {"baru": 0, "berubah": 0, "sama": 1, "keputusan": 0}
    assert (Decision.objects.count(), Pickup.objects.count()) == counts
    assert list(Usulan.objects.values_list("pk", "status", "opd_tujuan", "prioritas", "updated_at").order_by("pk")) == (
        before
    )


def _plan(content: bytes, planner, filename="sipd.xlsx"):
    return imports.build_usulan_plan(
        content=content, filename=filename, fiscal_year=FiscalYear.objects.get(year=2026), by=planner
    )


def test_a_later_export_adds_the_kecamatan_and_mitra_steps_at_their_levels(refs, planner):
    run(_export(desa="Prioritas 1"), planner, "sipd.xlsx")
    assert _trail("RI-1") == [("desa", "disetujui", None, None)]
    later = _export(desa="Prioritas 1", kecamatan="Prioritas 2", mitra="Layak")
    assert run(later, planner, "sipd.xlsx") == {"baru": 0, "berubah": 1, "sama": 0, "keputusan": 2}
    assert _trail("RI-1") == [
        ("desa", "disetujui", None, None),
        ("kecamatan", "disetujui", None, 2),
        ("mitra", "disetujui", None, None),
    ]
    _unchanged(later, planner)


def test_a_later_export_adds_the_levels_the_routing_and_the_agency_decision_after_the_desa(refs, planner):
    run(_export(desa="Prioritas 1"), planner, "sipd.xlsx")
    later = _export(desa="Prioritas 1", kecamatan="Prioritas 2", mitra="Layak", opd_akhir="Dinsos", opd="Diterima")
    assert run(later, planner, "sipd.xlsx")["keputusan"] == 4
    assert _trail("RI-1") == [
        ("desa", "disetujui", None, None),
        ("kecamatan", "disetujui", None, 2),
        ("mitra", "disetujui", None, None),
        ("bappeda", "diteruskan", "Dinsos", None),
        ("opd", "diterima", "Dinsos", None),
    ]
    _unchanged(later, planner)


def test_a_later_export_adds_the_tapd_step_after_the_agency_gave_the_same_decision(refs, planner):
    first = _export(desa="Prioritas 1", kecamatan="Prioritas 2", mitra="Layak", opd_akhir="Dinsos", opd="Diterima")
    run(first, planner, "sipd.xlsx")
    later = _export(
        desa="Prioritas 1", kecamatan="Prioritas 2", mitra="Layak", opd_akhir="Dinsos", opd="Diterima", tapd="Diterima"
    )
    assert run(later, planner, "sipd.xlsx")["keputusan"] == 1
    assert _trail("RI-1")[-2:] == [("opd", "diterima", "Dinsos", None), ("tapd", "diterima", "Dinsos", None)]
    _unchanged(later, planner)


def test_an_unchanged_export_of_a_stopped_usulan_changes_nothing(refs, planner):
    stopped = _export(desa="Prioritas 1", kecamatan="Tidak diprioritaskan, melebihi kuota")
    run(stopped, planner, "sipd.xlsx")
    assert _trail("RI-1") == [("desa", "disetujui", None, None), ("kecamatan", "tidak_diteruskan", None, None)]
    _unchanged(stopped, planner)


def test_an_older_export_behind_the_app_is_kept_out_not_refused(refs, planner):
    """The app recorded Bappeda's verification after the export was taken; an older export whose kecamatan did not
    forward the usulan does not describe where the trail is: nothing of it is written, and the reason is shown."""
    run(_export(desa="Prioritas 1"), planner, "sipd.xlsx")
    usulan = Usulan.objects.get(id_usulan="RI-1")
    services.usulan_level_record(usulan=usulan, level="kecamatan", kind="disetujui", by=planner, prioritas=2)
    services.usulan_level_record(usulan=usulan, level="mitra", kind="disetujui", by=planner)
    older = _export(desa="Prioritas 1", kecamatan="Tidak diprioritaskan")
    plan = _plan(older, planner)
    [kept] = plan.kept
    assert kept.apply_steps == [] and "disetujui musrenbang" in kept.kept
    count = Decision.objects.count()
    assert run(older, planner, "sipd.xlsx")["keputusan"] == 0
    assert Decision.objects.count() == count


def test_an_export_without_level_columns_routes_an_usulan_the_app_approved(refs, planner):
    run(_export(), planner, "sipd.xlsx")
    usulan = Usulan.objects.get(id_usulan="RI-1")
    services.usulan_level_record(usulan=usulan, level="desa", kind="disetujui", by=planner)
    services.usulan_level_record(usulan=usulan, level="kecamatan", kind="disetujui", by=planner, prioritas=1)
    routed = _export(opd_akhir="Dinsos")
    assert run(routed, planner, "sipd.xlsx")["keputusan"] == 1
    assert _trail("RI-1")[-1] == ("bappeda", "diteruskan", "Dinsos", None)
    _unchanged(routed, planner)


def test_a_forum_rerouting_matches_the_files_routing(refs, planner, opd_a, opd_b, facilitator, year):
    """A routing is a routing wherever it was given: the forum's re-routing to Dinsos is what the file's
    opd_tujuan Dinsos says, so the file's decision follows it."""
    usulan = make_usulan(fiscal_year=year, id_usulan="RI-9", opd_tujuan=opd_b)
    services.usulan_decide(usulan=usulan, kind="dikembalikan", alasan="Urusan Dinsos", by=planner)
    services.usulan_reroute_at_forum(usulan=usulan, opd=opd_a, by=facilitator)
    content = csv_bytes("RI-9,,,64.02.06.2001,,Pembangunan posyandu,,,,,150000000,,,Dinsos,diterima,,2026-DINSOS-003")
    plan = _plan(content, planner, "usulan.csv")
    assert plan.kept == [] and [s.kind for s in plan.rows[0].apply_steps] == ["diterima"]


# Project format: an usulan the Musrenbang levels approved -------------------------------------------------------

PROJECT_ROUTED = csv_bytes(
    "RI-1,musrenbang_desa,,64.02.06.2001,,Terapi anak disabilitas,,1.06,2,Paket,150000000,,,Dinsos,,,"
)
PROJECT_ACCEPTED = csv_bytes(
    "RI-1,musrenbang_desa,,64.02.06.2001,,Terapi anak disabilitas,,1.06,2,Paket,150000000,,,Dinsos,diterima,,"
    "2026-DINSOS-003"
)


def _approved(planner) -> Usulan:
    run(_export(desa="Prioritas 1", kecamatan="Prioritas 2", mitra="Layak"), planner, "sipd.xlsx")
    return Usulan.objects.get(id_usulan="RI-1")


def test_the_project_format_routes_an_usulan_the_levels_approved(refs, planner):
    _approved(planner)
    plan = _plan(PROJECT_ROUTED, planner, "usulan.csv")
    assert plan.kept == [] and plan.summary()["keputusan"] == 1
    run(PROJECT_ROUTED, planner)
    assert _trail("RI-1")[-1] == ("bappeda", "diteruskan", "Dinsos", None)
    assert run(PROJECT_ROUTED, planner)["keputusan"] == 0


def test_the_project_format_routes_and_decides_an_usulan_the_levels_approved(refs, planner):
    _approved(planner)
    assert run(PROJECT_ACCEPTED, planner)["keputusan"] == 2
    assert _trail("RI-1")[-2:] == [("bappeda", "diteruskan", "Dinsos", None), ("opd", "diterima", "Dinsos", None)]
    assert Usulan.objects.get(id_usulan="RI-1").status == "diterima"


def test_the_project_format_does_not_route_an_usulan_a_level_stopped(refs, planner):
    run(_export(desa="Prioritas 1", kecamatan="Tidak diprioritaskan"), planner, "sipd.xlsx")
    plan = _plan(PROJECT_ROUTED, planner, "usulan.csv")
    [kept] = plan.kept
    assert kept.apply_steps == [] and "tidak diteruskan musrenbang" in kept.kept
    assert run(PROJECT_ROUTED, planner)["keputusan"] == 0
    assert Usulan.objects.get(id_usulan="RI-1").status == "tidak_diteruskan"


def test_the_project_format_refuses_a_musrenbang_level_decision_saying_why(refs, planner):
    """disetujui with an agency in keputusan_opd: a level's step the file cannot place (no level column), not an
    agency's acceptance (that is diterima)."""
    content = csv_bytes(
        "RI-2,musrenbang_desa,,64.02.06.2001,,Terapi anak disabilitas,,1.06,2,Paket,150000000,,,Dinsos,disetujui,,"
    )
    with pytest.raises(imports.ImportRejected) as exc:
        run(content, planner)
    assert [(i.row, i.column, i.message) for i in exc.value.issues] == [
        (
            2,
            "keputusan_opd",
            "keputusan disetujui tidak dikenal sebagai keputusan OPD: itu langkah musrenbang (desa, kecamatan, "
            "Sekretariat DPRD atau verifikasi Bappeda) yang dibaca dari kolom Rekomendasi ekspor SIPD (pilihan: "
            "diteruskan, diterima, diterima_dengan_perubahan, digabung, ditolak, dikembalikan)",
        )
    ]
    assert not Usulan.objects.exists()
