"""Query parameters never answer 500 (issue 11, point 7).

Every page reachable by GET without a path argument is requested, as a planner and as an agency officer, with each
parameter it knows (its filters' fields, the names in its GET forms and links, and the common ones) and a few
unknown ones, set to odd values: digits str.isdigit() accepts but int() refuses, negatives, numbers beyond any
column, text, NUL, SQL, a very long string, and a repeated parameter. Exceptions are not caught, so a failure
shows its traceback.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, parse_qsl, urlsplit

import pytest
from django.core.cache import cache
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from forum.forms import VerifyForm
from musrenbang.filters import UsulanFilter
from musrenbang.forms import TrackForm
from renja.filters import RenjaRowFilter
from renja.models import Opd
from sinkronisasi.forms import OrphanFilterForm, OverlapFilterForm

from .factories import make_fiscal_year, make_nomenklatur, make_row, make_usulan

SKIP = {"logout", "set_language", "password_change", "password_change_done"}

COMMON = {"tahun", "page", "per_page", "sort", "q", "export", "pemisah"}
UNKNOWN = {"zzz"}
FILTERS = {  # the fields of each list page's filters (the page's own GET form and links are read too)
    "renja:row-list": set(RenjaRowFilter.base_filters),
    "renja:row-print": set(RenjaRowFilter.base_filters),
    "musrenbang:usulan-print": set(UsulanFilter.base_filters),
    "musrenbang:usulan-list": set(UsulanFilter.base_filters),
    "musrenbang:inbox": set(UsulanFilter.base_filters),
    "musrenbang:track": set(TrackForm.base_fields),
    "sinkronisasi:overlap-list": set(OverlapFilterForm.base_fields),
    "sinkronisasi:orphan-list": set(OrphanFilterForm.base_fields),
    "forum:verify": set(VerifyForm.base_fields),
}

VALUES = [
    "²",  # str.isdigit() is True, int() refuses it
    "-1",
    "0",
    "1.5",
    "1e309",
    "nan",
    "1" + "0" * 30,  # beyond bigint
    "-" + "9" * 30,
    "abc",
    "",
    "\x00",
    "' OR 1=1 --",
    "a/b?c#d",
    "a/" * 32,  # as long as a SHA-256 fingerprint, but no path segment
    "x" * 3000,
]
ALLOWED = (200, 302, 400, 403, 404, 405)


def list_pages() -> list[str]:
    """URL names of every page without a path argument (admin and the account pages excluded)."""
    names = []

    def walk(resolver, namespace=""):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                if not ns.startswith("admin:"):
                    walk(entry, ns)
            elif isinstance(entry, URLPattern) and entry.name and not entry.pattern.converters:
                name = f"{namespace}{entry.name}"
                if name not in SKIP:
                    names.append(name)

    walk(get_resolver())
    return sorted(set(names))


class _ParamNames(HTMLParser):
    """The names a page itself sends back by GET: fields of its GET forms and the keys of its links' queries."""

    def __init__(self):
        super().__init__()
        self.names: set[str] = set()
        self._in_get_form = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._in_get_form = (attrs.get("method") or "get").lower() == "get"
        elif tag in ("input", "select", "textarea") and self._in_get_form and attrs.get("name"):
            self.names.add(attrs["name"])
        elif tag == "a" and attrs.get("href"):
            self.names.update(k for k, _v in parse_qsl(urlsplit(attrs["href"]).query, keep_blank_values=True))

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_get_form = False


@pytest.fixture
def world(year, opd_a, opd_b, opd_a_editor):
    """A year with rows of two agencies that overlap, and an usulan routed to each."""
    for opd, code in ((opd_a, "1.06.04.2.01.0005"), (opd_b, "2.08.02.2.01.0005")):
        make_row(
            opd=opd,
            fiscal_year=year,
            sub_kegiatan=make_nomenklatur(code, "Layanan"),
            nama="Rumah singgah korban kekerasan",
        )
    for opd in (opd_a, opd_a, opd_b):
        make_usulan(fiscal_year=year, opd_tujuan=opd)
    from sinkronisasi.services import sync_refresh

    sync_refresh(fiscal_year=year)
    cache.clear()


def test_every_page_without_arguments_is_covered():
    pages = list_pages()
    for name in (
        "renja:row-list",
        "renja:home",
        "renja:nomenklatur-list",
        "musrenbang:usulan-list",
        "musrenbang:inbox",
        "musrenbang:track",
        "sinkronisasi:overlap-list",
        "sinkronisasi:orphan-list",
        "forum:forum-list",
        "forum:verify",
    ):
        assert name in pages


@pytest.mark.parametrize("role", ["planner", "opd_a_editor"])
@pytest.mark.parametrize("page", list_pages())
def test_odd_query_parameters_never_answer_500(client, request, world, role, page):
    client.force_login(request.getfixturevalue(role))
    url = reverse(page)
    first = client.get(url)
    assert first.status_code in ALLOWED, (page, first.status_code)
    names = COMMON | UNKNOWN | FILTERS.get(page, set())
    if first.status_code == 200 and not getattr(first, "streaming", False) and "html" in first.get("Content-Type", ""):
        parser = _ParamNames()
        parser.feed(first.content.decode())
        names |= parser.names
    names.discard("csrfmiddlewaretoken")
    # One parameter at a time where the page has parameters of its own (an invalid one cannot hide another's
    # failure behind a form's is_valid()), as the planner (the officer's pages parse the same parameters with the
    # same code, less the agency choice) and on the officer's own inbox; otherwise all at once, below.
    one_by_one = bool(names - COMMON - UNKNOWN) and (role == "planner" or page == "musrenbang:inbox")
    for name in sorted(names) if one_by_one else []:
        for value in VALUES:
            response = client.get(url, {name: value})
            assert response.status_code in ALLOWED, (page, name, value[:20], response.status_code)
        response = client.get(url, {name: ["1", "²", "-1"]})  # repeated
        assert response.status_code in ALLOWED, (page, name, "repeated", response.status_code)
    # Everything odd at once.
    for value in VALUES:
        response = client.get(url, dict.fromkeys(names, value))
        assert response.status_code in ALLOWED, (page, "all", value, response.status_code)


@pytest.mark.parametrize(
    "page,role",
    [("renja:row-list", "planner"), ("musrenbang:usulan-list", "planner"), ("musrenbang:inbox", "opd_a_editor")],
)
@pytest.mark.parametrize(
    "per_page,shown", [("-1", 1), ("0", 1), ("7", 7), ("500", 200), ("10" + "0" * 30, 200), ("²", 25), ("abc", 25)]
)
def test_per_page_is_kept_within_1_to_200(client, request, world, page, role, per_page, shown):
    client.force_login(request.getfixturevalue(role))
    response = client.get(reverse(page), {"per_page": per_page, "page": "-3"})
    assert response.status_code == 200
    assert response.context["table"].paginator.per_page == shown and response.context["table"].page.number == 1


@pytest.mark.parametrize("page,role", [("renja:row-list", "planner"), ("musrenbang:inbox", "opd_a_editor")])
def test_a_page_past_the_end_shows_the_last(client, request, world, page, role):
    client.force_login(request.getfixturevalue(role))
    for number in ("99", "1" + "0" * 30):
        table = client.get(reverse(page), {"per_page": "1", "page": number}).context["table"]
        assert table.page.number == table.paginator.num_pages > 1


def test_year_parameters_keep_their_meaning(client, planner, world, year):
    """?tahun= is the calendar year on every page; a malformed or unknown one gives the current year."""
    client.force_login(planner)
    for name, key in (("renja:home", "fiscal_year"), ("sinkronisasi:overlap-list", "year")):
        assert client.get(reverse(name), {"tahun": str(year.year)}).context[key] == year
        for odd in ("²⁰²⁶", str(year.pk), "1" + "0" * 30):
            assert client.get(reverse(name), {"tahun": odd}).context[key] == year  # the current one
    for name in ("renja:row-list", "musrenbang:usulan-list"):
        form = client.get(reverse(name), {"tahun": str(year.year)}).context["filter"].form
        assert form.is_valid() and form.cleaned_data["tahun"] == year
        assert not client.get(reverse(name), {"tahun": str(year.pk)}).context["filter"].form.is_valid()


def _link(page: str, path: str) -> str:
    """The href of the first link on `page` to `path`, unescaped."""
    found = re.search(rf'href="({re.escape(path)}\?[^"]*)"', page)
    assert found, path
    return html.unescape(found.group(1))


def test_the_year_survives_a_trip_from_the_renja_list_to_the_sync_page_and_back(client, planner, world, year):
    older = make_fiscal_year(year.year - 1)  # not the current year, so a lost year would show
    make_row(opd=Opd.objects.first(), fiscal_year=older, ref=f"{older.year}-X-1")
    client.force_login(planner)
    renja = client.get(reverse("renja:row-list"), {"tahun": str(older.year)})
    to_sync = _link(renja.content.decode(), reverse("sinkronisasi:overlap-list"))
    assert parse_qs(urlsplit(to_sync).query)["tahun"] == [str(older.year)]
    sync = client.get(to_sync)
    assert sync.context["year"] == older
    back = _link(sync.content.decode(), reverse("renja:row-list"))
    again = client.get(back)
    assert again.context["filter"].form.cleaned_data["tahun"] == older
    assert {r.fiscal_year_id for r in again.context["table"].data} == {older.pk}


@pytest.mark.parametrize(
    "raw,kwargs,expected",
    [
        ("12", {}, 12),
        (" 12 ", {}, 12),
        ("-3", {}, -3),
        ("+4", {}, 4),
        ("007", {}, 7),
        ("²", {}, None),
        ("١٢", {}, None),
        ("1.5", {}, None),
        ("1e3", {}, None),
        ("", {}, None),
        ("abc", {}, None),
        ("\x00", {}, None),
        ("1" + "0" * 30, {}, None),
        ("9" * 5000, {}, None),
        ("-1", {"min": 1, "max": 200}, 1),
        ("500", {"min": 1, "max": 200}, 200),
        ("1" + "0" * 30, {"min": 1, "max": 200}, 200),
        ("-" + "9" * 30, {"min": 1, "max": 200}, 1),
        ("²", {"min": 1, "max": 200}, None),
    ],
)
def test_int_param(raw, kwargs, expected):
    from django.http import QueryDict

    from core.http import int_param

    query = QueryDict(mutable=True)
    query["n"] = raw
    assert int_param(query, "n", **kwargs) == expected
    assert int_param(query, "missing", 5, **kwargs) == 5


def test_int_param_takes_the_last_of_repeated_values():
    from django.http import QueryDict

    from core.http import int_param

    assert int_param(QueryDict("n=1&n=2"), "n") == 2
    assert int_param(QueryDict("n=1&n=%C2%B2"), "n", 9) == 9


def test_str_param_drops_control_characters_and_is_bounded():
    from django.http import QueryDict

    from core.http import str_param

    assert str_param(QueryDict("q=%00abc%0A+def+"), "q") == "abc def"
    assert len(str_param(QueryDict("q=" + "x" * 3000), "q")) == 200
    assert str_param(QueryDict(""), "q", "d") == "d"


def test_nomenklatur_search_ignores_nul(client, planner):
    """PostgreSQL refuses NUL in a query: the search text must not carry it."""
    make_nomenklatur("1.06.04.2.01.0001", "Rehabilitasi")
    client.force_login(planner)
    response = client.get(reverse("renja:nomenklatur-list"), {"q": "Rehab\x00ilitasi"})
    assert response.status_code == 200 and response.context["q"] == "Rehabilitasi"


@pytest.mark.parametrize("value", ["a/" * 32, "g" * 64, "²" * 64])
def test_verify_refuses_a_fingerprint_that_is_not_hexadecimal(client, db, value):
    response = client.get(reverse("forum:verify"), {"sidik_jari": value})
    assert response.status_code == 200 and "64 karakter heksadesimal" in response.content.decode()


def test_verify_sends_a_hexadecimal_fingerprint_to_its_page(client, db):
    response = client.get(reverse("forum:verify"), {"sidik_jari": " " + "AB" * 32 + " "})
    assert response.status_code == 302 and response["Location"] == reverse("forum:verify-detail", args=["ab" * 32])
