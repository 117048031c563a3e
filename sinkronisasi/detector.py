"""The overlap detector: which pairs of Renja rows of different agencies plan the same thing, and why.

Pure Python over plain facts (no Django), so the product and the evaluation script run the same code.
Nothing here loops over all pairs: candidates come from blocks (same code, same usulan, shared informative terms,
shared target groups in shared places) and only candidates are scored.

Signals, each a reason a planner understands:
- KODE: the same sub kegiatan code where the rows' places meet (never the support program X.XX.01);
- USULAN: the same usulan picked up by both rows (double funding);
- SASARAN_LOKASI: a shared target group in a shared place (a regency-wide row covers every place);
- URAIAN: similar work in names, indicators and descriptions (stems, synonyms, filler removed; TF-IDF cosine).
Same work in places that do not meet, or different work for the same group in the same place, is not an overlap.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from .text import GOVERNANCE_HEADS, GOVERNANCE_NOUNS
from .text import KELOLA as KELOLA_TERM

ACTION_TERMS = GOVERNANCE_HEADS | GOVERNANCE_NOUNS

KODE, USULAN, SASARAN_LOKASI, URAIAN = "kode", "usulan", "sasaran_lokasi", "uraian"
JENIS_BERBEDA = "jenis_berbeda"
# Terms starting with this are facts about the row (its kind), not words: no weight, no blocks.
MARKER = "!"

# Target groups too broad to say two rows serve the same people.
BROAD_GROUPS = frozenset({"masyarakat_umum"})
# Groups that contain one another or overlap heavily.
RELATED_GROUPS = {
    frozenset({"anak", "balita"}),
    frozenset({"anak", "remaja"}),
    frozenset({"remaja", "pemuda"}),
    frozenset({"perempuan", "ibu_hamil"}),
    frozenset({"petani", "keluarga_miskin"}),
    frozenset({"nelayan", "keluarga_miskin"}),
}


@dataclass(frozen=True)
class Params:
    """The knobs of the score, chosen from the development evaluation set (see README, "Sinkronisasi")."""

    threshold: float = 0.25
    # Candidates: a term found in more rows than this does not make candidates, and each row offers its
    # `prefix_terms` most telling terms (a similar text shares at least one of them).
    max_df: int = 250
    prefix_terms: int = 8
    # How the text score is scaled by what is known about the target groups.
    group_shared: float = 1.0
    group_related: float = 0.9
    group_unknown: float = 0.8
    group_disjoint: float = 0.45
    # Extra lift for a shared specific group in a shared place (weak on its own: different work is no overlap).
    group_place_lift: float = 0.12
    code_same_place: float = 1.0
    # The same code in places that never meet (two kecamatan offices, each in its own kecamatan) is no overlap.
    code_elsewhere: float = 0.0
    # Similar work in places that do not meet is not an overlap (each agency serves its own villages).
    elsewhere: float = 0.0
    # Weight of words that name a target group in the text (the groups are compared on their own).
    group_term_weight: float = 0.35
    # Weight of words of data, planning and coordination work ("verifikasi", "data", "koordinasi"): they say what
    # kind of row it is (compared on its own), not what it is about.
    action_term_weight: float = 0.35
    # A data, planning, coordination or monitoring row against a row that delivers something: not the same work.
    kind_mismatch: float = 0.35


@dataclass
class RowFacts:
    """What the detector knows of one row."""

    id: int
    opd: int
    kode: str
    penunjang: bool
    places: frozenset[str]  # wilayah codes; empty means regency-wide
    groups: frozenset[str]  # target-group slugs
    terms: dict[str, float]  # term -> field weight (see text.weighted_terms)
    usulan: frozenset[int] = frozenset()

    @property
    def kind(self) -> str:
        """ "kelola" (data, planning, coordination, monitoring) or "layanan" (delivers something); see text.row_kind."""
        return "kelola" if KELOLA_TERM in self.terms else "layanan"


@dataclass
class Finding:
    a: int
    b: int
    score: float
    signals: dict[str, object] = field(default_factory=dict)

    @property
    def key(self) -> tuple[int, int]:
        return (self.a, self.b)


def parent_place(code: str) -> str | None:
    """The kecamatan of a desa/kelurahan code (64.02.06.1002 -> 64.02.06); None for a kecamatan."""
    return code.rsplit(".", 1)[0] if code.count(".") >= 3 else None


def shared_places(a: frozenset[str], b: frozenset[str]) -> tuple[bool, list[str]]:
    """Whether two location sets meet, and the most specific places where they do ([] when one is regency-wide)."""
    if not a or not b:
        return True, sorted(a or b)
    out = set(a & b)
    for x, other in ((a, b), (b, a)):
        for code in x:
            parent = parent_place(code)
            if parent and parent in other:
                out.add(code)
    out = {c for c in out if not any(o != c and parent_place(o) == c for o in out)}
    return bool(out), sorted(out)


def group_relation(a: frozenset[str], b: frozenset[str]) -> tuple[str, list[str]]:
    """shared / related / unknown / disjoint, with the shared specific groups."""
    sa, sb = a - BROAD_GROUPS, b - BROAD_GROUPS
    if not sa or not sb:
        return "unknown", []
    common = sorted(sa & sb)
    if common:
        return "shared", common
    if any(frozenset({x, y}) in RELATED_GROUPS for x in sa for y in sb):
        return "related", []
    return "disjoint", []


class Detector:
    """Scores candidate pairs of one fiscal year's rows."""

    def __init__(
        self,
        rows: Iterable[RowFacts],
        params: Params = Params(),
        idf: dict[str, float] | None = None,
        group_terms: frozenset[str] = frozenset(),
    ):
        self.params = params
        self.group_terms = group_terms
        self.rows: dict[int, RowFacts] = {r.id: r for r in rows if not r.penunjang}
        self.idf = idf if idf is not None else self.compute_idf(self.rows.values())
        self._idf_max = max(self.idf.values(), default=1.0)
        # Vectors and each row's most telling terms are made on first use: an incremental refresh touches few rows.
        self._vectors: dict[int, dict[str, float]] = {}
        self._top: dict[int, set[str]] = {}
        self._index()

    # Text
    @staticmethod
    def compute_idf(rows: Iterable[RowFacts]) -> dict[str, float]:
        df: dict[str, int] = defaultdict(int)
        n = 0
        for row in rows:
            n += 1
            for term in row.terms:
                df[term] += 1
        return {t: math.log(1 + n / d) for t, d in df.items()}

    def _idf(self, term: str) -> float:
        return self.idf.get(term) or self._idf_max

    def forget_vectors(self) -> None:
        self._vectors.clear()

    def vector(self, row_id: int) -> dict[str, float]:
        vec = self._vectors.get(row_id)
        if vec is None:
            vec = self._vectors[row_id] = self._vector(self.rows[row_id])
        return vec

    def top_terms(self, row_id: int) -> set[str]:
        """The row's most telling terms (heaviest, not too common): what it offers to find partners."""
        top = self._top.get(row_id)
        if top is None:
            vec = self.vector(row_id)
            usable = [t for t in self.rows[row_id].terms if self.df[t] <= self.params.max_df and t[0] != MARKER]
            top = self._top[row_id] = set(sorted(usable, key=lambda t: (-vec[t], t))[: self.params.prefix_terms])
        return top

    def _vector(self, row: RowFacts) -> dict[str, float]:
        gw, aw = self.params.group_term_weight, self.params.action_term_weight
        vec = {
            t: w * self._idf(t) * (gw if t in self.group_terms else aw if t in ACTION_TERMS else 1.0)
            for t, w in row.terms.items()
            if t[0] != MARKER
        }
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        return {t: v / norm for t, v in vec.items()}

    def _index(self) -> None:
        """Blocks keyed by place: rows meet only within a kecamatan, or when one of them is regency-wide."""
        p = self.params
        self.keys = {r.id: self._place_keys(r) for r in self.rows.values()}  # None = regency-wide
        self.postings: dict[str, set[int]] = defaultdict(set)  # every row having a term, common or not
        for row in self.rows.values():
            for term in row.terms:
                self.postings[term].add(row.id)
        self.df: dict[str, int] = defaultdict(int, {t: len(ids) for t, ids in self.postings.items()})
        self.by_term_place: dict[tuple[str, str], list[int]] = defaultdict(list)
        self.by_term_wide: dict[str, list[int]] = defaultdict(list)
        self.by_term_any: dict[str, list[int]] = defaultdict(list)
        self.by_code: dict[str, list[int]] = defaultdict(list)
        self.by_usulan: dict[int, list[int]] = defaultdict(list)
        for row in self.rows.values():
            for term in row.terms:
                if self.df[term] <= p.max_df:
                    self._block_add(row.id, term)
            self.by_code[row.kode].append(row.id)
            for u in row.usulan:
                self.by_usulan[u].append(row.id)

    def _block_add(self, row_id: int, term: str) -> None:
        if term[0] == MARKER:
            return
        self.by_term_any[term].append(row_id)
        keys = self.keys[row_id]
        if keys is None:
            self.by_term_wide[term].append(row_id)
        else:
            for k in keys:
                self.by_term_place[(term, k)].append(row_id)

    def _block_remove(self, row_id: int, term: str, keys: frozenset[str] | None) -> None:
        if term[0] == MARKER:
            return
        for block, key in (
            (self.by_term_any, term),
            *(((self.by_term_wide, term),) if keys is None else ((self.by_term_place, (term, k)) for k in keys)),
        ):
            members = block[key]
            members.remove(row_id)
            if not members:
                del block[key]

    def replace(self, rows: Iterable[RowFacts], removed: Iterable[int] = ()) -> None:
        """Bring the detector up to date with rows whose facts changed and rows that are gone, exactly as if it had
        been built afresh from the new set of rows (same blocks, same common-term cut), keeping the idf it has.

        This is what lets a refresh after one edit cost the edit, not the year: the detector of the last refresh
        is kept (sinkronisasi.services) and told what changed since.
        """
        p = self.params
        new = {r.id: r for r in rows}
        gone = [self.rows[i] for i in {*removed, *new} if i in self.rows]
        fresh = [r for r in new.values() if not r.penunjang]
        touched = {t for r in (*gone, *fresh) for t in r.terms}
        was_usable = {t: 0 < self.df.get(t, 0) <= p.max_df for t in touched}
        for old in gone:
            keys = self.keys.pop(old.id)
            for term in old.terms:
                self.postings[term].discard(old.id)
                if was_usable[term]:
                    self._block_remove(old.id, term, keys)
            for block, key in ((self.by_code, old.kode), *((self.by_usulan, u) for u in old.usulan)):
                block[key].remove(old.id)
                if not block[key]:
                    del block[key]
            del self.rows[old.id]
            self._vectors.pop(old.id, None)
            self._top.pop(old.id, None)
        for row in fresh:
            self.rows[row.id] = row
            self.keys[row.id] = self._place_keys(row)
            for term in row.terms:
                self.postings[term].add(row.id)
            self.by_code[row.kode].append(row.id)
            for u in row.usulan:
                self.by_usulan[u].append(row.id)
        fresh_ids = {r.id for r in fresh}
        for term in touched:
            holders = self.postings[term]
            if holders:
                self.df[term] = len(holders)
            else:
                del self.postings[term]
                self.df.pop(term, None)
            usable = 0 < len(holders) <= p.max_df
            if was_usable[term] and not usable:  # now too common: out of every block
                for i in holders - fresh_ids:
                    self._block_remove(i, term, self.keys[i])
            for i in holders if usable and not was_usable[term] else holders & fresh_ids if usable else ():
                self._block_add(i, term)
            if usable != was_usable[term]:  # the term joined or left these rows' usable terms
                for i in holders:
                    self._top.pop(i, None)

    @staticmethod
    def _place_keys(row: RowFacts) -> frozenset[str] | None:
        if not row.places:
            return None
        return frozenset(parent_place(c) or c for c in row.places)

    def _partners(self, x: int, term: str) -> Iterable[int]:
        keys = self.keys[x]
        if keys is None:
            return self.by_term_any[term]
        out = list(self.by_term_wide[term])
        for k in keys:
            out.extend(self.by_term_place.get((term, k), ()))
        return out

    def text_similarity(self, a: int, b: int) -> tuple[float, list[str]]:
        va, vb = self.vector(a), self.vector(b)
        if len(va) > len(vb):
            va, vb = vb, va
        parts = [(va[t] * vb[t], t) for t in va if t in vb]
        parts.sort(reverse=True)
        return min(1.0, sum(x for x, _ in parts)), [t for _x, t in parts[:4]]

    # Candidates
    def candidates(self, ids: Iterable[int] | None = None) -> set[tuple[int, int]]:
        """Pairs of rows of different agencies that may overlap, limited to pairs touching `ids` when given.

        A pair is a candidate when the rows share a code or a picked-up usulan, or when they may meet in place
        and share a term that is among the most telling terms (highest weight) of at least one of them, and not
        too common (prefix filtering: similar texts share one of their rarest words). Never all pairs.
        """
        focus = None if ids is None else {i for i in ids if i in self.rows}
        out: set[tuple[int, int]] = set()
        rows = self.rows

        def add(x: int, y: int) -> None:
            if x != y and rows[x].opd != rows[y].opd:
                out.add((x, y) if x < y else (y, x))

        for block in (*self.by_code.values(), *self.by_usulan.values()):
            if len(block) > 1:
                for x in block if focus is None else [m for m in block if m in focus]:
                    for y in block:
                        add(x, y)
        if focus is None:
            opd = {i: r.opd for i, r in rows.items()}
            for x in rows:
                ox = opd[x]
                for term in self.top_terms(x):
                    for y in self._partners(x, term):  # add(x, y), inlined: the loop of a full recompute
                        if opd[y] != ox:
                            out.add((x, y) if x < y else (y, x))
        else:
            for x in focus:
                mine = self.top_terms(x)
                for term in rows[x].terms:
                    if self.df.get(term, 0) > self.params.max_df:
                        continue
                    for y in self._partners(x, term):
                        if term in mine or term in self.top_terms(y):
                            add(x, y)
        return out

    # Score
    def score(self, a: int, b: int, *, explain: bool = True) -> Finding:
        """The pair's score and, with `explain` or when it is flagged, the signals behind it."""
        p = self.params
        ra, rb = self.rows[a], self.rows[b]
        meet, places = shared_places(ra.places, rb.places)
        usulan = sorted(ra.usulan & rb.usulan)
        same_code = ra.kode == rb.kode
        if not meet and not usulan and p.elsewhere == 0 and p.code_elsewhere == 0:
            return Finding(a=a, b=b, score=0.0, signals={"lokasi_bertemu": False})
        relation, groups = group_relation(ra.groups, rb.groups)
        text, top_terms = self.text_similarity(a, b)
        wide = not ra.places or not rb.places
        kinds_differ = (KELOLA_TERM in ra.terms) != (KELOLA_TERM in rb.terms)  # ra.kind != rb.kind, inline

        factor = {
            "shared": p.group_shared,
            "related": p.group_related,
            "unknown": p.group_unknown,
            "disjoint": p.group_disjoint,
        }[relation]
        work = text * factor
        if kinds_differ:
            work *= p.kind_mismatch
        if meet:
            if relation == "shared" and places and not wide:
                work = 1 - (1 - work) * (1 - p.group_place_lift)
        else:
            work *= p.elsewhere
        score = work
        if same_code:
            score = max(score, p.code_same_place if meet else p.code_elsewhere)
        if usulan:
            score = 1.0
        score = round(min(1.0, score), 4)
        if not explain and score < p.threshold:
            return Finding(a=a, b=b, score=score)  # not flagged: nobody reads why

        signals: dict[str, object] = {
            URAIAN: round(text, 3),
            "istilah": top_terms,
            "lokasi_bertemu": meet,
            "lokasi": places,
            "se_kabupaten": wide,
        }
        if usulan:
            signals[USULAN] = usulan
        if same_code:
            signals[KODE] = ra.kode
        if meet and relation == "shared":
            signals[SASARAN_LOKASI] = groups
        if kinds_differ:
            signals[JENIS_BERBEDA] = True
        return Finding(a=a, b=b, score=score, signals=signals)

    def findings(self, ids: Iterable[int] | None = None) -> list[Finding]:
        """Flagged pairs (score at or above the threshold), limited to pairs touching `ids` when given.

        The hot loop of a full recompute (about 160,000 candidates at Kukar's size, a million at 10x, nearly all not
        flagged): each candidate's score is computed here as score() computes it, with every step inlined and each
        row's facts prepared once; a pair that reaches the threshold is scored again by score(), which explains it.
        """
        p = self.params
        threshold, lift, elsewhere = p.threshold, 1 - p.group_place_lift, p.elsewhere
        quick_elsewhere = p.elsewhere == 0 and p.code_elsewhere == 0
        prepared: dict[int, tuple] = {}
        out = []
        for a, b in self.candidates(ids):
            fa = prepared.get(a) or prepared.setdefault(a, self._prepared(a))
            fb = prepared.get(b) or prepared.setdefault(b, self._prepared(b))
            kode_a, usulan_a, places_a, parents_a, groups_a, related_a, kelola_a, va = fa
            kode_b, usulan_b, places_b, parents_b, groups_b, related_b, kelola_b, vb = fb
            if kode_a == kode_b or (usulan_a and not usulan_a.isdisjoint(usulan_b)):
                finding = self.score(a, b, explain=False)  # by its code or usulan: rare, scored in full
                if finding.score >= threshold:
                    out.append(finding)
                continue
            wide = not places_a or not places_b
            # shared_places(...)[0]: the places meet, or one's kecamatan holds the other's desa.
            meet = (
                wide
                or not places_a.isdisjoint(places_b)
                or not parents_a.isdisjoint(places_b)
                or not parents_b.isdisjoint(places_a)
            )
            if not meet and quick_elsewhere:
                continue  # score 0
            # group_relation(...): unknown, shared, related or disjoint.
            shared = False
            if not groups_a or not groups_b:
                factor = p.group_unknown
            elif not groups_a.isdisjoint(groups_b):
                factor, shared = p.group_shared, True
            elif not related_a.isdisjoint(groups_b):
                factor = p.group_related
            else:
                factor = p.group_disjoint
            # text_similarity(...)[0]: the same products summed in the same order (largest first), the same float.
            if len(va) > len(vb):
                va, vb = vb, va
            common = va.keys() & vb.keys()
            if not common:
                text = 0.0
            elif len(common) == 1:
                (t,) = common
                text = min(1.0, va[t] * vb[t])
            else:
                products = [va[t] * vb[t] for t in common]
                products.sort(reverse=True)
                text = min(1.0, sum(products))
            work = text * factor
            if kelola_a != kelola_b:
                work *= p.kind_mismatch
            if meet:
                if shared and not wide:
                    work = 1 - (1 - work) * lift
            else:
                work *= elsewhere
            if round(min(1.0, work), 4) >= threshold:
                out.append(self.score(a, b, explain=False))  # flagged: scored and explained by score()
        out.sort(key=lambda f: (-f.score, f.a, f.b))
        return out

    def _prepared(self, row_id: int) -> tuple:
        """What findings() reads of a row: code, usulan, places and their kecamatan, specific groups and the groups
        related to them, whether it is a data/planning row, its vector."""
        row = self.rows[row_id]
        groups = row.groups - BROAD_GROUPS
        return (
            row.kode,
            row.usulan,
            row.places,
            frozenset(p for p in map(parent_place, row.places) if p is not None),
            groups,
            frozenset(y for pair in RELATED_GROUPS if not pair.isdisjoint(groups) for y in pair),
            KELOLA_TERM in row.terms,
            self.vector(row_id),
        )


def is_penunjang(kode: str) -> bool:
    """Program penunjang (X.XX.01...): every agency's internal support, never an overlap."""
    parts = kode.split(".")
    return len(parts) >= 3 and parts[2] == "01"
