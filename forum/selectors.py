"""Reads of the forum app, above all the snapshot: everything the berita acara shows, as plain JSON data."""

from __future__ import annotations

from collections import Counter

from django.conf import settings
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from core.formatting import angka
from musrenbang import decisions
from musrenbang.models import Decision, Pickup, Usulan
from renja.models import RenjaRow
from sinkronisasi import selectors as sync_selectors

from .models import Forum
from .terbilang import hari, kalimat_pembuka, tanggal_panjang, terbilang


def ordinal(n: int) -> str:
    """KESATU, KEDUA, … for the agreement clauses."""
    return "KESATU" if n == 1 else "KE" + terbilang(n).upper()


def agreed_rows(forum: Forum):
    """Renja rows of the participating agencies that the forum settles (Lampiran II), with what the table shows."""
    return (
        RenjaRow.objects.filter(fiscal_year=forum.fiscal_year, opd__in=forum.opd.all())
        .exclude(status=RenjaRow.Status.FINAL)
        .select_related("opd", "sub_kegiatan__parent__parent")
        .prefetch_related(
            "lokasi",
            Prefetch(
                "pickups",
                queryset=Pickup.objects.filter(dibatalkan_oleh__isnull=True).select_related("usulan"),
            ),
        )
        .order_by("opd__singkatan", "kode", "ref")
    )


def not_agreed_usulan(forum: Forum, *, pokir: bool):
    """Usulan routed to the participating agencies and not agreed (Lampiran III, or IV for Pokir DPRD)."""
    qs = Usulan.objects.filter(
        fiscal_year=forum.fiscal_year, opd_tujuan__in=forum.opd.all(), status__in=decisions.NOT_AGREED
    )
    qs = qs.filter(sumber=Usulan.Sumber.POKIR) if pokir else qs.exclude(sumber=Usulan.Sumber.POKIR)
    return (
        qs.select_related("desa__parent", "opd_tujuan")
        .prefetch_related(Prefetch("decisions", queryset=Decision.objects.order_by("at", "id")))
        .order_by("opd_tujuan__singkatan", "desa__parent__nama", "id_usulan")
    )


def finalise_facts(forum: Forum) -> dict[str, int]:
    """The numbers the finalise confirmation states: rows to be agreed, usulan not agreed, attendees, overlaps."""
    from sinkronisasi.models import Overlap

    pairs = forum.overlaps.all()
    people = forum.attendance.all()
    return {
        "baris": agreed_rows(forum).count(),
        "usulan": not_agreed_usulan(forum, pokir=False).count(),
        "pokir": not_agreed_usulan(forum, pokir=True).count(),
        "peserta": people.count(),
        "hadir": people.filter(checked_in_at__isnull=False).count(),
        "butir": forum.clauses.count(),
        "beririsan": pairs.exclude(status=Overlap.Status.OPEN).count(),
        "terbuka": pairs.filter(status=Overlap.Status.OPEN).count(),
    }


def _source_summary(row: RenjaRow) -> str:
    picks = list(row.pickups.all())
    if not picks:
        return "Renja OPD"
    counts = Counter(p.usulan.get_sumber_display() for p in picks)
    return "; ".join(f"{name} ({n})" for name, n in sorted(counts.items()))


def _reason(usulan: Usulan) -> str:
    decisions = list(usulan.decisions.all())
    return decisions[-1].alasan if decisions else ""


def _settlement_text(overlap) -> str:
    if overlap.status == overlap.Status.COORDINATION and overlap.opd_pengampu:
        return _("Koordinasi, OPD pengampu %(opd)s") % {"opd": overlap.opd_pengampu.singkatan}
    if overlap.status == overlap.Status.DUPLICATION and overlap.dropped_row:
        return _("Duplikasi, baris %(ref)s diusulkan dihapus") % {"ref": overlap.dropped_row.ref}
    if overlap.status == overlap.Status.COMPLEMENTARY:
        return _("Saling melengkapi")
    return _("Belum disepakati")


def agenda_overlaps(forum: Forum) -> list[dict]:
    """The overlapping pairs the forum settled (or still has open), as the berita acara shows them."""
    pairs = forum.overlaps.select_related("row_a", "row_b", "opd_a", "opd_b", "opd_pengampu", "dropped_row")
    out = []
    for p in pairs.order_by("agency_pair", "-score", "pk"):
        out.append(
            {
                "a": {"ref": p.row_a.ref, "opd": p.opd_a.singkatan, "nama": p.row_a.nama, "pagu": p.row_a.pagu},
                "b": {"ref": p.row_b.ref, "opd": p.opd_b.singkatan, "nama": p.row_b.nama, "pagu": p.row_b.pagu},
                "skor": round(p.score, 3),
                "alasan": sync_selectors.reasons(p.signals, rows=(p.row_a, p.row_b)),
                "status": p.status,
                "status_label": str(p.get_status_display()),
                "kesepakatan": _settlement_text(p),
                "pengampu": p.opd_pengampu.singkatan if p.opd_pengampu else "",
                "dihapus": p.dropped_row.ref if p.dropped_row else "",
                "catatan": p.note,
            }
        )
    return out


def forum_snapshot(forum: Forum, *, nomor: str = "") -> dict:
    """Everything the berita acara shows, frozen as JSON-ready data (the same function renders drafts)."""
    people = list(forum.attendance.all())
    rows = []
    for row in agreed_rows(forum):
        kegiatan = row.sub_kegiatan.parent
        program = kegiatan.parent if kegiatan else None
        rows.append(
            {
                "id": row.pk,
                "ref": row.ref,
                "opd": row.opd.singkatan,
                "kode": row.kode,
                "program": program.nama if program else "",
                "kegiatan": kegiatan.nama if kegiatan else "",
                "sub_kegiatan": row.nama,
                "indikator": row.indikator,
                "target": f"{angka(row.target)} {row.satuan}".strip(),
                "lokasi": ", ".join(w.nama for w in row.lokasi.all()) or "Se-kabupaten",
                "pagu": row.pagu,
                "sumber": _source_summary(row),
            }
        )

    def usulan_items(pokir: bool) -> list[dict]:
        return [
            {
                "id_usulan": u.id_usulan,
                "desa": u.desa.nama,
                "kecamatan": u.desa.parent.nama if u.desa.parent else "",
                "usulan": u.usulan,
                "opd": u.opd_tujuan.singkatan if u.opd_tujuan else "",
                "anggaran": u.anggaran,
                "status": u.get_status_display(),
                "alasan": _reason(u),
                "pengusul": (u.anggota_dprd or u.pengusul) if pokir else "",
                "fraksi": u.fraksi if pokir else "",
            }
            for u in not_agreed_usulan(forum, pokir=pokir)
        ]

    return {
        "pemda": dict(settings.PEMDA),
        "nomor": nomor,
        "forum_id": forum.pk,
        "jenis": forum.jenis,
        "jenis_label": str(forum.get_jenis_display()),
        "judul": forum.judul,
        "rumpun": forum.rumpun,
        "tahun": forum.fiscal_year.year,
        "tanggal": forum.tanggal.isoformat(),
        "hari": hari(forum.tanggal),
        "tanggal_panjang": tanggal_panjang(forum.tanggal),
        "kalimat_pembuka": kalimat_pembuka(forum.tanggal),
        "mulai": forum.mulai.strftime("%H.%M"),
        "selesai": forum.selesai.strftime("%H.%M"),
        "tempat": forum.tempat,
        "opd": [{"singkatan": o.singkatan, "nama": o.nama} for o in forum.opd.order_by("singkatan")],
        "pimpinan": {"nama": forum.pimpinan_nama, "jabatan": forum.pimpinan_jabatan, "nip": forum.pimpinan_nip},
        "jumlah_peserta": len(people),
        # The snapshot's keys are the signed documents' own (their fingerprints cover them): they never change.
        "kehadiran": [
            {"nama": p.nama, "unsur": p.unsur, "jabatan": p.jabatan, "wakil": p.signs_as_representative} for p in people
        ],
        "kesepakatan": [{"urut": ordinal(c.position), "teks": c.text} for c in forum.clauses.all()],
        "lampiran_ii": rows,
        "lampiran_iii": usulan_items(pokir=False),
        "lampiran_iv": usulan_items(pokir=True),
        "beririsan": agenda_overlaps(forum),
    }
