"""One staging mechanism for every upload (Renja rows, usulan): the file is kept in the database (ImportBatch) while
its preview is shown, and confirmed once, by the user who uploaded it, while the preview is fresh. The file is checked
again at confirmation: the data may have changed since the preview."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable
from typing import Any, Protocol

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.importing import ImportIssue, ImportRejected

from ..models import FiscalYear, ImportBatch, User

# A preview older than this is stale: confirming it is refused and its file is dropped at the next upload.
PREVIEW_MAX_AGE = datetime.timedelta(hours=24)


class Plan(Protocol):
    def summary(self) -> dict[str, int]: ...


def import_batch_stage(
    *,
    kind: str,
    content: bytes,
    filename: str,
    fiscal_year: FiscalYear,
    by: User,
    check: Callable[[], Plan],
) -> tuple[ImportBatch, Any, list[ImportIssue]]:
    """Keep an uploaded file for preview and check it with `check()`: returns the batch with the plan, or with the
    problems that reject it (then the batch keeps only the problems, not the file)."""
    ImportBatch.objects.filter(
        status=ImportBatch.Status.PREVIEW, uploaded_at__lt=timezone.now() - PREVIEW_MAX_AGE
    ).update(content=b"")
    batch = ImportBatch.objects.create(
        kind=kind,
        fiscal_year=fiscal_year,
        filename=filename[:255],
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
        uploaded_by=by,
    )
    try:
        plan = check()
    except ImportRejected as exc:
        batch.status = ImportBatch.Status.REJECTED
        batch.content = b""
        batch.summary = {"galat": [str(i) for i in exc.issues], "jumlah_galat": exc.total}
        batch.save(update_fields=["status", "content", "summary"])
        return batch, None, exc.issues
    batch.summary = plan.summary()
    batch.save(update_fields=["summary"])
    return batch, plan, []


def import_batch_refusal(batch: ImportBatch, by: User) -> tuple[str, str] | None:
    """Why this batch cannot be confirmed by `by` now, as (message, code), else None."""
    if batch.uploaded_by_id != by.pk:
        return _("Impor ini diunggah pengguna lain; unggah berkas Anda sendiri."), "forbidden"
    if batch.status != ImportBatch.Status.PREVIEW:
        return _("Impor ini sudah diproses; unggah ulang berkasnya bila perlu."), "processed"
    later = ImportBatch.objects.filter(
        kind=batch.kind,
        fiscal_year_id=batch.fiscal_year_id,
        status=ImportBatch.Status.APPLIED,
        uploaded_at__gt=batch.uploaded_at,
    )
    if timezone.now() - batch.uploaded_at > PREVIEW_MAX_AGE or later.exists():
        return _("Pratinjau impor ini sudah usang; unggah ulang berkasnya."), "stale"
    return None


@transaction.atomic
def import_batch_confirm(
    *, batch: ImportBatch, kind: str, by: User, apply: Callable[[ImportBatch], dict[str, int]]
) -> dict[str, int]:
    """Apply a previewed upload with `apply(batch)` (which checks the file again) and record it as applied. Refused
    (ValidationError) for a batch of another user, one already processed, or a stale one."""
    batch = (
        ImportBatch.objects.select_for_update(of=("self",)).select_related("fiscal_year").get(pk=batch.pk, kind=kind)
    )
    refusal = import_batch_refusal(batch, by)
    if refusal:
        raise ValidationError(refusal[0], code=refusal[1])
    summary = apply(batch)
    batch.status = ImportBatch.Status.APPLIED
    batch.summary = summary
    batch.save(update_fields=["status", "summary"])
    return summary
