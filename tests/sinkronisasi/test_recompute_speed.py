"""What makes the recompute fast changes none of its results: the inlined scoring loop, the plain-value inserts, the
word roots shared between processes."""

import itertools
import random

import pytest

from renja.models import Opd, RenjaRow
from sinkronisasi import evaluation, text
from sinkronisasi.detector import Detector, Params, RowFacts
from sinkronisasi.models import Overlap
from sinkronisasi.services import bulk, refresh


def _flagged_one_by_one(detector: Detector) -> list:
    """The findings as score() gives them, pair by pair: what Detector.findings() must equal."""
    out = [detector.score(a, b, explain=False) for a, b in detector.candidates()]
    out = [f for f in out if f.score >= detector.params.threshold]
    return sorted(out, key=lambda f: (-f.score, f.a, f.b))


@pytest.mark.parametrize("name", ["dev", "uji"])
def test_the_inlined_loop_flags_what_score_flags_on_the_labelled_sets(name):
    facts, _raw = evaluation.load_rows(evaluation.SETS / f"{name}_renja.csv")
    detector = evaluation.build_detector(facts, evaluation.Params())
    found = detector.findings()
    assert found
    assert [(f.a, f.b, f.score, f.signals) for f in found] == [
        (f.a, f.b, f.score, f.signals) for f in _flagged_one_by_one(detector)
    ]


def test_the_inlined_loop_flags_what_score_flags_on_every_mix_of_places_groups_and_kinds():
    """Rows in desa, kecamatan and regency-wide, with shared, related, broad, disjoint or no groups, of both kinds,
    some with the same code or a shared usulan, and texts from identical to unrelated."""
    rng = random.Random(17)
    places = [
        frozenset(),
        frozenset({"64.02.06"}),
        frozenset({"64.02.06.1002"}),
        frozenset({"64.02.06.1007"}),
        frozenset({"64.02.07.2005"}),
        frozenset({"64.02.06.1002", "64.02.07"}),
    ]
    groups = [
        frozenset(),
        frozenset({"anak"}),
        frozenset({"balita"}),
        frozenset({"lansia"}),
        frozenset({"masyarakat_umum"}),
        frozenset({"anak", "masyarakat_umum"}),
        frozenset({"petani"}),
        frozenset({"keluarga_miskin"}),
    ]
    words = ["posyandu", "balita", "gizi", "jalan", "desa", "pelatihan", "kerja", "data", "rumah", "huni", "air"]
    rows = []
    for i in range(160):
        terms = {w: rng.choice([0.3, 0.4, 1.0, 1.3]) for w in rng.sample(words, rng.randint(1, 5))}
        if rng.random() < 0.3:
            terms["!kelola"] = 0.0
        rows.append(
            RowFacts(
                id=i,
                opd=rng.randint(1, 6),
                kode=rng.choice(["1.02.02.2.02.0001", "1.06.04.2.01.0001", "1.03.10.2.01.0002", f"X.{i}"]),
                penunjang=False,
                places=rng.choice(places),
                groups=rng.choice(groups),
                terms=terms,
                usulan=frozenset(rng.sample(range(40), rng.randint(0, 1))),
            )
        )
    detector = Detector(rows, Params(max_df=1000), group_terms=frozenset({"balita"}))
    found = detector.findings()
    flagged_one_by_one = _flagged_one_by_one(detector)
    assert len(flagged_one_by_one) > 50
    assert [(f.a, f.b, f.score, f.signals) for f in found] == [
        (f.a, f.b, f.score, f.signals) for f in flagged_one_by_one
    ]


def test_a_pair_inserted_from_plain_values_is_stored_as_bulk_create_stores_it(db, make_pair_rows):
    a, b = make_pair_rows
    signals = {"uraian": 0.5, "istilah": ["posyandu"], "lokasi": ["Loa Ipuh"], "catatan": "é ≈ «x»"}
    values = dict(agency_pair="A – B", opd_a_id=a.opd_id, opd_b_id=b.opd_id, score=0.5, signals=signals)
    Overlap.objects.bulk_create([Overlap(fiscal_year=a.fiscal_year, row_a_id=a.pk, row_b_id=b.pk, **values)])
    made = Overlap.objects.get()
    made_values = {f.attname: getattr(made, f.attname) for f in Overlap._meta.concrete_fields}
    made.delete()
    fields = ("fiscal_year_id", "row_a_id", "row_b_id", *values)
    assert bulk.insert_values(Overlap, fields, [(a.fiscal_year_id, a.pk, b.pk, *values.values())]) == 1
    inserted = Overlap.objects.get()
    inserted_values = {f.attname: getattr(inserted, f.attname) for f in Overlap._meta.concrete_fields}
    for name in ("id", "found_at"):
        made_values.pop(name), inserted_values.pop(name)
    assert inserted_values == made_values
    assert inserted.found_at is not None


@pytest.fixture
def make_pair_rows(db, places):
    from ..factories import make_opd, make_row

    opd_a, opd_b = make_opd("DinasA"), make_opd("DinasB")
    assert Opd.objects.count() >= 2
    return make_row(opd=opd_a), make_row(opd=opd_b)


def test_roots_learnt_from_another_process_are_not_stemmed_again(monkeypatch):
    phrase_words = ["pemberdayaan", "perempuan", "pelatihan", "keterampilan"]
    expected = {w: text.stem(w) for w in phrase_words}  # stemmed here, as another process would have
    handed = text.stems_made(only_if_new=False)
    assert all(handed[w] == root for w, root in expected.items())

    calls = []

    class Counting:
        def stem(self, word):
            calls.append(word)
            return word

    monkeypatch.setattr(text, "_ROOTS", {})  # a new process: nothing stemmed yet
    monkeypatch.setattr(text, "_stemmer", lambda: Counting())
    text.stems_learn(handed)
    assert {w: text.stem(w) for w in phrase_words} == expected
    assert calls == []
    unseen = "pengompolanrenjaku"
    assert unseen not in handed
    text.stem(unseen)  # a word no process met: stemmed here
    assert calls == [unseen]


def test_a_refresh_hands_its_roots_to_the_next_process(db, places, monkeypatch, django_capture_on_commit_callbacks):
    from django.core.cache import cache

    from ..factories import make_row

    cache.delete(refresh.STEMS_CACHE_KEY)
    make_row(rincian="Pelatihan keterampilan menjahit bagi perempuan kepala keluarga")
    year = RenjaRow.objects.get().fiscal_year
    monkeypatch.setattr(text, "_ROOTS", {})
    with django_capture_on_commit_callbacks(execute=True):
        refresh.sync_refresh(fiscal_year=year, full=True)
    shared = cache.get(refresh.STEMS_CACHE_KEY)
    assert shared["menjahit"] == "jahit"
    # A new process learns them before its first refresh stems anything.
    monkeypatch.setattr(text, "_ROOTS", {})
    monkeypatch.setattr(refresh, "_stems_learnt", False)
    refresh.vocabulary_current()
    assert text._ROOTS.get("menjahit") == "jahit"


def test_every_word_pair_of_the_dev_set_stems_alike_with_learnt_roots(monkeypatch):
    """Learnt roots are the stemmer's own: the dev set's terms are the same built either way."""
    facts, _raw = evaluation.load_rows(evaluation.SETS / "dev_renja.csv")
    handed = text.stems_made(only_if_new=False)
    monkeypatch.setattr(text, "_ROOTS", {})
    text.stems_learn(handed)
    again, _raw = evaluation.load_rows(evaluation.SETS / "dev_renja.csv")
    assert [f.terms for f in facts] == [f.terms for f in again]
    assert list(itertools.islice(handed, 1))  # something was learnt
