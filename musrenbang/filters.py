"""Filters of the usulan list and the officer's inbox."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.form_renderer import use_reference_selects
from renja.filters import YearFilter, know_default_year
from renja.models import FiscalYear, Opd, Wilayah

from .models import Pickup, Usulan


class UsulanFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Cari"), method="filter_q")
    tahun = YearFilter()
    kecamatan = django_filters.ModelChoiceFilter(
        field_name="desa__parent",
        queryset=Wilayah.objects.filter(tingkat=Wilayah.Tingkat.KECAMATAN).order_by("nama"),
        label=_("Kecamatan"),
        empty_label=_("Semua kecamatan"),
    )
    desa = django_filters.CharFilter(label=_("Desa/kelurahan"), method="filter_desa")
    status = django_filters.ChoiceFilter(
        choices=Usulan.Status.choices, label=_("Status"), empty_label=_("Semua status")
    )
    opd = django_filters.ModelChoiceFilter(
        field_name="opd_tujuan", queryset=Opd.objects.all(), label=_("OPD tujuan"), empty_label=_("Semua OPD")
    )
    sumber = django_filters.ChoiceFilter(
        choices=Usulan.Sumber.choices, label=_("Sumber"), empty_label=_("Semua sumber")
    )
    prioritas_max = django_filters.NumberFilter(field_name="prioritas", lookup_expr="lte", label=_("Prioritas sampai"))
    biaya_min = django_filters.NumberFilter(field_name="anggaran", lookup_expr="gte", label=_("Biaya dari (Rp)"))
    biaya_max = django_filters.NumberFilter(field_name="anggaran", lookup_expr="lte", label=_("Biaya sampai (Rp)"))
    baris = django_filters.CharFilter(label=_("Ditampung di baris Renja (ref)"), method="filter_baris")

    class Meta:
        model = Usulan
        fields = [
            "q",
            "tahun",
            "kecamatan",
            "desa",
            "status",
            "opd",
            "sumber",
            "prioritas_max",
            "biaya_min",
            "biaya_max",
            "baris",
        ]

    def __init__(self, data=None, *args, default_year: FiscalYear | None = None, hide_opd: bool = False, **kwargs):
        if default_year is not None:
            data = data.copy() if data is not None else {}
            if not data.get("tahun"):
                data["tahun"] = str(default_year.year)
        super().__init__(data, *args, **kwargs)
        know_default_year(self, default_year)
        if hide_opd:
            del self.filters["opd"]
            self.form.fields.pop("opd", None)
        self.form.fields["q"].widget = forms.TextInput(attrs={"placeholder": _("ID, kode lacak, isi usulan")})
        use_reference_selects(
            self.form, tahun=["year"], kecamatan=["tingkat", "nama"], opd=["singkatan"]
        )  # label columns

    def filter_q(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        for word in value.lower().split():
            qs = qs.filter(cari__contains=word)
        return qs

    def filter_baris(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        picked = Pickup.objects.filter(renja_row__ref=value.strip(), dibatalkan_oleh__isnull=True).values("usulan_id")
        return qs.filter(pk__in=picked)

    def filter_desa(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        return qs.filter(desa__kode=value) if value[:1].isdigit() else qs.filter(desa__nama__icontains=value)
