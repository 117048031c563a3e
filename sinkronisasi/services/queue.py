"""Recomputes queued for the worker: enqueuing (never twice), giving up on a lost worker, running, and what the page
says of a waiting or running one.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.system_actor import acting_as_system
from renja.models import FiscalYear
from renja.services.revision import plan_changed

logger = logging.getLogger(__name__)

SYNC_TASK_PATH = "sinkronisasi.tasks.sync_recompute"


def _year_tasks(fiscal_year_id: int):
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path=SYNC_TASK_PATH, args_kwargs__kwargs__fiscal_year_id=fiscal_year_id)


def sync_recompute_enqueue(
    *, fiscal_years: list[FiscalYear], full: bool = False, attempt: int = 1, delay_s: int = 0
) -> int:
    """Queue a recompute of each year for the worker, unless one is already waiting (a waiting full recompute
    covers a partial one). Written in the caller's transaction: queued only if the change asking for it commits.
    Full recomputes take seconds at Kukar's size and most of a minute at 10x: no request waits for them, pages show
    the stored findings meanwhile, and a full one asked for counts as a change of the plan (its revision goes up), so
    that pages say the findings are being brought up to date until it has run. Returns how many were queued."""
    from ..tasks import sync_recompute

    queued = 0
    for year in fiscal_years:
        # One transaction per year: the plan-changed hook a full request triggers runs after it, and finds the
        # full recompute already waiting.
        with transaction.atomic():
            if full:
                plan_changed(year.pk)
            _give_up_stale(year.pk)
            waiting = _year_tasks(year.pk).filter(status="READY")
            if full:
                waiting = waiting.filter(args_kwargs__kwargs__full=True)
            if waiting.exists():
                continue
            job = sync_recompute
            if delay_s:
                job = job.using(run_after=timezone.now() + datetime.timedelta(seconds=delay_s))
            job.enqueue(fiscal_year_id=year.pk, full=full, attempt=attempt)
            queued += 1
    return queued


def plan_changed_hook(fiscal_year_id: int) -> None:
    """settings.PLAN_CHANGED_HOOKS: a write to the year's plan committed; queue its recompute for the worker (once:
    a recompute already waiting covers it). It runs settings.SYNC_RECOMPUTE_DELAY_S after the first write of a
    burst, so that the edits of those seconds share one recompute instead of one each. Findings of a locked year
    never change, so nothing is queued for one."""
    year = FiscalYear.objects.filter(pk=fiscal_year_id, is_locked=False).first()
    if year is not None:
        sync_recompute_enqueue(fiscal_years=[year], delay_s=settings.SYNC_RECOMPUTE_DELAY_S)


def _give_up_stale(fiscal_year_id: int) -> None:
    """A recompute marked running for longer than any takes lost its worker (killed, machine restarted): mark it
    failed, so that a new one is queued in its place."""
    stale = _year_tasks(fiscal_year_id).filter(
        status="RUNNING", started_at__lt=timezone.now() - datetime.timedelta(seconds=settings.SYNC_TASK_STALE_S)
    )
    given_up = stale.update(
        status="FAILED",
        finished_at=timezone.now(),
        exception_class_path="renja.WorkerLost",
        traceback=_("Pekerja berhenti sebelum perhitungan ulang selesai."),
    )
    if given_up:
        logger.warning(
            "Sinkronisasi: %s perhitungan ulang tahun id %s ditinggalkan pekerjanya; diantrekan lagi",
            given_up,
            fiscal_year_id,
        )


def sync_recompute_run(*, fiscal_year_id: int, full: bool, attempt: int) -> dict:
    """The queued recompute itself (sinkronisasi.tasks.sync_recompute). A failure is logged and queued again, after
    30 s, 60 s, … up to settings.SYNC_TASK_ATTEMPTS in all; past that, the next page view that finds the findings
    out of date queues it again."""
    from . import homes, refresh  # refresh queues recomputes: imported here, not at the top, to avoid a cycle

    year = FiscalYear.objects.filter(pk=fiscal_year_id).first()
    if year is None:
        return {"mode": "tahun_dihapus"}
    try:
        with acting_as_system("sync.recompute"):
            result = refresh.sync_refresh(fiscal_year=year, full=full)  # waits for a refresh running elsewhere
            homes.homes_refresh(fiscal_year=year)  # homes for orphan usulan, duplicate usulan (stored, not per view)
    except Exception:
        logger.exception("Perhitungan ulang sinkronisasi %s gagal (percobaan %s)", year.year, attempt)
        if attempt < settings.SYNC_TASK_ATTEMPTS:
            sync_recompute_enqueue(fiscal_years=[year], full=full, attempt=attempt + 1, delay_s=30 * attempt)
        raise
    logger.info(
        "Sinkronisasi %s dihitung ulang: %s, %s pasangan, %s ms",
        year.year,
        result.mode,
        result.pairs,
        result.duration_ms,
    )
    return {"mode": result.mode, "pairs": result.pairs, "changed_rows": result.changed_rows, "ms": result.duration_ms}


@dataclass
class TaskState:
    """What the page says of a year's queued recompute: running since, or waiting since."""

    running: bool
    since: datetime.datetime
    attempt: int
    full: bool


def sync_task_state(fiscal_year: FiscalYear) -> TaskState | None:
    """The year's recompute that is running, else the next one waiting; None when none is. One query."""
    tasks = list(
        _year_tasks(fiscal_year.pk)
        .filter(status__in=("RUNNING", "READY"))
        .order_by("run_after", "enqueued_at")
        .only("status", "args_kwargs", "started_at", "enqueued_at", "run_after")[:20]
    )
    task = next((t for t in tasks if t.status == "RUNNING"), None) or next(iter(tasks), None)
    if task is None:
        return None
    kwargs = task.args_kwargs.get("kwargs", {})
    running = task.status == "RUNNING"
    return TaskState(
        running=running,
        since=task.started_at if running else max(task.enqueued_at, task.run_after),
        attempt=int(kwargs.get("attempt", 1)),
        full=bool(kwargs.get("full")),
    )


def sync_recompute_request(*, fiscal_year: FiscalYear) -> TaskState | None:
    """A page found the year's findings behind its plan (SyncState.plan_revision below FiscalYear.revision): queue
    a recompute for the worker unless one is waiting, and say what is running or waiting. The request never
    computes; None when nothing is queued any more (an immediate task backend, as in tests, ran it at once)."""
    task = sync_task_state(fiscal_year)
    if (task is None or task.running) and sync_recompute_enqueue(fiscal_years=[fiscal_year]):
        task = sync_task_state(fiscal_year)
    return task
