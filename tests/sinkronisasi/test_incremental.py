"""A detector told what changed equals one built afresh: the incremental refresh may keep the last one."""

import random

import pytest

from renja import services as renja_services
from sinkronisasi import detector, services
from sinkronisasi.models import Overlap, RowFeatures, SyncState

from ..factories import make_row
from .test_detection import DAYCARE_A, DAYCARE_B

WORDS = [f"w{i}" for i in range(40)]
PLACES = ["64.02.01", "64.02.01.2001", "64.02.01.2002", "64.02.06", "64.02.06.2001", "64.02.07.1001"]
GROUPS = ["anak", "lansia", "disabilitas", "umum"]


def random_row(rng: random.Random, row_id: int) -> detector.RowFacts:
    return detector.RowFacts(
        id=row_id,
        opd=rng.randint(1, 6),
        kode=rng.choice(["1.06.04.2.01.0001", "2.08.02.2.01.0003", "1.02.02.2.02.0005", "X.XX.01.2.01.0001"]),
        penunjang=rng.random() < 0.1,
        places=frozenset(rng.sample(PLACES, rng.choice([0, 1, 1, 2]))),
        groups=frozenset(rng.sample(GROUPS, rng.randint(0, 2))),
        terms={t: rng.choice([1.0, 0.4, 0.3]) for t in rng.sample(WORDS, rng.randint(1, 8))},
        usulan=frozenset(rng.sample(range(1, 15), rng.choice([0, 0, 0, 1, 2]))),
    )


def state(d: detector.Detector) -> dict:
    """Everything the detector's answers depend on, order aside."""
    blocks = {
        name: {k: sorted(v) for k, v in getattr(d, name).items() if v}
        for name in ("by_term_place", "by_term_wide", "by_term_any", "by_code", "by_usulan")
    }
    return {
        "rows": d.rows,
        "keys": d.keys,
        "df": {t: n for t, n in d.df.items() if n},
        "blocks": blocks,
        "tops": {i: d.top_terms(i) for i in d.rows},
    }


def test_replacing_rows_gives_what_a_fresh_build_gives():
    rng = random.Random(7)
    params = detector.Params(max_df=6, prefix_terms=3)  # a low cut, so that edits move terms across it often
    rows = {i: random_row(rng, i) for i in range(1, 61)}
    idf = detector.Detector.compute_idf(r for r in rows.values() if not r.penunjang)
    kept = detector.Detector(rows.values(), params, idf=idf)
    crossed = 0
    for step in range(60):
        changed = [random_row(rng, i) for i in rng.sample(sorted(rows), rng.randint(1, 4))]
        changed += [random_row(rng, 100 + step)]  # a new row
        removed = [i for i in rng.sample(sorted(rows), rng.randint(0, 2)) if i not in {r.id for r in changed}]
        before = {t: n <= params.max_df for t, n in kept.df.items()}
        kept.top_terms(next(iter(kept.rows)))  # some cached top terms exist, and must be dropped when stale
        for r in changed:
            rows[r.id] = r
        for i in removed:
            rows.pop(i, None)
        kept.replace(changed, removed=removed)
        fresh = detector.Detector(rows.values(), params, idf=idf)
        assert state(kept) == state(fresh), step
        ids = [r.id for r in changed]
        assert kept.candidates(ids) == fresh.candidates(ids)
        assert [(f.a, f.b, f.score) for f in kept.findings(ids)] == [(f.a, f.b, f.score) for f in fresh.findings(ids)]
        crossed += sum(1 for t, n in kept.df.items() if t in before and before[t] != (n <= params.max_df))
    assert kept.candidates() == fresh.candidates()
    assert crossed > 10  # the common-term cut was crossed both ways many times


@pytest.mark.django_db(transaction=True)  # the detector is kept when the refresh commits
def test_a_kept_detector_follows_edits_deletions_new_rows_and_other_workers(
    year, opd_a, opd_b, opd_c, places, groups, codes, settings
):
    settings.PLAN_CHANGED_HOOKS = []  # the refreshes below are called by the test, not queued by each committed edit
    texts = [
        DAYCARE_A,
        DAYCARE_B,
        dict(nama="Pelatihan menjahit bagi ibu rumah tangga"),
        dict(nama="Penitipan anak pekerja pabrik", keterangan="Taman asuh anak"),
        dict(nama="Bantuan kursi roda"),
    ]
    opds, where = [opd_a, opd_b, opd_c], [places["desa1"], places["desa2"], places["kec1"], places["desa3"]]
    rows = [
        make_row(
            opd=opds[i % 3],
            fiscal_year=year,
            ref=f"K{i}",
            sub_kegiatan=codes[("dinsos", "dp3a", "dp2kb")[i % 3]],
            lokasi=[where[i % 4]],
            sasaran=[groups["anak"]],
            **texts[i % 5],
        )
        for i in range(12)
    ]
    services.sync_refresh(fiscal_year=year, full=True)
    first = services._kept[year.pk].detector

    def assert_kept_is_what_the_database_says():
        kept, state_row = services._kept[year.pk], SyncState.objects.get(fiscal_year=year)
        stored = {
            f.renja_row_id: f
            for f in map(services.StoredFacts._make, RowFeatures.objects.values_list(*services.StoredFacts._fields))
        }
        assert kept.revision == state_row.revision and kept.features == stored
        fresh = detector.Detector(
            [services._facts(f) for f in stored.values()],
            services.PARAMS,
            idf=state_row.idf,
            group_terms=kept.group_terms,
        )
        assert state(kept.detector) == state(fresh)
        return kept

    renja_services.row_update(row=rows[0], data={"rincian": "Penitipan anak harian bagi pekerja"}, by=None)
    assert services.sync_refresh(fiscal_year=year).mode == "sebagian"
    assert assert_kept_is_what_the_database_says().detector is first  # told what changed, not built again
    rows[1].delete()
    make_row(
        opd=opd_a, fiscal_year=year, ref="K-new", sub_kegiatan=codes["dinsos"], lokasi=[places["desa1"]], **DAYCARE_B
    )
    services.sync_refresh(fiscal_year=year)
    older = assert_kept_is_what_the_database_says()

    # Another worker refreshes after an edit; this process still holds its older detector and catches up.
    renja_services.row_update(row=rows[2], data={"lokasi": [places["desa1"]]}, by=None)
    services.forget_kept()
    services.sync_refresh(fiscal_year=year)  # "the other worker": reads everything from the database
    services._kept[year.pk] = older
    renja_services.row_update(row=rows[3], data={"rincian": "Pelatihan menjahit dan bordir"}, by=None)
    services.sync_refresh(fiscal_year=year)
    assert assert_kept_is_what_the_database_says().detector is first
    pairs = {(p.row_a_id, p.row_b_id): p.score for p in Overlap.objects.all()}
    services.forget_kept()
    renja_services.row_update(row=rows[3], data={"rincian": "Pelatihan menjahit dan bordir."}, by=None)  # same words
    services.sync_refresh(fiscal_year=year)  # without a kept detector: the stored pairs do not move
    assert {(p.row_a_id, p.row_b_id): p.score for p in Overlap.objects.all()} == pairs
    assert len(pairs) >= 3


def test_a_term_whose_last_row_goes_leaves_no_trace():
    """Removing or rewording the only row holding a term drops the term's count and postings, as a fresh build would
    not have them (mutation testing found no test emptying a term)."""
    params = detector.Params(max_df=6, prefix_terms=3)

    def row(row_id: int, *terms: str, opd: int = 1) -> detector.RowFacts:
        return detector.RowFacts(
            id=row_id,
            opd=opd,
            kode="1.06.04.2.01.0001",
            penunjang=False,
            places=frozenset({"64.02.06"}),
            groups=frozenset(),
            terms=dict.fromkeys(terms, 1.0),
        )

    rows = [row(1, "shared", "only_one"), row(2, "shared", "only_two", opd=2), row(3, "shared", "third", opd=3)]
    kept = detector.Detector(rows, params)
    kept.replace([], removed=[1])  # "only_one" had one row
    kept.replace([row(2, "shared", "reworded", opd=2)])  # "only_two" loses its only row
    fresh = detector.Detector([row(2, "shared", "reworded", opd=2), rows[2]], params, idf=kept.idf)
    assert "only_one" not in kept.df and "only_two" not in kept.df
    assert "only_one" not in kept.postings and "only_two" not in kept.postings
    assert state(kept) == state(fresh)


def test_rows_replaced_before_anything_was_asked_of_them():
    """A refresh may replace rows whose top terms were never computed (nothing cached to drop)."""
    rng = random.Random(11)
    rows = [random_row(rng, i) for i in range(1, 21)]
    kept = detector.Detector(rows, detector.Params(max_df=6, prefix_terms=3))
    changed = [random_row(rng, i) for i in (3, 5, 8)]
    kept.replace(changed, removed=[10])
    survivors = {r.id: r for r in rows if r.id != 10} | {r.id: r for r in changed}
    fresh = detector.Detector(survivors.values(), detector.Params(max_df=6, prefix_terms=3), idf=kept.idf)
    assert state(kept) == state(fresh)
