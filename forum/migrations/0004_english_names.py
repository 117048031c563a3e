"""Forum models and fields in English (glossary): Kehadiran -> Attendance, Kesepakatan -> Clause, and their
non-official fields; rows kept (renames only). The signed berita acara snapshots are JSON and keep their own keys."""

from django.db import migrations, models
import django.db.models.deletion


class Migration(migrations.Migration):
    dependencies = [
        ("forum", "0003_agenda_overlaps"),
    ]

    operations = [
        migrations.RenameModel("Kehadiran", "Attendance"),
        migrations.RenameModel("Kesepakatan", "Clause"),
        migrations.RenameField("attendance", "wakil", "signs_as_representative"),
        migrations.RenameField("attendance", "hadir_pada", "checked_in_at"),
        migrations.RenameField("attendance", "urutan", "position"),
        migrations.RemoveConstraint("clause", "kesepakatan_unique_order"),
        migrations.RenameField("clause", "urutan", "position"),
        migrations.RenameField("clause", "teks", "text"),
        migrations.RenameField("forum", "koreksi_dari", "corrects"),
        migrations.AlterModelOptions(
            name="attendance",
            options={"ordering": ["position", "id"], "verbose_name": "kehadiran", "verbose_name_plural": "daftar hadir"},
        ),
        migrations.AlterModelOptions(
            name="clause",
            options={"ordering": ["position"], "verbose_name": "kesepakatan", "verbose_name_plural": "kesepakatan"},
        ),
        migrations.AddConstraint(
            model_name="clause",
            constraint=models.UniqueConstraint(fields=("forum", "position"), name="clause_unique_position"),
        ),
        migrations.AlterField(
            model_name="attendance",
            name="forum",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="attendance", to="forum.forum"
            ),
        ),
        migrations.AlterField(
            model_name="attendance",
            name="position",
            field=models.PositiveIntegerField(default=0, verbose_name="urutan"),
        ),
        migrations.AlterField(
            model_name="clause",
            name="forum",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="clauses", to="forum.forum"
            ),
        ),
        migrations.AlterField(
            model_name="forum",
            name="corrects",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="correction",
                to="forum.forum",
                verbose_name="koreksi dari",
            ),
        ),
    ]
