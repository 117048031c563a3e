"""Saving a year in the admin writes only what its form changed: never the revision counters as that request read
them (a write committed meanwhile would be wound back, and caches keyed on the counters would answer stale)."""

from django.contrib import admin
from django.forms import modelform_factory
from django.test import RequestFactory

from renja.models import FiscalYear
from renja.services.revision import plan_changed


def test_an_admin_save_does_not_wind_back_the_revision_counters(year, admin_user):
    stale = FiscalYear.objects.get(pk=year.pk)  # what the admin page read
    plan_changed(year.pk)  # an officer's edit commits meanwhile
    after_edit = FiscalYear.objects.values_list("revision", "rows_revision", "usulan_revision").get(pk=year.pk)
    model_admin = admin.site._registry[FiscalYear]
    form = modelform_factory(FiscalYear, fields=["year"])({"year": 2026}, instance=stale)
    assert form.is_valid()
    request = RequestFactory().post("/admin/")
    request.user = admin_user
    model_admin.save_model(request, form.save(commit=False), form, change=True)
    assert FiscalYear.objects.values_list("revision", "rows_revision", "usulan_revision").get(pk=year.pk) == after_edit
    assert after_edit[0] > stale.revision
