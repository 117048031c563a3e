"""Writes to Renja rows: create and update (with optimistic locking), one by one or in bulk for imports; the
fields a row's form or import may set and how their values are shown.

Status moves are in status.py, the locks of years and stages in years.py."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.formatting import angka, rupiah

from .. import permissions
from ..models import AuditLog, FiscalYear, KelompokSasaran, Nomenklatur, Opd, RenjaRow, User, Wilayah
from .audit import audit_log
from .revision import plan_changed, row_summary_changed
from .years import ensure_year_editable

# Fields a Renja row's form or import may set, in display order.
SCALAR_FIELDS = [
    "opd",
    "sub_kegiatan",
    "kode",
    "nama",
    "rincian",
    "keterangan",
    "indikator",
    "target",
    "satuan",
    "indikator_opd",
    "target_opd",
    "satuan_opd",
    "pagu",
    "target_n1",
    "pagu_n1",
    "sumber_dana",
    "sumber_data",
    "desil",
    "sumber_data_keterangan",
    "prioritas_nasional",
    "prioritas_daerah",
    "quick_win",
    "opd_pengampu",
]
M2M_FIELDS = ["lokasi", "sasaran", "opd_pendukung"]
TRACKED_FIELDS = SCALAR_FIELDS + M2M_FIELDS + ["status"]
# What row summaries read (counts and pagu per agency, status and program; FiscalYear.rows_revision).
SUMMARY_FIELDS = frozenset({"opd", "sub_kegiatan", "pagu", "pagu_n1", "status"})
# The sub kegiatan's official name, indicator and unit: copied from the nomenklatur, never taken from input.
OFFICIAL_FIELDS = ("nama", "indikator", "satuan")
# The sources of data whose beneficiaries are ranked in desil.
DESIL_SOURCES = (RenjaRow.SumberData.DTKS, RenjaRow.SumberData.DTSEN)


class RowConflict(ValidationError):
    """The row changed since the editor loaded it; `entries` are the audit entries of those changes."""

    def __init__(self, message: str, *, current_version: int, entries: list):
        super().__init__(message, code="conflict")
        self.current_version = current_version
        self.entries = entries


def resolve_sub_kegiatan(
    kode: str, opd: Opd, *, index: dict[str, Nomenklatur] | None = None
) -> tuple[Nomenklatur, str]:
    """Find the sub kegiatan for a code as an OPD writes it; support-program codes carry the OPD's bidang urusan.

    Returns (nomenclature node, the code as the OPD uses it). Raises ValidationError with the reason.
    """
    kode = (kode or "").strip()
    if not kode:
        raise ValidationError(_("Kode sub kegiatan wajib diisi."), code="required")

    def lookup(code: str) -> Nomenklatur | None:
        if index is not None:
            return index.get(code)
        return Nomenklatur.objects.filter(kode=code).first()

    node = lookup(kode)
    effective = kode
    parts = kode.split(".")
    if node is None and len(parts) == 6 and parts[2] == "01":
        node = lookup("X.XX." + ".".join(parts[2:]))
        if node is not None:
            bidang = f"{parts[0]}.{parts[1]}"
            if bidang not in opd_bidang_codes(opd):
                raise ValidationError(
                    _("Kode %(kode)s memakai bidang urusan %(bidang)s yang tidak diampu %(opd)s.")
                    % {"kode": kode, "bidang": bidang, "opd": opd.singkatan},
                    code="bidang",
                )
    elif node is not None and node.is_penunjang:
        codes = opd_bidang_codes(opd)
        if not codes:
            raise ValidationError(
                _("%(opd)s belum memiliki bidang urusan; tulis kode program penunjang dengan bidangnya.")
                % {"opd": opd.singkatan}
            )
        effective = codes[0] + kode[4:]
    if node is None:
        raise ValidationError(
            _("Kode sub kegiatan %(kode)s tidak ada dalam nomenklatur.") % {"kode": kode}, code="unknown"
        )
    if node.level != Nomenklatur.Level.SUB_KEGIATAN:
        raise ValidationError(
            _("Kode %(kode)s adalah %(level)s, bukan sub kegiatan.")
            % {"kode": kode, "level": node.get_level_display()},
            code="level",
        )
    if not node.aktif:
        raise ValidationError(
            _("Sub kegiatan %(kode)s sudah tidak berlaku (%(versi)s).") % {"kode": kode, "versi": node.versi},
            code="inactive",
        )
    return node, effective


def opd_bidang_codes(opd: Opd) -> list[str]:
    """The bidang urusan codes an OPD handles, first the main one (prefetched when the caller did)."""
    return sorted(b.kode for b in opd.bidang_urusan.all()) if opd.pk else []


def _display(field: str, value: Any) -> str:
    if value is None or value == "":
        return ""
    if field in ("pagu", "pagu_n1"):
        return rupiah(value)
    if field in ("target", "target_n1", "target_opd"):
        return angka(value)
    if field == "sumber_dana":
        return str(RenjaRow.SumberDana(value).label)
    if field == "sumber_data":
        return str(RenjaRow.SumberData(value).label)
    if field == "status":
        return str(RenjaRow.Status(value).label)
    if isinstance(value, bool):
        return _("Ya") if value else _("Tidak")
    if field == "sub_kegiatan":
        return value.kode
    if field in ("opd", "opd_pengampu"):
        return value.singkatan
    if field == "lokasi":
        return ", ".join(sorted(f"{w.kode} {w.label}" for w in value))  # Kec. / Desa / Kel. as on every Renja screen
    if field == "sasaran":
        return ", ".join(sorted(s.slug for s in value))
    if field == "opd_pendukung":
        return ", ".join(sorted(o.singkatan for o in value))
    return str(value)


def row_snapshot(row: RenjaRow, fields: list[str] | None = None) -> dict[str, str]:
    """Display values of a row's tracked fields (M2M read from the prefetch cache when present)."""
    snapshot = {}
    for field in fields or TRACKED_FIELDS:
        value = list(getattr(row, field).all()) if field in M2M_FIELDS else getattr(row, field)
        snapshot[field] = _display(field, value)
    return snapshot


def _normalise(field: str, value: Any) -> Any:
    if field in ("target", "target_n1", "target_opd") and value is not None and value != "":
        return Decimal(value)
    if field in ("pagu",) and value is not None:
        return int(value)
    if field == "desil" and value is not None and value != "":
        return int(value)
    if field == "desil":
        return None
    return value


def same_words(a: str | None, b: str | None) -> bool:
    """Equal texts, surrounding spaces and letter case aside (an agency's text that only repeats the official one)."""
    return (a or "").strip().casefold() == (b or "").strip().casefold()


def row_data_prepare(data: dict[str, Any], current: RenjaRow | None = None) -> dict[str, Any]:
    """The data a row service writes: the official name, indicator and unit copied from the sub kegiatan when the
    row is new or its sub kegiatan changes (whatever the input said; otherwise left as they are), the agency's
    texts trimmed, and a rincian that only repeats the official name dropped."""
    data = {k: v for k, v in data.items() if k not in OFFICIAL_FIELDS}
    sub = data.get("sub_kegiatan")
    if sub is not None and (current is None or current.sub_kegiatan_id != sub.pk):
        data.update(nama=sub.nama[:500], indikator=sub.indikator, satuan=sub.satuan)
    for field in ("rincian", "indikator_opd", "satuan_opd", "sumber_data_keterangan"):
        if field in data:
            data[field] = (data[field] or "").strip()
    if data.get("rincian"):
        official = data.get("nama", current.nama if current is not None else "")
        if same_words(data["rincian"], official):
            data["rincian"] = ""
    return data


def row_rules_check(data: dict[str, Any], current: RenjaRow | None = None) -> dict[str, list[ValidationError]]:
    """The rules between a row's fields, on the row as it would be (its current values overlaid by `data`):
    desil only for DTKS/DTSEN and 1 to 10; an extra indicator's target or unit needs its indicator. Returns the
    coded errors per field (the import's preview reports the same)."""

    def value(field: str) -> Any:
        if field in data:
            return data[field]
        return getattr(current, field) if current is not None else None

    errors: dict[str, list[ValidationError]] = {}
    desil = value("desil")
    if desil not in (None, ""):
        if value("sumber_data") not in DESIL_SOURCES:
            errors.setdefault("desil", []).append(
                ValidationError(_("Desil hanya diisi untuk sumber data DTKS atau DTSEN."), code="desil_source")
            )
        elif not 1 <= int(desil) <= 10:
            errors.setdefault("desil", []).append(ValidationError(_("Desil harus 1 sampai 10."), code="desil_range"))
    sumber = value("sumber_data")
    if sumber and sumber not in RenjaRow.SumberData.values:
        errors.setdefault("sumber_data", []).append(
            ValidationError(
                _("Sumber data %(value)s tidak dikenal (pilihan: %(choices)s).")
                % {"value": sumber, "choices": ", ".join(RenjaRow.SumberData.values)},
                code="sumber_data",
            )
        )
    if not (value("indikator_opd") or "").strip() and (
        value("target_opd") not in (None, "") or (value("satuan_opd") or "").strip()
    ):
        errors.setdefault("indikator_opd", []).append(
            ValidationError(
                _("Target dan satuan tambahan memerlukan indikator tambahan OPD; isi indikatornya atau kosongkan."),
                code="extra_indicator",
            )
        )
    return errors


def _validate(data: dict[str, Any], current: RenjaRow | None = None) -> None:
    errors: dict[str, list] = dict(row_rules_check(data, current))
    if "pagu" in data and (data["pagu"] is None or int(data["pagu"]) < 0):
        errors.setdefault("pagu", []).append(_("Pagu wajib diisi dan tidak boleh negatif."))
    if data.get("pagu_n1") is not None and int(data["pagu_n1"]) < 0:
        errors.setdefault("pagu_n1", []).append(_("Pagu N+1 tidak boleh negatif."))
    for wilayah in data.get("lokasi") or []:
        if wilayah.tingkat == Wilayah.Tingkat.KABUPATEN:
            errors.setdefault("lokasi", []).append(
                _("Lokasi %(nama)s adalah kabupaten; kosongkan lokasi untuk kegiatan se-kabupaten.")
                % {"nama": wilayah.nama}
            )
    for sasaran in data.get("sasaran") or []:
        if not sasaran.aktif:
            errors.setdefault("sasaran", []).append(
                _("Kelompok sasaran %(nama)s tidak aktif.") % {"nama": sasaran.nama}
            )
    if errors:
        raise ValidationError(errors)


def _check_agreed(row: RenjaRow, by: User | None) -> None:
    if by is not None and row.status in (RenjaRow.Status.DISEPAKATI, RenjaRow.Status.FINAL):
        if not permissions.can_change_agreed_rows(by):
            raise ValidationError(
                _("Baris berstatus %(status)s hanya dapat diubah oleh Bappeda.") % {"status": row.get_status_display()},
                code="agreed",
            )


def _write_m2m(row: RenjaRow, data: dict[str, Any]) -> None:
    for field in M2M_FIELDS:
        if field in data:
            getattr(row, field).set(data[field] or [])


def _new_row(
    fiscal_year: FiscalYear, ref: str, data: dict[str, Any], by: User | None
) -> tuple[RenjaRow, dict[str, Any]]:
    """An unsaved row from checked data (name, indicator and unit are the sub kegiatan's)."""
    data = row_data_prepare(data)
    _validate(data)
    row = RenjaRow(fiscal_year=fiscal_year, ref=ref, created_by=by, updated_by=by)
    for field in SCALAR_FIELDS:
        if field in data:
            setattr(row, field, _normalise(field, data[field]))
    row.cari = row.search_text()
    return row, data


def _created_changes(row: RenjaRow, data: dict[str, Any]) -> dict[str, list[str]]:
    """The audit entry of a new row: every filled field, from '' to its value (no queries)."""
    values = {f: _display(f, getattr(row, f)) for f in SCALAR_FIELDS + ["status"]}
    values.update({f: _display(f, list(data.get(f) or [])) for f in M2M_FIELDS})
    return {f: ["", v] for f, v in values.items() if v and v != _("Tidak")}


@transaction.atomic
def row_create(*, fiscal_year: FiscalYear, ref: str, data: dict[str, Any], by: User | None) -> RenjaRow:
    """Create a Renja row in an unlocked year; `ref` must be new in that year."""
    ensure_year_editable(fiscal_year)
    ref = (ref or "").strip()
    if not ref:
        raise ValidationError({"ref": [_("Ref wajib diisi.")]})
    if RenjaRow.objects.filter(fiscal_year=fiscal_year, ref=ref).exists():
        raise ValidationError(
            {"ref": [_("Ref %(ref)s sudah dipakai di tahun %(year)s.") % {"ref": ref, "year": fiscal_year.year}]}
        )
    row, data = _new_row(fiscal_year, ref, data, by)
    plan_changed(fiscal_year.pk)
    row.save()
    _write_m2m(row, data)
    audit_log(obj=row, action="renja_row.created", by=by, changes=_created_changes(row, data), version=row.version)
    return row


@transaction.atomic
def rows_bulk_create(
    *, fiscal_year: FiscalYear, items: list[tuple[str, dict[str, Any]]], by: User | None
) -> list[RenjaRow]:
    """Create many rows at once (imports): same rules and audit entries as row_create, a few queries per batch.

    The caller has checked that every ref is new in the year and holds the year's lock.
    """
    ensure_year_editable(fiscal_year)
    built = [_new_row(fiscal_year, ref, data, by) for ref, data in items]
    plan_changed(fiscal_year.pk)
    rows = RenjaRow.objects.bulk_create([row for row, _data in built], batch_size=500)
    for field in M2M_FIELDS:
        through = getattr(RenjaRow, field).through
        target = getattr(RenjaRow, field).field.m2m_reverse_field_name()
        links = [
            through(renjarow_id=row.pk, **{f"{target}_id": obj.pk})
            for row, data in built
            for obj in dict.fromkeys(data.get(field) or [])
        ]
        through.objects.bulk_create(links, batch_size=1000)
    ct = ContentType.objects.get_for_model(RenjaRow)
    AuditLog.objects.bulk_create(
        [
            AuditLog(
                content_type=ct,
                object_id=str(row.pk),
                object_repr=str(row)[:255],
                action="renja_row.created",
                by=by if (by is not None and by.is_authenticated) else None,
                changes=_created_changes(row, data),
                version=row.version,
            )
            for row, data in built
        ],
        batch_size=500,
    )
    return rows


@transaction.atomic
def row_update(
    *,
    row: RenjaRow,
    data: dict[str, Any],
    by: User | None,
    expected_version: int | None = None,
    action: str = "renja_row.updated",
) -> tuple[RenjaRow, dict[str, list[str]]]:
    """Apply changed fields to a row; refuse a stale edit (another save since `expected_version`).

    Returns the row and the changes made ({} when nothing differed, in which case nothing is written).
    """
    # The year before the row (the order imports lock them in); whether row summaries change is known below.
    plan_changed(row.fiscal_year_id, rows=False, usulan=False)
    locked = (
        RenjaRow.objects.select_for_update(of=("self",))
        .select_related("fiscal_year", "opd", "sub_kegiatan", "opd_pengampu")
        .get(pk=row.pk)
    )
    ensure_year_editable(locked.fiscal_year)
    _check_agreed(locked, by)
    if expected_version is not None and locked.version != expected_version:
        from ..selectors import row_history  # local: selectors import services' field list

        entries = [e for e in row_history(locked) if (e.version or 0) > expected_version]
        raise RowConflict(
            _(
                "Baris ini sudah diubah orang lain sejak Anda membukanya. Periksa perubahannya; "
                "simpan lagi untuk menimpa dengan isian Anda."
            ),
            current_version=locked.version,
            entries=entries,
        )
    data = row_data_prepare(data, locked)
    _validate(data, locked)
    fields = [f for f in TRACKED_FIELDS if f in data]
    before = row_snapshot(locked, fields)
    for field in SCALAR_FIELDS:
        if field in data:
            setattr(locked, field, _normalise(field, data[field]))
    after_scalars = {f: _display(f, getattr(locked, f)) for f in fields if f in SCALAR_FIELDS}
    after_m2m = {f: _display(f, list(data[f] or [])) for f in fields if f in M2M_FIELDS}
    after = {**after_scalars, **after_m2m}
    changes = {f: [before[f], after[f]] for f in fields if before[f] != after[f]}
    if not changes:
        return locked, {}
    if SUMMARY_FIELDS.intersection(changes):
        row_summary_changed(locked.fiscal_year_id)
    locked.version += 1
    locked.updated_by = by
    locked.cari = locked.search_text()
    locked.save()
    _write_m2m(locked, {f: data[f] for f in M2M_FIELDS if f in changes})
    audit_log(obj=locked, action=action, by=by, changes=changes, version=locked.version)
    return locked, changes


def sasaran_index() -> dict[str, KelompokSasaran]:
    return {s.slug: s for s in KelompokSasaran.objects.all()}


@transaction.atomic
def rows_bulk_update(
    *, fiscal_year: FiscalYear, items: list[tuple[RenjaRow, dict[str, Any], dict[str, list[str]]]], by: User | None
) -> int:
    """Apply already-compared changes to many rows at once (imports): each row gets its new version, search text and
    an audit entry with the changes; a few queries per batch instead of several per row.

    `items` holds (row, data, changes) where `changes` is what row_snapshot said differs; rows are locked here.
    """
    ensure_year_editable(fiscal_year)
    items = [(row, data, changes) for row, data, changes in items if changes]
    if not items:
        return 0
    plan_changed(fiscal_year.pk)
    locked = {
        r.pk: r
        for r in RenjaRow.objects.select_for_update(of=("self",))
        .select_related("sub_kegiatan")
        .filter(pk__in=[r.pk for r, _d, _c in items])
    }
    now = timezone.now()
    fields: set[str] = set()
    rows = []
    for row, data, changes in items:
        current = locked[row.pk]
        data = row_data_prepare(data, current)
        _validate(data, current)
        for field in SCALAR_FIELDS:
            if field in data and field in changes:
                setattr(current, field, _normalise(field, data[field]))
                fields.add(field)
        current.version += 1
        current.updated_by, current.updated_at = by, now  # bulk_update skips auto_now
        current.cari = current.search_text()
        rows.append((current, data, changes))
    RenjaRow.objects.bulk_update(
        [r for r, _d, _c in rows], sorted(fields | {"version", "updated_by", "updated_at", "cari"}), batch_size=500
    )
    for field in M2M_FIELDS:
        changed = [(r, d) for r, d, c in rows if field in c]
        if not changed:
            continue
        through = getattr(RenjaRow, field).through
        target = getattr(RenjaRow, field).field.m2m_reverse_field_name()
        through.objects.filter(renjarow_id__in=[r.pk for r, _d in changed]).delete()
        through.objects.bulk_create(
            [
                through(renjarow_id=r.pk, **{f"{target}_id": obj.pk})
                for r, d in changed
                for obj in dict.fromkeys(d[field] or [])
            ],
            batch_size=1000,
        )
    ct = ContentType.objects.get_for_model(RenjaRow)
    actor = by if (by is not None and by.is_authenticated) else None
    AuditLog.objects.bulk_create(
        [
            AuditLog(
                content_type=ct,
                object_id=str(r.pk),
                object_repr=str(r)[:255],
                action="renja_row.imported",
                by=actor,
                changes=c,
                version=r.version,
            )
            for r, _d, c in rows
        ],
        batch_size=500,
    )
    return len(rows)
