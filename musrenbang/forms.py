"""Input shapes for the usulan screens. Cross-object rules live in services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.form_renderer import use_reference_selects
from renja.models import FiscalYear, Opd, RenjaRow

from . import decisions
from .models import Decision, InboxMail, Usulan

# An agency's decisions (routing and closing are Bappeda's own steps).
DECISIONS = [(t.value, t.label) for t in decisions.DECISION_TYPES if t.by_agency]
SPLIT_LINES = 3


ROW_PICKER_ID = "baris-renja-pilihan"  # the <datalist> of templates/musrenbang/_row_picker.html


def row_ref_input() -> forms.TextInput:
    """A ref box searchable through the agency's rows (a <datalist>: ref, full name and pagu; no script needed)."""
    return forms.TextInput(attrs={"list": ROW_PICKER_ID, "autocomplete": "off", "class": "row-picker"})


def row_by_ref(rows, ref: str):
    """The row of `rows` with this ref (case and spacing forgiven), or None."""
    wanted = (ref or "").strip().casefold()
    return next((r for r in rows if r.ref.casefold() == wanted), None) if wanted else None


class DecisionForm(forms.Form):
    """One decision on one usulan; acceptance lists up to three Renja rows to split it over."""

    keputusan = forms.ChoiceField(label=_("Keputusan"), choices=DECISIONS, widget=forms.RadioSelect)
    level = forms.ChoiceField(
        label=_("Diputuskan dalam"),
        initial=Decision.Level.OPD,
        choices=[(Decision.Level.OPD, _("Kotak masuk OPD")), (Decision.Level.FORUM, _("Forum Perangkat Daerah"))],
    )
    alasan = forms.CharField(
        label=_("Alasan"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Wajib untuk ditolak, dikembalikan dan digabung."),
    )
    volume = forms.DecimalField(
        label=_("Volume disetujui"),
        required=False,
        min_value=0,
        localize=True,
        help_text=_("Untuk diterima dengan perubahan."),
    )
    anggaran = forms.IntegerField(label=_("Biaya disetujui (Rp)"), required=False, min_value=0)
    gabung_usulan = forms.CharField(label=_("Digabung ke ID usulan"), required=False, max_length=40)
    gabung_renja = forms.CharField(label=_("atau ke ref baris Renja"), required=False, max_length=60)

    # Set by the check step: the officer saw the acceptance warnings and accepts anyway.
    konfirmasi = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, usulan: Usulan, visible=None, rows=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.usulan = usulan
        self.visible = visible if visible is not None else Usulan.objects.none()  # merge targets the user may see
        # The agency's rows of the year (selectors.rows_for_pickup), also listed by the picker.
        self.rows = rows if rows is not None else []
        for i in range(1, SPLIT_LINES + 1):
            self.fields[f"baris_{i}"] = forms.CharField(
                required=False,
                max_length=60,
                widget=row_ref_input(),
                label=_("Baris Renja %(n)s (ref)") % {"n": i},
                help_text=_("Ketik ref atau sebagian nama, lalu pilih dari daftar.") if i == 1 else "",
            )
            self.fields[f"biaya_{i}"] = forms.IntegerField(
                required=False, min_value=0, label=_("Biaya untuk baris %(n)s (Rp)") % {"n": i}
            )

    def allocation_lines(self):
        return [(self[f"baris_{i}"], self[f"biaya_{i}"]) for i in range(1, SPLIT_LINES + 1)]

    def clean(self):
        cleaned = super().clean()
        year = self.usulan.fiscal_year_id
        for i in range(1, SPLIT_LINES + 1):
            ref = (cleaned.get(f"baris_{i}") or "").strip()
            cleaned[f"row_{i}"] = row_by_ref(self.rows, ref)
            if ref and cleaned[f"row_{i}"] is None:
                self.add_error(
                    f"baris_{i}",
                    _("Baris Renja %(ref)s tidak ada di Renja %(opd)s tahun %(year)s.")
                    % {
                        "ref": ref,
                        "opd": self.usulan.opd_tujuan.singkatan if self.usulan.opd_tujuan_id else "–",
                        "year": self.usulan.fiscal_year.year,
                    },
                )
        if cleaned.get("keputusan") == Decision.Kind.DIGABUNG:
            target_id, target_ref = (
                (cleaned.get("gabung_usulan") or "").strip(),
                (cleaned.get("gabung_renja") or "").strip(),
            )
            cleaned["merge_usulan"] = (
                self.visible.filter(fiscal_year_id=year, id_usulan=target_id).first() if target_id else None
            )
            cleaned["merge_row"] = (
                RenjaRow.objects.filter(fiscal_year_id=year, ref=target_ref).first() if target_ref else None
            )
            if target_id and cleaned["merge_usulan"] is None:
                self.add_error("gabung_usulan", _("Usulan %(id)s tidak ada di tahun ini.") % {"id": target_id})
            if target_ref and cleaned["merge_row"] is None:
                self.add_error("gabung_renja", _("Baris Renja %(ref)s tidak ada di tahun ini.") % {"ref": target_ref})
        return cleaned


class NewRowForm(forms.Form):
    """Create the agency's Renja row from the usulan and accept it into that row."""

    ref = forms.CharField(label=_("Ref baris baru"), max_length=60)
    kode_sub_kegiatan = forms.CharField(label=_("Kode sub kegiatan"), max_length=24)


class RouteForm(forms.Form):
    opd = forms.ModelChoiceField(queryset=Opd.objects.filter(aktif=True), label=_("Teruskan ke OPD"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        use_reference_selects(self, opd=["singkatan"])  # the option list drawn once per process (labels' columns)


class BulkForm(forms.Form):
    """One action for a selection of usulan."""

    ACTIONS = [
        ("teruskan", _("Teruskan ke OPD")),
        (Decision.Kind.DITERIMA, _("Terima ke satu baris Renja")),
        (Decision.Kind.DITOLAK, _("Tolak")),
        (Decision.Kind.DIKEMBALIKAN, _("Kembalikan ke Bappeda")),
        ("tutup", _("Tutup (tidak tertampung, dibawa ke tahun berikut)")),
    ]
    aksi = forms.ChoiceField(label=_("Aksi untuk yang dipilih"), choices=ACTIONS)
    pilih = forms.ModelMultipleChoiceField(
        queryset=Usulan.objects.none(),
        label=_("Usulan terpilih"),
        error_messages={"required": _("Pilih sedikitnya satu usulan.")},
    )
    opd = forms.ModelChoiceField(queryset=Opd.objects.filter(aktif=True), required=False, label=_("OPD tujuan"))
    baris = forms.CharField(
        required=False,
        max_length=60,
        label=_("Ref baris Renja"),
        widget=row_ref_input(),
        help_text=_("Untuk aksi terima: ketik ref atau sebagian nama, lalu pilih dari daftar."),
    )
    alasan = forms.CharField(required=False, label=_("Alasan"), widget=forms.Textarea(attrs={"rows": 2}))
    next = forms.CharField(required=False, widget=forms.HiddenInput)
    konfirmasi = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, visible, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pilih"].queryset = visible

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("aksi") == "teruskan" and not cleaned.get("opd"):
            self.add_error("opd", _("Pilih OPD tujuan."))
        if cleaned.get("aksi") == "tutup" and not (cleaned.get("alasan") or "").strip():
            self.add_error("alasan", _("Alasan menutup usulan wajib diisi."))
        return cleaned


class CarryOverForm(forms.Form):
    dari = forms.ModelChoiceField(queryset=FiscalYear.objects.all(), label=_("Dari tahun"))
    ke = forms.ModelChoiceField(queryset=FiscalYear.objects.all(), label=_("Ke tahun"))


class TrackForm(forms.Form):
    kode = forms.CharField(label=_("Kode lacak"), max_length=16)


class InboxMailForm(forms.Form):
    """How an officer hears of usulan routed to their agency."""

    mode = forms.ChoiceField(label=_("Surel usulan masuk"), choices=InboxMail.Mode.choices, widget=forms.RadioSelect)
