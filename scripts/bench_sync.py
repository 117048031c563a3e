"""Benchmark of the sync view at Kukar's size and at 10×: full recompute, recompute after one edit, the two pages.

Usage: .venv/bin/python scripts/bench_sync.py   (BENCH_SCALES=1,10 by default; BENCH_DATABASE_URL for PostgreSQL)
Data (scripts/datagen.py): ~40 agencies, 2,500 Renja rows and 6,000 usulan per 1× (10× = 25,000 rows, 60,000 usulan),
written like real ones. Uses its own database, never the development one.
"""

from __future__ import annotations

import os
import random
import statistics
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

REPEAT = int(os.environ.get("BENCH_REPEAT", "5"))


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


def main() -> None:
    scales = [int(s) for s in os.environ.get("BENCH_SCALES", "1,10").split(",")]
    call_command("migrate", verbosity=0)
    call_command("load_reference", stdout=open(os.devnull, "w"))
    planner, _ = User.objects.get_or_create(username="bench", defaults={"role": User.Role.PERENCANA})
    client = Client()
    client.force_login(planner)
    print(f"Database: {connection.vendor}; repeat {REPEAT}; rows/usulan per 1×: 2,500 / 6,000")
    print(
        f"{'skala':>5} {'baris':>7} {'usulan':>7} {'pasangan':>8} {'hitung penuh':>13} {'satu ubahan':>12} "
        f"{'hal. beririsan':>15} {'q':>3} {'hal. belum diambil':>19} {'q':>3}"
    )
    for scale in scales:
        year = FiscalYear.objects.create(year=2030 + scale)
        generate(year, scale, random.Random(scale))
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # as autovacuum would after a bulk load
        full = median_ms(lambda: services.sync_refresh(fiscal_year=year, full=True), repeat=3 if scale == 1 else 1)
        row = RenjaRow.objects.filter(fiscal_year=year).order_by("?").first()
        counter = iter(range(10**6))

        def one_edit():
            renja_services.row_update(
                row=RenjaRow.objects.get(pk=row.pk), data={"rincian": f"{row.nama} (revisi {next(counter)})"}, by=None
            )
            return services.sync_refresh(fiscal_year=year)

        edit = median_ms(one_edit)
        pairs = Overlap.objects.filter(fiscal_year=year).count()
        pair_ms, pair_q = page(client, f"/sinkronisasi/?tahun={year.year}")
        orphan_ms, orphan_q = page(client, f"/sinkronisasi/belum-diambil/?tahun={year.year}")
        print(
            f"{scale:>4}× {2500 * scale:>7,} {6000 * scale:>7,} {pairs:>8,} {full:>10,.0f} ms {edit:>9,.0f} ms "
            f"{pair_ms:>12,.0f} ms {pair_q:>3} {orphan_ms:>16,.0f} ms {orphan_q:>3}"
        )


if __name__ == "__main__":
    main()
