"""Settling a flagged pair by hand, reopening it, and freezing or releasing it for a forum (settlement.py holds the
rules).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from renja.models import Opd, RenjaRow, User
from renja.services import audit_log

from .. import settlement
from ..models import Overlap, RowFeatures
from ..settlement import Status


@transaction.atomic
def overlap_settle(
    *,
    pair: Overlap,
    status: str,
    by: User,
    note: str = "",
    opd_pengampu: Opd | None = None,
    dropped_row: RenjaRow | None = None,
) -> Overlap:
    """Settle a flagged pair: complementary, coordination under a lead agency, or duplication (a row to drop)."""
    pair = Overlap.objects.select_for_update().select_related("row_a", "row_b").get(pk=pair.pk)
    settlement.ensure_allowed(pair, "settle")
    settlement.check_settlement(pair, status=status, note=note, opd_pengampu=opd_pengampu, dropped_row=dropped_row)
    features = {
        f.renja_row_id: f.fingerprint for f in RowFeatures.objects.filter(pk__in=[pair.row_a_id, pair.row_b_id])
    }
    old = {"status": pair.status, "catatan": pair.note}
    pair.status, pair.note = status, note.strip()
    pair.opd_pengampu = opd_pengampu if status in settlement.NEEDS_LEAD else None
    pair.dropped_row = dropped_row if status in settlement.NEEDS_DROPPED_ROW else None
    pair.settled_by, pair.settled_at = by, timezone.now()
    pair.fingerprint_a, pair.fingerprint_b = features.get(pair.row_a_id, ""), features.get(pair.row_b_id, "")
    pair.reopened_at, pair.reopened_by = None, None
    pair.save()
    audit_log(
        obj=pair,
        action="overlap.settled",
        by=by,
        changes={"status": [old["status"], status], "catatan": [old["catatan"], pair.note]},
        data={
            "opd_pengampu": opd_pengampu.singkatan if pair.opd_pengampu else None,
            "baris_dihapus": dropped_row.ref if pair.dropped_row else None,
        },
    )
    return pair


@transaction.atomic
def overlap_reopen(*, pair: Overlap, by: User, note: str = "") -> Overlap:
    """Undo a settlement by hand (the pair shows as open again)."""
    pair = Overlap.objects.select_for_update().get(pk=pair.pk)
    settlement.ensure_allowed(pair, "reopen")
    old = pair.status
    pair.status, pair.opd_pengampu, pair.dropped_row = Status.OPEN, None, None
    pair.reopened_at, pair.reopened_by = timezone.now(), by
    pair.save(update_fields=["status", "opd_pengampu", "dropped_row", "reopened_at", "reopened_by"])
    audit_log(
        obj=pair, action="overlap.reopened", by=by, changes={"status": [old, pair.status]}, data={"catatan": note}
    )
    return pair


@transaction.atomic
def overlap_sign(*, pairs: list[Overlap], nomor: str, forum: str, by: User) -> None:
    """Freeze the settlements a berita acara just signed (forum services call this when a forum is signed)."""
    now = timezone.now()
    for pair in Overlap.objects.select_for_update().filter(pk__in=[p.pk for p in pairs]).order_by("pk"):
        pair.signed_at, pair.berita_acara_nomor, pair.berita_acara_forum = now, nomor, forum[:300]
        pair.changed_after_signing_at = None
        pair.save(
            update_fields=[
                "signed_at",
                "berita_acara_nomor",
                "berita_acara_forum",
                "changed_after_signing_at",
            ]
        )
        audit_log(obj=pair, action="overlap.signed", by=by, data={"berita_acara": nomor, "status": pair.status})


@transaction.atomic
def overlap_release_for_forum(*, pair: Overlap, forum: str, by: User) -> None:
    """A pair settled in a signed berita acara goes on a later forum's agenda: that forum may settle it again."""
    pair = Overlap.objects.select_for_update().get(pk=pair.pk)
    if not pair.is_signed:
        return
    pair.signed_at = None
    pair.save(update_fields=["signed_at"])
    audit_log(
        obj=pair,
        action="overlap.taken_to_forum",
        by=by,
        data={"berita_acara_sebelumnya": pair.berita_acara_nomor, "forum": forum},
    )
