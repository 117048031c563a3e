"""The reason constraint is generated from musrenbang/decisions.py: the same four types, in the table's order."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('musrenbang', '0006_add_inbox_mail'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='keputusan',
            name='keputusan_reason_required',
        ),
        migrations.AddConstraint(
            model_name='keputusan',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('keputusan__in', ['digabung', 'ditolak', 'dikembalikan', 'ditutup']), _negated=True), models.Q(('alasan', ''), _negated=True), _connector='OR'), name='keputusan_reason_required', violation_error_message='Alasan wajib diisi untuk keputusan ditolak, dikembalikan, digabung dan ditutup.'),
        ),
    ]
