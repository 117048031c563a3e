"""The synonym groups the detector uses: saving, deleting and seeding them; each change queues a full recompute."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from renja.models import FiscalYear, User
from renja.services import audit_log
from renja.services.revision import plan_changed_everywhere

from .. import text
from ..models import SynonymGroup
from .queue import sync_recompute_enqueue


def _years_with_findings() -> list[FiscalYear]:
    return list(FiscalYear.objects.filter(sync_state__isnull=False))


@transaction.atomic
def synonym_group_save(*, group: SynonymGroup | None, nama: str, frasa: str, aktif: bool, by: User) -> SynonymGroup:
    """Create or change a synonym group; every year's findings are recomputed with it (in the background)."""
    nama = nama.strip()
    probe = SynonymGroup(nama=nama, frasa=frasa)
    phrases = probe.phrases()
    if not nama:
        raise ValidationError({"nama": _("Nama kelompok wajib diisi.")})
    if len(phrases) < 2:
        raise ValidationError({"frasa": _("Isi paling sedikit dua frasa yang bermakna sama, dipisah koma.")})
    if text.synonym_group("x", nama, phrases) is None:
        raise ValidationError({"frasa": _("Frasa-frasa ini sama setelah kata dasar diambil; isi frasa yang berbeda.")})
    clash = SynonymGroup.objects.filter(nama__iexact=nama)
    if group is not None:
        clash = clash.exclude(pk=group.pk)
    if clash.exists():
        raise ValidationError({"nama": _("Kelompok %(nama)s sudah ada.") % {"nama": nama}})
    creating = group is None
    plan_changed_everywhere()  # every year's findings read the synonyms
    group = group or SynonymGroup()
    old = {"nama": group.nama, "frasa": group.frasa, "aktif": group.aktif}
    group.nama, group.frasa, group.aktif, group.updated_by = nama, ", ".join(phrases), aktif, by
    group.save()
    audit_log(
        obj=group,
        action="synonym_group.created" if creating else "synonym_group.changed",
        by=by,
        changes={k: [old[k], getattr(group, k)] for k in old if old[k] != getattr(group, k)},
    )
    sync_recompute_enqueue(fiscal_years=_years_with_findings(), full=True)
    return group


@transaction.atomic
def synonym_group_delete(*, group: SynonymGroup, by: User) -> None:
    plan_changed_everywhere()
    audit_log(obj=group, action="synonym_group.deleted", by=by, data={"nama": group.nama, "frasa": group.frasa})
    group.delete()
    sync_recompute_enqueue(fiscal_years=_years_with_findings(), full=True)


def synonym_group_seed() -> int:
    """Load the default synonym groups that are not there yet (by name). Idempotent."""
    from ..builtin_synonyms import DEFAULT_SYNONYMS

    have = {n.lower() for n in SynonymGroup.objects.values_list("nama", flat=True)}
    new = [
        SynonymGroup(nama=label, frasa=", ".join(phrases))
        for label, phrases in DEFAULT_SYNONYMS
        if label.lower() not in have
    ]
    if new:
        SynonymGroup.objects.bulk_create(new)
        plan_changed_everywhere()
    return len(new)
