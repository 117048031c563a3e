"""Settling a flagged pair by hand, reopening it, and freezing or releasing it for a forum (settlement.py holds the
rules).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from renja.models import Opd, RenjaRow, User
from renja.services import audit_log
from renja.services.revision import plan_changed

from .. import settlement
from ..models import Overlap, RowFeatures
from ..settlement import Status


@transaction.atomic
def overlap_settle(
    *,
    overlap: Overlap,
    status: str,
    by: User,
    note: str = "",
    opd_pengampu: Opd | None = None,
    dropped_row: RenjaRow | None = None,
) -> Overlap:
    """Settle a flagged pair: complementary, coordination under a lead agency, or duplication (a row to drop)."""
    plan_changed(overlap.fiscal_year_id)  # the counts per state change; the year before the pair, as writers lock
    overlap = Overlap.objects.select_for_update().select_related("row_a", "row_b").get(pk=overlap.pk)
    settlement.ensure_allowed(overlap, "settle")
    settlement.check_settlement(overlap, status=status, note=note, opd_pengampu=opd_pengampu, dropped_row=dropped_row)
    features = {
        f.renja_row_id: f.fingerprint for f in RowFeatures.objects.filter(pk__in=[overlap.row_a_id, overlap.row_b_id])
    }
    old = {"status": overlap.status, "catatan": overlap.note}
    overlap.status, overlap.note = status, note.strip()
    overlap.opd_pengampu = opd_pengampu if status in settlement.NEEDS_LEAD else None
    overlap.dropped_row = dropped_row if status in settlement.NEEDS_DROPPED_ROW else None
    overlap.settled_by, overlap.settled_at = by, timezone.now()
    overlap.fingerprint_a, overlap.fingerprint_b = (
        features.get(overlap.row_a_id, ""),
        features.get(overlap.row_b_id, ""),
    )
    overlap.reopened_at, overlap.reopened_by = None, None
    overlap.save()
    audit_log(
        obj=overlap,
        action="overlap.settled",
        by=by,
        changes={"status": [old["status"], status], "catatan": [old["catatan"], overlap.note]},
        data={
            "opd_pengampu": opd_pengampu.singkatan if overlap.opd_pengampu else None,
            "baris_dihapus": dropped_row.ref if overlap.dropped_row else None,
        },
    )
    return overlap


@transaction.atomic
def overlap_reopen(*, overlap: Overlap, by: User, note: str = "") -> Overlap:
    """Undo a settlement by hand (the pair shows as open again)."""
    plan_changed(overlap.fiscal_year_id)
    overlap = Overlap.objects.select_for_update().get(pk=overlap.pk)
    settlement.ensure_allowed(overlap, "reopen")
    old = overlap.status
    overlap.status, overlap.opd_pengampu, overlap.dropped_row = Status.OPEN, None, None
    overlap.reopened_at, overlap.reopened_by = timezone.now(), by
    overlap.save(update_fields=["status", "opd_pengampu", "dropped_row", "reopened_at", "reopened_by"])
    audit_log(
        obj=overlap, action="overlap.reopened", by=by, changes={"status": [old, overlap.status]}, data={"catatan": note}
    )
    return overlap


@transaction.atomic
def overlap_sign(*, pairs: list[Overlap], nomor: str, forum: str, by: User) -> None:
    """Freeze the settlements a berita acara just signed (forum services call this when a forum is signed)."""
    now = timezone.now()
    for overlap in Overlap.objects.select_for_update().filter(pk__in=[p.pk for p in pairs]).order_by("pk"):
        overlap.signed_at, overlap.berita_acara_nomor, overlap.berita_acara_forum = now, nomor, forum[:300]
        overlap.changed_after_signing_at = None
        overlap.save(
            update_fields=[
                "signed_at",
                "berita_acara_nomor",
                "berita_acara_forum",
                "changed_after_signing_at",
            ]
        )
        audit_log(obj=overlap, action="overlap.signed", by=by, data={"berita_acara": nomor, "status": overlap.status})


@transaction.atomic
def overlap_release_for_forum(*, overlap: Overlap, forum: str, by: User) -> None:
    """A pair settled in a signed berita acara goes on a later forum's agenda: that forum may settle it again."""
    overlap = Overlap.objects.select_for_update().get(pk=overlap.pk)
    if not overlap.is_signed:
        return
    overlap.signed_at = None
    overlap.save(update_fields=["signed_at"])
    audit_log(
        obj=overlap,
        action="overlap.taken_to_forum",
        by=by,
        data={"berita_acara_sebelumnya": overlap.berita_acara_nomor, "forum": forum},
    )
