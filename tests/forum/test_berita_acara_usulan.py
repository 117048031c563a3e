"""Every usulan routed to a participating agency is accounted for in the berita acara (issue 16, point 2): agreed under
the row that takes it (Lampiran II), not agreed with its reason (III, or IV for Pokir), or carried to the Musrenbang
kabupaten (VI); finalising is refused while any is neither decided nor carried, and the confirmation lists them."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from forum import selectors, services
from forum.models import BeritaAcara
from musrenbang.models import Usulan

from ..factories import make_opd, make_usulan
from .document import LAMPIRAN, render, sections

pytestmark = pytest.mark.django_db


@pytest.fixture
def undecided(forum_full, year, opd_a, opd_b):
    """Two usulan still waiting for the participants' decision, and one routed to an agency outside the forum."""
    make_usulan(fiscal_year=year, opd_tujuan=opd_b, id_usulan="USL-020", usulan="Rumah aman anak")
    make_usulan(fiscal_year=year, opd_tujuan=opd_a, id_usulan="USL-021", usulan="Pelatihan pendamping")
    make_usulan(fiscal_year=year, opd_tujuan=make_opd("Dinkes"), id_usulan="USL-099", usulan="Puskesmas")
    return ["USL-020", "USL-021"]


def test_finalising_is_refused_while_an_usulan_is_undecided_and_names_them(
    forum_full, undecided, facilitator, verify_url
):
    with pytest.raises(ValidationError) as refused:
        services.forum_finalise(forum=forum_full, by=facilitator, verify_url_for=verify_url)
    assert refused.value.code == "undecided_usulan"
    assert "2 usulan OPD peserta belum diputuskan: USL-020, USL-021" in refused.value.messages[0]
    assert not BeritaAcara.objects.exists()
    forum_full.refresh_from_db()
    assert forum_full.is_draft


def test_the_confirmation_lists_the_undecided_usulan_and_refuses_to_proceed(client, forum_full, undecided, facilitator):
    client.force_login(facilitator)
    page = client.get(reverse("forum:forum-finalise-confirm", args=[forum_full.pk])).content.decode()
    assert "2 usulan OPD peserta belum diputuskan" in page
    assert "USL-020" in page and "USL-021" in page and "USL-099" not in page
    assert "Ya, finalkan berita acara" not in page  # blocked: no proceed button


def test_carrying_them_to_the_musrenbang_kabupaten_lets_the_forum_finalise(
    client, forum_full, undecided, facilitator, verify_url
):
    client.force_login(facilitator)
    url = reverse("forum:usulan-carry-confirm", args=[forum_full.pk])
    page = client.get(url, {"alasan": "Belum sempat dibahas"}).content.decode()
    assert "USL-020" in page and "USL-021" in page and "Lampiran VI" in page
    ids = list(Usulan.objects.filter(id_usulan__in=undecided).values_list("pk", flat=True))
    action = reverse("forum:usulan-carry", args=[forum_full.pk])
    assert client.post(action, {"usulan": ids}).status_code == 302  # not confirmed: nothing happens
    assert set(Usulan.objects.filter(id_usulan__in=undecided).values_list("status", flat=True)) == {"diteruskan"}
    client.post(action, {"usulan": ids, "alasan": "Belum sempat dibahas", "konfirmasi": "1"})
    carried = Usulan.objects.filter(id_usulan__in=undecided)
    assert set(carried.values_list("status", flat=True)) == {selectors.CARRIED}
    assert {(d.level, d.by_id) for u in carried for d in u.decisions.all()[1:]} == {("forum", facilitator.pk)}
    ba = services.forum_finalise(forum=forum_full, by=facilitator, verify_url_for=verify_url)
    items = {u["id_usulan"]: u for u in ba.snapshot["dibawa_kabupaten"]}
    assert set(items) == set(undecided) and all(u["dibawa"] for u in items.values())
    assert items["USL-020"]["alasan"] == "Belum sempat dibahas"


def test_carrying_refuses_an_usulan_of_an_agency_outside_the_forum(forum_full, undecided, facilitator):
    outsider = Usulan.objects.get(id_usulan="USL-099")
    with pytest.raises(ValidationError, match="tidak diteruskan ke OPD peserta forum ini"):
        services.forum_usulan_carry(forum=forum_full, usulan_list=[outsider], by=facilitator)
    outsider.refresh_from_db()
    assert outsider.status == "diteruskan"


def test_carrying_is_all_or_nothing(forum_full, undecided, facilitator):
    ok = Usulan.objects.get(id_usulan="USL-020")
    settled = Usulan.objects.get(id_usulan="USL-010")  # accepted: cannot be carried
    with pytest.raises(ValidationError, match="Usulan USL-010 sudah diterima"):
        services.forum_usulan_carry(forum=forum_full, usulan_list=[ok, settled], by=facilitator)
    ok.refresh_from_db()
    assert ok.status == "diteruskan"


def test_a_changed_list_between_confirmation_and_click_carries_nothing(client, forum_full, undecided, facilitator):
    client.force_login(facilitator)
    outsider = Usulan.objects.get(id_usulan="USL-099")
    mine = Usulan.objects.get(id_usulan="USL-020")
    client.post(
        reverse("forum:usulan-carry", args=[forum_full.pk]), {"usulan": [mine.pk, outsider.pk], "konfirmasi": "1"}
    )
    mine.refresh_from_db()
    assert mine.status == "diteruskan"


def test_an_usulan_returned_between_participants_is_rerouted_at_the_forum_and_decided_there(
    client, forum_full, facilitator, opd_a, opd_b, opd_b_editor, verify_url
):
    returned = make_usulan(fiscal_year=forum_full.fiscal_year, opd_tujuan=opd_a, id_usulan="USL-030", usulan="Ayunan")
    from musrenbang import services as usulan_services

    usulan_services.usulan_decide(usulan=returned, kind="dikembalikan", alasan="Kewenangan DP3A", by=None)
    client.force_login(facilitator)
    page = client.get(reverse("forum:forum-detail", args=[forum_full.pk])).content.decode()
    assert reverse("forum:usulan-reroute", args=[forum_full.pk, returned.pk]) in page
    confirm = client.get(reverse("forum:forum-finalise-confirm", args=[forum_full.pk])).content.decode()
    assert "2 usulan dikembalikan oleh OPD peserta" in confirm  # USL-030 and the Pokir of the fixture
    client.post(reverse("forum:usulan-reroute", args=[forum_full.pk, returned.pk]), {"opd": opd_b.pk})
    returned.refresh_from_db()
    assert (returned.opd_tujuan, returned.status) == (opd_b, "diteruskan")
    # Now undecided at opd_b: it blocks finalising until decided (here: rejected at the forum level).
    assert [u.id_usulan for u in selectors.undecided_usulan(forum_full)] == ["USL-030"]
    usulan_services.usulan_decide(
        usulan=returned, kind="ditolak", alasan="Tidak tersedia lahan", level="forum", by=opd_b_editor
    )
    ba = services.forum_finalise(forum=forum_full, by=facilitator, verify_url_for=verify_url)
    assert [u["alasan"] for u in ba.snapshot["lampiran_iii"] if u["id_usulan"] == "USL-030"] == ["Tidak tersedia lahan"]


def test_rerouting_refuses_an_agency_outside_the_forum(client, forum_full, facilitator, opd_a):
    returned = make_usulan(fiscal_year=forum_full.fiscal_year, opd_tujuan=opd_a, id_usulan="USL-031")
    from musrenbang import services as usulan_services

    usulan_services.usulan_decide(usulan=returned, kind="dikembalikan", alasan="Bukan kewenangan", by=None)
    outsider = make_opd("Dinkes")
    client.force_login(facilitator)
    client.post(reverse("forum:usulan-reroute", args=[forum_full.pk, returned.pk]), {"opd": outsider.pk})
    with pytest.raises(ValidationError, match="bukan peserta forum ini"):
        services.forum_usulan_reroute(forum=forum_full, usulan=returned, opd=outsider, by=facilitator)
    returned.refresh_from_db()
    assert returned.opd_tujuan == opd_a and returned.status == "dikembalikan"


def ids_in(text: str, ids) -> dict[str, int]:
    return {i: len(re.findall(rf"(?<![\w-]){re.escape(i)}(?![\w-])", text)) for i in ids}


def test_every_routed_usulan_of_the_participants_is_in_exactly_one_lampiran(
    forum_full, undecided, facilitator, verify_url, tmp_path
):
    from musrenbang import services as usulan_services

    usulan_services.usulan_carry_to_kabupaten(usulan=Usulan.objects.get(id_usulan="USL-020"), by=facilitator)
    usulan_services.usulan_decide(
        usulan=Usulan.objects.get(id_usulan="USL-021"), kind="ditolak", alasan="Sudah ada di 2025", by=None
    )
    routed = list(selectors.routed_usulan(forum_full).values_list("id_usulan", flat=True))
    assert len(routed) == 6 and "USL-099" not in routed
    ba = services.forum_finalise(forum=forum_full, by=facilitator, verify_url_for=verify_url)
    parts = sections(render(forum_full, tmp_path, snapshot=ba.snapshot))
    found = {key: ids_in(parts[key], routed) for key in LAMPIRAN}
    where = {i: [key for key in LAMPIRAN if found[key][i]] for i in routed}
    assert where == {
        "USL-001": ["III"],
        "POKIR-7": ["IV"],
        "USL-010": ["II"],
        "USL-011": ["II"],
        "USL-020": ["VI"],
        "USL-021": ["III"],
    }
    assert all(found[key][i] == 1 for i in routed for key in where[i])  # once, not twice in its lampiran
    assert "USL-099" not in " ".join(parts.values())


def test_the_agreed_usulan_is_printed_under_the_row_that_takes_it_with_its_village(forum_full, tmp_path):
    snapshot = selectors.forum_snapshot(forum_full)
    rows = {r["ref"]: r for r in snapshot["lampiran_ii"]}
    assert rows["2026-DINSOS-001"]["usulan"] == [
        {
            "id_usulan": "USL-010",
            "desa": "Desa Jembayan",
            "kecamatan": "Loa Kulu",
            "usulan": "Alat bantu dengar",
            "keputusan": "Diterima",
        }
    ]
    assert [u["id_usulan"] for u in rows["2026-DP3A-001"]["usulan"]] == ["USL-011"]  # merged into the row
    lampiran_ii = sections(render(forum_full, tmp_path))["II"]
    assert "USL-010 · Desa Jembayan," in lampiran_ii and "Alat bantu dengar (diterima)" in lampiran_ii


def test_a_draft_prints_the_undecided_usulan_as_belum_dibahas(forum_full, undecided, tmp_path):
    lampiran_vi = sections(render(forum_full, tmp_path, draft=True))["VI"]
    assert "USL-020" in lampiran_vi and "USL-021" in lampiran_vi and "Belum dibahas" in lampiran_vi


def test_an_usulan_still_at_the_musrenbang_levels_is_not_the_forums(forum_full, year, opd_a, facilitator, verify_url):
    """Forwarded by its kecamatan but not yet routed by Bappeda: the forum neither lists it nor waits for it."""
    from musrenbang import decisions

    waiting = make_usulan(fiscal_year=year, id_usulan="USL-040", usulan="Sumur bor", opd_tujuan=None)
    Usulan.objects.filter(pk=waiting.pk).update(opd_tujuan=opd_a, status=decisions.FORWARDED)
    assert "USL-040" not in selectors.routed_usulan(forum_full).values_list("id_usulan", flat=True)
    ba = services.forum_finalise(forum=forum_full, by=facilitator, verify_url_for=verify_url)
    assert "USL-040" not in str(ba.snapshot)


def test_a_final_forum_carries_and_reroutes_nothing(forum_full, year, opd_a, opd_b, facilitator, verify_url):
    services.forum_finalise(forum=forum_full, by=facilitator, verify_url_for=verify_url)
    later = make_usulan(fiscal_year=year, opd_tujuan=opd_a, id_usulan="USL-050")
    with pytest.raises(ValidationError, match="sudah final"):
        services.forum_usulan_carry(forum=forum_full, usulan_list=[later], by=facilitator)
    with pytest.raises(ValidationError, match="sudah final"):
        services.forum_usulan_reroute(forum=forum_full, usulan=later, opd=opd_b, by=facilitator)
    later.refresh_from_db()
    assert (later.status, later.opd_tujuan) == ("diteruskan", opd_a)


def test_the_carrying_reason_is_bounded(forum_full, undecided, facilitator):
    usulan = Usulan.objects.get(id_usulan="USL-020")
    with pytest.raises(ValidationError) as refused:
        services.forum_usulan_carry(forum=forum_full, usulan_list=[usulan], by=facilitator, alasan="x" * 501)
    assert refused.value.message_dict == {"alasan": ["Alasan paling panjang 500 karakter."]}
    usulan.refresh_from_db()
    assert usulan.status == "diteruskan"
