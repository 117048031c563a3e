"""Screens for Renja rows. Each view: get the object through permissions, validate, call one service, respond."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from core.confirm import confirm_page, confirmed
from core.formatting import angka, place_label, rupiah
from core.http import (
    XLSX_TYPE,
    configure_table,
    csv_delimiter,
    export_response,
    filter_summary,
    form_copy_errors,
    int_param,
    str_param,
)
from core.tabular import Column

from . import permissions, selectors, services
from .filters import RenjaRowFilter
from .forms import ImportUploadForm, RenjaRowForm, StatusForm
from .import_template import renja_template
from .models import FiscalYear, ImportBatch, Nomenklatur, RenjaRow, StageWindow
from .tables import KnownCountPaginator, RenjaRowTable


@login_required
def home(request: HttpRequest) -> HttpResponse:
    # An OPD person's day starts from their agency's usulan, deadline and overlaps, which live in the apps above
    # renja (musrenbang, sinkronisasi): renja imports neither, so the view is named in settings and looked up here
    # (sinkronisasi may read both). ?semua=1 still shows them the all-agency table below.
    if (
        getattr(settings, "RENJA_OFFICER_HOME", "")
        and permissions.usulan_opd_scope(request.user)
        and not request.GET.get("semua")
    ):
        return import_string(settings.RENJA_OFFICER_HOME)(request)
    fiscal_year = selectors.fiscal_year_from_query(request.GET)
    if fiscal_year is None or not permissions.visible_opds(request.user).exists():
        return render(request, "renja/home.html", {"fiscal_year": None, "years": FiscalYear.objects.all()})
    summary = selectors.status_summary_per_opd(fiscal_year)
    return render(
        request,
        "renja/home.html",
        {
            "fiscal_year": fiscal_year,
            "years": FiscalYear.objects.all(),
            "statuses": RenjaRow.Status,
            "rows": summary["rows"],
            "totals": summary["totals"],
            "refusal": services.year_edit_refusal(fiscal_year),
            "stages": fiscal_year.stages.all(),
            "today": timezone.localdate(),
        },
    )


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
]


def _export_rows(qs):
    """Typed values (amounts and targets as numbers); `lokasi` keeps the codes the import reads, `lokasi_nama`
    (ignored on import) names the places."""
    for row in qs:
        kegiatan = row.sub_kegiatan.parent
        program = kegiatan.parent if kegiatan else None
        lokasi = list(row.lokasi.all())
        yield [
            row.ref,
            row.opd.singkatan,
            row.kode,
            row.nama,
            row.indikator,
            row.target,
            row.satuan,
            row.pagu,
            ";".join(w.kode for w in lokasi),
            "; ".join(place_label(w.nama, w.tingkat) for w in lokasi),
            ";".join(s.slug for s in row.sasaran.all()),
            row.sumber_dana,
            row.keterangan,
            program.nama if program else "",
            kegiatan.nama if kegiatan else "",
            row.sub_kegiatan.nama,
            row.status,
            int(row.prioritas_nasional),
            int(row.prioritas_daerah),
            int(row.quick_win),
            row.opd_pengampu.singkatan if row.opd_pengampu else "",
            ";".join(o.singkatan for o in row.opd_pendukung.all()),
            row.target_n1,
            row.pagu_n1,
        ]


@login_required
def row_list(request: HttpRequest) -> HttpResponse:
    base = permissions.row_queryset_for_user(request.user)
    row_filter = RenjaRowFilter(request.GET or None, queryset=base, default_year=selectors.current_fiscal_year())
    qs = row_filter.qs.order_by("opd__singkatan", "kode", "ref")
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        return export_response(
            export,
            EXPORT_COLUMNS,
            _export_rows(selectors.rows_for_export(qs)),
            basename="renja",
            title="Renja",
            delimiter=csv_delimiter(request.GET),
        )
    totals = selectors.row_totals(qs)  # all filtered rows, not only the page; also the paginator's count
    table = RenjaRowTable(selectors.rows_for_table(qs))
    configure_table(request, table, per_page=25, paginator_class=KnownCountPaginator, count=totals["n"])
    params = request.GET.copy()
    for key in ("page", "sort", "export"):
        params.pop(key, None)
    return render(
        request,
        "renja/row_list.html",
        {
            "filter": row_filter,
            "table": table,
            "total": table.paginator.count,
            "pagu_text": rupiah(totals["pagu"]),
            "pagu_n1_text": rupiah(totals["pagu_n1"]),
            "per_program": [
                {**p, "pagu_text": rupiah(p["pagu"]), "pagu_n1_text": rupiah(p["pagu_n1"])}
                for p in selectors.pagu_per_program(qs)
            ],
            "export_query": params.urlencode(),
            "fiscal_year": row_filter.form.cleaned_data.get("tahun") if row_filter.form.is_valid() else None,
            "can_create": permissions.can_create_rows(request.user),
            "can_import": permissions.can_import(request.user),
        },
    )


PRINT_MAX_ROWS = 5000  # about 250 landscape pages: beyond that the XLSX download serves better


@login_required
def row_print(request: HttpRequest) -> HttpResponse:
    """The whole filtered Renja list for paper (landscape, header repeated on each page), at most PRINT_MAX_ROWS
    rows, with the Pemda's name and the filters on top."""
    base = permissions.row_queryset_for_user(request.user)
    row_filter = RenjaRowFilter(request.GET or None, queryset=base, default_year=selectors.current_fiscal_year())
    qs = row_filter.qs.order_by("opd__singkatan", "kode", "ref")
    totals = qs.aggregate(n=Count("id"), pagu=Sum("pagu"))
    rows = list(selectors.rows_for_print(qs)[:PRINT_MAX_ROWS])
    for row in rows:
        row.lokasi_text = ", ".join(place_label(w.nama, w.tingkat) for w in row.lokasi_list) or _("Se-kabupaten")
        row.sasaran_text = ", ".join(s.nama for s in row.sasaran_list)
        row.pagu_text, row.target_text = rupiah(row.pagu), angka(row.target)
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


@login_required
def row_detail(request: HttpRequest, pk: int) -> HttpResponse:
    row = permissions.get_row_for_user(request.user, pk)
    kegiatan = row.sub_kegiatan.parent
    return render(
        request,
        "renja/row_detail.html",
        {
            "row": row,
            "kegiatan": kegiatan,
            "program": kegiatan.parent if kegiatan else None,
            "lokasi": list(row.lokasi.select_related("parent")),
            "sasaran": list(row.sasaran.all()),
            "pendukung": list(row.opd_pendukung.all()),
            "history": selectors.row_history(row),
            "can_edit": permissions.can_edit(request.user, row.opd),
            "refusal": services.year_edit_refusal(row.fiscal_year),
            "status_moves": [
                (s, RenjaRow.Status(s).label, s in CONFIRMED_MOVES)
                for s in services.status_moves_for(row, request.user)
            ],
            "pagu_text": rupiah(row.pagu),
            "pagu_n1_text": rupiah(row.pagu_n1),
            "target_text": angka(row.target),
            "target_n1_text": angka(row.target_n1),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def row_create(request: HttpRequest) -> HttpResponse:
    permissions.require(request.user, permissions.can_create_rows)
    fiscal_year = selectors.fiscal_year_from_query(request.GET)
    if fiscal_year is None:
        messages.error(request, _("Belum ada tahun anggaran. Minta Bappeda membuatnya."))
        return redirect("renja:row-list")
    editable = permissions.editable_opds(request.user)
    form = RenjaRowForm(request.POST or None, editable_opds=editable, fiscal_year=fiscal_year)
    if request.method == "GET" and editable.count() == 1:
        form.initial["opd"] = editable.first()
    refusal = services.year_edit_refusal(fiscal_year)
    if request.method == "POST" and form.is_valid() and not refusal:
        try:
            row = services.row_create(
                fiscal_year=fiscal_year, ref=form.cleaned_data["ref"], data=form.service_data(), by=request.user
            )
        except ValidationError as exc:
            form_copy_errors(form, exc)
        else:
            messages.success(request, _("Baris %(ref)s dibuat.") % {"ref": row.ref})
            return redirect("renja:row-detail", pk=row.pk)
    if refusal:
        messages.error(request, refusal)
    return render(
        request, "renja/row_form.html", {"form": form, "fiscal_year": fiscal_year, "row": None, "refusal": refusal}
    )


@require_http_methods(["GET", "POST"])
@login_required
def row_edit(request: HttpRequest, pk: int) -> HttpResponse:
    row = permissions.get_row_for_user(request.user, pk, write=True)
    form = RenjaRowForm(
        request.POST or None,
        instance=row,
        editable_opds=permissions.editable_opds(request.user),
        fiscal_year=row.fiscal_year,
    )
    refusal = services.year_edit_refusal(row.fiscal_year)
    conflict = None
    if request.method == "POST" and form.is_valid() and not refusal:
        try:
            _row, changes = services.row_update(
                row=row, data=form.service_data(), by=request.user, expected_version=form.cleaned_data.get("version")
            )
        except services.RowConflict as exc:
            conflict = exc
            # The editor has now seen what changed; a second save applies their values on purpose.
            data = request.POST.copy()
            data["version"] = str(exc.current_version)
            form = RenjaRowForm(
                data, instance=row, editable_opds=permissions.editable_opds(request.user), fiscal_year=row.fiscal_year
            )
            form.is_valid()
        except ValidationError as exc:
            form_copy_errors(form, exc)
        else:
            if changes:
                messages.success(request, _("Perubahan disimpan (%(n)s kolom).") % {"n": len(changes)})
            else:
                messages.info(request, _("Tidak ada perubahan."))
            return redirect("renja:row-detail", pk=row.pk)
    if refusal:
        messages.error(request, refusal)
    return render(
        request,
        "renja/row_form.html",
        {"form": form, "fiscal_year": row.fiscal_year, "row": row, "refusal": refusal, "conflict": conflict},
        status=409 if conflict else 200,
    )


# Moves that take the row out of its agency's hands: each goes through a confirmation page first.
CONFIRMED_MOVES = {
    RenjaRow.Status.DISEPAKATI: gettext_lazy(
        "Setelah disepakati, petugas OPD tidak dapat mengubah baris ini lagi; "
        "hanya Bappeda yang dapat mengubah atau mengembalikannya."
    ),
    RenjaRow.Status.FINAL: gettext_lazy("Setelah final, baris ini tidak dapat diubah siapa pun kecuali Bappeda."),
}


@login_required
def row_status_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """What `Jadikan Disepakati` / `Jadikan Final` does to this row, with the button that does it."""
    row = permissions.get_row_for_user(request.user, pk, write=True)
    status = request.GET.get("status", "")
    back = reverse("renja:row-detail", args=[row.pk])
    if status not in CONFIRMED_MOVES:
        return redirect(back)
    label = RenjaRow.Status(status).label
    moves = services.status_moves_for(row, request.user)
    return confirm_page(
        request,
        title=_("Jadikan %(ref)s %(status)s?") % {"ref": row.ref, "status": label},
        facts=[
            _("Baris Renja %(ref)s (%(nama)s, %(opd)s) akan menjadi %(status)s (sekarang %(now)s).")
            % {
                "ref": row.ref,
                "nama": row.nama,
                "opd": row.opd.singkatan,
                "status": label,
                "now": row.get_status_display(),
            },
            str(CONFIRMED_MOVES[status]),
        ],
        action=reverse("renja:row-status", args=[row.pk]),
        button=_("Ya, jadikan %(status)s") % {"status": label},
        back=back,
        hidden={"status": status, "version": row.version},
        breadcrumbs=[(reverse("renja:row-list"), _("Renja")), (back, row.ref)],
        blocked=""
        if status in moves
        else _("Status tidak dapat diubah dari %(from)s ke %(to)s.") % {"from": row.get_status_display(), "to": label},
    )


@require_POST
@login_required
def row_status(request: HttpRequest, pk: int) -> HttpResponse:
    row = permissions.get_row_for_user(request.user, pk, write=True)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Permintaan perubahan status tidak lengkap."))
        return redirect("renja:row-detail", pk=row.pk)
    status = form.cleaned_data["status"]
    if status in CONFIRMED_MOVES and status in services.status_moves_for(row, request.user) and not confirmed(request):
        messages.error(request, _("Status belum diubah: perubahan ini harus dikonfirmasi dulu."))
        return redirect(reverse("renja:row-status-confirm", args=[row.pk]) + "?" + urlencode({"status": status}))
    try:
        services.row_status_change(
            row=row, status=form.cleaned_data["status"], by=request.user, expected_version=form.cleaned_data["version"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Status diubah."))
    return redirect("renja:row-detail", pk=row.pk)


@require_http_methods(["GET", "POST"])
@login_required
def import_upload(request: HttpRequest) -> HttpResponse:
    permissions.require(request.user, permissions.can_import)
    max_bytes = settings.RENJA_IMPORT_MAX_BYTES
    form = ImportUploadForm(
        request.POST or None,
        request.FILES or None,
        max_bytes=max_bytes,
        initial={"tahun": selectors.current_fiscal_year()},
    )
    context = {"form": form, "max_mb": max_bytes // (1024 * 1024)}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["berkas"]
        fiscal_year = form.cleaned_data["tahun"]
        try:
            batch, plan, issues = services.renja_import_stage(
                content=upload.read(), filename=upload.name, fiscal_year=fiscal_year, by=request.user
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            context.update({"batch": batch, "plan": plan, "issues": issues})
            if plan is not None:
                context["changed"] = [r for r in plan.rows if r.action != "sama"][:500]
            return render(request, "renja/import_preview.html", context, status=200 if plan else 422)
    return render(request, "renja/import_upload.html", context)


@login_required
def import_template(request: HttpRequest) -> HttpResponse:
    """The XLSX template of the Renja import, with the lists and codes the user may use."""
    permissions.require(request.user, permissions.can_import)
    response = HttpResponse(renja_template(request.user), content_type=XLSX_TYPE)
    response["Content-Disposition"] = 'attachment; filename="templat-impor-renja.xlsx"'
    return response


@require_POST
@login_required
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    permissions.require(request.user, permissions.can_import)
    batch = get_object_or_404(
        ImportBatch.objects.select_related("fiscal_year"), pk=pk, kind=ImportBatch.Kind.RENJA, uploaded_by=request.user
    )
    try:
        summary = services.renja_import_confirm(batch=batch, by=request.user)
    except services.ImportRejected as exc:
        return render(
            request,
            "renja/import_preview.html",
            {
                "batch": batch,
                "plan": None,
                "issues": exc.issues,
                "form": ImportUploadForm(max_bytes=settings.RENJA_IMPORT_MAX_BYTES),
            },
            status=422,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("renja:import-upload")
    messages.success(
        request,
        _("Impor %(file)s selesai: %(baru)s baris baru, %(berubah)s diperbarui, %(sama)s tidak berubah.")
        % {"file": batch.filename, **summary},
    )
    return redirect(f"{reverse('renja:row-list')}?tahun={batch.fiscal_year.year}")


@login_required
def year_list(request: HttpRequest) -> HttpResponse:
    """Fiscal years and their stages, with the locks Bappeda sets."""
    permissions.require(request.user, permissions.can_manage_years)
    years = FiscalYear.objects.prefetch_related("stages").order_by("-year")
    return render(request, "renja/year_list.html", {"years": years, "today": timezone.localdate()})


@require_POST
@login_required
def year_lock(request: HttpRequest, pk: int) -> HttpResponse:
    permissions.require(request.user, permissions.can_manage_years)
    fiscal_year = get_object_or_404(FiscalYear, pk=pk)
    locked = request.POST.get("kunci") == "1"
    reason = request.POST.get("alasan", "").strip()[:255]
    if locked and not reason:
        messages.error(request, _("Tuliskan alasan penguncian tahun %(year)s.") % {"year": fiscal_year.year})
        return redirect("renja:year-list")
    services.fiscal_year_set_lock(fiscal_year=fiscal_year, locked=locked, reason=reason, by=request.user)
    messages.success(
        request, (_("Tahun %(year)s dikunci.") if locked else _("Tahun %(year)s dibuka.")) % {"year": fiscal_year.year}
    )
    return redirect("renja:year-list")


@require_POST
@login_required
def stage_lock(request: HttpRequest, pk: int) -> HttpResponse:
    permissions.require(request.user, permissions.can_manage_years)
    window = get_object_or_404(StageWindow, pk=pk)
    locked = request.POST.get("kunci") == "1"
    services.stage_set_lock(window=window, locked=locked, by=request.user)
    messages.success(
        request,
        _("Tahap %(stage)s %(year)s %(state)s.")
        % {
            "stage": window.get_stage_display(),
            "year": window.fiscal_year.year,
            "state": _("dikunci") if locked else _("dibuka"),
        },
    )
    return redirect("renja:year-list")


@login_required
def nomenklatur_list(request: HttpRequest) -> HttpResponse:
    """Search the official nomenclature (sub kegiatan) by code or words."""
    q = str_param(request.GET, "q")
    qs = Nomenklatur.objects.filter(level=Nomenklatur.Level.SUB_KEGIATAN, aktif=True).select_related("parent__parent")
    for word in q.split():
        qs = qs.filter(Q(kode__icontains=word) | Q(nama__icontains=word) | Q(indikator__icontains=word))
    page = Paginator(qs.order_by("kode"), 50).get_page(int_param(request.GET, "page", 1))
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "renja/nomenklatur_list.html", {"page": page, "q": q, "query": params.urlencode()})
