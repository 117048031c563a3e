"""The SIPD export's Rekomendasi columns, each recorded at its own level of the cycle and in its order: kelurahan/desa,
kecamatan (with its rank), mitra (Bappeda's verification), SKPD, TAPD; a Pokir's member, fraksi and dapil read from
Pengusul. The file carries every Rekomendasi column and the test reads them back level by level."""

from musrenbang import imports
from musrenbang.models import Usulan

from .test_import import SIPD_HEADER, refs, rejected, run, sipd_row, xlsx  # noqa: F401  (refs: fixture)

SUB = "1.06.04.2.01.0018 Rehabilitasi ATENSI"  # Dinsos' row 2026-DINSOS-003 (refs)


def _levels(id_usulan: str) -> list[tuple]:
    usulan = Usulan.objects.get(id_usulan=id_usulan)
    return [
        (d.level, d.kind, d.opd.singkatan if d.opd else None, d.prioritas, d.alasan)
        for d in usulan.decisions.select_related("opd").order_by("at", "id")
    ]


def _file():
    return xlsx(
        [
            sipd_row(
                ID_Usulan="LV-1",
                Pengusul="Pemerintah Desa Bukit Biru",
                Usulan="Terapi anak disabilitas",
                Kecamatan="Tenggarong",
                **{"Kelurahan / Desa": "Bukit Biru"},
                Usulan_Ke="Kabupaten",
                OPD_Tujuan_Akhir="Dinsos",
                **{
                    "Rekomendasi Kelurahan/Desa": "Prioritas 1",
                    "Rekomendasi Kecamatan": "Prioritas 2",
                    "Rekomendasi Mitra (Bappeda)": "Layak",
                    "Rekomendasi OPD": "Diterima",
                    "Rekomendasi TAPD": "Diterima. Anggaran : 100.000.000",
                },
                Volume=2,
                Satuan="Paket",
                Anggaran=150_000_000,
                Sub_Kegiatan=SUB,
            ),
            sipd_row(
                ID_Usulan="LV-2",
                Pengusul="Pemerintah Desa Bukit Biru",
                Usulan="Gapura desa",
                Kecamatan="Tenggarong",
                **{"Kelurahan / Desa": "Bukit Biru"},
                **{
                    "Rekomendasi Kelurahan/Desa": "Prioritas 3",
                    "Rekomendasi Kecamatan": "Tidak diprioritaskan, melebihi kuota kecamatan",
                },
            ),
            sipd_row(
                ID_Usulan="LV-3",
                Pengusul="H. Fulan, S.E. (Fraksi PKB, Dapil 3)",
                Profil="Pokir DPRD",
                Usulan="Rumah aman anak",
                Kecamatan="Sebulu",
                **{"Kelurahan / Desa": "Sebulu Ilir"},
                Usulan_Ke="Pokir DPRD",
                OPD_Tujuan_Akhir="DP3A",
                **{
                    "Rekomendasi Mitra (Bappeda)": "Layak",
                    "Rekomendasi OPD": "Dikembalikan: urusan Dinas Sosial",
                },
            ),
        ]
    )


def test_every_recommendation_is_a_step_at_its_own_level_in_the_cycle_order(refs, planner):
    assert run(_file(), planner, "sipd.xlsx") == {"baru": 3, "berubah": 0, "sama": 0, "keputusan": 11}
    assert _levels("LV-1") == [
        ("desa", "disetujui", None, None, "Prioritas 1"),  # the desa's own rank stays in its words
        ("kecamatan", "disetujui", None, 2, ""),
        ("mitra", "disetujui", None, None, ""),
        ("bappeda", "diteruskan", "Dinsos", None, ""),
        ("opd", "diterima", "Dinsos", None, ""),
        ("tapd", "diterima_dengan_perubahan", "Dinsos", None, ""),
    ]
    first = Usulan.objects.get(id_usulan="LV-1")
    assert first.prioritas == 2 and first.status == "diterima_dengan_perubahan"
    assert first.decisions.get(level="tapd").anggaran == 100_000_000
    assert _levels("LV-2") == [
        ("desa", "disetujui", None, None, "Prioritas 3"),
        ("kecamatan", "tidak_diteruskan", None, None, "melebihi kuota kecamatan"),
    ]
    assert Usulan.objects.get(id_usulan="LV-2").status == "tidak_diteruskan"
    assert _levels("LV-3") == [
        ("mitra", "disetujui", None, None, ""),
        ("bappeda", "diteruskan", "DP3A", None, ""),
        ("opd", "dikembalikan", "DP3A", None, "urusan Dinas Sosial"),
    ]
    pokir = Usulan.objects.get(id_usulan="LV-3")
    assert (pokir.sumber, pokir.anggota_dprd, pokir.fraksi, pokir.dapil) == (
        "pokir",
        "H. Fulan, S.E.",
        "Fraksi PKB",
        "Dapil 3",
    )
    # Read again, the file changes nothing.
    assert run(_file(), planner, "sipd.xlsx") == {"baru": 0, "berubah": 0, "sama": 3, "keputusan": 0}


def test_a_pokir_with_a_desa_or_kecamatan_recommendation_is_refused_naming_the_column(refs, planner):
    content = xlsx(
        [
            sipd_row(
                ID_Usulan="LV-9",
                Pengusul="Anggota DPRD Kukar Dapil 3 (Fraksi PKB)",
                Usulan="Benih padi",
                Kecamatan="Sebulu",
                **{"Kelurahan / Desa": "Sebulu Ilir"},
                Usulan_Ke="Pokir DPRD",
                **{"Rekomendasi Kecamatan": "Prioritas 1"},
            )
        ]
    )
    [(row, column, message)] = rejected(content, planner, "sipd.xlsx")
    assert (row, column) == (2, "Rekomendasi kecamatan") and "Pokir DPRD tidak melalui" in message


def test_a_kecamatan_rank_out_of_bounds_is_refused(refs, planner):
    content = xlsx(
        [
            sipd_row(
                ID_Usulan="LV-8",
                Usulan="Gapura",
                Kecamatan="Tenggarong",
                **{"Kelurahan / Desa": "Bukit Biru"},
                **{"Rekomendasi Kecamatan": "Prioritas 1000"},
            )
        ]
    )
    [(row, column, message)] = rejected(content, planner, "sipd.xlsx")
    assert (row, column) == (2, "Rekomendasi kecamatan") and "antara 1 dan 999" in message


def test_an_agency_recommendation_without_an_agency_is_refused(refs, planner):
    content = xlsx(
        [
            sipd_row(
                ID_Usulan="LV-7",
                Usulan="Gapura",
                Kecamatan="Tenggarong",
                **{"Kelurahan / Desa": "Bukit Biru"},
                **{"Rekomendasi TAPD": "Ditolak, bukan kewenangan"},
            )
        ]
    )
    [(row, column, message)] = rejected(content, planner, "sipd.xlsx")
    assert (row, column) == (2, "Rekomendasi TAPD") and "SKPD tujuan" in message


def test_level_recommendations_are_read_by_their_words():
    read = imports.parse_level_recommendation
    assert (read("Prioritas 2", ranks=True).kind, read("Prioritas 2", ranks=True).rank) == ("disetujui", 2)
    assert read("Prioritas 2", ranks=False).rank is None
    assert read("Tidak layak, lahan sengketa", ranks=False).kind == "tidak_diteruskan"
    assert read("Tidak layak, lahan sengketa", ranks=False).rest == "lahan sengketa"
    assert read("Dipertimbangkan", ranks=True).kind is None
    assert read("Layak / Tidak layak", ranks=False).kind is None  # both words: decides nothing


def test_a_pokir_member_is_read_from_pengusul_or_profil():
    member = imports.pokir_member
    assert member("Anggota DPRD Kukar Dapil 3 (Fraksi PKB)", "") == {"fraksi": "Fraksi PKB", "dapil": "Dapil 3"}
    assert member("Hj. Siti Aminah", "Pokir DPRD - Fraksi Golkar - Dapil 4") == {
        "fraksi": "Fraksi Golkar",
        "dapil": "Dapil 4",
        "anggota_dprd": "Hj. Siti Aminah",
    }
    assert member("Pokir DPRD", "") == {}


def test_the_shipped_sipd_example_is_read_level_by_level(db):
    from pathlib import Path

    from renja.models import User
    from renja.services.demo import seed_demo

    seed_demo(password="uji-demo-2026")
    example = Path(imports.__file__).resolve().parent.parent / "fixtures" / "contoh" / "sipd_contoh.xlsx"
    run(example.read_bytes(), User.objects.get(username="perencana"), "sipd_contoh.xlsx")
    assert [step[:4] for step in _levels("90260411")] == [
        ("desa", "disetujui", None, None),
        ("kecamatan", "disetujui", None, 2),
        ("mitra", "disetujui", None, None),
        ("bappeda", "diteruskan", "Dinkes", None),
        ("opd", "diterima_dengan_perubahan", "Dinkes", None),
    ]
    assert [step[:2] for step in _levels("90260422")][-2:] == [("opd", "diterima"), ("tapd", "diterima")]
    assert [step[:2] for step in _levels("90260446")][:3] == [
        ("desa", "disetujui"),
        ("kecamatan", "disetujui"),
        ("mitra", "disetujui"),
    ]


def test_a_pokir_cell_that_names_no_member_keeps_the_member_fraksi_and_dapil_it_had(refs, planner):
    def pokir(pengusul: str) -> bytes:
        return xlsx(
            [
                sipd_row(
                    ID_Usulan="PK-1",
                    Pengusul=pengusul,
                    Profil="Pokir DPRD",
                    Usulan="Rumah aman anak",
                    Kecamatan="Sebulu",
                    **{"Kelurahan / Desa": "Sebulu Ilir"},
                    Usulan_Ke="Pokir DPRD",
                )
            ]
        )

    run(pokir("H. Fulan, S.E. (Fraksi PKB, Dapil 3)"), by=planner, filename="sipd.xlsx")
    run(pokir("Pokir DPRD"), by=planner, filename="sipd.xlsx")
    usulan = Usulan.objects.get(id_usulan="PK-1")
    assert (usulan.anggota_dprd, usulan.fraksi, usulan.dapil) == ("H. Fulan, S.E.", "Fraksi PKB", "Dapil 3")
