"""The forum's agenda of overlapping programs: the field takes the glossary name `overlaps` (rows kept)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("forum", "0002_agenda_tumpang_tindih"),
        ("sinkronisasi", "0009_english_names"),
    ]

    operations = [
        migrations.RenameField("forum", "tumpang_tindih", "overlaps"),
        migrations.AlterField(
            model_name="forum",
            name="overlaps",
            field=models.ManyToManyField(
                blank=True, related_name="forums", to="sinkronisasi.overlap", verbose_name="program beririsan di agenda"
            ),
        ),
    ]
