import os
import subprocess
import sys
from pathlib import Path

from django.core.cache import cache
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


def test_pages_carry_a_content_security_policy(client, planner):
    client.force_login(planner)
    policy = client.get(reverse("renja:home"))["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy and "frame-ancestors 'none'" in policy


def test_login_is_throttled_after_repeated_failures(client, opd_a_editor, settings):
    cache.clear()
    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(3):
        assert "sandi yang benar" in client.post(reverse("login"), {"username": "petugas.a", "password": "salah"}).content.decode()
    response = client.post(reverse("login"), {"username": "petugas.a", "password": "rahasia-uji-123"})
    assert response.status_code == 200 and "Terlalu banyak percobaan" in response.content.decode()
    assert "_auth_user_id" not in client.session
    cache.clear()
    assert client.post(reverse("login"), {"username": "petugas.a", "password": "rahasia-uji-123"}).status_code == 302


def test_check_deploy_is_clean_with_production_settings():
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update(DEBUG="false", SECRET_KEY="k" * 60 + "!@#$%^&*()", ALLOWED_HOSTS="renja.example.go.id", DJANGO_SETTINGS_MODULE="renja.settings")
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
