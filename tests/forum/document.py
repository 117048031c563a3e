"""Reading a berita acara PDF back as a reader does: its text page by page (pdftotext), split into the main part and
its lampiran, and the words' boxes on a page (pdftotext -bbox) for the picture checks."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from xml.etree import ElementTree

from forum import selectors
from forum.pdf import render_berita_acara

NOMOR = "000.1.2/001/BA-FPD/Bappeda/III/2025"
VERIFY_URL = "http://testserver/verifikasi/" + "ab" * 32 + "/"
LAMPIRAN = ("I", "II", "III", "IV", "V", "VI")
FOOTER = re.compile(
    r"^(Dokumen ini dapat diverifikasi di .*|Sidik jari SHA-256:.*|[0-9a-f]{64}/?|.*Halaman \d+ dari \d+)$"
)


def render(forum, tmp_path: Path, *, draft: bool = False, snapshot: dict | None = None) -> Path:
    snapshot = snapshot or selectors.forum_snapshot(forum, nomor="" if draft else NOMOR)
    path = tmp_path / ("draf.pdf" if draft else "ba.pdf")
    if draft:
        path.write_bytes(render_berita_acara(snapshot, draft=True))
    else:
        path.write_bytes(render_berita_acara(snapshot, draft=False, fingerprint="ab" * 32, verify_url=VERIFY_URL))
    return path


def pages(path: Path, *, layout: bool = False) -> list[str]:
    """The text of each page, without the running footer (the verification address, fingerprint, page number)."""
    args = ["pdftotext", *(["-layout"] if layout else []), str(path), "-"]
    text = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    out = []
    for page in text.split("\f")[:-1]:
        lines = [line for line in page.splitlines() if not FOOTER.match(line.strip())]
        out.append("\n".join(lines))
    return out


def block_under(page: str, first: str) -> list[str]:
    """In a -layout page: the line holding `first` and the lines under it in the same column, while not blank
    there (a table cell read top to bottom)."""
    lines = page.splitlines()
    index = next(i for i, line in enumerate(lines) if first in line)
    column = lines[index].index(first)
    cell = [first]
    for line in lines[index + 1 :]:
        part = line[column:].strip() if len(line) > column else ""
        if not part or (len(line) > column and column > 0 and line[column - 1] != " "):
            break
        cell.append(re.split(r"\s{2,}", part)[0])
    return cell


def lampiran_of(page: str) -> str | None:
    """The lampiran whose first page this is (its heading LAMPIRAN X : BERITA ACARA …), else None."""
    match = re.search(r"^\s*LAMPIRAN (VI|V|IV|III|II|I)\b", page, re.MULTILINE)
    return match.group(1) if match else None


def sections(path: Path) -> dict[str, str]:
    """The document's text by part: "BA" (the berita acara itself) and each lampiran, continuation pages included;
    words joined by single spaces."""
    out: dict[str, list[str]] = {"BA": []}
    current = "BA"
    for page in pages(path):
        current = lampiran_of(page) or current
        out.setdefault(current, []).append(page)
    return {key: " ".join(" ".join(texts).split()) for key, texts in out.items()}


def page_count(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def words_with_boxes(path: Path, page: int) -> list[tuple[str, float, float, float, float]]:
    """(word, xMin, yMin, xMax, yMax) in PDF points of one page."""
    html = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    html = re.sub(r"<!DOCTYPE[^>]*>", "", html).replace('xmlns="http://www.w3.org/1999/xhtml"', "")
    root = ElementTree.fromstring(html)
    return [(w.text or "", *(float(w.get(k)) for k in ("xMin", "yMin", "xMax", "yMax"))) for w in root.iter("word")]
