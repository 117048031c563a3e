"""The Renja list table. It receives a ready queryset: no column runs a query."""

from __future__ import annotations

import django_tables2 as tables
from django.core.paginator import Paginator
from django.urls import reverse
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.formatting import angka, place_label, rupiah

from . import selectors
from .models import RenjaRow


class KnownCountPaginator(Paginator):
    """A paginator told the number of rows when the page already counted them (e.g. in its summary tables), so
    that the list does not count every row a second time. Pass it to RequestConfig: paginate={"paginator_class":
    KnownCountPaginator, "count": n, ...}."""

    def __init__(self, object_list, per_page, *args, count: int | None = None, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        if count is not None:
            self.count = count  # Paginator.count is a cached property: this is its value


class PythonRowsTable(tables.Table):
    """A table whose body rows are drawn by `row_html` in Python (template: partials/_table.html).

    The columns still give the headers, the sort keys and the cell order; `row_html` draws one row's cells in that
    order from the prefetched record (it must run no query). `index` counts the rows on the page from 0.
    """

    def row_html(self, record, index: int) -> str:
        raise NotImplementedError

    def prepare(self, records: list) -> None:
        """Read what the page's records show beyond their own columns (one query for all of them), before drawing."""

    def body_html(self) -> SafeString:
        records = [row.record for row in self.paginated_rows]
        self.prepare(records)
        rows = [self.row_html(record, i) for i, record in enumerate(records)]
        if not rows and self.empty_text:
            return format_html('<tr><td colspan="{}">{}</td></tr>', len(self.columns), self.empty_text)
        return mark_safe("\n".join(rows))


def places_text(places) -> str:
    """Up to three place names, then "+N" for the rest; no place means regency-wide."""
    names = [place_label(w.nama, w.tingkat) for w in places]
    if not names:
        return gettext("Se-kabupaten")
    return ", ".join(names[:3]) + (f" +{len(names) - 3}" if len(names) > 3 else "")


# A primary key no row has, to draw a detail link once per page and put each row's key in its place.
DETAIL_SENTINEL = 987654321
DETAIL_SENTINEL_TEXT = str(DETAIL_SENTINEL)


class RenjaRowTable(PythonRowsTable):
    ref = tables.Column(linkify=("renja:row-detail", {"pk": tables.A("pk")}), verbose_name=_("Ref"))
    opd = tables.Column(
        accessor="opd__singkatan", verbose_name=_("OPD"), order_by=("opd__kode_unit", "opd__singkatan", "kode")
    )
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
        template_name = "partials/_table.html"

    def prepare(self, records: list[RenjaRow]) -> None:
        selectors.attach_row_names(records)
        # Worked out once per page, not per row: the detail link's shape, the status labels, a translated word.
        self._detail = reverse("renja:row-detail", args=[DETAIL_SENTINEL])
        self._statuses = {value: conditional_escape(label) for value, label in RenjaRow.Status.choices}
        self._extra = conditional_escape(gettext("Indikator tambahan OPD"))

    def row_html(self, r: RenjaRow, index: int) -> str:
        """One row from a record of `selectors.rows_for_table` (with `lokasi_list` and `sasaran_list`, from
        `prepare`). The same markup as format_html gives (every value escaped), put together with one f-string: a
        page draws this for every row."""
        e = conditional_escape
        rincian = f'<br><small class="help rincian">{e(r.rincian)}</small>' if r.rincian else ""
        extra = (
            f'<br><small class="help">{self._extra}: {e(r.indikator_opd)} {e(angka(r.target_opd))} '
            f"{e(r.satuan_opd)}</small>"
            if r.indikator_opd
            else ""
        )
        tags = "".join(f'<span class="tag">{e(s.nama)}</span> ' for s in r.sasaran_list)
        url = self._detail.replace(DETAIL_SENTINEL_TEXT, str(r.pk))
        return mark_safe(
            f'<tr><td><a href="{e(url)}">{e(r.ref)}</a></td><td>{e(r.opd.singkatan)}</td><td>{e(r.kode)}</td>'
            f'<td class="wrap">{e(r.nama)}{rincian}</td><td>{e(angka(r.target))} {e(r.satuan)}{extra}</td>'
            f'<td class="num">{e(rupiah(r.pagu))}</td><td>{e(places_text(r.lokasi_list))}</td><td>{tags}</td>'
            f'<td><span class="badge badge-{e(r.status)}">{self._statuses.get(r.status, e(r.status))}</span></td></tr>'
        )


def per_program_body_html(per_program: list[dict]) -> SafeString:
    """The body rows of the Renja list's "Pagu per program" table from `selectors.pagu_per_program`: code, name,
    rows, pagu and pagu N+1. Drawn in Python: a year has about 150 programs, and as a template loop this table took
    a third of the page's time."""
    return format_html_join(
        "",
        '<tr><td class="code">{}</td><td>{}</td><td class="num">{}</td><td class="num">{}</td>'
        '<td class="num">{}</td></tr>',
        ((p["kode"], p["nama"], p["n"], rupiah(p["pagu"]), rupiah(p["pagu_n1"])) for p in per_program),
    )


def home_rows_body_html(rows: list[dict], year: int) -> SafeString:
    """The body of the home page's table of rows per agency and status (selectors.home_summary's "rows"): each
    agency linked to its Renja list of the year, its counts per status, rows and pagu. Drawn in Python: sixty
    agencies' cells as a template loop were most of the page's time."""
    if not rows:
        return format_html('<tr><td colspan="7">{}</td></tr>', gettext("Belum ada baris Renja untuk tahun ini."))
    url = reverse("renja:row-list")
    return format_html_join(
        "\n",
        '<tr><th scope="row"><a href="{}?tahun={}&amp;opd={}" title="{}">{}</a></th>{}<td class="num">{}</td>'
        '<td class="num">{}</td></tr>',
        (
            (
                url,
                year,
                r["id"],
                r["nama"],
                r["singkatan"],
                format_html_join("", '<td class="num">{}</td>', ((c,) for c in r["counts"])),
                r["n"],
                rupiah(r["pagu"]),
            )
            for r in rows
        ),
    )


def ceilings_body_html(ceilings: list, year: int) -> SafeString:
    """The body of the home page's table of agencies against their pagu indikatif (selectors.CeilingStatus): over
    the ceiling marked, with the excess; otherwise what remains. Drawn in Python, as home_rows_body_html."""
    url = reverse("renja:row-list")
    over_text, left_text = gettext("melebihi %(selisih)s"), gettext("sisa %(selisih)s")
    return format_html_join(
        "\n",
        '<tr{}><th scope="row"><a href="{}?tahun={}&amp;opd={}" title="{}">{}</a></th>'
        '<td class="num">{}</td><td class="num">{}</td><td class="num">{}</td></tr>',
        (
            (
                mark_safe(' class="msg-error"') if s.over else "",
                url,
                year,
                s.opd.pk,
                s.opd.nama,
                s.opd.singkatan,
                rupiah(s.pagu),
                rupiah(s.jumlah),
                format_html("<strong>{}</strong>", over_text % {"selisih": rupiah(s.excess)})
                if s.over
                else left_text % {"selisih": rupiah(s.remaining)},
            )
            for s in ceilings
        ),
    )
