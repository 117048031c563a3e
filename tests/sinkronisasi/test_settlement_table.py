"""The overlap settlement table (sinkronisasi/settlement.py) agrees with the models, the audit trail's labels and the
permission rules it names."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db.models import Q

from sinkronisasi import selectors, services, settlement
from sinkronisasi.models import Overlap, OverlapProposal
from sinkronisasi.settlement import MOVES, Outcome, State, Status

from .test_overlap_proposals import pair  # noqa: F401 (a fixture)
from .test_views import two_pairs  # noqa: F401 (a fixture)


def _constraint(model, name):
    return next(c for c in model._meta.constraints if c.name == name)


def test_the_models_choices_are_the_tables():
    assert Overlap._meta.get_field("status").choices == Status.choices
    assert Overlap._meta.get_field("status").default == Status.OPEN
    assert OverlapProposal._meta.get_field("status").choices == settlement.settled_choices()
    assert OverlapProposal._meta.get_field("outcome").choices == Outcome.choices
    assert OverlapProposal._meta.get_field("outcome").default == Outcome.WAITING
    # The stored values are data: the same as before the names became English.
    assert Status.values == ["terbuka", "saling_melengkapi", "koordinasi", "duplikasi"]
    assert Outcome.values == ["menunggu", "dikonfirmasi", "ditolak", "diganti"]


def test_every_settled_kind_is_a_status_other_than_open_and_needs_what_the_constraints_ask():
    assert set(settlement.SETTLED_KINDS) == set(Status.values) - {Status.OPEN}
    assert (
        settlement.NEEDS_LEAD | settlement.NEEDS_DROPPED_ROW <= settlement.NEEDS_NOTE <= set(settlement.SETTLED_KINDS)
    )
    for model, name in ((Overlap, "overlap_lead_named"), (OverlapProposal, "overlapproposal_lead_named")):
        assert _constraint(model, name).condition == ~Q(status=next(iter(settlement.NEEDS_LEAD))) | Q(
            opd_pengampu__isnull=False
        )
    assert _constraint(OverlapProposal, "overlapproposal_drop_named").condition == ~Q(
        status=next(iter(settlement.NEEDS_DROPPED_ROW))
    ) | Q(dropped_row__isnull=False)
    assert _constraint(OverlapProposal, "overlapproposal_one_open").condition == Q(outcome=Outcome.WAITING)


def test_every_move_goes_between_states_and_writes_a_labelled_audit_key():
    source = "".join(path.read_text(encoding="utf-8") for path in Path(services.__file__).parent.glob("*.py"))
    for name, move in MOVES.items():
        assert move.sources and move.sources <= set(State), name
        assert move.target is None or move.target in State, name
        assert move.audit in selectors.OVERLAP_ACTION_LABELS, name
        assert f'action="{move.audit}"' in source, name
    for key in settlement.OTHER_AUDIT_KEYS:
        assert key in selectors.OVERLAP_ACTION_LABELS and f'action="{key}"' in source
    written = {m.audit for m in MOVES.values()} | set(settlement.OTHER_AUDIT_KEYS)
    assert written == set(selectors.OVERLAP_ACTION_LABELS)
    # A frozen pair is neither settled again, reopened nor proposed for; a later forum takes it first.
    assert {n for n, m in MOVES.items() if m.allowed_from(State.FROZEN)} == {
        "comment",
        "changed_after_signing",
        "take_to_forum",
    }


def test_the_people_moves_name_a_permission_rule_and_the_system_moves_none():
    people = {"settle", "reopen", "propose", "confirm", "decline", "comment"}
    assert {n for n, m in MOVES.items() if m.who is not None} == people


@pytest.mark.django_db
def test_who_may_make_each_move(pair, planner, facilitator, opd_a_editor, opd_a_viewer, opd_b_editor):  # noqa: F811
    """The pair is Dinsos (opd_a) – Dinkes; DP3A's officer (opd_b_editor) is of neither agency."""
    for user in (planner, facilitator):
        assert all(settlement.may(user, m, pair) for m in ("settle", "reopen", "confirm", "decline", "comment"))
        assert not settlement.may(user, "propose", pair)
    assert settlement.may(opd_a_editor, "propose", pair) and settlement.may(opd_a_editor, "comment", pair)
    assert not any(settlement.may(opd_a_editor, m, pair) for m in ("settle", "reopen", "confirm", "decline"))
    for user in (opd_a_viewer, opd_b_editor):
        assert not any(settlement.may(user, m, pair) for m in MOVES)
    assert not settlement.may(planner, "sign", pair)  # the system's move, not a person's


@pytest.mark.django_db
def test_the_state_follows_the_stored_fields_and_opens_the_moves(pair, planner):  # noqa: F811
    from django.utils import timezone

    assert pair.state == State.OPEN and not settlement.can(planner, "reopen", pair)
    pair.status = Status.COORDINATION
    assert pair.state == State.SETTLED
    assert settlement.can(planner, "reopen", pair) and settlement.can(planner, "settle", pair)
    pair.signed_at = timezone.now()
    assert pair.state == State.FROZEN
    assert not settlement.can(planner, "reopen", pair) and not settlement.can(planner, "settle", pair)
