"""sinkronisasi 0015: findings computed by the old detector are marked for a full recompute, which a page asks for."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone


def _migrate(targets):
    MigrationExecutor(connection).migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_stored_findings_are_marked_for_a_full_recompute():
    try:
        # FiscalYear as it was then: later renja columns (rows_revision, …) are unapplied with it.
        old = _migrate([("sinkronisasi", "0014_homes_and_duplicates"), ("renja", "0008_regulation_stages")])
        year = old.get_model("renja", "FiscalYear").objects.create(year=2026, revision=4)
        old.get_model("sinkronisasi", "SyncState").objects.create(
            fiscal_year_id=year.pk, full_at=timezone.now(), plan_revision=4
        )
        new = _migrate([("sinkronisasi", "0015_recompute_with_new_detector")])
        state = new.get_model("sinkronisasi", "SyncState").objects.get()
        assert state.full_at is None and state.plan_revision is None
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
