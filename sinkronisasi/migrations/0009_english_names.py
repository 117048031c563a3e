"""The sync view's models and fields get their English (glossary) names; every row and value is kept."""

from django.conf import settings
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("renja", "0005_system_source"),
        ("sinkronisasi", "0008_pair_comments_and_proposals"),
        # The forum's agenda points at the renamed model: it must exist before the rename (forum ▸ sinkronisasi).
        ("forum", "0002_agenda_tumpang_tindih"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # Constraints and indexes name the old fields: dropped first (SQLite rebuilds tables on a rename).
        migrations.RemoveConstraint(
            model_name="tumpangtindih",
            name="tumpangtindih_unique_pair",
        ),
        migrations.RemoveConstraint(
            model_name="tumpangtindih",
            name="tumpangtindih_ordered_pair",
        ),
        migrations.RemoveConstraint(
            model_name="tumpangtindih",
            name="tumpangtindih_score_range",
        ),
        migrations.RemoveConstraint(
            model_name="tumpangtindih",
            name="tumpangtindih_lead_named",
        ),
        migrations.RemoveConstraint(
            model_name="komentartumpang",
            name="komentartumpang_teks_not_empty",
        ),
        migrations.RemoveConstraint(
            model_name="usulanpenyelesaian",
            name="usulanpenyelesaian_one_open",
        ),
        migrations.RemoveConstraint(
            model_name="usulanpenyelesaian",
            name="usulanpenyelesaian_lead_named",
        ),
        migrations.RemoveConstraint(
            model_name="usulanpenyelesaian",
            name="usulanpenyelesaian_drop_named",
        ),
        migrations.RemoveConstraint(
            model_name="usulanpenyelesaian",
            name="usulanpenyelesaian_declined_has_reason",
        ),
        migrations.RemoveIndex(
            model_name="tumpangtindih",
            name="tumpang_year_status_skor",
        ),
        migrations.RemoveIndex(
            model_name="tumpangtindih",
            name="tumpang_year_status_group",
        ),
        migrations.RemoveIndex(
            model_name="fiturbaris",
            name="fiturbaris_year_putaran",
        ),
        migrations.RenameModel("KelompokSinonim", "SynonymGroup"),
        migrations.RenameModel("FiturBaris", "RowFeatures"),
        migrations.RenameModel("TumpangTindih", "Overlap"),
        migrations.RenameModel("KomentarTumpang", "OverlapComment"),
        migrations.RenameModel("UsulanPenyelesaian", "OverlapProposal"),
        # RowFeatures
        migrations.RenameField("rowfeatures", "istilah", "terms"),
        migrations.RenameField("rowfeatures", "jejak", "fingerprint"),
        migrations.RenameField("rowfeatures", "putaran", "revision"),
        # SyncState
        migrations.RenameField("syncstate", "putaran", "revision"),
        # Overlap
        migrations.RenameField("overlap", "baris_a", "row_a"),
        migrations.RenameField("overlap", "baris_b", "row_b"),
        migrations.RenameField("overlap", "kelompok", "agency_pair"),
        migrations.RenameField("overlap", "skor", "score"),
        migrations.RenameField("overlap", "sinyal", "signals"),
        migrations.RenameField("overlap", "baris_dihapus", "dropped_row"),
        migrations.RenameField("overlap", "catatan", "note"),
        migrations.RenameField("overlap", "diselesaikan_oleh", "settled_by"),
        migrations.RenameField("overlap", "diselesaikan_pada", "settled_at"),
        migrations.RenameField("overlap", "jejak_a", "fingerprint_a"),
        migrations.RenameField("overlap", "jejak_b", "fingerprint_b"),
        migrations.RenameField("overlap", "dibuka_ulang_pada", "reopened_at"),
        migrations.RenameField("overlap", "dibuka_ulang_oleh", "reopened_by"),
        migrations.RenameField("overlap", "ditemukan_pada", "found_at"),
        migrations.RenameField("overlap", "ditandatangani_pada", "signed_at"),
        migrations.RenameField("overlap", "berubah_setelah_ttd_pada", "changed_after_signing_at"),
        # OverlapComment
        migrations.RenameField("overlapcomment", "teks", "text"),
        # OverlapProposal
        migrations.RenameField("overlapproposal", "baris_dihapus", "dropped_row"),
        migrations.RenameField("overlapproposal", "catatan", "note"),
        migrations.RenameField("overlapproposal", "diusulkan_oleh", "proposed_by"),
        migrations.RenameField("overlapproposal", "diusulkan_pada", "proposed_at"),
        migrations.RenameField("overlapproposal", "keputusan", "outcome"),
        migrations.RenameField("overlapproposal", "diputuskan_oleh", "decided_by"),
        migrations.RenameField("overlapproposal", "diputuskan_pada", "decided_at"),
        migrations.RenameField("overlapproposal", "alasan", "reason"),
        # The constraints and indexes again, on the new names.
        migrations.AlterModelOptions(
            name="overlap",
            options={
                "ordering": ["-score", "row_a_id", "row_b_id"],
                "verbose_name": "program beririsan",
                "verbose_name_plural": "program beririsan",
            },
        ),
        migrations.AlterModelOptions(
            name="overlapproposal",
            options={
                "ordering": ["-proposed_at", "-pk"],
                "verbose_name": "usulan penyelesaian",
                "verbose_name_plural": "usulan penyelesaian",
            },
        ),
        migrations.RenameIndex(
            model_name="overlap",
            new_name="overlap_year_opd_a",
            old_name="tumpang_year_opd_a",
        ),
        migrations.RenameIndex(
            model_name="overlap",
            new_name="overlap_year_opd_b",
            old_name="tumpang_year_opd_b",
        ),
        migrations.AlterField(
            model_name="overlap",
            name="fiscal_year",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="overlaps",
                to="renja.fiscalyear",
                verbose_name="tahun",
            ),
        ),
        migrations.AlterField(
            model_name="overlapcomment",
            name="pair",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="comments",
                to="sinkronisasi.overlap",
                verbose_name="pasangan",
            ),
        ),
        migrations.AlterField(
            model_name="overlapproposal",
            name="pair",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="proposals",
                to="sinkronisasi.overlap",
                verbose_name="pasangan",
            ),
        ),
        migrations.AlterField(
            model_name="rowfeatures",
            name="renja_row",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.CASCADE,
                primary_key=True,
                related_name="features",
                serialize=False,
                to="renja.renjarow",
            ),
        ),
        migrations.AddIndex(
            model_name="overlap",
            index=models.Index(fields=["fiscal_year", "status", "-score"], name="overlap_year_status_score"),
        ),
        migrations.AddIndex(
            model_name="overlap",
            index=models.Index(
                fields=["fiscal_year", "status", "agency_pair", "-score"], name="overlap_year_status_group"
            ),
        ),
        migrations.AddIndex(
            model_name="rowfeatures",
            index=models.Index(fields=["fiscal_year", "revision"], name="rowfeatures_year_revision"),
        ),
        migrations.AddConstraint(
            model_name="overlap",
            constraint=models.UniqueConstraint(fields=("row_a", "row_b"), name="overlap_unique_pair"),
        ),
        migrations.AddConstraint(
            model_name="overlap",
            constraint=models.CheckConstraint(
                condition=models.Q(("row_a__lt", models.F("row_b"))), name="overlap_ordered_pair"
            ),
        ),
        migrations.AddConstraint(
            model_name="overlap",
            constraint=models.CheckConstraint(
                condition=models.Q(("score__gte", 0), ("score__lte", 1)), name="overlap_score_range"
            ),
        ),
        migrations.AddConstraint(
            model_name="overlap",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status", "koordinasi"), _negated=True), ("opd_pengampu__isnull", False), _connector="OR"
                ),
                name="overlap_lead_named",
                violation_error_message="Koordinasi memerlukan OPD pengampu.",
            ),
        ),
        migrations.AddConstraint(
            model_name="overlapcomment",
            constraint=models.CheckConstraint(
                condition=models.Q(("text", ""), _negated=True), name="overlapcomment_text_not_empty"
            ),
        ),
        migrations.AddConstraint(
            model_name="overlapproposal",
            constraint=models.UniqueConstraint(
                condition=models.Q(("outcome", "menunggu")), fields=("pair",), name="overlapproposal_one_open"
            ),
        ),
        migrations.AddConstraint(
            model_name="overlapproposal",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status", "koordinasi"), _negated=True), ("opd_pengampu__isnull", False), _connector="OR"
                ),
                name="overlapproposal_lead_named",
            ),
        ),
        migrations.AddConstraint(
            model_name="overlapproposal",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status", "duplikasi"), _negated=True), ("dropped_row__isnull", False), _connector="OR"
                ),
                name="overlapproposal_drop_named",
            ),
        ),
        migrations.AddConstraint(
            model_name="overlapproposal",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("outcome", "ditolak"), _negated=True),
                    models.Q(("reason", ""), _negated=True),
                    _connector="OR",
                ),
                name="overlapproposal_declined_has_reason",
            ),
        ),
    ]
