"""The demo Forum Lintas Perangkat Daerah of 12 March 2025 (Renja 2026) at Gedung Bappeda Kukar.

The agencies and the date are real; the people's names are invented for the demo.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from renja.models import FiscalYear, Opd, User

from . import selectors, services
from .models import Forum

TITLE = "Forum Lintas Perangkat Daerah Bidang Sosial, Kependudukan, Perlindungan Anak dan Kesehatan"
AGENCIES = ["Dinsos", "DP2KB", "DP3A", "Dinkes"]
CHAIR = ("Drs. H. Ahmad Rifani, M.Si", "Pembina Utama Muda (IV/c)", "196805121994031007")
# Name, unit on the list, jabatan, the agency they come from (None: not a participating agency), checked in. The
# heads of the four agencies come from their profiles (renja's demo seeds them) and sign for them.
PEOPLE = [
    (CHAIR[0], "Sekretariat Daerah", "Asisten Administrasi Umum (Asisten III)", None, True),
    ("Ir. Sri Wahyuni, M.T", "Bappeda", "Kepala Bappeda", None, True),
    ("Muhammad Arifin, S.Sos", "Bappeda", "Kepala Bidang Pemerintahan dan Pembangunan Manusia", None, True),
    ("Rina Kartika, S.E", "Bappeda", "Perencana Ahli Muda", None, True),
    ("Bambang Setiawan, S.ST", "Dinas Sosial", "Kepala Bidang Rehabilitasi Sosial", "Dinsos", True),
    ("Nurul Hidayah, S.KM", "Dinas Kesehatan", "Kepala Bidang Kesehatan Masyarakat", "Dinkes", True),
    ("Dewi Lestari, S.Psi", "DP2KB", "Kepala Bidang Ketahanan dan Kesejahteraan Keluarga", "DP2KB", True),
    ("Andi Saputra, S.Kom", "DP3A", "Kepala Bidang Pemenuhan Hak Anak", "DP3A", True),
    ("Yohanes Pasaribu, S.STP", "Kecamatan Tenggarong", "Sekretaris Camat", None, True),
    ("Fitriani, S.Pd", "Forum Anak Daerah Kukar", "Pendamping", None, False),
    ("H. Syahrani", "Persatuan Penyandang Disabilitas Indonesia Kukar", "Ketua", None, True),
]
# The forum's morning: doors at 08.00 WITA, the chair opens at 09.00; one arrival every four minutes.
CHECK_IN_FROM = datetime.datetime(2025, 3, 12, 8, 0, tzinfo=ZoneInfo("Asia/Makassar"))
CARRIED_AT = datetime.datetime(2025, 3, 12, 12, 0, tzinfo=ZoneInfo("Asia/Makassar"))
CARRY_REASON = "Belum sempat dibahas dalam forum"


def seed_demo_forum(*, fiscal_year: FiscalYear, facilitator: User) -> Forum:
    """Create the demo forum as a draft with its attendance checked in on the forum's morning, one representative per
    participating agency (its head), and every usulan its agencies left undecided carried to the Musrenbang
    kabupaten by the facilitator, so that the forum can be finalised (running it again changes nothing)."""
    existing = Forum.objects.filter(fiscal_year=fiscal_year, judul=TITLE).first()
    if existing is not None:
        return existing
    agencies = {o.singkatan: o for o in Opd.objects.filter(singkatan__in=AGENCIES)}
    forum = services.forum_create(
        fiscal_year=fiscal_year,
        by=facilitator,
        opd_list=list(agencies.values()),
        data={
            "jenis": Forum.Jenis.FORUM_LINTAS_PD,
            "judul": TITLE,
            "rumpun": "Sosial dan Kesehatan",
            "tanggal": datetime.date(2025, 3, 12),
            "mulai": datetime.time(9, 0),
            "selesai": datetime.time(12, 30),
            "tempat": "Gedung Bappeda Kukar, Tenggarong",
            "pimpinan_nama": CHAIR[0],
            "pimpinan_jabatan": "Asisten Administrasi Umum Sekretariat Kabupaten Kutai Kartanegara",
            "pimpinan_pangkat": CHAIR[1],
            "pimpinan_nip": CHAIR[2],
            "fasilitator": facilitator,
        },
    )
    heads = [
        (o.kepala_nama, o.nama, o.kepala_jabatan or "Kepala Dinas", o, o.kepala_pangkat, o.kepala_nip)
        for o in sorted(agencies.values(), key=lambda o: AGENCIES.index(o.singkatan))
        if o.kepala_nama
    ]
    people = [(n, u, j, agencies.get(a) if a else None, "", "", present) for n, u, j, a, present in PEOPLE]
    # The chair and Bappeda first, then each agency's head before its staff, then the others.
    order = people[:4] + [(n, u, j, o, p, nip, True) for n, u, j, o, p, nip in heads] + people[4:]
    arrival = 0
    for nama, unsur, jabatan, opd, pangkat, nip, present in order:
        is_head = any(nama == head[0] for head in heads)
        services.attendee_add(
            forum=forum,
            by=facilitator,
            checked_in=present,
            checked_in_at=CHECK_IN_FROM + datetime.timedelta(minutes=4 * arrival) if present else None,
            data={
                "nama": nama,
                "unsur": unsur,
                "jabatan": jabatan,
                "opd": opd,
                "pangkat": pangkat,
                "nip": nip,
                "signs_as_representative": is_head,
            },
        )
        arrival += 1 if present else 0
    seed_demo_forum_carry(forum=forum, facilitator=facilitator)
    return forum


def seed_demo_forum_carry(*, forum: Forum, facilitator: User) -> int:
    """The facilitator carries every usulan the forum's agencies left undecided to the Musrenbang kabupaten."""
    from musrenbang import decisions
    from musrenbang.models import Decision, Usulan

    waiting = list(selectors.open_usulan(forum).filter(status=decisions.ROUTED))
    if not waiting:
        return 0
    carried = services.forum_usulan_carry(forum=forum, usulan_list=waiting, by=facilitator, alasan=CARRY_REASON)
    # Dated at the forum's close, as the demo's other steps are dated in the 2025 cycle (recorded today, they would
    # tell a forum of 12 March 2025 about steps after it). Demo data only: the trail is never rewritten otherwise.
    steps = list(
        Decision.objects.filter(usulan__in=waiting, kind=selectors.CARRIED, level=Decision.Level.FORUM)
        .select_related("usulan")
        .order_by("usulan__id_usulan")
    )
    for i, step in enumerate(steps):
        step.at = CARRIED_AT + datetime.timedelta(seconds=20 * i)
        step.usulan.diputuskan_pada = step.at
    Decision.objects.bulk_update(steps, ["at"])
    Usulan.objects.bulk_update([step.usulan for step in steps], ["diputuskan_pada"])
    return carried


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
