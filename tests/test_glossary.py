"""One word for each thing: every URL name and every audit key is built from a term of docs/GLOSSARY.md or from plain
English (an English dictionary: Debian's wamerican and wbritish word lists, installed by `make`)."""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

ROOT = Path(__file__).resolve().parent.parent
APPS = ["core", "renja", "musrenbang", "sinkronisasi", "forum"]
DICTIONARIES = [Path("/usr/share/dict/american-english"), Path("/usr/share/dict/british-english")]
# Words of software that no general dictionary lists.
SOFTWARE_WORDS = {"pdf", "csv", "xlsx", "qr", "sha", "url", "admin", "setlang", "recompute", "requeued", "attendee"}
AUDIT_KEY = re.compile(r"^[a-z][a-z_]*\.[a-z][a-z_]*$")


@cache
def english() -> frozenset[str]:
    words = set()
    for path in DICTIONARIES:
        words |= {w.strip().lower() for w in path.read_text(encoding="utf-8").splitlines() if w.strip().isalpha()}
    return frozenset(words)


@cache
def glossary_words() -> frozenset[str]:
    """Every word of a code spelling in the glossary (`berita_acara`, `BeritaAcara` and `?tahun=` give berita, acara,
    tahun)."""
    text = (ROOT / "docs" / "GLOSSARY.md").read_text(encoding="utf-8")
    words = set()
    for code in re.findall(r"`([^`]+)`", text):
        if "/" in code:
            continue  # a path is an example of user interface, not a spelling
        for part in re.findall(r"[A-Z]?[a-z]+", code):
            words.add(part.lower())
    return frozenset(words)


def known(word: str) -> bool:
    """A glossary word, a software word, or an English word (also in an inflected form: places, settled, signing)."""
    word = word.lower()
    if word in glossary_words() or word in SOFTWARE_WORDS:
        return True
    candidates = {word}
    for suffix, replacement in (("ies", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"), ("d", ""), ("ing", "")):
        if word.endswith(suffix):
            candidates.add(word[: -len(suffix)] + replacement)
    return any(c in english() for c in candidates)


def url_names() -> list[str]:
    names = []

    def walk(patterns, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue  # Django's own names
                walk(pattern.url_patterns, f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.append(namespace + pattern.name)

    walk(get_resolver().url_patterns, "")
    return names


def audit_keys() -> set[str]:
    """Audit actions written by the apps: the literal of every `action=` keyword, and every other literal shaped like
    one whose prefix an `action=` literal uses (actions chosen in a variable before the call)."""
    literals, keyed = set(), set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.Constant) and isinstance(node.value, str) and AUDIT_KEY.match(node.value):
                    literals.add(node.value)
                if isinstance(node, ast.keyword) and node.arg == "action":
                    for inner in ast.walk(node.value):
                        if isinstance(inner, ast.Constant) and isinstance(inner.value, str):
                            if AUDIT_KEY.match(inner.value):
                                keyed.add(inner.value)
    prefixes = {key.split(".")[0] for key in keyed}
    return keyed | {value for value in literals if value.split(".")[0] in prefixes}


def words_of(name: str) -> list[str]:
    return [w for w in re.split(r"[-_:.]", name) if w]


def test_the_dictionaries_are_installed():
    """The check below means nothing without its word lists (make's system-deps installs wamerican and wbritish)."""
    assert all(path.is_file() for path in DICTIONARIES)
    assert {"overlap", "settled", "finalise"} <= english()
    assert not {"tumpang", "sinonim", "pasangan"} & english()


def test_the_scan_finds_the_names_it_checks():
    """The walk sees the apps' URL names and the audit keys of each app (a scan that finds nothing would pass)."""
    names = url_names()
    assert {"renja:row-list", "musrenbang:usulan-detail", "forum:forum-detail", "login"} <= set(names)
    keys = audit_keys()
    assert {"renja_row.created", "usulan.imported", "forum.signed"} <= keys
    assert any(key.startswith("overlap.") for key in keys)


@pytest.mark.parametrize("name", url_names())
def test_url_name_uses_glossary_or_english(name):
    unknown = [w for w in words_of(name) if not known(w)]
    assert not unknown, f"URL name {name!r}: {unknown} is neither in docs/GLOSSARY.md nor plain English"


@pytest.mark.parametrize("key", sorted(audit_keys()))
def test_audit_key_uses_glossary_or_english(key):
    unknown = [w for w in words_of(key) if not known(w)]
    assert not unknown, f"audit key {key!r}: {unknown} is neither in docs/GLOSSARY.md nor plain English"


@pytest.mark.parametrize("word", ["tumpang", "beririsan", "sinonim", "pasangan", "putaran", "jejak"])
def test_drifted_words_are_refused(word):
    """The words the code drifted into are caught (they are not glossary code spellings)."""
    assert not known(word)
