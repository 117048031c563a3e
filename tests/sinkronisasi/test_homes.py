"""Homes for orphan usulan, the pure matcher (sinkronisasi/homes.py): the place rule, the top three, refusals."""

from __future__ import annotations

from sinkronisasi import homes
from sinkronisasi.evaluation import GROUP_SLUGS, default_vocabulary

VOCAB = default_vocabulary()


def _row(rid, nama, *, rincian="", places=(), groups=(), kode="1.03.10.2.01.0053", opd=1, keterangan=""):
    return homes.RowText(
        id=rid,
        opd=opd,
        kode=kode,
        nama=nama,
        rincian=rincian,
        keterangan=keterangan,
        places=frozenset(places),
        groups=frozenset(groups),
    )


def _usulan(text, desa="64.02.07.2001", groups=(), uraian=""):
    return homes.UsulanFacts(id="U1", desa=desa, usulan=text, uraian=uraian, groups=frozenset(groups))


def _suggest(u, rows):
    return homes.suggest_homes(u, rows, VOCAB, group_slugs=GROUP_SLUGS)


def test_place_rule_desa_kecamatan_regency_wide_or_nothing():
    desa = "64.02.06.2001"
    assert homes.place_meets(desa, frozenset({desa})) == "desa"
    assert homes.place_meets(desa, frozenset({"64.02.06"})) == "kecamatan"
    assert homes.place_meets(desa, frozenset()) == "kabupaten"
    assert homes.place_meets(desa, frozenset({"64.02.07", "64.02.06.2002"})) is None


def test_a_row_elsewhere_is_no_home():
    rows = [_row(1, "Pembangunan Jalan", rincian="Pembangunan Jalan Usaha Tani", places={"64.02.10"})]
    assert _suggest(_usulan("Pembangunan jalan usaha tani ke sawah"), rows) == []


def test_a_row_in_the_kecamatan_is_a_home():
    rows = [_row(1, "Pembangunan Jalan", rincian="Pembangunan Jalan Usaha Tani Sebulu", places={"64.02.07"})]
    got = _suggest(_usulan("Pembangunan jalan usaha tani ke sawah"), rows)
    assert [rid for rid, _s, _r in got] == [1]
    assert {"kind": "lokasi", "tingkat": "kecamatan"} in got[0][2]


def test_at_most_three_best_first():
    rows = [
        _row(i, "Pembangunan Jalan", rincian=f"Pembangunan Jalan Usaha Tani ruas {i}", places={"64.02.07"})
        for i in range(1, 6)
    ] + [_row(9, "Pembangunan Jalan", rincian="Pembangunan Jalan Usaha Tani", places={"64.02.07.2001"})]
    got = _suggest(_usulan("Pembangunan jalan usaha tani"), rows)
    assert len(got) == homes.MAX_HOMES
    scores = [s for _r, s, _x in got]
    assert scores == sorted(scores, reverse=True)
    assert got[0][0] == 9  # the same score ties go to the row naming the desa itself


def test_different_work_gets_no_suggestion():
    rows = [
        _row(1, "Pembangunan Gedung Posyandu", kode="1.02.02.2.01.0003", places=()),
        _row(2, "Bantuan Sosial Lansia Terlantar", kode="1.06.04.2.01.0001", places=()),
    ]
    assert _suggest(_usulan("Pembangunan turap sungai"), rows) == []


def test_delivery_words_alone_do_not_make_a_home():
    rows = [_row(1, "Pembangunan Gedung Posyandu", kode="1.02.02.2.01.0003", places=())]
    assert _suggest(_usulan("Pembangunan masjid desa"), rows) == []


def test_support_program_rows_are_excluded():
    rows = [_row(1, "Pembangunan Jalan", rincian="Pembangunan Jalan Usaha Tani", kode="1.03.01.2.01.0001")]
    assert _suggest(_usulan("Pembangunan jalan usaha tani"), rows) == []


def test_a_data_row_is_no_home_for_a_delivery_request():
    rows = [_row(1, "Pemutakhiran Data Balita Stunting", kode="1.02.02.2.02.0018", groups={"balita"})]
    assert _suggest(_usulan("Pemberian makanan tambahan balita stunting", groups={"balita"}), rows) == []


def test_reasons_show_the_words_as_written_never_stems():
    rows = [_row(1, "Pembangunan Jalan", rincian="Semenisasi JALAN Usaha Tani", places=())]
    got = _suggest(_usulan("Pembangunan jalan usaha tani"), rows)
    words = got[0][2][0]
    assert words["kind"] == "kata"
    assert "jalan usaha tani" in words["usulan"]
    assert any("JALAN Usaha Tani" in w for w in words["baris"])
    sentences = homes.reason_sentences(got[0][2])
    assert sentences[0].startswith("Pekerjaan sama: usulan «jalan usaha tani»")
    assert "Baris berlaku se-kabupaten" in sentences


def test_synonyms_meet_and_show_each_side_as_written():
    rows = [_row(1, "Rehabilitasi Rumah Tidak Layak Huni", kode="1.04.02.2.01.0001", groups={"keluarga_miskin"})]
    got = _suggest(_usulan("Bedah rumah warga miskin", groups={"keluarga_miskin"}), rows)
    assert [rid for rid, _s, _r in got] == [1]
    words = got[0][2][0]
    assert any(w.lower() == "bedah rumah" for w in words["usulan"])
    assert any("Rumah Tidak Layak Huni" in w for w in words["baris"])


def test_duplicates_are_compared_within_one_desa_only():
    a = homes.UsulanFacts(id=1, desa="64.02.07.2001", usulan="Pembangunan jalan usaha tani ke persawahan")
    b = homes.UsulanFacts(id=2, desa="64.02.07.2001", usulan="Semenisasi jalan usaha tani ke sawah")
    c = homes.UsulanFacts(id=3, desa="64.02.07.2002", usulan="Pembangunan jalan usaha tani ke persawahan")
    d = homes.UsulanFacts(id=4, desa="64.02.07.2001", usulan="Pembangunan gedung PAUD")
    got = homes.find_duplicates([a, b, c, d], VOCAB, group_slugs=GROUP_SLUGS)
    assert [(x, y) for x, y, _s, _r in got] == [(1, 2)]
    assert homes.reason_sentences(got[0][3], pair=True)[-1] == "Di desa yang sama"


def test_a_stretch_inside_a_longer_one_is_shown_once():
    runs = homes.written_runs(frozenset({"uang", "desa"}), ["Pengelolaan Keuangan Desa", "bagi desa"])
    assert runs == ["Keuangan Desa"]


def test_a_shared_target_group_is_named_as_the_screens_name_it_not_by_its_slug():
    from sinkronisasi.homes import reason_sentences

    reasons = [{"kind": "sasaran", "kelompok": ["masyarakat_umum", "lansia"]}]
    names = {"masyarakat_umum": "Masyarakat umum", "lansia": "Lanjut usia"}
    assert reason_sentences(reasons, group_names=names) == ["Sasaran sama: Masyarakat umum, Lanjut usia"]
