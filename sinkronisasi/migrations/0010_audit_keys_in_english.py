"""Stored audit actions of the sync view take their English keys: tumpang.* -> overlap.*, sinonim.* ->
synonym_group.* (the rest of each key, and every other column, unchanged). Reversible."""

from django.db import migrations
from django.db.models import Value
from django.db.models.functions import Concat, Substr

RENAMES = [("tumpang.", "overlap."), ("sinonim.", "synonym_group.")]


def _rename(apps, pairs):
    AuditLog = apps.get_model("renja", "AuditLog")
    for old, new in pairs:
        AuditLog.objects.filter(action__startswith=old).update(
            action=Concat(Value(new), Substr("action", len(old) + 1))
        )


def forwards(apps, schema_editor):
    _rename(apps, RENAMES)


def backwards(apps, schema_editor):
    _rename(apps, [(new, old) for old, new in RENAMES])


class Migration(migrations.Migration):
    dependencies = [
        ("renja", "0005_system_source"),
        ("sinkronisasi", "0009_english_names"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
