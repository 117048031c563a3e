"""Reads of the forum app, above all the snapshot: everything the berita acara shows, as plain JSON data."""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.db.models import Prefetch, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.formatting import angka, nip, place_label
from musrenbang import decisions
from musrenbang.models import Decision, Pickup, Usulan
from renja import selectors as renja_selectors
from renja.models import RenjaRow
from sinkronisasi import selectors as sync_selectors

from .models import Forum
from .terbilang import hari, kalimat_pembuka, tanggal_panjang, terbilang


def ordinal(n: int) -> str:
    """KESATU, KEDUA, … for the agreement clauses."""
    return "KESATU" if n == 1 else "KE" + terbilang(n).upper()


# The berita acara's snapshot shape. 1 (no "versi" key): the documents signed before the tata naskah form; they are
# rendered with their own template (templates/forum/berita_acara_pdf_v1.html) and never rebuilt.
SNAPSHOT_VERSION = 2

# Usulan an agency settled by taking them into a Renja row (Lampiran II, under that row).
AGREED = (*sorted(decisions.ACCEPTED), decisions.MERGED)


def agreed_rows(forum: Forum):
    """Renja rows of the participating agencies that the forum settles (Lampiran II), with what the table shows:
    the rows still open on the agenda, and any row an usulan routed to a participant was taken into (or merged
    into) even if already final, so that every agreed usulan has its row in the document."""
    participants = forum.opd.all()
    picked = Pickup.objects.filter(
        dibatalkan_oleh__isnull=True,
        usulan__fiscal_year=forum.fiscal_year,
        usulan__opd_tujuan__in=participants,
        usulan__status__in=decisions.ACCEPTED,
    ).values("renja_row")
    merged = _merge_decisions(forum).values("digabung_ke_renja")
    return (
        RenjaRow.objects.filter(fiscal_year=forum.fiscal_year)
        .filter((Q(opd__in=participants) & ~Q(status=RenjaRow.Status.FINAL)) | Q(pk__in=picked) | Q(pk__in=merged))
        .select_related("opd", "sub_kegiatan__parent__parent")
        .prefetch_related("lokasi")
        .order_by("opd__kode_unit", "opd__singkatan", "kode", "ref")
    )


def _merge_decisions(forum: Forum):
    """The merge decisions of the participants' usulan merged into a Renja row (a merge settles: it is the last)."""
    return Decision.objects.filter(
        kind=decisions.MERGED,
        digabung_ke_renja__isnull=False,
        usulan__fiscal_year=forum.fiscal_year,
        usulan__opd_tujuan__in=forum.opd.all(),
        usulan__status=decisions.MERGED,
    )


# Carried from the forum to the Musrenbang kabupaten, undecided (Lampiran VI).
CARRIED = decisions.CARRIED_TO_KABUPATEN


def routed_usulan(forum: Forum):
    """Every usulan of the year routed to a participating agency (Bappeda's routing done: not still at the
    Musrenbang levels): each one is in exactly one part of the berita acara (agreed under its row in Lampiran II, not
    agreed in III/IV, carried to the Musrenbang kabupaten in VI)."""
    return Usulan.objects.filter(fiscal_year=forum.fiscal_year, opd_tujuan__in=forum.opd.all()).exclude(
        status__in=decisions.BEFORE_ROUTING
    )


def not_agreed_usulan(forum: Forum, *, pokir: bool):
    """Usulan routed to the participating agencies and not agreed (Lampiran III, or IV for Pokir DPRD)."""
    qs = routed_usulan(forum).filter(status__in=decisions.NOT_AGREED)
    qs = qs.filter(sumber=Usulan.Sumber.POKIR) if pokir else qs.exclude(sumber=Usulan.Sumber.POKIR)
    return (
        qs.select_related("desa__parent", "opd_tujuan")
        .prefetch_related(Prefetch("decisions", queryset=Decision.objects.order_by("at", "id")))
        .order_by("opd_tujuan__kode_unit", "opd_tujuan__singkatan", "desa__parent__nama", "id_usulan")
    )


def open_usulan(forum: Forum):
    """Usulan routed to the participants that are neither agreed, nor not agreed, nor carried to the Musrenbang
    kabupaten: the forum still has to decide them or carry them (finalising is refused while any is left)."""
    return (
        routed_usulan(forum)
        .exclude(status__in=[*AGREED, *decisions.NOT_AGREED, CARRIED])
        .select_related("desa__parent", "opd_tujuan")
        .order_by("opd_tujuan__kode_unit", "opd_tujuan__singkatan", "desa__parent__nama", "id_usulan")
    )


def undecided_usulan(forum: Forum) -> list[Usulan]:
    """The open usulan as a list (the finalise refusal names them)."""
    return list(open_usulan(forum))


def _with_trail(usulan):
    """Usulan with their steps in order (the last one's reason is printed)."""
    return usulan.prefetch_related(Prefetch("decisions", queryset=Decision.objects.order_by("at", "id")))


def carried_usulan(forum: Forum):
    """Usulan the forum carried to the Musrenbang kabupaten, undecided (the berita acara's own lampiran)."""
    return (
        routed_usulan(forum)
        .filter(status=CARRIED)
        .select_related("desa__parent", "opd_tujuan")
        .prefetch_related(Prefetch("decisions", queryset=Decision.objects.order_by("at", "id")))
        .order_by("opd_tujuan__kode_unit", "opd_tujuan__singkatan", "desa__parent__nama", "id_usulan")
    )


def ceilings(forum: Forum) -> list[dict]:
    """Each participating agency's pagu indikatif (PaguOpd) against the sum of its rows of the year, as JSON-ready
    data (renja.selectors.ceiling_status): `selisih` is the sum minus the ceiling (over it when positive); `pagu` is
    None where Bappeda set no ceiling."""
    return [
        {
            "singkatan": c.opd.singkatan,
            "nama": c.opd.nama,
            "pagu": c.pagu,
            "jumlah": c.jumlah,
            "selisih": c.difference,
            "melebihi": c.over,
        }
        for c in renja_selectors.ceiling_status(forum.fiscal_year, opd_ids=forum.opd.values_list("pk", flat=True))
    ]


def finalise_facts(forum: Forum) -> dict[str, int]:
    """The numbers the finalise confirmation states: rows to be agreed, usulan not agreed, attendees, overlaps."""
    from sinkronisasi.models import Overlap

    pairs = forum.overlaps.all()
    people = forum.attendance.all()
    return {
        "baris": agreed_rows(forum).count(),
        "terbuka_usulan": open_usulan(forum).count(),
        "dibawa": carried_usulan(forum).count(),
        "dikembalikan": routed_usulan(forum).filter(status=decisions.RETURNED).count(),
        "usulan": not_agreed_usulan(forum, pokir=False).count(),
        "pokir": not_agreed_usulan(forum, pokir=True).count(),
        "peserta": people.count(),
        "hadir": people.filter(checked_in_at__isnull=False).count(),
        "butir": forum.clauses.count(),
        "beririsan": pairs.exclude(status=Overlap.Status.OPEN).count(),
        "terbuka": pairs.filter(status=Overlap.Status.OPEN).count(),
    }


def _reason(usulan: Usulan) -> str:
    steps = list(usulan.decisions.all())
    return steps[-1].alasan if steps else ""


def _settlement_text(overlap) -> str:
    if overlap.status == overlap.Status.COORDINATION and overlap.opd_pengampu:
        return _("Koordinasi, OPD pengampu %(opd)s") % {"opd": overlap.opd_pengampu.singkatan}
    if overlap.status == overlap.Status.DUPLICATION and overlap.dropped_row:
        return _("Duplikasi, baris %(ref)s diusulkan dihapus") % {"ref": overlap.dropped_row.ref}
    if overlap.status == overlap.Status.COMPLEMENTARY:
        return _("Saling melengkapi")
    return _("Belum disepakati")


def _row_words(row: RenjaRow) -> str:
    """A row as people name it: its official name, and the agency's own wording when it has one."""
    return f"{row.nama} ({row.rincian})" if row.rincian and row.rincian != row.nama else row.nama


def _settlement_sentence(overlap) -> str:
    """How the forum settled a pair, as a sentence for the berita acara: the agencies by their full names, the rows by
    their names, no references, scores or machine reasons."""
    a, b = overlap.opd_a.nama, overlap.opd_b.nama
    if overlap.status == overlap.Status.COORDINATION and overlap.opd_pengampu:
        return _(
            "Kedua kegiatan dilaksanakan secara terkoordinasi; %(lead)s ditetapkan sebagai Perangkat Daerah pengampu "
            "dan Perangkat Daerah lainnya sebagai pendukung."
        ) % {"lead": overlap.opd_pengampu.nama}
    if overlap.status == overlap.Status.DUPLICATION and overlap.dropped_row:
        keeper = overlap.opd_b if overlap.dropped_row.pk == overlap.row_a_id else overlap.opd_a
        dropper = overlap.opd_a if keeper == overlap.opd_b else overlap.opd_b
        return _(
            "Kedua kegiatan merupakan duplikasi; kegiatan %(row)s pada %(dropper)s diusulkan dihapus dan "
            "dilaksanakan oleh %(keeper)s."
        ) % {"row": overlap.dropped_row.nama, "dropper": dropper.nama, "keeper": keeper.nama}
    if overlap.status == overlap.Status.COMPLEMENTARY:
        return _(
            "Kedua kegiatan saling melengkapi dan tetap dilaksanakan oleh %(a)s dan %(b)s sesuai kewenangannya."
        ) % {"a": a, "b": b}
    return _("Belum disepakati.")


def agenda_overlaps(forum: Forum) -> list[dict]:
    """The overlapping pairs the forum settled (or still has open), as the berita acara shows them."""
    pairs = forum.overlaps.select_related("row_a", "row_b", "opd_a", "opd_b", "opd_pengampu", "dropped_row")
    out = []
    for p in pairs.order_by("agency_pair", "-score", "pk"):
        out.append(
            {
                "a": {
                    "ref": p.row_a.ref,
                    "opd": p.opd_a.singkatan,
                    "opd_nama": p.opd_a.nama,
                    "nama": p.row_a.nama,
                    "rincian": p.row_a.rincian,
                    "pagu": p.row_a.pagu,
                },
                "b": {
                    "ref": p.row_b.ref,
                    "opd": p.opd_b.singkatan,
                    "opd_nama": p.opd_b.nama,
                    "nama": p.row_b.nama,
                    "rincian": p.row_b.rincian,
                    "pagu": p.row_b.pagu,
                },
                "skor": round(p.score, 3),
                "alasan": sync_selectors.reasons(p.signals, rows=(p.row_a, p.row_b)),
                "status": p.status,
                "status_label": str(p.get_status_display()),
                "kesepakatan": _settlement_text(p),
                "kalimat": _settlement_sentence(p),
                "pengampu": p.opd_pengampu.singkatan if p.opd_pengampu else "",
                "dihapus": p.dropped_row.ref if p.dropped_row else "",
                "catatan": p.note,
            }
        )
    return out


def _place(usulan: Usulan) -> dict:
    desa = usulan.desa
    return {
        "desa": place_label(desa.nama, desa.tingkat) if desa else "",
        "kecamatan": desa.parent.nama if desa and desa.parent else "",
    }


def _usulan_item(u: Usulan) -> dict:
    return {
        "id_usulan": u.id_usulan,
        **_place(u),
        "usulan": u.usulan,
        "opd": u.opd_tujuan.singkatan if u.opd_tujuan else "",
        "volume": angka(u.volume),
        "satuan": u.satuan,
        "prioritas": u.prioritas,
        "anggaran": u.anggaran,
        "status": str(u.get_status_display()),
        "alasan": _reason(u),
    }


def _pokir_item(u: Usulan) -> dict:
    return {
        **_usulan_item(u),
        "anggota_dprd": u.anggota_dprd or u.pengusul,
        "fraksi": u.fraksi,
        "dapil": u.dapil,
    }


def _lampiran_ii(forum: Forum) -> tuple[list[dict], list[dict]]:
    """The rows of Lampiran II with the usulan each takes (picked up into it, or merged into it), and the agreed
    usulan that no row of the document takes (merged into another usulan, or their pick-up cancelled)."""
    participants = set(forum.opd.values_list("pk", flat=True))
    merged_into_row = defaultdict(list)
    for step in _merge_decisions(forum).select_related("usulan__desa__parent").order_by("usulan__id_usulan"):
        merged_into_row[step.digabung_ke_renja_id].append(step.usulan)
    placed: set[int] = set()
    rows = []
    for row in agreed_rows(forum).prefetch_related(
        Prefetch(
            "pickups",
            queryset=Pickup.objects.filter(dibatalkan_oleh__isnull=True, usulan__status__in=decisions.ACCEPTED)
            .select_related("usulan__desa__parent")
            .order_by("usulan__id_usulan", "pk"),
            to_attr="live_pickups",
        )
    ):
        kegiatan = row.sub_kegiatan.parent
        program = kegiatan.parent if kegiatan else None
        taken = []
        for usulan in [p.usulan for p in row.live_pickups] + merged_into_row.get(row.pk, []):
            if usulan.opd_tujuan_id not in participants or any(t["id_usulan"] == usulan.id_usulan for t in taken):
                continue
            placed.add(usulan.pk)
            taken.append(
                {
                    "id_usulan": usulan.id_usulan,
                    **_place(usulan),
                    "usulan": usulan.usulan,
                    "keputusan": str(usulan.get_status_display()),
                }
            )
        rows.append(
            {
                "id": row.pk,
                "ref": row.ref,
                "opd": row.opd.singkatan,
                "opd_nama": row.opd.nama,
                "kode": row.kode,
                "program_kode": program.kode if program else "",
                "program": program.nama if program else "",
                "kegiatan_kode": kegiatan.kode if kegiatan else "",
                "kegiatan": kegiatan.nama if kegiatan else "",
                "sub_kegiatan": row.nama,
                "rincian": row.rincian,
                "indikator": row.indikator,
                "target": f"{angka(row.target)} {row.satuan}".strip(),
                "target_n1": f"{angka(row.target_n1)} {row.satuan}".strip() if row.target_n1 is not None else "",
                "lokasi": ", ".join(w.nama for w in row.lokasi.all()) or "Se-kabupaten",
                "pagu": row.pagu,
                "pagu_n1": row.pagu_n1,
                "sumber_dana": str(row.get_sumber_dana_display()) if row.sumber_dana else "",
                "usulan": taken,
            }
        )
    others = [
        {
            "id_usulan": u.id_usulan,
            **_place(u),
            "usulan": u.usulan,
            "opd": u.opd_tujuan.singkatan,
            "keputusan": str(u.get_status_display()),
            "catatan": (
                _("digabung ke usulan %(id)s") % {"id": u.digabung_ke.id_usulan} if u.digabung_ke_id else _reason(u)
            ),
        }
        for u in routed_usulan(forum)
        .filter(status__in=AGREED)
        .exclude(pk__in=placed)
        .select_related("desa__parent", "opd_tujuan", "digabung_ke")
        .prefetch_related(Prefetch("decisions", queryset=Decision.objects.order_by("at", "id")))
        .order_by("opd_tujuan__kode_unit", "opd_tujuan__singkatan", "id_usulan")
    ]
    return rows, others


def _representatives(forum: Forum, people: list) -> list[dict]:
    """Who signs for the participants, numbered 1…n: by default one per participating agency — the attendee marked
    as its representative (by agency, else by the unit written on the list), else its head as the agency profile
    names them —, then any other attendee marked as a representative. The chair signs once, as chair."""
    chair = forum.pimpinan_nama.strip().casefold()
    flagged = [
        p
        for p in people
        if p.signs_as_representative and p.checked_in_at is not None and p.nama.strip().casefold() != chair
    ]  # who never checked in signs nothing
    used: set[int] = set()
    out = []

    def person(p) -> dict:
        used.add(p.pk)
        return {"nama": p.nama, "jabatan": p.jabatan, "unit": p.unsur, "pangkat": p.pangkat, "nip": nip(p.nip)}

    for opd in forum.opd.order_by("kode_unit", "singkatan"):
        names = {opd.nama.casefold(), opd.singkatan.casefold()}
        match = next((p for p in flagged if p.pk not in used and p.opd_id == opd.pk), None) or next(
            (p for p in flagged if p.pk not in used and p.opd_id is None and p.unsur.strip().casefold() in names),
            None,
        )
        if match is not None:
            out.append({**person(match), "unit": opd.nama})
        elif opd.kepala_nama:
            out.append(
                {
                    "nama": opd.kepala_nama,
                    "jabatan": opd.kepala_jabatan,
                    "unit": opd.nama,
                    "pangkat": opd.kepala_pangkat,
                    "nip": nip(opd.kepala_nip),
                }
            )
        else:
            out.append({"nama": "", "jabatan": _("Kepala"), "unit": opd.nama, "pangkat": "", "nip": ""})
    out += [person(p) for p in flagged if p.pk not in used]
    return out


def forum_snapshot(forum: Forum, *, nomor: str = "") -> dict:
    """Everything the berita acara shows, frozen as JSON-ready data (the same function renders drafts), always in
    Indonesian: the signed document's text must not follow the interface language of whoever finalises it."""
    with translation.override(settings.LANGUAGE_CODE):
        return _forum_snapshot(forum, nomor=nomor)


def _forum_snapshot(forum: Forum, *, nomor: str) -> dict:
    people = list(forum.attendance.all())
    present = [p for p in people if p.checked_in_at is not None]
    rows, others = _lampiran_ii(forum)
    carried = [{**_usulan_item(u), "dibawa": True} for u in carried_usulan(forum)] + [
        {**_usulan_item(u), "dibawa": False} for u in _with_trail(open_usulan(forum))
    ]
    return {
        "versi": SNAPSHOT_VERSION,
        "pemda": {k: v for k, v in settings.PEMDA.items() if k != "nomor_berita_acara"},
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
        "opd": [{"singkatan": o.singkatan, "nama": o.nama} for o in forum.opd.order_by("kode_unit", "singkatan")],
        "pimpinan": {
            "nama": forum.pimpinan_nama,
            "jabatan": forum.pimpinan_jabatan,
            "pangkat": forum.pimpinan_pangkat,
            "nip": nip(forum.pimpinan_nip),
        },
        "jumlah_undangan": len(people),
        "jumlah_hadir": len(present),
        "kehadiran": [
            {
                "nama": p.nama,
                "unsur": p.unsur,
                "jabatan": p.jabatan,
                "hadir": timezone.localtime(p.checked_in_at).strftime("%H.%M") if p.checked_in_at else "",
            }
            for p in people
        ],
        "perwakilan": _representatives(forum, people),
        "kesepakatan": [{"urut": ordinal(c.position), "teks": c.text} for c in forum.clauses.all()],
        "pagu_opd": ceilings(forum),
        "lampiran_ii": rows,
        "lampiran_ii_lain": others,
        "lampiran_iii": [_usulan_item(u) for u in not_agreed_usulan(forum, pokir=False)],
        "lampiran_iv": [_pokir_item(u) for u in not_agreed_usulan(forum, pokir=True)],
        "dibawa_kabupaten": carried,
        "beririsan": agenda_overlaps(forum),
    }
