"""Every id on a page is unique: a label, a skip link or a test locator finds the element meant (the usulan list's
bulk form once shared `id_opd` and `id_baris` with the filters above it, so a label named the wrong field)."""

import re
from collections import Counter

import pytest

from .test_leaks import agency_a_world  # noqa: F401  (fixture)
from .test_no_inline_style import html_pages

ID = re.compile(rb'\sid="([^"]+)"')


@pytest.mark.parametrize("who", ["planner", "opd_a_editor"])
def test_no_page_repeats_an_id(client, request, agency_a_world, who):  # noqa: F811
    client.force_login(request.getfixturevalue(who))
    seen = 0
    for name, url, body in html_pages(client, agency_a_world):
        seen += 1
        repeated = sorted(i.decode() for i, n in Counter(ID.findall(body)).items() if n > 1)
        assert not repeated, (who, name, url, repeated)
    assert seen > 20
