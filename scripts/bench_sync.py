"""Benchmark of the sync view at Kukar's size and at 10×: full recompute, recompute after one edit, the two pages.

Usage: .venv/bin/python scripts/bench_sync.py   (BENCH_SCALES=1,10 by default; BENCH_DATABASE_URL for PostgreSQL;
BENCH_FULL_REPEAT=3: full recomputes per scale, their median printed; BENCH_ONLY=hitung: the recomputes, no pages)
Data (scripts/datagen.py): ~40 agencies, 2,500 Renja rows and 6,000 usulan per 1× (10× = 25,000 rows, 60,000 usulan),
written like real ones. Uses its own database, never the development one.

The full recompute is what the queued task does (sinkronisasi.services.queue.sync_recompute_run): the overlaps
(sync_refresh, full) and then the homes and duplicate usulan (homes_refresh); both parts and their sum are printed,
the sum beside its goal. "Satu ubahan" is the overlaps' refresh after one edit in a process that kept its detector;
"proses baru" the same in a new process (python started afresh: its stemmer, kept facts and caches empty), as after
a worker restart; "+ rumah" the task's whole run after one edit (the refresh, then homes and duplicates).
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import time

import benchsetup  # noqa: F401  (first: sets Django up on the benchmark's own database)
from datagen import generate  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from renja import services as renja_services  # noqa: E402
from renja.models import FiscalYear, RenjaRow, User  # noqa: E402
from sinkronisasi import services  # noqa: E402
from sinkronisasi.models import Overlap  # noqa: E402
from sinkronisasi.services import homes  # noqa: E402

REPEAT = int(os.environ.get("BENCH_REPEAT", "5"))
FULL_REPEAT = int(os.environ.get("BENCH_FULL_REPEAT", "3"))
GOAL_MS = {1: 2000, 10: 20000}  # issue 17: full recompute < 2 s at 1x and < 20 s at 10x


def median_ms(fn, repeat: int = REPEAT) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def page(client: Client, url: str) -> tuple[float, int]:
    client.get(url)
    times, queries = [], 0
    for _ in range(REPEAT):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(captured.captured_queries)
    return statistics.median(times) * 1000, queries


def edit(row_id: int, n: int) -> None:
    row = RenjaRow.objects.get(pk=row_id)
    renja_services.row_update(row=row, data={"rincian": f"{row.nama} (revisi {n})"}, by=None)


def full_recompute(year: FiscalYear) -> tuple[float, float, float]:
    """The queued task's full run: overlaps, then homes and duplicates (ms each), and this process's CPU time for
    both (ms; the database server's is not in it), which a machine shared with other work disturbs less."""
    cpu = time.process_time()
    start = time.perf_counter()
    services.sync_refresh(fiscal_year=year, full=True)
    middle = time.perf_counter()
    homes.homes_refresh(fiscal_year=year)
    end = time.perf_counter()
    return (middle - start) * 1000, (end - middle) * 1000, (time.process_time() - cpu) * 1000


def first_refresh_in_a_new_process(year: FiscalYear, row_id: int) -> float:
    """Edit one row, then time the refresh in a python started afresh on the same database (ms)."""
    edit(row_id, 10**6)
    env = dict(os.environ, BENCH_DATABASE_URL=os.environ["DATABASE_URL"])
    out = subprocess.run(
        [sys.executable, __file__, "--refresh-once", str(year.pk)], env=env, check=True, capture_output=True, text=True
    )
    return float(out.stdout.strip().splitlines()[-1])


def refresh_once(year_id: int) -> None:
    """In the new process: the year's refresh, as the worker's first task after it started (ms on stdout)."""
    year = FiscalYear.objects.get(pk=year_id)
    start = time.perf_counter()
    result = services.sync_refresh(fiscal_year=year)
    assert result.mode == "sebagian", result
    print((time.perf_counter() - start) * 1000)


def main() -> None:
    scales = [int(s) for s in os.environ.get("BENCH_SCALES", "1,10").split(",")]
    only_recompute = os.environ.get("BENCH_ONLY") == "hitung"
    call_command("migrate", verbosity=0)
    call_command("load_reference", stdout=open(os.devnull, "w"))
    planner, _ = User.objects.get_or_create(username="bench", defaults={"role": User.Role.PERENCANA})
    client = Client()
    client.force_login(planner)
    print(
        f"Database: {connection.vendor}; repeat {REPEAT} (full recompute: {FULL_REPEAT}, median); "
        f"rows/usulan per 1×: 2,500 / 6,000; ms"
    )
    print(
        f"{'skala':>5} {'baris':>7} {'usulan':>7} {'pasangan':>8} {'penuh: irisan':>13} {'+ rumah':>8} "
        f"{'= jumlah':>9} {'sasaran':>8} {'(CPU)':>8} {'satu ubahan':>11} {'proses baru':>11} {'+ rumah':>8} "
        f"{'hal. beririsan':>14} {'q':>3} {'hal. belum diambil':>18} {'q':>3}"
    )
    for scale in scales:
        year = FiscalYear.objects.create(year=2030 + scale)
        generate(year, scale, random.Random(scale))
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # as autovacuum would after a bulk load
        runs = [full_recompute(year) for _ in range(FULL_REPEAT)]
        overlaps_ms = statistics.median(r[0] for r in runs)
        homes_ms = statistics.median(r[1] for r in runs)
        total_ms = statistics.median(r[0] + r[1] for r in runs)
        cpu_ms = statistics.median(r[2] for r in runs)
        row_id = RenjaRow.objects.filter(fiscal_year=year).order_by("?").first().pk
        counter = iter(range(10**6))

        def one_edit():
            edit(row_id, next(counter))
            return services.sync_refresh(fiscal_year=year)

        def one_edit_task():
            one_edit()
            homes.homes_refresh(fiscal_year=year)

        edit_ms = median_ms(one_edit)
        task_ms = median_ms(one_edit_task, repeat=max(1, min(REPEAT, 3)))
        first_ms = first_refresh_in_a_new_process(year, row_id)
        services.sync_refresh(fiscal_year=year)  # this process's detector catches up with the new process's edit
        pairs = Overlap.objects.filter(fiscal_year=year).count()
        goal = GOAL_MS.get(scale)
        verdict = f"< {goal / 1000:g} s" if goal else ""
        line = (
            f"{scale:>4}× {2500 * scale:>7,} {6000 * scale:>7,} {pairs:>8,} {overlaps_ms:>13,.0f} {homes_ms:>8,.0f} "
            f"{total_ms:>9,.0f} {verdict:>8} {cpu_ms:>8,.0f} {edit_ms:>11,.0f} {first_ms:>11,.0f} {task_ms:>8,.0f}"
        )
        if not only_recompute:
            pair_ms, pair_q = page(client, f"/sinkronisasi/?tahun={year.year}")
            orphan_ms, orphan_q = page(client, f"/sinkronisasi/belum-diambil/?tahun={year.year}")
            line += f" {pair_ms:>14,.0f} {pair_q:>3} {orphan_ms:>18,.0f} {orphan_q:>3}"
        print(line, flush=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--refresh-once"]:
        refresh_once(int(sys.argv[2]))
    else:
        main()
