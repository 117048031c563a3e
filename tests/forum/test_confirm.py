"""Finalising, removing an attendee and taking a pair off the agenda go through a confirmation page first."""

import pytest
from django.urls import reverse

from forum.models import BeritaAcara
from renja.models import RenjaRow

from .test_agenda_overlaps import pair  # noqa: F401  (fixture)


def test_finalise_confirmation_states_the_numbers(client, facilitator, forum_ready):
    client.force_login(facilitator)
    page = client.get(reverse("forum:forum-finalise-confirm", args=[forum_ready.pk])).content.decode()
    assert "2 baris Renja akan menjadi disepakati" in page
    assert "berita acara akan diberi nomor, dibekukan" in page.lower()
    assert "1 usulan yang belum dapat diakomodasi tercantum di Lampiran III, 1 usulan Pokir DPRD di Lampiran IV" in page
    assert "2 orang di daftar hadir (1 sudah hadir)" in page
    assert "0 program beririsan yang disepakati" in page
    assert 'name="konfirmasi" value="1"' in page and 'name="jumlah_baris" value="2"' in page
    assert f'href="{reverse("forum:forum-detail", args=[forum_ready.pk])}"' in page  # the way back
    assert not BeritaAcara.objects.exists()  # looking changes nothing


def test_forum_detail_links_to_the_confirmation_not_the_action(client, facilitator, forum_ready):
    client.force_login(facilitator)
    page = client.get(reverse("forum:forum-detail", args=[forum_ready.pk])).content.decode()
    assert reverse("forum:forum-finalise-confirm", args=[forum_ready.pk]) in page
    assert f'action="{reverse("forum:forum-finalise", args=[forum_ready.pk])}"' not in page


def test_finalise_refuses_a_post_without_confirmation(client, facilitator, forum_ready):
    client.force_login(facilitator)
    response = client.post(reverse("forum:forum-finalise", args=[forum_ready.pk]))
    assert response.status_code == 302 and response["Location"] == reverse(
        "forum:forum-finalise-confirm", args=[forum_ready.pk]
    )
    forum_ready.refresh_from_db()
    assert forum_ready.status == "draft" and not BeritaAcara.objects.exists()
    assert not RenjaRow.objects.filter(status="disepakati").exists()


def test_finalise_refuses_when_the_rows_changed_since_the_confirmation(client, facilitator, forum_ready):
    client.force_login(facilitator)
    client.post(reverse("forum:forum-finalise", args=[forum_ready.pk]), {"konfirmasi": "1", "jumlah_baris": "1"})
    forum_ready.refresh_from_db()
    assert forum_ready.status == "draft" and not BeritaAcara.objects.exists()
    client.post(reverse("forum:forum-finalise", args=[forum_ready.pk]), {"konfirmasi": "1", "jumlah_baris": "2"})
    forum_ready.refresh_from_db()
    assert forum_ready.status == "final" and RenjaRow.objects.filter(status="disepakati").count() == 2


def test_finalise_confirmation_says_why_it_cannot_proceed(client, facilitator, forum):
    client.force_login(facilitator)
    page = client.get(reverse("forum:forum-finalise-confirm", args=[forum.pk])).content.decode()
    assert "Daftar hadir masih kosong" in page and 'name="konfirmasi"' not in page


@pytest.mark.parametrize("who,expected", [("opd_a_editor", 403), ("opd_a_viewer", 403), ("facilitator", 200)])
def test_confirmation_pages_need_the_right_to_act(client, request, forum_ready, who, expected):
    client.force_login(request.getfixturevalue(who))
    person = forum_ready.attendance.first()
    assert client.get(reverse("forum:forum-finalise-confirm", args=[forum_ready.pk])).status_code == expected
    assert (
        client.get(reverse("forum:attendee-remove-confirm", args=[forum_ready.pk, person.pk])).status_code == expected
    )


def test_attendee_removal_goes_through_confirmation(client, facilitator, forum_ready):
    client.force_login(facilitator)
    person = forum_ready.attendance.get(nama="Budi Hartono")
    page = client.get(reverse("forum:attendee-remove-confirm", args=[forum_ready.pk, person.pk])).content.decode()
    assert "Budi Hartono (DP3A) dihapus dari daftar hadir" in page
    url = reverse("forum:attendee-remove", args=[forum_ready.pk, person.pk])
    client.post(url)
    assert forum_ready.attendance.filter(pk=person.pk).exists()
    client.post(url, {"konfirmasi": "1"})
    assert not forum_ready.attendance.filter(pk=person.pk).exists()


def test_agenda_pair_removal_confirmation_names_the_pair(client, facilitator, forum, pair):  # noqa: F811
    from forum import services

    services.forum_agenda_add_overlap(forum=forum, overlap=pair, by=facilitator)
    client.force_login(facilitator)
    page = client.get(reverse("forum:agenda-overlap-remove-confirm", args=[forum.pk, pair.pk])).content.decode()
    assert f"{pair.row_a.ref} – {pair.opd_b.singkatan} · {pair.row_b.ref}" in page
    assert "tidak tercantum di Lampiran V" in page
    detail = client.get(reverse("forum:forum-detail", args=[forum.pk])).content.decode()
    assert reverse("forum:agenda-overlap-remove-confirm", args=[forum.pk, pair.pk]) in detail


def test_signing_needs_the_confirmation_box(client, facilitator, forum_ready, verify_url):
    from forum import services

    services.forum_finalise(forum=forum_ready, by=facilitator, verify_url_for=verify_url)
    client.force_login(facilitator)
    page = client.get(reverse("forum:forum-detail", args=[forum_ready.pk])).content.decode()
    assert 'name="konfirmasi"' in page and "forum ini akan terkunci" in page
    url = reverse("forum:forum-sign", args=[forum_ready.pk])
    response = client.post(url, follow=True)
    assert "Centang konfirmasi bahwa berita acara sudah ditandatangani." in response.content.decode()
    forum_ready.refresh_from_db()
    assert forum_ready.status == "final"
    client.post(url, {"konfirmasi": "on"})
    forum_ready.refresh_from_db()
    assert forum_ready.status == "signed"
