"""The levels of the Musrenbang cycle on the trail (desa, kecamatan, DPRD secretariat, Bappeda verification,
TAPD) with the kecamatan's rank on its step, the decision types they give (disetujui, tidak_diteruskan) and the
forum's carrying to the Musrenbang kabupaten (dibawa_kabupaten); a Pokir's dapil. Every row is kept."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("musrenbang", "0008_english_names"),
        ("renja", "0007_renja_document"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="decision",
            name="decision_reason_required",
        ),
        migrations.AddField(
            model_name="decision",
            name="prioritas",
            field=models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="peringkat di kecamatan"),
        ),
        migrations.AddField(
            model_name="usulan",
            name="dapil",
            field=models.CharField(blank=True, max_length=100, verbose_name="daerah pemilihan"),
        ),
        migrations.AlterField(
            model_name="decision",
            name="kind",
            field=models.CharField(
                choices=[
                    ("diteruskan", "Diteruskan"),
                    ("diterima", "Diterima"),
                    ("diterima_dengan_perubahan", "Diterima dengan perubahan"),
                    ("digabung", "Digabung"),
                    ("ditolak", "Ditolak"),
                    ("dikembalikan", "Dikembalikan"),
                    ("ditutup", "Ditutup, dibawa ke tahun berikutnya"),
                    ("disetujui", "Disetujui, diteruskan ke tingkat berikutnya"),
                    ("tidak_diteruskan", "Tidak diteruskan"),
                    ("dibawa_kabupaten", "Dibawa ke Musrenbang Kabupaten"),
                ],
                max_length=30,
                verbose_name="keputusan",
            ),
        ),
        migrations.AlterField(
            model_name="decision",
            name="level",
            field=models.CharField(
                choices=[
                    ("desa", "Musrenbang desa/kelurahan"),
                    ("kecamatan", "Musrenbang kecamatan"),
                    ("dprd", "Sekretariat DPRD (Pokir)"),
                    ("mitra", "Verifikasi Bappeda (mitra)"),
                    ("bappeda", "Bappeda"),
                    ("opd", "OPD"),
                    ("forum", "Forum Perangkat Daerah"),
                    ("musrenbang_kabupaten", "Musrenbang kabupaten"),
                    ("tapd", "TAPD"),
                ],
                max_length=25,
                verbose_name="tingkat",
            ),
        ),
        migrations.AlterField(
            model_name="usulan",
            name="status",
            field=models.CharField(
                choices=[
                    ("baru", "Belum diteruskan"),
                    ("diteruskan", "Diteruskan, belum diputuskan"),
                    ("diterima", "Diterima"),
                    ("diterima_dengan_perubahan", "Diterima dengan perubahan"),
                    ("digabung", "Digabung"),
                    ("ditolak", "Ditolak"),
                    ("dikembalikan", "Dikembalikan"),
                    ("ditutup", "Ditutup, dibawa ke tahun berikutnya"),
                    ("disetujui", "Disetujui musrenbang, belum diteruskan ke OPD"),
                    ("tidak_diteruskan", "Tidak diteruskan musrenbang"),
                    ("dibawa_kabupaten", "Dibawa ke Musrenbang Kabupaten"),
                ],
                default="baru",
                editable=False,
                max_length=30,
                verbose_name="status",
            ),
        ),
        migrations.AddConstraint(
            model_name="decision",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("kind__in", ["digabung", "ditolak", "dikembalikan", "ditutup", "tidak_diteruskan"]),
                        _negated=True,
                    ),
                    models.Q(("alasan", ""), _negated=True),
                    _connector="OR",
                ),
                name="decision_reason_required",
                violation_error_message=(
                    "Alasan wajib diisi untuk keputusan ditolak, dikembalikan, digabung, ditutup dan tidak diteruskan."
                ),
            ),
        ),
        migrations.AddConstraint(
            model_name="decision",
            constraint=models.CheckConstraint(
                condition=models.Q(("prioritas__isnull", True), ("level", "kecamatan"), _connector="OR"),
                name="decision_rank_at_kecamatan",
            ),
        ),
    ]
