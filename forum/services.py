"""Every write of the forum app. A forum changes only while it is a draft; a signed one refuses everything."""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from core.formatting import bulan_romawi
from musrenbang import services as usulan_services
from renja import services as renja_services
from renja.models import FiscalYear, Opd, RenjaRow, StageWindow, User
from sinkronisasi import services as sync_services
from sinkronisasi.models import Overlap

from . import selectors
from .models import Attendance, BeritaAcara, BeritaAcaraSequence, Clause, Forum

DEFAULT_CLAUSES = [
    "Program, kegiatan dan sub kegiatan prioritas Perangkat Daerah peserta forum tahun {year}, beserta indikator "
    "kinerja, target, pagu indikatif dan usulan yang diakomodasi, sebagaimana tercantum dalam Lampiran II Berita "
    "Acara ini.",
    "Rancangan Renja Perangkat Daerah tahun {year} disempurnakan sesuai hasil forum ini dan pagu indikatif "
    "masing-masing Perangkat Daerah sebagaimana tercantum dalam Lampiran II.",
    "Usulan masyarakat hasil Musrenbang yang belum dapat diakomodasi, beserta alasannya, sebagaimana tercantum dalam "
    "Lampiran III, dan Pokok-Pokok Pikiran DPRD yang belum dapat diakomodasi sebagaimana tercantum dalam Lampiran IV.",
    "Program yang beririsan antar-Perangkat Daerah dilaksanakan secara terpadu dengan pembagian peran yang disepakati "
    "dalam forum ini sebagaimana tercantum dalam Lampiran V.",
    "Usulan yang belum dibahas dalam forum ini dibawa ke Musrenbang kabupaten sebagaimana tercantum dalam Lampiran VI.",
    "Berita Acara ini beserta lampirannya merupakan satu kesatuan yang tidak terpisahkan.",
    "Berita Acara ini menjadi bahan penyempurnaan Rancangan Rencana Kerja Pemerintah Daerah (RKPD) tahun {year}.",
]
FORUM_FIELDS = [
    "jenis",
    "judul",
    "rumpun",
    "tanggal",
    "mulai",
    "selesai",
    "tempat",
    "pimpinan_nama",
    "pimpinan_jabatan",
    "pimpinan_nip",
    "pimpinan_pangkat",
    "fasilitator",
]
ATTENDEE_FIELDS = ("nama", "unsur", "jabatan", "kontak", "pangkat", "nip")
logger = logging.getLogger(__name__)


def _ensure_open(fiscal_year: FiscalYear) -> None:
    """A locked year, or a locked forum stage, refuses every forum change."""
    refusal = renja_services.year_edit_refusal(fiscal_year, StageWindow.Stage.FORUM)
    if refusal:
        raise ValidationError(refusal, code="locked")


def _ensure_draft(forum: Forum) -> None:
    _ensure_open(forum.fiscal_year)
    if forum.status == Forum.Status.SIGNED:
        raise ValidationError(
            _("Forum ini sudah ditandatangani dan tidak dapat diubah. Buat versi koreksi bila perlu."), code="signed"
        )
    if forum.status != Forum.Status.DRAFT:
        raise ValidationError(_("Forum ini sudah final dan tidak dapat diubah."), code="final")


def _lock(forum: Forum) -> Forum:
    return Forum.objects.select_for_update(of=("self",)).select_related("fiscal_year").get(pk=forum.pk)


def _validate(data: dict[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    if data.get("mulai") and data.get("selesai") and data["selesai"] <= data["mulai"]:
        errors["selesai"] = [_("Waktu selesai harus setelah waktu mulai.")]
    nip = data.get("pimpinan_nip", "")
    if nip and not (len(nip) == 18 and nip.isdigit()):
        errors["pimpinan_nip"] = [_("NIP harus 18 angka.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def forum_create(*, fiscal_year: FiscalYear, data: dict[str, Any], opd_list: list[Opd], by: User) -> Forum:
    """A new draft forum with the standard agreement clauses."""
    _ensure_open(fiscal_year)
    _validate(data)
    if not opd_list:
        raise ValidationError({"opd": [_("Pilih sedikitnya satu OPD peserta.")]})
    forum = Forum.objects.create(fiscal_year=fiscal_year, **{f: data[f] for f in FORUM_FIELDS if f in data})
    forum.opd.set(opd_list)
    Clause.objects.bulk_create(
        [
            Clause(forum=forum, position=i, text=t.format(year=fiscal_year.year))
            for i, t in enumerate(DEFAULT_CLAUSES, 1)
        ]
    )
    renja_services.audit_log(obj=forum, action="forum.created", by=by)
    return forum


@transaction.atomic
def forum_update(
    *, forum: Forum, data: dict[str, Any], opd_list: list[Opd], by: User, expected_version: int | None = None
) -> Forum:
    """Change a draft forum's facts; refuse a stale edit."""
    locked = _lock(forum)
    _ensure_draft(locked)
    if expected_version is not None and locked.version != expected_version:
        raise ValidationError(
            _("Forum ini sudah diubah orang lain; muat ulang halaman lalu coba lagi."), code="conflict"
        )
    _validate(data)
    if not opd_list:
        raise ValidationError({"opd": [_("Pilih sedikitnya satu OPD peserta.")]})
    changes = {}
    for field in FORUM_FIELDS:
        if field in data and getattr(locked, field) != data[field]:
            changes[field] = [str(getattr(locked, field) or ""), str(data[field] or "")]
            setattr(locked, field, data[field])
    old_opd = sorted(o.singkatan for o in locked.opd.all())
    new_opd = sorted(o.singkatan for o in opd_list)
    if old_opd != new_opd:
        changes["opd"] = [", ".join(old_opd), ", ".join(new_opd)]
        locked.opd.set(opd_list)
    if changes:
        locked.version += 1
        locked.save()
        renja_services.audit_log(obj=locked, action="forum.updated", by=by, changes=changes, version=locked.version)
    return locked


@transaction.atomic
def attendee_add(
    *,
    forum: Forum,
    data: dict[str, Any],
    by: User,
    checked_in: bool = False,
    checked_in_at: datetime.datetime | None = None,
) -> Attendance:
    """Add a person to the attendance list (checked in at once when `checked_in`: now, or at `checked_in_at` when
    the check-in is recorded afterwards, e.g. from the paper list of the forum's morning). `data["opd"]`, if given,
    is the participating agency the person represents."""
    locked = _lock(forum)
    _ensure_draft(locked)
    if not (data.get("nama") or "").strip() or not (data.get("unsur") or "").strip():
        raise ValidationError(_("Nama dan unsur/instansi wajib diisi."))
    nip = (data.get("nip") or "").strip()
    if nip and not (len(nip) == 18 and nip.isdigit()):
        raise ValidationError({"nip": [_("NIP harus 18 angka.")]})
    opd = data.get("opd")
    if opd is not None and not locked.opd.filter(pk=opd.pk).exists():
        raise ValidationError(
            {"opd": [_("%(opd)s bukan OPD peserta forum ini.") % {"opd": opd.singkatan}]}, code="participant"
        )
    position = (locked.attendance.aggregate(m=Max("position"))["m"] or 0) + 1
    person = Attendance.objects.create(
        forum=locked,
        position=position,
        checked_in_at=(checked_in_at or timezone.now()) if checked_in else None,
        **{k: (data.get(k) or "").strip() for k in ATTENDEE_FIELDS},
        opd=opd,
        signs_as_representative=bool(data.get("signs_as_representative")),
    )
    renja_services.audit_log(obj=locked, action="forum.attendee_added", by=by, data={"nama": person.nama})
    return person


@transaction.atomic
def attendee_check_in(*, attendee: Attendance, by: User) -> Attendance:
    """Mark a listed person as present now."""
    locked = _lock(attendee.forum)
    _ensure_draft(locked)
    person = Attendance.objects.select_for_update().get(pk=attendee.pk)
    if person.checked_in_at is None:
        person.checked_in_at = timezone.now()
        person.save(update_fields=["checked_in_at"])
        renja_services.audit_log(obj=locked, action="forum.attendee_checked_in", by=by, data={"nama": person.nama})
    return person


@transaction.atomic
def attendee_remove(*, attendee: Attendance, by: User) -> None:
    locked = _lock(attendee.forum)
    _ensure_draft(locked)
    renja_services.audit_log(obj=locked, action="forum.attendee_removed", by=by, data={"nama": attendee.nama})
    attendee.delete()


@transaction.atomic
def clauses_save(*, forum: Forum, texts: list[str], by: User) -> None:
    """Replace the agreement clauses (empty ones are dropped; numbering follows the order)."""
    locked = _lock(forum)
    _ensure_draft(locked)
    texts = [t.strip() for t in texts if t and t.strip()]
    if not texts:
        raise ValidationError(_("Sedikitnya satu butir kesepakatan."))
    before = [clause.text for clause in locked.clauses.all()]
    if before == texts:
        return
    locked.clauses.all().delete()
    Clause.objects.bulk_create([Clause(forum=locked, position=i, text=t) for i, t in enumerate(texts, 1)])
    renja_services.audit_log(
        obj=locked,
        action="forum.clauses_changed",
        by=by,
        changes={"kesepakatan": ["\n".join(before), "\n".join(texts)]},
    )


def fingerprint(snapshot: dict) -> str:
    """SHA-256 of the snapshot in canonical JSON: what the document says, independent of how the PDF is drawn."""
    canonical = json.dumps(snapshot, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def berita_acara_number_next(forum: Forum) -> str:
    """The next number of the forum's calendar year, from settings.PEMDA["nomor_berita_acara"] (kode klasifikasi
    arsip, sequence, unit, month in Roman numerals, year). The year's sequence row is locked until the caller's
    transaction ends, so two forums finalised at once get consecutive numbers and a rolled-back one leaves no gap.
    A year numbered before the sequence existed continues after its berita acara."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("berita_acara_number_next must run inside the finalising transaction")
    year = forum.tanggal.year
    BeritaAcaraSequence.objects.get_or_create(
        tahun=year, defaults={"last": BeritaAcara.objects.filter(forum__tanggal__year=year).count()}
    )
    sequence = BeritaAcaraSequence.objects.select_for_update().get(tahun=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return settings.PEMDA["nomor_berita_acara"].format(
        seq=sequence.last, bulan_romawi=bulan_romawi(forum.tanggal.month), bulan=forum.tanggal.month, tahun=year
    )


@transaction.atomic
def forum_finalise(*, forum: Forum, by: User, verify_url_for) -> BeritaAcara:
    """Freeze what the berita acara shows, number it, fingerprint it, queue the rendering of its PDF, and mark the
    agreed Renja rows disepakati. `verify_url_for(sha256)` gives the public verification address printed as a QR
    code."""
    locked = _lock(forum)
    _ensure_draft(locked)
    if not locked.attendance.exists():
        raise ValidationError(_("Daftar hadir masih kosong; forum tidak dapat difinalkan."), code="no_attendance")
    if not locked.clauses.exists():
        raise ValidationError(_("Belum ada butir kesepakatan."), code="no_clauses")
    unsettled = [
        f"{p.row_a.ref} – {p.row_b.ref}"
        for p in locked.overlaps.filter(status=Overlap.Status.OPEN).select_related("row_a", "row_b")
    ]
    if unsettled:
        raise ValidationError(
            _("Program beririsan di agenda belum disepakati: %(pairs)s. Sepakati atau keluarkan dari agenda.")
            % {"pairs": ", ".join(unsettled)},
            code="open_overlaps",
        )
    undecided = selectors.undecided_usulan(locked)
    if undecided:
        raise ValidationError(
            _(
                "%(n)s usulan OPD peserta belum diputuskan: %(ids)s. Putuskan di forum atau bawa ke Musrenbang "
                "kabupaten sebelum berita acara difinalkan."
            )
            % {"n": len(undecided), "ids": ", ".join(u.id_usulan for u in undecided[:20])},
            code="undecided_usulan",
        )
    nomor = berita_acara_number_next(locked)
    snapshot = selectors.forum_snapshot(locked, nomor=nomor)
    sha = fingerprint(snapshot)
    ba = BeritaAcara.objects.create(forum=locked, nomor=nomor, snapshot=snapshot, sha256=sha, finalised_by=by)
    # The PDF is made from the frozen snapshot by the worker (seconds for a large forum): queued in this transaction.
    _queue_render(ba, verify_url=verify_url_for(sha))
    # The participants' rows become agreed; another agency's row an usulan was merged into is only shown.
    rows = list(RenjaRow.objects.filter(pk__in=[r["id"] for r in snapshot["lampiran_ii"]], opd__in=locked.opd.all()))
    renja_services.rows_mark_agreed(rows=rows, by=by, source=f"berita acara {nomor}")
    locked.status = Forum.Status.FINAL
    locked.version += 1
    locked.save(update_fields=["status", "version", "updated_at"])
    renja_services.audit_log(obj=locked, action="forum.finalised", by=by, data={"nomor": nomor, "sha256": sha})
    return BeritaAcara.objects.get(pk=ba.pk)  # as stored now: with its PDF only if the queue already rendered it


def _queue_render(ba: BeritaAcara, *, verify_url: str, attempt: int = 1, delay_s: int = 0) -> None:
    from .tasks import berita_acara_render

    job = berita_acara_render
    if delay_s:
        job = job.using(run_after=timezone.now() + datetime.timedelta(seconds=delay_s))
    job.enqueue(berita_acara_id=ba.pk, verify_url=verify_url, attempt=attempt)


def berita_acara_render_pdf(*, berita_acara_id: int, verify_url: str, attempt: int = 1) -> dict:
    """The queued rendering itself (forum.tasks.berita_acara_render): the PDF of the frozen snapshot, stored once.
    Rendering again (a retry, a second worker) changes nothing once a PDF is stored. A failure is logged and queued
    again after 30 s, 60 s, up to settings.SYNC_TASK_ATTEMPTS in all; the forum page queues it again after that."""
    from .pdf import render_berita_acara  # WeasyPrint is slow to import: only when a PDF is made

    ba = BeritaAcara.objects.filter(pk=berita_acara_id).first()
    if ba is None or ba.pdf:
        return {"dibuat": False}
    try:
        pdf = render_berita_acara(ba.snapshot, draft=False, fingerprint=ba.sha256, verify_url=verify_url)
        with transaction.atomic():
            ba = BeritaAcara.objects.select_for_update().get(pk=berita_acara_id)
            if ba.pdf:
                return {"dibuat": False}
            ba.pdf.save(f"BA-{ba.forum_id}-{ba.sha256[:12]}.pdf", ContentFile(pdf), save=False)
            ba.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
            ba.save(update_fields=["pdf", "pdf_sha256"])
    except Exception:
        logger.exception("PDF berita acara %s gagal dibuat (percobaan %s)", berita_acara_id, attempt)
        if attempt < settings.SYNC_TASK_ATTEMPTS:
            _queue_render(ba, verify_url=verify_url, attempt=attempt + 1, delay_s=30 * attempt)
        raise
    return {"dibuat": True, "bytes": len(pdf)}


def berita_acara_render_state(ba: BeritaAcara) -> dict | None:
    """While a berita acara has no PDF yet: since when its rendering waits or runs. None once the PDF is there."""
    if ba.pdf:
        return None
    from django_tasks_db.models import DBTaskResult

    task = (
        DBTaskResult.objects.filter(
            task_path="forum.tasks.berita_acara_render",
            status__in=["READY", "RUNNING"],
            args_kwargs__kwargs__berita_acara_id=ba.pk,
        )
        .order_by("-status")
        .first()
    )
    if task is None:
        return {"running": False, "since": None}
    return {"running": task.status == "RUNNING", "since": task.started_at or task.enqueued_at}


@transaction.atomic
def berita_acara_render_again(*, ba: BeritaAcara, verify_url: str, by: User) -> bool:
    """Queue the PDF again when none is stored and none is waiting or running (the worker was down, or every attempt
    failed). Returns whether it was queued."""
    state = berita_acara_render_state(ba)
    if state is None or state["since"] is not None:
        return False
    _queue_render(ba, verify_url=verify_url)
    renja_services.audit_log(obj=ba.forum, action="forum.pdf_requeued", by=by, data={"nomor": ba.nomor})
    return True


@transaction.atomic
def forum_sign(*, forum: Forum, by: User, scan: bytes | None = None) -> BeritaAcara:
    """Record the signing of a final berita acara (optionally with the scanned, wet-signed PDF)."""
    locked = _lock(forum)
    _ensure_open(locked.fiscal_year)
    if locked.status != Forum.Status.FINAL:
        raise ValidationError(
            _("Hanya berita acara yang sudah final dan belum ditandatangani yang dapat ditandatangani.")
        )
    ba = BeritaAcara.objects.select_for_update().get(forum=locked)
    if not ba.pdf:
        raise ValidationError(
            _("PDF berita acara masih dibuat; catat penandatanganan setelah PDF siap diunduh."), code="pdf_pending"
        )
    if scan is not None:
        if not scan.startswith(b"%PDF"):
            raise ValidationError(_("Pindaian tanda tangan harus berkas PDF."))
        ba.signed_scan.save(f"BA-{locked.pk}-ttd.pdf", ContentFile(scan), save=False)
        ba.signed_scan_sha256 = hashlib.sha256(scan).hexdigest()
    ba.signed_by, ba.signed_at = by, timezone.now()
    ba.save()
    sync_services.overlap_sign(pairs=list(locked.overlaps.all()), nomor=ba.nomor, forum=locked.judul, by=by)
    locked.status = Forum.Status.SIGNED
    locked.version += 1
    locked.save(update_fields=["status", "version", "updated_at"])
    renja_services.audit_log(obj=locked, action="forum.signed", by=by, data={"nomor": ba.nomor, "scan": bool(scan)})
    return ba


@transaction.atomic
def forum_correct(*, forum: Forum, by: User) -> Forum:
    """Start a correction of a signed forum: a new draft with the same facts, people and clauses; the old stays."""
    locked = _lock(forum)
    _ensure_open(locked.fiscal_year)
    if locked.status != Forum.Status.SIGNED:
        raise ValidationError(_("Koreksi hanya untuk forum yang sudah ditandatangani."))
    if hasattr(locked, "correction"):
        raise ValidationError(_("Forum ini sudah memiliki versi koreksi."))
    copy = Forum.objects.create(
        fiscal_year=locked.fiscal_year, corrects=locked, **{f: getattr(locked, f) for f in FORUM_FIELDS}
    )
    copy.opd.set(locked.opd.all())
    Attendance.objects.bulk_create(
        [
            Attendance(
                forum=copy,
                nama=person.nama,
                unsur=person.unsur,
                jabatan=person.jabatan,
                kontak=person.kontak,
                opd_id=person.opd_id,
                pangkat=person.pangkat,
                nip=person.nip,
                signs_as_representative=person.signs_as_representative,
                checked_in_at=person.checked_in_at,
                position=person.position,
            )
            for person in locked.attendance.all()
        ]
    )
    Clause.objects.bulk_create(
        [Clause(forum=copy, position=clause.position, text=clause.text) for clause in locked.clauses.all()]
    )
    renja_services.audit_log(obj=copy, action="forum.correction_started", by=by, data={"koreksi_dari": locked.pk})
    return copy


@transaction.atomic
def forum_agenda_add_overlap(*, forum: Forum, overlap: Overlap, by: User) -> None:
    """Put an overlapping pair of two participating agencies on a draft forum's agenda, to be settled there."""
    forum = _lock(forum)
    _ensure_draft(forum)
    if overlap.fiscal_year_id != forum.fiscal_year_id:
        raise ValidationError(_("Pasangan ini bukan untuk tahun Renja forum ini."), code="year")
    participants = set(forum.opd.values_list("pk", flat=True))
    missing = [o.singkatan for o in (overlap.opd_a, overlap.opd_b) if o.pk not in participants]
    if missing:
        raise ValidationError(_("%(opd)s bukan peserta forum ini.") % {"opd": ", ".join(missing)}, code="participant")
    if forum.overlaps.filter(pk=overlap.pk).exists():
        return
    forum.overlaps.add(overlap)
    sync_services.overlap_release_for_forum(overlap=overlap, forum=forum.judul, by=by)
    renja_services.audit_log(
        obj=forum, action="forum.overlap_added", by=by, data={"pasangan": [overlap.row_a.ref, overlap.row_b.ref]}
    )


@transaction.atomic
def forum_agenda_remove_overlap(*, forum: Forum, overlap: Overlap, by: User) -> None:
    forum = _lock(forum)
    _ensure_draft(forum)
    forum.overlaps.remove(overlap)
    renja_services.audit_log(
        obj=forum, action="forum.overlap_removed", by=by, data={"pasangan": [overlap.row_a.ref, overlap.row_b.ref]}
    )


def _usulan_of_forum(forum: Forum, usulan):
    """The usulan as one routed to this draft forum's participants, or a refusal."""
    if not selectors.routed_usulan(forum).filter(pk=usulan.pk).exists():
        raise ValidationError(
            _("Usulan %(id)s tidak diteruskan ke OPD peserta forum ini.") % {"id": usulan.id_usulan},
            code="participant",
        )


@transaction.atomic
def forum_usulan_carry(*, forum: Forum, usulan_list: list, by: User, alasan: str = "") -> int:
    """Carry undecided usulan of the forum's participants to the Musrenbang kabupaten, all or none (a step at the
    forum's level on each usulan's trail; Lampiran VI lists them). Returns how many were carried."""
    locked = _lock(forum)
    _ensure_draft(locked)
    participants = set(locked.opd.values_list("pk", flat=True))
    alasan = (alasan or "").strip()
    if len(alasan) > 500:
        raise ValidationError({"alasan": [_("Alasan paling panjang 500 karakter.")]})
    for usulan in usulan_list:
        _usulan_of_forum(locked, usulan)
        usulan_services.usulan_carry_to_kabupaten(usulan=usulan, by=by, alasan=alasan, participants=participants)
    return len(usulan_list)


@transaction.atomic
def forum_usulan_reroute(*, forum: Forum, usulan, opd: Opd, by: User):
    """Re-route an usulan one participant returned to another participant, at the forum; that agency's
    representative or the facilitator then decides it there."""
    locked = _lock(forum)
    _ensure_draft(locked)
    _usulan_of_forum(locked, usulan)
    participants = set(locked.opd.values_list("pk", flat=True))
    return usulan_services.usulan_reroute_at_forum(usulan=usulan, opd=opd, by=by, participants=participants)
