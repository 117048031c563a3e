"""An agency's profile as the Pemda knows it: full name, kode unit, and its head's name, NIP, pangkat and jabatan.

Bappeda keeps it; the documents print it. There is no version column on Opd: an edit carries the fingerprint of the
values the editor saw (`opd_profile_fingerprint`), and a profile changed since then is refused.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import permissions
from ..models import Opd, User
from .audit import audit_log
from .reference import KODE_UNIT_FORM, KODE_UNIT_RE
from .revision import summaries_changed_everywhere

PROFILE_FIELDS = ["nama", "kode_unit", "kepala_nama", "kepala_nip", "kepala_pangkat", "kepala_jabatan"]

# The ranks (pangkat/golongan) of civil servants (PP 99/2000), lowest first, as documents print them. The form offers
# them; another wording (a PPPK grade, an acting head's note) is accepted as typed.
PANGKAT_PNS = [
    "Juru Muda (I/a)",
    "Juru Muda Tingkat I (I/b)",
    "Juru (I/c)",
    "Juru Tingkat I (I/d)",
    "Pengatur Muda (II/a)",
    "Pengatur Muda Tingkat I (II/b)",
    "Pengatur (II/c)",
    "Pengatur Tingkat I (II/d)",
    "Penata Muda (III/a)",
    "Penata Muda Tingkat I (III/b)",
    "Penata (III/c)",
    "Penata Tingkat I (III/d)",
    "Pembina (IV/a)",
    "Pembina Tingkat I (IV/b)",
    "Pembina Utama Muda (IV/c)",
    "Pembina Utama Madya (IV/d)",
    "Pembina Utama (IV/e)",
]

# A civil servant is appointed from 18 and retires by 65 at the latest.
NIP_MIN_AGE_AT_APPOINTMENT = 18
NIP_EARLIEST_BIRTH_YEAR = 1940


def opd_profile_fingerprint(opd: Opd) -> str:
    """SHA-256 of the profile's values: what an edit form carries to show which values its editor saw."""
    values = {f: getattr(opd, f) or "" for f in PROFILE_FIELDS}
    return hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest()


def nip_refusal(nip: str, today: datetime.date | None = None) -> str | None:
    """Why `nip` is not a plausible NIP, or None. A NIP is 18 digits: birth date (YYYYMMDD), appointment (YYYYMM,
    at 18 or later), sex (1 man, 2 woman) and a serial (001–999)."""
    today = today or timezone.localdate()
    if len(nip) != 18 or not nip.isdigit():
        return _("NIP harus 18 angka (tanpa spasi), misalnya 196805121994031007.")
    try:
        born = datetime.date(int(nip[:4]), int(nip[4:6]), int(nip[6:8]))
    except ValueError:
        return _("8 angka pertama NIP (%(part)s) bukan tanggal lahir TTTTBBHH yang sah.") % {"part": nip[:8]}
    if born.year < NIP_EARLIEST_BIRTH_YEAR or born.year > today.year - NIP_MIN_AGE_AT_APPOINTMENT:
        return _("Tahun lahir pada NIP (%(year)s) tidak masuk akal untuk ASN yang bekerja.") % {"year": born.year}
    year, month = int(nip[8:12]), int(nip[12:14])
    if not 1 <= month <= 12:
        return _("Angka 9–14 NIP (%(part)s) harus tahun dan bulan pengangkatan TTTTBB.") % {"part": nip[8:14]}
    if year < born.year + NIP_MIN_AGE_AT_APPOINTMENT or (year, month) > (today.year, today.month):
        return _("Tahun pengangkatan pada NIP (%(year)s) tidak cocok dengan tahun lahir %(born)s.") % {
            "year": year,
            "born": born.year,
        }
    if nip[14] not in "12":
        return _("Angka ke-15 NIP (jenis kelamin) harus 1 (laki-laki) atau 2 (perempuan), bukan %(d)s.") % {
            "d": nip[14]
        }
    if nip[15:] == "000":
        return _("Tiga angka terakhir NIP (nomor urut) tidak boleh 000.")
    return None


def _cleaned(opd: Opd, data: dict[str, Any]) -> tuple[dict[str, str], dict[str, list[ValidationError]]]:
    """The profile's new values (fields absent from `data` keep theirs) and every refusal by field."""
    values = {f: str(data[f]).strip() if f in data and data[f] is not None else getattr(opd, f) for f in PROFILE_FIELDS}
    values["kepala_nip"] = values["kepala_nip"].replace(" ", "")  # as printed under a signature: 19680512 199403 1 007
    errors: dict[str, list[ValidationError]] = {}

    def refuse(field: str, message: str, code: str) -> None:
        errors.setdefault(field, []).append(ValidationError(message, code=code))

    for f in PROFILE_FIELDS:
        limit = Opd._meta.get_field(f).max_length
        if len(values[f]) > limit:
            refuse(f, _("Paling banyak %(n)s karakter.") % {"n": limit}, "too_long")
    if not values["nama"]:
        refuse("nama", _("Nama OPD wajib diisi."), "required")
    kode = values["kode_unit"]
    if kode and not KODE_UNIT_RE.fullmatch(kode):
        refuse(
            "kode_unit",
            _("Kode unit harus berbentuk %(form)s (tiga bidang urusan, unit, subunit).") % {"form": KODE_UNIT_FORM},
            "invalid",
        )
    elif kode:
        other = Opd.objects.filter(kode_unit=kode).exclude(pk=opd.pk).first()
        if other is not None:
            refuse(
                "kode_unit",
                _("Kode unit %(kode)s sudah dipakai %(opd)s.") % {"kode": kode, "opd": other.singkatan},
                "duplicate",
            )
    nip = values["kepala_nip"]
    if nip:
        refusal = nip_refusal(nip)
        if refusal:
            refuse("kepala_nip", refusal, "invalid")
    return values, errors


@transaction.atomic
def opd_profile_update(*, opd: Opd, data: dict[str, Any], fingerprint: str | None = None, by: User | None) -> Opd:
    """Change an agency's profile (the fields of PROFILE_FIELDS present in `data`). `fingerprint` is
    `opd_profile_fingerprint` of the profile as the editor saw it; a profile changed since is refused (code
    "conflict"). Refused for anyone but a planner (a system process may), and for a bad kode unit or NIP (errors by
    field). Audited as `opd.changed` with each changed field's old and new value; no change, no entry."""
    if by is not None and not permissions.can_edit_opd_profile(by):
        raise ValidationError(_("Hanya Bappeda yang dapat mengubah profil OPD."), code="forbidden")
    locked = Opd.objects.select_for_update().get(pk=opd.pk)
    if fingerprint is not None and fingerprint != opd_profile_fingerprint(locked):
        raise ValidationError(
            _("Profil %(opd)s sudah diubah orang lain sejak Anda membukanya. Muat ulang halaman, lalu ulangi.")
            % {"opd": locked.singkatan},
            code="conflict",
        )
    values, errors = _cleaned(locked, data)
    if errors:
        raise ValidationError(errors)
    changes = {f: [getattr(locked, f), values[f]] for f in PROFILE_FIELDS if getattr(locked, f) != values[f]}
    if not changes:
        return locked
    for f, (_old, new) in changes.items():
        setattr(locked, f, new)
    locked.save(update_fields=list(changes))
    audit_log(obj=locked, action="opd.changed", by=by, changes=changes)
    if {"nama", "kode_unit"} & set(changes):  # the lists' cached summaries name agencies and sort by kode unit
        summaries_changed_everywhere()
    return locked
