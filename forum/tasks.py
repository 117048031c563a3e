"""Work of the forum app that runs off the request, on the task queue (settings.TASKS), in the worker process
(`manage.py db_worker`): rendering a finalised berita acara's PDF (seconds for a forum of a few hundred rows)."""

from __future__ import annotations

from django_tasks import task


@task()
def berita_acara_render(*, berita_acara_id: int, verify_url: str, attempt: int = 1) -> dict:
    from . import services  # services queue this task: imported here, not at the top, to avoid a cycle

    return services.berita_acara_render_pdf(berita_acara_id=berita_acara_id, verify_url=verify_url, attempt=attempt)
