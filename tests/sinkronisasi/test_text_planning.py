"""Planners' spelling, the kind of a row (delivery vs data/planning/coordination) and how the detector weighs it."""

from sinkronisasi import text
from sinkronisasi.detector import Detector, Params, RowFacts
from sinkronisasi.evaluation import default_vocabulary


def test_shorthand_is_written_out_before_stemming():
    assert text.normalise("rumah tak layak huni yg rusak, kel. Loa Ipuh") == [
        "rumah",
        "tidak",
        "layak",
        "huni",
        "yang",
        "rusak",
        "kelurahan",
        "loa",
        "ipuh",
    ]
    assert text.normalise("Sarpras dll") == ["sarana", "prasarana"]
    # "tak" and "tidak" now give the same terms
    vocabulary = default_vocabulary()
    assert text.terms("perbaikan rumah tak layak huni", vocabulary) == text.terms(
        "perbaikan rumah tidak layak huni", vocabulary
    )


def test_filler_words_go_under_the_stems_the_stemmer_gives():
    # "fasilitasi" stems to "fasilitas", "kelurahan" to "lurah": neither may count as similar work
    assert text.terms("Fasilitasi kelurahan dan kecamatan", text.Vocabulary()) == []


def test_row_kind_from_the_name():
    for name in (
        "Pemutakhiran Data Keluarga Berisiko Stunting (Verval KRS)",
        "Koordinasi Konvergensi Percepatan Penurunan Stunting",
        "Pendataan Fakir Miskin",
        "Pemantauan Kualitas Air Sungai",
        "Fasilitasi Penyusunan Profil Desa",
        "Penguatan Aplikasi Data Kekerasan",
    ):
        assert text.row_kind(name) == "kelola", name
    for name in (
        "Pemberian Makanan Tambahan bagi Balita",
        "Pemicuan STBM dan Verifikasi Desa ODF",
        "Koordinasi, Sosialisasi dan Pelaksanaan Kampung Siaga Bencana",
        "Bedah Rumah Warga Miskin",
        "",
    ):
        assert text.row_kind(name) == "layanan", name


def _terms(nama, keterangan=""):
    return text.row_terms(
        nama=nama, keterangan=keterangan, indikator="", sub_kegiatan="", vocabulary=default_vocabulary()
    )


def test_the_kind_is_a_marker_among_the_terms_never_a_matched_word():
    terms = _terms("Pemutakhiran Data Balita Stunting")
    assert terms[text.KELOLA] == 0.0
    assert text.KELOLA not in _terms("Pemberian Makanan Tambahan Balita Stunting")
    rows = [
        RowFacts(1, 1, "1.02.02.2.01.0001", False, frozenset(), frozenset({"balita"}), terms),
        RowFacts(2, 2, "1.02.02.2.01.0002", False, frozenset(), frozenset({"balita"}), terms),
    ]
    detector = Detector(rows)
    finding = detector.score(1, 2)
    assert finding.score > 0.9  # two data rows on the same data: the same work
    assert all(not t.startswith("!") for t in finding.signals["istilah"])
    assert text.KELOLA not in detector.vector(1)


def test_a_data_row_meeting_a_delivery_row_for_the_same_people_is_weighed_down():
    service = _terms("Pemberian Makanan Tambahan Balita Stunting", "Makanan tambahan balita stunting di posyandu")
    data = _terms("Pendataan Balita Stunting", "Makanan tambahan balita stunting di posyandu")
    other = _terms("Pemberian Makanan Tambahan Balita Stunting", "Makanan tambahan balita stunting di posyandu")

    def pair(terms_b):
        rows = [
            RowFacts(1, 1, "1.02.02.2.01.0001", False, frozenset(), frozenset({"balita"}), service),
            RowFacts(2, 2, "1.02.02.2.01.0002", False, frozenset(), frozenset({"balita"}), terms_b),
        ]
        return Detector(rows).score(1, 2)

    same_kind, kinds_differ = pair(other), pair(data)
    assert same_kind.score >= Params().threshold and "jenis_berbeda" not in same_kind.signals
    assert kinds_differ.signals["jenis_berbeda"] is True
    assert kinds_differ.score <= same_kind.score * Params().kind_mismatch + 0.01


def test_the_thesaurus_makes_planners_names_of_one_thing_one_term():
    vocabulary = default_vocabulary()
    for a, b in (
        ("bedah rumah", "rehabilitasi rumah tidak layak huni"),
        ("perbaikan rumah tak layak huni", "RTLH"),
        ("PJU", "lampu jalan"),
        ("penerangan jalan umum tenaga surya", "PJUTS"),
        ("alsintan", "hand traktor"),
        ("pelatihan vokasional", "pelatihan kerja berbasis kompetensi"),
        ("STBM", "stop buang air besar sembarangan"),
        ("Posyandu", "pos pelayanan terpadu"),
        ("PMT", "pemberian makanan tambahan"),
        ("stunting", "tengkes"),
        ("BPJS Ketenagakerjaan", "jaminan sosial ketenagakerjaan"),
        ("NIB", "nomor induk berusaha"),
    ):
        ta, tb = text.terms(a, vocabulary), text.terms(b, vocabulary)
        assert ta[0] == tb[0] and ta[0].startswith("~"), (a, b, ta, tb)


def test_an_abbreviation_also_counts_as_the_words_of_its_name_but_less():
    vocabulary = default_vocabulary()
    weights = text.weighted_terms([("KRS", 1.0)], vocabulary)
    group = text.terms("KRS", vocabulary)[0]
    assert weights[group] == 1.0
    stunting = text.terms("stunting", vocabulary)[0]
    assert weights[stunting] == text.EXPANSION_WEIGHT  # "keluarga berisiko stunting" meets a row on stunting
    # a row that writes the word itself counts it fully
    assert text.weighted_terms([("KRS stunting", 1.0)], vocabulary)[stunting] == 1.0


def test_every_builtin_group_is_usable_and_no_phrase_belongs_to_two_groups():
    from sinkronisasi.builtin_synonyms import DEFAULT_SYNONYMS

    seen = {}
    for i, (label, phrases) in enumerate(DEFAULT_SYNONYMS):
        assert text.synonym_group(i, label, phrases) is not None, label
        assert len(label) <= 120 and not any("," in p or ";" in p for p in phrases), label
        for phrase in phrases:
            key = tuple(text.stems(phrase))
            assert seen.setdefault(key, label) == label, (phrase, seen[key], label)
    assert len({label.lower() for label, _p in DEFAULT_SYNONYMS}) == len(DEFAULT_SYNONYMS) >= 150


def test_words_of_how_a_row_delivers_weigh_like_target_group_words():
    vocabulary = default_vocabulary()
    light = text.group_terms(vocabulary, ["anak"])
    for word in ("pelatihan", "bimtek", "sosialisasi", "penyuluhan", "pembangunan", "bantuan"):
        assert set(text.terms(word, vocabulary)) <= light, word
    assert not set(text.terms("kemasan produk", vocabulary)) & light  # what is delivered keeps its full weight

    def row(i, opd, nama):
        return RowFacts(
            i, opd, f"3.0{i}.02.2.01.0001", False, frozenset({"64.02.06"}), frozenset({"umkm"}), _terms(nama)
        )

    rows = [row(1, 1, "Pelatihan desain kemasan produk"), row(2, 2, "Pelatihan kuliner olahan ikan")]
    heavy = Detector(rows).score(1, 2).score
    weighed = Detector(rows, group_terms=light).score(1, 2).score
    assert weighed < heavy and weighed < Params().threshold  # both "train", about unrelated things
