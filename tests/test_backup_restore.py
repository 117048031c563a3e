"""scripts/backup.sh and scripts/restore.sh, end to end on a real PostgreSQL server.

Runs only when DATABASE_URL points at PostgreSQL. It never touches that URL's own database (nor pytest-django's
test_<name>): it creates two throw-away databases on the same server, fills the first through manage.py in
subprocesses (migrate, load_reference, seed_demo, and a finalised berita acara so that media holds a real PDF),
backs it up, restores into the second, compares them, and drops both. The test requests no `db` fixture, so
pytest-django sets up no test database for it.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/renja \\
        .venv/bin/python -m pytest tests/test_backup_restore.py -q -p no:cacheprovider
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCE_URL = os.environ.get("DATABASE_URL", "")
IS_POSTGRES = urlsplit(SOURCE_URL).scheme in ("postgres", "postgresql", "pgsql")
TOOLS = ("pg_dump", "pg_restore", "psql")

pytestmark = [
    pytest.mark.skipif(
        not IS_POSTGRES, reason="backup/restore needs PostgreSQL: set DATABASE_URL=postgres://… (the run is on SQLite)"
    ),
    pytest.mark.skipif(
        not all(shutil.which(t) for t in TOOLS),
        reason="PostgreSQL client tools (pg_dump, pg_restore, psql) not installed",
    ),
]

FINALISE = """
from forum import services
from forum.models import Forum
from renja.models import User
forum = Forum.objects.get()
services.forum_finalise(forum=forum, by=User.objects.get(username="fasilitator"),
                        verify_url_for=lambda sha: "https://renja.example.go.id/verifikasi/" + sha + "/")
"""
PDF_NAME = """
from forum.models import BeritaAcara
print(BeritaAcara.objects.get().pdf.name)
"""


def url_for(name: str) -> str:
    """The DATABASE_URL server with another database name (user, password, host, port and options kept)."""
    parts = urlsplit(SOURCE_URL)
    return urlunsplit(parts._replace(scheme="postgresql", path=f"/{name}"))


def connect(name: str):
    import psycopg

    return psycopg.connect(url_for(name), autocommit=True)


def run(*args: str, env: dict, timeout: int = 600) -> str:
    result = subprocess.run(list(args), cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, (
        f"{' '.join(args[:3])} …: exit {result.returncode}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    )
    return result.stdout


def env_for(database: str, media: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "PGPASSWORD")}
    env.update(
        DATABASE_URL=url_for(database), MEDIA_ROOT=str(media), DJANGO_SETTINGS_MODULE="renja.settings", DEBUG="true"
    )
    return env


def counts(conn) -> dict[str, int]:
    tables = [
        r[0] for r in conn.execute("select tablename from pg_tables where schemaname = 'public' order by tablename")
    ]
    return {t: conn.execute(f'select count(*) from "{t}"').fetchone()[0] for t in tables}


def test_backup_then_restore_gives_the_same_data_and_files(tmp_path):
    from forum.models import Attendance, BeritaAcara, Forum
    from musrenbang.models import Decision, Usulan
    from renja.models import AuditLog, Nomenklatur, Opd, RenjaRow, User, Wilayah

    configured = urlsplit(SOURCE_URL).path.lstrip("/")
    suffix = uuid.uuid4().hex[:10]
    source, restored = f"renja_backup_src_{suffix}", f"renja_backup_dst_{suffix}"
    assert {source, restored}.isdisjoint({configured, f"test_{configured}"})
    source_media, restored_media = tmp_path / "media-src", tmp_path / "media-dst"

    with connect("postgres") as admin:
        server = admin.execute("show server_version_num").fetchone()[0]
        dump_major = int(run("pg_dump", "--version", env=os.environ).split()[-1].split(".")[0])
        assert dump_major >= int(server) // 10000, f"pg_dump {dump_major} is older than the server ({server})"
        admin.execute(f'create database "{source}"')
        admin.execute(f'create database "{restored}"')
    try:
        env = env_for(source, source_media)
        manage = [sys.executable, "manage.py"]
        run(*manage, "migrate", "--noinput", env=env)
        run(*manage, "load_reference", env=env)
        run(*manage, "seed_demo", "--password", "cadangan-uji-2026", env=env)
        run(*manage, "shell", "-c", FINALISE, env=env)
        run(*manage, "db_worker", "--batch", "--no-startup-delay", "--no-reload", env=env)  # the worker makes the PDF
        pdf_name = run(*manage, "shell", "-c", PDF_NAME, env=env).strip().splitlines()[-1]
        assert (source_media / pdf_name).is_file()
        pending = source_media / "impor-usulan" / "menunggu.dat"  # an usulan upload awaiting confirmation: transient
        pending.parent.mkdir()
        pending.write_bytes(b"No,ID usulan\n")

        backup_env = {**env, "BACKUP_DIR": str(tmp_path / "backups")}
        folder = Path(run("bash", "scripts/backup.sh", env=backup_env).strip().splitlines()[-1])
        assert folder.parent == tmp_path / "backups" and folder.name.startswith("renja-")
        assert {p.name for p in folder.iterdir()} == {"db.dump", "media.tar.gz", "SHA256SUMS", "INFO"}
        assert (folder / "db.dump").read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format

        run("bash", "scripts/restore.sh", str(folder), url_for(restored), str(restored_media), env=env)

        with connect(source) as src, connect(restored) as dst:
            before, after = counts(src), counts(dst)
            assert after == before
            for model in (
                Wilayah,
                Nomenklatur,
                Opd,
                User,
                RenjaRow,
                Usulan,
                Decision,
                Forum,
                Attendance,
                BeritaAcara,
                AuditLog,
            ):
                assert before[model._meta.db_table] > 0, model.__name__
            assert before["django_migrations"] > 0

            row_table, lokasi_table = RenjaRow._meta.db_table, RenjaRow.lokasi.through._meta.db_table
            sample = f'select * from "{row_table}" where ref = (select min(ref) from "{row_table}")'
            src_row, dst_row = src.execute(sample).fetchone(), dst.execute(sample).fetchone()
            assert src_row is not None and dst_row == src_row
            row_id = src_row[0]
            places = f'select wilayah_id from "{lokasi_table}" where renjarow_id = %s order by wilayah_id'
            assert dst.execute(places, [row_id]).fetchall() == src.execute(places, [row_id]).fetchall()
            # Sequences come back too: the next Renja row gets a fresh id, not one already taken.
            next_id = f"select nextval(pg_get_serial_sequence('{row_table}', 'id'))"
            assert dst.execute(next_id).fetchone()[0] > dst.execute(f'select max(id) from "{row_table}"').fetchone()[0]

            pdf_sha = src.execute(f'select pdf_sha256 from "{BeritaAcara._meta.db_table}"').fetchone()[0]
        restored_pdf = restored_media / pdf_name
        assert restored_pdf.is_file() and hashlib.sha256(restored_pdf.read_bytes()).hexdigest() == pdf_sha
        assert not (restored_media / "impor-usulan").exists()

        # The restored database is complete for the app: no migration left to apply.
        run(*manage, "migrate", "--check", env=env_for(restored, restored_media))
        # Restoring over a database that has tables needs an explicit RESTORE_FORCE=1.
        refused = subprocess.run(
            ["bash", "scripts/restore.sh", str(folder), url_for(restored), str(restored_media)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert refused.returncode == 1 and "RESTORE_FORCE=1" in refused.stderr
    finally:
        with connect("postgres") as admin:
            for name in (source, restored):
                admin.execute(f'drop database if exists "{name}" with (force)')
