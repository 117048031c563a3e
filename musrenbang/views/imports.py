"""Importing usulan from a file: upload, the plan of changes, confirmation."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.http import XLSX_TYPE
from core.importing import ImportRejected
from renja import permissions as rules
from renja import selectors as renja_selectors
from renja.forms import ImportUploadForm

from .. import imports
from ..import_template import usulan_template


@require_http_methods(["GET", "POST"])
@login_required
def usulan_import(request: HttpRequest) -> HttpResponse:
    """Upload an usulan file (project CSV/XLSX or SIPD export), see what it would change, then confirm."""
    rules.require(request.user, rules.can_route_usulan)
    max_bytes = settings.RENJA_IMPORT_MAX_BYTES
    form = ImportUploadForm(
        request.POST or None,
        request.FILES or None,
        max_bytes=max_bytes,
        initial={"tahun": renja_selectors.current_fiscal_year()},
    )
    context = {"form": form, "max_mb": max_bytes // (1024 * 1024)}
    if request.method == "POST" and form.is_valid():
        upload, fiscal_year = form.cleaned_data["berkas"], form.cleaned_data["tahun"]
        try:
            batch, plan, issues = imports.usulan_import_stage(
                content=upload.read(), filename=upload.name, fiscal_year=fiscal_year, by=request.user
            )
        except ValidationError as exc:
            form.add_error(None, exc)
            return render(request, "musrenbang/usulan_import.html", context, status=422)
        if plan is None:
            context.update({"issues": issues, "filename": upload.name})
            return render(request, "musrenbang/usulan_import.html", context, status=422)
        context.update(
            {
                "batch": batch,
                "plan": plan,
                "summary": plan.summary(),
                "filename": upload.name,
                "fiscal_year": fiscal_year,
            }
        )
    return render(request, "musrenbang/usulan_import.html", context)


@login_required
def usulan_import_template(request: HttpRequest) -> HttpResponse:
    """The XLSX template of the usulan import (project format)."""
    rules.require(request.user, rules.can_route_usulan)
    response = HttpResponse(usulan_template(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = 'attachment; filename="templat-impor-usulan.xlsx"'
    return response


@require_POST
@login_required
def usulan_import_confirm(request: HttpRequest) -> HttpResponse:
    rules.require(request.user, rules.can_route_usulan)
    batch = imports.usulan_batch_pending(pk=request.POST.get("batch", ""), by=request.user)
    if batch is None:
        messages.error(request, _("Tidak ada impor yang menunggu konfirmasi; unggah ulang berkasnya."))
        return redirect("musrenbang:usulan-import")
    try:
        summary = imports.usulan_import_confirm(batch=batch, by=request.user)
    except ImportRejected as exc:
        return render(
            request,
            "musrenbang/usulan_import.html",
            {"issues": exc.issues, "filename": batch.filename},
            status=422,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("musrenbang:usulan-import")
    messages.success(
        request,
        _("Impor %(file)s selesai: %(baru)s usulan baru, %(berubah)s diperbarui, %(sama)s tidak berubah.")
        % {"file": batch.filename, **summary},
    )
    return redirect(f"{reverse('musrenbang:usulan-list')}?tahun={batch.fiscal_year.year}")
