"""Words on screen (issue 14, Words): no English or wrong Indonesian from a library's catalogue."""

import datetime
import re

import pytest
from django.urls import reverse

from forum import services as forum_services

from .factories import make_row


@pytest.fixture
def forum_data_min():
    return {
        "jenis": "forum_pd",
        "judul": "Forum Dinsos",
        "tanggal": datetime.date(2025, 3, 12),
        "mulai": datetime.time(9),
        "selesai": datetime.time(11),
        "tempat": "Bappeda",
        "pimpinan_nama": "X",
        "pimpinan_jabatan": "Y",
        "pimpinan_nip": "1" * 18,
    }


def test_attendance_number_column_is_not_translated_as_tidak(client, facilitator, year, opd_a, forum_data_min):
    forum = forum_services.forum_create(fiscal_year=year, data=forum_data_min, opd_list=[opd_a], by=facilitator)
    forum_services.attendee_add(forum=forum, data={"nama": "Siti", "unsur": "Dinsos"}, by=facilitator)
    client.force_login(facilitator)
    html = client.get(reverse("forum:forum-detail", args=[forum.pk])).content.decode()
    head = re.search(
        r'aria-label="Daftar hadir"><table class="table">\s*<thead><tr><th scope="col">([^<]*)</th>', html
    ).group(1)
    assert head == "No."


def test_table_pagination_is_in_indonesian(client, planner, year, opd_a):
    for i in range(26):
        make_row(opd=opd_a, fiscal_year=year, ref=f"R-{i:02}")
    client.force_login(planner)
    html = client.get(reverse("renja:row-list")).content.decode()
    pager = html[html.index('<ul class="pagination">') :]
    pager = pager[: pager.index("</ul>")]
    assert "Berikutnya" in pager
    assert not re.search(r">\s*(next|previous)\s*<", pager)
