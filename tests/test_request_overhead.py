"""What every page pays (issue 18): form widgets drawn in Python draw exactly what Django's templates draw."""

import datetime
from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from core.form_renderer import FastSelectRenderer

CHOICES = [("a", "Anak <kecil>"), ("b", 'Balita "B"'), ("c", "Cacat & disabilitas")]
GROUPED = [("Kelompok <1>", [("x", "X")]), ("y", "Y"), ("Kelompok 2", [("z", "Z & z"), ("w", "W")])]


class EveryWidget(forms.Form):
    teks = forms.CharField(
        max_length=20, help_text="bantuan", widget=forms.TextInput(attrs={"placeholder": 'a "b" <c>'})
    )
    angka = forms.DecimalField(required=False)
    tersembunyi = forms.CharField(widget=forms.HiddenInput, required=False)
    sandi = forms.CharField(widget=forms.PasswordInput(render_value=True))
    surel = forms.EmailField(required=False, disabled=True)
    tanggal = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    centang = forms.BooleanField(required=False)
    catatan = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    berkas = forms.FileField(required=False)
    pilihan = forms.MultipleChoiceField(choices=CHOICES, widget=forms.CheckboxSelectMultiple, required=False)
    kelompok = forms.MultipleChoiceField(
        choices=GROUPED, widget=forms.CheckboxSelectMultiple(attrs={"class": "checks"}), required=False
    )
    satu = forms.ChoiceField(choices=CHOICES, widget=forms.RadioSelect)


@pytest.mark.parametrize(
    "data",
    [
        None,
        {
            "teks": 'Jalan <b>& "kutip"</b>',
            "angka": "1250.50",
            "tersembunyi": "7",
            "sandi": "r<a>hasia",
            "tanggal": "2026-12-05",
            "centang": "on",
            "catatan": "baris satu\nbaris <dua> & tiga",
            "pilihan": ["a", "c"],
            "kelompok": ["x", "z"],
            "satu": "b",
        },
    ],
)
def test_widgets_drawn_in_python_equal_djangos_templates(data):
    initial = {"angka": Decimal("3.0"), "tanggal": datetime.date(2026, 1, 2), "catatan": mark_safe("<i>aman</i>")}
    fast = EveryWidget(data, initial=initial, renderer=FastSelectRenderer())
    stock = EveryWidget(data, initial=initial, renderer=DjangoTemplates())
    for name in fast.fields:
        assert str(fast[name]) == str(stock[name]), name
    assert "checked" in str(fast["centang"]) or data is None
