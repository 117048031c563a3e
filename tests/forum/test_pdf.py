"""The berita acara PDF as pictures and pages: QR code, page numbers, DRAF mark (pdftoppm and pdfimages read it)."""

import gc
import subprocess

import pytest
import segno
from PIL import Image

from forum import selectors
from forum.pdf import render_berita_acara

pytestmark = pytest.mark.django_db

VERIFY_URL = "http://testserver/verifikasi/" + "ab" * 32 + "/"
DPI = 300


def final_pdf(forum, tmp_path):
    path = tmp_path / "ba.pdf"
    path.write_bytes(
        render_berita_acara(
            selectors.forum_snapshot(forum, nomor="001/BA-FPD/BAPPEDA/III/2025"),
            draft=False,
            fingerprint="ab" * 32,
            verify_url=VERIFY_URL,
        )
    )
    return path


def page_picture(path, page: int, dpi: int, tmp_path, *, gray: bool = True) -> Image.Image:
    prefix = tmp_path / f"page{page}"
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            str(dpi),
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            "-png",
            *(["-gray"] if gray else []),
            str(path),
            str(prefix),
        ],
        check=True,
    )
    return Image.open(f"{prefix}.png").convert("L" if gray else "RGB")


def poppler(*args) -> str:
    return subprocess.run([*map(str, args)], capture_output=True, text=True, check=True).stdout


def test_every_page_has_its_number_and_the_same_qr_image(forum_ready, tmp_path):
    path = final_pdf(forum_ready, tmp_path)
    pages = int(next(line.split()[-1] for line in poppler("pdfinfo", path).splitlines() if line.startswith("Pages:")))
    for n in range(1, pages + 1):
        text = poppler("pdftotext", "-f", n, "-l", n, path, "-")
        assert f"Halaman {n} dari {pages}" in text and "Sidik jari SHA-256" in text
    images = [line.split() for line in poppler("pdfimages", "-list", path).splitlines()[2:]]
    qr = [row for row in images if row[3] == row[4]]  # square: the QR code (the logo is drawn as vectors)
    assert sorted(int(row[0]) for row in qr) == list(range(1, pages + 1))
    assert len({row[10] for row in qr}) == 1, "one QR image embedded once and shown on every page"


def test_printed_qr_code_holds_the_verification_address(forum_ready, tmp_path):
    """Read the QR code back from the picture of page 1: every module matches the code of the verification address."""
    picture = page_picture(final_pdf(forum_ready, tmp_path), 1, DPI, tmp_path)
    mm = DPI / 25.4
    # The footer's QR sits at the left page margin (22 mm), in the bottom margin (24 mm), 16 mm wide;
    # the text begins 3 mm to its right.
    left, top = round(20 * mm), round((297 - 24) * mm)
    area = picture.crop((left, top, round((22 + 16 + 1.5) * mm), picture.height))
    x0, y0, x1, y1 = area.point(lambda v: 255 if v < 128 else 0).getbbox()
    matrix = [list(row) for row in segno.make(VERIFY_URL, error="m").matrix]
    size = len(matrix)
    step = (x1 - x0) / size
    assert abs((y1 - y0) - (x1 - x0)) <= 2 and step > 2
    read = [
        [area.getpixel((int(x0 + (c + 0.5) * step), int(y0 + (r + 0.5) * step))) < 128 for c in range(size)]
        for r in range(size)
    ]
    assert read == [[bool(v) for v in row] for row in matrix]


def test_draft_pages_carry_the_red_draf_mark_and_final_pages_do_not(forum_ready, tmp_path):
    draft = tmp_path / "draf.pdf"
    draft.write_bytes(render_berita_acara(selectors.forum_snapshot(forum_ready), draft=True))

    def reddish(path) -> int:
        picture = page_picture(path, 1, 30, tmp_path, gray=False)
        below_letterhead = picture.crop((0, picture.height // 5, picture.width, picture.height))  # the logo has red
        return sum(1 for r, g, b in below_letterhead.get_flattened_data() if r > g + 15 and r > b + 15)

    assert reddish(draft) > 200
    assert reddish(final_pdf(forum_ready, tmp_path)) == 0


@pytest.mark.parametrize("enabled", [True, False])
def test_rendering_leaves_the_garbage_collector_as_it_found_it(forum_ready, enabled):
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        render_berita_acara(selectors.forum_snapshot(forum_ready), draft=True)
        assert gc.isenabled() is enabled
    finally:
        gc.enable() if was else gc.disable()


def test_two_threads_rendering_at_once_keep_the_collector_paused_until_the_last_ends(forum_ready, monkeypatch):
    """A gunicorn worker runs two threads: the first render to end must not resume the collector under the other,
    and both PDFs come out whole. Each render waits inside WeasyPrint until both are there; the second then waits
    until the first has ended before it prints."""
    import threading

    import weasyprint

    snapshot = selectors.forum_snapshot(forum_ready, nomor="001/BA-FPD/BAPPEDA/III/2025")
    original = weasyprint.HTML.write_pdf
    both_inside, first_ended, lock = threading.Barrier(2), threading.Event(), threading.Lock()
    arrivals, collector_while_other_ended, pdfs, errors = [], [], {}, []

    def write_pdf(self, *args, **kwargs):
        with lock:
            arrival = len(arrivals)
            arrivals.append(arrival)
        both_inside.wait(timeout=60)
        if arrival == 1:
            assert first_ended.wait(timeout=120)
            collector_while_other_ended.append(gc.isenabled())
        return original(self, *args, **kwargs)

    def render(name):
        try:
            pdfs[name] = render_berita_acara(snapshot, draft=name == "draft")
        except Exception as error:  # reported below, in the test's own thread
            errors.append(error)
            both_inside.abort()
        finally:
            first_ended.set()

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", write_pdf)
    was = gc.isenabled()
    gc.enable()
    try:
        threads = [threading.Thread(target=render, args=(name,)) for name in ("draft", "final")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
        assert not errors
        assert collector_while_other_ended == [False]
        assert gc.isenabled()
    finally:
        gc.enable() if was else gc.disable()
    for pdf in pdfs.values():
        assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert set(pdfs) == {"draft", "final"} and pdfs["draft"] != pdfs["final"]
