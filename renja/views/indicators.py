"""An agency's program and kegiatan indicators for a year: the agencies (for Bappeda and facilitators), one agency's
programs and kegiatan with their indicators, and the add, edit and delete forms (the agency's officer or a planner)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from core.confirm import confirm_page, confirmed
from core.formatting import angka
from core.http import int_param

from .. import permissions, selectors
from ..models import FiscalYear, Opd
from ..services import indicators as services
from ..services import year_edit_refusal


class ProgramIndicatorForm(forms.Form):
    """The fields as typed; the service parses the numbers (95,5 or 95.5) and checks the code."""

    kode = forms.CharField(
        label=gettext_lazy("Kode program/kegiatan"),
        max_length=24,
        help_text=gettext_lazy("Program mis. 1.06.04 (indikator outcome), kegiatan mis. 1.06.04.2.01 (output)."),
    )
    indikator = forms.CharField(
        label=gettext_lazy("Indikator"), max_length=services.INDIKATOR_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )
    target = forms.CharField(label=gettext_lazy("Target"), max_length=40, required=False)
    satuan = forms.CharField(label=gettext_lazy("Satuan"), max_length=100, required=False)
    target_n1 = forms.CharField(label=gettext_lazy("Target N+1"), max_length=40, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["kode"]  # an indicator stays with its program or kegiatan
            self.fields["version"].required = True


def _year(request: HttpRequest) -> FiscalYear:
    fiscal_year = selectors.fiscal_year_from_query(request.GET)
    if fiscal_year is None:
        raise Http404(_("Belum ada tahun anggaran."))
    return fiscal_year


def _list_url(opd: Opd, fiscal_year: FiscalYear, kode: str = "") -> str:
    url = f"{reverse('renja:program-indicator-list', args=[opd.pk])}?tahun={fiscal_year.year}"
    return url + (f"#kode-{kode}" if kode else "")


@login_required
def program_indicator_index(request: HttpRequest) -> HttpResponse:
    """Bappeda and facilitators choose an agency (with how many indicators it has); an agency's people go to theirs."""
    fiscal_year = _year(request)
    if not permissions.sees_every_ceiling(request.user):
        if not request.user.opd_id:
            raise Http404
        opd = permissions.get_indicator_opd_for_user(request.user, request.user.opd_id)
        return redirect(_list_url(opd, fiscal_year))
    agencies = Opd.objects.filter(aktif=True).annotate(
        n=Count("program_indicators", filter=Q(program_indicators__fiscal_year=fiscal_year))
    )
    return render(
        request,
        "renja/program_indicator_index.html",
        {
            "fiscal_year": fiscal_year,
            "years": FiscalYear.objects.all(),
            "agencies": agencies.order_by("kode_unit", "singkatan"),
        },
    )


@login_required
def program_indicator_list(request: HttpRequest, opd: int) -> HttpResponse:
    """One agency's programs and kegiatan of the year (those its rows use, and any other with an indicator), each
    with its indicators: outcome for a program, output for a kegiatan."""
    agency = permissions.get_indicator_opd_for_user(request.user, opd)
    fiscal_year = _year(request)
    refusal = year_edit_refusal(fiscal_year)
    return render(
        request,
        "renja/program_indicator_list.html",
        {
            "opd": agency,
            "fiscal_year": fiscal_year,
            "years": FiscalYear.objects.all(),
            "entries": selectors.program_indicator_tree(fiscal_year, agency),
            "refusal": refusal,
            "can_edit": not refusal and permissions.can_edit_program_indicators(request.user, agency),
        },
    )


def _service_errors(form: ProgramIndicatorForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict") and all(field in form.fields for field in exc.error_dict):
        form.add_error(None, exc)
    else:
        form.add_error(None, " ".join(exc.messages))


@require_http_methods(["GET", "POST"])
@login_required
def program_indicator_create(request: HttpRequest, opd: int) -> HttpResponse:
    agency = permissions.get_indicator_opd_for_user(request.user, opd)
    permissions.require(request.user, permissions.can_edit_program_indicators, agency)
    fiscal_year = _year(request)
    form = ProgramIndicatorForm(request.POST or None, initial={"kode": request.GET.get("kode", "")[:24]})
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in services.FIELDS}
        try:
            indicator = services.program_indicator_create(
                fiscal_year=fiscal_year, opd=agency, kode=form.cleaned_data["kode"], data=data, by=request.user
            )
        except ValidationError as exc:
            _service_errors(form, exc)
        else:
            messages.success(request, _("Indikator %(kode)s ditambahkan.") % {"kode": indicator.kode})
            return redirect(_list_url(agency, fiscal_year, indicator.kode))
    return render(
        request,
        "renja/program_indicator_form.html",
        {
            "form": form,
            "opd": agency,
            "fiscal_year": fiscal_year,
            "refusal": year_edit_refusal(fiscal_year),
            "choices": selectors.program_indicator_tree(fiscal_year, agency),
        },
        status=422 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def program_indicator_edit(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = permissions.get_program_indicator_for_user(request.user, pk, write=True)
    initial = {f: getattr(indicator, f) for f in services.FIELDS}
    initial.update({f: angka(initial[f]) for f in ("target", "target_n1")}, version=indicator.version)
    form = ProgramIndicatorForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in services.FIELDS}
        try:
            indicator, changes = services.program_indicator_update(
                indicator=indicator, data=data, version=form.cleaned_data["version"], by=request.user
            )
        except ValidationError as exc:
            _service_errors(form, exc)
        else:
            if changes:
                messages.success(request, _("Indikator %(kode)s disimpan.") % {"kode": indicator.kode})
            return redirect(_list_url(indicator.opd, indicator.fiscal_year, indicator.kode))
    return render(
        request,
        "renja/program_indicator_form.html",
        {
            "form": form,
            "indicator": indicator,
            "opd": indicator.opd,
            "fiscal_year": indicator.fiscal_year,
            "refusal": year_edit_refusal(indicator.fiscal_year),
        },
        status=422 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def program_indicator_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what will be removed (core.confirm); POST with the confirmation: remove it."""
    indicator = permissions.get_program_indicator_for_user(request.user, pk, write=True)
    back = _list_url(indicator.opd, indicator.fiscal_year, indicator.kode)
    if request.method == "POST" and confirmed(request):
        try:
            services.program_indicator_delete(
                indicator=indicator, version=int_param(request.POST, "version"), by=request.user
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Indikator %(kode)s dihapus.") % {"kode": indicator.kode})
        return redirect(back)
    return confirm_page(
        request,
        title=_("Hapus indikator %(kode)s") % {"kode": indicator.kode},
        facts=[
            _("Indikator %(level)s %(kode)s %(opd)s tahun %(year)s dihapus: %(indikator)s")
            % {
                "level": _("program") if indicator.is_outcome else _("kegiatan"),
                "kode": indicator.kode,
                "opd": indicator.opd.singkatan,
                "year": indicator.fiscal_year.year,
                "indikator": indicator.indikator[:200],
            },
            _("Riwayat menyimpan isinya."),
        ],
        action=reverse("renja:program-indicator-delete", args=[indicator.pk]),
        button=_("Hapus"),
        back=back,
        hidden={"version": indicator.version},
        blocked=year_edit_refusal(indicator.fiscal_year) or "",
        breadcrumbs=[(reverse("renja:home"), _("Beranda")), (back, _("Indikator program/kegiatan"))],
    )
