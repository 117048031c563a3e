"""Importing usulan from a file: upload, the plan of changes, confirmation."""

from __future__ import annotations

import secrets
import time
from pathlib import Path

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
from renja.models import FiscalYear

from .. import imports
from ..import_template import usulan_template

PENDING_DIR = "impor-usulan"


def _pending_path(token: str):
    return Path(settings.MEDIA_ROOT) / PENDING_DIR / f"{token}.dat"


def _pending_cleanup(folder, max_age_s: int = 24 * 3600) -> None:
    """Uploads nobody confirmed within a day are deleted."""
    for old in folder.glob("*.dat"):
        if time.time() - old.stat().st_mtime > max_age_s:
            old.unlink(missing_ok=True)


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
        content = upload.read()
        try:
            plan = imports.build_usulan_plan(
                content=content, filename=upload.name, fiscal_year=fiscal_year, by=request.user
            )
        except ImportRejected as exc:
            context.update({"issues": exc.issues, "filename": upload.name})
            return render(request, "musrenbang/usulan_import.html", context, status=422)
        except ValidationError as exc:
            form.add_error(None, exc)
            return render(request, "musrenbang/usulan_import.html", context, status=422)
        token = secrets.token_urlsafe(16)
        path = _pending_path(token)
        path.parent.mkdir(parents=True, exist_ok=True)
        _pending_cleanup(path.parent)
        path.write_bytes(content)
        request.session["usulan_import"] = {"token": token, "filename": upload.name, "year": fiscal_year.pk}
        context.update({"plan": plan, "summary": plan.summary(), "filename": upload.name, "fiscal_year": fiscal_year})
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
    pending = request.session.pop("usulan_import", None)
    if not pending or pending.get("token") != request.POST.get("token"):
        messages.error(request, _("Tidak ada impor yang menunggu konfirmasi; unggah ulang berkasnya."))
        return redirect("musrenbang:usulan-import")
    path = _pending_path(pending["token"])
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        messages.error(request, _("Berkas impor sudah tidak tersedia; unggah ulang."))
        return redirect("musrenbang:usulan-import")
    fiscal_year = FiscalYear.objects.get(pk=pending["year"])
    try:
        summary = imports.usulan_import_file(
            content=content, filename=pending["filename"], fiscal_year=fiscal_year, by=request.user
        )
    except ImportRejected as exc:
        return render(
            request,
            "musrenbang/usulan_import.html",
            {"issues": exc.issues, "filename": pending["filename"]},
            status=422,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("musrenbang:usulan-import")
    finally:
        path.unlink(missing_ok=True)
    messages.success(
        request,
        _("Impor %(file)s selesai: %(baru)s usulan baru, %(berubah)s diperbarui, %(sama)s tidak berubah.")
        % {"file": pending["filename"], **summary},
    )
    return redirect(f"{reverse('musrenbang:usulan-list')}?tahun={fiscal_year.pk}")
