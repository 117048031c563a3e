"""renja/permissions.py called directly: the edge people the URL matrix does not meet (a deactivated officer, an
OPD role with no agency, a planner who also has an agency, a reader of one agency) and the queries a row costs.

Written to kill the mutants `make mutate` found surviving in the module (an `and` turned `or`, `is None` turned
`is not None`, a dropped select_related, ...)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from renja import permissions
from renja.context_processors import perms_for_user
from renja.models import User
from tests.factories import make_row, make_user

OFFICER = User.Role.PETUGAS_OPD
READER = User.Role.PEMBACA_OPD


@pytest.fixture
def deactivated_officer(opd_a):
    return make_user(role=OFFICER, opd=opd_a, is_active=False)


def test_a_deactivated_officer_sees_and_changes_nothing(deactivated_officer, opd_a, opd_b, row_in_opd_a):
    assert not permissions.visible_opds(deactivated_officer).exists()
    assert not permissions.editable_opds(deactivated_officer).exists()
    assert not permissions.row_queryset_for_user(deactivated_officer).exists()
    assert permissions.usulan_opd_scope(deactivated_officer) is None
    assert permissions.can_see_sync(deactivated_officer) is False
    assert permissions.can_edit(deactivated_officer, opd_a) is False


def test_an_officer_reads_every_agency_but_changes_only_its_own(opd_a_editor, opd_a, opd_b):
    assert set(permissions.visible_opds(opd_a_editor)) == {opd_a, opd_b}
    assert list(permissions.editable_opds(opd_a_editor)) == [opd_a]
    assert permissions.usulan_opd_scope(opd_a_editor) == opd_a.pk
    assert permissions.can_see_sync(opd_a_editor) is True


def test_an_opd_role_without_an_agency_sees_nothing(opd_a, row_in_opd_a):
    # The database refuses to store such a user (user_opd_role_has_opd); the rules refuse it too.
    for user in (User(username="tanpa-opd-1", role=OFFICER), User(username="tanpa-opd-2", role=READER)):
        assert not permissions.visible_opds(user).exists()
        assert not permissions.row_queryset_for_user(user).exists()
        assert not permissions.editable_opds(user).exists()
        assert permissions.can_see_sync(user) is False


def test_a_reader_of_one_agency_reads_it_and_changes_nothing(opd_a_viewer, opd_a, opd_b):
    assert set(permissions.visible_opds(opd_a_viewer)) == {opd_a, opd_b}
    assert not permissions.editable_opds(opd_a_viewer).exists()
    assert permissions.can_edit(opd_a_viewer, opd_a) is False
    assert permissions.usulan_opd_scope(opd_a_viewer) == opd_a.pk


def test_a_facilitator_changes_no_agency_rows_and_is_not_scoped(facilitator, opd_a):
    assert not permissions.editable_opds(facilitator).exists()
    assert permissions.usulan_opd_scope(facilitator) is None


def test_a_planner_with_an_agency_is_still_not_scoped_to_it(opd_a, opd_b):
    planner = make_user(role=User.Role.PERENCANA, opd=opd_a)
    assert permissions.usulan_opd_scope(planner) is None
    assert set(permissions.editable_opds(planner)) == {opd_a, opd_b}


def test_anonymous_sees_nothing(db, opd_a, row_in_opd_a):
    anonymous = AnonymousUser()
    assert not permissions.visible_opds(anonymous).exists()
    assert not permissions.row_queryset_for_user(anonymous).exists()
    assert permissions.usulan_opd_scope(anonymous) is None
    assert permissions.can_see_sync(anonymous) is False


@pytest.mark.parametrize("who", ["planner", "facilitator", "opd_a_editor"])
def test_an_usulan_with_no_agency_is_decided_by_nobody(request, who):
    assert permissions.can_decide_usulan(request.getfixturevalue(who), None) is False


def test_the_row_list_loads_year_and_agency_in_the_same_query(planner, year, opd_a, django_assert_num_queries):
    make_row(opd=opd_a, fiscal_year=year)
    make_row(opd=opd_a, fiscal_year=year)
    with django_assert_num_queries(1):
        assert [(r.fiscal_year.year, r.opd.singkatan) for r in permissions.row_queryset_for_user(planner)]


def test_one_row_loads_with_everything_its_pages_show_in_one_query(
    planner, opd_a, opd_b, year, django_assert_num_queries
):
    row = make_row(opd=opd_a, fiscal_year=year, opd_pengampu=opd_b)
    with django_assert_num_queries(1):
        loaded = permissions.get_row_for_user(planner, row.pk)
        assert loaded.fiscal_year.year and loaded.opd.singkatan and loaded.opd_pengampu.singkatan
        assert loaded.sub_kegiatan.parent.parent.kode


# require(): the one way views and services refuse; acting_for(): the one table of who acts for an agency.
C = permissions.Capacity


@pytest.mark.parametrize(
    "who, own, other",
    [
        ("planner", C.PLANNER, C.PLANNER),
        ("admin_user", C.PLANNER, C.PLANNER),
        ("facilitator", C.FACILITATOR, C.FACILITATOR),
        ("opd_a_editor", C.OFFICER, None),
        ("opd_a_viewer", None, None),
    ],
)
def test_who_acts_for_an_agency(request, opd_a, opd_b, who, own, other):
    user = request.getfixturevalue(who)
    assert permissions.acting_for(user, opd_a.pk) == own
    assert permissions.acting_for(user, opd_b.pk) == other
    # No agency yet (an usulan not routed): only those who act across agencies.
    assert permissions.acting_for(user, None) == (other if own == other else None)


def test_nobody_acts_for_an_agency_when_deactivated_or_anonymous(deactivated_officer, opd_a):
    assert permissions.acting_for(deactivated_officer, opd_a.pk) is None
    assert permissions.acting_for(AnonymousUser(), opd_a.pk) is None


@pytest.mark.parametrize(
    "who, edit_a, edit_b, decide_b, propose_ab",
    [
        ("planner", True, True, True, False),
        ("facilitator", False, False, True, False),
        ("opd_a_editor", True, False, False, True),
        ("opd_a_viewer", False, False, False, False),
    ],
)
def test_the_agency_rules_follow_the_table(request, opd_a, opd_b, who, edit_a, edit_b, decide_b, propose_ab):
    user = request.getfixturevalue(who)
    assert permissions.can_edit(user, opd_a) is edit_a
    assert permissions.can_edit(user, opd_b) is edit_b
    assert permissions.can_decide_usulan(user, opd_b) is decide_b
    assert permissions.can_propose_settlement(user, {opd_a.pk, opd_b.pk}) is propose_ab
    assert permissions.can_propose_settlement(user, {opd_b.pk}) is False


def test_require_passes_when_the_rule_holds(planner, opd_a_editor, opd_a):
    assert permissions.require(planner, permissions.can_manage_years) is None
    assert permissions.require(opd_a_editor, permissions.can_edit, opd_a) is None
    assert permissions.require(opd_a_editor, permissions.has_inbox) is None


@pytest.mark.parametrize(
    "who, rule, args",
    [
        ("opd_a_editor", "can_manage_years", ()),
        ("facilitator", "can_manage_years", ()),
        ("opd_a_viewer", "can_import", ()),
        ("opd_b_editor", "can_edit", ("opd_a",)),
        ("facilitator", "can_edit", ("opd_a",)),
        ("opd_b_editor", "can_decide_usulan", ("opd_a",)),
        ("planner", "has_inbox", ()),
        ("opd_a_editor", "can_route_usulan", ()),
    ],
)
def test_require_refuses_with_403_when_the_rule_does_not_hold(request, who, rule, args):
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        permissions.require(user, getattr(permissions, rule), *(request.getfixturevalue(a) for a in args))


def test_require_refuses_anonymous_visitors(db, opd_a):
    with pytest.raises(PermissionDenied):
        permissions.require(AnonymousUser(), permissions.can_edit, opd_a)
    with pytest.raises(PermissionDenied):
        permissions.require_planner(AnonymousUser())


@pytest.mark.parametrize(
    "who, can_manage_years, has_inbox, can_use_admin",
    [
        ("planner", True, False, False),
        ("admin_user", True, False, True),
        ("facilitator", False, False, False),
        ("opd_a_editor", False, True, False),
        ("opd_a_viewer", False, True, False),
    ],
)
def test_templates_ask_the_context_processor(rf, request, who, can_manage_years, has_inbox, can_use_admin):
    http_request = rf.get("/")
    http_request.user = request.getfixturevalue(who)
    assert perms_for_user(http_request) == {
        "can_manage_years": can_manage_years,
        "can_set_ceilings": can_manage_years,  # both Bappeda's
        "has_inbox": has_inbox,
        "can_use_admin": can_use_admin,
    }
    http_request.user = AnonymousUser()
    assert perms_for_user(http_request) == {
        "can_manage_years": False,
        "can_set_ceilings": False,
        "has_inbox": False,
        "can_use_admin": False,
    }


def test_the_menu_shows_the_years_page_to_planners_and_the_inbox_to_opd_people(client, planner, opd_a_editor, year):
    years, inbox = f'href="{reverse("renja:year-list")}"', f'href="{reverse("musrenbang:inbox")}"'
    client.force_login(planner)
    page = client.get(reverse("renja:row-list")).content.decode()
    assert years in page and inbox not in page
    client.force_login(opd_a_editor)
    page = client.get(reverse("renja:row-list")).content.decode()
    assert years not in page and inbox in page
