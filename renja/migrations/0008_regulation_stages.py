"""The stages of a Renja year as the regulation names them.

Forward, each old stage becomes the regulation's stage it stood for: renja → rancangan_awal, musrenbang_kecamatan →
rancangan, forum → forum, musrenbang_kabupaten → rancangan_akhir, renja_final → penetapan (windows and snapshots,
dates and locks kept). Backward, the same in reverse; verifikasi had no old stage: a year's verifikasi window (or
snapshot) becomes renja_final when the year has no penetapan one, and is deleted otherwise (penetapan takes that
place). No row of the plan depends on a window, so nothing else is lost.

Before, only the renja window governed writing rows; now writing is refused once rancangan awal, rancangan and
rancangan akhir are all locked. So a year whose renja window was locked gets its rancangan and rancangan akhir
windows (the old Musrenbang windows, which governed nothing) locked too: no edit closed before is opened again."""

from django.db import migrations, models

FORWARD = {
    "renja": "rancangan_awal",
    "musrenbang_kecamatan": "rancangan",
    "forum": "forum",
    "musrenbang_kabupaten": "rancangan_akhir",
    "renja_final": "penetapan",
}
BACKWARD = {new: old for old, new in FORWARD.items()}

NEW_CHOICES = [
    ("rancangan_awal", "Rancangan Awal Renja"),
    ("rancangan", "Rancangan Renja"),
    ("forum", "Forum Perangkat Daerah"),
    ("rancangan_akhir", "Rancangan Akhir Renja"),
    ("verifikasi", "Verifikasi"),
    ("penetapan", "Penetapan Renja"),
]
MODELS = ("StageWindow", "StageSnapshot")


def _rename(model, mapping):
    # The mapping is one to one and its values (but forum, mapped to itself) are not its keys: no unique clash.
    for old, new in mapping.items():
        if old != new:
            model.objects.filter(stage=old).update(stage=new)


def stages_forward(apps, schema_editor):
    window = apps.get_model("renja", "StageWindow")
    closed = list(window.objects.filter(stage="renja", is_locked=True).values_list("fiscal_year_id", flat=True))
    for name in MODELS:
        _rename(apps.get_model("renja", name), FORWARD)
    window.objects.filter(fiscal_year_id__in=closed, stage__in=["rancangan", "rancangan_akhir"]).update(is_locked=True)


def stages_backward(apps, schema_editor):
    for name in MODELS:
        model = apps.get_model("renja", name)
        with_penetapan = model.objects.filter(stage="penetapan").values("fiscal_year_id")
        model.objects.filter(stage="verifikasi", fiscal_year_id__in=with_penetapan).delete()
        _rename(model, BACKWARD)
        model.objects.filter(stage="verifikasi").update(stage="renja_final")


class Migration(migrations.Migration):
    dependencies = [
        ("renja", "0007_renja_document"),
    ]

    operations = [
        migrations.RunPython(stages_forward, stages_backward),
        migrations.AlterField(
            model_name="stagewindow",
            name="stage",
            field=models.CharField(choices=NEW_CHOICES, max_length=30, verbose_name="tahap"),
        ),
        migrations.AlterField(
            model_name="stagesnapshot",
            name="stage",
            field=models.CharField(choices=NEW_CHOICES, max_length=30, verbose_name="tahap"),
        ),
    ]
