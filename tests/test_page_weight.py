"""Pages stay light for slow connections: each main page with the demo data, and its own assets, under 100 KB."""

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command

from forum.models import Forum
from renja.models import User

PAGES = [
    "/",
    "/renja/",
    "/usulan/",
    "/sinkronisasi/",
    "/sinkronisasi/belum-diambil/",
    "/sinkronisasi/sinonim/",
    "/forum/",
]


@pytest.mark.parametrize("username", ["perencana", "dinsos"])
def test_main_pages_with_their_assets_weigh_under_100_kb(client, db, username):
    call_command("seed_demo", "--password", "demo-sandi-2026", stdout=open("/dev/null", "w"))
    client.force_login(User.objects.get(username=username))
    assets = sum(len(open(finders.find(path), "rb").read()) for path in ("css/renja.css", "img/logo-pemda.svg"))
    forum = Forum.objects.get().pk
    for url in PAGES + [f"/forum/{forum}/", "/usulan/kotak-masuk/" if username == "dinsos" else "/tahun/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert b"<script" not in response.content, url  # no JavaScript needed (and none from elsewhere)
        assert len(response.content) + assets < 100_000, (url, len(response.content))
