"""SyncState remembers the plan revision its findings and counts reflect, and keeps those counts."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("sinkronisasi", "0012_audit_key_overlap_settled"),
    ]

    operations = [
        migrations.AddField(
            model_name="syncstate",
            name="counts",
            field=models.JSONField(default=dict),
        ),
        migrations.AddField(
            model_name="syncstate",
            name="plan_revision",
            field=models.PositiveBigIntegerField(blank=True, null=True),
        ),
    ]
