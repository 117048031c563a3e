"""Work of the sync view that runs off the request, on the task queue (settings.TASKS), in the worker process
(`manage.py db_worker`): full recomputes after a synonym change or on request, and refreshes after large changes."""

from __future__ import annotations

from django_tasks import task


@task()
def sync_recompute(*, fiscal_year_id: int, full: bool = False, attempt: int = 1) -> dict:
    from . import services  # services queue this task: imported here, not at the top, to avoid a cycle

    return services.sync_recompute_run(fiscal_year_id=fiscal_year_id, full=full, attempt=attempt)
