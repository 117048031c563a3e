"""A settled pair's audit action says so in the glossary's word: overlap.resolved -> overlap.settled. Reversible."""

from django.db import migrations


def _rename(apps, old, new):
    apps.get_model("renja", "AuditLog").objects.filter(action=old).update(action=new)


def forwards(apps, schema_editor):
    _rename(apps, "overlap.resolved", "overlap.settled")


def backwards(apps, schema_editor):
    _rename(apps, "overlap.settled", "overlap.resolved")


class Migration(migrations.Migration):
    dependencies = [
        ("renja", "0005_system_source"),
        ("sinkronisasi", "0011_comment_and_proposal_overlap"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
