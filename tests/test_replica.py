"""Exports and reports read from the read replica when one is configured; pages and saves stay on the primary."""

import os
import subprocess
import sys

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from renja.models import RenjaRow

from .factories import make_row, make_usulan

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


def _tables(captured) -> str:
    return " ".join(q["sql"] for q in captured.captured_queries)


def test_renja_export_reads_the_replica(client, planner, year, opd_a, replica):
    make_row(opd=opd_a, fiscal_year=year, ref="REP-1")
    client.force_login(planner)
    with CaptureQueriesContext(connections["default"]) as primary, CaptureQueriesContext(replica) as secondary:
        response = client.get(reverse("renja:row-list"), {"export": "csv"})
        body = response.getvalue()  # streamed: read while the queries are captured
    assert response.status_code == 200 and "REP-1" in body.decode("utf-8-sig")
    assert "renja_renjarow" in _tables(secondary) and "renja_renjarow_lokasi" in _tables(secondary)  # prefetches too
    assert "renja_renjarow" not in _tables(primary)  # the primary only answered the session and the user


def test_usulan_export_reads_the_replica(client, planner, year, opd_a, replica):
    make_usulan(fiscal_year=year, id_usulan="U-REP", opd_tujuan=opd_a)
    client.force_login(planner)
    with CaptureQueriesContext(connections["default"]) as primary, CaptureQueriesContext(replica) as secondary:
        body = client.get(reverse("musrenbang:usulan-list"), {"export": "csv"}).getvalue()  # streamed
    assert "U-REP" in body.decode("utf-8-sig")
    assert "musrenbang_usulan" in _tables(secondary) and "musrenbang_usulan" not in _tables(primary)


def test_pages_and_saves_never_touch_the_replica(client, planner, year, opd_a, replica):
    row = make_row(opd=opd_a, fiscal_year=year, ref="REP-2")
    client.force_login(planner)
    with CaptureQueriesContext(replica) as secondary:
        assert client.get(reverse("renja:row-list")).status_code == 200
        assert client.get(reverse("musrenbang:usulan-list")).status_code == 200
        assert client.get(reverse("renja:row-detail", args=[row.pk])).status_code == 200
    assert secondary.captured_queries == []


def test_an_object_read_from_the_replica_is_saved_on_the_primary(year, opd_a, replica):
    row = make_row(opd=opd_a, fiscal_year=year, ref="REP-3")
    copy = RenjaRow.objects.using("replica").get(pk=row.pk)
    with CaptureQueriesContext(connections["default"]) as primary, CaptureQueriesContext(replica) as secondary:
        copy.keterangan = "diubah"
        copy.save(update_fields=["keterangan"])
    assert "UPDATE" in _tables(primary) and "UPDATE" not in _tables(secondary)


def _settings_with(env: dict) -> str:
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.REPORTS_DATABASE, s.DATABASES.get('replica', {}).get('HOST'), "
        "s.DATABASES.get('replica', {}).get('TEST', {}).get('MIRROR'))"
    )
    clean = {k: v for k, v in os.environ.items() if k != "DATABASE_REPLICA_URL"}
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, "DJANGO_SETTINGS_MODULE": "renja.settings", **env},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def test_the_replica_is_configured_only_when_its_url_is_given():
    assert _settings_with({}) == "default None None"
    given = _settings_with({"DATABASE_REPLICA_URL": "postgres://renja@10.0.0.20:5432/renja"})
    assert given == "replica 10.0.0.20 default"


def test_kept_postgresql_connections_are_checked_before_use():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(sorted((a, d.get('CONN_HEALTH_CHECKS', False)) for a, d in s.DATABASES.items()))"
    )
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_REPLICA_URL"}

    def run(**extra: str) -> str:
        return subprocess.run(
            [sys.executable, "-c", code],
            env={**env, "DJANGO_SETTINGS_MODULE": "renja.settings", **extra},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()

    assert (
        run(DATABASE_URL="postgres://renja@10.0.0.10/renja", DATABASE_REPLICA_URL="postgres://renja@10.0.0.20/renja")
        == "[('default', True), ('replica', True)]"
    )
    assert run(DATABASE_URL="sqlite:///x.sqlite3") == "[('default', False)]"  # SQLite has no server to lose
