"""Reusable reads of the renja app: querysets with their joins applied."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    BigIntegerField,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.db_router import for_reports
from core.http import int_param

from .models import (
    AuditLog,
    FiscalYear,
    Nomenklatur,
    Opd,
    PaguOpd,
    ProgramIndicator,
    RenjaRow,
)


def current_fiscal_year() -> FiscalYear | None:
    """The year planners work on by default: the newest one."""
    return FiscalYear.objects.order_by("-year").first()


def fiscal_year_from_query(query: Mapping[str, str], name: str = "tahun") -> FiscalYear | None:
    """The year a query names: `?tahun=` is the calendar year (2026) on every page, never a FiscalYear pk. A
    missing, malformed or unknown year gives the current one."""
    number = int_param(query, name)
    if number is not None:
        found = FiscalYear.objects.filter(year=number).first()
        if found:
            return found
    return current_fiscal_year()


def field_labels() -> dict[str, str]:
    """Field name → the label people read, for Renja rows."""
    labels = {f.name: str(f.verbose_name) for f in RenjaRow._meta.get_fields() if hasattr(f, "verbose_name")}
    return {**labels, "kode": str(_("kode sub kegiatan"))}


ACTION_LABELS = {
    "renja_row.created": gettext_lazy("Dibuat"),
    "renja_row.updated": gettext_lazy("Diubah"),
    "renja_row.imported": gettext_lazy("Diubah lewat impor"),
    "renja_row.status_changed": gettext_lazy("Status diubah"),
    "renja_row.usulan_merged": gettext_lazy("Usulan OPD lain digabung ke baris ini (oleh Bappeda)"),
}


def row_history(row: RenjaRow) -> list[AuditLog]:
    """Every audit entry of one row, newest first, with the acting user and labelled changes (`change_list`)."""
    ct = ContentType.objects.get_for_model(RenjaRow)
    entries = list(
        AuditLog.objects.filter(content_type=ct, object_id=str(row.pk)).select_related("by").order_by("-at", "-id")
    )
    labels = field_labels()
    for entry in entries:
        entry.action_label = ACTION_LABELS.get(entry.action, entry.action)
        entry.change_list = [(labels.get(f, f), pair[0], pair[1]) for f, pair in entry.changes.items()]
    return entries


# What a Renja list row shows (tables.RenjaRowTable, templates/renja/row_print.html).
TABLE_ROW_FIELDS = (
    "ref",
    "kode",
    "nama",
    "rincian",
    "indikator",
    "target",
    "satuan",
    "indikator_opd",
    "target_opd",
    "satuan_opd",
    "pagu",
    "status",
    "opd__singkatan",
)


def rows_for_table(qs: QuerySet[RenjaRow]) -> QuerySet[RenjaRow]:
    """A Renja list queryset with what its table shows and no more: the agency; the names of the places and target
    groups come from `attach_row_names` once the page's rows are read (tables.RenjaRowTable does it)."""
    # Only the columns the table and the print view show: the search text (`cari`), descriptions and notes of a
    # row are most of its width, and were read for every row of the page.
    return qs.select_related(None).select_related("opd").only(*TABLE_ROW_FIELDS)


@dataclass(frozen=True, slots=True)
class RowName:
    """A place (`tingkat` set) or a target group as a list row names it."""

    nama: str
    tingkat: str = ""


def attach_row_names(rows: list[RenjaRow]) -> list[RenjaRow]:
    """Give each row `lokasi_list` (its places by code) and `sasaran_list` (its target groups in their order) as
    plain names, in two values queries for all the rows: Django's prefetch made a model instance per link and cost
    more than the queries."""
    ids = [r.pk for r in rows]
    places: dict[int, list[RowName]] = {}
    groups: dict[int, list[RowName]] = {}
    if ids:
        db = rows[0]._state.db or "default"
        for row_id, nama, tingkat in (
            RenjaRow.lokasi.through.objects.using(db)
            .filter(renjarow_id__in=ids)
            .order_by("wilayah__kode")
            .values_list("renjarow_id", "wilayah__nama", "wilayah__tingkat")
        ):
            places.setdefault(row_id, []).append(RowName(nama, tingkat))
        for row_id, nama in (
            RenjaRow.sasaran.through.objects.using(db)
            .filter(renjarow_id__in=ids)
            .order_by("kelompoksasaran__urutan", "kelompoksasaran__nama")
            .values_list("renjarow_id", "kelompoksasaran__nama")
        ):
            groups.setdefault(row_id, []).append(RowName(nama))
    for r in rows:
        r.lokasi_list, r.sasaran_list = places.get(r.pk, []), groups.get(r.pk, [])
    return rows


def rows_for_print(qs: QuerySet[RenjaRow]) -> QuerySet[RenjaRow]:
    """A Renja list queryset for the print view: what the table shows (rows_for_table), read from the reports
    database."""
    return for_reports(rows_for_table(qs))


def rows_for_export(qs: QuerySet[RenjaRow]) -> QuerySet[RenjaRow]:
    """A Renja list queryset with everything its CSV/XLSX export shows, read from the reports database."""
    return (
        for_reports(qs)
        .select_related("opd", "opd_pengampu", "sub_kegiatan__parent__parent")
        .prefetch_related("lokasi", "sasaran", "opd_pendukung")
    )


def status_counts_per_opd(fiscal_year: FiscalYear) -> list[dict]:
    """Rows and pagu per OPD and status, one query: [{'opd__singkatan', 'status', 'n', 'pagu'}]."""
    return list(
        RenjaRow.objects.filter(fiscal_year=fiscal_year)
        .values("opd_id", "opd__singkatan", "opd__nama", "status")
        .annotate(n=Count("id"), pagu=Sum("pagu"))
        .order_by("opd__kode_unit", "opd__singkatan", "status")
    )


def status_summary_per_opd(fiscal_year: FiscalYear) -> dict:
    """The home page's table from one query: per agency its rows per status (in the order of RenjaRow.Status), their
    number and pagu, and the same totals: {"rows": [{"id", "singkatan", "nama", "counts", "n", "pagu"}],
    "totals": {"counts", "n", "pagu"}}."""
    statuses = list(RenjaRow.Status.values)
    per_opd: dict[int, dict] = {}
    totals = {"by_status": dict.fromkeys(statuses, 0), "n": 0, "pagu": 0}
    for item in status_counts_per_opd(fiscal_year):
        entry = per_opd.setdefault(
            item["opd_id"],
            {
                "id": item["opd_id"],
                "singkatan": item["opd__singkatan"],
                "nama": item["opd__nama"],
                "by_status": dict.fromkeys(statuses, 0),
                "n": 0,
                "pagu": 0,
            },
        )
        for counted in (entry, totals):
            counted["by_status"][item["status"]] += item["n"]
            counted["n"] += item["n"]
            counted["pagu"] += item["pagu"] or 0

    def finish(counted: dict) -> dict:
        by_status = counted.pop("by_status")
        return {**counted, "counts": [by_status[s] for s in statuses]}

    return {"rows": [finish(e) for e in per_opd.values()], "totals": finish(totals)}


def row_totals(qs: QuerySet[RenjaRow]) -> dict:
    """Rows, pagu and pagu N+1 of every row of a filtered list (not only the page shown), summed in one query."""
    totals = qs.order_by().aggregate(n=Count("id"), pagu=Sum("pagu"), pagu_n1=Sum("pagu_n1"))
    return {"n": totals["n"], "pagu": totals["pagu"] or 0, "pagu_n1": totals["pagu_n1"] or 0}


def pagu_per_program(qs: QuerySet[RenjaRow]) -> list[dict]:
    """Rows, pagu and pagu N+1 per program (sub kegiatan ▸ kegiatan ▸ program) of a filtered list, grouped in SQL in
    one query, ordered by program code: [{'kode', 'nama', 'n', 'pagu', 'pagu_n1'}]."""
    program = "sub_kegiatan__parent__parent"
    return [
        {
            "kode": item[f"{program}__kode"] or "–",
            "nama": item[f"{program}__nama"] or "",
            "n": item["n"],
            "pagu": item["pagu"] or 0,
            "pagu_n1": item["pagu_n1"] or 0,
        }
        for item in qs.order_by()
        .values(f"{program}__kode", f"{program}__nama")
        .annotate(n=Count("id"), pagu=Sum("pagu"), pagu_n1=Sum("pagu_n1"))
        .order_by(f"{program}__kode")
    ]


@dataclass(frozen=True)
class CeilingStatus:
    """One agency's rows held against its pagu indikatif for a year (see ceiling_status)."""

    opd: Opd  # with singkatan, nama and kode_unit loaded
    pagu: int | None  # the ceiling set (PaguOpd.pagu), None when none is set
    version: int  # the ceiling's version (0: none set), for the edit form's stale check
    jumlah: int  # the sum of the pagu of the agency's rows of the year (every status)
    n: int  # how many rows

    @property
    def difference(self) -> int | None:
        """Rows' sum minus the ceiling: positive is over by that much, negative is what remains; None without one."""
        return None if self.pagu is None else self.jumlah - self.pagu

    @property
    def over(self) -> bool:
        """Above its ceiling (an agency without a ceiling is never over)."""
        return self.pagu is not None and self.jumlah > self.pagu

    @property
    def excess(self) -> int:
        return max(self.difference or 0, 0)

    @property
    def remaining(self) -> int:
        return max(-(self.difference or 0), 0)


def ceiling_status(fiscal_year: FiscalYear, opd_ids: Iterable[int] | None = None) -> list[CeilingStatus]:
    """Per agency, in kode unit order: its pagu indikatif of `fiscal_year`, the sum and number of its rows, and
    whether they are over it (CeilingStatus: opd, pagu, version, jumlah, n, difference, over, excess, remaining).

    `opd_ids` None: every active agency, and any other that has a ceiling or rows that year; else those agencies.
    One query whatever the number of agencies and rows (a subquery per figure). Stable: the forum page and the berita
    acara read it too."""
    rows = RenjaRow.objects.filter(fiscal_year=fiscal_year, opd=OuterRef("pk")).order_by().values("opd")
    ceiling = PaguOpd.objects.filter(fiscal_year=fiscal_year, opd=OuterRef("pk"))
    qs = Opd.objects.only("singkatan", "nama", "kode_unit").annotate(
        ceiling_pagu=Subquery(ceiling.values("pagu")[:1]),
        ceiling_version=Subquery(ceiling.values("version")[:1]),
        rows_pagu=Coalesce(Subquery(rows.annotate(s=Sum("pagu")).values("s")), 0, output_field=BigIntegerField()),
        rows_n=Coalesce(Subquery(rows.annotate(c=Count("pk")).values("c")), 0, output_field=IntegerField()),
    )
    if opd_ids is None:
        qs = qs.filter(Q(aktif=True) | Exists(ceiling) | Exists(rows))
    else:
        qs = qs.filter(pk__in=list(opd_ids))
    return [
        CeilingStatus(
            opd=opd,
            pagu=opd.ceiling_pagu,
            version=opd.ceiling_version or 0,
            jumlah=int(opd.rows_pagu),  # PostgreSQL sums a bigint as numeric
            n=int(opd.rows_n),
        )
        for opd in qs.order_by("kode_unit", "singkatan")
    ]


def _year_row_figures(fiscal_year: FiscalYear) -> dict:
    """The numbers of the home page, by agency id (no names: an agency renamed shows at once): rows and pagu per
    agency and status, and each ceiling's pagu and version. Two queries on one table each."""
    counts: dict[int, dict[str, tuple[int, int]]] = {}
    for opd_id, status, n, pagu in (
        RenjaRow.objects.filter(fiscal_year=fiscal_year)
        .order_by()
        .values("opd_id", "status")
        .annotate(n=Count("id"), pagu=Sum("pagu"))
        .values_list("opd_id", "status", "n", "pagu")
    ):
        counts.setdefault(opd_id, {})[status] = (n, int(pagu or 0))
    ceilings = {
        opd_id: (pagu, version)
        for opd_id, pagu, version in PaguOpd.objects.filter(fiscal_year=fiscal_year).values_list(
            "opd_id", "pagu", "version"
        )
    }
    return {"counts": counts, "ceilings": ceilings}


def home_summary(fiscal_year: FiscalYear) -> dict:
    """status_summary_per_opd and ceiling_status (every agency) of a year from numbers kept once per change of the
    rows or ceilings (FiscalYear.rows_revision: an usulan decided or a row's description edited leaves them) and
    the agencies read on each view: {"rows", "totals", "ceilings"}, equal to what those two functions give. Two
    light queries when kept (the cache and the agencies)."""
    from .services.revision import revision_cached  # local: services import selectors

    figures = revision_cached(
        "renja-home", fiscal_year, lambda: _year_row_figures(fiscal_year), counter="rows_revision"
    )
    counts, ceilings = figures["counts"], figures["ceilings"]
    statuses = list(RenjaRow.Status.values)
    rows, ceiling_list = [], []
    totals = {"by_status": dict.fromkeys(statuses, 0), "n": 0, "pagu": 0}
    for opd in Opd.objects.only("singkatan", "nama", "kode_unit", "aktif").order_by("kode_unit", "singkatan"):
        mine = counts.get(opd.pk, {})
        n, jumlah = sum(v[0] for v in mine.values()), sum(v[1] for v in mine.values())
        if mine:
            rows.append(
                {
                    "id": opd.pk,
                    "singkatan": opd.singkatan,
                    "nama": opd.nama,
                    "n": n,
                    "pagu": jumlah,
                    "counts": [mine.get(st, (0, 0))[0] for st in statuses],
                }
            )
            for st, (k, _pagu) in mine.items():
                totals["by_status"][st] += k
            totals["n"] += n
            totals["pagu"] += jumlah
        if opd.aktif or mine or opd.pk in ceilings:
            pagu, version = ceilings.get(opd.pk, (None, 0))
            ceiling_list.append(CeilingStatus(opd=opd, pagu=pagu, version=version or 0, jumlah=jumlah, n=n))
    by_status = totals.pop("by_status")
    return {
        "rows": rows,
        "totals": {**totals, "counts": [by_status[st] for st in statuses]},
        "ceilings": ceiling_list,
    }


def program_codes_used(fiscal_year: FiscalYear, opd: Opd) -> dict[str, Nomenklatur]:
    """The programs and kegiatan of the sub kegiatan the agency's rows of the year use: {code as the agency writes
    it: nomenklatur node}, two joins in one query."""
    used: dict[str, Nomenklatur] = {}
    rows = (
        RenjaRow.objects.filter(fiscal_year=fiscal_year, opd=opd)
        .exclude(sub_kegiatan__parent__parent=None)
        .values_list(
            "kode",
            "sub_kegiatan__parent_id",
            "sub_kegiatan__parent__kode",
            "sub_kegiatan__parent__nama",
            "sub_kegiatan__parent__parent_id",
            "sub_kegiatan__parent__parent__kode",
            "sub_kegiatan__parent__parent__nama",
        )
        .order_by("kode")
        .distinct()
    )
    for kode, kegiatan_id, kegiatan_kode, kegiatan_nama, program_id, program_kode, program_nama in rows:
        parts = kode.split(".")
        used.setdefault(
            ".".join(parts[:3]),
            Nomenklatur(pk=program_id, kode=program_kode, nama=program_nama, level=Nomenklatur.Level.PROGRAM),
        )
        used.setdefault(
            ".".join(parts[:5]),
            Nomenklatur(
                pk=kegiatan_id,
                kode=kegiatan_kode,
                nama=kegiatan_nama,
                level=Nomenklatur.Level.KEGIATAN,
                parent_id=program_id,
            ),
        )
    return used


def program_indicators_by_code(
    fiscal_year: FiscalYear, opd_ids: Iterable[int] | None = None
) -> dict[tuple[int, str], list[ProgramIndicator]]:
    """The program and kegiatan indicators of a year, {(opd id, code as the agency writes it): [indicators in the
    order they were added]}, for every agency or those of `opd_ids`: one query (the Renja document prints them at
    their program's and kegiatan's rows; `is_outcome` tells a program's outcome from a kegiatan's output)."""
    qs = ProgramIndicator.objects.filter(fiscal_year=fiscal_year).select_related("nomenklatur")
    if opd_ids is not None:
        qs = qs.filter(opd_id__in=list(opd_ids))
    found: dict[tuple[int, str], list[ProgramIndicator]] = {}
    for indicator in qs.order_by("opd_id", "kode", "pk"):
        found.setdefault((indicator.opd_id, indicator.kode), []).append(indicator)
    return found


@dataclass
class ProgramEntry:
    """A program or kegiatan on an agency's indicator page, with its indicators."""

    kode: str
    nama: str
    level: str
    indicators: list[ProgramIndicator]

    @property
    def is_program(self) -> bool:
        return self.level == Nomenklatur.Level.PROGRAM


def program_indicator_tree(fiscal_year: FiscalYear, opd: Opd) -> list[ProgramEntry]:
    """An agency's programs and kegiatan of the year in code order (each program followed by its kegiatan): those of
    the sub kegiatan its rows use, and any other one it gave an indicator, each with its indicators. Two queries
    however many rows and indicators."""
    entries = {
        kode: ProgramEntry(kode=kode, nama=node.nama, level=node.level, indicators=[])
        for kode, node in program_codes_used(fiscal_year, opd).items()
    }
    for (_opd, kode), indicators in program_indicators_by_code(fiscal_year, [opd.pk]).items():
        node = indicators[0].nomenklatur
        entry = entries.setdefault(kode, ProgramEntry(kode=kode, nama=node.nama, level=node.level, indicators=[]))
        entry.indicators = indicators
    return [entries[kode] for kode in sorted(entries, key=lambda k: [p.zfill(4) for p in k.split(".")])]
