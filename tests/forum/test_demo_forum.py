"""The demo forum keeps its own timeline (issue 16, point 5, forum side): people check in on the forum's morning,
each participating agency is represented once by its head, and the facilitator has carried every usulan its agencies
left undecided to the Musrenbang kabupaten, so the berita acara accounts for every routed usulan."""

import datetime
from zoneinfo import ZoneInfo

from django.core.management import call_command

from forum import selectors, services
from forum.demo import TITLE
from forum.models import Forum
from renja.models import User

WITA = ZoneInfo("Asia/Makassar")


def test_the_demo_forum_keeps_its_own_timeline_and_accounts_for_every_usulan(db, tmp_path):
    call_command("seed_demo", "--password", "demo-sandi-2026", stdout=open("/dev/null", "w"))
    forum = Forum.objects.get(judul=TITLE)
    times = [p.checked_in_at.astimezone(WITA) for p in forum.attendance.all() if p.checked_in_at]
    assert times and all(
        datetime.datetime(2025, 3, 12, 8, 0, tzinfo=WITA) <= t <= datetime.datetime(2025, 3, 12, 9, 0, tzinfo=WITA)
        for t in times
    )
    assert forum.attendance.filter(checked_in_at__isnull=True).exists()  # invited, not present
    people = selectors.forum_snapshot(forum)["perwakilan"]
    heads = {o.nama: o.kepala_nama for o in forum.opd.all()}
    assert [p["unit"] for p in people] == [o.nama for o in forum.opd.order_by("kode_unit", "singkatan")]
    assert all(heads[p["unit"]] == p["nama"] for p in people) and forum.pimpinan_nama not in [p["nama"] for p in people]
    assert not selectors.undecided_usulan(forum)
    carried = selectors.carried_usulan(forum)
    assert carried.exists() and {list(u.decisions.all())[-1].level for u in carried} == {"forum"}
    closing = [list(u.decisions.all())[-1].at.astimezone(WITA) for u in carried]
    assert all(  # carried at the forum's close, not at seeding time
        datetime.datetime(2025, 3, 12, 12, 0, tzinfo=WITA) <= t <= datetime.datetime(2025, 3, 12, 12, 30, tzinfo=WITA)
        for t in closing
    )
    ba = services.forum_finalise(
        forum=forum, by=User.objects.get(username="fasilitator"), verify_url_for=lambda sha: f"https://contoh/{sha}"
    )
    s = ba.snapshot
    listed = (
        [u["id_usulan"] for r in s["lampiran_ii"] for u in r["usulan"]]
        + [u["id_usulan"] for u in s["lampiran_ii_lain"]]
        + [u["id_usulan"] for part in ("lampiran_iii", "lampiran_iv", "dibawa_kabupaten") for u in s[part]]
    )
    routed = list(selectors.routed_usulan(forum).values_list("id_usulan", flat=True))
    assert sorted(listed) == sorted(routed)
