"""The demo Forum Lintas Perangkat Daerah of 12 March 2025 (Renja 2026) at Gedung Bappeda Kukar.

The agencies and the date are real; the people's names are invented for the demo.
"""

from __future__ import annotations

import datetime

from renja.models import FiscalYear, Opd, User

from . import services
from .models import Forum

TITLE = "Forum Lintas Perangkat Daerah Bidang Sosial, Kependudukan, Perlindungan Anak dan Kesehatan"
PEOPLE = [
    ("Drs. H. Ahmad Rifani, M.Si", "Sekretariat Kabupaten", "Asisten Administrasi Umum (Asisten III)", True),
    ("Ir. Sri Wahyuni, M.T", "Bappeda", "Kepala Bappeda", True),
    ("Muhammad Arifin, S.Sos", "Bappeda", "Kepala Bidang Pemerintahan dan Pembangunan Manusia", False),
    ("Rina Kartika, S.E", "Bappeda", "Perencana Ahli Muda", False),
    ("Hj. Siti Aisyah, S.Sos, M.AP", "Dinas Sosial", "Kepala Dinas", True),
    ("Bambang Setiawan, S.ST", "Dinas Sosial", "Kepala Bidang Rehabilitasi Sosial", False),
    ("dr. Hendra Gunawan, M.Kes", "Dinas Kesehatan", "Kepala Dinas", True),
    ("Nurul Hidayah, S.KM", "Dinas Kesehatan", "Kepala Bidang Kesehatan Masyarakat", False),
    ("Drs. Yusran Effendi", "DP2KB", "Kepala Dinas", True),
    ("Dewi Lestari, S.Psi", "DP2KB", "Kepala Bidang Ketahanan dan Kesejahteraan Keluarga", False),
    ("Hj. Maslinda, S.H., M.H", "DP3A", "Kepala Dinas", True),
    ("Andi Saputra, S.Kom", "DP3A", "Kepala Bidang Pemenuhan Hak Anak", False),
    ("Yohanes Pasaribu, S.STP", "Kecamatan Tenggarong", "Sekretaris Camat", False),
    ("Fitriani, S.Pd", "Forum Anak Daerah Kukar", "Pendamping", False),
    ("H. Syahrani", "Persatuan Penyandang Disabilitas Indonesia Kukar", "Ketua", True),
]


def seed_demo_forum(*, fiscal_year: FiscalYear, facilitator: User) -> Forum:
    """Create the demo forum as a draft with its attendance (running it again changes nothing)."""
    existing = Forum.objects.filter(fiscal_year=fiscal_year, judul=TITLE).first()
    if existing is not None:
        return existing
    forum = services.forum_create(
        fiscal_year=fiscal_year,
        by=facilitator,
        opd_list=list(Opd.objects.filter(singkatan__in=["Dinsos", "DP2KB", "DP3A", "Dinkes"])),
        data={
            "jenis": Forum.Jenis.FORUM_LINTAS_PD,
            "judul": TITLE,
            "rumpun": "Sosial dan Kesehatan",
            "tanggal": datetime.date(2025, 3, 12),
            "mulai": datetime.time(9, 0),
            "selesai": datetime.time(12, 30),
            "tempat": "Gedung Bappeda Kukar, Tenggarong",
            "pimpinan_nama": PEOPLE[0][0],
            "pimpinan_jabatan": "Asisten Administrasi Umum Sekretariat Kabupaten Kutai Kartanegara",
            "pimpinan_nip": "196805121994031007",
            "fasilitator": facilitator,
        },
    )
    for nama, unsur, jabatan, representative in PEOPLE:
        services.attendee_add(
            forum=forum,
            by=facilitator,
            checked_in=True,
            data={"nama": nama, "unsur": unsur, "jabatan": jabatan, "signs_as_representative": representative},
        )
    return forum


# How the demo forum settled the overlaps between its agencies (invented for the demo, as the people are).
SETTLEMENTS = {
    frozenset({"2026-DP2KB-003", "2026-DP3A-003"}): (
        "koordinasi",
        "DP3A",
        "Taman Asuh Anak dan rumah penitipan anak TAMASYA menjadi satu layanan di Kelurahan Loa Ipuh; "
        "DP3A mengampu, DP2KB mendukung melalui kelompok BKB.",
    ),
    frozenset({"2026-DP2KB-004", "2026-DP3A-004"}): (
        "koordinasi",
        "DP2KB",
        "BKR dan PIK-R menjadi wadah bersama; materi ketahanan keluarga DP3A diberikan di kelompok BKR "
        "Desa Loa Kulu Kota.",
    ),
}
DEFAULT_SETTLEMENT = (
    "saling_melengkapi",
    None,
    "Kedua OPD membagi peran sesuai kewenangan; data penerima dipadankan lewat DTSEN.",
)


def seed_demo_forum_overlaps(*, forum: Forum, facilitator: User) -> int:
    """Put the flagged pairs between the demo forum's agencies on its agenda, settled (idempotent; drafts only)."""
    from sinkronisasi import services as sync_services
    from sinkronisasi.models import Overlap

    if not forum.is_draft or forum.overlaps.exists():
        return 0
    members = set(forum.opd.values_list("pk", flat=True))
    pairs = Overlap.objects.filter(fiscal_year=forum.fiscal_year, opd_a__in=members, opd_b__in=members).select_related(
        "opd_a", "opd_b", "row_a", "row_b"
    )
    added = 0
    for overlap in pairs:
        status, lead, note = SETTLEMENTS.get(frozenset({overlap.row_a.ref, overlap.row_b.ref}), DEFAULT_SETTLEMENT)
        services.forum_agenda_add_overlap(forum=forum, overlap=overlap, by=facilitator)
        lead_opd = (
            overlap.opd_a
            if overlap.opd_a.singkatan == lead
            else overlap.opd_b
            if overlap.opd_b.singkatan == lead
            else None
        )
        sync_services.overlap_settle(overlap=overlap, status=status, opd_pengampu=lead_opd, note=note, by=facilitator)
        added += 1
    return added
