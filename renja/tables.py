"""The Renja list table. It receives a ready queryset: no column runs a query."""
from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .models import RenjaRow


class RenjaRowTable(tables.Table):
    ref = tables.Column(linkify=("renja:row-detail", {"pk": tables.A("pk")}), verbose_name=_("Ref"))
    opd = tables.Column(accessor="opd__singkatan", verbose_name=_("OPD"), order_by=("opd__singkatan", "kode"))
    kode = tables.Column(verbose_name=_("Kode"))
    nama = tables.Column(verbose_name=_("Nama"), attrs={"td": {"class": "wrap"}})
    target = tables.Column(verbose_name=_("Target"), orderable=False, empty_values=())
    pagu = tables.Column(verbose_name=_("Pagu"), attrs={"td": {"class": "num"}, "th": {"class": "num"}})
    lokasi = tables.Column(verbose_name=_("Lokasi"), orderable=False, empty_values=())
    sasaran = tables.Column(verbose_name=_("Sasaran"), orderable=False, empty_values=())
    status = tables.Column(verbose_name=_("Status"))

    class Meta:
        model = RenjaRow
        fields = ["ref", "opd", "kode", "nama", "target", "pagu", "lokasi", "sasaran", "status"]
        attrs = {"class": "table"}
        order_by = ("opd", "kode")
        empty_text = _("Tidak ada baris Renja yang cocok dengan saringan.")
        template_name = "renja/row_table.html"  # draws the cells itself, from the prefetched records
