"""Full recomputes (a synonym changed, or asked for) and refreshes after large changes run on the task queue, in the
worker (`manage.py db_worker`): no request waits for them, a failed or abandoned one is tried again, the page says
what is running."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core.system_actor import current_system_source
from renja import services as renja_services
from renja.models import RenjaRow
from renja.services.revision import plan_changed_everywhere
from sinkronisasi import services
from sinkronisasi.models import Overlap, RowFeatures, SyncState, SynonymGroup

from ..conftest import run_worker
from ..factories import make_row

# The worker reads the queue as another process would: committed.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("task_queue")]


def queued(status: str = "READY") -> list[dict]:
    return [
        t.args_kwargs["kwargs"] for t in DBTaskResult.objects.filter(task_path=services.SYNC_TASK_PATH, status=status)
    ]


@pytest.fixture
def elderly_school(year, opd_b, opd_c, places, groups, codes):
    """Two names of one programme that only a synonym joins; the year's findings computed once (none)."""
    for opd, ref, code, nama in (
        (opd_b, "A", "dp3a", "Sekolah Lansia"),
        (opd_c, "B", "dp2kb", "Universitas Usia Ketiga"),
    ):
        make_row(
            opd=opd,
            fiscal_year=year,
            ref=ref,
            sub_kegiatan=codes[code],
            lokasi=[places["desa1"]],
            sasaran=[groups["lansia"]],
            nama=nama,
            keterangan="",
        )
    services.sync_refresh(fiscal_year=year)
    assert not Overlap.objects.exists()
    return SyncState.objects.get(fiscal_year=year)


def test_a_new_synonym_queues_a_full_recompute_that_the_worker_runs(client, planner, elderly_school, year):
    client.force_login(planner)
    response = client.post(
        reverse("sinkronisasi:synonym-list"),
        {"nama": "sekolah lansia", "frasa": "sekolah lansia, universitas usia ketiga", "aktif": "on"},
    )
    assert response.status_code == 302
    assert queued() == [{"fiscal_year_id": year.pk, "full": True, "attempt": 1}]
    assert not Overlap.objects.exists()  # the request did not recompute
    page = client.get(reverse("sinkronisasi:overlap-list")).content.decode()
    assert "menunggu giliran sejak" in page
    run_worker()
    state = SyncState.objects.get(pk=elderly_school.pk)
    assert state.mode == "penuh" and state.full_at > elderly_school.full_at
    assert Overlap.objects.count() == 1
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    page = client.get(reverse("sinkronisasi:overlap-list")).content.decode()
    text = re.sub(r"<[^>]+>", "", page)  # the matched words are marked in the rows' names
    assert "sedang dihitung ulang" not in text and "menunggu giliran" not in text and "Sekolah Lansia" in text


def test_page_views_after_a_synonym_change_queue_one_recompute_and_show_the_stored_findings(
    client, planner, elderly_school
):
    SynonymGroup.objects.create(
        nama="sekolah lansia", frasa="sekolah lansia, universitas usia ketiga"
    )  # not via the service (which queues the recompute itself): the pages learn of it from the plan's revision
    plan_changed_everywhere()
    client.force_login(planner)
    for _ in range(3):
        page = client.get(reverse("sinkronisasi:overlap-list")).content.decode()
        assert "menunggu giliran sejak" in page  # the page did not wait for the full recompute
    assert len(queued()) == 1, "never two waiting for one year"
    run_worker()
    assert Overlap.objects.count() == 1


def test_the_full_recompute_button_queues_it(client, planner, elderly_school, year):
    client.force_login(planner)
    response = client.post(reverse("sinkronisasi:recompute"), {"tahun": 2026}, follow=True)
    assert "berjalan di latar belakang" in response.content.decode()
    assert queued() == [{"fiscal_year_id": year.pk, "full": True, "attempt": 1}]
    run_worker()
    state = SyncState.objects.get(pk=elderly_school.pk)
    assert state.mode == "penuh" and state.full_at > elderly_school.full_at


def test_a_failed_recompute_is_logged_and_queued_again_later(
    client, planner, elderly_school, year, monkeypatch, caplog
):
    real = services.sync_refresh

    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services.refresh, "sync_refresh", broken)
    services.sync_recompute_enqueue(fiscal_years=[year], full=True)
    run_worker()
    assert "gagal" in caplog.text and not Overlap.objects.exists()
    assert DBTaskResult.objects.filter(status="FAILED").count() == 1
    [retry] = DBTaskResult.objects.filter(status="READY")
    assert retry.args_kwargs["kwargs"]["attempt"] == 2
    assert retry.run_after >= timezone.now() + datetime.timedelta(seconds=20)  # not at once
    monkeypatch.setattr(services.refresh, "sync_refresh", real)
    SynonymGroup.objects.create(nama="sekolah lansia", frasa="sekolah lansia, universitas usia ketiga")
    client.force_login(planner)
    assert "Percobaan ke-2" in client.get(reverse("sinkronisasi:overlap-list")).content.decode()
    assert len(queued()) == 1  # the page found the retry waiting and queued no other
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())  # as if 30 s had passed
    run_worker()
    assert Overlap.objects.count() == 1


def test_failures_stop_after_the_set_number_of_attempts(elderly_school, year, monkeypatch, settings):
    settings.SYNC_TASK_ATTEMPTS = 2
    monkeypatch.setattr(services.refresh, "sync_refresh", lambda **kwargs: 1 / 0)
    services.sync_recompute_enqueue(fiscal_years=[year], full=True)
    for _ in range(3):
        DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
        run_worker()
    assert DBTaskResult.objects.filter(status="FAILED").count() == 2 and not queued()


def test_a_recompute_whose_worker_died_is_given_up_and_queued_again(client, planner, elderly_school, year, settings):
    services.sync_recompute_enqueue(fiscal_years=[year], full=True)
    running = DBTaskResult.objects.get()
    DBTaskResult.objects.filter(pk=running.pk).update(
        status="RUNNING", started_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    client.force_login(planner)
    page = client.get(reverse("sinkronisasi:overlap-list")).content.decode()
    started = timezone.localtime(timezone.now() - datetime.timedelta(minutes=5)).strftime("%H.%M")
    assert f"Temuan sedang dihitung ulang, mulai {started} WITA" in page
    assert services.sync_recompute_enqueue(fiscal_years=[year], full=True) == 1  # running is no reason not to queue
    DBTaskResult.objects.filter(status="READY").delete()
    settings.SYNC_TASK_STALE_S = 60  # it has now been running far longer than any recompute takes: killed
    assert services.sync_recompute_enqueue(fiscal_years=[year], full=True) == 1
    assert DBTaskResult.objects.get(pk=running.pk).status == "FAILED"
    run_worker()
    assert SyncState.objects.get(pk=elderly_school.pk).full_at > elderly_school.full_at


def test_a_page_view_after_a_large_change_queues_the_refresh_instead_of_waiting(
    client, planner, elderly_school, year, settings
):
    settings.SYNC_INLINE_MAX_ROWS = 1
    for row in RenjaRow.objects.all():
        renja_services.row_update(row=row, data={"keterangan": "diubah lewat impor"}, by=None)
    client.force_login(planner)
    page = client.get(reverse("sinkronisasi:overlap-list")).content.decode()
    assert "menunggu giliran sejak" in page
    assert queued() == [{"fiscal_year_id": year.pk, "full": False, "attempt": 1}]
    stale = {f.pk: f.version for f in RowFeatures.objects.all()}
    assert stale != dict(RenjaRow.objects.values_list("pk", "version"))  # not refreshed by the page
    run_worker()
    assert {f.pk: f.version for f in RowFeatures.objects.all()} == dict(RenjaRow.objects.values_list("pk", "version"))
    assert SyncState.objects.get(fiscal_year=year).mode == "sebagian"


def test_even_a_small_change_is_brought_up_to_date_by_the_worker_not_the_page(client, planner, elderly_school, year):
    row = RenjaRow.objects.first()
    renja_services.row_update(row=row, data={"keterangan": "sedikit"}, by=None)
    client.force_login(planner)
    for _ in range(2):
        page = client.get(reverse("sinkronisasi:overlap-list")).content.decode()
        assert "Temuan sedang diperbarui" in page and "menunggu giliran sejak" in page
    assert len(queued()) == 1, "one recompute queued, by the first view"
    assert RowFeatures.objects.get(pk=row.pk).version < RenjaRow.objects.get(pk=row.pk).version  # not in the request
    run_worker()
    assert RowFeatures.objects.get(pk=row.pk).version == RenjaRow.objects.get(pk=row.pk).version
    page = client.get(reverse("sinkronisasi:overlap-list")).content.decode()
    assert "Temuan sedang diperbarui" not in page and "menunggu giliran" not in page


def test_the_worker_acts_as_the_system(elderly_school, year, monkeypatch):
    seen = []
    real = services.sync_refresh
    monkeypatch.setattr(
        services.refresh, "sync_refresh", lambda **kw: (seen.append(current_system_source()), real(**kw))[1]
    )
    services.sync_recompute_enqueue(fiscal_years=[year], full=True)
    run_worker()
    assert seen == ["sync.recompute"]
