"""Tables of usulan. They receive a ready queryset: no column runs a query."""

from __future__ import annotations

import django_tables2 as tables
from django.core.paginator import Paginator
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
DETAIL_MARKER = 987654321  # stands for the pk in the detail link drawn once per table


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

    def prepare(self, records: list) -> None:
        """What every row draws alike, once per page: the translated words, the status labels, the detail link."""
        self._pilih_label = gettext("Pilih")
        self._fresh_badge = format_html(' <span class="badge badge-baru">{}</span>', gettext("baru"))
        self._status_labels = {value: str(label) for value, label in Usulan.Status.choices}
        self._places: dict[tuple, str] = {}
        self._ages: dict[int, str] = {}
        # The detail link of every row is this one with its pk in place of the marker (reverse per row cost more).
        self._detail_url = reverse("musrenbang:usulan-detail", args=[DETAIL_MARKER]).split(str(DETAIL_MARKER))

    def _place(self, nama: str, tingkat: str) -> str:
        label = self._places.get((nama, tingkat))
        if label is None:
            label = self._places[nama, tingkat] = place_label(nama, tingkat)
        return label

    def _age(self, days: int) -> str:
        age = self._ages.get(days)
        if age is None:
            age = self._ages[days] = format_html(
                ' <small class="help">{}</small>', ngettext("%(n)s hari", "%(n)s hari", days) % {"n": days}
            )
        return age

    def row_html(self, u, index: int) -> str:
        """One row from a record of `selectors.usulan_rows_for_table` (a named tuple of TABLE_VALUES)."""
        # `checked`: the selection a refused or warned bulk action keeps ticked (views._bulk_again).
        pilih = (
            ""
            if "pilih" in self.exclude
            else format_html(
                '<td><input type="checkbox" name="pilih" value="{}" form="massal" aria-label="{} {}"{}></td>',
                u.pk,
                self._pilih_label,
                u.id_usulan,
                mark_safe(" checked") if u.pk in self.checked else "",
            )
        )
        kecamatan = self._place(u.desa__parent__nama, u.desa__parent__tingkat) if u.desa__parent is not None else None
        fresh, age = "", ""
        if self.marks_fresh and u.status in decisions.UNDECIDED and u.diputuskan_pada is not None:
            if self.fresh_since is None or u.diputuskan_pada > self.fresh_since:
                fresh = self._fresh_badge
            age = self._age(max(0, (self.today - timezone.localtime(u.diputuskan_pada).date()).days))
        return format_html(
            '<tr class="{}">{}<td><a href="{}">{}</a>{}</td><td class="wrap">{}</td><td>{}</td><td>{}</td>'
            '<td class="num">{}</td><td>{}</td><td class="num">{}</td><td>{}</td>'
            '<td><span class="badge {}">{}</span>{}</td></tr>',
            "odd" if index % 2 else "even",
            pilih,
            f"{self._detail_url[0]}{u.pk}{self._detail_url[1]}",
            u.id_usulan,
            fresh,
            u.usulan or EMPTY,
            self._place(u.desa__nama, u.desa__tingkat) if u.desa__nama else EMPTY,
            kecamatan or EMPTY,
            EMPTY if u.prioritas is None else u.prioritas,
            f"{angka(u.volume)} {u.satuan}".strip(),
            EMPTY if u.anggaran is None else rupiah(u.anggaran),
            u.opd_tujuan__singkatan if u.opd_tujuan is not None else EMPTY,
            decisions.status_badge(u.status),
            self._status_labels.get(u.status, u.status),
            age,
        )


class PageCountingPaginator(Paginator):
    """A paginator that takes the number of rows from the page's own query: its records carry `rows_total` (the
    whole list's count, selectors.usulan_rows_for_table(counted=True)), so the list runs no COUNT query. A page
    with no rows (past the end) is counted as Paginator counts it; an empty first page means an empty list."""

    def page(self, number):
        if "count" in self.__dict__ or self.orphans or type(number) is not int or number < 1:
            return super().page(number)
        bottom = (number - 1) * self.per_page
        page_rows = self.object_list[bottom : bottom + self.per_page]
        records = getattr(page_rows, "data", page_rows)  # django-tables2's rows wrap the sliced queryset
        first = next(iter(records), None)  # reads the page (kept for drawing it)
        if first is not None:
            self.count = first.rows_total  # Paginator.count is a cached property: this is its value
        elif number == 1 and self.allow_empty_first_page:
            self.count = 0
        else:
            return super().page(number)
        return self._get_page(page_rows, number, self)


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
