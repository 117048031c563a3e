"""Every installation starts with the default synonym groups (planners edit them in the app)."""
from django.db import migrations


def seed(apps, schema_editor):
    from sinkronisasi.builtin_synonyms import DEFAULT_SYNONYMS

    KelompokSinonim = apps.get_model("sinkronisasi", "KelompokSinonim")
    have = {n.lower() for n in KelompokSinonim.objects.values_list("nama", flat=True)}
    KelompokSinonim.objects.bulk_create(
        KelompokSinonim(nama=label, frasa=", ".join(phrases)) for label, phrases in DEFAULT_SYNONYMS if label.lower() not in have
    )


class Migration(migrations.Migration):
    dependencies = [("sinkronisasi", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
