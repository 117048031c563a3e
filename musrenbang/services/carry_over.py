"""Carry-over: usulan not accommodated in a year copied into the next, linked to their original."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from renja import services as renja_services
from renja.models import FiscalYear, User
from renja.services.revision import plan_changed

from .. import decisions
from ..models import Usulan
from .trail import tracking_code_new

NOT_ACCOMMODATED = list(decisions.NOT_ACCOMMODATED)


@transaction.atomic
def usulan_carry_over(*, from_year: FiscalYear, to_year: FiscalYear, by: User | None) -> int:
    """Carry every usulan of a year that was not accommodated into the next year, linked to its original.

    Running it again carries nothing twice. The copies start undecided, with a new tracking code.
    """
    if to_year.year <= from_year.year:
        raise ValidationError(_("Tahun tujuan harus setelah tahun asal."))
    renja_services.ensure_year_editable(to_year)
    plan_changed(to_year.pk)
    already = set(Usulan.objects.filter(fiscal_year=to_year, asal__isnull=False).values_list("asal_id", flat=True))
    taken_ids = set(Usulan.objects.filter(fiscal_year=to_year).values_list("id_usulan", flat=True))
    originals = (
        Usulan.objects.filter(fiscal_year=from_year, status__in=NOT_ACCOMMODATED)
        .exclude(pk__in=already)
        .prefetch_related("sasaran")
        .order_by("pk")
    )
    copies, skipped = [], []
    copy_fields = [
        "sumber",
        "pengusul",
        "anggota_dprd",
        "fraksi",
        "dapil",
        "desa_id",
        "alamat",
        "latitude",
        "longitude",
        "permasalahan",
        "usulan",
        "uraian",
        "bidang_urusan_id",
        "jenis",
        "volume",
        "satuan",
        "harga_satuan",
        "anggaran",
        "prioritas",
    ]
    for original in originals:
        if original.id_usulan in taken_ids:
            skipped.append(original.id_usulan)
            continue
        copy = Usulan(
            fiscal_year=to_year,
            id_usulan=original.id_usulan,
            asal=original,
            kode_lacak=tracking_code_new(),
            **{f: getattr(original, f) for f in copy_fields},
        )
        copy.cari = copy.search_text()
        copies.append((copy, list(original.sasaran.all())))
    Usulan.objects.bulk_create([c for c, _s in copies], batch_size=500)
    through = Usulan.sasaran.through
    through.objects.bulk_create(
        [through(usulan_id=c.pk, kelompoksasaran_id=s.pk) for c, groups in copies for s in groups], batch_size=1000
    )
    renja_services.audit_log(
        obj=to_year,
        action="usulan.carried_over",
        by=by,
        data={"dari": from_year.year, "jumlah": len(copies), "dilewati_id_sudah_ada": skipped[:100]},
    )
    return len(copies)
