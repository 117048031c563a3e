"""Reusable reads of usulan."""
from __future__ import annotations

from django.db.models import Count, QuerySet, Sum

from renja.db_router import for_reports

from .models import Keputusan, Pengambilan, Usulan


def trail(usulan: Usulan) -> list[Keputusan]:
    """The decision trail, oldest first, with the agencies and merge targets it names."""
    return list(
        usulan.keputusan.select_related("opd", "by", "digabung_ke_usulan", "digabung_ke_renja").order_by("at", "id")
    )


def pickups(usulan: Usulan) -> list[Pengambilan]:
    """The Renja rows the usulan is picked up into now."""
    return list(
        usulan.pengambilan.filter(dibatalkan_oleh__isnull=True).select_related("renja_row__opd").order_by("at", "id")
    )


def usulan_by_tracking_code(code: str) -> Usulan | None:
    """The usulan with this public tracking code (case and spacing forgiven)."""
    normalised = code.strip().upper().replace(" ", "")
    if normalised and not normalised.startswith("USL-") and len(normalised) == 8:
        normalised = f"USL-{normalised[:4]}-{normalised[4:]}"
    return Usulan.objects.select_related("fiscal_year", "desa__parent", "opd_tujuan").filter(kode_lacak=normalised).first()


def usulan_for_table(qs: QuerySet[Usulan]) -> QuerySet[Usulan]:
    """An usulan list queryset with what its table shows (desa, kecamatan, agency) and no more."""
    return qs.select_related(None).select_related("desa__parent", "opd_tujuan").prefetch_related(None)


def usulan_for_export(qs: QuerySet[Usulan]) -> QuerySet[Usulan]:
    """An usulan list queryset with everything its CSV/XLSX export shows, read from the reports database."""
    return for_reports(qs).select_related("desa__parent", "bidang_urusan", "opd_awal", "opd_tujuan").prefetch_related("sasaran")


def status_counts(qs: QuerySet[Usulan], *groups: str) -> dict[str, list[dict]]:
    """Counts per status and total cost for each value of each of `groups`, as rows for a table (ordered by name,
    blanks as "–" last), all from one grouped query: the usulan are read once, not once per table."""
    statuses = list(Usulan.Status.values)
    tables: dict[str, dict[str, dict]] = {g: {} for g in groups}
    for item in qs.values(*groups, "status").annotate(n=Count("id"), biaya=Sum("anggaran")).order_by():
        for group, table in tables.items():
            key = item[group] or "–"
            entry = table.setdefault(key, {"name": key, "counts": dict.fromkeys(statuses, 0), "n": 0, "biaya": 0})
            entry["counts"][item["status"]] += item["n"]
            entry["n"] += item["n"]
            entry["biaya"] += item["biaya"] or 0
    return {
        group: [{**e, "count_list": [e["counts"][s] for s in statuses]}
                for e in sorted(table.values(), key=lambda e: (e["name"] == "–", e["name"].casefold(), e["name"]))]
        for group, table in tables.items()
    }
