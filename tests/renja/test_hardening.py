"""Fixes from the deploy review (docs/DEPLOY.md): the first administrator, shared cache, PgBouncer settings."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from renja.models import User

ROOT = Path(__file__).resolve().parents[2]


def test_createsuperuser_without_input_makes_an_administrator(db, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "sandi-admin-yang-panjang-42")
    call_command("createsuperuser", "--noinput", username="admin.pemda", email="admin@kukarkab.go.id", verbosity=0)
    user = User.objects.get(username="admin.pemda")
    assert user.role == User.Role.ADMIN and user.opd is None
    assert user.is_superuser and user.is_staff and user.check_password("sandi-admin-yang-panjang-42")


def test_create_superuser_keeps_an_explicit_role(db):
    user = User.objects.create_superuser("perencana.super", "p@kukarkab.go.id", "x", role=User.Role.PERENCANA)
    assert user.role == User.Role.PERENCANA


def _settings_from_env(**env) -> dict:
    code = (
        "import json; from django.conf import settings as s; "
        "print(json.dumps({'cursors': s.DATABASES['default']['DISABLE_SERVER_SIDE_CURSORS'],"
        " 'cache': s.CACHES['default'],"
        " 'behind_proxy': s.BEHIND_PROXY, 'proxy_ssl': s.SECURE_PROXY_SSL_HEADER}))"
    )
    drop = (
        "DEBUG",
        "SECRET_KEY",
        "DATABASE_URL",
        "BEHIND_PROXY",
        "CACHE_BACKEND",
        "CACHE_LOCATION",
        "DATABASE_DISABLE_SERVER_SIDE_CURSORS",
    )
    full_env = (
        {k: v for k, v in os.environ.items() if k not in drop} | {"DJANGO_SETTINGS_MODULE": "renja.settings"} | env
    )
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + code],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_defaults_database_cache_with_server_side_cursors_and_no_proxy():
    values = _settings_from_env(DATABASE_URL="postgres://u@127.0.0.1:5432/renja")
    assert values["cursors"] is False
    assert values["cache"] == {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "renja_cache",
        "OPTIONS": {"MAX_ENTRIES": 10_000},
    }
    assert values["behind_proxy"] is False and values["proxy_ssl"] is None


@pytest.mark.parametrize("value,expected", [("true", True), ("false", False)])
def test_server_side_cursors_switch_for_pgbouncer(value, expected):
    values = _settings_from_env(
        DATABASE_URL="postgres://u@10.0.0.10:6432/renja", DATABASE_DISABLE_SERVER_SIDE_CURSORS=value
    )
    assert values["cursors"] is expected


def test_cache_and_proxy_come_from_the_environment():
    values = _settings_from_env(
        CACHE_BACKEND="django.core.cache.backends.locmem.LocMemCache", CACHE_LOCATION="renja", BEHIND_PROXY="true"
    )
    assert values["cache"] == {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "renja"}
    assert values["behind_proxy"] is True and values["proxy_ssl"] == ["HTTP_X_FORWARDED_PROTO", "https"]
