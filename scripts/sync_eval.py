"""Precision, recall and F1 of the overlap detector on the labelled sets, next to the trigram baseline.

.venv/bin/python scripts/sync_eval.py            # every set in sinkronisasi/fixtures/evaluation
.venv/bin/python scripts/sync_eval.py --sweep dev  # the detector at thresholds 0.20-0.60 on one set
.venv/bin/python scripts/sync_eval.py --errors dev # its false positives and negatives on one set
.venv/bin/python scripts/sync_eval.py --sealed     # the sealed held-out set (tertutup), scored once at the end of
                                                   # the work it judges; its first figure goes in README, whatever it is
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sinkronisasi import detector, evaluation  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sweep", metavar="SET")
    parser.add_argument("--errors", metavar="SET")
    parser.add_argument("--sealed", action="store_true", help="nilai set tertutup (sekali, di akhir)")
    args = parser.parse_args()
    for name in filter(None, (args.sweep, args.errors)):
        try:
            evaluation.refuse_sealed(name)
        except ValueError as exc:
            parser.error(str(exc))
    if args.sweep:
        print(f"{'ambang':>7} {'presisi':>8} {'recall':>7} {'F1':>6} {'ditandai':>9}")
        for step in range(20, 62, 2):
            params = dataclasses.replace(detector.Params(), threshold=step / 100)
            s = evaluation.evaluate(args.sweep, params)["detektor"]
            print(f"{step / 100:>7.2f} {s.precision:>8.3f} {s.recall:>7.3f} {s.f1:>6.3f} {s.flagged:>9}")
        return 0
    if args.errors:
        fps, fns = evaluation.errors(args.errors)
        print("POSITIF PALSU (ditandai, bukan tumpang tindih):")
        for score, a, b, signals in fps:
            print(f"  {score:.3f}  {a[:60]!r} ~ {b[:60]!r}  {signals}")
        print("NEGATIF PALSU (tumpang tindih, tidak ditandai):")
        for score, a, b, signals in fns:
            print(f"  {score if score is not None else '-'}  {a[:60]!r} ~ {b[:60]!r}  {signals}")
        return 0
    print(f"Ambang detektor: {detector.Params().threshold:.2f}; baseline: trigram nama >= 0.25 (pg_trgm similarity)")
    print(
        f"{'set':<6} {'metode':<18} {'presisi':>8} {'recall':>7} {'F1':>6} {'ditandai':>9} {'benar':>6} {'pasangan':>9}"
    )
    for name in evaluation.available_sets(sealed=args.sealed):
        for method, s in evaluation.evaluate(name).items():
            print(
                f"{name:<6} {method:<18} {s.precision:>8.3f} {s.recall:>7.3f} {s.f1:>6.3f} "
                f"{s.flagged:>9} {s.hits:>6} {s.true_pairs:>9}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
