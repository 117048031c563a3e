"""Tables of usulan. They receive a ready queryset: no column runs a query."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.formatting import angka, place_label, rupiah
from renja.tables import PythonRowsTable

from . import decisions
from .models import Usulan

EMPTY = "—"  # what django-tables2 shows for an empty value


class UsulanTable(PythonRowsTable):
    checked: set[int] = set()
    # The inbox marks usulan routed after `fresh_since` (None: never opened) as new, and shows undecided ones' age.
    marks_fresh = False
    fresh_since = None
    today = None
    pilih = tables.CheckBoxColumn(
        accessor="pk", attrs={"th__input": {"aria-label": _("Pilih semua")}, "td__input": {"form": "massal"}}
    )
    id_usulan = tables.Column(linkify=("musrenbang:usulan-detail", {"pk": tables.A("pk")}), verbose_name=_("ID"))
    usulan = tables.Column(verbose_name=_("Usulan"), attrs={"td": {"class": "wrap"}})
    desa = tables.Column(accessor="desa__nama", verbose_name=_("Desa/kel."), order_by=("desa__nama",))
    kecamatan = tables.Column(
        accessor="desa__parent__nama", verbose_name=_("Kecamatan"), order_by=("desa__parent__nama", "prioritas")
    )
    prioritas = tables.Column(verbose_name=_("Prior."), attrs={"td": {"class": "num"}})
    volume = tables.Column(verbose_name=_("Volume"), orderable=False, empty_values=())
    anggaran = tables.Column(verbose_name=_("Biaya"), attrs={"td": {"class": "num"}, "th": {"class": "num"}})
    opd_tujuan = tables.Column(
        accessor="opd_tujuan__singkatan",
        verbose_name=_("OPD"),
        order_by=("opd_tujuan__kode_unit", "opd_tujuan__singkatan"),
    )
    status = tables.Column(verbose_name=_("Status"))

    class Meta:
        model = Usulan
        fields = [
            "pilih",
            "id_usulan",
            "usulan",
            "desa",
            "kecamatan",
            "prioritas",
            "volume",
            "anggaran",
            "opd_tujuan",
            "status",
        ]
        attrs = {"class": "table"}
        empty_text = _("Tidak ada usulan yang cocok dengan saringan.")
        template_name = "partials/_table.html"

    def row_html(self, u: Usulan, index: int) -> str:
        # `checked`: the selection a refused or warned bulk action keeps ticked (views._bulk_again).
        pilih = (
            ""
            if "pilih" in self.exclude
            else format_html(
                '<td><input type="checkbox" name="pilih" value="{}" form="massal" aria-label="{} {}"{}></td>',
                u.pk,
                gettext("Pilih"),
                u.id_usulan,
                mark_safe(" checked") if u.pk in self.checked else "",
            )
        )
        kecamatan = u.desa.parent.label if u.desa.parent_id else None
        fresh, age = "", ""
        if self.marks_fresh and u.status in decisions.UNDECIDED and u.diputuskan_pada is not None:
            if self.fresh_since is None or u.diputuskan_pada > self.fresh_since:
                fresh = format_html(' <span class="badge badge-baru">{}</span>', gettext("baru"))
            days = max(0, (self.today - timezone.localtime(u.diputuskan_pada).date()).days)
            age = format_html(
                ' <small class="help">{}</small>', ngettext("%(n)s hari", "%(n)s hari", days) % {"n": days}
            )
        return format_html(
            '<tr class="{}">{}<td><a href="{}">{}</a>{}</td><td class="wrap">{}</td><td>{}</td><td>{}</td>'
            '<td class="num">{}</td><td>{}</td><td class="num">{}</td><td>{}</td>'
            '<td><span class="badge {}">{}</span>{}</td></tr>',
            "odd" if index % 2 else "even",
            pilih,
            reverse("musrenbang:usulan-detail", args=[u.pk]),
            u.id_usulan,
            fresh,
            u.usulan or EMPTY,
            u.desa.label if u.desa.nama else EMPTY,
            kecamatan or EMPTY,
            EMPTY if u.prioritas is None else u.prioritas,
            f"{angka(u.volume)} {u.satuan}".strip(),
            EMPTY if u.anggaran is None else rupiah(u.anggaran),
            u.opd_tujuan.singkatan if u.opd_tujuan_id else EMPTY,
            decisions.status_badge(u.status),
            u.get_status_display(),
            age,
        )


def status_counts_body_html(rows: list[dict], *, place_kind: str = "") -> SafeString:
    """The body rows of a counts table (musrenbang/_counts.html) from `selectors.status_counts`: name (with its
    kind when the names are places, e.g. Kec. Tenggarong), counts, total and their cost in Rupiah."""
    return format_html_join(
        "",
        '<tr><th scope="row">{}</th>{}<td class="num">{}</td><td class="num">{}</td></tr>',
        (
            (
                place_label(r["name"], place_kind) if r["name"] != "–" else r["name"],
                format_html_join("", '<td class="num">{}</td>', ((c,) for c in r["count_list"])),
                r["n"],
                rupiah(r.get("biaya") or 0),
            )
            for r in rows
        ),
    )


def row_picker_options_html(rows) -> SafeString:
    """The <option>s of the acceptance row picker (musrenbang/_row_picker.html) from `selectors.rows_for_pickup`:
    ref, name, rincian (cut at 120 characters), pagu and what the row holds already. Drawn in Python: an agency
    has tens of rows, and the inbox drew them on every view."""
    held = gettext("sudah menampung")
    return format_html_join(
        "",
        '\n  <option value="{}">{} · {}{} · {}{}</option>',
        (
            (
                r.ref,
                r.ref,
                r.nama,
                format_html(" ({})", Truncator(r.rincian).chars(120)) if r.rincian else "",
                rupiah(r.pagu),
                format_html(" ({} {})", held, rupiah(r.ditampung)) if r.ditampung else "",
            )
            for r in rows
        ),
    )
