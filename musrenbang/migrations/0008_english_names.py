"""The trail's models get their English (glossary) names: Keputusan → Decision (its field keputusan → kind) and
Pengambilan → Pickup (its field keputusan → decision), with English related names. Every row and value is kept; the
decision types stored (diterima, ditolak, ...) are data and do not change."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("renja", "0005_system_source"),
        ("musrenbang", "0007_decision_reason_from_table"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # Constraints and indexes name the old models and fields: dropped first (SQLite rebuilds tables on a rename).
        migrations.RemoveConstraint(model_name="keputusan", name="keputusan_reason_required"),
        migrations.RemoveConstraint(model_name="keputusan", name="keputusan_merge_has_target"),
        migrations.RemoveConstraint(model_name="pengambilan", name="pengambilan_unique_active_row"),
        migrations.RemoveConstraint(model_name="pengambilan", name="pengambilan_anggaran_not_negative"),
        migrations.RemoveIndex(model_name="keputusan", name="keputusan_usulan_at"),
        migrations.RenameModel("Keputusan", "Decision"),
        migrations.RenameModel("Pengambilan", "Pickup"),
        migrations.RenameField("decision", "keputusan", "kind"),
        migrations.RenameField("pickup", "keputusan", "decision"),
        # English related names (no change in the database).
        migrations.AlterField(
            model_name="decision",
            name="usulan",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="decisions", to="musrenbang.usulan"
            ),
        ),
        migrations.AlterField(
            model_name="decision",
            name="digabung_ke_usulan",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="merged_in",
                to="musrenbang.usulan",
                verbose_name="digabung ke usulan",
            ),
        ),
        migrations.AlterField(
            model_name="pickup",
            name="usulan",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="pickups", to="musrenbang.usulan"
            ),
        ),
        migrations.AlterField(
            model_name="pickup",
            name="renja_row",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="pickups",
                to="renja.renjarow",
                verbose_name="baris Renja",
            ),
        ),
        migrations.AlterField(
            model_name="pickup",
            name="decision",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="pickups", to="musrenbang.decision"
            ),
        ),
        migrations.AlterField(
            model_name="pickup",
            name="dibatalkan_oleh",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="cancelled_pickups",
                to="musrenbang.decision",
            ),
        ),
        # The constraints and index again, on the new names.
        migrations.AddIndex(
            model_name="decision",
            index=models.Index(fields=["usulan", "at"], name="decision_usulan_at"),
        ),
        migrations.AddConstraint(
            model_name="decision",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("kind__in", ["digabung", "ditolak", "dikembalikan", "ditutup"]), _negated=True),
                    models.Q(("alasan", ""), _negated=True),
                    _connector="OR",
                ),
                name="decision_reason_required",
                violation_error_message=(
                    "Alasan wajib diisi untuk keputusan ditolak, dikembalikan, digabung dan ditutup."
                ),
            ),
        ),
        migrations.AddConstraint(
            model_name="decision",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("kind", "digabung"), _negated=True),
                    ("digabung_ke_usulan__isnull", False),
                    ("digabung_ke_renja__isnull", False),
                    _connector="OR",
                ),
                name="decision_merge_has_target",
            ),
        ),
        migrations.AddConstraint(
            model_name="pickup",
            constraint=models.UniqueConstraint(
                condition=models.Q(("dibatalkan_oleh__isnull", True)),
                fields=("usulan", "renja_row"),
                name="pickup_unique_active_row",
            ),
        ),
        migrations.AddConstraint(
            model_name="pickup",
            constraint=models.CheckConstraint(
                condition=models.Q(("anggaran__gte", 0)), name="pickup_anggaran_not_negative"
            ),
        ),
    ]
