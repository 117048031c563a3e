"""The Renja document as PDF (WeasyPrint): a tree in (tree.document_tree), A4 landscape bytes out. Renders only."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import translation

from core.formatting import angka, rupiah
from core.gc_pause import collector_paused

from .tree import COLUMNS, document_lines


def _fetcher():
    """A fetcher that refuses every URL (http, file, data): the document embeds nothing, and anything a text smuggled
    in is rendered without (WeasyPrint logs the refusal)."""
    from weasyprint.urls import URLFetcher

    class RefuseAll(URLFetcher):
        def fetch(self, url, headers=None):
            raise ValueError(f"Dokumen Renja PDF: fetching refused for {url[:200]}")

    return RefuseAll()


CACHE_S = 24 * 3600  # a printed document is kept a day (its key changes with anything it shows)


def _amount(value: int | None) -> str:
    """An amount in a Rupiah column (the header says Rp): 1.250.000; nothing for None."""
    return "" if value is None else angka(value)


def document_html(tree: dict) -> str:
    """The HTML WeasyPrint prints for a document tree."""
    lines = []
    for line in document_lines(tree):
        item = line.item
        indikator = item.get("indikator") or [{"teks": "", "target": "", "target_n1": "", "tambahan": False}]
        lines.append(
            {
                "depth": line.depth,
                "level": line.level,
                "group": line.is_group,
                "span": len(indikator),
                "first": indikator[0],
                "more": indikator[1:],
                "item": item,
                "pagu": _amount(item["pagu"]),
                "pagu_n1": _amount(item["pagu_n1"]),
            }
        )
    with translation.override("id"):
        return render_to_string(
            "renja/dokumen_pdf.html",
            {
                "d": tree,
                "lines": lines,
                "columns": COLUMNS,
                "jumlah_pagu": _amount(tree["jumlah"]["pagu"]),
                "jumlah_pagu_n1": _amount(tree["jumlah"]["pagu_n1"]),
                "pagu_opd_text": rupiah(tree["pagu_opd"]),
                "jumlah_text": rupiah(tree["jumlah"]["pagu"]),
                "selisih_text": rupiah(abs(tree["selisih"])) if tree["selisih"] is not None else "",
            },
        )


def html_to_pdf(html: str) -> bytes:
    """Print the document's HTML as PDF, fetching nothing."""
    from weasyprint import HTML  # imported lazily: about a second to import

    with collector_paused():
        return HTML(string=html, base_url=str(settings.BASE_DIR), url_fetcher=_fetcher()).write_pdf()


def render_pdf(tree: dict) -> bytes:
    """Print a document tree as an A4 landscape PDF."""
    return html_to_pdf(document_html(tree))


def render_pdf_cached(tree: dict) -> bytes:
    """The PDF of a tree, printed once for each state of what it shows: the cache key is the SHA-256 of the HTML to
    print, so a changed row, ceiling, indicator, head, template or printing day prints it again."""
    html = document_html(tree)
    key = "dokumen-renja:" + hashlib.sha256(html.encode()).hexdigest()
    pdf = cache.get(key)
    if pdf is None:
        pdf = html_to_pdf(html)
        cache.set(key, pdf, CACHE_S)
    return pdf
