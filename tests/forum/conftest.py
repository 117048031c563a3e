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


CHAIR = "Dr. Ahmad Pemimpin, M.Si"


@pytest.fixture
def forum_full(forum_ready, facilitator, year, opd_a, opd_b, opd_a_editor, opd_b_editor):
    """forum_ready with every part of the tata naskah form: the chair's pangkat, agency heads in the profiles, the
    chair also marked as a representative on the list (he must sign once), an usulan accepted into a row, one merged
    into a row, a Pokir with member, fraksi and dapil, ceilings (one exceeded), and a settled overlap."""
    from musrenbang.services.deciding import Allocation
    from renja.models import PaguOpd, RenjaRow

    from ..factories import make_wilayah

    forum_ready.pimpinan_pangkat = "Pembina Utama Muda (IV/c)"
    forum_ready.pimpinan_nip = "196805121994031007"
    forum_ready.save(update_fields=["pimpinan_pangkat", "pimpinan_nip"])
    opd_b.kepala_nama, opd_b.kepala_jabatan = "Hj. Maslinda, S.H., M.H", "Kepala Dinas"
    opd_b.kepala_pangkat, opd_b.kepala_nip = "Pembina Tingkat I (IV/b)", "197203151998032004"
    opd_b.save()
    services.attendee_add(
        forum=forum_ready,
        data={"nama": CHAIR, "unsur": "Sekretariat Daerah", "jabatan": "Asisten III", "signs_as_representative": True},
        by=facilitator,
        checked_in=True,
    )
    kec = make_wilayah("64.02.07", "Loa Kulu")
    desa = make_wilayah("64.02.07.2003", "Jembayan", "desa", parent=kec)
    row_a = RenjaRow.objects.get(ref="2026-DINSOS-001")
    row_b = RenjaRow.objects.get(ref="2026-DP3A-001")
    row_a.rincian = "Pemberian alat bantu bagi penyandang disabilitas"
    row_a.save(update_fields=["rincian"])
    accepted = make_usulan(
        fiscal_year=year, opd_tujuan=opd_a, id_usulan="USL-010", usulan="Alat bantu dengar", desa=desa
    )
    usulan_services.usulan_decide(
        usulan=accepted, kind="diterima", allocations=[Allocation(row=row_a)], by=opd_a_editor
    )
    merged = make_usulan(fiscal_year=year, opd_tujuan=opd_b, id_usulan="USL-011", usulan="Taman bermain anak")
    usulan_services.usulan_decide(
        usulan=merged, kind="digabung", alasan="Sudah termasuk Taman Asuh Anak", merge_row=row_b, by=opd_b_editor
    )
    from musrenbang.models import Usulan

    pokir = Usulan.objects.get(id_usulan="POKIR-7")
    if hasattr(pokir, "dapil"):
        pokir.dapil = "Dapil Kukar 2"
        pokir.save(update_fields=["dapil"])
    rejected = Usulan.objects.get(id_usulan="USL-001")
    rejected.volume, rejected.satuan, rejected.prioritas = 4, "Unit", 2
    rejected.save(update_fields=["volume", "satuan", "prioritas"])
    PaguOpd.objects.create(fiscal_year=year, opd=opd_a, pagu=1_000_000_000)
    PaguOpd.objects.create(fiscal_year=year, opd=opd_b, pagu=500_000_000)
    return forum_ready
