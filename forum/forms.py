"""Input shapes for forum screens. Cross-object rules live in services."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from renja import permissions as rules
from renja.models import Opd

from .models import Attendance, Forum
from .services import FORUM_FIELDS


class ForumForm(forms.ModelForm):
    opd = forms.ModelMultipleChoiceField(
        queryset=Opd.objects.filter(aktif=True), label=_("OPD peserta"), widget=forms.SelectMultiple(attrs={"size": 8})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Forum
        fields = FORUM_FIELDS  # the fields forum_create/forum_update write, named once
        widgets = {
            "tanggal": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "mulai": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "selesai": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fasilitator"].queryset = rules.forum_runners()
        if self.instance.pk:
            self.fields["opd"].initial = list(self.instance.opd.all())
            self.fields["version"].initial = self.instance.version

    def service_data(self) -> dict:
        return {f: self.cleaned_data.get(f) for f in self.Meta.fields}


class AttendeeForm(forms.ModelForm):
    checked_in = forms.BooleanField(label=_("Langsung tandai hadir"), required=False, initial=True)

    class Meta:
        model = Attendance
        fields = ["nama", "unsur", "jabatan", "pangkat", "nip", "kontak", "opd", "signs_as_representative"]

    def __init__(self, *args, forum=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the forum's own participants can be represented.
        self.fields["opd"].queryset = forum.opd.order_by("kode_unit", "singkatan") if forum else Opd.objects.none()


class ClausesForm(forms.Form):
    text = forms.CharField(
        label=_("Butir kesepakatan (satu butir per paragraf, dipisah baris kosong)"),
        widget=forms.Textarea(attrs={"rows": 16}),
    )

    def texts(self) -> list[str]:
        return [
            part.strip().replace("\n", " ") for part in self.cleaned_data["text"].replace("\r\n", "\n").split("\n\n")
        ]


class SignForm(forms.Form):
    MAX_BYTES = 20 * 1024 * 1024
    pindaian = forms.FileField(
        label=_("Pindaian berita acara bertanda tangan basah (PDF, opsional, maks. 20 MB)"), required=False
    )
    # Signing cannot be undone: the box says what it does and must be ticked (a confirmation that needs no script).
    konfirmasi = forms.BooleanField(
        label=_(
            "Berita acara sudah ditandatangani. Saya mengerti forum ini akan terkunci dan kesepakatan program "
            "beririsannya dibekukan; perubahan selanjutnya hanya lewat versi koreksi."
        ),
        error_messages={"required": _("Centang konfirmasi bahwa berita acara sudah ditandatangani.")},
    )

    def clean_pindaian(self):
        scan = self.cleaned_data.get("pindaian")
        if scan and scan.size > self.MAX_BYTES:
            raise forms.ValidationError(_("Berkas pindaian terlalu besar (maksimal 20 MB)."))
        return scan


class VerifyForm(forms.Form):
    sidik_jari = forms.CharField(label=_("Sidik jari SHA-256"), max_length=64, min_length=64)

    def clean_sidik_jari(self) -> str:
        value = self.cleaned_data["sidik_jari"].strip().lower()
        if not re.fullmatch(r"[0-9a-f]{64}", value):
            raise forms.ValidationError(_("Sidik jari terdiri atas 64 karakter heksadesimal (0-9, a-f)."))
        return value
