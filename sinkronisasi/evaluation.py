"""Measure the overlap detector against a labelled set, next to the trigram baseline peers use.

A set is a Renja file in the import format (ref, opd, kode_sub_kegiatan, nama, indikator, …, lokasi, sasaran,
keterangan) and a pair file (ref_a, ref_b, …) listing every truly overlapping pair. Pure Python: reads the
reference fixtures (nomenclature names, region names) directly, and builds row facts with the same functions the
product uses on the database.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .builtin_synonyms import DEFAULT_SYNONYMS
from .detector import Detector, Params, RowFacts, is_penunjang
from .text import Vocabulary, group_terms, place_stopwords, row_terms, row_wording, vocabulary_from

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "renja" / "fixtures" / "reference"
SETS = Path(__file__).resolve().parent / "fixtures" / "evaluation"


@dataclass
class Scores:
    flagged: int
    true_pairs: int
    hits: int

    @property
    def precision(self) -> float:
        return self.hits / self.flagged if self.flagged else 0.0

    @property
    def recall(self) -> float:
        return self.hits / self.true_pairs if self.true_pairs else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def nomenclature_names() -> dict[str, str]:
    return {r["kode"]: r["nama"] for r in _read(REFERENCE / "nomenklatur_kabkota.csv")}


def nomenclature_indicators() -> dict[str, tuple[str, str]]:
    """Each code's official indicator and unit."""
    return {r["kode"]: (r["indikator"], r["satuan"]) for r in _read(REFERENCE / "nomenklatur_kabkota.csv")}


def _same_words(a: str, b: str) -> bool:
    return a.strip().casefold() == b.strip().casefold()


def row_as_imported(r: dict[str, str], name: str, indicator: tuple[str, str]) -> dict[str, str]:
    """A file row's fields as the Renja import stores them (renja.services.imports): the official name and
    indicator of the sub kegiatan, `nama` as the rincian unless it repeats the official name, and `indikator`/
    `satuan` as the agency's extra indicator when they differ from the official ones."""
    nama, indikator, satuan = r["nama"].strip(), r.get("indikator", "").strip(), r.get("satuan", "").strip()
    official_indikator, official_satuan = indicator
    extra = not (
        (not indikator or _same_words(indikator, official_indikator))
        and (not satuan or _same_words(satuan, official_satuan))
    )
    return {
        "nama": name,
        "rincian": "" if _same_words(nama, name) else nama,
        "indikator": official_indikator,
        "indikator_opd": (indikator or official_indikator) if extra else "",
    }


def region_names() -> list[str]:
    return [r["nama"] for r in _read(REFERENCE / "wilayah_kukar.csv") if r["tingkat"] != "kabupaten"]


def default_vocabulary() -> Vocabulary:
    return vocabulary_from((i, label, phrases) for i, (label, phrases) in enumerate(DEFAULT_SYNONYMS))


def official_name(kode: str, names: dict[str, str]) -> str:
    """The nomenclature name of a code as an agency writes it (support codes carry the agency's own bidang)."""
    if kode in names:
        return names[kode]
    parts = kode.split(".")
    generic = ".".join(["X", "XX"] + parts[2:])
    return names.get(generic, "")


def load_rows(path: Path, vocabulary: Vocabulary | None = None) -> tuple[list[RowFacts], dict[int, dict]]:
    vocabulary = vocabulary or default_vocabulary()
    names = nomenclature_names()
    indicators = nomenclature_indicators()
    place_stop = place_stopwords(region_names())
    opd_ids: dict[str, int] = {}
    facts, raw = [], {}
    for i, r in enumerate(_read(path), start=1):
        kode = r["kode_sub_kegiatan"].strip()
        name = official_name(kode, names)
        stored = row_as_imported(r, name, official_name(kode, indicators) or ("", ""))
        nama, indikator = row_wording(**stored)
        terms = row_terms(
            nama=nama,
            keterangan=r.get("keterangan", ""),
            indikator=indikator,
            sub_kegiatan=name,
            vocabulary=vocabulary,
            extra_stop=place_stop,
        )
        facts.append(
            RowFacts(
                id=i,
                opd=opd_ids.setdefault(r["opd"].strip(), len(opd_ids) + 1),
                kode=kode,
                penunjang=is_penunjang(kode),
                places=frozenset(c.strip() for c in r.get("lokasi", "").split(";") if c.strip()),
                groups=frozenset(s.strip() for s in r.get("sasaran", "").split(";") if s.strip()),
                terms=terms,
            )
        )
        raw[i] = r
    return facts, raw


def load_pairs(path: Path) -> set[frozenset[str]]:
    return {frozenset((r["ref_a"].strip(), r["ref_b"].strip())) for r in _read(path)}


# pg_trgm's similarity(), reproduced: words of alphanumerics, lower-cased, padded "  w ", trigram sets, Jaccard.
_WORD = re.compile(r"[0-9a-z]+")


def trigrams(text: str) -> set[str]:
    out: set[str] = set()
    for word in _WORD.findall(text.lower()):
        padded = f"  {word} "
        out.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return out


def trigram_similarity(a: str, b: str) -> float:
    ta, tb = trigrams(a), trigrams(b)
    return len(ta & tb) / len(ta | tb) if ta and tb else 0.0


def baseline_pairs(raw: dict[int, dict], threshold: float = 0.25) -> set[frozenset[str]]:
    """Decidim's rule applied to Renja rows: different agencies, trigram similarity of names >= 0.25."""
    items = [(r["ref"], r["opd"], trigrams(r["nama"])) for r in raw.values()]
    out = set()
    for i, (ref_a, opd_a, ta) in enumerate(items):
        for ref_b, opd_b, tb in items[i + 1 :]:
            if opd_a != opd_b and ta and tb and len(ta & tb) / len(ta | tb) >= threshold:
                out.add(frozenset((ref_a, ref_b)))
    return out


GROUP_SLUGS = [
    "anak",
    "balita",
    "remaja",
    "pemuda",
    "perempuan",
    "ibu_hamil",
    "lansia",
    "disabilitas",
    "keluarga_miskin",
    "petani",
    "nelayan",
    "umkm",
    "masyarakat_umum",
]


def build_detector(facts: list[RowFacts], params: Params) -> Detector:
    """The detector as the product builds it (services.sync_refresh): target-group words weigh little."""
    return Detector(facts, params, group_terms=group_terms(default_vocabulary(), GROUP_SLUGS))


def detector_pairs(facts: list[RowFacts], raw: dict[int, dict], params: Params) -> set[frozenset[str]]:
    detector = build_detector(facts, params)
    return {frozenset((raw[f.a]["ref"], raw[f.b]["ref"])) for f in detector.findings()}


def score(predicted: set[frozenset[str]], truth: set[frozenset[str]]) -> Scores:
    return Scores(flagged=len(predicted), true_pairs=len(truth), hits=len(predicted & truth))


def evaluate(name: str, params: Params = Params()) -> dict[str, Scores]:
    facts, raw = load_rows(SETS / f"{name}_renja.csv")
    truth = load_pairs(SETS / f"{name}_pasangan.csv")
    return {
        "detektor": score(detector_pairs(facts, raw, params), truth),
        "baseline_trigram": score(baseline_pairs(raw), truth),
    }


def errors(name: str, params: Params = Params()) -> tuple[list, list]:
    """False positives and false negatives with their scores, for reading (not for tuning single rows); never of a
    sealed set."""
    refuse_sealed(name)
    facts, raw = load_rows(SETS / f"{name}_renja.csv")
    truth = load_pairs(SETS / f"{name}_pasangan.csv")
    detector = build_detector(facts, params)
    by_ref = {r["ref"]: i for i, r in raw.items()}
    flagged = {frozenset((raw[f.a]["ref"], raw[f.b]["ref"])): f for f in detector.findings()}
    fps = [(f.score, raw[f.a]["nama"], raw[f.b]["nama"], f.signals) for k, f in flagged.items() if k not in truth]
    fns = []
    for pair in truth - set(flagged):
        a, b = sorted(by_ref[r] for r in pair)
        f = detector.score(a, b) if a in detector.rows and b in detector.rows else None
        fns.append((f.score if f else None, raw[a]["nama"], raw[b]["nama"], f.signals if f else {}))
    return sorted(fps, key=lambda x: -x[0]), sorted(fns, key=lambda x: -(x[0] or 0))


# Sets written blind and scored once, at the end of the work they judge, with `sync_eval.py --sealed`: never in the
# default output, never swept or listed error by error (their errors would teach the detector the answers).
SEALED = ("tertutup",)


def available_sets(*, sealed: bool = False) -> Iterable[str]:
    """The labelled sets; the sealed ones only when asked for."""
    names = sorted(p.name.removesuffix("_renja.csv") for p in SETS.glob("*_renja.csv"))
    return [n for n in names if (n in SEALED) == sealed]


def refuse_sealed(name: str) -> None:
    """Sweeps and error lists are for the sets one may learn from."""
    if name in SEALED:
        raise ValueError(f"set {name!r} disegel: hanya dinilai sekali dengan --sealed, tanpa sapuan atau daftar galat")
