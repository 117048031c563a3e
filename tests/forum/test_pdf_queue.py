"""A finalised berita acara's PDF is made by the worker off the request (seconds for a large forum): the forum is
final at once, the PDF link says it is being made until it is, signing waits for it, a failed rendering is tried
again, and one lost for good can be queued again by the facilitator."""

import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from forum import services
from forum.models import BeritaAcara

from ..conftest import run_worker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("task_queue")]


@pytest.fixture
def finalised(forum_ready, facilitator, verify_url):
    return services.forum_finalise(forum=forum_ready, by=facilitator, verify_url_for=verify_url)


def test_finalising_queues_the_pdf_and_the_worker_makes_it(client, finalised, forum_ready, facilitator):
    assert not finalised.pdf and finalised.sha256  # final, numbered and fingerprinted at once; no PDF yet
    [task] = DBTaskResult.objects.filter(task_path="forum.tasks.berita_acara_render")
    assert task.args_kwargs["kwargs"]["berita_acara_id"] == finalised.pk
    client.force_login(facilitator)
    pending = client.get(reverse("forum:forum-pdf", args=[forum_ready.pk]))
    assert pending.status_code == 202 and pending["Refresh"] == "5" and "no-store" in pending["Cache-Control"]
    assert "menunggu giliran dibuat sejak" in pending.content.decode()
    page = client.get(reverse("forum:forum-detail", args=[forum_ready.pk])).content.decode()
    assert "PDF berita acara menunggu giliran" in page and "Catat ditandatangani" not in page
    with pytest.raises(ValidationError, match="PDF berita acara masih dibuat"):
        services.forum_sign(forum=forum_ready, by=facilitator)
    run_worker()
    ba = BeritaAcara.objects.get(pk=finalised.pk)
    pdf = ba.pdf.read()
    assert pdf.startswith(b"%PDF") and ba.pdf_sha256 == hashlib.sha256(pdf).hexdigest()
    response = client.get(reverse("forum:forum-pdf", args=[forum_ready.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    services.forum_sign(forum=forum_ready, by=facilitator)


def test_a_second_rendering_changes_nothing(finalised, verify_url):
    run_worker()
    stored = BeritaAcara.objects.get(pk=finalised.pk)
    result = services.berita_acara_render_pdf(berita_acara_id=finalised.pk, verify_url=verify_url(finalised.sha256))
    assert result == {"dibuat": False}
    again = BeritaAcara.objects.get(pk=finalised.pk)
    assert (again.pdf.name, again.pdf_sha256) == (stored.pdf.name, stored.pdf_sha256)


def test_a_failed_rendering_is_tried_again_then_queued_by_hand(
    client, finalised, forum_ready, facilitator, monkeypatch, settings
):
    from forum import pdf as forum_pdf

    settings.SYNC_TASK_ATTEMPTS = 2
    real = forum_pdf.render_berita_acara
    monkeypatch.setattr(forum_pdf, "render_berita_acara", lambda *a, **kw: 1 / 0)
    for _ in range(2):
        DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
        run_worker()
    assert (
        DBTaskResult.objects.filter(status="FAILED").count() == 2
        and not DBTaskResult.objects.filter(status="READY").exists()
    )
    client.force_login(facilitator)
    page = client.get(reverse("forum:forum-detail", args=[forum_ready.pk])).content.decode()
    assert "tidak sedang diantrekan" in page and "Buat PDF lagi" in page
    monkeypatch.setattr(forum_pdf, "render_berita_acara", real)
    assert client.post(reverse("forum:forum-pdf-again", args=[forum_ready.pk])).status_code == 302
    assert client.post(reverse("forum:forum-pdf-again", args=[forum_ready.pk])).status_code == 302  # once is enough
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    run_worker()
    assert BeritaAcara.objects.get(pk=finalised.pk).pdf


def test_only_the_forums_facilitators_queue_a_pdf_again(client, finalised, forum_ready, opd_a_editor):
    client.force_login(opd_a_editor)
    assert client.post(reverse("forum:forum-pdf-again", args=[forum_ready.pk])).status_code in (403, 404)
    assert client.get(reverse("forum:forum-pdf-again", args=[forum_ready.pk])).status_code == 405
