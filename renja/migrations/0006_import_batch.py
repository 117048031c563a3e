"""RenjaImport becomes ImportBatch, the one staging model of both imports (Renja rows and usulan): the table is
renamed with its rows, which are all Renja uploads (kind renja)."""

from django.db import migrations, models
import django.db.models.deletion


class Migration(migrations.Migration):
    dependencies = [
        ("renja", "0005_system_source"),
    ]

    operations = [
        migrations.RenameModel(old_name="RenjaImport", new_name="ImportBatch"),
        migrations.AlterModelOptions(
            name="importbatch",
            options={"ordering": ["-uploaded_at"], "verbose_name": "impor berkas", "verbose_name_plural": "impor berkas"},
        ),
        migrations.AddField(
            model_name="importbatch",
            name="kind",
            field=models.CharField(
                choices=[("renja", "Baris Renja"), ("usulan", "Usulan")], default="renja", max_length=10, verbose_name="jenis"
            ),
        ),
        migrations.AlterField(
            model_name="importbatch",
            name="fiscal_year",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="import_batches", to="renja.fiscalyear"
            ),
        ),
    ]
