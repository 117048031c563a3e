"""Inputs of the Renja row form that people type as they write on paper.

- `RupiahField`: whole Rupiah in Indonesian notation (1.300.000.000, Rp1.300.000.000, 1,3 M, 250 jt), read by the
  importer's own parser so that the form and the files agree; an edited row shows its amount with thousand dots.
- `LokasiPicker`: the locations as checkboxes grouped by kecamatan, one <details> per kecamatan (open when a place
  in it is chosen). A click adds or removes one place and never replaces the others (the multi-select's Ctrl trap).
  Drawn in Python from one query of plain values: the list has some 260 places and the form is built on every view.
  static/js/lokasi-picker.js adds a filter box and the list of chosen places; without it the picker works as is.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from core.formatting import angka, place_label
from core.importing import integer_range
from core.memo import Memo
from core.reference import token

from .models import RenjaRow, Wilayah
from .services import parse_rupiah


class RupiahInput(forms.TextInput):
    """A text input for whole Rupiah: a numeric keypad on phones, the saved amount shown as 1.300.000.000.
    `data-rupiah` lets static/js/rupiah-input.js echo what was typed as Rupiah."""

    def __init__(self, attrs=None):
        super().__init__(
            {
                "inputmode": "numeric",
                "autocomplete": "off",
                "data-rupiah": gettext_lazy("Belum terbaca sebagai Rupiah (contoh: 1.300.000.000 atau 1,3 M)"),
                "data-rupiah-too-big": gettext_lazy("Terlalu besar"),
                **(attrs or {}),
            }
        )

    def format_value(self, value):
        if isinstance(value, int) and not isinstance(value, bool):
            return angka(value)
        return super().format_value(value)


class RupiahField(forms.Field):
    """Whole Rupiah, parsed like the importer parses it (`services.parse_rupiah`), within the database column's
    range (`maximum`, the largest bigint when None)."""

    widget = RupiahInput

    def __init__(self, *, maximum: int | None = None, **kwargs):
        self.maximum = maximum
        super().__init__(**kwargs)

    def widget_attrs(self, widget) -> dict:
        maximum = self.maximum if self.maximum is not None else integer_range(RenjaRow, "pagu")[1]
        return {**super().widget_attrs(widget), "data-rupiah-max": str(maximum)}

    def to_python(self, value):
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        try:
            return parse_rupiah(value, maximum=self.maximum)
        except ValueError as exc:
            reason = str(exc)
            raise ValidationError(reason[:1].upper() + reason[1:] + ".", code="invalid") from None

    def has_changed(self, initial, data) -> bool:
        try:
            return self.to_python(data) != initial
        except ValidationError:
            return True


_LOKASI_GROUPS: Memo[list] = Memo("renja.lokasi_groups", size=8)
_PICKERS: Memo[SafeString] = Memo("renja.lokasi_pickers", size=256)


def lokasi_groups() -> list[tuple[tuple[int, str, str], list[tuple[int, str, str]]]]:
    """Every kecamatan (pk, kode, label) with its desa/kelurahan (pk, kode, label), both in name order: one query
    of plain values (model instances with translated labels for 260 places cost 10 ms on every form), kept per
    process for the reference token (core.reference: every change of a place makes a new one) and the language
    of the labels."""
    return _LOKASI_GROUPS.get_or_set((token(), get_language()), _read_lokasi_groups)


def _read_lokasi_groups() -> list[tuple[tuple[int, str, str], list[tuple[int, str, str]]]]:
    places = list(
        Wilayah.objects.exclude(tingkat=Wilayah.Tingkat.KABUPATEN)
        .order_by("nama", "pk")
        .values_list("pk", "kode", "nama", "tingkat", "parent_id")
    )
    children: dict[int, list[tuple[int, str, str]]] = {}
    for pk, kode, nama, tingkat, parent_id in places:
        if tingkat != Wilayah.Tingkat.KECAMATAN and parent_id is not None:
            children.setdefault(parent_id, []).append((pk, kode, place_label(nama, tingkat)))
    return [
        ((pk, kode, place_label(nama, tingkat)), children.get(pk, []))
        for pk, kode, nama, tingkat, _parent in places
        if tingkat == Wilayah.Tingkat.KECAMATAN
    ]


class LokasiPicker(forms.Widget):
    """Checkboxes grouped by kecamatan; the kecamatan's own box means the whole kecamatan."""

    allow_multiple_selected = True
    input_type = "lokasi"  # neither a checkbox nor a select to the shared field partial

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.groups: list | None = None

    def __deepcopy__(self, memo):
        obj = super().__deepcopy__(memo)
        obj.groups = None  # each form instance reads the places once
        return obj

    def value_from_datadict(self, data, files, name):
        getter = getattr(data, "getlist", None)
        return getter(name) if getter else data.get(name)

    def value_omitted_from_data(self, data, files, name) -> bool:
        return False  # an unticked picker sends nothing, and means "no place" (regency-wide)

    def format_value(self, value) -> set[str]:
        if value is None:
            return set()
        if not isinstance(value, (list, tuple, set)):
            value = [value]
        return {str(getattr(v, "pk", v)) for v in value}

    def render(self, name, value, attrs=None, renderer=None):
        chosen = self.format_value(value)
        attrs = self.build_attrs(self.attrs, attrs)
        if self.groups is not None:  # places given to this widget: drawn as they are
            return self._draw(name, chosen, attrs)
        # A function of the places (the reference token), the language, the field and what is ticked: an officer
        # opens the same row's form again and again.
        key = (token(), get_language(), name, attrs.get("id"), frozenset(chosen))
        return _PICKERS.get_or_set(key, lambda: self._draw(name, chosen, attrs))

    def _draw(self, name: str, chosen: set[str], attrs: dict) -> SafeString:
        if self.groups is None:
            self.groups = lokasi_groups()
        whole = _("Seluruh %(kecamatan)s")
        picked = _("{n} dipilih")
        item = '<li><label><input type="checkbox" name="{}" value="{}"{}> {} <small>{}</small></label></li>'
        escaped_name = conditional_escape(name)
        parts = [
            format_html(
                '<div class="lokasi-picker" id="{}" data-lokasi-picker data-cari="{}" data-dipilih="{}"'
                ' data-kosong="{}" data-hapus="{}" data-cocok="{}" data-tak-cocok="{}" data-n-dipilih="{}">'
                '<div class="lokasi-groups">',
                attrs.get("id", name),
                _("Cari kecamatan, desa atau kelurahan"),
                _("Lokasi dipilih"),
                _("Belum ada lokasi dipilih: kegiatan se-kabupaten."),
                _("Hapus"),
                _("{n} tempat cocok"),
                _("Tidak ada tempat yang cocok."),
                _("{n} dipilih"),
            )
        ]
        for (kec_pk, kec_kode, kec_label), places in self.groups:
            keys = [str(kec_pk), *(str(pk) for pk, _kode, _label in places)]
            n = sum(1 for key in keys if key in chosen)
            parts.append(
                format_html(
                    '<details class="lokasi-kec"{}><summary>{} <span class="lokasi-n">{}</span></summary><ul>',
                    mark_safe(" open") if n else "",
                    kec_label,
                    picked.replace("{n}", str(n)) if n else "",
                )
            )
            parts.append(
                format_html(
                    item,
                    name,
                    kec_pk,
                    mark_safe(" checked") if str(kec_pk) in chosen else "",
                    whole % {"kecamatan": kec_label},
                    kec_kode,
                )
            )
            # What format_html_join(item) gives, written out: ~250 places on every form (pk is an int).
            e = conditional_escape
            parts.extend(
                f'<li><label><input type="checkbox" name="{escaped_name}" value="{pk}"'
                f"{' checked' if str(pk) in chosen else ''}> {e(label)} <small>{e(kode)}</small></label></li>"
                for pk, kode, label in places
            )
            parts.append("</ul></details>")
        parts.append("</div></div>")
        return mark_safe("".join(parts))


class LokasiField(forms.ModelMultipleChoiceField):
    """The Renja row's locations: kecamatan and desa/kelurahan of the regency; an unknown id is refused."""

    widget = LokasiPicker

    def __init__(self, **kwargs):
        super().__init__(queryset=Wilayah.objects.exclude(tingkat=Wilayah.Tingkat.KABUPATEN), **kwargs)
