"""Who may be named facilitator of a forum, and whom an agency's contact list names, come from the permissions module
(renja.permissions.forum_runners and agency_officers), not from role lists in forms and selectors."""

from forum.forms import ForumForm
from renja import permissions as rules
from renja.models import User

from ..factories import make_user


def test_forum_runners_are_the_roles_that_may_run_forums(planner, facilitator, admin_user, opd_a_editor, opd_a_viewer):
    runners = set(rules.forum_runners())
    assert {planner, facilitator, admin_user} <= runners
    assert not {opd_a_editor, opd_a_viewer} & runners
    assert all(rules.can_run_forums(user) for user in runners if user.is_active)


def test_the_forum_form_offers_exactly_the_forum_runners(planner, facilitator, opd_a_editor):
    offered = set(ForumForm().fields["fasilitator"].queryset)
    assert offered == set(rules.forum_runners())
    assert opd_a_editor not in offered


def test_agency_officers_are_the_active_officers_of_those_agencies(
    opd_a, opd_b, opd_a_editor, opd_a_viewer, opd_b_editor
):
    gone = make_user("petugas-nonaktif", role=User.Role.PETUGAS_OPD, opd=opd_a, is_active=False)
    assert set(rules.agency_officers([opd_a])) == {opd_a_editor}
    assert set(rules.agency_officers([opd_a, opd_b])) == {opd_a_editor, opd_b_editor}
    assert gone not in set(rules.agency_officers([opd_a])) and opd_a_viewer not in set(rules.agency_officers([opd_a]))
    assert all(rules.acting_for(user, opd_a.pk) == rules.Capacity.OFFICER for user in rules.agency_officers([opd_a]))
