"""A pair's discussion and an officer's proposed settlement, which a planner or facilitator confirms or declines."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from renja.models import Opd, RenjaRow, User
from renja.services import audit_log

from .. import settlement
from ..models import Overlap, OverlapComment, OverlapProposal
from ..settlement import Outcome
from .settling import overlap_settle


@transaction.atomic
def overlap_comment_add(*, overlap: Overlap, by: User, text: str) -> OverlapComment:
    """Add a comment to a pair's discussion (its agencies' officers, Bappeda, facilitators); bounded in length."""
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Komentar tidak boleh kosong.")})
    if len(text) > OverlapComment.MAX_TEXT:
        raise ValidationError({"text": _("Komentar paling panjang %(n)s karakter.") % {"n": OverlapComment.MAX_TEXT}})
    comment = OverlapComment.objects.create(overlap=overlap, by=by, text=text, opd_id=by.opd_id if by.opd_id else None)
    audit_log(obj=overlap, action="overlap.commented", by=by, data={"komentar": comment.pk, "teks": text[:200]})
    return comment


def _proposal_summary(proposal: OverlapProposal) -> dict:
    return {
        "usulan": proposal.pk,
        "status": proposal.status,
        "catatan": proposal.note,
        "opd_pengampu": proposal.opd_pengampu.singkatan if proposal.opd_pengampu else None,
        "baris_dihapus": proposal.dropped_row.ref if proposal.dropped_row else None,
        "diusulkan_oleh": proposal.proposed_by.username,
        "opd": proposal.opd.singkatan,
    }


@transaction.atomic
def overlap_propose(
    *,
    overlap: Overlap,
    by: User,
    status: str,
    note: str = "",
    opd_pengampu: Opd | None = None,
    dropped_row: RenjaRow | None = None,
) -> OverlapProposal:
    """An officer of one of the pair's agencies proposes a settlement; it replaces the pair's open proposal, if any.
    Refused, as a settlement is, on a pair frozen by a signed berita acara."""
    overlap = Overlap.objects.select_for_update().select_related("row_a", "row_b").get(pk=overlap.pk)
    settlement.ensure_allowed(overlap, "propose")
    settlement.check_settlement(overlap, status=status, note=note, opd_pengampu=opd_pengampu, dropped_row=dropped_row)
    now = timezone.now()
    for old in OverlapProposal.objects.select_for_update().filter(overlap=overlap, outcome=Outcome.WAITING):
        old.outcome, old.decided_by, old.decided_at = Outcome.REPLACED, by, now
        old.save(update_fields=["outcome", "decided_by", "decided_at"])
        audit_log(obj=overlap, action="overlap.proposal_replaced", by=by, data={"usulan": old.pk})
    proposal = OverlapProposal.objects.create(
        overlap=overlap,
        status=status,
        note=note.strip(),
        opd_id=by.opd_id,
        proposed_by=by,
        opd_pengampu=opd_pengampu if status in settlement.NEEDS_LEAD else None,
        dropped_row=dropped_row if status in settlement.NEEDS_DROPPED_ROW else None,
    )
    audit_log(obj=overlap, action="overlap.proposed", by=by, data=_proposal_summary(proposal))
    return proposal


def _lock_open_proposal(proposal: OverlapProposal) -> OverlapProposal:
    # of=("self",): PostgreSQL cannot lock the nullable side of the outer joins (lead agency, row to drop).
    proposal = (
        OverlapProposal.objects.select_for_update(of=("self",))
        .select_related("overlap", "opd", "opd_pengampu", "dropped_row", "proposed_by")
        .get(pk=proposal.pk)
    )
    if proposal.outcome == Outcome.REPLACED:
        raise ValidationError(
            _("Usulan ini sudah diganti dengan usulan yang lebih baru; periksa usulan terbaru."), code="replaced"
        )
    if not proposal.is_open:
        raise ValidationError(_("Usulan ini sudah diputuskan."), code="decided")
    return proposal


@transaction.atomic
def overlap_proposal_confirm(*, proposal: OverlapProposal, by: User) -> Overlap:
    """A planner or facilitator confirms an open proposal: the pair is settled with its values (overlap_settle),
    and the proposal records who proposed and who confirmed."""
    proposal = _lock_open_proposal(proposal)
    overlap = overlap_settle(
        overlap=proposal.overlap,
        status=proposal.status,
        by=by,
        note=proposal.note,
        opd_pengampu=proposal.opd_pengampu,
        dropped_row=proposal.dropped_row,
    )
    proposal.outcome, proposal.decided_by, proposal.decided_at = (
        Outcome.CONFIRMED,
        by,
        timezone.now(),
    )
    proposal.save(update_fields=["outcome", "decided_by", "decided_at"])
    audit_log(obj=overlap, action="overlap.proposal_confirmed", by=by, data=_proposal_summary(proposal))
    return overlap


@transaction.atomic
def overlap_proposal_decline(*, proposal: OverlapProposal, by: User, reason: str) -> OverlapProposal:
    """A planner or facilitator declines an open proposal, with a reason; the pair stays as it was."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Alasan penolakan wajib diisi.")})
    proposal = _lock_open_proposal(proposal)
    proposal.outcome, proposal.reason = Outcome.DECLINED, reason[:1000]
    proposal.decided_by, proposal.decided_at = by, timezone.now()
    proposal.save(update_fields=["outcome", "reason", "decided_by", "decided_at"])
    audit_log(
        obj=proposal.overlap,
        action="overlap.proposal_declined",
        by=by,
        data={**_proposal_summary(proposal), "alasan": proposal.reason},
    )
    return proposal
