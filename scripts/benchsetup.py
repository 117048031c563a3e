"""Django set up on the benchmark's own database, for scripts/bench.py and scripts/bench_sync.py (import it first).

The database is BENCH_DATABASE_URL (one the benchmark may fill, e.g. a scratch PostgreSQL database) or a new SQLite
file in a temporary folder; never the development database. `tmpdir` is that folder, for generated files.
"""

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
tmpdir = tempfile.mkdtemp(prefix="renja-bench-")
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmpdir}/bench.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "renja.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()
