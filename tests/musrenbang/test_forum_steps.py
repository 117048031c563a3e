"""The forum's own steps (issue 16, point 2, musrenbang side): the facilitator carries an undecided usulan to the
Musrenbang kabupaten, and re-routes one returned between two of the forum's agencies, which the receiving agency's
representative or the facilitator then decides at the forum, on the same immutable trail."""

import pytest
from django.core.exceptions import ValidationError

from musrenbang import decisions, services
from musrenbang.models import Decision
from renja.models import AuditLog

from ..factories import make_opd, make_usulan


def _refusal(call, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as exc:
        call(**kwargs)
    return exc.value


def _trail(usulan):
    return [(d.level, d.kind, d.opd.singkatan if d.opd else None) for d in usulan.decisions.order_by("at", "id")]


def test_the_facilitator_carries_an_undecided_usulan_to_the_musrenbang_kabupaten(routed_to_a, facilitator, opd_a):
    decision = services.usulan_carry_to_kabupaten(
        usulan=routed_to_a, by=facilitator, alasan="Belum dibahas", participants={opd_a.pk}
    )
    routed_to_a.refresh_from_db()
    assert (decision.level, decision.kind, decision.alasan, decision.by) == (
        "forum",
        "dibawa_kabupaten",
        "Belum dibahas",
        facilitator,
    )
    assert routed_to_a.status == "dibawa_kabupaten" and routed_to_a.status not in decisions.UNDECIDED
    assert routed_to_a.opd_tujuan == opd_a  # still the agency's, for the kabupaten to decide
    assert AuditLog.objects.filter(action="usulan.carried_up", object_id=str(routed_to_a.pk)).exists()
    # The reason is optional; the Musrenbang kabupaten then decides it.
    other = make_usulan(fiscal_year=routed_to_a.fiscal_year, opd_tujuan=opd_a, id_usulan="U-A-2")
    assert services.usulan_carry_to_kabupaten(usulan=other, by=facilitator).alasan == ""
    services.usulan_decide(usulan=other, kind="ditolak", alasan="Pagu", by=facilitator, level="musrenbang_kabupaten")
    assert _trail(other)[-2:] == [
        ("forum", "dibawa_kabupaten", "Dinsos"),
        ("musrenbang_kabupaten", "ditolak", "Dinsos"),
    ]


def test_carrying_is_refused_to_an_officer_and_outside_the_forum_agencies(routed_to_a, opd_a_editor, planner, opd_b):
    error = _refusal(services.usulan_carry_to_kabupaten, usulan=routed_to_a, by=opd_a_editor)
    assert error.code == "forbidden"
    error = _refusal(services.usulan_carry_to_kabupaten, usulan=routed_to_a, by=planner, participants={opd_b.pk})
    assert error.code == "participant" and "bukan peserta forum" in error.messages[0]
    assert not routed_to_a.decisions.filter(kind="dibawa_kabupaten").exists()


def test_only_an_agency_usulan_not_yet_agreed_is_carried(year, routed_to_a, facilitator, row_a):
    never_routed = make_usulan(fiscal_year=year, id_usulan="U-BARU")
    error = _refusal(services.usulan_carry_to_kabupaten, usulan=never_routed, by=facilitator)
    assert error.code == "status"
    services.usulan_decide(
        usulan=routed_to_a, kind="diterima", by=facilitator, level="forum", allocations=[services.Allocation(row_a)]
    )
    error = _refusal(services.usulan_carry_to_kabupaten, usulan=routed_to_a, by=facilitator)
    assert error.code == "status" and "diterima" in error.messages[0]


def test_carrying_twice_is_refused(routed_to_a, facilitator):
    services.usulan_carry_to_kabupaten(usulan=routed_to_a, by=facilitator)
    assert _refusal(services.usulan_carry_to_kabupaten, usulan=routed_to_a, by=facilitator).code == "status"


@pytest.fixture
def returned(routed_to_b, opd_b):
    services.usulan_decide(usulan=routed_to_b, kind="dikembalikan", alasan="Urusan Dinas Sosial", by=None)
    return routed_to_b


def test_a_returned_usulan_is_rerouted_at_the_forum_and_decided_there_by_the_receiving_agency(
    returned, facilitator, opd_a, opd_b, opd_a_editor, row_a
):
    services.usulan_reroute_at_forum(usulan=returned, opd=opd_a, by=facilitator, participants={opd_a.pk, opd_b.pk})
    returned.refresh_from_db()
    assert (returned.status, returned.opd_tujuan) == ("diteruskan", opd_a)
    audit = AuditLog.objects.get(action="usulan.rerouted", object_id=str(returned.pk))
    assert audit.changes == {"opd_tujuan": ["DP3A", "Dinsos"]}
    services.usulan_decide(
        usulan=returned, kind="diterima", by=opd_a_editor, level="forum", allocations=[services.Allocation(row_a)]
    )
    assert _trail(returned) == [
        ("bappeda", "diteruskan", "DP3A"),
        ("opd", "dikembalikan", "DP3A"),
        ("forum", "diteruskan", "Dinsos"),
        ("forum", "diterima", "Dinsos"),
    ]


def test_the_facilitator_may_decide_a_rerouted_usulan_but_the_returning_agency_may_not(
    returned, facilitator, opd_a, opd_b_editor
):
    services.usulan_reroute_at_forum(usulan=returned, opd=opd_a, by=facilitator)
    error = _refusal(
        services.usulan_decide, usulan=returned, kind="ditolak", alasan="x", by=opd_b_editor, level="forum"
    )
    assert error.code == "forbidden"
    decision = services.usulan_decide(usulan=returned, kind="ditolak", alasan="Pagu", by=facilitator, level="forum")
    assert (decision.level, decision.opd) == ("forum", opd_a)


def test_rerouting_refusals(returned, routed_to_a, facilitator, opd_a, opd_b, opd_b_editor):
    assert _refusal(services.usulan_reroute_at_forum, usulan=routed_to_a, opd=opd_b, by=facilitator).code == "status"
    assert _refusal(services.usulan_reroute_at_forum, usulan=returned, opd=opd_b, by=facilitator).code == "same_opd"
    assert _refusal(services.usulan_reroute_at_forum, usulan=returned, opd=opd_a, by=opd_b_editor).code == "forbidden"
    error = _refusal(
        services.usulan_reroute_at_forum, usulan=returned, opd=opd_a, by=facilitator, participants={opd_b.pk}
    )
    assert error.code == "participant" and opd_a.nama in error.messages[0]
    error = _refusal(
        services.usulan_reroute_at_forum, usulan=returned, opd=opd_a, by=facilitator, participants={opd_a.pk}
    )
    assert error.code == "participant"  # the returning agency must sit at the forum too
    closed = make_opd("Dinas Lama", aktif=False)
    assert _refusal(services.usulan_reroute_at_forum, usulan=returned, opd=closed, by=facilitator).code == "inactive"
    assert returned.decisions.filter(level=Decision.Level.FORUM).count() == 0
