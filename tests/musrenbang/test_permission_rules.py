"""musrenbang/permissions.py, rule by rule: who reads which usulan, who may write one, which bulk actions each
person may take, and the level a decision is recorded at. Each assertion names the person and the outcome, so that
a rule loosened or tightened anywhere fails here first (the module was mutation-tested against these tests)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from musrenbang import permissions
from musrenbang.models import Decision
from renja.models import Nomenklatur
from tests.factories import make_nomenklatur, make_usulan, make_wilayah

pytestmark = pytest.mark.django_db


@pytest.fixture
def usulan_a(year, opd_a):
    make_nomenklatur()
    desa = make_wilayah("64.02.06.2001", "Bukit Biru", "desa", parent=make_wilayah())
    bidang = Nomenklatur.objects.get(kode="1.06")
    return make_usulan(fiscal_year=year, opd_tujuan=opd_a, desa=desa, id_usulan="U-A", bidang_urusan=bidang)


@pytest.fixture
def usulan_b(year, opd_b):
    return make_usulan(fiscal_year=year, opd_tujuan=opd_b, id_usulan="U-B")


@pytest.fixture
def unrouted(year):
    return make_usulan(fiscal_year=year, id_usulan="U-0")


def ids(queryset) -> set[str]:
    return set(queryset.values_list("id_usulan", flat=True))


def test_planners_and_facilitators_read_every_usulan_routed_or_not(
    usulan_a, usulan_b, unrouted, planner, facilitator, admin_user
):
    for user in (planner, facilitator, admin_user):
        assert ids(permissions.usulan_for_user(user)) == {"U-A", "U-B", "U-0"}, user


def test_agency_people_read_only_the_usulan_routed_to_their_agency(
    usulan_a, usulan_b, unrouted, opd_a_editor, opd_a_viewer, opd_b_editor
):
    assert ids(permissions.usulan_for_user(opd_a_editor)) == {"U-A"}
    assert ids(permissions.usulan_for_user(opd_a_viewer)) == {"U-A"}
    assert ids(permissions.usulan_for_user(opd_b_editor)) == {"U-B"}


def test_anonymous_and_deactivated_users_read_none(usulan_a, usulan_b, unrouted, opd_a_editor, planner):
    assert ids(permissions.usulan_for_user(AnonymousUser())) == set()
    opd_a_editor.is_active = False
    planner.is_active = False
    assert ids(permissions.usulan_for_user(opd_a_editor)) == set()
    assert ids(permissions.usulan_for_user(planner)) == set()


def test_the_usulan_read_comes_with_its_year_place_agency_and_bidang_in_one_query(
    usulan_a, planner, django_assert_num_queries
):
    with django_assert_num_queries(1):
        usulan = permissions.usulan_for_user(planner).get(pk=usulan_a.pk)
        assert (usulan.fiscal_year.year, usulan.desa.parent.nama) == (2026, "Tenggarong")
        assert (usulan.opd_tujuan.singkatan, usulan.bidang_urusan.kode) == ("Dinsos", "1.06")


def test_another_agencys_usulan_is_not_found_for_reading_or_writing(usulan_a, usulan_b, opd_a_editor):
    assert permissions.get_usulan_for_user(opd_a_editor, usulan_a.pk) == usulan_a
    for write in (False, True):
        with pytest.raises(Http404):
            permissions.get_usulan_for_user(opd_a_editor, usulan_b.pk, write=write)


def test_writing_needs_the_right_to_decide_for_the_usulans_agency(usulan_a, opd_a_viewer, opd_a_editor, facilitator):
    assert permissions.get_usulan_for_user(opd_a_viewer, usulan_a.pk) == usulan_a  # reading is the default
    with pytest.raises(PermissionDenied):
        permissions.get_usulan_for_user(opd_a_viewer, usulan_a.pk, write=True)
    assert permissions.get_usulan_for_user(opd_a_editor, usulan_a.pk, write=True) == usulan_a
    assert permissions.get_usulan_for_user(facilitator, usulan_a.pk, write=True) == usulan_a


def test_an_unrouted_usulan_is_written_by_nobody_until_routed(unrouted, planner):
    assert permissions.get_usulan_for_user(planner, unrouted.pk) == unrouted
    with pytest.raises(PermissionDenied):
        permissions.get_usulan_for_user(planner, unrouted.pk, write=True)


def test_routing_and_closing_in_bulk_are_bappedas_alone(usulan_a, planner, facilitator, opd_a_editor):
    assert (permissions.BULK_ROUTE, permissions.BULK_CLOSE) == ("teruskan", "tutup")  # the form's values
    for action in ("teruskan", "tutup"):
        permissions.require_bulk_action(planner, action, [usulan_a])
        for user in (facilitator, opd_a_editor):  # each may decide on usulan_a, but not route or close it
            with pytest.raises(PermissionDenied):
                permissions.require_bulk_action(user, action, [usulan_a])


def test_a_bulk_decision_needs_the_right_for_every_chosen_usulans_agency(
    usulan_a, usulan_b, opd_a_editor, opd_a_viewer, facilitator
):
    permissions.require_bulk_action(opd_a_editor, "terima", [usulan_a])
    permissions.require_bulk_action(facilitator, "terima", [usulan_a, usulan_b])
    for chosen in ([usulan_b], [usulan_a, usulan_b], [usulan_b, usulan_a]):
        with pytest.raises(PermissionDenied):
            permissions.require_bulk_action(opd_a_editor, "terima", chosen)
    with pytest.raises(PermissionDenied):
        permissions.require_bulk_action(opd_a_viewer, "tolak", [usulan_a])


def test_agency_people_and_bappeda_decide_at_the_level_chosen_by_default_the_agencys(
    opd_a, opd_b, planner, opd_a_editor
):
    assert permissions.decision_level(opd_a_editor, [opd_a]) == Decision.Level.OPD == "opd"
    assert permissions.decision_level(opd_a_editor, [opd_a], "kecamatan") == "kecamatan"
    assert permissions.decision_level(planner, [opd_a, opd_b]) == "opd"
    assert permissions.decision_level(planner, [opd_a, opd_b], "bappeda") == "bappeda"
    assert permissions.decision_level(planner, [None]) == "opd"  # an unrouted usulan: Bappeda acts for any agency


def test_a_facilitator_or_an_officer_beyond_their_agency_decides_as_the_forum(
    opd_a, opd_b, facilitator, opd_a_editor, opd_a_viewer
):
    assert permissions.decision_level(facilitator, [opd_a], "kecamatan") == Decision.Level.FORUM == "forum"
    assert permissions.decision_level(opd_a_editor, [opd_a, opd_b], "kecamatan") == "forum"
    assert permissions.decision_level(opd_a_editor, [opd_b, opd_a]) == "forum"
    assert permissions.decision_level(opd_a_editor, [None]) == "forum"
    assert permissions.decision_level(opd_a_viewer, [opd_a]) == "forum"
