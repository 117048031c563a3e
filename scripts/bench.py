"""Benchmark of the Renja pages at Kukar's size and at 10×: median server time and query count per page.

Usage: make bench  (or: BENCH_SCALES=1,10 .venv/bin/python scripts/bench.py): pages at 3,000 Renja rows and 6,000
usulan (Kukar's size) and at 10x, with each page's own SQL time; imports; the berita acara PDF; the Renja exports
(CSV against its own SQL, XLSX time and peak memory; BENCH_ONLY=ekspor runs only these; BENCH_ONLY=berita_acara only
the berita acara).
The sync recompute is timed here on these rows too; scripts/bench_sync.py (also run by make bench) times it on
rows written like real ones, where overlaps are found.
Uses its own database: a temporary SQLite file, or BENCH_DATABASE_URL (a database it may fill, e.g. a scratch
PostgreSQL database). It never touches the development database.
"""

import csv
import os
import random
import re
import statistics
import time
from pathlib import Path

from benchsetup import ROOT, tmpdir  # first: sets Django up on the benchmark's own database
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from musrenbang.models import Usulan  # noqa: E402
from renja import services  # noqa: E402
from renja.models import FiscalYear, KelompokSasaran, Nomenklatur, Opd, RenjaRow, User, Wilayah  # noqa: E402

REPEAT = int(os.environ.get("BENCH_REPEAT", "7"))


def inflate(total: int) -> None:
    """Add generated rows (real codes, agencies, places, groups) until the year has `total` rows."""
    fy = FiscalYear.objects.get(year=2026)
    rng = random.Random(total)
    subs = list(Nomenklatur.objects.filter(level="sub_kegiatan", aktif=True).exclude(kode__startswith="X"))
    opds, places, groups = (
        list(Opd.objects.all()),
        list(Wilayah.objects.exclude(tingkat="kabupaten")),
        list(KelompokSasaran.objects.all()),
    )
    have = RenjaRow.objects.count()
    rows = []
    for i in range(have, total):
        sub = rng.choice(subs)
        row = RenjaRow(
            fiscal_year=fy,
            opd=rng.choice(opds),
            ref=f"BENCH-{i:06}",
            sub_kegiatan=sub,
            kode=sub.kode,
            nama=sub.nama,
            indikator=sub.indikator,
            satuan=sub.satuan,
            pagu=rng.randint(10**7, 10**10),
        )
        row.cari = row.search_text()
        rows.append(row)
    RenjaRow.objects.bulk_create(rows, batch_size=1000)
    lokasi, sasaran = RenjaRow.lokasi.through, RenjaRow.sasaran.through
    lokasi.objects.bulk_create(
        [lokasi(renjarow_id=r.pk, wilayah_id=p.pk) for r in rows for p in rng.sample(places, 2)], batch_size=2000
    )
    sasaran.objects.bulk_create(
        [sasaran(renjarow_id=r.pk, kelompoksasaran_id=g.pk) for r in rows for g in rng.sample(groups, 2)],
        batch_size=2000,
    )


def measure(client: Client, url: str) -> tuple[float, int, float]:
    """Median server time (ms), query count, and median time of the page's own SQL (ms)."""
    client.get(url)
    times, sql, queries = [], [], 0
    for _ in range(REPEAT):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(captured.captured_queries)
        sql.append(sum(float(q["time"]) for q in captured.captured_queries))
    return statistics.median(times) * 1000, queries, statistics.median(sql) * 1000


def import_file(rows: int, prefix: str = "IMPORT") -> Path:
    src = list(csv.DictReader((ROOT / "renja/fixtures/demo/renja_2026.csv").open(encoding="utf-8")))
    path = Path(tmpdir) / f"renja_{prefix}_{rows}.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(src[0]))
        writer.writeheader()
        rng = random.Random(rows)
        for i in range(rows):
            writer.writerow({**rng.choice(src), "ref": f"{prefix}-{i:06}"})
    return path


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("seed_demo", "--password", "bench-only-123", stdout=open(os.devnull, "w"))
    planner, officer = Client(), Client()
    planner.force_login(User.objects.get(username="perencana"))
    officer.force_login(User.objects.get(username="dinsos"))
    kec = Wilayah.objects.filter(tingkat="kecamatan").first().pk
    from forum.models import Forum

    forum = Forum.objects.get(tanggal="2025-03-12").pk
    pages = [
        (planner, "Beranda", "/"),
        (planner, "Daftar Renja", "/renja/"),
        (planner, "Renja: cari + urut pagu", "/renja/?q=anak&sort=-pagu"),
        (planner, "Renja: saring kecamatan", f"/renja/?kecamatan={kec}"),
        (planner, "Daftar usulan (Bappeda)", "/usulan/"),
        (officer, "Kotak masuk OPD", "/usulan/kotak-masuk/"),
        (planner, "Sinkronisasi: beririsan", "/sinkronisasi/"),
        (planner, "Sinkronisasi: belum diambil", "/sinkronisasi/belum-diambil/"),
        (planner, "Halaman forum", f"/forum/{forum}/"),
    ]  # the exports stream: bench_exports_at_this_size reads them to the end
    print(f"database: {connection.vendor}; median of {REPEAT} runs; 'SQL' = the page's own queries; ratio = page / SQL")
    print(f"{'halaman':30} {'baris':>7} {'usulan':>7} {'median ms':>10} {'SQL ms':>7} {'rasio':>6} {'kueri':>6}")
    export_peaks: dict[int, int] = {}
    for scale in [int(n) for n in os.environ.get("BENCH_SCALES", "1,10").split(",")]:
        inflate(3000 * scale)
        grow_usulan(6000 * scale)
        full_ms, edit_ms = bench_sync_recompute()
        detail = f"/renja/{RenjaRow.objects.order_by('pk').first().pk}/"
        n_usulan = Usulan.objects.count()
        for client, name, url in pages + [(planner, "Detail baris", detail)]:
            ms, queries, sql_ms = measure(client, url)
            ratio = f"{ms / sql_ms:.1f}" if sql_ms else "-"
            print(f"{name:30} {3000 * scale:>7} {n_usulan:>7} {ms:>10.0f} {sql_ms:>7.0f} {ratio:>6} {queries:>6}")
        print(f"{'Sinkronisasi: hitung penuh':30} {3000 * scale:>7} {n_usulan:>7} {full_ms:>10.0f}")
        print(f"{'Sinkronisasi: satu ubahan':30} {3000 * scale:>7} {n_usulan:>7} {edit_ms:>10.0f}")
        bench_exports_at_this_size(planner, export_peaks)
    export_memory_verdict(export_peaks)
    fy = FiscalYear.objects.get(year=2026)
    path = import_file(3000)
    for label in ("Impor 3.000 baris baru", "Impor ulang tanpa perubahan"):
        start = time.perf_counter()
        services.renja_import_file(content=path.read_bytes(), filename=path.name, fiscal_year=fy, by=None)
        print(f"{label:30} {3000:>7} {'':>7} {(time.perf_counter() - start) * 1000:>10.0f}")


def bench_sync_recompute() -> tuple[float, float]:
    """The sync findings' full recompute, then the median recompute after editing one row (ms)."""
    from sinkronisasi.services import sync_refresh

    year = FiscalYear.objects.get(year=2026)
    start = time.perf_counter()
    sync_refresh(fiscal_year=year, full=True)
    full = (time.perf_counter() - start) * 1000
    row = RenjaRow.objects.filter(fiscal_year=year).order_by("pk").last()
    times = []
    for i in range(REPEAT):
        services.row_update(row=RenjaRow.objects.get(pk=row.pk), data={"rincian": f"{row.nama} (revisi {i})"}, by=None)
        start = time.perf_counter()
        sync_refresh(fiscal_year=year)
        times.append(time.perf_counter() - start)
    return full, statistics.median(times) * 1000


def grow_usulan(total: int) -> None:
    """Import generated usulan (the demo file's rows with new ids) until the year has `total`."""
    from musrenbang.imports import usulan_import_file

    have = Usulan.objects.count()
    if have >= total:
        return
    path = usulan_file(total - have, start=have)
    usulan_import_file(
        content=path.read_bytes(),
        filename=path.name,
        fiscal_year=FiscalYear.objects.get(year=2026),
        by=User.objects.get(username="perencana"),
    )


def usulan_file(rows: int, start: int = 0, prefix: str = "GROW") -> Path:
    """The demo usulan file repeated with new ids (half routed, a fifth decided, as in the demo)."""
    src = list(csv.DictReader((ROOT / "musrenbang/fixtures/demo/usulan_2026.csv").open(encoding="utf-8")))
    path = Path(tmpdir) / f"usulan_{prefix}_{start}_{rows}.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(src[0]))
        writer.writeheader()
        for i in range(start, start + rows):
            writer.writerow({**src[i % len(src)], "id_usulan": f"{prefix}-{i:06}"})
    return path


def bench_usulan_import() -> None:
    from musrenbang.imports import usulan_import_file

    fy = FiscalYear.objects.get(year=2026)
    planner = User.objects.get(username="perencana")
    path = usulan_file(6000, prefix="BENCH")
    for label in ("Impor 6.000 usulan baru", "Impor ulang tanpa perubahan"):
        start = time.perf_counter()
        usulan_import_file(content=path.read_bytes(), filename=path.name, fiscal_year=fy, by=planner)
        print(f"{label:30} {'':>7} {6000:>7} {(time.perf_counter() - start) * 1000:>10.0f}")


def bench_berita_acara() -> None:
    """The demo forum's berita acara grown to 300 agreed rows (real demo rows repeated) and 80 attendees."""
    from forum import selectors as forum_selectors
    from forum.models import Forum
    from forum.pdf import render_berita_acara

    snap = forum_selectors.forum_snapshot(Forum.objects.get(tanggal="2025-03-12"), nomor="001/BA-FPD/BAPPEDA/III/2025")
    rows, people = snap["lampiran_ii"], snap["kehadiran"]
    grown = [dict(rows[i % len(rows)], ref=f"R-{i}") for i in range(300)]
    snap["lampiran_ii"] = sorted(grown, key=lambda r: (r["opd"], r["kode"]))  # the order forum_snapshot gives
    snap["kehadiran"] = [dict(people[i % len(people)], nama=f"Peserta {i + 1}") for i in range(80)]
    # Lampiran III and IV as a forum has them (a few dozen usulan), whatever the bench grew the year to.
    snap["lampiran_iii"], snap["lampiran_iv"] = snap["lampiran_iii"][:60], snap["lampiran_iv"][:20]
    render_berita_acara(snap, draft=True)  # warm-up: fonts and WeasyPrint import
    times = []
    for _ in range(3):
        start = time.perf_counter()
        pdf = render_berita_acara(
            snap, draft=False, fingerprint="0" * 64, verify_url="http://127.0.0.1:8000/verifikasi/" + "0" * 64 + "/"
        )
        times.append(time.perf_counter() - start)
    print(
        f"{'Berita acara 300 baris, 80 org':30} {300:>7} {'':>7} "
        f"{statistics.median(times) * 1000:>10.0f}   ({len(pdf) // 1024} KB; sasaran < 3.000 ms)"
    )


def bench_hostile_files() -> None:
    """Peak memory (tracemalloc: Python's allocations) and time of refusing a 1.5 MB decompression bomb and a
    1,000,000-row sheet, through the Renja and the usulan import (both files generated here, in memory)."""
    import io
    import tracemalloc
    import zipfile

    from musrenbang.imports import build_usulan_plan

    def xlsx(strings: list[bytes], rows: list[bytes]) -> bytes:
        ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
        rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
            archive.writestr(
                "[Content_Types].xml",
                (
                    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                    '<Default Extension="rels" '
                    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                    '<Default Extension="xml" ContentType="application/xml"/>'
                    '<Override PartName="/xl/workbook.xml" '
                    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                    '<Override PartName="/xl/sharedStrings.xml" '
                    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
                    "</Types>"
                ),
            )
            archive.writestr(
                "_rels/.rels",
                (
                    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                    f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/>'
                    "</Relationships>"
                ),
            )
            archive.writestr(
                "xl/workbook.xml",
                (
                    f'<workbook {ns} xmlns:r="{rel}">'
                    '<sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>'
                ),
            )
            archive.writestr(
                "xl/_rels/workbook.xml.rels",
                (
                    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                    f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
                    f'<Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/>'
                    "</Relationships>"
                ),
            )
            for name, head, chunks, tail in (
                ("xl/sharedStrings.xml", f"<sst {ns}>", strings, "</sst>"),
                ("xl/worksheets/sheet1.xml", f"<worksheet {ns}><sheetData>", rows, "</sheetData></worksheet>"),
            ):
                with archive.open(name, "w") as part:  # streamed: the generator holds one chunk at a time
                    part.write(head.encode())
                    for chunk in chunks:
                        part.write(chunk)
                    part.write(tail.encode())
        return buffer.getvalue()

    header = (
        b"<row>"
        + b"".join(
            b'<c t="inlineStr"><is><t>%s</t></is></c>' % c
            for c in (b"ref", b"id_usulan", b"opd", b"kode_sub_kegiatan", b"kode_desa", b"nama", b"usulan", b"pagu")
        )
        + b"</row>"
    )
    bomb = xlsx(
        (b"<si><t>", *(b"A" * (1 << 20) for _ in range(1500)), b"</t></si>"),
        [header, b'<row><c t="s"><v>0</v></c></row>'],
    )
    rows = xlsx(
        [],
        (
            header,
            *(
                b"".join(b"<row><c><v>%d</v></c></row>" % i for i in range(s, s + 10_000))
                for s in range(0, 1_000_000, 10_000)
            ),
        ),
    )
    fy, planner = FiscalYear.objects.get(year=2026), User.objects.get(username="perencana")

    def refuse(build, content: bytes) -> str:
        try:
            build(content=content, filename="x.xlsx", fiscal_year=fy, by=planner)
        except services.ImportRejected as exc:
            return exc.issues[0].message[:40]
        return "DITERIMA?!"

    mb = lambda size: f"{size / 2**20:.2f}".replace(".", ",")  # noqa: E731
    for label, content in (
        (f"Tolak bom XLSX {mb(len(bomb))} MB→1,5 GB", bomb),
        (f"Tolak 1.000.000 baris ({mb(len(rows))} MB)", rows),
    ):
        figures = []
        for name, build in (("Renja", services.build_plan), ("usulan", build_usulan_plan)):
            start = time.perf_counter()
            refuse(build, content)
            ms = (time.perf_counter() - start) * 1000
            tracemalloc.start()  # a second run for the memory: tracing slows the code down
            refused = refuse(build, content)
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            figures.append(f"{name} {ms:.0f} ms, puncak {mb(peak)} MB ({refused}…)")
        print(f"{label:30} " + " · ".join(figures))


def bench_pages_after_a_full_import() -> None:
    """An import at the Renja row limit, then the first view of each main page: the sync page queues the refresh
    for the worker instead of computing it (settings.SYNC_INLINE_MAX_ROWS), so every page answers at once."""
    from django.conf import settings
    from django_tasks_db.models import DBTaskResult

    planner = Client()
    planner.force_login(User.objects.get(username="perencana"))
    fy = FiscalYear.objects.get(year=2026)
    limit = settings.RENJA_IMPORT_MAX_ROWS
    path = import_file(limit, prefix="LIMIT")
    start = time.perf_counter()
    services.renja_import_file(content=path.read_bytes(), filename=path.name, fiscal_year=fy, by=None)
    print(f"{'Impor baris sebanyak batas':30} {limit:>7} {'':>7} {(time.perf_counter() - start) * 1000:>10.0f}")
    queued_before = DBTaskResult.objects.count()
    for name, url in (
        ("  lalu: sinkronisasi (pertama)", "/sinkronisasi/"),
        ("  lalu: belum diambil", "/sinkronisasi/belum-diambil/"),
        ("  lalu: beranda", "/"),
        ("  lalu: daftar Renja", "/renja/"),
        ("  lalu: daftar usulan", "/usulan/"),
    ):
        start = time.perf_counter()
        response = planner.get(url)
        assert response.status_code == 200, (url, response.status_code)
        print(f"{name:30} {RenjaRow.objects.count():>7} {'':>7} {(time.perf_counter() - start) * 1000:>10.0f}")
    print(f"  (perhitungan ulang diantrekan untuk pekerja: {DBTaskResult.objects.count() - queued_before})")


# ---------------------------------------------------------------------------------------------------------------
# Exports at the limits (issue 17, point 5): the Renja list's CSV against its own SQL, its XLSX in time and memory.

EXPORT_CSV_RATIO_GOAL = 3.0  # the CSV export of every row within 3x the time of its own SQL
EXPORT_XLSX_GOAL_S = 5.0  # the XLSX export of every row (30,000 at 10x) under 5 s
EXPORT_MEMORY_GOAL = 1.5  # constant memory: the peak at 10x at most 1.5x the peak at 1x


def _read_export(client: Client, url: str) -> tuple[float, int, list[str]]:
    """Seconds to answer and read a streamed export to its end, its size, and the SQL it ran."""
    with CaptureQueriesContext(connection) as captured:
        start = time.perf_counter()
        response = client.get(url)
        size = sum(len(piece) for piece in response.streaming_content)
        seconds = time.perf_counter() - start
    assert response.status_code == 200, (url, response.status_code)
    return seconds, size, [q["sql"] for q in captured.captured_queries]


def _sql_seconds(statements: list[str]) -> float:
    """The export's own SQL: its statements run again as they are, every row fetched (a client-side cursor)."""
    start = time.perf_counter()
    with connection.cursor() as cursor:
        for sql in statements:
            sql = re.sub(r'^DECLARE "[^"]+" NO SCROLL CURSOR (?:WITH(?:OUT)? HOLD )?FOR ', "", sql)  # its query
            if not sql.startswith("SELECT"):  # BEGIN, COMMIT, SET LOCAL: the transaction's, not the export's reads
                continue
            cursor.execute(sql)  # no parameters: a "%" in the text stays as it is
            if cursor.description:
                cursor.fetchall()
    return time.perf_counter() - start


def _xlsx_peak(client: Client, url: str) -> int:
    """Peak Python memory (bytes, tracemalloc) while the XLSX export is answered and read to its end."""
    import tracemalloc

    tracemalloc.start()
    try:
        response = client.get(url)
        for _piece in response.streaming_content:
            pass
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def bench_exports_at_this_size(planner: Client, peaks: dict[int, int]) -> None:
    """The CSV export of every Renja row against its own SQL (median of a few runs), the XLSX export's time and the
    peak memory it takes (kept in `peaks` by row count), each beside its goal."""
    repeat = max(1, min(REPEAT, 3))
    n = RenjaRow.objects.count()
    _read_export(planner, "/renja/?export=csv")  # warm: caches, the first connection
    runs = [_read_export(planner, "/renja/?export=csv") for _ in range(repeat)]
    export_s = statistics.median(r[0] for r in runs)
    sql_s = statistics.median(_sql_seconds(runs[0][2]) for _ in range(repeat))
    ratio = export_s / sql_s
    verdict = "ya" if ratio <= EXPORT_CSV_RATIO_GOAL else "TIDAK"
    print(
        f"{'Ekspor CSV (semua baris)':30} {n:>7} {'':>7} {export_s * 1000:>10.0f} {sql_s * 1000:>7.0f} {ratio:>6.1f} "
        f"{'':>6}  {runs[0][1] / 1e6:.1f} MB; sasaran rasio <= {EXPORT_CSV_RATIO_GOAL:g}: {verdict}"
    )
    xlsx_runs = [_read_export(planner, "/renja/?export=xlsx") for _ in range(repeat)]
    xlsx_s = statistics.median(r[0] for r in xlsx_runs)
    peaks[n] = _xlsx_peak(planner, "/renja/?export=xlsx")
    verdict = "ya" if xlsx_s < EXPORT_XLSX_GOAL_S else "TIDAK"
    print(
        f"{'Ekspor XLSX (semua baris)':30} {n:>7} {'':>7} {xlsx_s * 1000:>10.0f} {'':>7} {'':>6} {'':>6}  "
        f"{xlsx_runs[0][1] / 1e6:.1f} MB, memori puncak {peaks[n] / 1e6:.1f} MB; sasaran < {EXPORT_XLSX_GOAL_S:g} s: "
        f"{verdict}"
    )


def export_memory_verdict(peaks: dict[int, int]) -> None:
    """Constant memory: the XLSX export's peak at the largest size against the smallest."""
    if len(peaks) > 1:
        low, high = peaks[min(peaks)], peaks[max(peaks)]
        verdict = "ya" if high <= EXPORT_MEMORY_GOAL * low else "TIDAK"
        print(
            f"Ekspor XLSX memori puncak {max(peaks)} / {min(peaks)} baris: {high / low:.2f}x "
            f"(sasaran tetap, <= {EXPORT_MEMORY_GOAL:g}x): {verdict}"
        )


def bench_exports() -> None:
    """The exports alone (BENCH_ONLY=ekspor): the demo data grown to each scale."""
    planner = Client()
    planner.force_login(User.objects.get(username="perencana"))
    peaks: dict[int, int] = {}
    print(f"database: {connection.vendor}; median of {max(1, min(REPEAT, 3))} runs; 'SQL' = the export's own queries")
    print(f"{'ekspor':30} {'baris':>7} {'':>7} {'median ms':>10} {'SQL ms':>7} {'rasio':>6}")
    for scale in [int(n) for n in os.environ.get("BENCH_SCALES", "1,10").split(",")]:
        inflate(3000 * scale)
        bench_exports_at_this_size(planner, peaks)
    export_memory_verdict(peaks)


if __name__ == "__main__":
    if os.environ.get("BENCH_ONLY") == "ekspor":  # only the exports: the demo data grown to each scale
        call_command("migrate", verbosity=0)
        call_command("seed_demo", "--password", "bench-only-123", stdout=open(os.devnull, "w"))
        bench_exports()
        raise SystemExit
    if os.environ.get("BENCH_ONLY") == "berita_acara":  # only the 300-row berita acara, on the demo data
        call_command("migrate", verbosity=0)
        call_command("seed_demo", "--password", "bench-only-123", stdout=open(os.devnull, "w"))
        bench_berita_acara()
        raise SystemExit
    main()
    bench_usulan_import()
    bench_berita_acara()
    bench_hostile_files()
    bench_pages_after_a_full_import()
