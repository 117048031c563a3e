"""The data migration that gave the sync view's stored audit actions their English keys, both ways."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType

from renja.models import AuditLog
from sinkronisasi.models import SynonymGroup

migration = importlib.import_module("sinkronisasi.migrations.0010_audit_keys_in_english")
settled = importlib.import_module("sinkronisasi.migrations.0012_audit_key_overlap_settled")


@pytest.mark.django_db
def test_stored_keys_are_renamed_forwards_and_back():
    kind = ContentType.objects.get_for_model(SynonymGroup)
    stored = ["tumpang.resolved", "tumpang.changed_after_signing", "sinonim.created", "forum.signed", "tumpangx.y"]
    for action in stored:
        AuditLog.objects.create(content_type=kind, object_id="1", object_repr="x", action=action)

    migration.forwards(apps, None)
    settled.forwards(apps, None)
    assert sorted(AuditLog.objects.values_list("action", flat=True)) == sorted(
        ["overlap.settled", "overlap.changed_after_signing", "synonym_group.created", "forum.signed", "tumpangx.y"]
    )
    settled.backwards(apps, None)
    migration.backwards(apps, None)
    assert sorted(AuditLog.objects.values_list("action", flat=True)) == sorted(stored)
