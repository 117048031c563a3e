"""The audit trail: every write in the product records who changed what, when."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models

from core.system_actor import current_system_source

from ..models import AuditLog, User


def audit_log(
    *,
    obj: models.Model | type[models.Model],
    action: str,
    by: User | None,
    changes: dict | None = None,
    data: dict | None = None,
    version: int | None = None,
    source: str | None = None,
) -> AuditLog:
    """Record one change of `obj` (changes: {field: [old, new]} as display text).

    `obj` may be a model class for a change to a whole table (a reference-data load). `source` names the cause of
    an entry no person made (default: the command or task running now, see renja/system_actor.py).
    """
    whole_table = isinstance(obj, type)
    return AuditLog.objects.create(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id="*" if whole_table else str(obj.pk),
        object_repr=str(obj._meta.verbose_name_plural if whole_table else obj)[:255],
        action=action,
        by=by if (by is not None and by.is_authenticated) else None,
        changes=changes or {},
        data=data or {},
        version=version,
        source=current_system_source() if source is None else source,
    )
