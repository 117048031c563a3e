"""Berita acara PDF rendering (WeasyPrint) only: snapshot in, PDF bytes out."""
from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

import segno
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string


@contextmanager
def _collector_paused() -> Iterator[None]:
    """WeasyPrint builds hundreds of thousands of small objects that live until the PDF is written; Python's cyclic
    collector walks them again and again meanwhile (a quarter to a third of a 40-page render). It resumes afterwards
    and frees the document's garbage once. Workers are single-threaded (gunicorn sync), so no other request waits."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _qr_png(data: str) -> str:
    """The verification QR code as a PNG data URI. One image is embedded once and shown on every page; an inline
    SVG would be parsed and drawn again on each page. The template draws it unsmoothed, so it stays sharp."""
    return segno.make(data, error="m").png_data_uri(scale=4, dark="#000", light="#fff")


def render_berita_acara(snapshot: dict, *, draft: bool, fingerprint: str | None = None, verify_url: str | None = None) -> bytes:
    """Render the berita acara of a snapshot as A4 PDF; a draft carries a DRAF mark and no fingerprint."""
    from weasyprint import HTML  # imported lazily: about a second to import

    logo_path = finders.find(settings.PEMDA["logo"])
    html = render_to_string(
        "forum/berita_acara_pdf.html",
        {
            "s": snapshot,
            "draft": draft,
            "fingerprint": fingerprint,
            "verify_url": verify_url,
            "qr_url": _qr_png(verify_url) if verify_url else "",
            "logo_url": f"file://{logo_path}" if logo_path else "",
        },
    )
    with _collector_paused():
        return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
