"""Demo data for `make run`: Renja 2026 of the March 2025 Forum Lintas Perangkat Daerah agencies and others."""

from __future__ import annotations

import datetime
import secrets
from pathlib import Path

from django.db import transaction

from ..models import FiscalYear, Opd, PaguOpd, ProgramIndicator, RenjaRow, StageWindow, User
from .agencies import opd_profile_update
from .audit import audit_log
from .ceilings import pagu_opd_set
from .imports import parse_decimal, renja_import_file
from .indicators import program_indicator_create
from .reference import reference_load
from .rows import row_update
from .status import row_status_change

DEMO_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "demo"
DEMO_YEAR = 2026

# (username, first name, role, OPD singkatan)
DEMO_USERS = [
    ("admin", "Administrator Renja", User.Role.ADMIN, None),
    ("perencana", "Perencana Bappeda", User.Role.PERENCANA, None),
    ("fasilitator", "Fasilitator Forum", User.Role.FASILITATOR, None),
    ("dinsos", "Petugas Dinas Sosial", User.Role.PETUGAS_OPD, "Dinsos"),
    ("dp2kb", "Petugas DP2KB", User.Role.PETUGAS_OPD, "DP2KB"),
    ("dp3a", "Petugas DP3A", User.Role.PETUGAS_OPD, "DP3A"),
    ("dinkes", "Petugas Dinas Kesehatan", User.Role.PETUGAS_OPD, "Dinkes"),
    ("pembaca.dinkes", "Pimpinan Dinas Kesehatan", User.Role.PEMBACA_OPD, "Dinkes"),
    # Officers of the other agencies the demo usulan are routed to: each agency's decisions are its own officer's.
    ("pu", "Petugas Dinas Pekerjaan Umum", User.Role.PETUGAS_OPD, "Dinas PU"),
    ("dpmd", "Petugas DPMD", User.Role.PETUGAS_OPD, "DPMD"),
    ("disdikbud", "Petugas Dinas Pendidikan dan Kebudayaan", User.Role.PETUGAS_OPD, "Disdikbud"),
    ("diskan", "Petugas Dinas Perikanan dan Kelautan", User.Role.PETUGAS_OPD, "Diskan"),
    ("distanak", "Petugas Dinas Pertanian dan Peternakan", User.Role.PETUGAS_OPD, "Distanak"),
]

# The cycle for Renja 2026 ran in 2025 (the Forum Lintas Perangkat Daerah sat on 12 March 2025).
DEMO_STAGES = [
    (StageWindow.Stage.RANCANGAN_AWAL, datetime.date(2025, 1, 6), datetime.date(2025, 1, 31)),
    (StageWindow.Stage.RANCANGAN, datetime.date(2025, 2, 3), datetime.date(2025, 2, 28)),
    (StageWindow.Stage.FORUM, datetime.date(2025, 3, 3), datetime.date(2025, 3, 21)),
    (StageWindow.Stage.RANCANGAN_AKHIR, datetime.date(2025, 4, 7), datetime.date(2025, 5, 23)),
    (StageWindow.Stage.VERIFIKASI, datetime.date(2025, 6, 2), datetime.date(2025, 6, 20)),
    (StageWindow.Stage.PENETAPAN, datetime.date(2025, 6, 23), datetime.date(2025, 7, 18)),
]

# Priorities and cross-agency roles the planners set by hand after import: ref → fields.
# The quick wins: DP2KB's day-care for working families (Taman Asuh Sayang Anak, reported from the forum of
# 12 March 2025), the stunting-risk family assistance, local-food PMT and daily meals for lone elderly people.
DEMO_FLAGS = {
    "quick_win": ["2026-DP2KB-003", "2026-DP2KB-005", "2026-DINKES-005", "2026-DINSOS-007"],
    "prioritas_nasional": ["2026-DINKES-003", "2026-DINKES-004", "2026-DP2KB-005"],
    "prioritas_daerah": ["2026-DINSOS-003", "2026-DP3A-003", "2026-DP2KB-004"],
}
DEMO_SUBMITTED_OPD = ["Dinsos", "Dinkes"]  # these agencies have already submitted their draft

# The heads of the forum's four agencies (invented for the demo, as the forum's people are): name, NIP, pangkat,
# jabatan. Set only while an agency has no head recorded, so that a profile edited on its page stays.
DEMO_HEADS = {
    "Dinkes": (
        "dr. Rina Marlina Sari, M.Kes.",
        "197507142005012006",
        "Pembina Utama Muda (IV/c)",
        "Kepala Dinas Kesehatan",
    ),
    "Dinsos": ("Drs. H. Ahmad Fauzi, M.Si.", "196908231994031005", "Pembina Utama Muda (IV/c)", "Kepala Dinas Sosial"),
    "DP3A": (
        "Hj. Siti Rahmawati, S.Sos., M.AP.",
        "197212111998032004",
        "Pembina Tingkat I (IV/b)",
        "Kepala Dinas Pemberdayaan Perempuan dan Perlindungan Anak",
    ),
    "DP2KB": (
        "Ir. Bambang Setiawan, M.M.",
        "197004151997031008",
        "Pembina Tingkat I (IV/b)",
        "Kepala Dinas Pengendalian Penduduk dan Keluarga Berencana",
    ),
}

# Rows whose file gives the agency's own measure (indikator tambahan OPD) because the official indicator counts
# documents: the import leaves a new row's official target empty, so the demo sets it (ref → target), while none.
DEMO_OFFICIAL_TARGETS = {
    "2026-DINKES-005": "2",
    "2026-DINKES-007": "2",
    "2026-DISKAN-002": "6,5",
    "2026-DP3A-003": "60",
}

# Pagu indikatif per agency (Rancangan Awal RKPD 2026), a little above each agency's rows; DP2KB's rows exceed its
# ceiling by Rp1.050.000.000, which the forum has to settle.
DEMO_CEILINGS = {
    "Dinsos": 19_750_000_000,
    "DP2KB": 13_500_000_000,
    "DP3A": 9_750_000_000,
    "Dinkes": 118_250_000_000,
    "Disdikbud": 505_750_000_000,
    "Dinas PU": 35_250_000_000,
    "DPMD": 10_750_000_000,
    "Distanak": 28_250_000_000,
    "Disbun": 10_250_000_000,
    "RSUD AM Parikesit": 192_000_000_000,
    "Diskan": 11_500_000_000,
    "Diskop UKM": 7_250_000_000,
    "Dispora": 8_750_000_000,
    "Bappeda": 11_500_000_000,
}

# Indicators of the programs (outcome) and kegiatan (output) the forum's four agencies' rows use, by the code as the
# agency writes it: (indikator, target, satuan, target N+1). The support program's and its two kegiatan's are the
# same for each agency (PENUNJANG, by the code's tail).
PENUNJANG = {
    "01": ("Nilai akuntabilitas kinerja (AKIP) Perangkat Daerah", "72", "Nilai", "74"),
    "01.2.01": (
        "Jumlah dokumen perencanaan, penganggaran dan evaluasi kinerja Perangkat Daerah yang disusun",
        "6",
        "Dokumen",
        "6",
    ),
    "01.2.02": ("Jumlah bulan gaji dan tunjangan ASN yang dibayarkan", "12", "Bulan", "12"),
}
DEMO_INDICATORS = {
    "Dinsos": {
        "1.06.04": ("Persentase PPKS yang memperoleh rehabilitasi sosial dasar di luar panti", "78", "%", "80"),
        "1.06.04.2.01": (
            "Jumlah penyandang disabilitas, anak dan lanjut usia terlantar yang memperoleh rehabilitasi sosial dasar",
            "585",
            "Orang",
            "620",
        ),
        "1.06.05": (
            "Persentase keluarga fakir miskin yang terdata dan memperoleh perlindungan sosial",
            "65",
            "%",
            "70",
        ),
        "1.06.05.2.01": ("Jumlah anak terlantar yang terjangkau dan terasesmen", "75", "Anak", "80"),
        "1.06.05.2.02": (
            "Jumlah keluarga fakir miskin yang diverifikasi, divalidasi dan difasilitasi",
            "18650",
            "KK",
            "17200",
        ),
        "1.06.06": (
            "Persentase korban bencana yang menerima bantuan sosial pada masa tanggap darurat",
            "100",
            "%",
            "100",
        ),
        "1.06.06.2.02": ("Jumlah Kampung Siaga Bencana yang dibentuk dan dibina", "2", "KSB", "3"),
        "1.06.02": ("Persentase Potensi Sumber Kesejahteraan Sosial (PSKS) yang aktif", "60", "%", "65"),
        "1.06.02.2.03": ("Jumlah Puskesos desa yang dikembangkan", "2", "Unit", "4"),
    },
    "DP2KB": {
        "2.14.02": ("Persentase Kampung KB berklasifikasi mandiri", "25", "%", "30"),
        "2.14.02.2.01": ("Jumlah Kampung KB dan DASHAT yang difasilitasi", "6", "Kampung", "8"),
        "2.14.03": ("Angka pemakaian kontrasepsi modern (mCPR)", "62", "%", "63"),
        "2.14.03.2.03": ("Jumlah akseptor KB baru yang terlayani", "1500", "Akseptor", "1600"),
        "2.14.04": ("Persentase keluarga berisiko stunting yang memperoleh pendampingan", "85", "%", "90"),
        "2.14.04.2.01": (
            "Jumlah keluarga yang aktif dalam kelompok BKB, BKR, BKL dan TAMASYA",
            "1250",
            "Keluarga",
            "1400",
        ),
        "2.14.04.2.02": ("Jumlah keluarga berisiko stunting yang didampingi TPK", "1200", "Keluarga", "1300"),
    },
    "DP3A": {
        "2.08.02": ("Indeks Pemberdayaan Gender (IDG) Kabupaten Kutai Kartanegara", "62,5", "Indeks", "63"),
        "2.08.02.2.02": ("Jumlah perempuan yang mendapat pelatihan dan pendampingan ekonomi", "50", "Orang", "60"),
        "2.08.03": (
            "Persentase perempuan korban kekerasan dan TPPO yang mendapat layanan sampai tuntas",
            "100",
            "%",
            "100",
        ),
        "2.08.03.2.01": (
            "Jumlah kegiatan advokasi dan sosialisasi pencegahan kekerasan terhadap perempuan dan TPPO",
            "6",
            "Kegiatan",
            "6",
        ),
        "2.08.03.2.02": ("Jumlah perempuan korban kekerasan dan TPPO yang didampingi", "70", "Orang", "70"),
        "2.08.04": ("Persentase keluarga yang masalahnya tertangani melalui layanan Puspaga", "80", "%", "85"),
        "2.08.04.2.03": (
            "Jumlah keluarga yang mendapat layanan konseling dan bimbingan Puspaga",
            "350",
            "Keluarga",
            "380",
        ),
        "2.08.05": (
            "Persentase Perangkat Daerah yang memakai data terpilah gender dan anak dalam perencanaan",
            "60",
            "%",
            "75",
        ),
        "2.08.05.2.01": ("Jumlah dokumen data terpilah gender dan anak yang diterbitkan", "1", "Dokumen", "1"),
        "2.08.06": ("Jumlah indikator Kabupaten Layak Anak yang terpenuhi", "18", "Indikator", "20"),
        "2.08.06.2.01": ("Jumlah anggota gugus tugas KLA yang mendapat bimbingan teknis", "80", "Orang", "90"),
        "2.08.06.2.02": ("Jumlah pengasuh lembaga layanan anak yang dilatih dan didampingi", "60", "Orang", "70"),
        "2.08.07": ("Persentase anak korban kekerasan yang mendapat layanan sampai tuntas", "100", "%", "100"),
        "2.08.07.2.01": (
            "Jumlah sekolah yang mendapat sosialisasi pencegahan kekerasan dan perundungan",
            "8",
            "Sekolah",
            "10",
        ),
        "2.08.07.2.02": ("Jumlah anak korban kekerasan yang didampingi UPTD PPA", "90", "Anak", "90"),
    },
    "Dinkes": {
        "1.02.02": (
            "Persentase puskesmas yang memenuhi standar pelayanan minimal bidang kesehatan",
            "75",
            "%",
            "80",
        ),
        "1.02.02.2.01": (
            "Jumlah fasilitas pelayanan kesehatan yang direhabilitasi atau dilengkapi alat kesehatan",
            "3",
            "Unit",
            "4",
        ),
        "1.02.02.2.02": (
            "Jumlah sasaran SPM kesehatan yang mendapat pelayanan sesuai standar",
            "8300",
            "Orang",
            "8700",
        ),
        "1.02.05": ("Persentase desa/kelurahan yang melaksanakan STBM", "55", "%", "60"),
        "1.02.05.2.01": ("Jumlah desa/kelurahan yang dipicu STBM", "12", "Desa", "15"),
    },
}


def fiscal_year_ensure(year: int, stages=DEMO_STAGES) -> FiscalYear:
    fy, _ = FiscalYear.objects.get_or_create(year=year)
    for stage, opens, closes in stages:
        StageWindow.objects.get_or_create(
            fiscal_year=fy, stage=stage, defaults={"opens_on": opens, "closes_on": closes}
        )
    return fy


def demo_users_ensure(password: str | None) -> tuple[list[User], str | None]:
    """Create the demo users; set their password when one is given or when they are new."""
    opds = {o.singkatan: o for o in Opd.objects.all()}
    generated = None
    if password is None and not User.objects.filter(username__in=[u[0] for u in DEMO_USERS]).exists():
        password = generated = secrets.token_urlsafe(9)
    users = []
    for username, name, role, opd in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username, defaults={"first_name": name, "role": role, "opd": opds.get(opd) if opd else None}
        )
        user.role, user.opd = role, (opds.get(opd) if opd else None)
        user.is_staff = user.is_superuser = role == User.Role.ADMIN
        if password is not None:
            user.set_password(password)
        user.save()
        if created:
            audit_log(obj=user, action="user.created", by=None, data={"role": role})
        users.append(user)
    return users, generated or password


def demo_official_targets_fill(fiscal_year: FiscalYear, by: User | None) -> int:
    """The official target of the rows of DEMO_OFFICIAL_TARGETS that have none; returns how many were set."""
    rows = (
        RenjaRow.objects.filter(fiscal_year=fiscal_year, ref__in=DEMO_OFFICIAL_TARGETS, target__isnull=True)
        .select_related("fiscal_year", "opd")
        .order_by("ref")
    )
    for row in rows:
        row_update(row=row, data={"target": parse_decimal(DEMO_OFFICIAL_TARGETS[row.ref])}, by=by)
    return len(rows)


def demo_heads_ensure() -> int:
    """The forum's four agencies' heads (DEMO_HEADS), where an agency has none recorded; returns how many were set."""
    changed = 0
    for opd in Opd.objects.filter(singkatan__in=DEMO_HEADS, kepala_nama="").order_by("kode_unit"):
        nama, nip, pangkat, jabatan = DEMO_HEADS[opd.singkatan]
        data = {"kepala_nama": nama, "kepala_nip": nip, "kepala_pangkat": pangkat, "kepala_jabatan": jabatan}
        opd_profile_update(opd=opd, data=data, by=None)
        changed += 1
    return changed


def demo_ceilings_ensure(fiscal_year: FiscalYear) -> int:
    """The pagu indikatif of every demo agency (DEMO_CEILINGS) that has none for the year; returns how many were
    set. A ceiling Bappeda already set stays as it is."""
    has = set(PaguOpd.objects.filter(fiscal_year=fiscal_year).values_list("opd_id", flat=True))
    opds = Opd.objects.filter(singkatan__in=DEMO_CEILINGS).exclude(pk__in=has).order_by("kode_unit")
    for opd in opds:
        pagu_opd_set(fiscal_year=fiscal_year, opd=opd, pagu=DEMO_CEILINGS[opd.singkatan], by=None)
    return len(opds)


def demo_program_indicators_create(fiscal_year: FiscalYear) -> int:
    """The program (outcome) and kegiatan (output) indicators of the forum's four agencies (DEMO_INDICATORS, and the
    support program's), for each program and kegiatan that has none yet; returns how many were created."""
    existing = set(ProgramIndicator.objects.filter(fiscal_year=fiscal_year).values_list("opd__singkatan", "kode"))
    created = 0
    for opd in Opd.objects.filter(singkatan__in=DEMO_INDICATORS).order_by("kode_unit"):
        own = DEMO_INDICATORS[opd.singkatan]
        bidang = next(iter(own))[:4]
        wanted = {f"{bidang}.{tail}": values for tail, values in PENUNJANG.items()} | own
        for kode, (indikator, target, satuan, target_n1) in wanted.items():
            if (opd.singkatan, kode) in existing:  # one there already, perhaps edited since: kept
                continue
            data = {"indikator": indikator, "target": target, "satuan": satuan, "target_n1": target_n1}
            program_indicator_create(fiscal_year=fiscal_year, opd=opd, kode=kode, data=data, by=None)
            created += 1
    return created


@transaction.atomic
def seed_demo(*, password: str | None = None) -> dict:
    """Load reference data, the demo year, users and rows with their N+1 forecast and official targets, the forum
    agencies' heads and program/kegiatan indicators, and every demo agency's ceiling. Running it
    again changes nothing."""
    reference_load()
    fy = fiscal_year_ensure(DEMO_YEAR)
    users, shown_password = demo_users_ensure(password)
    planner = next(u for u in users if u.role == User.Role.PERENCANA)
    path = DEMO_DIR / f"renja_{DEMO_YEAR}.csv"
    forecasts = RenjaRow.objects.filter(fiscal_year=fy, pagu_n1__isnull=False)
    had_forecast = forecasts.count()
    summary = renja_import_file(content=path.read_bytes(), filename=path.name, fiscal_year=fy, by=planner)
    rows = {r.ref: r for r in RenjaRow.objects.filter(fiscal_year=fy).select_related("opd", "fiscal_year")}
    for flag, refs in DEMO_FLAGS.items():
        for ref in refs:
            if ref in rows and not getattr(rows[ref], flag):
                row_update(row=rows[ref], data={flag: True}, by=planner)
    filled = forecasts.count() - had_forecast  # the file's target_n1 and pagu_n1 (prakiraan maju) came with the import
    targets = demo_official_targets_fill(fy, planner)
    heads = demo_heads_ensure()
    ceilings = demo_ceilings_ensure(fy)
    indicators = demo_program_indicators_create(fy)
    if summary["baru"]:  # only on the first seeding: later runs leave statuses as people set them
        for row in rows.values():
            if row.opd.singkatan in DEMO_SUBMITTED_OPD and row.status == RenjaRow.Status.DRAFT:
                row_status_change(row=row, status=RenjaRow.Status.DIAJUKAN, by=planner)
    return {
        "year": fy.year,
        "rows": summary,
        "n1": filled,
        "targets": targets,
        "heads": heads,
        "ceilings": ceilings,
        "indicators": indicators,
        "users": [(u.username, u.get_role_display(), u.opd.singkatan if u.opd else "") for u in users],
        "password": shown_password,
    }
