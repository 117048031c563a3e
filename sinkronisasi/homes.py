"""Homes for orphan usulan and duplicate usulan: pure functions over plain facts (no Django, no queries).

A *home* of an usulan no agency picked up is a Renja row, of any agency, that plans the same work the usulan asks
for, to the same kind of beneficiaries, in a place that meets the usulan's desa: the row's lokasi names that desa or
its kecamatan, or the row is regency-wide (no lokasi). A *duplicate* is a pair of usulan of one year asking for the
same thing in the same desa, from any sources.

The text machinery is the overlap detector's (sinkronisasi/text.py: normalising, stemming, synonym groups), read
only. Scores weigh each shared term by how rare it is among the rows (or usulan) compared; words of how work is
delivered (pembangunan, bantuan, pelatihan, …) and of target groups count for little, so that what is delivered
decides. Reasons carry the matched words exactly as each text writes them, never stems.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from .detector import group_relation, is_penunjang, parent_place
from .text import FUNCTION_WORDS, Vocabulary, group_terms, normalise, row_kind, stem, weighted_terms

# A home is suggested only at or above this score (share of the usulan's request, by weight, that the row plans).
HOME_THRESHOLD = 0.4
# A pair of usulan is a duplicate at or above this score (weighted Dice of their terms).
DUPLICATE_THRESHOLD = 0.45
MAX_HOMES = 3
# Candidate rows are looked up through this many of the usulan's rarest terms.
CANDIDATE_TERMS = 4
# How much a delivery or target-group word counts, against a word naming what is delivered.
LIGHT_WEIGHT = 0.25
# Beneficiary groups that tell nothing apart (everyone).
BROAD = frozenset({"masyarakat_umum"})
# A row or usulan for other specific beneficiaries than the other's: its score is multiplied by this.
OTHER_GROUPS_FACTOR = 0.5
# Text fields and their weights: an usulan's request most, its details less; a row's own words (rincian, else the
# official name) most, its indicator and remarks less, the official sub kegiatan name least.
USULAN_FIELDS = (("usulan", 1.0), ("uraian", 0.5))
ROW_FIELDS = (("wording", 1.0), ("keterangan", 0.6), ("indikator", 0.5), ("nama", 0.5))
# Places named in a text are not work: their words are left out (set by the caller, e.g. region names' stems).

PLACE_DESA, PLACE_KECAMATAN, PLACE_KABUPATEN = "desa", "kecamatan", "kabupaten"
REGENCY_WIDE = "*"  # the place key of a row without lokasi
PLACE_ORDER = {PLACE_DESA: 0, PLACE_KECAMATAN: 1, PLACE_KABUPATEN: 2}


@dataclass(frozen=True)
class UsulanFacts:
    """What the matcher reads of one usulan."""

    id: int | str
    desa: str  # the desa/kelurahan code (64.02.06.2001); "" if none
    usulan: str
    uraian: str = ""
    groups: frozenset[str] = frozenset()
    opd: int | str | None = None  # the agency it was last routed to, if any


@dataclass(frozen=True)
class RowText:
    """What the matcher reads of one Renja row: its official name, the agency's rincian, indicators, remarks."""

    id: int | str
    opd: int | str
    kode: str
    nama: str  # the official sub kegiatan name
    rincian: str = ""
    indikator: str = ""
    indikator_opd: str = ""
    keterangan: str = ""
    places: frozenset[str] = frozenset()  # Wilayah codes; empty: regency-wide
    groups: frozenset[str] = frozenset()

    @property
    def wording(self) -> str:
        return (self.rincian or "").strip() or self.nama

    def texts(self) -> list[str]:
        return [self.rincian, self.nama, self.indikator_opd or self.indikator, self.keterangan]


def place_meets(desa: str, places: frozenset[str]) -> str | None:
    """How a row's places meet an usulan's desa: "desa" (it names the desa), "kecamatan" (its kecamatan),
    "kabupaten" (the row is regency-wide), or None (they do not meet)."""
    if not places:
        return PLACE_KABUPATEN
    if desa and desa in places:
        return PLACE_DESA
    kecamatan = parent_place(desa) if desa else None
    if kecamatan and kecamatan in places:
        return PLACE_KECAMATAN
    return None


def _field_terms(
    fields: Sequence[tuple[str, float]], vocabulary: Vocabulary, stop: frozenset[str], memo: dict | None = None
) -> dict[str, float]:
    """Each term's weight: the best of the fields it appears in (a term counts once, not once per field). `memo`:
    each (text, weight)'s terms already made, by the caller that reads many texts with the same vocabulary and
    stop words (the official names and indicators repeat across rows)."""
    out: dict[str, float] = {}
    for text, weight in fields:
        key = (text or "", weight)
        found = memo.get(key) if memo is not None else None
        if found is None:
            found = weighted_terms([key], vocabulary, stop)
            if memo is not None:
                memo[key] = found
        for term, w in found.items():
            if w > out.get(term, 0.0):
                out[term] = min(w, 1.0)
    return out


def usulan_terms(u: UsulanFacts, vocabulary: Vocabulary, stop: frozenset[str] = frozenset()) -> dict[str, float]:
    return _field_terms([(u.usulan, USULAN_FIELDS[0][1]), (u.uraian, USULAN_FIELDS[1][1])], vocabulary, stop)


def row_text_terms(
    r: RowText, vocabulary: Vocabulary, stop: frozenset[str] = frozenset(), memo: dict | None = None
) -> dict[str, float]:
    weights = dict(ROW_FIELDS)
    return _field_terms(
        [
            (r.wording, weights["wording"]),
            (r.keterangan, weights["keterangan"]),
            (r.indikator_opd or r.indikator, weights["indikator"]),
            (r.nama, weights["nama"]),
        ],
        vocabulary,
        stop,
        memo,
    )


def _idf(documents: Iterable[dict[str, float]]) -> dict[str, float]:
    df: dict[str, int] = defaultdict(int)
    n = 0
    for terms in documents:
        n += 1
        for t in terms:
            df[t] += 1
    return {t: math.log(1 + n / d) for t, d in df.items()}


def _weight(term: str, idf: dict[str, float], light: frozenset[str], default_idf: float) -> float:
    w = idf.get(term, default_idf)
    return w * LIGHT_WEIGHT if term in light else w


def _groups_differ(a: frozenset[str], b: frozenset[str]) -> bool:
    relation, _shared = group_relation(a - BROAD, b - BROAD)
    return relation == "disjoint"


# --- words as written ---------------------------------------------------------------------------------------------

_WORD = re.compile(r"\w+(?:-\w+)*")


def _term_stems(term: str, vocabulary: Vocabulary) -> frozenset[str]:
    """The stems a term stands for: its own, or every stem of a synonym group's phrases."""
    if term.startswith("~"):
        return frozenset(vocabulary.phrase_stems.get(term, ()))
    return frozenset({term})


@lru_cache(maxsize=8192)
def _spans(text: str) -> tuple[tuple[int, int, frozenset[str], bool, bool], ...]:
    """Each word of a text: where it stands, the stems of its parts, whether it has any, whether it is only a
    function word (made once per text and process)."""
    out = []
    for m in _WORD.finditer(text):
        parts = normalise(m.group())
        out.append(
            (
                m.start(),
                m.end(),
                frozenset(stem(w) for w in parts),
                bool(parts),
                bool(parts) and set(parts) <= FUNCTION_WORDS,
            )
        )
    return tuple(out)


def written_runs(stems: frozenset[str], texts: Iterable[str]) -> list[str]:
    """The stretches of these texts, exactly as written, made of consecutive words whose stems are among `stems`
    (a function word may stand inside a stretch, not at its ends; punctuation ends it). First occurrence first."""
    found: dict[str, str] = {}
    for text in texts:
        text = text or ""
        start = end = pending = None  # the current stretch; the end of function words after it
        for at, stop, word_stems, has_parts, function_word in (
            *_spans(text),
            (len(text), len(text), frozenset(), False, False),
        ):
            joined = end is not None and not text[pending or end : at].strip()
            if has_parts and not function_word and word_stems <= stems:
                if start is None or not joined:
                    if start is not None:
                        found.setdefault(text[start:end].lower(), text[start:end])
                    start = at
                end, pending = stop, None
            elif function_word and start is not None and joined:
                pending = stop  # kept only if the stretch goes on
            elif start is not None:
                found.setdefault(text[start:end].lower(), text[start:end])
                start = end = pending = None
    # A stretch inside a longer one found elsewhere says nothing more ("desa" beside "keuangan desa").
    keys = list(found)
    return [found[k] for k in keys if not any(k != o and f" {k} " in f" {o} " for o in keys)]


def _matched_words(
    terms: Sequence[str], vocabulary: Vocabulary, left: Sequence[str], right: Sequence[str]
) -> tuple[list[str], list[str]]:
    stems: set[str] = set()
    for t in terms:
        stems |= _term_stems(t, vocabulary)
    frozen = frozenset(stems - FUNCTION_WORDS)
    return written_runs(frozen, left), written_runs(frozen, right)


# --- homes --------------------------------------------------------------------------------------------------------


@dataclass
class HomeIndex:
    """The year's rows prepared once (terms, rarity, an index by term) to suggest homes for many usulan."""

    rows: Sequence[RowText]
    vocabulary: Vocabulary
    stop: frozenset[str] = frozenset()
    light: frozenset[str] = frozenset()
    terms: dict = field(default_factory=dict)
    kinds: dict = field(default_factory=dict)
    by_term: dict = field(default_factory=dict)
    idf: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.rows = [r for r in self.rows if not is_penunjang(r.kode)]
        self.by_id = {r.id: r for r in self.rows}
        memo: dict = {}  # the official names and indicators repeat: each text's terms made once
        self.terms = {r.id: row_text_terms(r, self.vocabulary, self.stop, memo) for r in self.rows}
        self.kinds = {r.id: row_kind(r.wording) for r in self.rows}
        self.idf = _idf(self.terms.values())
        self.default_idf = math.log(1 + max(len(self.rows), 1))
        # Rows by (term, place): a desa or kecamatan code of the row's lokasi, or REGENCY_WIDE. An usulan reads only
        # the rows of its desa, its kecamatan and the regency-wide ones that share a term: never every row.
        by_term: dict[tuple[str, str], list] = defaultdict(list)
        for rid, terms in self.terms.items():
            keys = self.by_id[rid].places or (REGENCY_WIDE,)
            for t in terms:
                if t not in self.light:
                    for key in keys:
                        by_term[(t, key)].append(rid)
        self.by_term = dict(by_term)
        # What the hot loop of suggest() reads of each row, in one tuple: its kind, terms, groups and places.
        self.prepared = {r.id: (self.kinds[r.id], self.terms[r.id], r.groups, r.places) for r in self.rows}
        # The words as written, by (usulan text, details, row, shared terms): usulan written alike, alike.
        self._words: dict[tuple, tuple[list[str], list[str]]] = {}

    def _candidates(
        self, weighted: list[tuple[str, float, float]], total: float, needed: float, keys: list[str], rarest: list[str]
    ) -> set:
        """The rows of these places that share one of the usulan's `rarest` terms (the candidates), less those that
        cannot reach `needed` (prefix filtering, exact): a row reaches it only by sharing one of the usulan's
        heaviest terms, those without which the rest weigh less than `needed` (a shared term counts at most its
        weight in the usulan). At 10x an usulan has some 200 candidates and most lack all of those terms."""
        heaviest: list[str] = []
        rest = total + 1e-9 * total  # an upper bound, above any rounding of the sums compared with `needed`
        for share, t in sorted(((w * weight, t) for t, w, weight in weighted), reverse=True):
            if rest < needed:
                break
            heaviest.append(t)
            rest -= share
        by_term, prepared = self.by_term, self.prepared
        if any(t in self.light for t in heaviest):  # light terms index no rows: the candidates, then the filter
            found = {rid for t in rarest for key in keys for rid in by_term.get((t, key), ())}
            return {rid for rid in found if not prepared[rid][1].keys().isdisjoint(heaviest)}
        # The rows of these places holding one of the heaviest terms, among them those holding a rarest term (such
        # a row is in the rarest term's list for the place it was found by).
        found = {rid for t in heaviest for key in keys for rid in by_term.get((t, key), ())}
        return {rid for rid in found if not prepared[rid][1].keys().isdisjoint(rarest)}

    def suggest(
        self, u: UsulanFacts, terms: dict[str, float] | None = None
    ) -> list[tuple[int | str, float, list[dict]]]:
        """Up to MAX_HOMES (row id, score, reasons), best first, none below HOME_THRESHOLD. `terms`: the usulan's
        terms if already made (usulan_terms)."""
        uterms = terms if terms is not None else usulan_terms(u, self.vocabulary, self.stop)
        if not uterms:
            return []
        weighted = [(t, w, _weight(t, self.idf, self.light, self.default_idf)) for t, w in uterms.items()]
        total = sum(w * weight for _t, w, weight in weighted)
        ukind = row_kind(u.usulan)
        kecamatan = parent_place(u.desa) if u.desa else None
        keys = [k for k in (u.desa, kecamatan, REGENCY_WIDE) if k]
        # Candidates share one of the usulan's rarest terms that some row has (a home shares what is rare in the
        # request; common words alone never reach the threshold): a few rows each, not every row with "pembangunan".
        known = sorted((t for t in uterms if t not in self.light and t in self.idf), key=lambda t: (-self.idf[t], t))
        needed = HOME_THRESHOLD * total
        candidates = self._candidates(weighted, total, needed, keys, known[:CANDIDATE_TERMS])
        scored = []
        prepared = self.prepared
        for rid in candidates:  # the hot loop of a recompute: plain arithmetic, lists only for the survivors
            kind, rterms, groups, places = prepared[rid]
            if kind != ukind:
                continue
            shared_weight = 0.0
            for t, w, weight in weighted:
                rw = rterms.get(t)
                if rw is not None:
                    shared_weight += (w if w < rw else rw) * weight
            if shared_weight < needed:
                continue
            score = shared_weight / total
            if u.groups and groups and _groups_differ(u.groups, groups):
                score *= OTHER_GROUPS_FACTOR
            score = round(min(score, 1.0), 4)
            if score < HOME_THRESHOLD:
                continue
            if not places:
                where = PLACE_KABUPATEN
            elif u.desa and u.desa in places:
                where = PLACE_DESA
            else:
                where = PLACE_KECAMATAN  # the candidates were looked up by place: it meets the kecamatan
            shared = [t for t in uterms if t in rterms]
            scored.append((score, PLACE_ORDER[where], str(rid), rid, where, shared))
        scored.sort(key=lambda s: (-s[0], s[1], s[2]))
        out = []
        for score, _order, _key, rid, where, shared in scored[:MAX_HOMES]:
            row = self.by_id[rid]
            key = (u.usulan, u.uraian, rid, tuple(shared))  # all the words depend on
            words = self._words.get(key)
            if words is None:
                words = _matched_words(
                    [t for t in shared if t not in self.light] or shared,
                    self.vocabulary,
                    [u.usulan, u.uraian],
                    [row.rincian, row.nama, row.indikator_opd or row.indikator, row.keterangan],
                )
                self._words[key] = words
            in_usulan, in_row = words
            reasons = [
                {"kind": "kata", "usulan": in_usulan, "baris": in_row},
                {"kind": "lokasi", "tingkat": where},
            ]
            common = sorted((u.groups & row.groups) - BROAD)
            if common:
                reasons.append({"kind": "sasaran", "kelompok": common})
            out.append((rid, score, reasons))
        return out


def suggest_homes(
    usulan: UsulanFacts,
    rows: Sequence[RowText],
    vocabulary: Vocabulary,
    *,
    stop: frozenset[str] = frozenset(),
    group_slugs: Iterable[str] = (),
) -> list[tuple[int | str, float, list[dict]]]:
    """Up to three homes for one usulan among these rows: (row id, score, reasons), best first. For many usulan,
    build one HomeIndex and call its suggest()."""
    return home_index(rows, vocabulary, stop=stop, group_slugs=group_slugs).suggest(usulan)


def home_index(
    rows: Sequence[RowText], vocabulary: Vocabulary, *, stop: frozenset[str] = frozenset(), group_slugs=()
) -> HomeIndex:
    return HomeIndex(rows=rows, vocabulary=vocabulary, stop=stop, light=group_terms(vocabulary, group_slugs))


# --- duplicates ---------------------------------------------------------------------------------------------------


def find_duplicates(
    usulan_list: Sequence[UsulanFacts],
    vocabulary: Vocabulary,
    *,
    stop: frozenset[str] = frozenset(),
    group_slugs: Iterable[str] = (),
    terms: Sequence[dict[str, float]] | None = None,
) -> list[tuple[int | str, int | str, float, list[dict]]]:
    """Pairs of usulan in the same desa asking for the same thing: (a, b, score, reasons) with a before b in the
    list's order, best first. Only usulan of one desa are compared (never every pair of the year). `terms`: each
    usulan's terms if already made (usulan_terms), in the list's order."""
    light = group_terms(vocabulary, group_slugs)
    terms = list(terms) if terms is not None else [usulan_terms(u, vocabulary, stop) for u in usulan_list]
    idf = _idf(terms)
    default_idf = math.log(1 + max(len(usulan_list), 1))
    by_desa: dict[str, list[int]] = defaultdict(list)
    for i, u in enumerate(usulan_list):
        if u.desa:
            by_desa[u.desa].append(i)
    out = []
    for members in by_desa.values():
        for x, i in enumerate(members):
            a, ta = usulan_list[i], terms[i]
            if not ta:
                continue
            for j in members[x + 1 :]:
                b, tb = usulan_list[j], terms[j]
                shared = [t for t in ta if t in tb]
                if not any(t not in light for t in shared):
                    continue
                weight = lambda t: _weight(t, idf, light, default_idf)  # noqa: E731
                both = sum(ta[t] * weight(t) for t in ta) + sum(tb[t] * weight(t) for t in tb)
                score = 2 * sum(min(ta[t], tb[t]) * weight(t) for t in shared) / both
                if a.groups and b.groups and _groups_differ(a.groups, b.groups):
                    score *= OTHER_GROUPS_FACTOR
                score = round(min(score, 1.0), 4)
                if score < DUPLICATE_THRESHOLD:
                    continue
                words_a, words_b = _matched_words(
                    [t for t in shared if t not in light], vocabulary, [a.usulan, a.uraian], [b.usulan, b.uraian]
                )
                reasons = [{"kind": "kata", "usulan": words_a, "baris": words_b}, {"kind": "lokasi", "tingkat": "desa"}]
                out.append((a.id, b.id, score, reasons))
    out.sort(key=lambda p: (-p[2], str(p[0]), str(p[1])))
    return out


# --- reasons as sentences -----------------------------------------------------------------------------------------


def reason_sentences(
    reasons: Sequence[dict],
    _: Callable[[str], str] = lambda s: s,
    *,
    pair: bool = False,
    group_names: dict[str, str] | None = None,
) -> list[str]:
    """Stored reasons as plain Indonesian sentences (pass Django's gettext as `_` on a page). `pair`: the two texts
    are two usulan (duplicates), not an usulan and a row. `group_names`: target groups by slug, to name them as the
    screens do (the stored reasons hold slugs)."""
    names = group_names or {}
    out = []
    for r in reasons:
        kind = r.get("kind")
        if kind == "kata":
            left = ", ".join(f"«{w}»" for w in r.get("usulan") or [])
            right = ", ".join(f"«{w}»" for w in r.get("baris") or [])
            if pair:
                out.append(_("Meminta hal yang sama: %(a)s ≈ %(b)s") % {"a": left or "—", "b": right or "—"})
            else:
                out.append(_("Pekerjaan sama: usulan %(a)s ≈ baris %(b)s") % {"a": left or "—", "b": right or "—"})
        elif kind == "lokasi":
            where = r.get("tingkat")
            if pair:
                out.append(_("Di desa yang sama"))
            elif where == PLACE_DESA:
                out.append(_("Lokasi baris mencakup desa usulan"))
            elif where == PLACE_KECAMATAN:
                out.append(_("Lokasi baris mencakup kecamatan desa usulan"))
            else:
                out.append(_("Baris berlaku se-kabupaten"))
        elif kind == "sasaran":
            groups = [names.get(slug, slug) for slug in r.get("kelompok") or []]
            out.append(_("Sasaran sama: %(g)s") % {"g": ", ".join(groups)})
    return out
