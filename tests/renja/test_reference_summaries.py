"""Reference data the lists' cached summaries name or group by (agency names and kode unit, place names, the
nomenclature) counts the summaries afresh when it changes; the plan revision (the sync view's) stays."""

import shutil

from renja import services
from renja.models import FiscalYear
from renja.services.agencies import opd_profile_fingerprint, opd_profile_update


def _counters(year):
    return FiscalYear.objects.values_list("revision", "rows_revision", "usulan_revision").get(pk=year.pk)


def test_renaming_an_agency_counts_the_summaries_afresh(year, opd_a, planner):
    before = _counters(year)
    opd_profile_update(opd=opd_a, data={"nama": "Dinas Baru"}, fingerprint=opd_profile_fingerprint(opd_a), by=planner)
    after = _counters(year)
    assert after[0] == before[0] and after[1] == before[1] + 1 and after[2] == before[2] + 1


def test_a_head_of_agency_change_leaves_the_summaries(year, opd_a, planner):
    before = _counters(year)
    opd_profile_update(opd=opd_a, data={"kepala_nama": "Drs. Baru"}, by=planner)
    assert _counters(year) == before


def test_a_reference_file_that_changes_a_name_counts_the_summaries_afresh(db, tmp_path):
    services.reference_load()
    year = FiscalYear.objects.create(year=2026)
    services.reference_load()  # nothing changed: nothing counted again
    assert _counters(year) == (0, 0, 0)
    directory = tmp_path / "ref"
    shutil.copytree(services.REFERENCE_DIR, directory)
    path = directory / "wilayah_kukar.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace("64.02.01.2001,Perian,", "64.02.01.2001,Perian Baru,"),
        encoding="utf-8",
    )
    services.reference_load(directory=directory)
    assert _counters(year) == (0, 1, 1)


def test_an_admin_edit_of_an_agency_counts_the_summaries_afresh(year, opd_a, admin_user):
    from django.contrib import admin
    from django.forms import modelform_factory
    from django.test import RequestFactory

    from renja.models import Opd

    before = _counters(year)
    form = modelform_factory(Opd, fields=["singkatan"])({"singkatan": "DB"}, instance=opd_a)
    assert form.is_valid()
    request = RequestFactory().post("/admin/")
    request.user = admin_user
    admin.site._registry[Opd].save_model(request, form.save(commit=False), form, change=True)
    after = _counters(year)
    assert after[0] == before[0] and after[1:] == (before[1] + 1, before[2] + 1)
