"""The detector now reads the rincian, normalises shorthand, weighs the kind of row and holds a larger thesaurus;
the stored findings and per-row facts were computed by the old one, and a partial refresh would mix both. Every
year's next recompute is a full one, and every sync page asks for it (its findings are marked behind the plan)."""

from django.db import migrations


def recompute_everything(apps, schema_editor):
    apps.get_model("sinkronisasi", "SyncState").objects.update(full_at=None, plan_revision=None)


class Migration(migrations.Migration):
    dependencies = [
        ("sinkronisasi", "0014_homes_and_duplicates"),
    ]

    operations = [
        migrations.RunPython(recompute_everything, migrations.RunPython.noop),
    ]
