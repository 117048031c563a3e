"""Input shapes for the renja screens. Cross-object rules live in services."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.form_renderer import use_reference_selects

from .models import FiscalYear, KelompokSasaran, Opd, RenjaRow
from .services import resolve_sub_kegiatan
from .widgets import LokasiField, RupiahField


class RenjaRowForm(forms.ModelForm):
    """Create/edit a Renja row. The sub kegiatan is typed as its code (the list has 2,500 entries)."""

    kode_sub_kegiatan = forms.CharField(
        label=_("Kode sub kegiatan"),
        max_length=24,
        help_text=_(
            "Contoh 1.06.04.2.01.0001. Program penunjang ditulis dengan bidang urusan OPD, mis. 1.06.01.2.02.0001."
        ),
    )
    pagu = RupiahField(label=_("Pagu indikatif (Rp)"), help_text=_("Rupiah bulat, mis. 1.300.000.000 atau 1,3 M."))
    pagu_n1 = RupiahField(label=_("Pagu N+1 (Rp)"), required=False)
    desil = forms.IntegerField(
        label=_("Desil"),
        required=False,
        min_value=1,
        max_value=10,
        help_text=_("Hanya untuk DTKS/DTSEN: desil tertinggi yang disasar (1–10)."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = RenjaRow
        fields = [
            "ref",
            "opd",
            "rincian",
            "keterangan",
            "target",
            "indikator_opd",
            "target_opd",
            "satuan_opd",
            "pagu",
            "target_n1",
            "pagu_n1",
            "lokasi",
            "sasaran",
            "sumber_dana",
            "sumber_data",
            "desil",
            "sumber_data_keterangan",
            "prioritas_nasional",
            "prioritas_daerah",
            "quick_win",
            "opd_pengampu",
            "opd_pendukung",
        ]
        labels = {
            "rincian": _("Rincian kegiatan (uraian OPD)"),
            "target": _("Target indikator sub kegiatan"),
            "indikator_opd": _("Indikator tambahan OPD"),
            "target_opd": _("Target"),
            "satuan_opd": _("Satuan"),
            "sumber_data": _("Sumber data sasaran"),
            "sumber_data_keterangan": _("Keterangan sumber data"),
        }
        help_texts = {
            "rincian": _("Uraian kegiatan menurut OPD; nama resmi sub kegiatan tetap dari nomenklatur."),
            "indikator_opd": _(
                "Opsional: indikator OPD di samping indikator sub kegiatan, dengan target dan satuannya."
            ),
        }
        widgets = {
            "rincian": forms.Textarea(attrs={"rows": 2}),
            "keterangan": forms.Textarea(attrs={"rows": 3}),
            "indikator_opd": forms.Textarea(attrs={"rows": 2}),
            "sasaran": forms.CheckboxSelectMultiple,
            "opd_pendukung": forms.SelectMultiple(attrs={"size": 6}),
        }

    def __init__(self, *args, editable_opds=None, fiscal_year: FiscalYear | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fiscal_year = fiscal_year
        opds = Opd.objects.filter(aktif=True)
        # The chosen agency's bidang urusan decide which support-program codes it may use (clean).
        self.fields["opd"].queryset = (editable_opds if editable_opds is not None else opds).prefetch_related(
            "bidang_urusan"
        )
        self.fields["opd_pengampu"].queryset = opds
        self.fields["opd_pendukung"].queryset = opds
        # the columns of the labels
        use_reference_selects(self, opd=["singkatan"], opd_pengampu=["singkatan"], opd_pendukung=["singkatan"])
        self.fields["sasaran"].queryset = KelompokSasaran.objects.filter(aktif=True)
        self.fields["lokasi"] = LokasiField(
            required=False,
            label=_("Lokasi"),
            help_text=_(
                "Centang kecamatan (berarti seluruh kecamatan) atau desa/kelurahan di bawahnya. "
                "Kosongkan untuk kegiatan se-kabupaten."
            ),
        )
        for name in ("target", "target_n1", "target_opd"):
            self.fields[name].localize = True  # accepts 95,5 as Indonesians write it
            self.fields[name].widget.is_localized = True
            value = getattr(self.instance, name, None)
            if value is not None and not self.is_bound:
                self.initial[name] = value.normalize()
        if self.instance.pk:
            self.fields["ref"].disabled = True
            self.fields["ref"].help_text = _("Ref tetap setelah baris dibuat.")
            self.fields["kode_sub_kegiatan"].initial = self.instance.kode
            self.fields["version"].initial = self.instance.version
            self.fields["version"].required = True  # an edit without it could not detect a concurrent change
            if editable_opds is not None and editable_opds.count() == 1:
                self.fields["opd"].disabled = True

    @property
    def official(self) -> tuple[str, str, str] | None:
        """The official name, indicator and unit shown read-only: the sub kegiatan's chosen in this form when it was
        found, else the row's."""
        sub = self.cleaned_data.get("sub_kegiatan") if hasattr(self, "cleaned_data") else None
        if sub is not None:
            return sub.nama, sub.indikator, sub.satuan
        if self.instance.pk:
            return self.instance.nama, self.instance.indikator, self.instance.satuan
        return None

    def clean(self):
        cleaned = super().clean()
        opd, kode = cleaned.get("opd"), cleaned.get("kode_sub_kegiatan")
        if opd and kode:
            try:
                cleaned["sub_kegiatan"], cleaned["kode"] = resolve_sub_kegiatan(kode, opd)
            except ValidationError as exc:
                self.add_error("kode_sub_kegiatan", exc)
        indikator = (cleaned.get("indikator_opd") or "").strip()
        target, satuan = cleaned.get("target_opd"), (cleaned.get("satuan_opd") or "").strip()
        if indikator:
            if target is None:
                self.add_error("target_opd", _("Isi target indikator tambahan OPD."))
            if not satuan:
                self.add_error("satuan_opd", _("Isi satuan indikator tambahan OPD."))
        elif target is not None or satuan:
            self.add_error("indikator_opd", _("Isi indikator tambahan OPD, atau kosongkan target dan satuannya."))
        if cleaned.get("opd_pengampu") and cleaned.get("opd_pengampu") == opd:
            cleaned["opd_pengampu"] = None
        return cleaned

    def service_data(self) -> dict:
        """The cleaned values the row services take."""
        keys = [f for f in self.Meta.fields if f not in ("ref",)] + ["sub_kegiatan", "kode"]
        data = {k: self.cleaned_data.get(k) for k in keys}
        data["lokasi"] = list(data["lokasi"] or [])
        data["sasaran"] = list(data["sasaran"] or [])
        data["opd_pendukung"] = [o for o in (data["opd_pendukung"] or []) if o != self.cleaned_data.get("opd")]
        return data


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=RenjaRow.Status.choices)
    version = forms.IntegerField(widget=forms.HiddenInput)


class ImportUploadForm(forms.Form):
    berkas = forms.FileField(label=_("Berkas CSV atau XLSX"))
    tahun = forms.ModelChoiceField(  # the calendar year, as `?tahun=` everywhere
        queryset=FiscalYear.objects.all(), to_field_name="year", label=_("Tahun"), empty_label=None
    )

    def __init__(self, *args, max_bytes: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes

    def clean_berkas(self):
        berkas = self.cleaned_data["berkas"]
        if berkas.size > self.max_bytes:
            raise ValidationError(
                _("Berkas terlalu besar (maksimal %(mb)s MB).") % {"mb": self.max_bytes // (1024 * 1024)}
            )
        name = berkas.name.lower()
        if not name.endswith((".csv", ".xlsx", ".txt")):
            raise ValidationError(_("Hanya berkas .csv atau .xlsx yang dapat diimpor."))
        return berkas
