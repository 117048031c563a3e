"""Bounded load test: 50 simulated users of all roles against gunicorn on 127.0.0.1, then a lost-write check.

Usage: make load  (LOAD_USERS=50 LOAD_SECONDS=60 LOAD_THINK_S=1,3 LOAD_SCALE=1
                   LOAD_DATABASE_URL=postgres://postgres@127.0.0.1:5432/renja_load)
Users log in spread over the first LOAD_RAMP_S seconds (10). Each user pauses between pages for a random time in
LOAD_THINK_S (seconds, "min,max"; people read the page they asked for); LOAD_THINK_S=0,0 sends each request the moment
the last one is answered (a saturation test). No request is sent after the run's end.
Reads: each role's usual pages. Writes, once per round of pages: officers edit their Renja row and reject an usulan
routed to their agency (with a reason), planners route a new usulan to an agency, facilitators add a participant to
the draft forum's attendance; none writes the same object as another user.
It rebuilds its own database on every run (dropped and created: its name must contain "load"): the demo data plus
generated data at Kukar's size (LOAD_SCALE=1: 2,500 more Renja rows, 6,000 usulan; 0 = demo only), serves the app
with gunicorn on 127.0.0.1 only, stops by itself, and prints requests per second, p50/p95/p99 latency, errors, and
whether every acknowledged write is stored. The task worker (`manage.py db_worker`) runs beside gunicorn, as
deployed, doing the sync recomputes the edits queue (LOAD_TASK_WORKER=0: without it).
"""

from __future__ import annotations

import concurrent.futures
import http.cookiejar
import multiprocessing
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
by_path: dict[str, list[float]] = {}  # latency per page, to see which pages make the tail
ACCESS_LOG = Path(os.environ.get("TMPDIR", "/tmp")) / f"renja-load-access-{os.getpid()}.log"
by_second: list[tuple[float, float, str]] = []  # (when answered, latency, path), to see when the tail happens
sys.path.insert(0, str(ROOT))
DB_URL = os.environ.get("LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/renja_load")
USERS = int(os.environ.get("LOAD_USERS", "50"))
SECONDS = int(os.environ.get("LOAD_SECONDS", "60"))
THINK = tuple(float(x) for x in os.environ.get("LOAD_THINK_S", "1,3").split(","))
RAMP = float(os.environ.get("LOAD_RAMP_S", "10"))
PROCESSES = int(os.environ.get("LOAD_PROCESSES", "5"))  # the users are spread over this many generator processes
SCALE = int(os.environ.get("LOAD_SCALE", "1"))  # generated data on top of the demo: 1 = Kukar's size, 0 = demo only
PORT = int(os.environ.get("LOAD_PORT", "8765"))
BASE = f"http://127.0.0.1:{PORT}"
PASSWORD = "muat-uji-2026"
ENV = {
    **os.environ,
    "DATABASE_URL": DB_URL,
    "DJANGO_SETTINGS_MODULE": "renja.settings",
    "DEBUG": "false",
    "SECRET_KEY": "load-test-only-" + "x" * 40,
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "false",
    "SECURE_COOKIES": "false",
    "SECURE_HSTS_SECONDS": "0",
    "LOGIN_FAILURE_LIMIT": "1000",
}
os.environ.update(ENV)


def prepare() -> list[tuple[str, str, int | None, list[int]]]:
    """Database with demo and generated data and USERS people: (username, role, the Renja row id an officer edits,
    the ids of what the person writes)."""
    import psycopg

    name = urllib.parse.urlparse(DB_URL).path.lstrip("/")
    if "load" not in name:
        sys.exit(
            f"LOAD_DATABASE_URL names {name!r}: the load test drops and rebuilds its database, "
            "so its name must contain 'load'."
        )
    admin_url = DB_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url.replace("postgres://", "postgresql://"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # every run starts from the same data
        conn.execute(f'CREATE DATABASE "{name}"')
    import django

    django.setup()
    from django.core.management import call_command

    from renja.models import RenjaRow, User

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)  # where the log-in throttle counts, when CACHES is the database
    call_command("collectstatic", "--noinput", verbosity=0)  # production settings serve hashed static files
    call_command("seed_demo", "--password", PASSWORD, stdout=open(os.devnull, "w"))
    if SCALE:
        # Kukar's size on top of the demo: ~2,500 more Renja rows and 6,000 usulan in the demo year, written like real
        # ones (scripts/datagen.py), and the sync view's findings computed, as they are once the year is under way.
        from datagen import generate
        from django.db import connection

        from renja.models import FiscalYear
        from sinkronisasi import services as sync_services

        year = FiscalYear.objects.get(year=2026)
        generate(year, SCALE, random.Random(SCALE))
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        sync_services.sync_refresh(fiscal_year=year, full=True)
    from forum.models import Forum
    from musrenbang.models import Usulan

    rows = list(
        RenjaRow.objects.filter(fiscal_year__year=2026, status__in=["draft", "diajukan"])
        .select_related("opd")
        .order_by("pk")
    )
    # What each writer may change, never the same object twice: officers decide usulan routed to their agency,
    # planners route new usulan, facilitators add walk-in participants to the draft forum.
    new_usulan = list(
        Usulan.objects.filter(fiscal_year__year=2026, status="baru").order_by("pk").values_list("pk", flat=True)
    )
    routed: dict[int, list[int]] = {}
    for pk, opd_id in (
        Usulan.objects.filter(fiscal_year__year=2026, status="diteruskan")
        .order_by("pk")
        .values_list("pk", "opd_tujuan_id")
    ):
        routed.setdefault(opd_id, []).append(pk)
    forum = Forum.objects.filter(status=Forum.Status.DRAFT).order_by("pk").first()
    people = []
    for i in range(USERS):
        kind = ("petugas_opd", "perencana", "fasilitator", "pembaca_opd")[i % 4]
        row = rows[i % len(rows)] if kind == "petugas_opd" else None
        opd = row.opd if row else (rows[0].opd if kind == "pembaca_opd" else None)
        user, _ = User.objects.get_or_create(username=f"muat{i:02d}", defaults={"role": kind, "opd": opd})
        user.role, user.opd = kind, opd
        user.set_password(PASSWORD)
        user.save()
        if kind == "petugas_opd":  # two officers may share an agency: each takes its own usulan
            tasks = routed.get(opd.pk, [])[:30]
            routed[opd.pk] = routed.get(opd.pk, [])[30:]
        elif kind == "perencana":
            tasks, new_usulan = new_usulan[:30], new_usulan[30:]
        elif kind == "fasilitator" and forum is not None:
            tasks = [forum.pk]
        else:
            tasks = []
        people.append((user.username, kind, row.pk if row else None, tasks))
    return people


class Session:
    def __init__(self) -> None:
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect())

    def csrf(self) -> str:
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def request(self, path: str, data: dict | list | None = None) -> tuple[int, str]:
        if isinstance(data, dict):
            data = list(data.items())
        body = (
            urllib.parse.urlencode([*(data or []), ("csrfmiddlewaretoken", self.csrf())]).encode()
            if data is not None
            else None
        )
        req = urllib.request.Request(BASE + path, data=body, headers={"Referer": BASE + path})
        try:
            with self.opener.open(req, timeout=30) as resp:
                return resp.status, resp.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8", "replace")


class FormFields(HTMLParser):
    """The values a browser would submit for the page's main form: inputs, checked boxes, selected options,
    textareas."""

    def __init__(self) -> None:
        super().__init__()
        self.pairs: list[tuple[str, str]] = []
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and "disabled" not in a:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.pairs.append((name, a.get("value", "on")))
            elif kind not in ("submit", "file"):
                self.pairs.append((name, a.get("value", "")))
        elif tag == "select":
            self.select = None if "disabled" in a else name
        elif tag == "option" and self.select and "selected" in a:
            self.pairs.append((self.select, a.get("value", "")))
        elif tag == "textarea" and name:
            self.textarea = name
            self.pairs.append((name, ""))

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            name, value = self.pairs[-1]
            self.pairs[-1] = (name, value + data)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def user_loop(
    username: str,
    role: str,
    row_id: int | None,
    tasks: list[int],
    stop: float,
    timings: list,
    errors: list,
    writes: dict,
) -> None:
    time.sleep(random.Random(f"ramp {username}").uniform(0, RAMP))
    s = Session()
    s.request("/akun/masuk/")
    status, _ = s.request("/akun/masuk/", {"username": username, "password": PASSWORD})
    if status != 302:
        errors.append(("login", username, status))
        return
    reads = {
        "perencana": ["/", "/renja/", "/usulan/", "/sinkronisasi/", "/renja/?q=anak", "/sinkronisasi/belum-diambil/"],
        "fasilitator": ["/forum/", "/usulan/", "/sinkronisasi/", "/"],
        "pembaca_opd": ["/", "/renja/", "/usulan/kotak-masuk/", "/sinkronisasi/"],
        "petugas_opd": ["/usulan/kotak-masuk/", "/renja/", "/sinkronisasi/"],
    }[role]
    rng = random.Random(username)
    n = 0

    def think() -> bool:
        """Pause as a reader would; False once the run is over. (Cutting the last pause short and going on would
        send every user's remaining pages at the same instant: a burst no real load has, measured as the tail.)"""
        if THINK[1] > 0:
            time.sleep(min(rng.uniform(*THINK), max(0.0, stop - time.monotonic())))
        return time.monotonic() < stop

    while time.monotonic() < stop:
        for path in reads:
            if not think():
                return
            start = time.perf_counter()
            status, _ = s.request(path)
            timings.append(time.perf_counter() - start)
            by_path.setdefault(path.split("?")[0], []).append(timings[-1])
            by_second.append((time.monotonic(), timings[-1], path))
            if status != 200:
                errors.append((path, username, status))
        if row_id is not None:
            n += 1
            if not think():
                return
            start = time.perf_counter()
            status, html = s.request(f"/renja/{row_id}/ubah/")
            form = FormFields()
            form.feed(html[html.index('<form method="post" novalidate') :])
            value = f"muat {username} #{n}"
            pairs = [
                (k, value if k == "keterangan" else v)
                for k, v in form.pairs
                if k not in ("csrfmiddlewaretoken", "language", "next")
            ]
            status, _ = s.request(f"/renja/{row_id}/ubah/", pairs)
            timings.append(time.perf_counter() - start)
            by_path.setdefault("/renja/<id>/ubah/ (GET+POST)", []).append(timings[-1])
            by_second.append((time.monotonic(), timings[-1], path))
            if status == 302:
                writes[("renja", row_id)] = value
            else:
                errors.append(("edit", username, status))
        if tasks and role in WRITES:
            n += 1
            if not think():
                return
            label, path, data, key = WRITES[role](username, n, tasks)
            start = time.perf_counter()
            status, _ = s.request(path, data)
            timings.append(time.perf_counter() - start)
            by_path.setdefault(label, []).append(timings[-1])
            by_second.append((time.monotonic(), timings[-1], path))
            if status == 302:
                writes[key] = data
            else:
                errors.append((label, username, status))


def _route(username: str, n: int, tasks: list[int]):
    pk = tasks.pop()
    return "/usulan/<id>/teruskan/ (POST)", f"/usulan/{pk}/teruskan/", {"opd": str(ROUTE_TO)}, ("route", pk)


def _decide(username: str, n: int, tasks: list[int]):
    pk = tasks.pop()
    return (
        "/usulan/<id>/putuskan/ (POST)",
        f"/usulan/{pk}/putuskan/",
        {"keputusan": "ditolak", "level": "opd", "alasan": f"muat {username} #{n}: bukan kewenangan"},
        ("decide", pk),
    )


def _attend(username: str, n: int, tasks: list[int]):
    forum_id = tasks[0]
    data = {"nama": f"Peserta {username} #{n}", "unsur": "Uji beban", "jabatan": "", "kontak": "", "checked_in": "on"}
    return "/forum/<id>/hadir/ (POST)", f"/forum/{forum_id}/hadir/", data, ("attend", forum_id, data["nama"])


# Each role's usual write, once per round of its pages (officers also edit their Renja row, above).
WRITES = {"perencana": _route, "petugas_opd": _decide, "fasilitator": _attend}
ROUTE_TO = 0  # the agency planners route to; set by main() once the database is ready


def run_group(people: list, stop: float) -> dict:
    """One process's share of the users, as threads; returns what they measured."""
    by_path.clear()
    by_second.clear()
    timings: list[float] = []
    errors: list = []
    writes: dict[tuple, object] = {}
    threads = [
        threading.Thread(target=user_loop, args=(u, r, row, tasks, stop, timings, errors, writes))
        for u, r, row, tasks in people
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=SECONDS + 60)
    return {
        "timings": timings,
        "errors": errors,
        "writes": writes,
        "by_path": dict(by_path),
        "by_second": list(by_second),
    }


def lost_writes(writes: dict[tuple, object]) -> list[tuple]:
    """Every acknowledged write that is not in the database afterwards."""
    from forum.models import Attendance
    from musrenbang.models import Decision, Usulan
    from renja.models import RenjaRow

    def keys(kind: str) -> list[tuple]:
        return [key for key in writes if key[0] == kind]

    rows = dict(RenjaRow.objects.filter(pk__in=[k[1] for k in keys("renja")]).values_list("pk", "keterangan"))
    routed = dict(Usulan.objects.filter(pk__in=[k[1] for k in keys("route")]).values_list("pk", "opd_tujuan_id"))
    decided = set(
        Decision.objects.filter(usulan_id__in=[k[1] for k in keys("decide")], kind="ditolak").values_list(
            "usulan_id", "alasan"
        )
    )
    present = set(
        Attendance.objects.filter(forum_id__in=[k[1] for k in keys("attend")]).values_list("forum_id", "nama")
    )
    lost = [k for k in keys("renja") if rows.get(k[1]) != writes[k]]
    lost += [k for k in keys("route") if routed.get(k[1]) != int(writes[k]["opd"])]
    lost += [k for k in keys("decide") if (k[1], writes[k]["alasan"]) not in decided]
    lost += [k for k in keys("attend") if (k[1], k[2]) not in present]
    return lost


def main() -> None:
    global ROUTE_TO
    people = prepare()
    from renja.models import Opd

    ROUTE_TO = Opd.objects.filter(aktif=True).order_by("pk").values_list("pk", flat=True).first()
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "renja.wsgi",
            "-b",
            f"127.0.0.1:{PORT}",
            "-w",
            os.environ.get("LOAD_WORKERS", "6"),  # as docs/DEPLOY.md runs it on 2 cores: 6 sync workers
            "--threads",
            os.environ.get("LOAD_THREADS", "1"),
            "--access-logfile",
            str(ACCESS_LOG),
            "--access-logformat",
            "%(D)s %(U)s",
            "--error-logfile",
            "-",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=ENV,
    )
    # The task worker runs beside gunicorn on the same cores, as deployed (docs/DEPLOY.md): every committed edit
    # queues the sync recompute it does (LOAD_TASK_WORKER=0 leaves it out, to see what it costs).
    worker = None
    if os.environ.get("LOAD_TASK_WORKER", "1") != "0":
        worker = subprocess.Popen(
            [str(ROOT / ".venv/bin/python"), "manage.py", "db_worker", "--no-reload", "--no-startup-delay"],
            cwd=ROOT,
            env=ENV,
            stdout=subprocess.DEVNULL,
            # As the systemd unit runs it (Nice=10): recomputes take the CPU the pages leave.
            preexec_fn=lambda: os.nice(int(os.environ.get("LOAD_TASK_WORKER_NICE", "10"))),
        )
    try:
        for _ in range(60):
            try:
                urllib.request.urlopen(BASE + "/akun/masuk/", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        timings: list[float] = []
        errors: list = []
        writes: dict[tuple, object] = {}
        started = time.monotonic()
        stop = started + SECONDS
        # Users run as threads in several processes: one process's lock on Python code would otherwise make the
        # generator's own waiting part of every measured latency.
        groups = [people[i::PROCESSES] for i in range(PROCESSES)]
        with concurrent.futures.ProcessPoolExecutor(
            max_workers=PROCESSES, mp_context=multiprocessing.get_context("fork")
        ) as pool:
            for result in pool.map(run_group, groups, [stop] * PROCESSES):
                timings += result["timings"]
                errors += result["errors"]
                writes.update(result["writes"])
                by_second.extend(result["by_second"])
                for path, values in result["by_path"].items():
                    by_path.setdefault(path, []).extend(values)
        elapsed = time.monotonic() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=150)  # SIGTERM lets a running recompute finish
    lost = lost_writes(writes)
    kinds = {kind: sum(1 for key in writes if key[0] == kind) for kind in ("renja", "route", "decide", "attend")}
    q = statistics.quantiles(timings, n=100) if len(timings) > 2 else [0] * 99
    print(
        f"{USERS} users, {elapsed:.0f} s, think time {THINK[0]:g}-{THINK[1]:g} s, {len(timings)} requests, "
        f"{len(timings) / elapsed:.1f} req/s"
    )
    print(
        f"p50 {q[49] * 1000:.0f} ms · p95 {q[94] * 1000:.0f} ms · p99 {q[98] * 1000:.0f} ms · errors {len(errors)}"
        f" · acknowledged writes {len(writes)}, lost {len(lost)}"
    )
    print(
        "  writes: {renja} Renja rows edited (last value each), {route} usulan routed, {decide} usulan decided, "
        "{attend} forum participants added".format(**kinds)
    )
    logged = [(int(line.split()[0]), line.split()[1]) for line in ACCESS_LOG.read_text().splitlines() if line.strip()]
    served = [us / 1e6 for us, _path in logged]
    slowest = sorted((us, path) for us, path in logged if path != "/akun/masuk/")[-8:]
    print(
        "  slowest on the server (log-ins aside):",
        ", ".join(f"{path} {us // 1000} ms" for us, path in reversed(slowest)),
    )
    server_by_path: dict[str, list[float]] = {}
    for us, path in logged:
        server_by_path.setdefault(re.sub(r"/\d+/", "/<id>/", path), []).append(us / 1000)
    ACCESS_LOG.unlink(missing_ok=True)
    if (
        len(served) > 2
    ):  # time inside gunicorn alone: what the client's figure adds is queueing and the generator itself
        sq = statistics.quantiles(served, n=100)
        print(
            f"  server time (gunicorn, {len(served)} requests incl. log-ins): p50 {sq[49] * 1000:.0f} ms · "
            f"p95 {sq[94] * 1000:.0f} ms · p99 {sq[98] * 1000:.0f} ms"
        )
    for lo, hi in ((0, RAMP + 5), (RAMP + 5, SECONDS + 60)):
        part = [lat for when, lat, *_ in by_second if lo <= when - started < hi]
        if len(part) > 2:
            pq = statistics.quantiles(part, n=100)
            print(
                f"  seconds {lo:>3.0f}-{min(hi, elapsed):<4.0f} {len(part):>5} req · "
                f"p50 {pq[49] * 1000:>5.0f} ms · p95 {pq[94] * 1000:>5.0f} ms"
            )
    print("  per page, as the users saw it (and inside gunicorn):")
    for path, values in sorted(by_path.items()):
        pq = statistics.quantiles(values, n=100) if len(values) > 2 else [max(values)] * 99
        inside = server_by_path.get(path.split(" ")[0], [])
        sq = statistics.quantiles(inside, n=100) if len(inside) > 2 else None
        print(
            f"  {path:<32} {len(values):>5} req · p50 {pq[49] * 1000:>5.0f} ms · p95 {pq[94] * 1000:>5.0f} ms"
            + (f"   (server p50 {sq[49]:>4.0f} · p95 {sq[94]:>4.0f} ms)" if sq else "")
        )
    for error in errors[:10]:
        print("  error:", error)
    sys.exit(1 if errors or lost else 0)


if __name__ == "__main__":
    main()
