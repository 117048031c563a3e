"""Tables of usulan. They receive a ready queryset: no column runs a query."""
from __future__ import annotations

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from renja.formatting import angka, rupiah

from .models import Usulan


class UsulanTable(tables.Table):
    pilih = tables.CheckBoxColumn(accessor="pk", attrs={"th__input": {"aria-label": _("Pilih semua")}, "td__input": {"form": "massal"}})
    id_usulan = tables.Column(linkify=("musrenbang:usulan-detail", {"pk": tables.A("pk")}), verbose_name=_("ID"))
    usulan = tables.Column(verbose_name=_("Usulan"), attrs={"td": {"class": "wrap"}})
    desa = tables.Column(accessor="desa__nama", verbose_name=_("Desa/kel."), order_by=("desa__nama",))
    kecamatan = tables.Column(accessor="desa__parent__nama", verbose_name=_("Kecamatan"), order_by=("desa__parent__nama", "prioritas"))
    prioritas = tables.Column(verbose_name=_("Prior."), attrs={"td": {"class": "num"}})
    volume = tables.Column(verbose_name=_("Volume"), orderable=False, empty_values=())
    anggaran = tables.Column(verbose_name=_("Biaya"), attrs={"td": {"class": "num"}, "th": {"class": "num"}})
    opd_tujuan = tables.Column(accessor="opd_tujuan__singkatan", verbose_name=_("OPD"), order_by=("opd_tujuan__singkatan",))
    status = tables.Column(verbose_name=_("Status"))

    class Meta:
        model = Usulan
        fields = ["pilih", "id_usulan", "usulan", "desa", "kecamatan", "prioritas", "volume", "anggaran", "opd_tujuan", "status"]
        attrs = {"class": "table"}
        empty_text = _("Tidak ada usulan yang cocok dengan saringan.")

    def render_pilih(self, value, record):
        return format_html('<input type="checkbox" name="pilih" value="{}" form="massal" aria-label="{} {}">', value, _("Pilih"), record.id_usulan)

    def render_volume(self, record: Usulan) -> str:
        return f"{angka(record.volume)} {record.satuan}".strip()

    def render_anggaran(self, value: int) -> str:
        return rupiah(value)

    def render_status(self, record: Usulan) -> str:
        return format_html('<span class="badge badge-u-{}">{}</span>', record.status, record.get_status_display())
