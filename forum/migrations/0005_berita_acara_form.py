"""The berita acara to the tata naskah standard: the chair's pangkat/golongan; an attendee's agency, pangkat and NIP
(the representatives' block prints them); one number sequence per calendar year without gaps."""

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("forum", "0004_english_names"),
        ("renja", "0007_renja_document"),
    ]

    operations = [
        migrations.AddField(
            model_name="forum",
            name="pimpinan_pangkat",
            field=models.CharField(
                blank=True,
                help_text="Misalnya Pembina Utama Muda (IV/c).",
                max_length=100,
                verbose_name="pangkat/golongan pimpinan sidang",
            ),
        ),
        migrations.AddField(
            model_name="attendance",
            name="opd",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="renja.opd",
                verbose_name="OPD yang diwakili",
            ),
        ),
        migrations.AddField(
            model_name="attendance",
            name="pangkat",
            field=models.CharField(blank=True, max_length=100, verbose_name="pangkat/golongan"),
        ),
        migrations.AddField(
            model_name="attendance",
            name="nip",
            field=models.CharField(
                blank=True,
                max_length=18,
                validators=[django.core.validators.RegexValidator("^\\d{18}$", "NIP harus 18 angka.")],
                verbose_name="NIP",
            ),
        ),
        migrations.CreateModel(
            name="BeritaAcaraSequence",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("tahun", models.PositiveSmallIntegerField(unique=True, verbose_name="tahun")),
                ("last", models.PositiveIntegerField(default=0, verbose_name="nomor terakhir")),
            ],
            options={
                "verbose_name": "urutan nomor berita acara",
                "verbose_name_plural": "urutan nomor berita acara",
            },
        ),
    ]
