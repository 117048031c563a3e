"""An officer's day (issue 14, point 4): new usulan since the last inbox visit on the home page and in the menu,
undecided usulan with their age against the forum deadline, open overlaps, and "next undecided" after a decision."""

import datetime

from django.urls import reverse
from django.utils import timezone

from musrenbang import selectors, services
from musrenbang.models import InboxVisit, Usulan
from renja.models import StageWindow

from ..factories import make_usulan


def _routed(year, opd, n, prefix="N", **kw):
    return [make_usulan(fiscal_year=year, opd_tujuan=opd, id_usulan=f"U-{prefix}-{i}", **kw) for i in range(n)]


def test_counts_new_since_the_last_inbox_visit_in_one_query(
    year, opd_a, opd_b, opd_a_editor, django_assert_num_queries
):
    _routed(year, opd_a, 2, prefix="OLD")
    _routed(year, opd_b, 3, prefix="B")
    with django_assert_num_queries(1):
        assert selectors.officer_inbox_counts(opd_a_editor) == {"baru": 2, "belum": 2}  # never visited: all new
    services.inbox_visit_record(user=opd_a_editor)
    _routed(year, opd_a, 3, prefix="NEW")
    with django_assert_num_queries(1):
        assert selectors.officer_inbox_counts(opd_a_editor) == {"baru": 3, "belum": 5}


def test_counts_are_zero_for_people_without_an_agency_scope(year, opd_a, planner, facilitator):
    _routed(year, opd_a, 2)
    assert selectors.officer_inbox_counts(planner) == {"baru": 0, "belum": 0}
    assert selectors.officer_inbox_counts(facilitator) == {"baru": 0, "belum": 0}


def test_opening_the_inbox_records_the_visit(client, year, opd_a, opd_a_editor):
    _routed(year, opd_a, 2)
    client.force_login(opd_a_editor)
    assert client.get(reverse("musrenbang:inbox")).status_code == 200
    assert InboxVisit.objects.get(user=opd_a_editor).seen_at <= timezone.now()
    assert selectors.officer_inbox_counts(opd_a_editor)["baru"] == 0


def test_officer_home_shows_new_count_undecided_with_age_and_deadline(client, year, opd_a, opd_b, opd_a_editor):
    old = _routed(year, opd_a, 2, prefix="OLD")
    Usulan.objects.filter(pk=old[0].pk).update(diputuskan_pada=timezone.now() - datetime.timedelta(days=9))
    services.inbox_visit_record(user=opd_a_editor)
    _routed(year, opd_a, 3, prefix="NEW")
    _routed(year, opd_b, 4, prefix="B")
    today = timezone.localdate()
    StageWindow.objects.create(
        fiscal_year=year, stage=StageWindow.Stage.FORUM, opens_on=today, closes_on=today + datetime.timedelta(days=12)
    )
    client.force_login(opd_a_editor)
    response = client.get(reverse("renja:home"))
    page = " ".join(response.content.decode().split())
    assert response.status_code == 200
    assert "<strong>3</strong> usulan baru sejak Anda terakhir membuka kotak masuk" in page
    assert "<strong>5</strong> usulan belum diputuskan" in page and "tinggal 12 hari" in page
    assert "U-OLD-0" in page and "U-B-0" not in page
    assert '<td class="num">9</td>' in page  # waiting nine days
    assert page.count('class="badge badge-baru"') == 3
    assert "3 baru · 5 belum diputuskan" in page  # the menu
    assert "pasangan baris yang melibatkan Dinsos masih terbuka" in page


def test_planner_keeps_the_all_agency_table_and_officer_can_still_see_it(
    client, year, opd_a, planner, opd_a_editor, row_in_opd_a
):
    client.force_login(planner)
    assert "Baris Renja per OPD dan status" in client.get(reverse("renja:home")).content.decode()
    client.force_login(opd_a_editor)
    assert "Baris Renja per OPD dan status" in client.get(reverse("renja:home"), {"semua": "1"}).content.decode()


def test_officer_home_and_menu_query_counts_do_not_grow(
    client, year, opd_a, opd_a_editor, django_assert_max_num_queries
):
    _routed(year, opd_a, 2, prefix="A")
    client.force_login(opd_a_editor)
    with django_assert_max_num_queries(100) as small:
        client.get(reverse("renja:home"))
    _routed(year, opd_a, 15, prefix="B")
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("renja:home"))
    with django_assert_max_num_queries(100) as inbox_small:
        client.get(reverse("musrenbang:inbox"))
    _routed(year, opd_a, 15, prefix="C")
    with django_assert_max_num_queries(len(inbox_small.captured_queries)):
        client.get(reverse("musrenbang:inbox"))


def test_next_undecided_follows_the_inbox_order_and_wraps(year, opd_a, opd_b, opd_a_editor):
    a, b, c = (
        make_usulan(fiscal_year=year, opd_tujuan=opd_a, id_usulan=i, prioritas=p)
        for i, p in [("U-1", 1), ("U-2", 2), ("U-3", None)]
    )
    make_usulan(fiscal_year=year, opd_tujuan=opd_b, id_usulan="U-0", prioritas=1)
    visible = Usulan.objects.select_related("desa__parent")
    assert selectors.next_undecided(a, visible).id_usulan == "U-2"
    assert selectors.next_undecided(b, visible).id_usulan == "U-3"  # no priority comes last
    assert selectors.next_undecided(c, visible).id_usulan == "U-1"  # wraps round
    services.usulan_decide(usulan=b, kind="ditolak", alasan="Sudah ada", by=opd_a_editor)
    assert selectors.next_undecided(a, visible).id_usulan == "U-3"


def test_after_a_decision_the_page_leads_to_the_next_undecided(client, year, opd_a, opd_a_editor):
    first, second = (
        make_usulan(fiscal_year=year, opd_tujuan=opd_a, id_usulan=i, prioritas=p) for i, p in [("U-1", 1), ("U-2", 2)]
    )
    client.force_login(opd_a_editor)
    response = client.post(
        reverse("musrenbang:usulan-decide", args=[first.pk]),
        {"keputusan": "ditolak", "alasan": "Tidak sesuai", "level": "opd"},
        follow=True,
    )
    page = response.content.decode()
    assert "Keputusan untuk U-1 disimpan." in page
    assert (
        f'href="{reverse("musrenbang:usulan-detail", args=[second.pk])}">Berikutnya: usulan belum diputuskan</a>'
        in page
    )


def test_inbox_marks_what_is_new_since_the_last_visit_and_how_long_each_waited(client, year, opd_a, opd_a_editor):
    old = _routed(year, opd_a, 1, prefix="OLD")[0]
    Usulan.objects.filter(pk=old.pk).update(diputuskan_pada=timezone.now() - datetime.timedelta(days=9))
    client.force_login(opd_a_editor)
    page = client.get(reverse("musrenbang:inbox")).content.decode()
    assert page.count('class="badge badge-baru"') == 1 and "9 hari" in page
    _routed(year, opd_a, 2, prefix="NEW")
    page = client.get(reverse("musrenbang:inbox")).content.decode()  # the first visit made U-OLD-0 seen
    assert (
        page.count('class="badge badge-baru"') == 2 and 'U-NEW-1</a> <span class="badge badge-baru">baru</span>' in page
    )
    assert 'class="badge badge-baru"' not in client.get(reverse("musrenbang:inbox")).content.decode()


def test_a_later_inbox_visit_moves_the_mark_in_one_statement(year, opd_a, opd_a_editor, django_assert_num_queries):
    services.inbox_visit_record(user=opd_a_editor)
    first = InboxVisit.objects.get(user=opd_a_editor).seen_at
    _routed(year, opd_a, 2)
    with django_assert_num_queries(1):
        services.inbox_visit_record(user=opd_a_editor)
    assert InboxVisit.objects.get(user=opd_a_editor).seen_at > first
    assert InboxVisit.objects.filter(user=opd_a_editor).count() == 1
    assert selectors.officer_inbox_counts(opd_a_editor)["baru"] == 0
