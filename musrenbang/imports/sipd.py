"""The SIPD export: columns as SIPD names them.

No, ID usulan, Tanggal usul, Pengusul, Profil, Usulan, Permasalahan, Alamat, Kabupaten/Kota, Kecamatan,
Kelurahan/Desa, Usulan ke, SKPD tujuan awal, SKPD tujuan akhir, Status, Catatan, Rekomendasi mitra (Bappeda),
Rekomendasi kelurahan/desa, Rekomendasi kecamatan, Rekomendasi SKPD, Rekomendasi TAPD, Volume, Satuan, Anggaran,
Jenis belanja, Sub kegiatan (optional extra columns read: Prioritas, Ref Renja). Headers match loosely (case, spacing,
"SKPD"/"OPD"/"PD"); other columns are ignored. ID usulan, Kecamatan, Kelurahan/Desa and Usulan are required.
- The desa is found by kecamatan name + desa name ("Desa"/"Kelurahan"/"Kec." prefixes, case and spacing ignored);
  agencies by singkatan or full name. An unmatched name is an error.
- Alamat ending in coordinates ("…, -0.4321, 117.1234") gives latitude/longitude; the alamat keeps the rest.
- SKPD tujuan awal/akhir route the usulan (awal first, then akhir when it differs).
- Each Rekomendasi column is a step at its own level, in the cycle's order: Rekomendasi kelurahan/desa (Musrenbang
  desa), Rekomendasi kecamatan (Musrenbang kecamatan, with its rank), Rekomendasi mitra (Bappeda's verification) —
  these before the routing —, then Rekomendasi SKPD (the agency) and Rekomendasi TAPD. A level's cell forwards the
  usulan (disetujui: layak, disetujui, diteruskan, "Prioritas 2" — at the kecamatan the rank, which is also the
  usulan's Prioritas when that column is empty) or does not (tidak_diteruskan: tidak layak, ditolak, tidak
  diprioritaskan; the rest of the cell is the reason). A Pokir passes no desa or kecamatan. An usulan a level did
  not forward stops there (decisions' `stops`): a later level's or the SKPD's/TAPD's decision is an error naming the
  column, and its SKPD tujuan (the agency the desa chose, which SIPD keeps) is not read as a routing.
- SKPD's and TAPD's cells give a decision when they hold one clear word:
  diterima/disetujui/diakomodir, diterima dengan perubahan, ditolak/tidak diterima, dikembalikan, digabung. Other
  words ("Dialihkan", "Dipertimbangkan") decide nothing. "Koefisien : 2 Unit" and "Anggaran : 150.000.000" in the cell
  are the accepted volume and cost: an acceptance whose values differ from the usulan's becomes diterima dengan
  perubahan. A rejection or return takes the rest of the cell as its reason. An acceptance or merge needs the Renja
  row: the Ref Renja column, else the agency's row of the year with the Sub kegiatan's code (the one whose lokasi
  holds the desa or its kecamatan when there are several).
- A Pokir's Pengusul or Profil names the DPRD member, "Fraksi …" and "Dapil …" (anggota_dprd, fraksi, dapil).
- sumber is pokir when Usulan ke or Pengusul says Pokir/DPRD, musrenbang_kecamatan when it says kecamatan, else
  musrenbang_desa. Catatan becomes uraian; the bidang urusan comes from the Sub kegiatan code, else from the agency
  when it has exactly one; Jenis belanja gives fisik/non-fisik when it says so.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from renja.models import FiscalYear, Opd, RenjaRow

from .. import decisions
from ..models import Usulan
from ..services import RANK_MAX, level_label
from .columns import ImportColumn, ImportFormat
from .lookups import Lookups
from .reading import Row, TrailStep, check_decision
from .values import (
    TEXT_LIMITS,
    desa_key,
    kecamatan_key,
    parse_anggaran,
    parse_prioritas,
    parse_volume,
    split_coordinates,
    text,
    words,
)

CODE_AT_START = re.compile(r"^\s*(\d+\.\d{2}\.\d{2}\.\d\.\d{2}\.\d{4})")
KOEFISIEN = re.compile(r"\b(?:koefisien|volume)\b\s*[:=]?\s*([0-9][0-9.,]*)(?:\s*[A-Za-z][\w/²³.-]*)?", re.IGNORECASE)
NILAI = re.compile(r"\b(?:anggaran|pagu|nilai|biaya)\b\s*[:=]?\s*(?:rp\.?\s*)?(-?[0-9][0-9.,]*)", re.IGNORECASE)
ACCEPT_WORD = r"(?:diterima|disetujui|diakomodir|diakomodasi|diakomodasikan)"
DECISION_WORDS = [
    (re.compile(ACCEPT_WORD + r"\s+dengan\s+perubahan", re.IGNORECASE), decisions.ACCEPTED_WITH_CHANGES),
    (
        re.compile(r"\b(?:tidak|belum)\s+(?:dapat\s+|bisa\s+)?" + ACCEPT_WORD + r"|\bditolak\b", re.IGNORECASE),
        decisions.REJECTED,
    ),
    (re.compile(r"\bdikembalikan\b", re.IGNORECASE), decisions.RETURNED),
    (re.compile(r"\bdigabung(?:kan)?\b", re.IGNORECASE), decisions.MERGED),
    (re.compile(r"\b" + ACCEPT_WORD + r"\b", re.IGNORECASE), decisions.ACCEPTED_AS_IS),
]
AGENCY_WORDS = {"skpd", "opd", "pd", "perangkat"}
# The Musrenbang levels' recommendations (desa, kecamatan, Bappeda's verification): forwarded, with the kecamatan's
# rank ("Prioritas 2"), or not forwarded. Refusals first: "tidak layak" is no "layak".
LEVEL_REFUSAL = re.compile(
    r"\b(?:tidak|belum)\s+(?:dapat\s+|bisa\s+)?(?:layak|disetujui|diteruskan|diprioritaskan|diusulkan|diterima|"
    r"diakomodir|diakomodasi|diverifikasi|memenuhi\s+syarat)\b|\bditolak\b|\bdibatalkan\b",
    re.IGNORECASE,
)
LEVEL_APPROVAL = re.compile(
    r"\b(?:layak|disetujui|diteruskan|diterima|diakomodir|diakomodasi|diverifikasi|memenuhi\s+syarat|prioritas)\b",
    re.IGNORECASE,
)
RANK = re.compile(r"\b(?:prioritas|peringkat|ranking|rangking|urutan)\s*(?:ke)?\s*[:.=-]?\s*(\d{1,4})\b", re.IGNORECASE)
# (our column, the level it records), in the cycle's order: each before the routing, then SKPD's and TAPD's.
LEVEL_COLUMNS = (
    ("rek_desa", decisions.Level.DESA),
    ("rek_kecamatan", decisions.Level.KECAMATAN),
    ("rek_mitra", decisions.Level.MITRA),
)
AGENCY_COLUMNS = (("rek_skpd", decisions.Level.OPD), ("rek_tapd", decisions.Level.TAPD))
# A Pokir's Pengusul or Profil: "H. Fulan (Fraksi PKB, Dapil 3)", "Anggota DPRD Kukar Dapil 3 (Fraksi PKB)".
FRAKSI = re.compile(r"\bfraksi\s+([^(),;/]+?)\s*(?=$|[(),;/]|\bdapil\b)", re.IGNORECASE)
DAPIL = re.compile(r"\b(?:dapil|daerah\s+pemilihan)\s*[:.]?\s*([^(),;/]+?)\s*(?=$|[(),;/]|\bfraksi\b)", re.IGNORECASE)
MEMBER_TITLE = re.compile(
    r"^\s*(?:anggota\s+)?dprd(?:\s+(?:kab(?:upaten)?\.?\s*)?(?:kukar|kutai\s+kartanegara))?\b", re.IGNORECASE
)


def _sipd_column(identifier: str, label: str, matches: Callable[[set[str], str], bool], **kwargs) -> ImportColumn:
    return ImportColumn(identifier, label, matches=matches, **kwargs)


# In the order problems are listed; the header is matched in MATCH_ORDER.
COLUMNS = (
    _sipd_column("id_usulan", "ID usulan", lambda w, n: "id" in w and ("usulan" in w or len(w) == 1), required=True),
    _sipd_column("pengusul", "Pengusul", lambda w, n: "pengusul" in w),
    _sipd_column("profil", "Profil", lambda w, n: "profil" in w),
    _sipd_column(
        "usulan",
        "Usulan",
        lambda w, n: "usulan" in w and w <= {"usulan", "nama", "judul", "kegiatan", "uraian"},
        required=True,
    ),
    _sipd_column("permasalahan", "Permasalahan", lambda w, n: bool(w & {"permasalahan", "masalah"})),
    _sipd_column("alamat", "Alamat", lambda w, n: "alamat" in w),
    _sipd_column("kecamatan", "Kecamatan", lambda w, n: bool(w & {"kecamatan", "kec"}), required=True),
    _sipd_column("desa", "Kelurahan/Desa", lambda w, n: bool(w & {"desa", "kelurahan", "kel"}), required=True),
    _sipd_column("usulan_ke", "Usulan ke", lambda w, n: "usulan" in w and "ke" in w),
    _sipd_column("opd_awal", "SKPD tujuan awal", lambda w, n: bool(w & AGENCY_WORDS) and "awal" in w),
    _sipd_column(
        "opd_akhir", "SKPD tujuan akhir", lambda w, n: bool(w & AGENCY_WORDS) and ("akhir" in w or "tujuan" in w)
    ),
    _sipd_column("catatan", "Catatan", lambda w, n: bool(w & {"catatan", "keterangan"})),
    _sipd_column(
        "rek_desa", "Rekomendasi kelurahan/desa", lambda w, n: "rekomendasi" in w and bool(w & {"desa", "kelurahan"})
    ),
    _sipd_column("rek_kecamatan", "Rekomendasi kecamatan", lambda w, n: "rekomendasi" in w and bool(w & {"kecamatan"})),
    _sipd_column("rek_mitra", "Rekomendasi mitra", lambda w, n: "rekomendasi" in w and bool(w & {"mitra", "bappeda"})),
    _sipd_column("rek_skpd", "Rekomendasi SKPD", lambda w, n: "rekomendasi" in w and bool(w & AGENCY_WORDS)),
    _sipd_column("rek_tapd", "Rekomendasi TAPD", lambda w, n: "rekomendasi" in w and "tapd" in w),
    _sipd_column(
        "volume", "Volume", lambda w, n: bool(w & {"volume", "vol", "koefisien"}), clean=parse_volume, kind="number"
    ),
    _sipd_column("satuan", "Satuan", lambda w, n: "satuan" in w),
    _sipd_column(
        "anggaran",
        "Anggaran",
        lambda w, n: bool(w & {"anggaran", "pagu", "biaya", "nilai"}),
        clean=parse_anggaran,
        kind="rupiah",
    ),
    _sipd_column("jenis", "Jenis belanja", lambda w, n: "jenis" in w),
    _sipd_column("sub_kegiatan", "Sub kegiatan", lambda w, n: "subkegiatan" in w or ("sub" in w and "kegiatan" in w)),
    _sipd_column("prioritas", "Prioritas", lambda w, n: "prioritas" in w, clean=parse_prioritas, kind="integer"),
    _sipd_column("ref_renja", "Ref Renja", lambda w, n: "ref" in w and "renja" in w),
)
# Header matching: the first that matches a header name takes it. Other recommendations are taken by IGNORED so that
# no later column claims them.
IGNORED = "_rekomendasi"
MATCH_ORDER = (
    "rek_skpd",
    "rek_tapd",
    "rek_mitra",
    "rek_desa",
    "rek_kecamatan",
    IGNORED,
    "usulan_ke",
    "id_usulan",
    "opd_awal",
    "opd_akhir",
    "sub_kegiatan",
    "kecamatan",
    "desa",
    "pengusul",
    "profil",
    "permasalahan",
    "alamat",
    "catatan",
    "ref_renja",
    "prioritas",
    "jenis",
    "volume",
    "satuan",
    "anggaran",
    "usulan",
)
_BY_ID = {c.identifier: c for c in COLUMNS}
SIPD_MATCHERS: list[tuple[str, Callable[[set[str], str], bool]]] = [
    (key, (lambda w, n: "rekomendasi" in w) if key == IGNORED else _BY_ID[key].matches) for key in MATCH_ORDER
]
SIPD_LABELS = {c.identifier: c.label for c in COLUMNS}


def sipd_columns(header: list[str]) -> dict[str, str]:
    """Our key → the file's (normalised) column, matching SIPD's header spellings loosely; first match wins."""
    found: dict[str, str] = {}
    for name in header:
        header_words = set(name.split("_")) - {""}
        for key, matches in SIPD_MATCHERS:
            if matches(header_words, name):
                if not key.startswith("_"):
                    found.setdefault(key, name)
                break
    return found


@dataclass
class Recommendation:
    kind: str | None  # None: no clear decision word
    volume: Decimal | None
    anggaran: int | None
    rest: str  # the text without the decision word and values: a reason


def parse_recommendation(cell: str) -> Recommendation:
    """Read an SIPD recommendation cell such as "Diterima. Koefisien : 2 Unit, Anggaran : 150.000.000"."""
    found: set[str] = set()
    rest = cell
    for pattern, kind in DECISION_WORDS:  # words first: a unit after a number never hides the decision
        if pattern.search(rest):
            found.add(kind)
            rest = pattern.sub(" ", rest)
    anggaran = volume = None
    if nilai := NILAI.search(rest):
        anggaran = parse_anggaran(nilai.group(1).rstrip(".,"))
        rest = rest[: nilai.start()] + " " + rest[nilai.end() :]
    if koef := KOEFISIEN.search(rest):
        volume = parse_volume(koef.group(1).rstrip(".,"))
        rest = rest[: koef.start()] + " " + rest[koef.end() :]
    kind = found.pop() if len(found) == 1 else None
    rest = " ".join(rest.split()).strip(" .,;:-")
    return Recommendation(kind, volume, anggaran, rest)


@dataclass
class LevelRecommendation:
    kind: str | None  # disetujui, tidak_diteruskan, or None: no clear word
    rank: int | None  # "Prioritas 2"
    rest: str  # the text without the decision word (and, at the kecamatan, the rank): a reason


def parse_level_recommendation(cell: str, *, ranks: bool) -> LevelRecommendation:
    """Read a desa's, kecamatan's or Bappeda's verification recommendation such as "Prioritas 2", "Layak" or
    "Tidak layak, lokasi tumpang tindih". `ranks`: the rank is taken out of the text (the kecamatan's)."""
    rest, found = cell, set()
    if LEVEL_REFUSAL.search(rest):
        found.add(decisions.NOT_FORWARDED)
        rest = LEVEL_REFUSAL.sub(" ", rest)
    rank = None
    if ranks and (match := RANK.search(rest)):
        rank = int(match.group(1))
        found.add(decisions.FORWARDED)
        rest = rest[: match.start()] + " " + rest[match.end() :]
    elif RANK.search(rest):
        found.add(decisions.FORWARDED)  # a desa's own rank: forwarded, the rank stays in the text
    if (ranks or not RANK.search(rest)) and LEVEL_APPROVAL.search(rest):
        found.add(decisions.FORWARDED)
        rest = LEVEL_APPROVAL.sub(" ", rest)
    kind = found.pop() if len(found) == 1 else None
    rest = " ".join(rest.split()).strip(" .,;:-")
    return LevelRecommendation(kind, rank if kind == decisions.FORWARDED else None, rest)


def pokir_member(pengusul: str, profil: str) -> dict[str, str]:
    """The DPRD member, fraksi and dapil a Pokir's Pengusul or Profil cell names (those it names)."""
    found: dict[str, str] = {}
    for cell in (pengusul, profil):
        if "fraksi" not in found and (match := FRAKSI.search(cell)):
            found["fraksi"] = "Fraksi " + " ".join(match.group(1).split()).strip(" -–")
        if "dapil" not in found and (match := DAPIL.search(cell)):
            found["dapil"] = "Dapil " + " ".join(match.group(1).split()).strip(" -–")
    name = DAPIL.sub(" ", FRAKSI.sub(" ", pengusul))
    name = MEMBER_TITLE.sub(" ", name)
    name = " ".join(re.sub(r"\(\s*[,;]?\s*\)", " ", name).split()).strip(" ,;:-()")
    if name and not re.fullmatch(r"(?i)(?:pokir|pokok\s+pikiran)(?:\s+dprd)?", name):
        found["anggota_dprd"] = name
    return found


def _sumber(usulan_ke: str, pengusul: str, profil: str) -> str:
    said = f" {words(usulan_ke)} {words(pengusul)} {words(profil)} "
    if " pokir " in said or " dprd " in said or " reses " in said:
        return Usulan.Sumber.POKIR
    head = words(pengusul).split()[:1]
    if "kecamatan" in words(usulan_ke).split() or head in (["kecamatan"], ["kec"], ["camat"]):
        return Usulan.Sumber.MUSRENBANG_KECAMATAN
    return Usulan.Sumber.MUSRENBANG_DESA


def _jenis(value: str) -> str | None:
    said = words(value)
    if "non fisik" in said or "nonfisik" in said:
        return Usulan.Jenis.NON_FISIK
    if "fisik" in said or "modal" in said:
        return Usulan.Jenis.FISIK
    return None


def _stopped_message(stop: TrailStep) -> str:
    """Why a later Rekomendasi cannot follow a level that did not forward the usulan (`stop`, that level's step)."""
    return _(
        "usulan tidak diteruskan di tingkat %(level)s (kolom %(column)s); rekomendasi tingkat sesudahnya tidak dapat "
        "dicatat: kosongkan kolom ini atau perbaiki kolom %(column)s"
    ) % {"level": level_label(stop.level), "column": stop.column}


def _renja_row_for(row: Row, look: Lookups, opd: Opd, label: str) -> RenjaRow | None:
    """The agency's Renja row an SIPD acceptance or merge points at (Ref Renja, else the Sub kegiatan code)."""
    ref = text(row.cell("ref_renja"))
    if ref:
        found = look.rows.get(ref)
        if found is None:
            row.err(SIPD_LABELS["ref_renja"], _("ref %(ref)s tidak ada di Renja tahun ini") % {"ref": ref})
        return found
    match = CODE_AT_START.match(text(row.cell("sub_kegiatan")))
    column = SIPD_LABELS["sub_kegiatan"]
    if not match:
        row.err(
            column,
            _(
                "rekomendasi %(label)s memerlukan baris Renja: isi kode sub kegiatan di kolom Sub kegiatan "
                "atau tambahkan kolom Ref Renja"
            )
            % {"label": label},
        )
        return None
    code = match.group(1)
    candidates = look.rows_by_code.get((opd.pk, code), [])
    if len(candidates) > 1:
        places = look.row_places()
        desa = row.data.get("desa")
        for wanted in ([desa.pk] if desa else [], [desa.parent_id] if desa else []):
            near = [r for r in candidates if places.get(r.pk, set()) & set(wanted)]
            if len(near) == 1:
                return near[0]
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        row.err(
            column,
            _(
                "%(opd)s tidak memiliki baris Renja tahun ini dengan sub kegiatan %(kode)s; "
                "impor Renja dahulu atau tambahkan kolom Ref Renja"
            )
            % {"opd": opd.singkatan, "kode": code},
        )
    else:
        row.err(
            column,
            _(
                "%(opd)s memiliki beberapa baris Renja dengan sub kegiatan %(kode)s (%(refs)s); "
                "tambahkan kolom Ref Renja"
            )
            % {"opd": opd.singkatan, "kode": code, "refs": ", ".join(sorted(r.ref for r in candidates))},
        )
    return None


class SipdFormat(ImportFormat):
    identifier = "sipd"
    columns = COLUMNS

    def find_columns(self, header: list[str]) -> dict[str, str]:
        return sipd_columns(header)

    def detect(self, header: list[str], found: dict[str, str]) -> bool:
        return "kode_desa" not in header and "kecamatan" in found and "desa" in found

    def missing(self, found: dict[str, str]) -> list[str]:
        return [SIPD_LABELS[k] for k in ("id_usulan", "kecamatan", "desa", "usulan") if k not in found]

    def read(self, row: Row, look: Lookups, fiscal_year: FiscalYear) -> None:
        self._read_fields(row, look)
        self._read_trail(row, look)

    def _read_fields(self, row: Row, look: Lookups) -> None:
        data, label = row.data, row.label
        kec_name, desa_name = text(row.cell("kecamatan")), text(row.cell("desa"))
        if not kec_name:
            row.err(label("kecamatan"), _("wajib diisi"))
        elif (kecamatan := look.kecamatan.get(kecamatan_key(kec_name))) is None:
            row.err(label("kecamatan"), _("kecamatan %(nama)s tidak dikenal") % {"nama": kec_name})
        elif not desa_name:
            row.err(label("desa"), _("wajib diisi"))
        elif (desa := look.desa.get((kecamatan.pk, desa_key(desa_name)))) is None:
            row.err(
                label("desa"),
                _("desa/kelurahan %(desa)s tidak ada di Kecamatan %(kec)s")
                % {"desa": desa_name, "kec": kecamatan.nama},
            )
        else:
            data["desa"] = desa
        pengusul = text(row.cell("pengusul"))
        if row.has("pengusul"):
            if len(pengusul) > TEXT_LIMITS["pengusul"]:
                row.err(label("pengusul"), _("paling banyak %(n)s karakter") % {"n": TEXT_LIMITS["pengusul"]})
            data["pengusul"] = pengusul
        data["sumber"] = _sumber(text(row.cell("usulan_ke")), pengusul, text(row.cell("profil")))
        if data["sumber"] == Usulan.Sumber.POKIR and (row.has("pengusul") or row.has("profil")):
            member = pokir_member(pengusul, text(row.cell("profil")))
            for key in ("anggota_dprd", "fraksi", "dapil"):
                if key not in member:  # a cell that names no member, fraksi or dapil keeps what the usulan has
                    continue
                value = member[key]
                if len(value) > TEXT_LIMITS[key]:
                    column = label("pengusul") if row.has("pengusul") else label("profil")
                    field = Usulan._meta.get_field(key).verbose_name
                    row.err(
                        column, _("%(field)s paling banyak %(n)s karakter") % {"field": field, "n": TEXT_LIMITS[key]}
                    )
                data[key] = value
        data["usulan"] = text(row.cell("usulan"))
        if not data["usulan"]:
            row.err(label("usulan"), _("wajib diisi"))
        if row.has("permasalahan"):
            data["permasalahan"] = text(row.cell("permasalahan"))
        if row.has("catatan"):
            data["uraian"] = text(row.cell("catatan"))
        if row.has("alamat"):
            try:
                data["alamat"], data["latitude"], data["longitude"] = split_coordinates(text(row.cell("alamat")))
            except ValueError as exc:
                row.err(label("alamat"), str(exc))
        if row.has("satuan"):
            data["satuan"] = text(row.cell("satuan"))
            if len(data["satuan"]) > TEXT_LIMITS["satuan"]:
                row.err(label("satuan"), _("paling banyak %(n)s karakter") % {"n": TEXT_LIMITS["satuan"]})
        for key in ("volume", "anggaran", "prioritas"):
            if row.has(key):
                data[key] = row.clean(key)
        if row.has("jenis") and (jenis := _jenis(text(row.cell("jenis")))):
            data["jenis"] = jenis

    def _read_trail(self, row: Row, look: Lookups) -> None:
        """Routing (SKPD tujuan awal, then akhir) and the decision (the last recommendation filled in)."""
        data, label = row.data, row.label
        opds = {}
        for key in ("opd_awal", "opd_akhir"):
            name = text(row.cell(key))
            if name:
                opds[key] = look.opd(name)
                if opds[key] is None:
                    row.err(
                        label(key),
                        _("OPD %(opd)s tidak dikenal (pakai nama lengkap atau singkatan OPD)") % {"opd": name},
                    )
                elif not opds[key].aktif:
                    row.err(label(key), _("OPD %(opd)s tidak aktif") % {"opd": opds[key].singkatan})
        code = CODE_AT_START.match(text(row.cell("sub_kegiatan")))
        target = opds.get("opd_akhir") or opds.get("opd_awal")
        if row.has("sub_kegiatan") or row.has("opd_akhir") or row.has("opd_awal"):
            bidang = look.bidang.get(code.group(1)[:4]) if code else None
            if bidang is None and target is not None:
                own = list(target.bidang_urusan.all())
                bidang = own[0] if len(own) == 1 else None
            data["bidang_urusan"] = bidang

        # Each recommendation at its own level, in the cycle's order: desa, kecamatan, Bappeda's verification (before
        # the routing), then the agency's and TAPD's.
        level_steps = self._level_steps(row)
        agency_recs = []
        for key, level in AGENCY_COLUMNS:
            if cell := text(row.cell(key)):
                try:
                    agency_recs.append((key, level, cell, parse_recommendation(cell)))
                except ValueError as exc:
                    row.err(label(key), str(exc))
        if not row.ok:
            return
        row.steps.extend(level_steps)
        if level_steps and level_steps[-1].kind in decisions.STOPS:
            # Stopped at a level: the SKPD tujuan is where the desa meant it to go (SIPD keeps it), not a routing,
            # and no agency or TAPD decides it.
            for key, _level, _cell, rec in agency_recs:
                if rec.kind is not None:
                    row.err(label(key), _stopped_message(level_steps[-1]))
            return
        if target is None:
            decided = [key for key, _level, _cell, rec in agency_recs if rec.kind is not None]
            if decided:
                row.err(label(decided[0]), _("rekomendasi ini memerlukan SKPD tujuan: isi SKPD tujuan awal atau akhir"))
            return
        if opds.get("opd_awal") and opds["opd_awal"] != target:
            row.steps.append(TrailStep(opd=opds["opd_awal"], column=label("opd_awal")))
        row.steps.append(TrailStep(opd=target, column=label("opd_akhir" if "opd_akhir" in opds else "opd_awal")))
        for key, level, cell, recommendation in agency_recs:
            if recommendation.kind is not None:
                step = self._agency_step(row, look, target, key, level, cell, recommendation)
                if step is None:
                    return
                row.steps.append(step)

    def _level_steps(self, row: Row) -> list[TrailStep]:
        """The desa's, kecamatan's and Bappeda's verification recommendations, as steps before the routing."""
        label, steps = row.label, []
        is_pokir = row.data.get("sumber") == Usulan.Sumber.POKIR
        for key, level in LEVEL_COLUMNS:
            cell = text(row.cell(key))
            if not cell:
                continue
            found = parse_level_recommendation(cell, ranks=level == decisions.Level.KECAMATAN)
            if found.kind is None:
                continue  # no clear word ("Dipertimbangkan"): decides nothing, as in the SKPD column
            if steps and steps[-1].kind in decisions.STOPS:
                row.err(label(key), _stopped_message(steps[-1]))
                continue
            if is_pokir and level != decisions.Level.MITRA:
                row.err(
                    label(key),
                    _("usulan Pokir DPRD tidak melalui musrenbang desa atau kecamatan; kosongkan kolom ini"),
                )
                continue
            rank = found.rank
            if level == decisions.Level.KECAMATAN and found.kind == decisions.FORWARDED:
                if rank is None:
                    rank = row.data.get("prioritas")
                elif not row.data.get("prioritas"):
                    row.data["prioritas"] = rank  # the usulan's priority at the kecamatan, from its step
                if rank is not None and not 1 <= rank <= RANK_MAX:
                    row.err(label(key), _("peringkat harus antara 1 dan %(max)s") % {"max": RANK_MAX})
                    continue
            alasan = found.rest
            if found.kind in decisions.NEEDS_REASON and not alasan:
                alasan = f"{label(key)} (SIPD): {cell}"
            steps.append(
                TrailStep(opd=None, kind=found.kind, alasan=alasan, column=label(key), level=level, prioritas=rank)
            )
        return steps

    def _agency_step(
        self, row: Row, look: Lookups, target: Opd, key: str, level: str, cell: str, recommendation: Recommendation
    ) -> TrailStep | None:
        """The agency's (Rekomendasi SKPD) or TAPD's decision on the usulan routed to `target`; None if refused."""
        data, label = row.data, row.label
        kind = recommendation.kind
        step = TrailStep(opd=target, kind=kind, column=label(key), level=level)
        if kind in decisions.ACCEPTED:
            differs = (recommendation.volume is not None and recommendation.volume != data.get("volume")) or (
                recommendation.anggaran is not None and recommendation.anggaran != data.get("anggaran")
            )
            if differs:
                step.kind = decisions.ACCEPTED_WITH_CHANGES
                step.volume, step.anggaran = recommendation.volume, recommendation.anggaran
            elif kind == decisions.ACCEPTED_WITH_CHANGES:
                row.err(
                    label(key),
                    _("diterima dengan perubahan: tulis Koefisien atau Anggaran yang berbeda dari usulan"),
                )
                return None
            step.alasan = recommendation.rest
        else:
            step.alasan = recommendation.rest or f"{label(key)} (SIPD): {cell}"
        if kind in decisions.TAKES_ROW:
            step.row = _renja_row_for(row, look, target, cell)
            if step.row is None:
                return None
        row_column = label("ref_renja") if text(row.cell("ref_renja")) else label("sub_kegiatan")
        check_decision(row, step, reason_column=label(key), row_column=row_column, change_column=label(key))
        return step


SIPD = SipdFormat()
