import datetime

import pytest

from forum import services
from musrenbang import services as usulan_services

from ..factories import make_nomenklatur, make_row, make_usulan


@pytest.fixture
def forum_data():
    return {
        "jenis": "forum_lintas_pd",
        "judul": "Forum Lintas Perangkat Daerah Bidang Sosial",
        "rumpun": "Sosial",
        "tanggal": datetime.date(2025, 3, 12),
        "mulai": datetime.time(9, 0),
        "selesai": datetime.time(12, 30),
        "tempat": "Gedung Bappeda Kukar",
        "pimpinan_nama": "Dr. Ahmad Pemimpin, M.Si",
        "pimpinan_jabatan": "Asisten Administrasi Umum (Asisten III)",
        "pimpinan_nip": "197001011995031001",
    }


@pytest.fixture
def forum(year, opd_a, opd_b, facilitator, forum_data):
    return services.forum_create(
        fiscal_year=year, data={**forum_data, "fasilitator": facilitator}, opd_list=[opd_a, opd_b], by=facilitator
    )


@pytest.fixture
def forum_ready(forum, facilitator, year, opd_a, opd_b, opd_a_editor):
    """A draft forum with attendance, agenda rows and an usulan not agreed."""
    services.attendee_add(
        forum=forum,
        data={
            "nama": "Siti Rahma",
            "unsur": "Dinas Sosial",
            "jabatan": "Kepala Dinas",
            "signs_as_representative": True,
        },
        by=facilitator,
        checked_in=True,
    )
    services.attendee_add(
        forum=forum, data={"nama": "Budi Hartono", "unsur": "DP3A", "jabatan": "Sekretaris"}, by=facilitator
    )
    make_row(
        opd=opd_a,
        fiscal_year=year,
        ref="2026-DINSOS-001",
        nama="Rehabilitasi sosial penyandang disabilitas",
        pagu=1_250_000_000,
    )
    make_row(
        opd=opd_b,
        fiscal_year=year,
        ref="2026-DP3A-001",
        sub_kegiatan=make_nomenklatur("2.08.02.2.01.0001", "Pelembagaan PUG"),
        nama="Taman Asuh Anak",
        pagu=485_000_000,
    )
    rejected = make_usulan(
        fiscal_year=year, opd_tujuan=opd_a, id_usulan="USL-001", usulan="Kursi roda untuk warga disabilitas"
    )
    usulan_services.usulan_decide(usulan=rejected, kind="ditolak", alasan="Sudah dianggarkan provinsi", by=opd_a_editor)
    pokir = make_usulan(
        fiscal_year=year,
        opd_tujuan=opd_b,
        id_usulan="POKIR-7",
        usulan="Pelatihan menjahit",
        sumber="pokir",
        anggota_dprd="H. Anggota",
        fraksi="Fraksi Contoh",
    )
    usulan_services.usulan_decide(usulan=pokir, kind="dikembalikan", alasan="Kewenangan Diskop UKM", by=None)
    return forum


@pytest.fixture
def verify_url():
    return lambda sha: f"http://testserver/verifikasi/{sha}/"
