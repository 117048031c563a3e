"""Filters of the Renja list (django-filter)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from core.form_renderer import use_reference_selects

from .models import FiscalYear, KelompokSasaran, Nomenklatur, Opd, RenjaRow, Wilayah

PRIORITAS_CHOICES = [
    ("nasional", _("Prioritas nasional")),
    ("daerah", _("Prioritas daerah")),
    ("quick_win", _("Quick win")),
]


class KnownYearField(django_filters.fields.ModelChoiceField):
    """A list filter's year field that takes the year the view has already read (its default, the newest) as it is
    when the query names that year, instead of reading it again."""

    known: FiscalYear | None = None

    def to_python(self, value):
        known = self.known
        if known is not None and value not in self.empty_values and str(value) == str(known.year):
            return known
        return super().to_python(value)


class YearFilter(django_filters.ModelChoiceFilter):
    """?tahun=: the calendar year (2026), never a FiscalYear pk; the default year is not read twice."""

    field_class = KnownYearField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("field_name", "fiscal_year")
        kwargs.setdefault("queryset", FiscalYear.objects.all())
        kwargs.setdefault("to_field_name", "year")
        kwargs.setdefault("label", _("Tahun"))
        kwargs.setdefault("empty_label", None)
        super().__init__(*args, **kwargs)


def know_default_year(filterset: django_filters.FilterSet, default_year: FiscalYear | None) -> None:
    """Let the filter's year field take `default_year` (already read by the view) without a query."""
    field = filterset.form.fields.get("tahun")
    if isinstance(field, KnownYearField):
        field.known = default_year


class RenjaRowFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Cari"), method="filter_q")
    tahun = YearFilter()
    opd = django_filters.ModelChoiceFilter(queryset=Opd.objects.all(), label=_("OPD"), empty_label=_("Semua OPD"))
    program = django_filters.ModelChoiceFilter(
        queryset=Nomenklatur.objects.filter(level=Nomenklatur.Level.PROGRAM, aktif=True),
        label=_("Program"),
        method="filter_program",
        empty_label=_("Semua program"),
    )
    status = django_filters.ChoiceFilter(
        choices=RenjaRow.Status.choices, label=_("Status"), empty_label=_("Semua status")
    )
    kecamatan = django_filters.ModelChoiceFilter(
        queryset=Wilayah.objects.filter(tingkat=Wilayah.Tingkat.KECAMATAN).order_by("nama"),
        label=_("Kecamatan"),
        method="filter_kecamatan",
        empty_label=_("Semua kecamatan"),
    )
    sasaran = django_filters.ModelChoiceFilter(
        queryset=KelompokSasaran.objects.filter(aktif=True), label=_("Kelompok sasaran"), empty_label=_("Semua sasaran")
    )
    prioritas = django_filters.ChoiceFilter(
        choices=PRIORITAS_CHOICES, label=_("Prioritas"), method="filter_prioritas", empty_label=_("Semua")
    )

    class Meta:
        model = RenjaRow
        fields = ["q", "tahun", "opd", "program", "status", "kecamatan", "sasaran", "prioritas"]

    def __init__(self, data=None, *args, default_year: FiscalYear | None = None, **kwargs):
        if default_year is not None:
            data = data.copy() if data is not None else {}
            if not data.get("tahun"):
                data["tahun"] = str(default_year.year)
        super().__init__(data, *args, **kwargs)
        know_default_year(self, default_year)
        self.form.fields["q"].widget = forms.TextInput(attrs={"placeholder": _("nama, rincian, kode, ref, indikator")})
        # The columns each list's labels (__str__) are made of.
        use_reference_selects(
            self.form,
            tahun=["year"],
            opd=["singkatan"],
            program=["kode", "nama"],
            kecamatan=["tingkat", "nama"],
            sasaran=["nama"],
        )

    def filter_q(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        for word in value.lower().split():
            qs = qs.filter(cari__contains=word)  # ref, code, names, rincian, indicators, description (RenjaRow.cari)
        return qs

    def filter_program(self, qs: QuerySet, name: str, value: Nomenklatur) -> QuerySet:
        return qs.filter(sub_kegiatan__parent__parent=value)

    def filter_kecamatan(self, qs: QuerySet, name: str, value: Wilayah) -> QuerySet:
        ids = RenjaRow.lokasi.through.objects.filter(Q(wilayah=value) | Q(wilayah__parent=value)).values("renjarow_id")
        return qs.filter(pk__in=ids)

    def filter_prioritas(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        field = {"nasional": "prioritas_nasional", "daerah": "prioritas_daerah", "quick_win": "quick_win"}[value]
        return qs.filter(**{field: True})
