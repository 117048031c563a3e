"""The usulan list (Bappeda's view, with counts per kecamatan and agency), its export and its print."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Case, Count, IntegerField, Sum, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import engines
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from core import reference
from core.db_router import for_reports
from core.form_renderer import use_reference_selects
from core.formatting import angka, rupiah
from core.http import configure_table, csv_delimiter, filter_summary
from core.memo import Memo
from core.streaming import related_values, streamed_export_response, value_chunks
from core.tabular import Column
from renja import permissions as rules
from renja import selectors as renja_selectors
from renja.tables import KnownCountPaginator

from .. import decisions, selectors, services
from ..filters import UsulanFilter
from ..forms import BulkForm, CarryOverForm
from ..models import Usulan
from ..permissions import usulan_for_user
from ..tables import PageCountingPaginator, UsulanTable, row_picker_options_html, status_counts_body_html

UNDECIDED_FIRST = Case(When(status__in=decisions.UNDECIDED, then=0), default=1, output_field=IntegerField())

EXPORT_COLUMNS = [
    Column(name, kind)
    for name, kind in [
        ("id_usulan", "text"),
        ("kode_lacak", "text"),
        ("sumber", "text"),
        ("pengusul", "text"),
        ("anggota_dprd", "text"),
        ("fraksi", "text"),
        ("dapil", "text"),
        ("kode_desa", "text"),
        ("desa", "text"),
        ("kecamatan", "text"),
        ("permasalahan", "text"),
        ("usulan", "text"),
        ("uraian", "text"),
        ("kode_bidang_urusan", "text"),
        ("jenis", "text"),
        ("volume", "number"),
        ("satuan", "text"),
        ("anggaran", "rupiah"),
        ("prioritas", "integer"),
        ("sasaran", "text"),
        ("opd_awal", "text"),
        ("opd_tujuan", "text"),
        ("status", "text"),
    ]
]

# The bulk form shares field names with the filters above it (opd, baris): its own ids keep every id on the page unique.
BULK_AUTO_ID = "massal_%s"


EXPORT_FIELDS = (
    "id",
    "id_usulan",
    "kode_lacak",
    "sumber",
    "pengusul",
    "anggota_dprd",
    "fraksi",
    "dapil",
    "desa__kode",
    "desa__nama",
    "desa__parent__nama",
    "permasalahan",
    "usulan",
    "uraian",
    "bidang_urusan__kode",
    "jenis",
    "volume",
    "satuan",
    "anggaran",
    "prioritas",
    "opd_awal__singkatan",
    "opd_tujuan__singkatan",
    "status",
)


def _export_rows(qs):
    """Typed values (volume and anggaran as numbers); the desa and kecamatan names beside the desa code are ignored
    on import. Read a chunk at a time from the reports database, each chunk's target groups in one query."""
    qs = for_reports(qs)
    for chunk in value_chunks(qs, EXPORT_FIELDS):
        sasaran = related_values(Usulan, "sasaran", [u.id for u in chunk], ("slug",), using=qs.db)
        for u in chunk:
            yield [
                u.id_usulan,
                u.kode_lacak,
                u.sumber,
                u.pengusul,
                u.anggota_dprd,
                u.fraksi,
                u.dapil,
                u.desa__kode,
                u.desa__nama,
                u.desa__parent__nama or "",
                u.permasalahan,
                u.usulan,
                u.uraian,
                u.bidang_urusan__kode or "",
                u.jenis,
                u.volume,
                u.satuan,
                u.anggaran,
                u.prioritas,
                ";".join(slug for (slug,) in sasaran.get(u.id, ())),
                u.opd_awal__singkatan or "",
                u.opd_tujuan__singkatan or "",
                u.status,
            ]


# The filter form's fields as the list draws them (partials/_form_field.html for each), kept per process: they are
# a pure function of the form's data, its fields (the inbox has no agency filter), the language and the reference
# token (the drop-downs list only reference data: core.reference), and drawing them cost a sixth of the page.
_FILTER_FIELDS: Memo[SafeString] = Memo("musrenbang.list_filter_fields", size=256)
_FILTER_FIELDS_TEMPLATE = '{% for field in form %}{% include "partials/_form_field.html" %}{% endfor %}'


def _filter_fields_html(form, *, reference_token: str) -> SafeString:
    """The fields of a list's filter form, drawn once per distinct data (read the token before the form's data)."""
    data = form.data if form.is_bound else {}
    names = tuple(form.fields)
    given = tuple(
        sorted(
            (key, tuple(data.getlist(key)) if hasattr(data, "getlist") else data[key])
            for key in data
            if any(key == name or key.startswith(f"{name}_") for name in names)
        )
    )
    key = (names, form.is_bound, given, translation.get_language(), reference_token)
    return _FILTER_FIELDS.get_or_set(
        key, lambda: mark_safe(engines["django"].from_string(_FILTER_FIELDS_TEMPLATE).render({"form": form}))
    )


def _list_page(
    request: HttpRequest,
    *,
    inbox: bool,
    bulk_form: BulkForm | None = None,
    chosen=(),
    warnings=(),
    next_url: str = "",
    status: int = 200,
) -> HttpResponse:
    """The list or the inbox from request.GET; a refused or warned bulk action passes its bound form, the chosen
    usulan (kept ticked) and the acceptance warnings."""
    user = request.user
    reference_token = reference.token()  # before the filter reads its data
    usulan_filter = UsulanFilter(
        request.GET or None,
        queryset=usulan_for_user(user),
        default_year=renja_selectors.current_fiscal_year(),
        hide_opd=inbox,
    )
    qs = usulan_filter.qs
    if inbox:
        qs = qs.order_by(UNDECIDED_FIRST, "desa__parent__nama", "prioritas", "id_usulan")
    else:
        qs = qs.order_by("desa__parent__nama", "prioritas", "id_usulan")
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        return streamed_export_response(
            export,
            EXPORT_COLUMNS,
            _export_rows(qs),
            basename="usulan",
            title="Usulan",
            delimiter=csv_delimiter(request.GET),
        )
    year = usulan_filter.form.cleaned_data.get("tahun") if usulan_filter.form.is_valid() else None
    counts = None
    # The page's own query counts the list (COUNT(*) OVER ()): no COUNT query before it.
    paginate = {"per_page": 25, "paginator_class": PageCountingPaginator}
    if not inbox and year is not None:
        counts = selectors.year_status_counts(user, year)  # once per plan revision, not on every view
        if not any(v not in (None, "") for k, v in usulan_filter.form.cleaned_data.items() if k != "tahun"):
            # Only the year is chosen: the list is the counted set, so it needs no count of its own.
            paginate.update(
                paginator_class=KnownCountPaginator, count=sum(r["n"] for r in counts["opd_tujuan__singkatan"])
            )
    chosen_ids = {u.pk for u in chosen} or {int(v) for v in request.GET.getlist("pilih") if v.isdigit()}
    table = UsulanTable(
        selectors.usulan_rows_for_table(qs, counted=paginate["paginator_class"] is PageCountingPaginator),
        exclude=() if (inbox or rules.can_route_usulan(user)) and not rules.is_facilitator(user) else ("pilih",),
    )
    table.checked = chosen_ids
    if inbox:  # "baru" beside what was routed since the officer last opened the inbox, and how long each has waited
        table.fresh_since, table.today = selectors.inbox_last_seen(user), timezone.localdate()
        table.marks_fresh = True
    configure_table(request, table, **paginate)
    params = request.GET.copy()
    for key in ("page", "sort", "export", "pilih", "aksi", "terima_baris"):
        params.pop(key, None)
    if bulk_form is None:
        # After adding a village to a row from the warnings, the list comes back with the action and row filled in.
        bulk_form = BulkForm(
            visible=Usulan.objects.none(),
            auto_id=BULK_AUTO_ID,
            initial={"aksi": request.GET.get("aksi"), "baris": request.GET.get("terima_baris", "")},
        )
    use_reference_selects(bulk_form, opd=["singkatan"])  # the columns of the labels
    can_decide = inbox and rules.has_inbox(user) and rules.can_decide_usulan(user, user.opd)
    shown = {r.record.pk for r in table.page.object_list} if hasattr(table, "page") else set()
    pickup_rows = selectors.rows_for_picker(opd_id=user.opd_id, fiscal_year_id=year.pk) if can_decide and year else []
    context = {
        "filter": usulan_filter,
        "filter_fields_html": _filter_fields_html(usulan_filter.form, reference_token=reference_token),
        "table": table,
        "total": table.paginator.count,
        "export_query": params.urlencode(),
        "inbox": inbox,
        "bulk_form": bulk_form,
        "can_route": rules.can_route_usulan(user),
        "can_decide": can_decide,
        "refusal": services.decision_refusal(year) if year else None,
        "next": next_url or request.get_full_path(),
        # The row picker of bulk acceptance: the agency's rows of the year shown.
        "pickup_rows": pickup_rows,
        "pickup_rows_html": row_picker_options_html(pickup_rows),
        "chosen_off_page": sorted(chosen_ids - shown),
        "chosen": list(chosen),
        "warnings": warnings,
        "fix_rows": selectors.place_fix_rows(warnings) if can_decide and rules.can_edit(user, user.opd) else [],
        "place_usulan": list(chosen),
        "place_next": next_url or request.get_full_path(),
    }
    if counts is not None:
        # Drawn once per process for the counts they show (the same key as the counts' own: scope, year, usulan
        # revision) and the language: a year has ~150 kecamatan rows and ~170 agency rows.
        key = (selectors.status_counts_scope(user), year.pk, year.usulan_revision, translation.get_language())
        context.update(_COUNT_TABLES.get_or_set(key, lambda: _count_tables(counts)))
        context["carry_form"] = carry_form = CarryOverForm(initial={"dari": year})
        use_reference_selects(carry_form, dari=["year"], ke=["year"])
    return render(request, "musrenbang/usulan_list.html", context, status=status)


_COUNT_TABLES: Memo[dict] = Memo("musrenbang.count_tables", size=64)


def _count_tables(counts: dict[str, list[dict]]) -> dict:
    """The usulan list's two counts tables as drawn, from selectors.year_status_counts."""
    # Only the statuses some usulan of the year has get a column: eleven of them would not fit a 1366 px screen.
    statuses = list(Usulan.Status)
    used = [i for i in range(len(statuses)) if any(r["count_list"][i] for r in counts["desa__parent__nama"])]

    def used_columns(rows: list[dict]) -> list[dict]:
        return [{**r, "count_list": [r["count_list"][i] for i in used]} for r in rows]

    per_kecamatan, per_opd = used_columns(counts["desa__parent__nama"]), used_columns(counts["opd_tujuan__singkatan"])
    return {
        "per_kecamatan": per_kecamatan,
        "per_opd": per_opd,
        "per_kecamatan_html": status_counts_body_html(per_kecamatan, place_kind="kecamatan"),
        "per_opd_html": status_counts_body_html(per_opd),
        "statuses": [statuses[i] for i in used],
    }


PRINT_MAX_ROWS = 5000


@login_required
def usulan_print(request: HttpRequest) -> HttpResponse:
    """The whole filtered usulan list for paper (landscape, header repeated on each page), at most PRINT_MAX_ROWS
    usulan, with the Pemda's name and the filters on top."""
    usulan_filter = UsulanFilter(
        request.GET or None, queryset=usulan_for_user(request.user), default_year=renja_selectors.current_fiscal_year()
    )
    qs = usulan_filter.qs.order_by("desa__parent__nama", "prioritas", "id_usulan")
    totals = qs.aggregate(n=Count("id"), anggaran=Sum("anggaran"))
    items = list(selectors.usulan_for_table(qs)[:PRINT_MAX_ROWS])
    for u in items:
        u.anggaran_text, u.volume_text = rupiah(u.anggaran), angka(u.volume)
    params = request.GET.copy()
    for key in ("page", "sort", "export"):
        params.pop(key, None)
    return render(
        request,
        "musrenbang/usulan_print.html",
        {
            "items": items,
            "total": totals["n"],
            "anggaran_text": rupiah(totals["anggaran"] or 0),
            "cut": totals["n"] > len(items),
            "max_rows": PRINT_MAX_ROWS,
            "filters": filter_summary(usulan_filter.form),
            "printed_at": timezone.localtime(),
            "list_query": params.urlencode(),
        },
    )


@login_required
def usulan_list(request: HttpRequest) -> HttpResponse:
    """Every usulan the user may see, with counts per kecamatan and agency (Bappeda's view)."""
    return _list_page(request, inbox=False)
