"""The fixed cast of people and places every test can use."""

import os

import pytest
from django.conf import settings as django_settings
from django.db import connections

from renja.models import User

from .factories import make_fiscal_year, make_opd, make_row, make_user

# Playwright tests drive a live server from the same process.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# A read replica alias as production has with DATABASE_REPLICA_URL: in tests a mirror of the primary's test database
# (Django points it there), used only by tests that name it (REPORTS_DATABASE stays "default" elsewhere).
if "replica" not in django_settings.DATABASES:
    django_settings.DATABASES["replica"] = {**django_settings.DATABASES["default"], "TEST": {"MIRROR": "default"}}
    connections.__dict__.pop("settings", None)  # read DATABASES again if the connection handler already had


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def year(db):
    return make_fiscal_year(2026)


@pytest.fixture
def opd_a(db):
    return make_opd("Dinsos", bidang=["1.06"], nama="Dinas Sosial")


@pytest.fixture
def opd_b(db):
    return make_opd("DP3A", bidang=["2.08"], nama="Dinas Pemberdayaan Perempuan dan Perlindungan Anak")


@pytest.fixture
def planner(db):
    return make_user("perencana", role=User.Role.PERENCANA)


@pytest.fixture
def facilitator(db):
    return make_user("fasilitator", role=User.Role.FASILITATOR)


@pytest.fixture
def admin_user(db):
    return make_user("admin", role=User.Role.ADMIN, is_staff=True, is_superuser=True)


@pytest.fixture
def opd_a_editor(opd_a):
    return make_user("petugas.a", role=User.Role.PETUGAS_OPD, opd=opd_a)


@pytest.fixture
def opd_a_viewer(opd_a):
    return make_user("pembaca.a", role=User.Role.PEMBACA_OPD, opd=opd_a)


@pytest.fixture
def opd_b_editor(opd_b):
    return make_user("petugas.b", role=User.Role.PETUGAS_OPD, opd=opd_b)


@pytest.fixture
def row_in_opd_a(year, opd_a):
    return make_row(opd=opd_a, fiscal_year=year, ref="2026-DINSOS-001")


@pytest.fixture
def replica(settings):
    """The "replica" alias (a test mirror of the primary, see the top of this file) named as the reports database.
    Tests using it need transaction=True and databases=["default", "replica"]: the replica is another connection and
    sees only committed rows."""
    from django.db import connections

    settings.REPORTS_DATABASE = "replica"
    return connections["replica"]


@pytest.fixture(autouse=True)
def no_kept_memos():
    """Each test starts with empty process memos (core.memo): a rolled-back database gives the next test the same
    primary keys and revision numbers for other data, which a memo keyed by them would take for the same."""
    from core.memo import clear_all

    clear_all()
    yield
    clear_all()


@pytest.fixture(autouse=True)
def no_kept_detectors():
    """Each test starts without a sync detector kept by an earlier test's refresh (they live as long as the process)."""
    from sinkronisasi.services import forget_kept

    forget_kept()
    yield
    forget_kept()


@pytest.fixture(autouse=True)
def tasks_run_at_once(settings):
    """Queued work (sync recomputes, berita acara PDFs) runs as it is queued, so that a test reads its result next.
    The queue itself, with the worker as deployed, is tested where a test asks for `task_queue`."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.SYNC_RECOMPUTE_DELAY_S = 0  # a recompute an edit queues is due at once (its delay is tested on its own)


@pytest.fixture
def task_queue(settings):
    """The database queue of production; its work runs only when the test runs the worker (run_worker)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def run_worker() -> None:
    """The worker as deployed (`manage.py db_worker`), until the queue holds nothing due."""
    from django.core.management import call_command

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
