"""Homes for orphan usulan and duplicate usulan, measured on a labelled set (issue 17, points 3 and 4).

A set is a directory with renja.csv (the Renja import format), usulan.csv (the usulan project import format),
rumah.csv (id_usulan,ref: the right home of each usulan that has one) and ganda.csv (id_usulan_a,id_usulan_b: every
pair of duplicate usulan). Printed: homes — of the usulan with a home, the share with a right row among the first
three suggestions (goal >= 0.80); of those without, the share with no suggestion (goal >= 0.90); duplicates —
precision, recall and F1.

.venv/bin/python scripts/homes_eval.py                      # the development set (sinkronisasi/fixtures/homes_dev)
.venv/bin/python scripts/homes_eval.py --errors             # its misses and wrong suggestions, for tuning
.venv/bin/python scripts/homes_eval.py --set DIR            # another set one may tune on
.venv/bin/python scripts/homes_eval.py --home-threshold 0.4 --duplicate-threshold 0.5   # try other thresholds
.venv/bin/python scripts/homes_eval.py --sealed             # the sealed set (sinkronisasi/fixtures/homes), written
                                                            # blind; scored once at the end, with no other option
"""

from __future__ import annotations

import argparse
import csv
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sinkronisasi import evaluation, homes  # noqa: E402
from sinkronisasi.text import place_stopwords  # noqa: E402

DEV = ROOT / "sinkronisasi" / "fixtures" / "homes_dev"
SEALED = ROOT / "sinkronisasi" / "fixtures" / "homes"


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _codes(cell: str) -> frozenset[str]:
    """Codes or slugs of one cell, separated by ";" or "," as the imports accept them."""
    return frozenset(c.strip() for c in (cell or "").replace(",", ";").split(";") if c.strip())


@dataclass
class LabelledSet:
    rows: list[homes.RowText]
    usulan: list[homes.UsulanFacts]
    homes: dict[str, set[str]]  # id_usulan -> right refs
    pairs: set[frozenset[str]]


def load_set(directory: Path) -> LabelledSet:
    """Rows as the Renja import stores them (official name, rincian, indicators), usulan as the usulan import does."""
    names = evaluation.nomenclature_names()
    indicators = evaluation.nomenclature_indicators()
    rows = []
    for r in _read(directory / "renja.csv"):
        kode = r["kode_sub_kegiatan"].strip()
        name = evaluation.official_name(kode, names)
        stored = evaluation.row_as_imported(r, name, evaluation.official_name(kode, indicators) or ("", ""))
        rows.append(
            homes.RowText(
                id=r["ref"].strip(),
                opd=r["opd"].strip(),
                kode=kode,
                nama=stored["nama"] or r["nama"],
                rincian=stored["rincian"],
                indikator=stored["indikator"],
                indikator_opd=stored["indikator_opd"],
                keterangan=r.get("keterangan", ""),
                places=_codes(r.get("lokasi", "")),
                groups=_codes(r.get("sasaran", "")),
            )
        )
    usulan = [
        homes.UsulanFacts(
            id=u["id_usulan"].strip(),
            desa=u.get("kode_desa", "").strip(),
            usulan=u.get("usulan", ""),
            uraian=u.get("uraian", ""),
            groups=_codes(u.get("sasaran", "")),
        )
        for u in _read(directory / "usulan.csv")
    ]
    right: dict[str, set[str]] = {}
    for h in _read(directory / "rumah.csv"):
        right.setdefault(h["id_usulan"].strip(), set()).add(h["ref"].strip())
    pairs = {frozenset((p["id_usulan_a"].strip(), p["id_usulan_b"].strip())) for p in _read(directory / "ganda.csv")}
    return LabelledSet(rows, usulan, right, pairs)


@dataclass
class Figures:
    with_home: int
    found: int  # of those, a right row among the first three
    without_home: int
    silent: int  # of those, no suggestion at all
    flagged: int
    true_pairs: int
    hits: int

    @property
    def home_recall(self) -> float:
        return self.found / self.with_home if self.with_home else 0.0

    @property
    def silence(self) -> float:
        return self.silent / self.without_home if self.without_home else 0.0

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


def predict(data: LabelledSet) -> tuple[dict[str, list], list]:
    vocabulary = evaluation.default_vocabulary()
    stop = place_stopwords(evaluation.region_names())
    index = homes.home_index(data.rows, vocabulary, stop=stop, group_slugs=evaluation.GROUP_SLUGS)
    suggestions = {str(u.id): index.suggest(u) for u in data.usulan}
    pairs = homes.find_duplicates(data.usulan, vocabulary, stop=stop, group_slugs=evaluation.GROUP_SLUGS)
    return suggestions, pairs


def score(data: LabelledSet, suggestions: dict[str, list], pairs: list) -> Figures:
    with_home = found = without = silent = 0
    for u in data.usulan:
        key = str(u.id)
        got = [str(rid) for rid, _s, _r in suggestions.get(key, [])[: homes.MAX_HOMES]]
        if key in data.homes:
            with_home += 1
            found += bool(data.homes[key] & set(got))
        else:
            without += 1
            silent += not got
    flagged = {frozenset((str(a), str(b))) for a, b, _s, _r in pairs}
    return Figures(with_home, found, without, silent, len(flagged), len(data.pairs), len(flagged & data.pairs))


def evaluate(directory: Path) -> Figures:
    data = load_set(directory)
    return score(data, *predict(data))


def report(name: str, f: Figures) -> str:
    return (
        f"{name}\n"
        f"  rumah: usulan yang punya rumah {f.with_home}, baris benar di 3 teratas {f.found} "
        f"({f.home_recall:.3f}; sasaran >= 0.80)\n"
        f"  rumah: usulan tanpa rumah {f.without_home}, tanpa saran {f.silent} ({f.silence:.3f}; sasaran >= 0.90)\n"
        f"  ganda: presisi {f.precision:.3f}, recall {f.recall:.3f}, F1 {f.f1:.3f} "
        f"(ditandai {f.flagged}, benar {f.hits}, pasangan {f.true_pairs})"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sealed", action="store_true", help="nilai set tertutup (sekali, di akhir, tanpa opsi lain)")
    parser.add_argument("--set", metavar="DIR", help="set lain untuk penyetelan")
    parser.add_argument("--errors", action="store_true", help="daftar kesalahan (hanya set pengembangan)")
    parser.add_argument("--home-threshold", type=float)
    parser.add_argument("--duplicate-threshold", type=float)
    args = parser.parse_args(argv)
    tuning = [
        name
        for name, value in (
            ("--set", args.set),
            ("--errors", args.errors),
            ("--home-threshold", args.home_threshold),
            ("--duplicate-threshold", args.duplicate_threshold),
        )
        if value not in (None, False)
    ]
    if args.sealed and tuning:
        parser.error(f"--sealed tidak boleh digabung dengan opsi penyetelan ({', '.join(tuning)})")
    if args.set and Path(args.set).resolve() == SEALED.resolve():
        parser.error("set tertutup hanya dinilai dengan --sealed")
    if args.home_threshold is not None:
        homes.HOME_THRESHOLD = args.home_threshold
    if args.duplicate_threshold is not None:
        homes.DUPLICATE_THRESHOLD = args.duplicate_threshold
    directory = SEALED if args.sealed else Path(args.set) if args.set else DEV
    if not directory.is_dir():
        parser.error(f"set {directory} tidak ada")
    data = load_set(directory)
    suggestions, pairs = predict(data)
    print(report(directory.name, score(data, suggestions, pairs)))
    if args.errors:
        by_id = {str(u.id): u for u in data.usulan}
        for key, got in suggestions.items():
            refs = [str(rid) for rid, _s, _r in got]
            right = data.homes.get(key, set())
            if (right and not right & set(refs)) or (not right and refs):
                print(f"  {key} {by_id[key].usulan[:60]!r}: benar {sorted(right) or '-'}, saran {got}")
        flagged = {frozenset((str(a), str(b))): s for a, b, s, _r in pairs}
        for pair, s in flagged.items():
            if pair not in data.pairs:
                print(f"  ganda palsu {sorted(pair)} {s}")
        for pair in data.pairs - set(flagged):
            print(f"  ganda terlewat {sorted(pair)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
