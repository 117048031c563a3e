"""Berita acara PDF rendering (WeasyPrint) only: snapshot in, PDF bytes out."""
from __future__ import annotations

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from renja.qr import qr_svg


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
            "qr": qr_svg(verify_url, scale=2) if verify_url else "",
            "logo_url": f"file://{logo_path}" if logo_path else "",
        },
    )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
