"""Every save or delete of the reference data that forms list in drop-downs gives a new reference token
(core.reference), so that no process keeps drawing an option list from before the change. Bulk writes, which send
no signal (the reference loader), call `summaries_changed_everywhere`, which does the same."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from core import reference

from .models import FiscalYear, KelompokSasaran, Nomenklatur, Opd, Wilayah

LISTED = (Opd, Wilayah, Nomenklatur, FiscalYear, KelompokSasaran)


def reference_saved(sender, **kwargs) -> None:
    reference.changed()  # also for loaddata (raw): a fixture's rows are drawn afresh too


def connect() -> None:
    for model in LISTED:
        post_save.connect(reference_saved, sender=model, dispatch_uid=f"renja.reference.saved.{model.__name__}")
        post_delete.connect(reference_saved, sender=model, dispatch_uid=f"renja.reference.deleted.{model.__name__}")
