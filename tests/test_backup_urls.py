"""The database URL handling backup.sh and restore.sh share (scripts/pg_url.sh): no PostgreSQL server needed."""

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def bash(script: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("PGPASSWORD", "DATABASE_URL")}
    return subprocess.run(
        ["bash", "-c", script], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=30
    )


def test_a_password_leaves_the_url_for_pgpassword_decoded():
    out = bash(
        '. scripts/pg_url.sh; pg_url_for_libpq uji "postgres://renja:r%40hasia%2F1@10.0.0.10:5432/renja"; '
        'echo "$PG_URL|$PGPASSWORD"'
    ).stdout.strip()
    assert out == "postgres://renja@10.0.0.10:5432/renja|r@hasia/1"
    out = bash(
        '. scripts/pg_url.sh; pg_url_for_libpq uji "pgsql://renja@db/renja"; echo "$PG_URL|${PGPASSWORD-none}"'
    ).stdout.strip()
    assert out == "postgresql://renja@db/renja|none"


def test_both_scripts_refuse_a_database_that_is_not_postgresql(tmp_path):
    backup = bash(f"scripts/backup.sh {tmp_path}", DATABASE_URL="sqlite:///db.sqlite3")
    assert backup.returncode == 2 and "backup.sh: URL basis data harus PostgreSQL" in backup.stderr
    assert list(tmp_path.iterdir()) == []  # nothing written
    folder = tmp_path / "cadangan"
    folder.mkdir()
    for name in ("db.dump", "media.tar.gz"):
        (folder / name).write_bytes(b"x")
    subprocess.run("sha256sum db.dump media.tar.gz > SHA256SUMS", shell=True, cwd=folder, check=True)
    restore = bash(f"scripts/restore.sh {folder} mysql://root@localhost/renja {tmp_path / 'media'}")
    assert (
        restore.returncode == 2
        and "restore.sh: URL basis data harus PostgreSQL (postgres://…), bukan mysql" in restore.stderr
    )
    assert not (tmp_path / "media").exists()
