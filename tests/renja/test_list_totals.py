"""The Renja list's totals (issue 14, point 6): pagu of every filtered row, not only the page, and per program."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.formatting import rupiah
from renja import selectors
from renja.models import RenjaRow
from renja.services.revision import plan_changed

from ..factories import make_nomenklatur, make_row


@pytest.fixture
def rows(year, opd_a, opd_b):
    sosial = make_nomenklatur("1.06.04.2.01.0001")
    sosial_2 = make_nomenklatur("1.06.04.2.02.0003", "Pemberdayaan Sosial")
    pangan = make_nomenklatur("2.09.02.2.01.0002", "Penyediaan Pangan")
    made = []
    for i in range(30):  # more than a page
        sub = (sosial, sosial_2, pangan)[i % 3]
        made.append(
            make_row(
                opd=(opd_a, opd_b)[i % 2],
                fiscal_year=year,
                sub_kegiatan=sub,
                pagu=1_000_000 * (i + 1),
                pagu_n1=(500_000 * i) if i % 4 else None,
            )
        )
    return made


def test_list_shows_pagu_of_all_filtered_rows_not_only_the_page(client, planner, rows, opd_a):
    client.force_login(planner)
    html = client.get(reverse("renja:row-list")).content.decode()
    expected = sum(r.pagu for r in rows)
    expected_n1 = sum(r.pagu_n1 or 0 for r in rows)
    assert f"Jumlah pagu 30 baris tersaring: {rupiah(expected)}" in html
    assert f"pagu N+1: {rupiah(expected_n1)}" in html
    mine = [r for r in rows if r.opd_id == opd_a.pk]
    html = client.get(reverse("renja:row-list"), {"opd": opd_a.pk}).content.decode()
    assert f"Jumlah pagu {len(mine)} baris tersaring: {rupiah(sum(r.pagu for r in mine))}" in html


def test_pagu_per_program_groups_by_the_program_of_the_sub_kegiatan(rows):
    per_program = selectors.pagu_per_program(RenjaRow.objects.all())
    expected: dict[str, list] = {}
    for r in rows:
        entry = expected.setdefault(r.sub_kegiatan.parent.parent.kode, [0, 0, 0])
        entry[0] += 1
        entry[1] += r.pagu
        entry[2] += r.pagu_n1 or 0
    assert [p["kode"] for p in per_program] == ["1.06.04", "2.09.02"]  # two sub kegiatan of 1.06.04 in one program
    assert {p["kode"]: [p["n"], p["pagu"], p["pagu_n1"]] for p in per_program} == expected
    assert per_program[0]["nama"] == "program 1.06.04"


def test_list_page_shows_the_per_program_table(client, planner, rows):
    client.force_login(planner)
    html = client.get(reverse("renja:row-list")).content.decode()
    table = html.split('id="tabel-per-program"')[1].split("</table>")[0]
    pangan = sum(r.pagu for r in rows if r.kode.startswith("2.09"))
    assert re.search(
        r'<td class="code">2\.09\.02</td><td>program 2\.09\.02</td>'
        rf'<td class="num">10</td><td class="num">{re.escape(rupiah(pangan))}</td>',
        table,
    )


def test_totals_cost_the_same_queries_for_more_rows(client, planner, year, opd_a, django_assert_max_num_queries):
    client.force_login(planner)
    subs = [make_nomenklatur(f"1.0{i + 1}.0{i % 3 + 2}.2.01.0001") for i in range(5)]  # five programs
    make_row(opd=opd_a, fiscal_year=year, sub_kegiatan=subs[0])
    client.get(reverse("renja:row-list"))  # draws the reference lists once
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("renja:row-list"))
    queries = len(one.captured_queries)  # read now: the next request clears the log
    for i in range(40):
        make_row(opd=opd_a, fiscal_year=year, sub_kegiatan=subs[i % 5])
    plan_changed(year.pk)  # the factory's rows are no service's write: the cached summary learns of them so
    client.get(reverse("renja:row-list"))  # the summary computed and cached once for the new revision
    with django_assert_max_num_queries(queries):
        assert "Jumlah pagu 41 baris tersaring" in client.get(reverse("renja:row-list")).content.decode()


def test_totals_are_two_grouped_queries(year, opd_a):
    make_row(opd=opd_a, fiscal_year=year)
    with CaptureQueriesContext(connection) as ctx:
        selectors.row_totals(RenjaRow.objects.all())
        selectors.pagu_per_program(RenjaRow.objects.all())
    assert len(ctx.captured_queries) == 2
    assert all("SUM(" in q["sql"].upper() for q in ctx.captured_queries)
