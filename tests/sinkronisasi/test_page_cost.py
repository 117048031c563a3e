"""What the two busiest sync pages cost, and that what they keep per process is never stale.

The overlap list and the orphan list keep each pair's card and each usulan's row as HTML, per process, keyed by
every value it shows (core/memo.py); the stored counts are summed once per version of the stored findings. So a
settlement, a proposal, a reopening, a row's edit, a synonym change, a routing, a new day and another language each
show at once: the page with its memos warm must equal the page drawn from nothing.
"""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core import memo
from musrenbang import services as usulan_services
from musrenbang.models import Usulan
from renja.models import RenjaRow, StageWindow, User
from renja.services.revision import plan_changed
from renja.services.rows import row_update
from sinkronisasi import services
from sinkronisasi.models import HomeSuggestion, Overlap, SynonymGroup
from sinkronisasi.views import orphans

from ..factories import make_opd, make_row, make_user, make_usulan, make_wilayah
from .test_views import _pair_between

OVERLAPS = reverse("sinkronisasi:overlap-list")
ORPHANS = reverse("sinkronisasi:orphan-list")
ROLES = ["planner", "facilitator", "opd_a_editor", "opd_a_viewer"]


@pytest.fixture(autouse=True)
def cold_memos():
    memo.clear_all()
    yield
    memo.clear_all()


def _html(client, url, **params) -> str:
    """The page as the user reads it, without its CSRF tokens (new for every response)."""
    response = client.get(url, params)
    assert response.status_code == 200
    return re.sub(r'name="csrfmiddlewaretoken" value="\w+"', "", response.content.decode())


def _fresh(client, url, **params) -> str:
    """The page drawn with its memos warm, checked against the same page drawn from nothing."""
    _html(client, url, **params)  # whatever this request keeps
    warm = _html(client, url, **params)
    memo.clear_all()
    assert warm == _html(client, url, **params)
    return warm


def _queries(client, url) -> int:
    memo.clear_all()  # the cold page: what it keeps must not hide a query per row
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


# core/memo.py


def test_a_memo_keeps_at_most_its_size_dropping_the_least_recently_read():
    kept = memo.Memo("test", size=2)
    kept.set("a", 1)
    kept.set("b", 2)
    assert kept.get("a") == 1  # read: now the most recent
    kept.set("c", 3)
    assert (kept.get("a"), kept.get("b"), kept.get("c")) == (1, None, 3)
    assert len(kept) == 2


def test_a_memo_computes_a_value_once_per_key_and_clear_all_empties_it():
    kept, calls = memo.Memo("test", size=8), []
    for key in ("x", "x", "y"):
        kept.get_or_set(key, lambda key=key: calls.append(key) or key.upper())
    assert calls == ["x", "y"] and kept.get("x") == "X"
    memo.clear_all()
    assert kept.get("x") is None and len(kept) == 0
    with pytest.raises(ValueError, match="size must be at least 1"):
        memo.Memo("test", size=0)


# Query counts


def _grow_pairs(year, opd_a, places, groups, n: int) -> None:
    """Pairs of the first agency with new ones, every row in seven places (a card names five, then "…") and two
    target groups; one pair settled, one reopened by hand, one with a proposed settlement waiting."""
    for i in range(n):
        _pair_between(year, opd_a, make_opd(f"G{i}"), places["desa1"], groups, f"G{i}")
    extra = [make_wilayah(f"64.02.08.20{i:02d}", f"Desa {i}") for i in range(6)]
    for row in RenjaRow.objects.filter(fiscal_year=year):
        row.lokasi.add(*extra)
        row.sasaran.add(groups["lansia"])
    plan_changed(year.pk)
    services.sync_refresh(fiscal_year=year)
    pairs = list(Overlap.objects.filter(fiscal_year=year, opd_a=opd_a).order_by("pk"))
    pairs += Overlap.objects.filter(fiscal_year=year, opd_b=opd_a).order_by("pk")
    planner = make_user("perencana.g", role=User.Role.PERENCANA)
    services.overlap_settle(overlap=pairs[0], status="saling_melengkapi", by=planner)
    services.overlap_settle(overlap=pairs[1], status="saling_melengkapi", by=planner)
    services.overlap_reopen(overlap=pairs[1], by=planner)
    services.overlap_propose(
        overlap=pairs[2], by=make_user(role=User.Role.PETUGAS_OPD, opd=opd_a), status="saling_melengkapi", note="x"
    )


@pytest.mark.parametrize("who", ROLES)
def test_the_overlap_list_runs_as_many_queries_for_many_pairs_as_for_one(
    client, request, who, year, opd_a, opd_b, places, groups
):
    client.force_login(request.getfixturevalue(who))
    _pair_between(year, opd_a, opd_b, places["desa1"], groups, "Q0")
    plan_changed(year.pk)
    client.get(OVERLAPS)  # the findings brought up to date (the test queue runs the recompute at once)
    one = _queries(client, OVERLAPS)
    _grow_pairs(year, opd_a, places, groups, 4)
    client.get(OVERLAPS)
    html = _html(client, OVERLAPS, status="semua")
    assert ", …" in html and "usulan penyelesaian" in html and "dibuka lagi oleh" in html
    assert Overlap.objects.count() > 5
    assert _queries(client, OVERLAPS) == one


def _grow_orphans(year, opd_a, opd_b, n: int) -> None:
    """Usulan routed to the first agency, rejected by it (a route to the second is suggested) or never routed."""
    for _ in range(n):
        make_usulan(fiscal_year=year, opd_tujuan=opd_a)
        make_usulan(fiscal_year=year)
        rejected = make_usulan(fiscal_year=year, opd_tujuan=opd_a, bidang_urusan=opd_b.bidang_urusan.first())
        usulan_services.usulan_decide(usulan=rejected, kind="ditolak", alasan="bukan kewenangan", by=None)
    plan_changed(year.pk)


def _add_homes(year, opd_a, opd_b, ref: str) -> None:
    """Two homes for every usulan, as the recompute stores them (after it: it would replace these)."""
    rows = [
        make_row(opd=opd_b, fiscal_year=year, ref=f"{ref}-1"),
        make_row(opd=opd_a, fiscal_year=year, ref=f"{ref}-2"),
    ]
    HomeSuggestion.objects.all().delete()
    for u in Usulan.objects.filter(fiscal_year=year):
        for rank, row in enumerate(rows, 1):
            HomeSuggestion.objects.create(
                fiscal_year=year, usulan=u, row=row, opd=row.opd, rank=rank, score=0.5, reasons=[]
            )


@pytest.mark.parametrize("who", ROLES)
def test_the_orphan_list_runs_as_many_queries_for_many_usulan_as_for_one(client, request, who, year, opd_a, opd_b):
    client.force_login(request.getfixturevalue(who))
    _grow_orphans(year, opd_a, opd_b, 1)
    client.get(ORPHANS)  # the counts brought up to date (the test queue runs the recompute at once)
    _add_homes(year, opd_a, opd_b, "A")
    few = _queries(client, ORPHANS)
    _grow_orphans(year, opd_a, opd_b, 8)
    client.get(ORPHANS)
    _add_homes(year, opd_a, opd_b, "B")
    html = _html(client, ORPHANS)
    assert "baris Renja merencanakan pekerjaan ini" in html
    if who == "planner":
        assert "Teruskan ke DP3A" in html  # a rejected one: the agency of its bidang urusan suggested
    assert _queries(client, ORPHANS) == few


# Nothing kept is stale


@pytest.fixture
def pair(year, opd_a, opd_b, places, groups):
    _pair_between(year, opd_a, opd_b, places["desa1"], groups, "P")
    services.sync_refresh(fiscal_year=year)
    return Overlap.objects.get()


def test_a_settlement_shows_at_once_in_the_list_and_its_counts(client, planner, pair):
    client.force_login(planner)
    before = _fresh(client, OVERLAPS, status="semua").replace("\n", "")
    assert "Tindak lanjuti" in before and "<strong>1</strong>pasangan terbuka" in before
    response = client.post(
        reverse("sinkronisasi:overlap-settle", args=[pair.pk]), {"status": "saling_melengkapi", "kembali": "daftar"}
    )
    assert response.status_code == 302
    after = _fresh(client, OVERLAPS, status="semua").replace("\n", "")
    assert "<strong>0</strong>pasangan terbuka" in after and "<strong>1</strong>pasangan sudah diselesaikan" in after
    assert "Tindak lanjuti" not in after and "Lihat penyelesaian" in after and "Saling melengkapi</span>" in after
    assert "Tindak lanjuti" not in _fresh(client, OVERLAPS)


def test_a_reopening_and_a_proposal_show_at_once(client, planner, opd_a_editor, pair):
    client.force_login(planner)
    services.overlap_settle(overlap=pair, status="saling_melengkapi", by=planner)
    _fresh(client, OVERLAPS, status="semua")
    planner.first_name, planner.last_name = "Rina", "Perencana"
    planner.save()
    services.overlap_reopen(overlap=pair, by=planner)
    assert "dibuka lagi oleh Rina Perencana" in _fresh(client, OVERLAPS)
    assert "usulan penyelesaian" not in _fresh(client, OVERLAPS)
    services.overlap_propose(overlap=pair, by=opd_a_editor, status="saling_melengkapi", note="sama")
    assert "badge-usulan" in _fresh(client, OVERLAPS)


def test_a_row_edit_shows_in_its_card_once_the_findings_are_brought_up_to_date(client, planner, pair):
    client.force_login(planner)
    assert "Kelurahan Loa Ipuh" not in _fresh(client, OVERLAPS)
    row_update(row=pair.row_a, data={"rincian": "Taman asuh anak di Kelurahan Loa Ipuh"}, by=planner)
    page = _fresh(client, OVERLAPS)
    assert "Kelurahan Loa Ipuh" in page


def test_the_reasons_quote_each_row_as_it_now_writes_the_matched_words(client, planner, pair):
    """Written in capitals, the same words match alike (the stored signals stay the same): the reasons quote the
    row as it is now."""
    client.force_login(planner)
    assert "Pengasuhan anak harian" in _fresh(client, OVERLAPS)
    signals = Overlap.objects.get().signals
    row_update(row=pair.row_a, data={"keterangan": "PENGASUHAN ANAK HARIAN di kelurahan"}, by=planner)
    reasons = _reasons(_fresh(client, OVERLAPS))
    assert Overlap.objects.get().signals == signals
    assert "PENGASUHAN ANAK HARIAN" in reasons and "Pengasuhan anak harian" not in reasons


def _reasons(html: str) -> str:
    return " ".join(re.findall(r'<ul class="reasons">(.*?)</ul>', html, re.S))


def test_a_synonym_change_shows_in_the_reasons(client, planner, pair):
    client.force_login(planner)
    assert "TAMASYA" in _reasons(_fresh(client, OVERLAPS))
    group = SynonymGroup.objects.get(nama="penitipan anak")
    phrases = [p for p in group.phrases() if p not in ("tamasya", "daycare")]
    services.synonym_group_save(group=group, nama=group.nama, frasa=", ".join(phrases), aktif=True, by=planner)
    reasons = _reasons(_fresh(client, OVERLAPS))
    assert "Uraian pekerjaan mirip" in reasons and "TAMASYA" not in reasons


def test_each_language_gets_its_own_cards_and_rows(client, planner, pair, opd_a):
    make_usulan(fiscal_year=pair.fiscal_year, opd_tujuan=opd_a)
    client.force_login(planner)
    assert "Tindak lanjuti" in _fresh(client, OVERLAPS)
    assert "Diteruskan, belum diputuskan" in _fresh(client, ORPHANS)
    client.cookies["django_language"] = "en"
    page = _fresh(client, OVERLAPS)
    assert "Tindak lanjuti" not in page and "Follow up" in page
    assert "Diteruskan, belum diputuskan" not in _fresh(client, ORPHANS)


def test_a_routing_from_the_orphan_list_shows_at_once(client, planner, year, opd_a, opd_b):
    usulan = make_usulan(fiscal_year=year, opd_tujuan=opd_a)
    client.force_login(planner)
    assert "<td>Dinsos</td>" in _fresh(client, ORPHANS)
    client.post(
        reverse("musrenbang:usulan-bulk"),
        {"aksi": "teruskan", "pilih": [usulan.pk], "opd": opd_b.pk, "next": ORPHANS, "konfirmasi_massal": "1"},
    )
    page = _fresh(client, ORPHANS)
    assert "<td>DP3A</td>" in page and "<td>Dinsos</td>" not in page


def test_the_forum_deadline_passing_marks_the_waiting_usulan_late(client, planner, year, opd_a):
    make_usulan(fiscal_year=year, opd_tujuan=opd_a)
    today = timezone.localdate()
    window = StageWindow.objects.create(
        fiscal_year=year, stage=StageWindow.Stage.FORUM, opens_on=today - timedelta(days=9), closes_on=today
    )
    client.force_login(planner)
    assert "lewat batas forum" not in _fresh(client, ORPHANS)
    window.closes_on = today - timedelta(days=1)
    window.save()
    assert "lewat batas forum" in _fresh(client, ORPHANS)


def test_each_request_gets_its_own_csrf_token_and_return_address(year, opd_a, opd_b):
    """The rows' forms are kept without them: another user's token never reaches a page, and each works."""
    u = make_usulan(fiscal_year=year, opd_tujuan=opd_a, bidang_urusan=opd_b.bidang_urusan.first())
    usulan_services.usulan_decide(usulan=u, kind="ditolak", alasan="bukan kewenangan", by=None)
    first, second = (
        make_user(name, role=User.Role.PERENCANA, password="rahasia-uji-123") for name in ("rencana.1", "rencana.2")
    )
    one = Client(enforce_csrf_checks=True)
    one.force_login(first)
    one.get(ORPHANS, {"sebab": "ditolak"})  # the rows kept
    two = Client(enforce_csrf_checks=True)
    two.force_login(second)
    page = two.get(ORPHANS, {"sebab": "ditolak"}).content.decode()
    assert orphans._CSRF_MARK not in page and orphans._NEXT_MARK not in page
    assert f'name="next" value="{ORPHANS}?sebab=ditolak"' in page
    bulk = reverse("musrenbang:usulan-bulk")
    form = re.search(rf'<form method="post" action="({bulk})" class="inline">(.*?)</form>', page, re.S)
    token = re.search(r'name="csrfmiddlewaretoken" value="(\w+)"', form.group(2)).group(1)
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form.group(2)))
    response = two.post(form.group(1), {**fields, "csrfmiddlewaretoken": token, "konfirmasi_massal": "1"})
    assert response.status_code == 302
    u.refresh_from_db()
    assert u.opd_tujuan == opd_b


def test_an_officer_s_rows_have_no_routing_and_a_planner_s_have_it(client, planner, opd_a_editor, year, opd_a, opd_b):
    u = make_usulan(fiscal_year=year, opd_tujuan=opd_a, bidang_urusan=opd_b.bidang_urusan.first())
    usulan_services.usulan_decide(usulan=u, kind="ditolak", alasan="bukan kewenangan", by=None)
    client.force_login(opd_a_editor)
    assert "Teruskan ke" not in _html(client, ORPHANS)
    client.force_login(planner)
    assert "Teruskan ke DP3A" in _html(client, ORPHANS)
