"""The Renja list table. It receives a ready queryset: no column runs a query."""
from __future__ import annotations

import django_tables2 as tables
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from .formatting import angka, rupiah
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

    def render_target(self, record: RenjaRow) -> str:
        return f"{angka(record.target)} {record.satuan}".strip()

    def render_pagu(self, value: int) -> str:
        return rupiah(value)

    def render_lokasi(self, record: RenjaRow) -> str:
        names = [w.nama for w in record.lokasi.all()]
        if not names:
            return _("Se-kabupaten")
        return ", ".join(names[:3]) + (f" +{len(names) - 3}" if len(names) > 3 else "")

    def render_sasaran(self, record: RenjaRow) -> str:
        return format_html_join(" ", '<span class="tag">{}</span>', ((s.nama,) for s in record.sasaran.all()))

    def render_status(self, record: RenjaRow) -> str:
        return format_html('<span class="badge badge-{}">{}</span>', record.status, record.get_status_display())
