"""The fixed cast of people and places every test can use."""
import os

import pytest

from renja.models import User

from .factories import make_fiscal_year, make_opd, make_row, make_user

# Playwright tests drive a live server from the same process.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


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
