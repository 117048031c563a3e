"""Stored findings: refreshed after changes (only what changed), settled pairs and their reopening."""

import pytest
from django.core.exceptions import ValidationError

from renja import services as renja_services
from renja.models import AuditLog
from sinkronisasi import detector, services
from sinkronisasi.models import Overlap, RowFeatures, SyncState

from ..factories import make_row
from .test_detection import DAYCARE_A, DAYCARE_B


@pytest.fixture
def pair(year, opd_b, opd_c, places, groups, codes):
    make_row(
        opd=opd_b,
        fiscal_year=year,
        ref="A",
        sub_kegiatan=codes["dp3a"],
        lokasi=[places["desa1"]],
        sasaran=[groups["anak"]],
        **DAYCARE_A,
    )
    make_row(
        opd=opd_c,
        fiscal_year=year,
        ref="B",
        sub_kegiatan=codes["dp2kb"],
        lokasi=[places["desa1"]],
        sasaran=[groups["anak"]],
        **DAYCARE_B,
    )
    services.sync_refresh(fiscal_year=year)
    return Overlap.objects.select_related("row_a", "row_b", "opd_a", "opd_b").get()


def test_nothing_changed_means_nothing_recomputed(year, pair, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        result = services.sync_refresh(fiscal_year=year)
    assert result.mode == "tetap"


def test_an_edit_recomputes_only_the_changed_row(year, pair, opd_b, groups, codes):
    other = make_row(
        opd=opd_b,
        fiscal_year=year,
        ref="C",
        sub_kegiatan=codes["dp3a"],
        nama="Pelatihan menjahit",
        sasaran=[groups["anak"]],
    )
    services.sync_refresh(fiscal_year=year)
    renja_services.row_update(row=other, data={"rincian": "Pelatihan menjahit dan bordir"}, by=None)
    result = services.sync_refresh(fiscal_year=year)
    assert (result.mode, result.changed_rows) == ("sebagian", 1)
    assert SyncState.objects.get(fiscal_year=year).mode == "sebagian"


def test_an_edit_that_removes_the_overlap_removes_the_pair(year, pair, places):
    renja_services.row_update(row=pair.row_b, data={"lokasi": [places["desa3"]]}, by=None)
    services.sync_refresh(fiscal_year=year)
    assert not Overlap.objects.exists()


def test_a_deleted_row_takes_its_pairs_and_facts_with_it(year, pair):
    row_id = pair.row_a_id
    pair.row_a.delete()
    services.sync_refresh(fiscal_year=year)
    assert not Overlap.objects.exists() and not RowFeatures.objects.filter(pk=row_id).exists()


def test_resolving_records_who_and_why(pair, planner):
    services.overlap_settle(
        overlap=pair, status="koordinasi", opd_pengampu=pair.opd_a, note="DP3A memimpin", by=planner
    )
    pair.refresh_from_db()
    assert (pair.status, pair.opd_pengampu, pair.settled_by) == ("koordinasi", pair.opd_a, planner)
    assert AuditLog.objects.filter(action="overlap.settled", object_id=str(pair.pk), by=planner).exists()


@pytest.mark.parametrize(
    "status,extra,message",
    [
        ("koordinasi", {}, "OPD pengampu"),
        ("duplikasi", {"note": "dobel"}, "baris yang dihapus"),
        ("duplikasi", {"baris": True}, "Catatan wajib"),
        ("terbuka", {}, "Pilih penyelesaian"),
    ],
)
def test_resolving_refuses_incomplete_settlements(pair, planner, status, extra, message):
    kwargs = {"note": extra.get("note", "")}
    if extra.get("baris"):
        kwargs["dropped_row"] = pair.row_b
    with pytest.raises(ValidationError, match=message):
        services.overlap_settle(overlap=pair, status=status, by=planner, **kwargs)
    pair.refresh_from_db()
    assert pair.status == "terbuka"


def test_a_lead_agency_outside_the_pair_is_refused(pair, planner, opd_a):
    with pytest.raises(ValidationError, match="pilih OPD pengampu, salah satu dari kedua OPD"):
        services.overlap_settle(overlap=pair, status="koordinasi", opd_pengampu=opd_a, note="x", by=planner)


@pytest.mark.parametrize("change", ["rincian", "pagu", "lokasi", "sasaran", "sub_kegiatan"])
def test_a_settled_pair_opens_again_when_a_row_changes(year, pair, planner, places, groups, codes, change):
    services.overlap_settle(overlap=pair, status="saling_melengkapi", by=planner)
    row = pair.row_b
    data = {
        "rincian": {"rincian": row.nama + " tahap II"},  # the agency's wording
        "pagu": {"pagu": row.pagu + 1},
        "lokasi": {"lokasi": [places["desa1"], places["desa2"]]},
        "sasaran": {"sasaran": [groups["anak"], groups["balita"]]},
        "sub_kegiatan": {"sub_kegiatan": codes["dinsos"], "kode": codes["dinsos"].kode},
    }[change]
    renja_services.row_update(row=row, data=data, by=None)
    services.sync_refresh(fiscal_year=year)
    pair.refresh_from_db()
    assert pair.status == "terbuka" and pair.reopened_at is not None and pair.reopened_by is None
    assert AuditLog.objects.filter(action="overlap.reopened", object_id=str(pair.pk)).exists()


def test_a_change_to_other_fields_keeps_the_settlement(year, pair, planner):
    services.overlap_settle(overlap=pair, status="saling_melengkapi", by=planner)
    renja_services.row_update(
        row=pair.row_b,
        data={"indikator_opd": "Jumlah anak yang diasuh", "target_opd": 30, "satuan_opd": "Anak"},
        by=None,
    )
    services.sync_refresh(fiscal_year=year)
    pair.refresh_from_db()
    assert pair.status == "saling_melengkapi"


def test_a_full_recompute_keeps_settlements(year, pair, planner):
    services.overlap_settle(overlap=pair, status="saling_melengkapi", by=planner)
    services.sync_refresh(fiscal_year=year, full=True)
    pair.refresh_from_db()
    assert pair.status == "saling_melengkapi"


def findings() -> dict:
    """The stored pairs with their score, reasons and agency pair."""
    return {(p.row_a_id, p.row_b_id): (p.score, p.signals, p.agency_pair) for p in Overlap.objects.all()}


def assert_same_findings(got: dict, expected: dict) -> None:
    assert got.keys() == expected.keys()
    for key, (score, signals, group) in expected.items():
        assert got[key][0] == pytest.approx(score, abs=1e-9, rel=0), key
        assert got[key][1:] == (signals, group), key


@pytest.fixture
def three_daycares(year, opd_a, opd_b, opd_c, places, groups, codes):
    rows = []
    for i, (opd, code, text) in enumerate(
        [(opd_b, "dp3a", DAYCARE_A), (opd_c, "dp2kb", DAYCARE_B), (opd_a, "dinsos", DAYCARE_A)]
    ):
        rows.append(
            make_row(
                opd=opd,
                fiscal_year=year,
                ref=f"R{i}",
                sub_kegiatan=codes[code],
                lokasi=[places["desa1"]],
                sasaran=[groups["anak"]],
                **text,
            )
        )
    services.sync_refresh(fiscal_year=year)
    return rows


def test_incremental_and_full_recompute_agree(year, three_daycares, monkeypatch):
    """After a change of words, the partial recompute finds the pairs, scores and reasons a full recompute finds with
    the same term weights. (The weights, IDF, are those of the last full recompute until the next one: a partial
    recompute does not move every pair's score. A full recompute with fresh weights finds the same pairs.)"""
    before = findings()
    weights = SyncState.objects.get(fiscal_year=year).idf
    renja_services.row_update(
        row=three_daycares[2], data={"rincian": "Kelas pengasuhan anak harian (daycare)"}, by=None
    )
    result = services.sync_refresh(fiscal_year=year)
    assert (result.mode, result.changed_rows) == ("sebagian", 1)
    incremental = findings()
    assert len(incremental) == 3 and any(
        before[key][0] != incremental[key][0] for key in before.keys() & incremental.keys()
    ), "the edit must move some scores, or the comparison below proves little"
    monkeypatch.setattr(detector.Detector, "compute_idf", staticmethod(lambda rows: dict(weights)))
    services.sync_refresh(fiscal_year=year, full=True)
    assert_same_findings(incremental, findings())
    monkeypatch.undo()
    services.sync_refresh(fiscal_year=year, full=True)
    assert findings().keys() == incremental.keys()


def test_incremental_and_full_recompute_agree_after_a_change_of_place_or_group(year, three_daycares, places, groups):
    """A change that touches no words leaves the term weights as they are: the partial recompute equals a full one."""
    before = findings()
    renja_services.row_update(
        row=three_daycares[2],
        data={"sasaran": [groups["balita"]], "lokasi": [places["desa1"], places["desa2"]]},
        by=None,
    )
    result = services.sync_refresh(fiscal_year=year)
    assert (result.mode, result.changed_rows) == ("sebagian", 1)
    incremental = findings()
    assert incremental != before and incremental
    services.sync_refresh(fiscal_year=year, full=True)
    assert_same_findings(incremental, findings())


@pytest.mark.django_db(transaction=True)
def test_a_page_view_does_not_wait_for_a_refresh_running_elsewhere(year):
    """While another connection holds the year's refresh lock, a page view shows the stored findings at once."""
    import threading

    from django.db import connection, connections, transaction

    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (SQLite has none to skip)")
    services.sync_refresh(fiscal_year=year)
    locked, release = threading.Event(), threading.Event()

    def hold_lock():
        with transaction.atomic():
            SyncState.objects.select_for_update().get(fiscal_year=year)
            locked.set()
            release.wait(10)
        connections.close_all()

    holder = threading.Thread(target=hold_lock)
    holder.start()
    try:
        assert locked.wait(10)
        assert services.sync_refresh(fiscal_year=year, wait=False).mode == "sibuk"
    finally:
        release.set()
        holder.join()
    assert services.sync_refresh(fiscal_year=year, wait=False).mode == "tetap"
