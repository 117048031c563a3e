"""Planning a Renja import (the preview) matches the file's rows with the rows of ITS year only, at a cost that does
not grow with the number of rows (found by mutation testing of the planner)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from renja import services
from renja.models import FiscalYear, RenjaRow

from .test_import import GOOD, csv_bytes, refs, run  # noqa: F401  (refs: fixture)


def test_the_same_ref_in_another_year_is_a_new_row(refs, year, planner):
    run(GOOD, year, planner)
    next_year = FiscalYear.objects.create(year=2027)
    before = list(RenjaRow.objects.filter(fiscal_year=year).values_list("pk", "version", "nama").order_by("pk"))

    assert run(GOOD.replace(b"Rehabilitasi disabilitas", b"Rehabilitasi sosial"), next_year, planner) == {
        "baru": 3,
        "berubah": 0,
        "sama": 0,
    }
    assert RenjaRow.objects.filter(fiscal_year=next_year).count() == 3
    assert list(RenjaRow.objects.filter(fiscal_year=year).values_list("pk", "version", "nama").order_by("pk")) == before


def renja_file(prefix: str, n: int, *, nama: str) -> bytes:
    return csv_bytes(
        *(
            f"{prefix}-{i:03},Dinsos,1.06.04.2.01.0001,{nama} {i},Jumlah orang,{i},Orang,1.000.000,64.02.06,anak,"
            "apbd_kab,"
            for i in range(1, n + 1)
        )
    )


def planning_queries(prefix: str, n: int, year, planner, opd_b) -> int:
    run(renja_file(prefix, n, nama="Lama"), year, planner)
    RenjaRow.objects.filter(ref__startswith=prefix).update(opd_pengampu=opd_b)  # a lead agency to compare too
    with CaptureQueriesContext(connection) as queries:
        plan = services.build_plan(
            content=renja_file(prefix, n, nama="Baru"), filename="renja.csv", fiscal_year=year, by=planner
        )
    assert plan.summary() == {"baru": 0, "berubah": n, "sama": 0}
    return len(queries)


def test_planning_a_reimport_costs_the_same_queries_for_few_and_many_rows(refs, year, planner, opd_b):
    assert planning_queries("B", 12, year, planner, opd_b) == planning_queries("A", 2, year, planner, opd_b)
