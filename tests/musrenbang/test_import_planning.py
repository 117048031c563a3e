"""Planning an usulan import (the preview) compares the file with the year's usulan at a cost that does not grow with
the number of usulan (found by mutation testing: a look-up dropped for one field went unnoticed)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from musrenbang import imports
from renja.models import FiscalYear

from .test_import import csv_bytes, refs, run  # noqa: F401  (refs: fixture)


def usulan_file(prefix: str, n: int, *, uraian: str) -> bytes:
    return csv_bytes(
        *(
            f"{prefix}-{i:03},musrenbang_desa,Pemdes Bukit Biru,64.02.06.2001,Masalah {i},Usulan {i},{uraian},"
            f"1.06,2,Unit,10.000.000,{i},lansia;anak,Dinsos,,,"
            for i in range(1, n + 1)
        )
    )


def planning_queries(prefix: str, n: int, planner) -> int:
    run(usulan_file(prefix, n, uraian="lama"), planner)
    with CaptureQueriesContext(connection) as queries:
        plan = imports.build_usulan_plan(
            content=usulan_file(prefix, n, uraian="baru"),
            filename="usulan.csv",
            fiscal_year=FiscalYear.objects.get(year=2026),
            by=planner,
        )
    assert plan.summary()["berubah"] == n  # every usulan compared field by field, desa and bidang urusan included
    return len(queries)


def test_planning_a_reimport_costs_the_same_queries_for_few_and_many_usulan(refs, planner):
    assert planning_queries("B", 12, planner) == planning_queries("A", 2, planner)
