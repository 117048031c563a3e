"""Berita acara PDF rendering (WeasyPrint) only: snapshot in, PDF bytes out."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import segno
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.template.loader import render_to_string
from weasyprint.urls import URLFetcher

from core.gc_pause import collector_paused

DRAFT_CACHE_S = 7 * 24 * 3600  # a draft's PDF is kept until the forum changes (then its key changes), at most a week


def static_roots() -> list[Path]:
    """The directories the app's own static files come from (STATICFILES_DIRS, and STATIC_ROOT after collectstatic)."""
    dirs = [d[1] if isinstance(d, (list, tuple)) else d for d in settings.STATICFILES_DIRS]
    return [Path(d).resolve() for d in [*dirs, settings.STATIC_ROOT] if d]


class StaticOnlyFetcher(URLFetcher):
    """WeasyPrint's fetcher, limited to data: URLs and files under the app's static directories. Anything else
    (http(s)://, ftp://, file:///etc/passwd, a static path climbing out with ..) is refused: WeasyPrint logs the
    refusal and renders without it."""

    def fetch(self, url, headers=None):
        scheme = url.split(":", 1)[0].lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            parts = urlsplit(url)
            if parts.netloc in ("", "localhost"):
                path = Path(url2pathname(parts.path)).resolve()
                if path.is_file() and any(path.is_relative_to(root) for root in static_roots()):
                    return super().fetch(path.as_uri(), headers)
        raise ValueError(f"Berita acara PDF: fetching refused for {url[:200]}")


def _qr_png(data: str) -> str:
    """The verification QR code as a PNG data URI. One image is embedded once and shown on every page; an inline
    SVG would be parsed and drawn again on each page. The template draws it unsmoothed, so it stays sharp."""
    return segno.make(data, error="m").png_data_uri(scale=4, dark="#000", light="#fff")


NBSP = "\u00a0"
# Words that stay on the line of the word before them in a title ("Perangkat Daerah", "Kutai Kartanegara").
KEEP_WITH_PREVIOUS = ("Daerah", "DAERAH", "Kartanegara", "KARTANEGARA")


def keep_together(text: str) -> str:
    """A title phrase whose last words never wrap alone: "Daerah" stays with "Perangkat", a year with "Tahun"."""
    for word in KEEP_WITH_PREVIOUS:
        text = text.replace(f" {word}", f"{NBSP}{word}")
    return re.sub(r"(?i)\b(tahun) (\d{4})", lambda m: f"{m.group(1)}{NBSP}{m.group(2)}", text)


def title_lines(snapshot: dict) -> list[str]:
    """The berita acara's title in three lines broken where a reader breaks it: what it is, which forum, where and
    which year."""
    return [
        "Berita Acara",
        keep_together(f"Kesepakatan Hasil {snapshot['jenis_label']}"),
        keep_together(f"{snapshot['pemda']['nama_daerah']} Tahun {snapshot['tahun']}"),
    ]


def template_for(snapshot: dict) -> str:
    """The template of the snapshot's shape: a document keeps the look it was signed with."""
    return "forum/berita_acara_pdf.html" if snapshot.get("versi", 1) >= 2 else "forum/berita_acara_pdf_v1.html"


def berita_acara_html(
    snapshot: dict, *, draft: bool, fingerprint: str | None = None, verify_url: str | None = None
) -> str:
    """The HTML WeasyPrint prints for a snapshot."""
    logo_path = finders.find(settings.PEMDA["logo"])
    versioned = snapshot.get("versi", 1) >= 2
    return render_to_string(
        template_for(snapshot),
        {
            "s": snapshot,
            "judul_baris": title_lines(snapshot) if versioned else [],
            "kepala_lampiran": keep_together(f"Berita Acara Kesepakatan Hasil {snapshot['jenis_label']}").upper(),
            "draft": draft,
            "fingerprint": fingerprint,
            "verify_url": verify_url,
            "qr_url": _qr_png(verify_url) if verify_url else "",
            "logo_url": Path(logo_path).resolve().as_uri() if logo_path else "",
        },
    )


def html_to_pdf(html: str) -> bytes:
    """Print HTML as PDF; only the app's own static files and data: URLs are fetched (StaticOnlyFetcher)."""
    from weasyprint import HTML  # imported lazily: about a second to import

    with collector_paused():
        return HTML(string=html, base_url=str(settings.BASE_DIR), url_fetcher=StaticOnlyFetcher()).write_pdf()


def render_berita_acara(
    snapshot: dict, *, draft: bool, fingerprint: str | None = None, verify_url: str | None = None
) -> bytes:
    """Render the berita acara of a snapshot as A4 PDF; a draft carries a DRAF mark and no fingerprint."""
    return html_to_pdf(berita_acara_html(snapshot, draft=draft, fingerprint=fingerprint, verify_url=verify_url))


def render_draft_cached(snapshot: dict) -> bytes:
    """The DRAF print of a snapshot, rendered once per state of the forum: the cache key is the SHA-256 of the HTML
    to print, so any change to what the document shows (or to its template) renders it again."""
    html = berita_acara_html(snapshot, draft=True)
    key = "berita-acara-draf:" + hashlib.sha256(html.encode()).hexdigest()
    pdf = cache.get(key)
    if pdf is None:
        pdf = html_to_pdf(html)
        cache.set(key, pdf, DRAFT_CACHE_S)
    return pdf
