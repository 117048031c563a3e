"""Reusable reads of usulan."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Count, Q, QuerySet, Sum, Value, Window
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from core.db_router import for_reports
from core.formatting import rupiah
from renja.models import RenjaRow

from . import decisions
from .models import Decision, InboxMail, InboxVisit, Pickup, Usulan


def trail(usulan: Usulan) -> list[Decision]:
    """The decision trail, oldest first, with the agencies and merge targets it names."""
    return list(
        usulan.decisions.select_related("opd", "by", "digabung_ke_usulan", "digabung_ke_renja").order_by("at", "id")
    )


def pickups(usulan: Usulan) -> list[Pickup]:
    """The Renja rows the usulan is picked up into now."""
    return list(
        usulan.pickups.filter(dibatalkan_oleh__isnull=True).select_related("renja_row__opd").order_by("at", "id")
    )


def usulan_by_tracking_code(code: str) -> Usulan | None:
    """The usulan with this public tracking code (case and spacing forgiven)."""
    normalised = code.strip().upper().replace(" ", "")
    if normalised and not normalised.startswith("USL-") and len(normalised) == 8:
        normalised = f"USL-{normalised[:4]}-{normalised[4:]}"
    return (
        Usulan.objects.select_related("fiscal_year", "desa__parent", "opd_tujuan").filter(kode_lacak=normalised).first()
    )


# What an usulan list or inbox row shows (tables.UsulanTable.row_html), read as values: a row of the page is one
# tuple, not an usulan, its desa, kecamatan and agency as four model instances. `pk` first: the records' pk.
TABLE_VALUES = (
    "pk",
    "id_usulan",
    "usulan",
    "prioritas",
    "volume",
    "satuan",
    "anggaran",
    "status",
    "diputuskan_pada",
    "desa__nama",
    "desa__tingkat",
    "desa__parent",
    "desa__parent__nama",
    "desa__parent__tingkat",
    "opd_tujuan",
    "opd_tujuan__singkatan",
)
# What the printed usulan list shows of each usulan (templates/musrenbang/usulan_print.html): the same columns, read
# into model instances.
TABLE_FIELDS = tuple(field for field in TABLE_VALUES if field != "pk")


def usulan_for_table(qs: QuerySet[Usulan]) -> QuerySet[Usulan]:
    """An usulan list queryset with what its table shows (desa, kecamatan, agency) and no more: only the columns
    it draws (the search text, problem and description are most of an usulan's width, and the list sorts every
    usulan of the year before it cuts a page)."""
    return (
        qs.select_related(None).select_related("desa__parent", "opd_tujuan").only(*TABLE_FIELDS).prefetch_related(None)
    )


def usulan_rows_for_table(qs: QuerySet[Usulan], *, counted: bool = False) -> QuerySet:
    """An usulan list queryset as the table's rows: named tuples of TABLE_VALUES. `counted` adds `rows_total`, the
    number of usulan the whole list has (COUNT(*) OVER (), before the page is cut), so that the page's own query
    tells its paginator the count (tables.PageCountingPaginator) instead of a COUNT query of its own."""
    qs = qs.select_related(None).prefetch_related(None)
    if counted:
        return qs.annotate(rows_total=Window(Count("pk"))).values_list(*TABLE_VALUES, "rows_total", named=True)
    return qs.values_list(*TABLE_VALUES, named=True)


def usulan_for_export(qs: QuerySet[Usulan]) -> QuerySet[Usulan]:
    """An usulan list queryset with everything its CSV/XLSX export shows, read from the reports database."""
    return (
        for_reports(qs)
        .select_related("desa__parent", "bidang_urusan", "opd_awal", "opd_tujuan")
        .prefetch_related("sasaran")
    )


def status_counts(qs: QuerySet[Usulan], *groups: str) -> dict[str, list[dict]]:
    """Counts per status and total cost for each value of each of `groups`, as rows for a table (ordered by name,
    blanks as "–" last). One query: on PostgreSQL the usulan are read once and grouped by (group, status) for every
    group at once (GROUPING SETS); elsewhere one grouped query per group, joined by UNION ALL. Either way the
    database returns one tuple per name and status of each table, never one per combination of all the groups."""
    statuses = list(Usulan.Status.values)
    unique = list(dict.fromkeys(groups))
    tables: dict[str, dict[str, dict]] = {group: {} for group in unique}
    for group, name, status, n, biaya in _status_count_tuples(qs, unique):
        table = tables[group]
        key = name or "–"  # NULL and "" both: their counts add up in one entry
        entry = table.get(key)
        if entry is None:
            entry = table[key] = {"name": key, "counts": dict.fromkeys(statuses, 0), "n": 0, "biaya": 0}
        entry["counts"][status] += n
        entry["n"] += n
        entry["biaya"] += biaya or 0
    return {
        group: [
            {**e, "count_list": [e["counts"][s] for s in statuses]}
            for e in sorted(tables[group].values(), key=lambda e: (e["name"] == "–", e["name"].casefold(), e["name"]))
        ]
        for group in groups
    }


def _status_count_tuples(qs: QuerySet[Usulan], groups: list[str]):
    """(group, name, status, count, summed anggaran or None) for each name and status of each group in `qs`."""
    if not groups:
        return []
    connection = connections[qs.db]
    if connection.vendor != "postgresql":  # no GROUPING SETS: one grouped query per group, joined by UNION ALL
        parts = [
            qs.order_by()
            .values(group, "status")
            .annotate(n=Count("id"), biaya=Sum("anggaran"), k=Value(i))
            .values_list("k", group, "status", "n", "biaya")
            for i, group in enumerate(groups)
        ]
        union = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
        return [(groups[i], name, status, n, biaya) for i, name, status, n, biaya in union]
    try:
        sql, params = qs.order_by().values_list(*groups, "status", "anggaran").query.sql_with_params()
    except EmptyResultSet:  # qs.none()
        return []
    names = [f"g{i}" for i in range(len(groups))]
    # GROUPING(g0, g1, ...) is a bit mask, g0 the highest bit, 1 = not grouped by: set i leaves only g_i's bit 0.
    full = (1 << len(groups)) - 1
    set_of_mask = {full ^ (1 << (len(groups) - 1 - i)): i for i in range(len(groups))}
    grouping_sets = ", ".join(f"({name}, s)" for name in names)
    query = (
        f"SELECT GROUPING({', '.join(names)}), {', '.join(names)}, s, COUNT(*), SUM(m) "
        f"FROM ({sql}) AS t({', '.join(names)}, s, m) GROUP BY GROUPING SETS ({grouping_sets})"
    )
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        rows = cursor.fetchall()
    tuples = []
    for mask, *values in rows:
        i = set_of_mask[mask]
        status, n, biaya = values[-3:]
        # SUM(bigint) is numeric on PostgreSQL: an int, as the ORM's Sum of an integer field gives.
        tuples.append((groups[i], values[i], status, n, None if biaya is None else int(biaya)))
    return tuples


def status_counts_scope(user) -> str:
    """Whose usulan the user's year counts count: "all", or one agency's ("opd12"), the same for everyone who
    reads the same usulan (permissions.usulan_for_user)."""
    from renja import permissions as rules

    if rules.sees_all_usulan(user):
        return "all"
    return f"opd{rules.usulan_opd_scope(user) or '-'}"


def year_status_counts(user, fiscal_year) -> dict[str, list[dict]]:
    """status_counts per kecamatan and per agency of the year's usulan the user may read, for the usulan list: computed
    once per usulan revision and scope (all usulan, or one agency's), from the cache otherwise (every usulan write
    raises FiscalYear.usulan_revision: renja.services.revision)."""
    from renja.services.revision import revision_cached

    from .permissions import usulan_for_user

    return revision_cached(
        f"usulan-counts:{status_counts_scope(user)}",
        fiscal_year,
        lambda: status_counts(
            usulan_for_user(user).filter(fiscal_year=fiscal_year), "desa__parent__nama", "opd_tujuan__singkatan"
        ),
        counter="usulan_revision",  # a Renja row edited leaves it
    )


# --- Acceptance checks (issue 14): warnings shown before an usulan is picked up into a Renja row. They never refuse:
# the officer may know better (a regency-wide programme reaching a village, a pagu raised at the forum).

UNDECIDED = decisions.UNDECIDED


def rows_for_pickup(*, opd_id: int | None, fiscal_year_id: int) -> list[RenjaRow]:
    """The agency's Renja rows of a year for the row picker, ordered by ref, each with `ditampung` (the cost of the
    usulan it holds now) and `lokasi_ids` (its kecamatan and desa; empty = regency-wide). Two queries."""
    if opd_id is None:
        return []
    active = Q(pickups__dibatalkan_oleh__isnull=True)
    rows = list(
        RenjaRow.objects.filter(opd_id=opd_id, fiscal_year_id=fiscal_year_id)
        .annotate(ditampung=Coalesce(Sum("pickups__anggaran", filter=active), 0))
        .only("pk", "ref", "nama", "rincian", "pagu", "version", "status", "opd_id", "fiscal_year_id")
        .order_by("ref")
    )
    places: dict[int, set[int]] = {}
    through = RenjaRow.lokasi.through
    for row_id, wilayah_id in through.objects.filter(renjarow__in=[r.pk for r in rows]).values_list(
        "renjarow_id", "wilayah_id"
    ):
        places.setdefault(row_id, set()).add(wilayah_id)
    for row in rows:
        row.lokasi_ids = places.get(row.pk, set())
    return rows


def rows_for_picker(*, opd_id: int | None, fiscal_year_id: int) -> list:
    """rows_for_pickup as the row picker draws them (tables.row_picker_options_html): named tuples of ref, nama,
    rincian, pagu and ditampung, in the same order. One query of values: no places (only acceptance warnings read
    them), no model instances (the inbox draws an agency's tens of rows on every view)."""
    if opd_id is None:
        return []
    active = Q(pickups__dibatalkan_oleh__isnull=True)
    return list(
        RenjaRow.objects.filter(opd_id=opd_id, fiscal_year_id=fiscal_year_id)
        .annotate(ditampung=Coalesce(Sum("pickups__anggaran", filter=active), 0))
        .order_by("ref")
        .values_list("ref", "nama", "rincian", "pagu", "ditampung", named=True)
    )


@dataclass
class AcceptanceWarning:
    """Something the officer should see before accepting: `kind` is "lokasi" or "pagu"."""

    kind: str
    row: RenjaRow
    message: str


def acceptance_warnings(usulan: Usulan, parts: list[tuple[RenjaRow, int]]) -> list[AcceptanceWarning]:
    """Warnings for accepting `usulan` into these (row, cost) parts; rows come from rows_for_pickup (no queries).

    A row whose locations name neither the usulan's desa nor its kecamatan is out of place (no locations means
    regency-wide, never out of place); a row whose pagu is below what it holds plus this part would be exceeded
    (a re-decision of the same usulan does not count its own current pick-up twice)."""
    warnings = []
    place = {usulan.desa_id, usulan.desa.parent_id} - {None}
    own = (
        {p.renja_row_id: p.anggaran for p in usulan.pickups.all() if p.dibatalkan_oleh_id is None} if usulan.pk else {}
    )
    for row, cost in parts:
        if row.lokasi_ids and not (row.lokasi_ids & place):
            warnings.append(
                AcceptanceWarning(
                    "lokasi",
                    row,
                    _(
                        "Usulan %(id)s dari Desa/Kel. %(desa)s (Kec. %(kec)s) berada di luar lokasi baris %(ref)s; "
                        "desa pengusul akan membaca bahwa usulannya ditampung di kegiatan di tempat lain."
                    )
                    % {
                        "id": usulan.id_usulan,
                        "ref": row.ref,
                        "desa": usulan.desa.nama,
                        "kec": usulan.desa.parent.nama if usulan.desa.parent_id else "–",
                    },
                )
            )
        held = row.ditampung - own.get(row.pk, 0)
        if held + cost > row.pagu:
            warnings.append(
                AcceptanceWarning(
                    "pagu",
                    row,
                    _(
                        "Pagu baris %(ref)s %(pagu)s; sudah menampung %(held)s, "
                        "dengan usulan ini %(total)s: melebihi pagu %(over)s."
                    )
                    % {
                        "ref": row.ref,
                        "pagu": rupiah(row.pagu),
                        "held": rupiah(held),
                        "total": rupiah(held + cost),
                        "over": rupiah(held + cost - row.pagu),
                    },
                )
            )
    return warnings


def place_fix_rows(warnings: list[AcceptanceWarning]) -> list[RenjaRow]:
    """The rows an out-of-place warning names, once each: each gets one "add the desa" button."""
    return list({w.row.pk: w.row for w in warnings if w.kind == "lokasi"}.values())


def officer_inbox_counts(user) -> dict[str, int]:
    """For an officer: usulan of their agency in the newest year that are undecided, and those routed to it since
    they last opened the inbox (all undecided when they never did). One query; zeros for anyone else. Plain SQL
    written once (the menu badge of every page an officer opens: the ORM's compile cost more than the query)."""
    from renja import permissions as rules

    opd_id = rules.usulan_opd_scope(user)
    if opd_id is None:
        return {"baru": 0, "belum": 0}
    with connections[Usulan.objects.db].cursor() as cursor:
        sql = _INBOX_COUNTS_SQL.get(cursor.db.vendor) or _inbox_counts_sql(cursor.db)
        cursor.execute(sql, [user.pk, opd_id, *UNDECIDED])
        belum, baru = cursor.fetchone()
    return {"baru": baru or 0, "belum": belum or 0}


_INBOX_COUNTS_SQL: dict[str, str] = {}  # per database vendor


def _inbox_counts_sql(connection) -> str:
    """officer_inbox_counts' statement (params: user id, agency id, the undecided statuses). The visit is joined by
    user, at most one row (one-to-one): an undecided usulan is new when there is no visit or it was routed after."""
    from renja.models import FiscalYear

    def table(model) -> str:
        return connection.ops.quote_name(model._meta.db_table)

    def column(model, field: str) -> str:
        return connection.ops.quote_name(model._meta.get_field(field).column)

    usulan, visit, year = table(Usulan), table(InboxVisit), table(FiscalYear)
    statuses = ", ".join(["%s"] * len(UNDECIDED))
    sql = _INBOX_COUNTS_SQL[connection.vendor] = (
        f"SELECT COUNT(*), COUNT(CASE WHEN v.{column(InboxVisit, 'id')} IS NULL"
        f" OR u.{column(Usulan, 'diputuskan_pada')} > v.{column(InboxVisit, 'seen_at')} THEN 1 END)"
        f" FROM {usulan} u LEFT JOIN {visit} v ON v.{column(InboxVisit, 'user')} = %s"
        f" WHERE u.{column(Usulan, 'opd_tujuan')} = %s"
        f" AND u.{column(Usulan, 'fiscal_year')} = (SELECT f.{column(FiscalYear, 'id')} FROM {year} f"
        f" ORDER BY f.{column(FiscalYear, 'year')} DESC LIMIT 1)"
        f" AND u.{column(Usulan, 'status')} IN ({statuses})"
    )
    return sql


def inbox_order_key(item: dict) -> tuple:
    """The inbox order within the undecided: kecamatan, priority (none last), ID. Python, so both databases agree."""
    return (item["desa__parent__nama"] or "", item["prioritas"] is None, item["prioritas"] or 0, item["id_usulan"])


def next_undecided(usulan: Usulan, visible: QuerySet[Usulan]) -> Usulan | None:
    """The undecided usulan of the same agency and year that follows this one in the inbox order (wrapping to the
    first), never itself. One query of values, then the chosen usulan."""
    if usulan.opd_tujuan_id is None:
        return None
    items = list(
        visible.filter(opd_tujuan_id=usulan.opd_tujuan_id, fiscal_year_id=usulan.fiscal_year_id, status__in=UNDECIDED)
        .exclude(pk=usulan.pk)
        .values("pk", "desa__parent__nama", "prioritas", "id_usulan")
    )
    if not items:
        return None
    here = inbox_order_key(
        {
            "desa__parent__nama": usulan.desa.parent.nama if usulan.desa.parent_id else "",
            "prioritas": usulan.prioritas,
            "id_usulan": usulan.id_usulan,
        }
    )
    items.sort(key=inbox_order_key)
    chosen = next((i for i in items if inbox_order_key(i) > here), items[0])
    return visible.get(pk=chosen["pk"])


def inbox_last_seen(user):
    """When the user last opened their inbox (None: never)."""
    return InboxVisit.objects.filter(user_id=user.pk).values_list("seen_at", flat=True).first()


def undecided_for_agency(*, opd_id: int, fiscal_year_id: int) -> QuerySet[Usulan]:
    """The agency's undecided usulan of a year, longest waiting first, with the places the officer's home shows."""
    return (
        Usulan.objects.filter(opd_tujuan_id=opd_id, fiscal_year_id=fiscal_year_id, status__in=UNDECIDED)
        .select_related("desa__parent")
        .order_by("diputuskan_pada", "id_usulan")
    )


def carry_over_counts(*, from_year, to_year) -> dict[str, int]:
    """What carrying over would do (the confirmation states it): usulan to copy, and those skipped because their ID
    is already taken in the target year; those carried before are not counted."""
    from .services import NOT_ACCOMMODATED

    already = Usulan.objects.filter(fiscal_year=to_year, asal__isnull=False).values("asal_id")
    originals = Usulan.objects.filter(fiscal_year=from_year, status__in=NOT_ACCOMMODATED).exclude(pk__in=already)
    taken = originals.filter(id_usulan__in=Usulan.objects.filter(fiscal_year=to_year).values("id_usulan")).count()
    return {"dibawa": originals.count() - taken, "dilewati": taken}


def inbox_mail_mode(user) -> str:
    """How the user chose to hear of routed usulan (no e-mail until they choose)."""
    return InboxMail.objects.filter(user_id=user.pk).values_list("mode", flat=True).first() or InboxMail.Mode.TIDAK
