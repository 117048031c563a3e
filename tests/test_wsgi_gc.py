"""The WSGI entry point (what gunicorn loads) tunes the garbage collector for page work."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wsgi_freezes_start_up_objects_and_collects_young_ones_less_often():
    out = subprocess.run(
        [sys.executable, "-c", "import gc, renja.wsgi; print(gc.get_threshold()[0], gc.get_freeze_count() > 0)"],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "renja.settings"},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout.split()
    assert out == ["50000", "True"]
