"""An officer's pair page: comments, a proposed settlement a planner or facilitator confirms or declines, the other
agency's contact; who may do which (URL x person), the audit trail, and the pair list's badge at a flat query count."""

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.shortcuts import resolve_url
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from renja.models import AuditLog, User
from sinkronisasi import services
from sinkronisasi.models import Overlap, OverlapComment, OverlapProposal

from ..factories import make_opd, make_user
from .test_views import _pair_between, two_pairs  # noqa: F401 (a fixture)


@pytest.fixture
def pair(two_pairs, opd_a):  # noqa: F811
    """The pair Dinsos (opd_a) – Dinkes; DP3A's officer (opd_b_editor) is of another agency."""
    return next(p for p in two_pairs if opd_a.pk in (p.opd_a_id, p.opd_b_id))


def _other_opd(pair, opd):
    return pair.opd_b if pair.opd_a_id == opd.pk else pair.opd_a


def _actions(pair):
    return list(
        AuditLog.objects.filter(content_type__model="overlap", object_id=str(pair.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


@pytest.fixture
def proposal(pair, opd_a, opd_a_editor):
    return services.overlap_propose(
        overlap=pair, by=opd_a_editor, status="koordinasi", note="Dinkes memimpin", opd_pengampu=_other_opd(pair, opd_a)
    )


URLS = [
    "sinkronisasi:overlap-comment",
    "sinkronisasi:overlap-propose",
    "sinkronisasi:overlap-proposal-confirm",
    "sinkronisasi:overlap-proposal-decline",
]
EXPECTED = {  # who: (comment, propose, confirm, decline)
    "opd_a_editor": (302, 302, 403, 403),
    "opd_a_viewer": (403, 403, 403, 403),
    "opd_b_editor": (404, 404, 404, 404),
    "planner": (302, 403, 302, 302),
    "facilitator": (302, 403, 302, 302),
    None: (302, 302, 302, 302),  # to the log-in page
}


@pytest.mark.parametrize("who", list(EXPECTED))
@pytest.mark.parametrize("index,name", list(enumerate(URLS)))
def test_overlap_discussion_access_matrix(client, request, pair, proposal, who, index, name):
    if who:
        client.force_login(request.getfixturevalue(who))
    url = reverse(name, args=[pair.pk])
    data = {
        "text": "Kami siap berbagi lokasi.",
        "usul-status": "saling_melengkapi",
        "usulan": proposal.pk,
        "reason": "Belum dibahas bersama.",
    }
    response = client.post(url, data)
    assert response.status_code == EXPECTED[who][index], (who, name)
    if who is None:
        assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))
    assert client.get(url).status_code == 405


def test_a_refused_post_changes_nothing(client, pair, proposal, opd_a_viewer, opd_b_editor):
    for user in (opd_a_viewer, opd_b_editor):
        client.force_login(user)
        client.post(reverse("sinkronisasi:overlap-comment", args=[pair.pk]), {"text": "x"})
        client.post(reverse("sinkronisasi:overlap-propose", args=[pair.pk]), {"usul-status": "saling_melengkapi"})
    assert not OverlapComment.objects.exists()
    assert list(OverlapProposal.objects.values_list("pk", "outcome")) == [(proposal.pk, "menunggu")]


def test_officer_comments_on_their_pair_shown_in_time_order_with_person_and_agency(client, pair, opd_a_editor, planner):
    opd_a_editor.first_name, opd_a_editor.last_name = "Sari", "Dewi"
    opd_a_editor.save()
    client.force_login(opd_a_editor)
    response = client.post(
        reverse("sinkronisasi:overlap-comment", args=[pair.pk]), {"text": "Lokasi kami di RT 3 saja."}
    )
    assert response.status_code == 302 and response["Location"].endswith("#diskusi")
    services.overlap_comment_add(overlap=pair, by=planner, text="Mohon dibahas di forum.")
    comments = list(OverlapComment.objects.filter(overlap=pair))
    assert [(c.text, c.by, c.opd_id) for c in comments] == [
        ("Lokasi kami di RT 3 saja.", opd_a_editor, opd_a_editor.opd_id),
        ("Mohon dibahas di forum.", planner, None),
    ]
    page = client.get(reverse("sinkronisasi:overlap-detail", args=[pair.pk])).content.decode()
    assert page.index("Lokasi kami di RT 3 saja.") < page.index("Mohon dibahas di forum.")
    assert "Sari Dewi (Dinsos)" in page
    assert "overlap.commented" in _actions(pair)


def test_a_comment_is_bounded_and_not_empty(client, pair, opd_a_editor):
    with pytest.raises(ValidationError, match="Komentar tidak boleh kosong"):
        services.overlap_comment_add(overlap=pair, by=opd_a_editor, text="   ")
    with pytest.raises(ValidationError, match="Komentar paling panjang 2000 karakter"):
        services.overlap_comment_add(overlap=pair, by=opd_a_editor, text="x" * (OverlapComment.MAX_TEXT + 1))
    client.force_login(opd_a_editor)
    response = client.post(
        reverse("sinkronisasi:overlap-comment", args=[pair.pk]), {"text": "x" * (OverlapComment.MAX_TEXT + 1)}
    )
    assert response.status_code == 400
    assert not OverlapComment.objects.exists()


def test_officer_proposes_through_the_page_and_a_new_proposal_replaces_the_open_one(client, pair, opd_a, opd_a_editor):
    client.force_login(opd_a_editor)
    page = client.get(reverse("sinkronisasi:overlap-detail", args=[pair.pk])).content.decode()
    assert "Usulkan penyelesaian" in page and 'action="/sinkronisasi/pasangan/%s/selesaikan/"' % pair.pk not in page
    url = reverse("sinkronisasi:overlap-propose", args=[pair.pk])
    assert client.post(url, {"usul-status": "saling_melengkapi", "usul-note": "Sasaran berbeda"}).status_code == 302
    first = OverlapProposal.objects.get()
    assert (first.status, first.opd, first.proposed_by, first.outcome) == (
        "saling_melengkapi",
        opd_a,
        opd_a_editor,
        "menunggu",
    )
    drop = pair.row_a if pair.row_a.opd_id == opd_a.pk else pair.row_b
    response = client.post(
        url, {"usul-status": "duplikasi", "usul-dropped_row": str(drop.pk), "usul-note": "Sama persis"}
    )
    assert response.status_code == 302
    first.refresh_from_db()
    second = OverlapProposal.objects.get(outcome="menunggu")
    assert first.outcome == "diganti" and (second.status, second.dropped_row) == ("duplikasi", drop)
    assert _actions(pair) == ["overlap.proposed", "overlap.proposal_replaced", "overlap.proposed"]
    pair.refresh_from_db()
    assert pair.status == "terbuka"  # a proposal settles nothing by itself
    page = client.get(reverse("sinkronisasi:overlap-detail", args=[pair.pk])).content.decode()
    assert "Usulan penyelesaian diganti usulan baru" in page and "overlap.proposal" not in page  # history in words
    assert "Ganti usulan" in page and "Konfirmasi usulan" not in page


def test_an_incomplete_proposal_is_shown_on_the_form(client, pair, opd_a_editor):
    client.force_login(opd_a_editor)
    response = client.post(
        reverse("sinkronisasi:overlap-propose", args=[pair.pk]), {"usul-status": "koordinasi", "usul-note": "x"}
    )
    assert response.status_code == 400
    assert "OPD pengampu" in response.content.decode()
    assert not OverlapProposal.objects.exists()


@pytest.mark.parametrize("who", ["planner", "facilitator"])
def test_planner_or_facilitator_confirms_a_proposal_settling_the_pair_with_its_values(
    client, request, pair, proposal, opd_a, opd_a_editor, who
):
    confirmer = request.getfixturevalue(who)
    client.force_login(confirmer)
    page = client.get(reverse("sinkronisasi:overlap-detail", args=[pair.pk])).content.decode()
    assert "Dinkes memimpin" in page and "Konfirmasi usulan" in page
    response = client.post(reverse("sinkronisasi:overlap-proposal-confirm", args=[pair.pk]), {"usulan": proposal.pk})
    assert response.status_code == 302
    pair.refresh_from_db()
    proposal.refresh_from_db()
    assert (pair.status, pair.opd_pengampu, pair.note, pair.settled_by) == (
        "koordinasi",
        _other_opd(pair, opd_a),
        "Dinkes memimpin",
        confirmer,
    )
    assert (proposal.outcome, proposal.proposed_by, proposal.decided_by) == (
        "dikonfirmasi",
        opd_a_editor,
        confirmer,
    )
    assert _actions(pair)[-2:] == ["overlap.settled", "overlap.proposal_confirmed"]
    confirmed = AuditLog.objects.get(action="overlap.proposal_confirmed")
    assert confirmed.by == confirmer and confirmed.data["diusulkan_oleh"] == opd_a_editor.username
    # Confirmed once: a second POST changes nothing.
    assert (
        client.post(
            reverse("sinkronisasi:overlap-proposal-confirm", args=[pair.pk]), {"usulan": proposal.pk}
        ).status_code
        == 302
    )
    assert _actions(pair).count("overlap.settled") == 1


def test_confirming_a_replaced_proposal_is_refused(pair, proposal, opd_a_editor, planner):
    services.overlap_propose(overlap=pair, by=opd_a_editor, status="saling_melengkapi")
    with pytest.raises(ValidationError, match="diganti"):
        services.overlap_proposal_confirm(proposal=proposal, by=planner)
    pair.refresh_from_db()
    assert pair.status == "terbuka"


def test_planner_declines_a_proposal_with_a_reason_only(client, pair, proposal, planner):
    client.force_login(planner)
    url = reverse("sinkronisasi:overlap-proposal-decline", args=[pair.pk])
    response = client.post(url, {"usulan": proposal.pk, "reason": "  "})
    assert response.status_code == 400
    assert "Alasan penolakan" in response.content.decode()
    with pytest.raises(ValidationError, match="Alasan penolakan wajib diisi"):
        services.overlap_proposal_decline(proposal=proposal, by=planner, reason="")
    proposal.refresh_from_db()
    assert proposal.outcome == "menunggu"
    assert client.post(url, {"usulan": proposal.pk, "reason": "Bahas di forum OPD."}).status_code == 302
    proposal.refresh_from_db()
    pair.refresh_from_db()
    assert (proposal.outcome, proposal.reason, proposal.decided_by) == (
        "ditolak",
        "Bahas di forum OPD.",
        planner,
    )
    assert pair.status == "terbuka"
    assert _actions(pair)[-1] == "overlap.proposal_declined"


def test_a_proposal_of_another_pair_answers_404(client, two_pairs, pair, proposal, planner):  # noqa: F811
    other = next(p for p in two_pairs if p.pk != pair.pk)
    client.force_login(planner)
    response = client.post(reverse("sinkronisasi:overlap-proposal-confirm", args=[other.pk]), {"usulan": proposal.pk})
    assert response.status_code == 404


def test_a_pair_frozen_by_a_signed_berita_acara_refuses_a_proposal_as_a_settlement(client, pair, opd_a_editor, planner):
    services.overlap_settle(overlap=pair, status="saling_melengkapi", by=planner)
    services.overlap_sign(pairs=[pair], nomor="050/12/BA-FPD/2026", forum="Forum PD Sosial", by=planner)
    pair.refresh_from_db()
    with pytest.raises(ValidationError) as settle:
        services.overlap_settle(overlap=pair, status="saling_melengkapi", by=planner)
    with pytest.raises(ValidationError) as propose:
        services.overlap_propose(overlap=pair, by=opd_a_editor, status="saling_melengkapi")
    assert propose.value.messages == settle.value.messages and "050/12/BA-FPD/2026" in propose.value.messages[0]
    client.force_login(opd_a_editor)
    assert (
        "Usulkan penyelesaian"
        not in client.get(reverse("sinkronisasi:overlap-detail", args=[pair.pk])).content.decode()
    )
    response = client.post(
        reverse("sinkronisasi:overlap-propose", args=[pair.pk]), {"usul-status": "saling_melengkapi"}
    )
    assert response.status_code == 400 and "050/12/BA-FPD/2026" in response.content.decode()
    assert not OverlapProposal.objects.exists()


def test_the_page_shows_the_other_agencys_contact(client, pair, opd_a, opd_a_editor):
    other = _other_opd(pair, opd_a)
    other.kepala_nama, other.kepala_jabatan = "dr. Martina Yulianti", "Kepala Dinas Kesehatan"
    other.save()
    make_user("petugas.dinkes", opd=other, first_name="Rudi", email="rudi@dinkes.example")
    make_user("pembaca.dinkes", role=User.Role.PEMBACA_OPD, opd=other, first_name="Tono")
    opd_a.kepala_nama = "Kepala Dinsos Sendiri"
    opd_a.save()
    client.force_login(opd_a_editor)
    page = client.get(reverse("sinkronisasi:overlap-detail", args=[pair.pk])).content.decode()
    assert "Kontak OPD mitra" in page and "dr. Martina Yulianti" in page
    assert 'href="mailto:rudi@dinkes.example"' in page and "Rudi" in page
    assert "Tono" not in page and "Kepala Dinsos Sendiri" not in page


def test_planners_see_comments_and_proposals_on_every_pair(client, two_pairs, opd_b, opd_b_editor, planner):  # noqa: F811
    theirs = next(p for p in two_pairs if opd_b.pk in (p.opd_a_id, p.opd_b_id))
    services.overlap_comment_add(overlap=theirs, by=opd_b_editor, text="Komentar DP3A")
    services.overlap_propose(overlap=theirs, by=opd_b_editor, status="saling_melengkapi", note="Usulan DP3A")
    client.force_login(planner)
    page = client.get(reverse("sinkronisasi:overlap-detail", args=[theirs.pk])).content.decode()
    assert "Komentar DP3A" in page and "Usulan DP3A" in page and "Kontak kedua OPD" in page


def test_overlap_list_badges_open_proposals_at_a_flat_query_count(client, planner, year, opd_a, opd_b, places, groups):
    def count():
        client.get(reverse("sinkronisasi:overlap-list"))  # refresh first
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("sinkronisasi:overlap-list"))
        assert response.status_code == 200
        return len(ctx.captured_queries), response.content.decode()

    client.force_login(planner)
    _pair_between(year, opd_a, opd_b, places["desa1"], groups, "Q0")
    services.sync_refresh(fiscal_year=year)
    first = Overlap.objects.get()
    officer = make_user("petugas.q0", opd=opd_a)
    services.overlap_propose(overlap=first, by=officer, status="saling_melengkapi")
    small, page = count()
    assert page.count('class="badge badge-usulan"') == 1
    for i in range(1, 4):
        x, y = make_opd(f"X{i}"), make_opd(f"Y{i}")
        _pair_between(year, x, y, places["desa1"], groups, f"Q{i}")
    services.sync_refresh(fiscal_year=year)
    for p in Overlap.objects.exclude(pk=first.pk):
        services.overlap_propose(overlap=p, by=make_user(opd=p.opd_a), status="saling_melengkapi")
        services.overlap_comment_add(overlap=p, by=planner, text="cek")
    large, page = count()
    assert large == small
    assert page.count('class="badge badge-usulan"') == 20  # every pair of the page (20 a page)
