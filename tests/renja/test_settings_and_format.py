import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from core.formatting import angka, rupiah

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "value,text", [(1_250_000_000, "Rp1.250.000.000"), (0, "Rp0"), (999, "Rp999"), (-5000, "-Rp5.000"), (None, "")]
)
def test_rupiah(value, text):
    assert rupiah(value) == text


@pytest.mark.parametrize("value,text", [(Decimal("95.50"), "95,5"), (Decimal("1200.00"), "1.200"), (None, "")])
def test_angka(value, text):
    assert angka(value) == text


def _settings_env(**extra):
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG", "DATABASE_URL")}
    env.update(extra)
    return env


def test_refuses_to_start_without_secret_key_when_debug_off():
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=_settings_env(DJANGO_SETTINGS_MODULE="renja.settings", DEBUG="false"),
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_settings_read_environment():
    code = (
        "from django.conf import settings as s; "
        "print(s.ALLOWED_HOSTS, s.DATABASES['default']['ENGINE'], s.TIME_ZONE, s.LANGUAGE_CODE)"
    )
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + code],
        cwd=ROOT,
        env=_settings_env(
            DJANGO_SETTINGS_MODULE="renja.settings",
            DEBUG="false",
            SECRET_KEY="x" * 50,
            ALLOWED_HOSTS="renja.kukarkab.go.id",
            DATABASE_URL="postgres://u@127.0.0.1:5432/renja",
        ),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["['renja.kukarkab.go.id']", "django.db.backends.postgresql", "Asia/Makassar", "id"]
