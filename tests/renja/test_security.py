import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache, caches
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from core.security import client_address

ROOT = Path(__file__).resolve().parents[2]


def test_pages_carry_a_content_security_policy(client, planner):
    client.force_login(planner)
    policy = client.get(reverse("renja:home"))["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy and "frame-ancestors 'none'" in policy


def test_login_is_throttled_after_repeated_failures(client, opd_a_editor, settings):
    cache.clear()
    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(3):
        assert (
            "sandi yang benar"
            in client.post(reverse("login"), {"username": "petugas.a", "password": "salah"}).content.decode()
        )
    response = client.post(reverse("login"), {"username": "petugas.a", "password": "rahasia-uji-123"})
    assert response.status_code == 200 and "Terlalu banyak percobaan" in response.content.decode()
    assert "_auth_user_id" not in client.session
    cache.clear()
    assert client.post(reverse("login"), {"username": "petugas.a", "password": "rahasia-uji-123"}).status_code == 302


def _fail_login(client, **headers):
    response = client.post(reverse("login"), {"username": "petugas.a", "password": "salah"}, headers=headers)
    assert "sandi yang benar" in response.content.decode()


def _can_log_in(client, **headers) -> bool:
    response = client.post(reverse("login"), {"username": "petugas.a", "password": "rahasia-uji-123"}, headers=headers)
    return response.status_code == 302


def test_cache_is_a_table_in_the_database(db):
    assert "renja_cache" in connection.introspection.table_names()


def test_failure_counts_are_shared_between_cache_connections_for_the_whole_window(
    client, opd_a_editor, settings, monkeypatch
):
    cache.clear()
    settings.LOGIN_FAILURE_WINDOW_S = 900
    _fail_login(client)
    other_worker = caches.create_connection("default")  # what another gunicorn worker would open
    key, failed_at = "login-fail:petugas.a:127.0.0.1", timezone.now()
    assert other_worker.get(key) == 1
    # Still counted after the cache's default timeout (300 s, which the database cache's incr would apply) ...
    monkeypatch.setattr("django.core.cache.backends.db.tz_now", lambda: failed_at + datetime.timedelta(seconds=600))
    assert other_worker.get(key) == 1
    # ... and forgotten once the window is over.
    monkeypatch.setattr("django.core.cache.backends.db.tz_now", lambda: failed_at + datetime.timedelta(seconds=901))
    assert other_worker.get(key) is None


def test_without_proxy_a_spoofed_client_address_header_is_ignored(client, opd_a_editor, settings):
    cache.clear()
    settings.BEHIND_PROXY, settings.LOGIN_FAILURE_LIMIT = False, 2
    _fail_login(client, X_Real_IP="203.0.113.5", X_Forwarded_For="203.0.113.5")
    _fail_login(client, X_Real_IP="198.51.100.7", X_Forwarded_For="198.51.100.7")
    assert not _can_log_in(client, X_Real_IP="192.0.2.9", X_Forwarded_For="192.0.2.9")


def test_behind_proxy_failures_lock_out_only_the_real_client_address(client, opd_a_editor, settings):
    cache.clear()
    settings.BEHIND_PROXY, settings.LOGIN_FAILURE_LIMIT = True, 2
    for _ in range(2):
        _fail_login(client, X_Real_IP="203.0.113.5")  # REMOTE_ADDR is the proxy's 127.0.0.1 throughout
    assert not _can_log_in(client, X_Real_IP="203.0.113.5")
    assert _can_log_in(client, X_Real_IP="198.51.100.7")


@pytest.mark.parametrize(
    "behind_proxy,headers,expected",
    [
        (False, {"HTTP_X_REAL_IP": "203.0.113.5", "HTTP_X_FORWARDED_FOR": "203.0.113.5"}, "127.0.0.1"),
        (True, {"HTTP_X_REAL_IP": "203.0.113.5", "HTTP_X_FORWARDED_FOR": "10.9.9.9, 203.0.113.5"}, "203.0.113.5"),
        (
            True,
            {"HTTP_X_FORWARDED_FOR": "10.9.9.9, 198.51.100.7"},
            "198.51.100.7",
        ),  # a client-sent first hop is ignored
        (True, {}, "127.0.0.1"),  # reached without the proxy's headers
    ],
)
def test_client_address(settings, behind_proxy, headers, expected):
    settings.BEHIND_PROXY = behind_proxy
    assert client_address(RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", **headers)) == expected


def test_check_deploy_is_clean_with_production_settings():
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update(
        DEBUG="false",
        SECRET_KEY="k" * 60 + "!@#$%^&*()",
        ALLOWED_HOSTS="renja.example.go.id",
        DJANGO_SETTINGS_MODULE="renja.settings",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
