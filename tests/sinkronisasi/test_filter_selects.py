"""The sync pages' and the routing form's agency and kecamatan lists are drawn once per process (ReferenceSelect)
and show exactly what Django's own Select shows, selected value included."""

import pytest

from core.form_renderer import ReferenceSelect
from musrenbang.forms import RouteForm
from sinkronisasi.forms import OrphanFilterForm, OverlapFilterForm

from ..factories import make_opd, make_wilayah
from ..renja.test_list_speed import plain_html


@pytest.fixture
def places(db):
    make_wilayah("64.02.01", "Muara Muntai")
    make_wilayah()


@pytest.mark.parametrize("data", [None, {"opd": "DP3A", "kecamatan": "64.02.01"}])
def test_sync_filter_lists_draw_what_django_draws(places, opd_a, opd_b, data):
    for form_class, names in ((OverlapFilterForm, ["opd"]), (OrphanFilterForm, ["opd", "kecamatan"])):
        for name in names:
            form = form_class(data)
            form.is_valid()
            assert isinstance(form.fields[name].widget, ReferenceSelect), (form_class, name)
            assert str(form[name]) == plain_html(form[name]), (form_class, name)
    if data:
        form = OrphanFilterForm(data)
        assert '<option value="DP3A" selected>DP3A</option>' in str(form["opd"])
        assert '<option value="64.02.01" selected>Kec. Muara Muntai</option>' in str(form["kecamatan"])


def test_route_form_list_follows_a_new_agency(opd_a):
    form = RouteForm()
    assert isinstance(form.fields["opd"].widget, ReferenceSelect)
    assert str(form["opd"]) == plain_html(form["opd"])
    make_opd("Bappeda")
    assert ">Bappeda<" in str(RouteForm()["opd"])


def test_an_officer_sees_no_agency_list(opd_a):
    assert "opd" not in OverlapFilterForm(scope_opd=opd_a.pk).fields
    assert "opd" not in OrphanFilterForm(scope_opd=opd_a.pk).fields
