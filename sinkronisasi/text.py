"""Indonesian-aware text for the overlap detector: normalising, filler words, stemming and synonyms.

Pure Python, no Django: the evaluation script and the product build terms with the same functions.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

# Function words of Indonesian prose.
FUNCTION_WORDS = set(
    [
        "yang",
        "dan",
        "di",
        "ke",
        "dari",
        "untuk",
        "dengan",
        "bagi",
        "pada",
        "dalam",
        "oleh",
        "atau",
        "serta",
        "secara",
        "sebagai",
        "antara",
        "agar",
        "supaya",
        "karena",
        "itu",
        "ini",
        "tersebut",
        "adalah",
        "akan",
        "telah",
        "sudah",
        "belum",
        "masih",
        "juga",
        "pun",
        "saja",
        "hanya",
        "para",
        "per",
        "tiap",
        "setiap",
        "sesuai",
        "melalui",
        "terhadap",
        "tentang",
        "hingga",
        "sampai",
        "sejak",
        "selama",
        "kepada",
        "daripada",
        "maupun",
        "yaitu",
        "yakni",
        "ialah",
        "baik",
        "tidak",
        "bukan",
        "lain",
        "lainnya",
        "nya",
        "se",
        "dll",
        "dsb",
        "dst",
        "tsb",
        "thd",
        "utk",
        "dgn",
        "yg",
        "dr",
        "kpd",
    ]
)

# Words every plan row uses whatever its work: kinds of action, administrative units, counting words, the region.
# They are written here as stems (after affixes are removed), so "penyediaan", "menyediakan" and "disediakan" all go.
PLANNING_FILLER_STEMS = set(
    [
        "giat",
        "program",
        "sub",
        "sedia",
        "laksana",
        "selenggara",
        "fasilitasi",
        "kelola",
        "tingkat",
        "kembang",
        "dukung",
        "upaya",
        "jumlah",
        "orang",
        "unit",
        "paket",
        "dokumen",
        "laporan",
        "buah",
        "kali",
        "hari",
        "bulan",
        "tahun",
        "kabupaten",
        "kab",
        "kota",
        "kecamatan",
        "kec",
        "desa",
        "kelurahan",
        "kel",
        "daerah",
        "wilayah",
        "lokasi",
        "kawasan",
        "kutai",
        "kartanegara",
        "kukar",
        "kaltim",
        "kalimantan",
        "timur",
        "tenggarong",
        "perangkat",
        "dinas",
        "badan",
        "bidang",
        "seksi",
        "uptd",
        "opd",
        "skpd",
        "pemda",
        "pemkab",
        "pemerintah",
        "target",
        "sasaran",
        "capai",
        "indikator",
        "hasil",
        "keluar",
        "output",
        "outcome",
        "kinerja",
        "rangka",
        "guna",
        "baru",
        "tahap",
        "lanjut",
        # the stems the stemmer actually gives for some of the words above
        "fasilitas",
        "camat",
        "lurah",
        "perintah",
        "sasar",
        "lapor",
        "kuta",
    ]
)


# Spellings and shorthand planners write, as the words they stand for (applied to every word before stemming, so a
# synonym phrase and a row's text meet whatever the spelling). General writing habits, not any data set's words.
SPELLING: dict[str, tuple[str, ...]] = {
    word: tuple(full.split())
    for words, full in (
        (("tak", "tdk", "gak", "nggak"), "tidak"),
        (("yg",), "yang"),
        (("dg", "dgn"), "dengan"),
        (("utk",), "untuk"),
        (("krn",), "karena"),
        (("pd",), "pada"),
        (("kel",), "kelurahan"),
        (("kec",), "kecamatan"),
        (("ds",), "desa"),
        (("kab",), "kabupaten"),
        (("jl", "jln"), "jalan"),
        (("gg",), "gang"),
        (("thn", "th"), "tahun"),
        (("bln",), "bulan"),
        (("org",), "orang"),
        (("sarpras",), "sarana prasarana"),
        (("sapras",), "sarana prasarana"),
        (("rehab",), "rehabilitasi"),
        (("renov",), "renovasi"),
        (("bansos",), "bantuan sosial"),
        (("alkes",), "alat kesehatan"),
        (("nakes",), "tenaga kesehatan"),
        (("ambulance", "ambulan"), "ambulans"),
        (("tractor",), "traktor"),
        (("septic",), "septik"),
        (("screening", "skreening"), "skrining"),
        (("monev",), "monitoring evaluasi"),
        (("verval",), "verifikasi validasi"),
        (("rakor",), "rapat koordinasi"),
        (("bimtek",), "bimbingan teknis"),
        (("dll", "dsb", "dst", "tsb"), ""),
    )
    for word in words
}

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def normalise(text: str) -> list[str]:
    """Lower-case words without accents or punctuation, shorthand written out (SPELLING); numbers and one-letter
    scraps are dropped."""
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    out: list[str] = []
    for w in _NON_ALNUM.split(text):
        if len(w) > 1 and not w.isdigit():
            out.extend(SPELLING.get(w, (w,)))
    return out


@lru_cache(maxsize=1)
def _stemmer():
    return StemmerFactory().create_stemmer()


# Each word's root, as stemmed in this process or learnt from another's (stems_learn): PySastrawi takes about a
# millisecond a word, so a new process would spend most of its first refresh stemming words others already have.
_ROOTS: dict[str, str] = {}
_ROOTS_MAX = 200_000
_roots_added = 0  # words stemmed here since the roots were last handed out (stems_made)


def stem(word: str) -> str:
    """The Indonesian root of one normalised word (Nazief–Adriani/ECS via PySastrawi), cached."""
    global _roots_added
    root = _ROOTS.get(word)
    if root is None:
        if len(word) <= 3 or any(c.isdigit() for c in word):
            root = word
        else:
            root = _stemmer().stem(word) or word
        if len(_ROOTS) < _ROOTS_MAX:
            _ROOTS[word] = root
            _roots_added += 1
    return root


def stems_learn(roots: dict[str, str]) -> None:
    """Take the roots another process made (the same stemmer gives the same root: nothing changes but the time)."""
    for word, root in roots.items():
        if len(_ROOTS) >= _ROOTS_MAX:
            break
        _ROOTS.setdefault(word, root)


def stems_made(*, only_if_new: bool = True) -> dict[str, str] | None:
    """Every root this process knows, to hand to other processes; None if none was stemmed here since the last
    call (with `only_if_new`)."""
    global _roots_added
    if only_if_new and not _roots_added:
        return None
    _roots_added = 0
    return dict(_ROOTS)


_SURFACE: dict[str, str] = {}


def stems(text: str) -> list[str]:
    return list(_stems(text))


@lru_cache(maxsize=50_000)
def _stems(text: str) -> tuple[str, ...]:
    """stems(), cached per text: the same official names, indicators and usulan come back in every row and every
    recompute (the surface words are recorded the first time; a later call would record the same)."""
    out = []
    for word in normalise(text):
        if word in FUNCTION_WORDS:
            continue
        root = stem(word)
        known = _SURFACE.get(root)
        if known is None or (len(word), word) < (len(known), known):
            _SURFACE[root] = word
        out.append(root)
    return tuple(out)


def surface(term: str) -> str:
    """A readable word for a stem (the shortest word seen with it), for showing why two rows look alike."""
    return _SURFACE.get(term, term)


@dataclass(frozen=True)
class SynonymGroup:
    """Phrases that name the same thing; every phrase found in a text becomes the group's one term."""

    term: str
    label: str
    phrases: tuple[tuple[str, ...], ...]  # each phrase as a tuple of stems


def synonym_group(key: str | int, label: str, phrases: Iterable[str]) -> SynonymGroup | None:
    """Build a group from plain-text phrases (e.g. "penitipan anak", "daycare"); None when fewer than two remain."""
    stemmed = {tuple(stems(p)) for p in phrases}
    stemmed.discard(())
    if len(stemmed) < 2:
        return None
    return SynonymGroup(term=f"~{key}", label=label, phrases=tuple(sorted(stemmed, key=lambda p: (-len(p), p))))


# How much a word implied by a group's name counts, against a word the text writes (see Vocabulary.replace_weighted).
EXPANSION_WEIGHT = 0.7


class Vocabulary:
    """Synonym groups compiled for fast longest-match replacement over stem sequences."""

    def __init__(self, groups: Sequence[SynonymGroup] = ()):
        self.groups = list(groups)
        self._by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for group in self.groups:
            for phrase in group.phrases:
                self._by_first.setdefault(phrase[0], []).append((phrase, group.term))
        for options in self._by_first.values():
            options.sort(key=lambda item: -len(item[0]))
        self.labels = {g.term: g.label for g in self.groups}
        # Each group's stems (of all its phrases), sorted: what a page looks for in a row's text to show the words.
        self.phrase_stems = {g.term: sorted({w for phrase in g.phrases for w in phrase}) for g in self.groups}
        self._expansions: dict[str, list[str]] = {}

    def label(self, term: str) -> str:
        return self.labels.get(term) or surface(term)

    def replace(self, words: list[str], *, expand: bool = True) -> list[str]:
        """The stems with every synonym phrase (longest first) replaced by its group's term.

        With `expand`, the group's name follows its term, in words ("pmt" also counts as "makanan tambahan"), so
        that an abbreviation meets a text that spells out only part of it.
        """
        return [w for w, _weight in self.replace_weighted(words, expand=expand)]

    def replace_weighted(self, words: list[str], *, expand: bool = True) -> list[tuple[str, float]]:
        """replace(), each term with its weight: 1 for the text's own words and groups, EXPANSION_WEIGHT for the
        words of a group's name that the text did not write."""
        out: list[tuple[str, float]] = []
        i = 0
        while i < len(words):
            for phrase, term in self._by_first.get(words[i], ()):
                if tuple(words[i : i + len(phrase)]) == phrase:
                    out.append((term, 1.0))
                    if expand:
                        out.extend((w, EXPANSION_WEIGHT) for w in self._label_words(term) if w != term)
                    i += len(phrase)
                    break
            else:
                out.append((words[i], 1.0))
                i += 1
        return out

    def _label_words(self, term: str) -> list[str]:
        """The words of the group's name, each on its own (a one-word synonym as its group): "krs" also counts as
        "keluarga", "risiko" and "stunting", so that a row naming only part of the thing still meets it."""
        if term not in self._expansions:
            self._expansions[term] = [
                w for word in stems(self.labels.get(term, "")) for w in self.replace([word], expand=False)
            ]
        return self._expansions[term]


def _content(word: str, extra_stop: frozenset[str]) -> bool:
    return word not in PLANNING_FILLER_STEMS and word not in extra_stop and len(word) > 1


def terms(text: str, vocabulary: Vocabulary, extra_stop: frozenset[str] = frozenset()) -> list[str]:
    """The content terms of a text: stems with synonyms unified, filler and place names removed."""
    return [w for w in vocabulary.replace(stems(text)) if _content(w, extra_stop)]


def weighted_terms(
    fields: Sequence[tuple[str, float]], vocabulary: Vocabulary, extra_stop: frozenset[str] = frozenset()
) -> dict[str, float]:
    """Term weights of a row from its text fields, each field with its own weight; a term counts once per field
    (a word only implied by a group's name, less)."""
    weights: Counter[str] = Counter()
    for text, field_weight in fields:
        seen: dict[str, float] = {}
        for term, weight in vocabulary.replace_weighted(_stems(text)):
            if _content(term, extra_stop) and weight > seen.get(term, 0.0):
                seen[term] = weight
        for term, weight in seen.items():
            weights[term] += field_weight * weight
    return dict(weights)


def place_stopwords(names: Iterable[str]) -> frozenset[str]:
    """Stems of place names (desa, kecamatan), so that naming a village in the text is not 'similar work'."""
    out: set[str] = set()
    for name in names:
        out.update(stem(w) for w in normalise(name) if w not in FUNCTION_WORDS)
    return frozenset(out)


# How much each text field of a row says about its work: the row's own name most, the official sub kegiatan name
# least (it is the same for every row with that code, and the code is a signal of its own).
FIELD_WEIGHTS = {"nama": 1.0, "keterangan": 1.0, "indikator": 0.4, "sub_kegiatan": 0.3}


# The kind of a row. Most rows deliver something (a service, goods, a building, training); some only gather data,
# plan, coordinate or monitor ("Pemutakhiran Data Keluarga Berisiko Stunting", "Koordinasi Konvergensi Stunting",
# "Pemantauan Kualitas Air"). Such a row meeting a delivery row for the same people is not the same work (the
# labelling rule of the evaluation sets), so the detector weighs a pair of different kinds down.
# The kind is read from the row's own name: its first word of substance (the nominalised verb planners start with,
# after filler such as "Fasilitasi", "Pelaksanaan", "Penguatan"), or a noun that makes any name a data/plan row.
KELOLA = "!kelola"  # a marker among a row's terms, not a word: the detector keeps it out of the text score
GOVERNANCE_HEADS = frozenset(
    {
        "koordinasi",
        "sinkronisasi",
        "rencana",  # perencanaan
        "susun",  # penyusunan
        "data",  # pendataan
        "mutakhir",  # pemutakhiran
        "verifikasi",
        "validasi",
        "pantau",  # pemantauan
        "monitoring",
        "evaluasi",
        "kaji",  # kajian, pengkajian
        "survei",
        "survey",
        "rapat",
        "konvergensi",
        "analisis",
        "meta",  # pemetaan
        "inventarisasi",
        "identifikasi",
        "rembuk",
        "rumus",  # perumusan
        "nilai",  # penilaian
        "bahas",  # pembahasan
        "teliti",  # penelitian
        "catat",  # pencatatan
        "kumpul",  # pengumpulan (data)
        "musrenbang",
        "sensus",
        "registrasi",
        "reviu",
        "review",
        "audit",
    }
)
# Nouns that make a row a data, planning or coordination row wherever they stand in its name.
GOVERNANCE_NOUNS = frozenset({"data", "konvergensi", "tkpk", "musrenbang", "aplikasi", "database", "kajian", "peta"})
# Heads that say nothing of the kind (read past them).
NEUTRAL_HEADS = frozenset({"kuat", "optimalisasi", "dukung", "tingkat", "kembang", "fasilitasi", "laksana"})
# Words of delivery: a name with one of them delivers something even if it starts with coordination
# ("Koordinasi, Sosialisasi dan Pelaksanaan Kampung Siaga Bencana").
DELIVERY_STEMS = frozenset(
    {
        "sosialisasi",
        "latih",
        "bentuk",
        "bangun",
        "beri",
        "bantu",
        "layan",
        "damping",
        "picu",
        "salur",
        "ada",  # pengadaan
        "rehabilitasi",
        "baik",  # perbaikan
        "periksa",
        "obat",
        "imunisasi",
        "vaksinasi",
        "bimbing",
        "suluh",
    }
)


@lru_cache(maxsize=50_000)
def row_kind(name: str) -> str:
    """ "kelola" for a data, planning, coordination or monitoring row, "layanan" for a row that delivers something."""
    words = [stem(w) for w in normalise(name) if w not in FUNCTION_WORDS]
    if not words or any(w in DELIVERY_STEMS for w in words):
        return "layanan"
    head = next(
        (w for w in words if w not in PLANNING_FILLER_STEMS and w not in NEUTRAL_HEADS),
        "",
    )
    if head in GOVERNANCE_HEADS or any(w in GOVERNANCE_NOUNS for w in words):
        return "kelola"
    return "layanan"


def row_terms(
    *,
    nama: str,
    keterangan: str,
    indikator: str,
    sub_kegiatan: str,
    vocabulary: Vocabulary,
    extra_stop: frozenset[str] = frozenset(),
) -> dict[str, float]:
    """The weighted terms of one Renja row."""
    fields = [
        (nama, FIELD_WEIGHTS["nama"]),
        (keterangan, FIELD_WEIGHTS["keterangan"]),
        (indikator, FIELD_WEIGHTS["indikator"]),
        (sub_kegiatan, FIELD_WEIGHTS["sub_kegiatan"]),
    ]
    out = {t: round(w, 3) for t, w in weighted_terms(fields, vocabulary, extra_stop).items()}
    if row_kind(nama) == "kelola":
        out[KELOLA] = 0.0
    return out


def vocabulary_from(groups: Iterable[tuple[str | int, str, Iterable[str]]]) -> Vocabulary:
    """A vocabulary from (key, label, phrases) triples; groups with fewer than two usable phrases are skipped."""
    built = [synonym_group(key, label, phrases) for key, label, phrases in groups]
    return Vocabulary([g for g in built if g is not None])


# Words of how a row delivers (training, outreach, aid, building, upkeep): two rows that both "train" or both
# "socialise" may be about unrelated things, so like target-group words they weigh little; what is delivered decides.
DELIVERY_WORDS = (
    "pelatihan",
    "sosialisasi",
    "penyuluhan",
    "promosi",
    "pembinaan",
    "bimbingan",
    "pendampingan",
    "pelayanan",
    "bantuan",
    "pemberian",
    "pengadaan",
    "pembangunan",
    "rehabilitasi",
    "pemeliharaan",
    "perbaikan",
    "penanganan",
    "pencegahan",
    "pemberdayaan",
    "pembentukan",
    "penguatan",
    "peningkatan kapasitas",
)


def group_terms(vocabulary: Vocabulary, slugs: Iterable[str]) -> frozenset[str]:
    """Terms that name a target group (anak, lansia, penyandang disabilitas, …): the groups are a signal of their
    own, so in the text they count for little — similar text should mean similar *work*."""
    out: set[str] = set()
    for slug in slugs:
        out.update(vocabulary.replace(stems(slug.replace("_", " "))))
    for word in DELIVERY_WORDS:
        out.update(vocabulary.replace(stems(word), expand=False))
    return frozenset(out)


def row_wording(*, nama: str, rincian: str, indikator: str, indikator_opd: str) -> tuple[str, str]:
    """The name and indicator a row's terms weigh as its own words: the agency's rincian, else the official name
    (the official name is weighed again, lightly, as the sub kegiatan's); the agency's extra indicator, else the
    official one."""
    return (rincian or "").strip() or nama, (indikator_opd or "").strip() or indikator
