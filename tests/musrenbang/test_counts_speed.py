"""Cheaper reads, same results. selectors.status_counts reads one tuple per name and status of each table (GROUPING
SETS on PostgreSQL, one grouped query per group joined by UNION ALL elsewhere), not one per combination of all the
groups; selectors.officer_inbox_counts is one plain statement, not a compiled ORM aggregate. Both are checked against
the code they replaced (kept here as oracles)."""

import datetime

from django.db import connection
from django.db.models import Count, Sum
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from musrenbang import selectors
from musrenbang.decisions import UNDECIDED
from musrenbang.models import InboxVisit, Usulan
from renja.models import Opd, Wilayah

from ..factories import make_fiscal_year, make_opd, make_usulan, make_wilayah

GROUPS = ("desa__parent__nama", "opd_tujuan__singkatan")


def _oracle(qs, *groups):
    """status_counts as it was: grouped by all the groups and status at once, folded in Python."""
    statuses = list(Usulan.Status.values)
    tables = [{} for _g in groups]
    for *names, status, n, biaya in (
        qs.values(*groups, "status")
        .annotate(n=Count("id"), biaya=Sum("anggaran"))
        .order_by()
        .values_list(*groups, "status", "n", "biaya")
    ):
        biaya = biaya or 0
        for table, name in zip(tables, names, strict=True):
            key = name or "–"
            entry = table.get(key)
            if entry is None:
                entry = table[key] = {"name": key, "counts": dict.fromkeys(statuses, 0), "n": 0, "biaya": 0}
            entry["counts"][status] += n
            entry["n"] += n
            entry["biaya"] += biaya
    tables = dict(zip(groups, tables, strict=True))
    return {
        group: [
            {**e, "count_list": [e["counts"][s] for s in statuses]}
            for e in sorted(table.values(), key=lambda e: (e["name"] == "–", e["name"].casefold(), e["name"]))
        ]
        for group, table in tables.items()
    }


def _typed(tables):
    """The tables with the type of every number, so an int and an equal Decimal differ."""
    return {
        group: [{**e, "types": (type(e["n"]), type(e["biaya"]), *(type(c) for c in e["count_list"]))} for e in rows]
        for group, rows in tables.items()
    }


def _usulan_of_many_kinds(year):
    """Usulan in named, blank-named and parentless places, routed to agencies (one with a blank abbreviation) or
    none, in every status, with costs from zero up."""
    places = []
    for kode, nama in [("64.02.01", "Tenggarong"), ("64.02.02", "anggana"), ("64.02.03", "Loa Kulu"), ("64.02.09", "")]:
        kec = make_wilayah(kode, nama)
        places.append(make_wilayah(f"{kode}.2001", f"Desa {kode}", Wilayah.Tingkat.DESA, parent=kec))
    places.append(make_wilayah("64.02.99.2001", "Desa tanpa kecamatan", Wilayah.Tingkat.DESA))  # NULL kecamatan
    agencies = [make_opd("Dinsos"), make_opd("dp3a"), make_opd("PUPR"), make_opd("BLANK"), None]
    Opd.objects.filter(pk=agencies[3].pk).update(singkatan="")
    statuses = list(Usulan.Status.values)
    made = []
    for i in range(60):
        usulan = make_usulan(
            fiscal_year=year,
            desa=places[i % len(places)],
            opd_tujuan=agencies[i % len(agencies)] if i % 7 else None,
            id_usulan=f"S-{i:02}",
            anggaran=(i % 4) * 1_250_000,
        )
        made.append(usulan.pk)
    for i, pk in enumerate(made):
        Usulan.objects.filter(pk=pk).update(status=statuses[(i * 5) % len(statuses)])
    return agencies


def test_status_counts_match_the_old_algorithm_in_one_query(year):
    agencies = _usulan_of_many_kinds(year)
    everything = Usulan.objects.filter(fiscal_year=year)
    one_agency = everything.filter(opd_tujuan=agencies[0])
    blank_agency = everything.filter(opd_tujuan=agencies[3])
    unrouted = everything.filter(opd_tujuan__isnull=True)
    for qs in (everything, one_agency, blank_agency, unrouted, everything.filter(id_usulan="none such")):
        with CaptureQueriesContext(connection) as queries:
            counts = selectors.status_counts(qs, *GROUPS)
        assert len(queries) == 1
        assert _typed(counts) == _typed(_oracle(qs, *GROUPS))
    counts = selectors.status_counts(everything, *GROUPS)
    assert [r["name"] for r in counts["desa__parent__nama"]] == ["anggana", "Loa Kulu", "Tenggarong", "–"]
    assert [r["name"] for r in counts["opd_tujuan__singkatan"]] == ["Dinsos", "dp3a", "PUPR", "–"]
    blank = counts["desa__parent__nama"][-1]  # the blank-named kecamatan and the desa without one, together
    assert blank["n"] == 24 and blank == _oracle(everything, *GROUPS)["desa__parent__nama"][-1]


def test_status_counts_of_one_group_none_and_an_empty_queryset(year):
    _usulan_of_many_kinds(year)
    qs = Usulan.objects.filter(fiscal_year=year)
    assert _typed(selectors.status_counts(qs, "opd_tujuan__singkatan")) == _typed(_oracle(qs, "opd_tujuan__singkatan"))
    assert selectors.status_counts(qs) == {}
    assert selectors.status_counts(qs.none(), *GROUPS) == {group: [] for group in GROUPS}


def test_status_counts_read_per_group_tuples_not_the_product_of_the_groups(year):
    _usulan_of_many_kinds(year)
    with CaptureQueriesContext(connection) as queries:
        selectors.status_counts(Usulan.objects.filter(fiscal_year=year), *GROUPS)
    sql = queries[0]["sql"].upper()
    assert ("GROUPING SETS" if connection.vendor == "postgresql" else "UNION ALL") in sql


def _old_inbox_counts(user):
    """officer_inbox_counts as it was: one ORM aggregate with two subqueries."""
    from django.db.models import Exists, Q, Subquery

    from renja.models import FiscalYear

    seen = InboxVisit.objects.filter(user_id=user.pk).values("seen_at")[:1]
    newest = FiscalYear.objects.order_by("-year").values("pk")[:1]
    undecided = Q(status__in=UNDECIDED)
    fresh = undecided & (Q(diputuskan_pada__gt=Subquery(seen)) | ~Exists(InboxVisit.objects.filter(user_id=user.pk)))
    counts = Usulan.objects.filter(opd_tujuan_id=user.opd_id, fiscal_year_id=Subquery(newest)).aggregate(
        belum=Count("id", filter=undecided), baru=Count("id", filter=fresh)
    )
    return {"baru": counts["baru"] or 0, "belum": counts["belum"] or 0}


def test_inbox_counts_match_the_old_query_in_one_plain_statement(year, opd_a, opd_b, opd_a_editor):
    seen = timezone.now() - datetime.timedelta(days=3)
    older_year = make_fiscal_year(2025)
    statuses = [*UNDECIDED, "diterima", "ditolak"]
    for i in range(15):  # before, at and after the visit, and never stamped; undecided or not
        usulan = make_usulan(fiscal_year=year, opd_tujuan=opd_a, id_usulan=f"A-{i:02}")
        stamp = (seen - datetime.timedelta(hours=1), seen, seen + datetime.timedelta(hours=1), None)[i % 4]
        Usulan.objects.filter(pk=usulan.pk).update(status=statuses[i % len(statuses)], diputuskan_pada=stamp)
    make_usulan(fiscal_year=older_year, opd_tujuan=opd_a, id_usulan="OLD-YEAR")  # not the newest year
    make_usulan(fiscal_year=year, opd_tujuan=opd_b, id_usulan="OTHER-AGENCY")
    make_usulan(fiscal_year=year, id_usulan="UNROUTED")
    with CaptureQueriesContext(connection) as queries:
        never = selectors.officer_inbox_counts(opd_a_editor)
    assert len(queries) == 1 and "SELECT COUNT(*)" in queries[0]["sql"]  # plain SQL, not the ORM's aggregate
    assert never == _old_inbox_counts(opd_a_editor) == {"baru": 9, "belum": 9}
    InboxVisit.objects.create(user=opd_a_editor, seen_at=seen)
    assert selectors.officer_inbox_counts(opd_a_editor) == _old_inbox_counts(opd_a_editor) == {"baru": 3, "belum": 9}
    make_fiscal_year(2027)  # a newer, empty year
    assert selectors.officer_inbox_counts(opd_a_editor) == _old_inbox_counts(opd_a_editor) == {"baru": 0, "belum": 0}
