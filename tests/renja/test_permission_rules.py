"""renja/permissions.py called directly: the edge people the URL matrix does not meet (a deactivated officer, an
OPD role with no agency, a planner who also has an agency, a reader of one agency) and the queries a row costs.

Written to kill the mutants `make mutate` found surviving in the module (an `and` turned `or`, `is None` turned
`is not None`, a dropped select_related, ...)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from renja import permissions
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
