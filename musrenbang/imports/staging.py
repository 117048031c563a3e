"""An usulan upload staged like a Renja upload (renja/services/staging.py): kept as an ImportBatch of kind usulan
while its preview is shown, confirmed once by its uploader while fresh, and checked again then."""

from __future__ import annotations

from core.importing import ImportIssue
from renja import services as renja_services
from renja.models import FiscalYear, ImportBatch, User

from .apply import usulan_import_file
from .plan import UsulanImportPlan, build_usulan_plan


def usulan_import_stage(
    *, content: bytes, filename: str, fiscal_year: FiscalYear, by: User
) -> tuple[ImportBatch, UsulanImportPlan | None, list[ImportIssue]]:
    """Keep an uploaded usulan file for preview; returns it with its plan, or with the problems that reject it."""
    return renja_services.import_batch_stage(
        kind=ImportBatch.Kind.USULAN,
        content=content,
        filename=filename,
        fiscal_year=fiscal_year,
        by=by,
        check=lambda: build_usulan_plan(content=content, filename=filename, fiscal_year=fiscal_year, by=by),
    )


def usulan_import_confirm(*, batch: ImportBatch, by: User) -> dict[str, int]:
    """Import a previewed usulan upload: {"baru", "berubah", "sama", "keputusan"}. Refused (ValidationError) for
    another user's batch, one already processed or a stale one; ImportRejected when the file no longer passes."""

    def apply(locked: ImportBatch) -> dict[str, int]:
        return usulan_import_file(
            content=bytes(locked.content), filename=locked.filename, fiscal_year=locked.fiscal_year, by=by
        )

    return renja_services.import_batch_confirm(batch=batch, kind=ImportBatch.Kind.USULAN, by=by, apply=apply)


def usulan_batch_pending(*, pk: str | int, by: User) -> ImportBatch | None:
    """The user's own usulan upload with this id (as a form posts it), else None."""
    if not str(pk).isdigit():
        return None
    return (
        ImportBatch.objects.filter(pk=int(pk), kind=ImportBatch.Kind.USULAN, uploaded_by=by)
        .select_related("fiscal_year")
        .first()
    )
