"""A comment's and a proposed settlement's link to their pair is named `overlap`, as the model it points to."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("sinkronisasi", "0010_audit_keys_in_english"),
    ]

    operations = [
        # The constraint names the field: dropped first (SQLite rebuilds the table on a rename), then made again.
        migrations.RemoveConstraint(model_name="overlapproposal", name="overlapproposal_one_open"),
        migrations.RenameField("overlapcomment", "pair", "overlap"),
        migrations.RenameField("overlapproposal", "pair", "overlap"),
        migrations.AddConstraint(
            model_name="overlapproposal",
            constraint=models.UniqueConstraint(
                condition=models.Q(("outcome", "menunggu")), fields=("overlap",), name="overlapproposal_one_open"
            ),
        ),
    ]
