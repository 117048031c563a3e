"""The berita acara PDF: WeasyPrint fetches only the app's static files, the draft is rendered once per state of the
forum, and no PDF is kept by a cache (issue 11, point 9)."""

import base64

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from weasyprint.urls import URLFetcher

from forum import pdf, services
from forum.pdf import StaticOnlyFetcher, html_to_pdf

pytestmark = pytest.mark.django_db

LOGO = (settings.BASE_DIR / "static" / settings.PEMDA["logo"]).resolve()
PIXEL = (
    "data:image/png;base64,"
    + base64.b64encode(
        bytes.fromhex(
            "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
            "1f15c4890000000d49444154789c6360000002000105fe0233e00000000049454e44ae426082"
        )
    ).decode()
)


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "file:///etc/hostname",
        f"file://{settings.BASE_DIR}/renja/settings.py",  # the app's own code, outside static
        f"file://{settings.BASE_DIR}/static/../renja/settings.py",  # climbing out of static
        f"file://{settings.BASE_DIR}/static/%2e%2e/renja/settings.py",
        f"file://evil.example/{LOGO}",  # a remote host's file share
        "http://127.0.0.1:9/evil.css",
        "https://example.com/logo.png",
        "ftp://example.com/x",
        "gopher://example.com/x",
    ],
)
def test_the_fetcher_refuses_everything_outside_static(url):
    with pytest.raises(ValueError, match="refused"):
        StaticOnlyFetcher().fetch(url)


def test_the_fetcher_serves_static_files_and_data_urls():
    response = StaticOnlyFetcher().fetch(LOGO.as_uri())
    try:
        assert response.read() == LOGO.read_bytes()
    finally:
        response.close()
    assert StaticOnlyFetcher().fetch(PIXEL).read().startswith(b"\x89PNG")


def test_a_link_inside_static_pointing_outside_is_refused(settings, tmp_path):
    static = tmp_path / "static"
    static.mkdir()
    (static / "ok.css").write_text("p { color: red }")
    (static / "passwd.css").symlink_to("/etc/passwd")
    settings.STATICFILES_DIRS = [static]
    assert StaticOnlyFetcher().fetch((static / "ok.css").as_uri()).read() == b"p { color: red }"
    with pytest.raises(ValueError, match="refused"):
        StaticOnlyFetcher().fetch((static / "passwd.css").as_uri())


def test_rendering_html_fetches_nothing_outside_static(monkeypatch):
    """Render HTML naming outside resources through the function the berita acara uses: none reaches a fetch."""
    reached = []
    real_fetch = URLFetcher.fetch

    def recording_fetch(self, url, headers=None):
        reached.append(url)
        return real_fetch(self, url, headers)

    monkeypatch.setattr(URLFetcher, "fetch", recording_fetch)
    html = f"""<html><head>
      <link rel="stylesheet" href="http://127.0.0.1:9/evil.css">
      <link rel="stylesheet" href="file:///etc/passwd">
      <style>@import url("https://example.com/x.css"); body {{ background: url("file:///etc/hostname") }}</style>
    </head><body>
      <img src="file:///etc/passwd"><img src="https://example.com/x.png"><img src="static/../renja/settings.py">
      <img src="static/{settings.PEMDA["logo"]}"><img src="{PIXEL}">
      <p>Isi</p>
    </body></html>"""
    assert html_to_pdf(html).startswith(b"%PDF")
    assert sorted(reached) == sorted([LOGO.as_uri(), PIXEL])


def test_the_berita_acara_still_shows_its_logo(forum_ready, monkeypatch):
    reached = []
    real_fetch = URLFetcher.fetch
    monkeypatch.setattr(
        URLFetcher, "fetch", lambda self, url, headers=None: reached.append(url) or real_fetch(self, url, headers)
    )
    from forum import selectors

    pdf.render_berita_acara(selectors.forum_snapshot(forum_ready), draft=True)
    assert LOGO.as_uri() in reached


@pytest.fixture
def counted_renders(monkeypatch):
    """html_to_pdf replaced by a fast stand-in that counts its calls."""
    cache.clear()
    calls = []

    def fake(html):
        calls.append(html)
        return b"%PDF-1.7 render " + str(len(calls)).encode()

    monkeypatch.setattr(pdf, "html_to_pdf", fake)
    yield calls
    cache.clear()


def test_the_draft_is_rendered_once_until_the_forum_changes(client, facilitator, forum_ready, counted_renders):
    client.force_login(facilitator)
    url = reverse("forum:forum-pdf", args=[forum_ready.pk])
    first = client.get(url)
    assert first.status_code == 200 and first.content == b"%PDF-1.7 render 1"
    assert client.get(url).content == b"%PDF-1.7 render 1"
    assert len(counted_renders) == 1
    services.attendee_add(forum=forum_ready, data={"nama": "Peserta Baru", "unsur": "Bappeda"}, by=facilitator)
    assert client.get(url).content == b"%PDF-1.7 render 2"
    assert "Peserta Baru" in counted_renders[-1]
    assert client.get(url).content == b"%PDF-1.7 render 2"
    assert len(counted_renders) == 2


def test_a_change_to_a_row_on_the_agenda_renders_the_draft_again(client, facilitator, forum_ready, counted_renders):
    from renja.models import RenjaRow

    client.force_login(facilitator)
    url = reverse("forum:forum-pdf", args=[forum_ready.pk])
    client.get(url)
    RenjaRow.objects.filter(ref="2026-DINSOS-001").update(nama="Rehabilitasi sosial yang diubah")
    client.get(url)
    assert len(counted_renders) == 2 and "Rehabilitasi sosial yang diubah" in counted_renders[-1]


def test_two_forums_do_not_share_a_cached_draft(
    client, facilitator, forum_ready, forum_data, year, opd_a, counted_renders
):
    other = services.forum_create(
        fiscal_year=year,
        data={**forum_data, "judul": "Forum lain", "fasilitator": facilitator},
        opd_list=[opd_a],
        by=facilitator,
    )
    client.force_login(facilitator)
    client.get(reverse("forum:forum-pdf", args=[forum_ready.pk]))
    client.get(reverse("forum:forum-pdf", args=[other.pk]))
    assert len(counted_renders) == 2


def test_draft_and_stored_pdfs_are_not_kept_by_caches(client, facilitator, forum_ready, verify_url, counted_renders):
    client.force_login(facilitator)
    url = reverse("forum:forum-pdf", args=[forum_ready.pk])
    assert client.get(url)["Cache-Control"] == "private, no-store"
    services.forum_finalise(forum=forum_ready, by=facilitator, verify_url_for=verify_url)
    stored = client.get(url)
    assert stored.status_code == 200 and stored["Cache-Control"] == "private, no-store"
