"""Bappeda's page of the pagu indikatif per agency for a year: every agency's ceiling against its rows, an edit form
per agency, a CSV/XLSX download, and an upload checked and shown before it is applied (core.confirm)."""

from __future__ import annotations

import hashlib
import json

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from core.confirm import confirm_page, confirmed
from core.formatting import rupiah
from core.http import csv_delimiter, export_response
from core.importing import ImportRejected
from core.tabular import Column

from .. import permissions, selectors
from ..forms import ImportUploadForm
from ..models import FiscalYear, Opd, PaguOpd
from ..services import ceilings, year_edit_refusal
from ..widgets import RupiahField

EXPORT_COLUMNS = [
    Column("opd"),
    Column("pagu_indikatif", "rupiah"),
    Column("nama_opd"),
    Column("jumlah_pagu_baris", "rupiah"),
]


class CeilingForm(forms.Form):
    """One agency's ceiling as typed on the page (1.250.000.000, 1,25 M); `version` is the one the page showed."""

    pagu = RupiahField(label=gettext_lazy("Pagu indikatif (Rp)"), maximum=ceilings.PAGU_MAX)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


def _year(request: HttpRequest) -> FiscalYear:
    source = request.POST if request.method == "POST" else request.GET
    fiscal_year = selectors.fiscal_year_from_query(source)
    if fiscal_year is None:
        raise Http404(_("Belum ada tahun anggaran."))
    return fiscal_year


def _list_url(fiscal_year: FiscalYear) -> str:
    return f"{reverse('renja:pagu-opd-list')}?tahun={fiscal_year.year}"


def _fingerprint(fiscal_year: FiscalYear) -> str:
    """The year's ceilings as they stand (agency and version of each): a preview confirmed after they changed is
    refused."""
    pairs = PaguOpd.objects.filter(fiscal_year=fiscal_year).order_by("opd_id").values_list("opd_id", "version")
    return hashlib.sha256(json.dumps(list(pairs)).encode()).hexdigest()


@login_required
def pagu_opd_list(request: HttpRequest) -> HttpResponse:
    """Every agency in kode unit order with its ceiling, its rows' sum and the difference, and a form to set it."""
    permissions.require(request.user, permissions.can_set_ceilings)
    fiscal_year = selectors.fiscal_year_from_query(request.GET)
    if fiscal_year is None:
        return render(request, "renja/pagu_opd_list.html", {"fiscal_year": None})
    statuses = selectors.ceiling_status(fiscal_year)
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        return export_response(
            export,
            EXPORT_COLUMNS,
            ([s.opd.singkatan, s.pagu, s.opd.nama, s.jumlah] for s in statuses if s.pagu is not None),
            basename=f"pagu-indikatif-opd-{fiscal_year.year}",
            title=_("Pagu indikatif OPD"),
            delimiter=csv_delimiter(request.GET),
        )
    with_ceiling = [s for s in statuses if s.pagu is not None]
    return render(
        request,
        "renja/pagu_opd_list.html",
        {
            "fiscal_year": fiscal_year,
            "years": FiscalYear.objects.all(),
            "statuses": statuses,
            "over": sum(s.over for s in statuses),
            "without": len(statuses) - len(with_ceiling),
            "total_pagu": sum(s.pagu for s in with_ceiling),
            "total_rows": sum(s.jumlah for s in statuses),
            "refusal": year_edit_refusal(fiscal_year),
        },
    )


@require_POST
@login_required
def pagu_opd_edit(request: HttpRequest, opd: int) -> HttpResponse:
    """Set one agency's ceiling from its form on the list page."""
    permissions.require(request.user, permissions.can_set_ceilings)
    agency = get_object_or_404(Opd, pk=opd)
    fiscal_year = _year(request)
    form = CeilingForm(request.POST)
    if not form.is_valid():
        reasons = " ".join(str(e) for errors in form.errors.values() for e in errors)
        messages.error(
            request, _("Pagu indikatif %(opd)s tidak disimpan: %(reason)s") % {"opd": agency, "reason": reasons}
        )
        return redirect(_list_url(fiscal_year))
    try:
        ceilings.pagu_opd_set(
            fiscal_year=fiscal_year,
            opd=agency,
            pagu=form.cleaned_data["pagu"],
            version=form.cleaned_data["version"],
            by=request.user,
        )
    except ValidationError as exc:
        messages.error(
            request,
            _("Pagu indikatif %(opd)s tidak disimpan: %(reason)s") % {"opd": agency, "reason": " ".join(exc.messages)},
        )
    else:
        messages.success(
            request,
            _("Pagu indikatif %(opd)s %(year)s: %(pagu)s.")
            % {"opd": agency, "year": fiscal_year.year, "pagu": rupiah(form.cleaned_data["pagu"])},
        )
    return redirect(f"{_list_url(fiscal_year)}#opd-{agency.pk}")


@require_http_methods(["GET", "POST"])
@login_required
def pagu_opd_upload(request: HttpRequest) -> HttpResponse:
    """Upload a ceiling file: checked whole, then shown on a confirmation page (nothing is written yet), or its
    problems listed with row and column."""
    permissions.require(request.user, permissions.can_set_ceilings)
    max_bytes = settings.RENJA_IMPORT_MAX_BYTES
    form = ImportUploadForm(
        request.POST or None,
        request.FILES or None,
        max_bytes=max_bytes,
        initial={"tahun": selectors.fiscal_year_from_query(request.GET)},
    )
    context = {"form": form, "max_mb": max_bytes // (1024 * 1024)}
    if request.method != "POST" or not form.is_valid():
        return render(request, "renja/pagu_opd_upload.html", context, status=422 if request.method == "POST" else 200)
    upload, fiscal_year = form.cleaned_data["berkas"], form.cleaned_data["tahun"]
    try:
        checked = ceilings.pagu_opd_check(rows=ceilings.pagu_opd_read(content=upload.read(), filename=upload.name))
    except ImportRejected as exc:
        context.update({"issues": exc.issues, "total": exc.total})
        return render(request, "renja/pagu_opd_upload.html", context, status=422)
    current = dict(PaguOpd.objects.filter(fiscal_year=fiscal_year).values_list("opd_id", "pagu"))
    changes = [(opd, current.get(opd.pk), amount) for opd, amount in checked if current.get(opd.pk) != amount]
    new = sum(1 for _o, before, _a in changes if before is None)
    return confirm_page(
        request,
        title=_("Terapkan pagu indikatif OPD %(year)s") % {"year": fiscal_year.year},
        lead=_("Berkas %(name)s sudah diperiksa; belum ada yang disimpan.") % {"name": upload.name[:120]},
        facts=[
            _("%(new)s OPD mendapat pagu indikatif baru, %(changed)s OPD diubah pagunya, %(same)s tidak berubah.")
            % {"new": new, "changed": len(changes) - new, "same": len(checked) - len(changes)},
            _("Setiap perubahan dicatat di riwayat."),
        ],
        items=[
            _("%(opd)s: %(before)s → %(after)s")
            % {"opd": opd.singkatan, "before": rupiah(before) if before is not None else "–", "after": rupiah(after)}
            for opd, before, after in changes
        ],
        action=reverse("renja:pagu-opd-confirm"),
        button=_("Terapkan"),
        back=_list_url(fiscal_year),
        hidden={
            "tahun": fiscal_year.year,
            "baris": json.dumps([[opd.singkatan, amount] for opd, amount in checked]),
            "sidik": _fingerprint(fiscal_year),
            "berkas": upload.name[:120],
        },
        blocked=year_edit_refusal(fiscal_year) or "",
        breadcrumbs=[(reverse("renja:home"), _("Beranda")), (_list_url(fiscal_year), _("Pagu indikatif OPD"))],
    )


def _posted_rows(text: str) -> list[dict] | None:
    """The checked rows a confirmation page carries back ([[singkatan, pagu], …]), or None when they are not that."""
    if len(text) > settings.RENJA_IMPORT_MAX_ROWS * 200:
        return None
    try:
        pairs = json.loads(text)
    except ValueError:
        return None
    if not isinstance(pairs, list) or len(pairs) > settings.RENJA_IMPORT_MAX_ROWS:
        return None
    if not all(isinstance(p, list) and len(p) == 2 and isinstance(p[0], str) for p in pairs):
        return None
    return [{"line": i + 2, "opd": name, "pagu_indikatif": amount} for i, (name, amount) in enumerate(pairs)]


@require_POST
@login_required
def pagu_opd_confirm(request: HttpRequest) -> HttpResponse:
    """Apply a previewed ceiling file: refused without the confirmation, or when the year's ceilings changed since
    the preview; the rows are checked again by the service."""
    permissions.require(request.user, permissions.can_set_ceilings)
    fiscal_year = _year(request)
    rows = _posted_rows(request.POST.get("baris", ""))
    if not confirmed(request) or rows is None:
        messages.error(request, _("Impor pagu indikatif tidak diterapkan: unggah dan periksa berkasnya dahulu."))
        return redirect(reverse("renja:pagu-opd-upload") + f"?tahun={fiscal_year.year}")
    if request.POST.get("sidik") != _fingerprint(fiscal_year):
        messages.error(request, _("Pagu indikatif OPD berubah sejak pratinjau; unggah ulang berkasnya."))
        return redirect(reverse("renja:pagu-opd-upload") + f"?tahun={fiscal_year.year}")
    try:
        summary = ceilings.pagu_opd_import(
            fiscal_year=fiscal_year, rows=rows, by=request.user, source=request.POST.get("berkas", "")[:120]
        )
    except ImportRejected as exc:
        messages.error(
            request, _("Impor pagu indikatif ditolak: %(issues)s") % {"issues": "; ".join(map(str, exc.issues))}
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Pagu indikatif %(year)s diterapkan: %(baru)s baru, %(berubah)s diubah, %(sama)s tidak berubah.")
            % {"year": fiscal_year.year, **summary},
        )
    return redirect(_list_url(fiscal_year))
