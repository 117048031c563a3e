"""Forms of the sync view: filters, settling a pair, comments and proposed settlements, a synonym group."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.form_renderer import use_reference_selects
from renja.models import Opd, Wilayah

from . import selectors, settlement
from .models import Overlap, OverlapComment, OverlapProposal


class OverlapFilterForm(forms.Form):
    STATUS = [
        ("", _("Terbuka")),
        ("selesai", _("Sudah diselesaikan")),
        ("semua", _("Semua")),
        *settlement.settled_choices(),
    ]
    tahun = forms.IntegerField(required=False, widget=forms.HiddenInput)
    q = forms.CharField(required=False, max_length=100, label=_("Cari ref/nama"))
    status = forms.ChoiceField(required=False, choices=STATUS, label=_("Status"))
    opd = forms.ModelChoiceField(
        queryset=Opd.objects.filter(aktif=True),
        required=False,
        label=_("OPD"),
        empty_label=_("Semua OPD"),
        to_field_name="singkatan",
    )
    sinyal = forms.ChoiceField(required=False, label=_("Alasan"))
    skor_min = forms.FloatField(
        required=False,
        min_value=0,
        max_value=1,
        label=_("Skor minimal"),
        widget=forms.NumberInput(attrs={"step": "0.05"}),
    )
    urut = forms.ChoiceField(
        required=False, label=_("Urutan"), choices=[("", _("Per pasangan OPD")), ("skor", _("Skor tertinggi dulu"))]
    )

    def __init__(self, *args, scope_opd: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sinyal"].choices = [("", _("Semua alasan")), *selectors.signal_labels().items()]
        if scope_opd:
            del self.fields["opd"]
        use_reference_selects(self, opd=["singkatan"])  # the option list drawn once per process (labels' columns)


class OrphanFilterForm(forms.Form):
    tahun = forms.IntegerField(required=False, widget=forms.HiddenInput)
    q = forms.CharField(required=False, max_length=100, label=_("Cari"))
    sebab = forms.ChoiceField(required=False, label=_("Sebab"))  # ?sebab=: a query parameter of the page, kept
    kecamatan = forms.ModelChoiceField(
        queryset=Wilayah.objects.filter(tingkat=Wilayah.Tingkat.KECAMATAN),
        required=False,
        label=_("Kecamatan"),
        empty_label=_("Semua kecamatan"),
        to_field_name="kode",
    )
    opd = forms.ModelChoiceField(
        queryset=Opd.objects.filter(aktif=True),
        required=False,
        label=_("OPD tujuan"),
        empty_label=_("Semua OPD"),
        to_field_name="singkatan",
    )

    def __init__(self, *args, scope_opd: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sebab"].choices = [("", _("Semua sebab")), *selectors.Cause.choices()]
        if scope_opd:
            del self.fields["opd"]
        use_reference_selects(self, kecamatan=["tingkat", "nama"], opd=["singkatan"])


class SettleForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Penyelesaian"),
        widget=forms.RadioSelect,
        choices=settlement.settled_choices,
    )
    opd_pengampu = forms.ModelChoiceField(
        queryset=Opd.objects.none(), required=False, label=_("OPD pengampu (untuk koordinasi)")
    )
    dropped_row = forms.ChoiceField(required=False, label=_("Baris yang diusulkan dihapus (untuk duplikasi)"))
    note = forms.CharField(required=False, label=_("Catatan"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, overlap: Overlap, **kwargs):
        super().__init__(*args, **kwargs)
        self.overlap = overlap
        self.fields["opd_pengampu"].queryset = Opd.objects.filter(pk__in=[overlap.opd_a_id, overlap.opd_b_id])
        self.fields["dropped_row"].choices = [("", "—")] + [
            (str(r.pk), f"{r.ref} ({r.opd.singkatan})") for r in (overlap.row_a, overlap.row_b)
        ]

    @staticmethod
    def initial_for(overlap: Overlap) -> dict:
        """A settled pair's settlement as the form's starting values, so that changing only the note saves."""
        if not overlap.is_settled:
            return {}
        return {
            "status": overlap.status,
            "note": overlap.note,
            "opd_pengampu": overlap.opd_pengampu_id,
            "dropped_row": str(overlap.dropped_row_id) if overlap.dropped_row_id else "",
        }

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        rows = {str(r.pk): r for r in (self.overlap.row_a, self.overlap.row_b)}
        return {
            "status": data["status"],
            "note": data["note"],
            "opd_pengampu": data["opd_pengampu"],
            "dropped_row": rows.get(data["dropped_row"] or ""),
        }


class ProposalForm(SettleForm):
    """An officer's proposed settlement: the same fields as a settlement; a planner or facilitator confirms it."""

    note = forms.CharField(
        required=False, max_length=2000, label=_("Catatan"), widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="usul", **kwargs)


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Komentar"),
        max_length=OverlapComment.MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": OverlapComment.MAX_TEXT}),
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan penolakan"),
        max_length=OverlapProposal._meta.get_field("reason").max_length,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SynonymGroupForm(forms.Form):
    nama = forms.CharField(label=_("Nama kelompok"), max_length=120)
    frasa = forms.CharField(
        label=_("Frasa yang bermakna sama"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Dipisah koma, misalnya: penitipan anak, daycare, taman asuh anak."),
    )
    aktif = forms.BooleanField(label=_("Aktif"), required=False)
