"""Importing Renja rows from a file: upload and preview, the template, confirmation."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.http import XLSX_TYPE

from .. import permissions, selectors, services
from ..forms import ImportUploadForm
from ..import_template import column_guide, renja_template
from ..models import ImportBatch


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
    context = {"form": form, "max_mb": max_bytes // (1024 * 1024), "columns": column_guide()}
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
