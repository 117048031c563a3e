"""No page carries an inline style= attribute: the Content-Security-Policy blocks them (issue 14, point 10).

Every URL of the app (the walk of test_leaks) is requested as a planner and as an agency officer; each HTML answer
must be free of style attributes. PDF documents are not pages and are not checked.
"""

import re

import pytest
from django.urls import reverse

from sinkronisasi.models import Overlap

from .factories import make_nomenklatur, make_row
from .test_leaks import agency_a_world, fill, walk  # noqa: F401  (fixture)

STYLE = re.compile(rb"<[^>]*\sstyle\s*=", re.IGNORECASE)


def html_pages(client, world):
    for name, pattern in walk():
        url = fill(name, pattern, world)
        if url is None or name in ("logout", "set_language"):
            continue
        response = client.get(url)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            yield name, url, response.content


@pytest.mark.parametrize("who", ["planner", "opd_a_editor"])
def test_no_page_has_an_inline_style(client, request, agency_a_world, who, year, opd_a, opd_b):  # noqa: F811
    # An open pair too, so that the pair list draws score bars.
    for opd, code in ((opd_a, "1.06.04.2.01.0007"), (opd_b, "2.08.02.2.01.0007")):
        make_row(
            opd=opd,
            fiscal_year=year,
            sub_kegiatan=make_nomenklatur(code, "Layanan"),
            nama="Pelatihan kader posyandu balita",
        )
    from sinkronisasi.services import sync_refresh

    sync_refresh(fiscal_year=year)
    client.force_login(request.getfixturevalue(who))
    seen = []
    for name, url, body in html_pages(client, agency_a_world):
        seen.append(name)
        assert not STYLE.search(body), (who, name, url, STYLE.search(body).group(0)[:200])
    extra = [
        reverse("sinkronisasi:overlap-list") + f"?tahun={year.year}&status=semua",
        reverse("renja:row-list") + "?page=1&per_page=1",
    ]
    for url in extra:
        body = client.get(url).content
        assert not STYLE.search(body), (who, url)
    assert {"renja:home", "renja:row-list", "sinkronisasi:overlap-list", "forum:forum-detail"} <= set(seen), seen
    assert len(seen) > 20


def test_score_bars_differ_by_value(client, planner, year, opd_a, opd_b):
    """0,28 and 1,00 draw different bars: the value is a <meter> attribute, not a blocked inline width."""
    for opd, code in ((opd_a, "1.06.04.2.01.0008"), (opd_b, "2.08.02.2.01.0008")):
        make_row(
            opd=opd,
            fiscal_year=year,
            sub_kegiatan=make_nomenklatur(code, "Layanan"),
            nama="Rumah singgah korban kekerasan",
        )
    from sinkronisasi.services import sync_refresh

    sync_refresh(fiscal_year=year)
    pair = Overlap.objects.get()
    client.force_login(planner)
    url = reverse("sinkronisasi:overlap-list") + f"?tahun={year.year}&status=semua"
    values = {}
    for score in (0.28, 1.0):
        Overlap.objects.filter(pk=pair.pk).update(score=score)
        html = client.get(url).content.decode()
        values[score] = re.search(r'<meter class="meter" min="0" max="1" value="([0-9.]+)"', html).group(1)
    assert values == {0.28: "0.28", 1.0: "1.00"}


def test_charts_speak_their_numbers():
    from sinkronisasi.charts import bar_chart

    svg = bar_chart(
        title="Pasangan terbuka",
        bars=[("DINSOS–DP3A", [("a", 3), ("b", 2)]), ("DINKES–DP2KB", [("a", 1)])],
        legend=[("a", "Skor tinggi"), ("b", "Skor sedang")],
    )
    desc = re.search(r"<desc>(.*?)</desc>", svg).group(1)
    assert desc == "DINSOS–DP3A: 5 (Skor tinggi 3, Skor sedang 2); DINKES–DP2KB: 1"
    assert "<title>Pasangan terbuka</title>" in svg
