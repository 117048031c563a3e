"""The SIPD export format of the usulan import: names matched to places and agencies, coordinates and recommendation
cells read, unmatched names reported under the SIPD column."""

from decimal import Decimal

import pytest

from musrenbang import imports
from musrenbang.models import Decision, Pickup, Usulan

from ..factories import make_row
from .test_import import SIPD_HEADER, refs, rejected, run, sipd_row, trail, xlsx  # noqa: F401  (refs: fixture)


def test_good_sipd_file_matches_names_reads_coordinates_and_recommendations(refs, planner, opd_b):
    content = xlsx(
        [
            sipd_row(
                ID_Usulan=900101,
                Pengusul="Pemerintah Desa Bukit Biru",
                Usulan="Terapi anak disabilitas",
                Permasalahan="Belum ada layanan terapi",
                Alamat="RT 04 Dusun Mekar, -0.4321, 117.1234",
                Kecamatan="KEC. TENGGARONG",
                **{"Kelurahan / Desa": "Desa  bukit biru"},
                OPD_Tujuan_Awal="Dinas Sosial",
                OPD_Tujuan_Akhir="DINSOS",
                Rekomendasi_OPD="Diterima. Koefisien : 2 Paket, Anggaran : 150.000.000",
                Volume=3,
                Satuan="Paket",
                Anggaran="Rp 200.000.000,00",
                Jenis_Belanja="Non Fisik",
                Sub_Kegiatan="1.06.04.2.01.0018 Rehabilitasi ATENSI",
                Catatan="Prioritas desa",
            ),
            sipd_row(
                ID_Usulan="900102",
                Pengusul="Kelurahan Sukarame",
                Usulan="Pelatihan kader PUG",
                Kecamatan="Tenggarong",
                **{"Kelurahan / Desa": "Kelurahan Sukarame"},
                OPD_Tujuan_Awal="Dinsos",
                OPD_Tujuan_Akhir="Dinas Pemberdayaan Perempuan dan Perlindungan Anak",
                Rekomendasi_OPD="Dialihkan ke DP3A",
                Volume="1.500",
                Satuan="Orang",
                Anggaran=25000000,
            ),
            sipd_row(
                ID_Usulan="900103",
                Pengusul="H. Fulan, S.E.",
                Usulan="Rumah aman anak",
                Kecamatan="Sebulu",
                **{"Kelurahan / Desa": "Bukit Biru"},
                Usulan_Ke="Pokir DPRD",
                OPD_Tujuan_Akhir="DP3A",
                Rekomendasi_OPD="Diterima",
                Rekomendasi_TAPD="Ditolak, melebihi pagu indikatif OPD",
                Sub_Kegiatan="2.08.07.2.02.0016 Pendampingan anak korban",
                Anggaran=0,
            ),
            sipd_row(
                ID_Usulan="900104",
                Pengusul="Kecamatan Sebulu",
                Usulan="Posyandu lansia",
                Kecamatan="sebulu",
                **{"Kelurahan / Desa": "SEBULU ILIR"},
                Usulan_Ke="Kabupaten",
            ),
        ]
    )
    assert run(content, planner, "sipd.xlsx") == {"baru": 4, "berubah": 0, "sama": 0, "keputusan": 7}
    first = Usulan.objects.get(id_usulan="900101")
    assert first.desa.kode == "64.02.06.2001" and first.alamat == "RT 04 Dusun Mekar"
    assert (first.latitude, first.longitude) == (Decimal("-0.432100"), Decimal("117.123400"))
    assert (first.volume, first.anggaran, first.jenis, first.uraian, first.bidang_urusan.kode) == (
        3,
        200_000_000,
        "non_fisik",
        "Prioritas desa",
        "1.06",
    )
    assert first.status == "diterima_dengan_perubahan" and trail("900101") == [
        ("diteruskan", "Dinsos"),
        ("diterima_dengan_perubahan", "Dinsos"),
    ]
    decision = first.decisions.get(kind="diterima_dengan_perubahan")
    assert (decision.volume, decision.anggaran) == (2, 150_000_000)
    assert Pickup.objects.get(usulan=first).anggaran == 150_000_000
    second = Usulan.objects.get(id_usulan="900102")
    assert trail("900102") == [("diteruskan", "Dinsos"), ("diteruskan", "DP3A")]
    assert (second.opd_awal.singkatan, second.opd_tujuan, second.status, second.volume) == (
        "Dinsos",
        opd_b,
        "diteruskan",
        1500,
    )
    third = Usulan.objects.get(id_usulan="900103")
    assert third.desa.kode == "64.02.07.2010" and third.sumber == "pokir" and third.status == "ditolak"
    # The agency accepted, TAPD refused: both on the trail, each at its level; TAPD's refusal ends the pick-up.
    assert [(d.level, d.kind) for d in third.decisions.order_by("at", "id")] == [
        ("bappeda", "diteruskan"),
        ("opd", "diterima"),
        ("tapd", "ditolak"),
    ]
    assert third.decisions.last().alasan == "melebihi pagu indikatif OPD"
    assert not third.pickups.filter(dibatalkan_oleh__isnull=True).exists()
    fourth = Usulan.objects.get(id_usulan="900104")
    assert (fourth.sumber, fourth.status, fourth.latitude) == ("musrenbang_kecamatan", "baru", None)


def test_sipd_acceptance_finds_the_renja_row_by_sub_kegiatan_lokasi_or_ref_renja(refs, planner, opd_a, year):
    from renja.models import Wilayah

    sub = refs["dinsos"].sub_kegiatan
    refs["dinsos"].lokasi.set([Wilayah.objects.get(kode="64.02.06")])
    make_row(
        opd=opd_a,
        fiscal_year=year,
        ref="2026-DINSOS-020",
        sub_kegiatan=sub,
        lokasi=[Wilayah.objects.get(kode="64.02.07.2005")],
    )
    make_row(opd=opd_a, fiscal_year=year, ref="2026-DINSOS-021", sub_kegiatan=sub)
    header = SIPD_HEADER + ["Ref Renja"]
    accepted = {
        "OPD_Tujuan_Akhir": "Dinsos",
        "Rekomendasi_OPD": "Disetujui",
        "Sub_Kegiatan": f"{sub.kode} - {sub.nama}",
        "Usulan": "Terapi",
    }
    ambiguous = sipd_row(header, ID_Usulan="L-3", Kecamatan="Sebulu", **{"Kelurahan / Desa": "Bukit Biru"}, **accepted)
    [(row, column, message)] = rejected(xlsx([ambiguous], header), planner, "sipd.xlsx")
    assert (row, column) == (2, "Sub kegiatan") and "2026-DINSOS-003, 2026-DINSOS-020, 2026-DINSOS-021" in message
    content = xlsx(
        [
            sipd_row(
                header, ID_Usulan="L-1", Kecamatan="Sebulu", **{"Kelurahan / Desa": "Sebulu Ilir"}, **accepted
            ),  # its desa
            sipd_row(
                header, ID_Usulan="L-2", Kecamatan="Tenggarong", **{"Kelurahan / Desa": "Sukarame"}, **accepted
            ),  # its kecamatan
            sipd_row(
                header,
                ID_Usulan="L-3",
                Kecamatan="Sebulu",
                **{"Kelurahan / Desa": "Bukit Biru"},
                Ref_Renja="2026-DINSOS-021",
                **accepted,
            ),
        ],
        header,
    )
    assert run(content, planner, "sipd.xlsx")["keputusan"] == 6
    picks = dict(Pickup.objects.values_list("usulan__id_usulan", "renja_row__ref"))
    assert picks == {"L-1": "2026-DINSOS-020", "L-2": "2026-DINSOS-003", "L-3": "2026-DINSOS-021"}


def test_sipd_unmatched_names_are_errors_naming_the_sipd_column(refs, planner):
    content = xlsx(
        [
            sipd_row(ID_Usulan="S-1", Usulan="A", Kecamatan="Tenggarong Ulu", **{"Kelurahan / Desa": "Bukit Biru"}),
            sipd_row(ID_Usulan="S-2", Usulan="B", Kecamatan="Tenggarong", **{"Kelurahan / Desa": "Sebulu Ilir"}),
            sipd_row(
                ID_Usulan="S-3",
                Usulan="C",
                Kecamatan="Tenggarong",
                **{"Kelurahan / Desa": "Bukit Biru"},
                OPD_Tujuan_Akhir="Dinas Rahasia",
            ),
            sipd_row(
                ID_Usulan="S-4",
                Usulan="D",
                Kecamatan="Tenggarong",
                **{"Kelurahan / Desa": "Bukit Biru"},
                OPD_Tujuan_Akhir="Dinsos",
                Rekomendasi_OPD="Diterima",
            ),
            sipd_row(
                ID_Usulan="S-5", Usulan="E", Kecamatan="Tenggarong", **{"Kelurahan / Desa": "Bukit Biru"}, Volume="tiga"
            ),
        ]
    )
    issues = rejected(content, planner, "sipd.xlsx")
    assert [(r, c) for r, c, _m in issues] == [
        (2, "Kecamatan"),
        (3, "Kelurahan/Desa"),
        (4, "SKPD tujuan akhir"),
        (5, "Sub kegiatan"),
        (6, "Volume"),
    ]
    assert "kecamatan Tenggarong Ulu tidak dikenal" in issues[0][2]
    assert "Sebulu Ilir tidak ada di Kecamatan Tenggarong" in issues[1][2]
    assert "Dinas Rahasia tidak dikenal" in issues[2][2]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("2", Decimal("2")),
        ("2,5", Decimal("2.5")),
        ("1.500", Decimal("1500")),
        ("1.500,75", Decimal("1500.75")),
        ("12.5", Decimal("12.5")),
        (3.0, Decimal("3")),
        ("", None),
    ],
)
def test_parse_volume_reads_indonesian_numbers(text, expected):
    assert imports.parse_volume(text) == expected


@pytest.mark.parametrize(
    "text,keputusan,volume,anggaran,rest",
    [
        ("Diterima. Koefisien : 2 Unit, Anggaran : 150.000.000", "diterima", Decimal("2"), 150_000_000, ""),
        ("Koefisien : 2 Unit Anggaran : Rp 150.000.000,00 Diterima", "diterima", Decimal("2"), 150_000_000, ""),
        ("Tidak diakomodir, bukan kewenangan kabupaten", "ditolak", None, None, "bukan kewenangan kabupaten"),
        ("Dialihkan ke Dinas PU", None, None, None, "Dialihkan ke Dinas PU"),
        ("Diterima / Ditolak", None, None, None, "/"),
    ],
)
def test_parse_recommendation(text, keputusan, volume, anggaran, rest):
    found = imports.parse_recommendation(text)
    assert (found.kind, found.volume, found.anggaran, found.rest) == (keputusan, volume, anggaran, rest)


@pytest.mark.parametrize(
    "text", ["Belum dapat diakomodir", "Tidak bisa diakomodir", "Belum diakomodasi karena anggaran terbatas"]
)
def test_refusal_phrases_are_not_read_as_acceptance(text):
    assert imports.parse_recommendation(text).kind == Decision.Kind.DITOLAK
