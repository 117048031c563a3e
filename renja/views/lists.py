"""The Renja list: filtered, paged and totalled, its CSV/XLSX export and its print."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.db_router import for_reports
from core.formatting import angka, place_label, rupiah
from core.http import configure_table, csv_delimiter, filter_summary
from core.streaming import related_values, streamed_export_response, value_chunks
from core.tabular import Column

from .. import permissions, selectors
from ..filters import RenjaRowFilter
from ..models import RenjaRow
from ..services.imports import export_cells
from ..services.revision import revision_cached
from ..tables import KnownCountPaginator, RenjaRowTable, per_program_body_html

EXPORT_COLUMNS = [
    Column("ref"),
    Column("opd"),
    Column("kode_sub_kegiatan"),
    Column("nama"),
    Column("indikator"),
    Column("target", "number"),
    Column("satuan"),
    Column("pagu", "rupiah"),
    Column("lokasi"),
    Column("lokasi_nama"),
    Column("sasaran"),
    Column("sumber_dana"),
    Column("keterangan"),
    Column("program"),
    Column("kegiatan"),
    Column("sub_kegiatan"),
    Column("status"),
    Column("prioritas_nasional", "integer"),
    Column("prioritas_daerah", "integer"),
    Column("quick_win", "integer"),
    Column("opd_pengampu"),
    Column("opd_pendukung"),
    Column("target_n1", "number"),
    Column("pagu_n1", "rupiah"),
    Column("sumber_data"),
    Column("desil", "integer"),
    Column("rincian"),
    Column("indikator_resmi"),
    Column("satuan_resmi"),
    Column("target_resmi", "number"),
]


EXPORT_FIELDS = (
    "id",
    "ref",
    "opd__singkatan",
    "kode",
    "nama",
    "rincian",
    "indikator",
    "satuan",
    "target",
    "indikator_opd",
    "satuan_opd",
    "target_opd",
    "pagu",
    "sumber_dana",
    "keterangan",
    "sub_kegiatan__nama",
    "sub_kegiatan__parent__nama",
    "sub_kegiatan__parent__parent__nama",
    "status",
    "prioritas_nasional",
    "prioritas_daerah",
    "quick_win",
    "opd_pengampu__singkatan",
    "target_n1",
    "pagu_n1",
    "sumber_data",
    "desil",
)


def _export_rows(qs):
    """Typed values (amounts and targets as numbers); `lokasi` keeps the codes the import reads, `lokasi_nama`
    (ignored on import) names the places. `nama`, `indikator`, `satuan` and `target` are what the import reads
    (services.imports.export_cells: the rincian, the extra indicator when there is one); `rincian` and the
    official indicator (`*_resmi`) follow for reading, ignored on import. Read a chunk at a time from the reports
    database, each chunk's places, groups and supporting agencies in one query each (streaming.related_values)."""
    qs = for_reports(qs)
    labels: dict[tuple[str, str], str] = {}  # each place's label made once per export
    for chunk in value_chunks(qs, EXPORT_FIELDS):
        ids = [r.id for r in chunk]
        lokasi = related_values(RenjaRow, "lokasi", ids, ("kode", "nama", "tingkat"), using=qs.db)
        sasaran = related_values(RenjaRow, "sasaran", ids, ("slug",), using=qs.db)
        pendukung = related_values(RenjaRow, "opd_pendukung", ids, ("singkatan",), using=qs.db)
        for row in chunk:
            places = lokasi.get(row.id, ())
            for _kode, nama, tingkat in places:
                if (nama, tingkat) not in labels:
                    labels[nama, tingkat] = place_label(nama, tingkat)
            cells = export_cells(row)
            yield [
                row.ref,
                row.opd__singkatan,
                row.kode,
                cells["nama"],
                cells["indikator"],
                cells["target"],
                cells["satuan"],
                row.pagu,
                ";".join(kode for kode, _n, _t in places),
                "; ".join(labels[nama, tingkat] for _k, nama, tingkat in places),
                ";".join(slug for (slug,) in sasaran.get(row.id, ())),
                row.sumber_dana,
                row.keterangan,
                row.sub_kegiatan__parent__parent__nama or "",
                row.sub_kegiatan__parent__nama or "",
                row.sub_kegiatan__nama,
                row.status,
                int(row.prioritas_nasional),
                int(row.prioritas_daerah),
                int(row.quick_win),
                row.opd_pengampu__singkatan or "",
                ";".join(singkatan for (singkatan,) in pendukung.get(row.id, ())),
                row.target_n1,
                row.pagu_n1,
                row.sumber_data,
                row.desil,
                row.rincian,
                row.indikator,
                row.satuan,
                row.target,
            ]


def _summary(row_filter: RenjaRowFilter, qs) -> tuple[dict, list[dict], str]:
    """The list's totals, pagu per program and that table's body (drawn once with the figures: a year has about
    150 programs); for a whole year (no filter but the year, the list as first opened) computed once per change
    of the rows' figures and kept in the cache (FiscalYear.rows_revision). Every reader sees every agency's rows
    (permissions.row_queryset_for_user), so one summary serves them all."""

    def compute() -> tuple[dict, list[dict], str]:
        per_program = selectors.pagu_per_program(qs)
        return selectors.row_totals(qs), per_program, per_program_body_html(per_program)

    data = row_filter.form.cleaned_data if row_filter.form.is_valid() else {}
    year = data.get("tahun")
    if year is None or qs.query.is_empty() or any(v not in (None, "", []) for k, v in data.items() if k != "tahun"):
        return compute()
    return revision_cached(
        "renja-summary-html",  # a new name: entries cached by the release before hold two figures, not three
        year,
        compute,
        counter="rows_revision",  # an usulan decided or a row's description edited leaves it
    )


@login_required
def row_list(request: HttpRequest) -> HttpResponse:
    base = permissions.row_queryset_for_user(request.user)
    row_filter = RenjaRowFilter(request.GET or None, queryset=base, default_year=selectors.current_fiscal_year())
    qs = row_filter.qs.order_by("opd__kode_unit", "opd__singkatan", "kode", "ref")
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        return streamed_export_response(
            export,
            EXPORT_COLUMNS,
            _export_rows(qs),
            basename="renja",
            title="Renja",
            delimiter=csv_delimiter(request.GET),
        )
    totals, per_program, per_program_html = _summary(row_filter, qs)  # all filtered rows, not only the page
    table = RenjaRowTable(selectors.rows_for_table(qs))
    configure_table(request, table, per_page=25, paginator_class=KnownCountPaginator, count=totals["n"])
    params = request.GET.copy()
    for key in ("page", "sort", "export"):
        params.pop(key, None)
    filtered = row_filter.form.cleaned_data if row_filter.form.is_valid() else {}
    # One agency's list shows its rows against its pagu indikatif (renja/_pagu_opd.html).
    ceiling = None
    if filtered.get("opd") and filtered.get("tahun"):
        ceiling = selectors.ceiling_status(filtered["tahun"], [filtered["opd"].pk])[0]
    return render(
        request,
        "renja/row_list.html",
        {
            "filter": row_filter,
            "table": table,
            "total": table.paginator.count,
            "pagu_text": rupiah(totals["pagu"]),
            "pagu_n1_text": rupiah(totals["pagu_n1"]),
            "per_program": per_program,
            "per_program_html": per_program_html,
            "export_query": params.urlencode(),
            "fiscal_year": row_filter.form.cleaned_data.get("tahun") if row_filter.form.is_valid() else None,
            "can_create": permissions.can_create_rows(request.user),
            "can_import": permissions.can_import(request.user),
            "ceiling": ceiling,
            "plan_links": ceiling is not None and permissions.may_print_document(request.user, ceiling.opd.pk),
        },
    )


PRINT_MAX_ROWS = 5000  # about 250 landscape pages: beyond that the XLSX download serves better


@login_required
def row_print(request: HttpRequest) -> HttpResponse:
    """The whole filtered Renja list for paper (landscape, header repeated on each page), at most PRINT_MAX_ROWS
    rows, with the Pemda's name and the filters on top."""
    base = permissions.row_queryset_for_user(request.user)
    row_filter = RenjaRowFilter(request.GET or None, queryset=base, default_year=selectors.current_fiscal_year())
    qs = row_filter.qs.order_by("opd__kode_unit", "opd__singkatan", "kode", "ref")
    totals = qs.aggregate(n=Count("id"), pagu=Sum("pagu"))
    rows = selectors.attach_row_names(list(selectors.rows_for_print(qs)[:PRINT_MAX_ROWS]))
    for row in rows:
        row.lokasi_text = ", ".join(place_label(w.nama, w.tingkat) for w in row.lokasi_list) or _("Se-kabupaten")
        row.sasaran_text = ", ".join(s.nama for s in row.sasaran_list)
        row.pagu_text, row.target_text, row.target_opd_text = rupiah(row.pagu), angka(row.target), angka(row.target_opd)
    params = request.GET.copy()
    for key in ("page", "sort", "export"):
        params.pop(key, None)
    return render(
        request,
        "renja/row_print.html",
        {
            "rows": rows,
            "total": totals["n"],
            "pagu_text": rupiah(totals["pagu"] or 0),
            "cut": totals["n"] > len(rows),
            "max_rows": PRINT_MAX_ROWS,
            "filters": filter_summary(row_filter.form),
            "printed_at": timezone.localtime(),
            "list_query": params.urlencode(),
        },
    )
