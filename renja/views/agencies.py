"""Agencies as the Pemda knows them: the list in kode-unit order, and each agency's profile (Bappeda edits it)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from .. import permissions, selectors
from ..services.agencies import PANGKAT_PNS, opd_profile_fingerprint, opd_profile_update


class OpdProfileForm(forms.Form):
    """The shape of the profile form; the rules (kode unit, NIP, unique code) are the service's."""

    nama = forms.CharField(label=gettext_lazy("Nama lengkap OPD"), max_length=200)
    kode_unit = forms.CharField(
        label=gettext_lazy("Kode unit"),
        max_length=30,
        required=False,
        help_text=gettext_lazy("Bentuk Permendagri 90/2019, misalnya 1.02.0.00.0.00.01.0000."),
    )
    kepala_nama = forms.CharField(label=gettext_lazy("Nama kepala (dengan gelar)"), max_length=200, required=False)
    kepala_nip = forms.CharField(
        label=gettext_lazy("NIP kepala"),
        max_length=21,
        required=False,
        help_text=gettext_lazy("18 angka: tanggal lahir, TMT pengangkatan, jenis kelamin, nomor urut."),
    )
    kepala_pangkat = forms.CharField(
        label=gettext_lazy("Pangkat/golongan kepala"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"list": "pangkat-pns", "autocomplete": "off"}),
        help_text=gettext_lazy("Pilih dari daftar atau ketik, misalnya Pembina Utama Muda (IV/c)."),
    )
    kepala_jabatan = forms.CharField(label=gettext_lazy("Jabatan kepala"), max_length=200, required=False)
    sidik = forms.CharField(widget=forms.HiddenInput, max_length=64)


@login_required
def opd_list(request: HttpRequest) -> HttpResponse:
    """Agencies in kode-unit order with their head and the year's rows (one query)."""
    fiscal_year = selectors.current_fiscal_year()
    opds = (
        permissions.profile_opds(request.user)
        .annotate(n_rows=Count("renja_rows", filter=Q(renja_rows__fiscal_year=fiscal_year)))
        .order_by("kode_unit", "singkatan")
    )
    return render(
        request,
        "renja/opd_list.html",
        {
            "opds": opds,
            "fiscal_year": fiscal_year,
            "can_edit": permissions.can_edit_opd_profile(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def opd_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """An agency's profile: a form for Bappeda, the profile as it stands for everyone else who may see it."""
    opd = permissions.get_opd_for_user(request.user, pk, write=request.method == "POST")
    can_edit = permissions.can_edit_opd_profile(request.user)
    form = None
    if can_edit:
        initial = {f: getattr(opd, f) for f in OpdProfileForm.base_fields if f != "sidik"}
        form = OpdProfileForm(request.POST or None, initial={**initial, "sidik": opd_profile_fingerprint(opd)})
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "sidik"}
        try:
            opd_profile_update(opd=opd, data=data, fingerprint=form.cleaned_data["sidik"], by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Profil %(opd)s disimpan.") % {"opd": opd.singkatan})
            return redirect("renja:opd-list")
    return render(
        request, "renja/opd_edit.html", {"opd": opd, "form": form, "can_edit": can_edit, "pangkat_pns": PANGKAT_PNS}
    )
