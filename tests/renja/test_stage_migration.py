"""renja 0008 moves the year's stage windows and snapshots to the regulation's stages and back, keeping their dates
and locks: renja → rancangan_awal, musrenbang_kecamatan → rancangan, forum → forum, musrenbang_kabupaten →
rancangan_akhir, renja_final → penetapan; backward, verifikasi becomes renja_final where the year has no penetapan,
and is deleted where it has one. A year whose renja window was locked (rows closed to writing) gets its rancangan and
rancangan akhir windows locked too, so that no edit closed before is opened again."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("renja", "0007_renja_document")]
AFTER = [("renja", "0008_regulation_stages")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


def _windows(apps):
    model = apps.get_model("renja", "StageWindow")
    return {
        (w.fiscal_year.year, w.stage): (w.opens_on.month, w.is_locked)
        for w in model.objects.select_related("fiscal_year")
    }


@pytest.mark.django_db(transaction=True)
def test_stages_move_to_the_regulations_names_and_back():
    try:
        old = _migrate(BEFORE)
        years = old.get_model("renja", "FiscalYear")
        window = old.get_model("renja", "StageWindow")
        snapshot = old.get_model("renja", "StageSnapshot")
        y2026, y2027 = years.objects.create(year=2026), years.objects.create(year=2027)
        for month, (stage, locked) in enumerate(
            [
                ("renja", True),
                ("musrenbang_kecamatan", False),
                ("forum", True),
                ("musrenbang_kabupaten", False),
                ("renja_final", False),
            ],
            start=1,
        ):
            day = datetime.date(2025, month, 1)
            window.objects.create(fiscal_year=y2026, stage=stage, opens_on=day, closes_on=day, is_locked=locked)
        window.objects.create(
            fiscal_year=y2027, stage="renja", opens_on=datetime.date(2026, 1, 5), closes_on=datetime.date(2026, 2, 5)
        )
        snapshot.objects.create(fiscal_year=y2026, stage="renja", row_count=3, total_pagu=7, data={"rows": {}})

        new = _migrate(AFTER)
        assert _windows(new) == {
            (2026, "rancangan_awal"): (1, True),
            # the renja window was locked: rows were closed to writing, and stay closed (all three writing windows)
            (2026, "rancangan"): (2, True),
            (2026, "forum"): (3, True),
            (2026, "rancangan_akhir"): (4, True),
            (2026, "penetapan"): (5, False),
            (2027, "rancangan_awal"): (1, False),
        }
        moved = new.get_model("renja", "StageSnapshot").objects.get()
        assert (moved.stage, moved.row_count, moved.total_pagu) == ("rancangan_awal", 3, 7)

        # Verifikasi has no old stage: where penetapan exists it goes, elsewhere it takes renja_final's place.
        later = new.get_model("renja", "StageWindow")
        for year in (2026, 2027):
            day = datetime.date(year - 1, 6, 2)
            later.objects.create(
                fiscal_year_id=years.objects.get(year=year).pk, stage="verifikasi", opens_on=day, closes_on=day
            )

        back = _migrate(BEFORE)
        assert _windows(back) == {
            (2026, "renja"): (1, True),
            (2026, "musrenbang_kecamatan"): (2, True),  # a lock that governed nothing before 0008
            (2026, "forum"): (3, True),
            (2026, "musrenbang_kabupaten"): (4, True),
            (2026, "renja_final"): (5, False),
            (2027, "renja"): (1, False),
            (2027, "renja_final"): (6, False),
        }
        assert back.get_model("renja", "StageSnapshot").objects.get().stage == "renja"
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
