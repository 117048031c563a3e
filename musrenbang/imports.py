"""Import of usulan from CSV/XLSX: check the whole file, then write every row or none.

Two formats, told apart by the header row (a header with `kode_desa` is the project format; one with Kecamatan and
Kelurahan/Desa columns is a SIPD export):

Project format — columns id_usulan, sumber, pengusul, kode_desa, permasalahan, usulan, uraian, kode_bidang_urusan,
volume, satuan, anggaran, prioritas, sasaran, opd_tujuan, keputusan_opd, alasan, ref_renja, and optionally
volume_diterima, anggaran_diterima. id_usulan, kode_desa and usulan are required; an optional column that is absent
leaves that field of existing usulan as it is.
- sumber: musrenbang_desa (also when empty), musrenbang_kecamatan, pokir, opd, forum.
- kode_desa: the Kemendagri code of a desa or kelurahan. kode_bidang_urusan: e.g. 1.06. sasaran: `;`-separated slugs.
- opd_tujuan: the agency's singkatan (or full name); empty = not routed yet.
- keputusan_opd: empty or diteruskan (routed only), diterima, diterima_dengan_perubahan, digabung, ditolak,
  dikembalikan; every one needs opd_tujuan.
- ref_renja: the `ref` of a Renja row of the year. Required for diterima and diterima_dengan_perubahan (a row of the
  opd_tujuan agency: the usulan is picked up into it) and for digabung (the row it was merged into).
- alasan: required for ditolak, dikembalikan and digabung.
- volume_diterima / anggaran_diterima: the accepted volume or cost of diterima_dengan_perubahan (one must differ).

SIPD export — columns as SIPD names them (DOMAIN.md): No, ID usulan, Tanggal usul, Pengusul, Profil, Usulan,
Permasalahan, Alamat, Kabupaten/Kota, Kecamatan, Kelurahan/Desa, Usulan ke, SKPD tujuan awal, SKPD tujuan akhir,
Status, Catatan, Rekomendasi mitra (Bappeda), Rekomendasi kelurahan/desa, Rekomendasi kecamatan, Rekomendasi SKPD,
Rekomendasi TAPD, Volume, Satuan, Anggaran, Jenis belanja, Sub kegiatan (optional extra columns read: Prioritas,
Ref Renja). Headers match loosely (case, spacing, "SKPD"/"OPD"/"PD"); other columns are ignored. ID usulan,
Kecamatan, Kelurahan/Desa and Usulan are required.
- The desa is found by kecamatan name + desa name ("Desa"/"Kelurahan"/"Kec." prefixes, case and spacing ignored);
  agencies by singkatan or full name. An unmatched name is an error.
- Alamat ending in coordinates ("…, -0.4321, 117.1234") gives latitude/longitude; the alamat keeps the rest.
- SKPD tujuan awal/akhir route the usulan (awal first, then akhir when it differs).
- The last non-empty of Rekomendasi SKPD, Rekomendasi TAPD gives the decision when it holds one clear word:
  diterima/disetujui/diakomodir, diterima dengan perubahan, ditolak/tidak diterima, dikembalikan, digabung. Other
  words ("Dialihkan", "Dipertimbangkan") decide nothing. "Koefisien : 2 Unit" and "Anggaran : 150.000.000" in the cell
  are the accepted volume and cost: an acceptance whose values differ from the usulan's becomes diterima dengan
  perubahan. A rejection or return takes the rest of the cell as its reason. An acceptance or merge needs the Renja
  row: the Ref Renja column, else the agency's row of the year with the Sub kegiatan's code (the one whose lokasi
  holds the desa or its kecamatan when there are several).
- sumber is pokir when Usulan ke or Pengusul says Pokir/DPRD, musrenbang_kecamatan when it says kecamatan, else
  musrenbang_desa. Catatan becomes uraian; the bidang urusan comes from the Sub kegiatan code, else from the agency
  when it has exactly one; Jenis belanja gives fisik/non-fisik when it says so.

Both formats: numbers are read the Indonesian way (1.500 = fifteen hundred, 2,5 = two and a half); every error is
listed by row and column and nothing is written; the same file imported again changes nothing; a known id_usulan
(unique per year) updates its descriptive fields. Routing and decisions go through services.usulan_route and
services.usulan_decide (level opd), and only where the usulan's current state is one the file's own routing and
decision pass through (status baru, or routed/decided as the file says): a decision taken in the app is never
overridden.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.formatting import angka, rupiah
from core.importing import (
    ImportIssue,
    ImportRejected,
    IssueCollector,
    decimal_within,
    integer_range,
    max_length,
    parse_rupiah,
    table_rejected,
)
from core.tabular import TableError, read_table
from renja import permissions as rules
from renja import services as renja_services
from renja.models import AuditLog, FiscalYear, KelompokSasaran, Nomenklatur, Opd, RenjaRow, User, Wilayah
from renja.services.imports import same_text

from . import decisions, services
from .models import Keputusan, Usulan

PROJECT_REQUIRED = ["id_usulan", "kode_desa", "usulan"]
PROJECT_COLUMNS = [
    "id_usulan",
    "sumber",
    "pengusul",
    "kode_desa",
    "permasalahan",
    "usulan",
    "uraian",
    "kode_bidang_urusan",
    "volume",
    "satuan",
    "anggaran",
    "prioritas",
    "sasaran",
    "opd_tujuan",
    "keputusan_opd",
    "alasan",
    "ref_renja",
    "volume_diterima",
    "anggaran_diterima",
]

# SIPD columns: our key → the name SIPD prints (used in error messages).
SIPD_LABELS = {
    "id_usulan": "ID usulan",
    "pengusul": "Pengusul",
    "profil": "Profil",
    "usulan": "Usulan",
    "permasalahan": "Permasalahan",
    "alamat": "Alamat",
    "kecamatan": "Kecamatan",
    "desa": "Kelurahan/Desa",
    "usulan_ke": "Usulan ke",
    "opd_awal": "SKPD tujuan awal",
    "opd_akhir": "SKPD tujuan akhir",
    "catatan": "Catatan",
    "rek_skpd": "Rekomendasi SKPD",
    "rek_tapd": "Rekomendasi TAPD",
    "volume": "Volume",
    "satuan": "Satuan",
    "anggaran": "Anggaran",
    "jenis": "Jenis belanja",
    "sub_kegiatan": "Sub kegiatan",
    "prioritas": "Prioritas",
    "ref_renja": "Ref Renja",
}
SIPD_REQUIRED = ["id_usulan", "kecamatan", "desa", "usulan"]
SIPD_ORDER = list(SIPD_LABELS.values())

# Fields an import may set on an usulan, in display order.
DESCRIPTIVE = [
    "sumber",
    "pengusul",
    "desa",
    "alamat",
    "latitude",
    "longitude",
    "permasalahan",
    "usulan",
    "uraian",
    "bidang_urusan",
    "jenis",
    "volume",
    "satuan",
    "anggaran",
    "prioritas",
    "sasaran",
]
TEXT_LIMITS = {name: max_length(Usulan, name) for name in ("id_usulan", "pengusul", "satuan")}
ACCEPTED = decisions.ACCEPTED
NEEDS_ROW = decisions.TAKES_ROW
THOUSANDS = re.compile(r"^\d{1,3}(\.\d{3})+$")
MAX_ANGGARAN = min(10**15, integer_range(Usulan, "anggaran")[1], integer_range(Keputusan, "anggaran")[1])
MAX_PRIORITAS = integer_range(Usulan, "prioritas")[1]
MICRO = Decimal("0.000001")
COORDINATES = re.compile(r"[\s,;:(\[]*(-?\d{1,2}\.\d{3,})\s*[,;]\s*(-?\d{1,3}\.\d{3,})\s*[)\]]?\s*$")
CODE_AT_START = re.compile(r"^\s*(\d+\.\d{2}\.\d{2}\.\d\.\d{2}\.\d{4})")
KOEFISIEN = re.compile(r"\b(?:koefisien|volume)\b\s*[:=]?\s*([0-9][0-9.,]*)(?:\s*[A-Za-z][\w/²³.-]*)?", re.IGNORECASE)
NILAI = re.compile(r"\b(?:anggaran|pagu|nilai|biaya)\b\s*[:=]?\s*(?:rp\.?\s*)?(-?[0-9][0-9.,]*)", re.IGNORECASE)
ACCEPT_WORD = r"(?:diterima|disetujui|diakomodir|diakomodasi|diakomodasikan)"
DECISION_WORDS = [
    (re.compile(ACCEPT_WORD + r"\s+dengan\s+perubahan", re.IGNORECASE), Keputusan.Jenis.DITERIMA_DENGAN_PERUBAHAN),
    (
        re.compile(r"\b(?:tidak|belum)\s+(?:dapat\s+|bisa\s+)?" + ACCEPT_WORD + r"|\bditolak\b", re.IGNORECASE),
        Keputusan.Jenis.DITOLAK,
    ),
    (re.compile(r"\bdikembalikan\b", re.IGNORECASE), Keputusan.Jenis.DIKEMBALIKAN),
    (re.compile(r"\bdigabung(?:kan)?\b", re.IGNORECASE), Keputusan.Jenis.DIGABUNG),
    (re.compile(r"\b" + ACCEPT_WORD + r"\b", re.IGNORECASE), Keputusan.Jenis.DITERIMA),
]


# ---------------------------------------------------------------------------------------------------------------
# The plan: what a file would do, row by row.


@dataclass(eq=False)
class TrailStep:
    """One entry the file puts on an usulan's trail: a routing to an agency, or that agency's decision."""

    opd: Opd
    keputusan: str = Keputusan.Jenis.DITERUSKAN
    alasan: str = ""
    volume: Decimal | None = None
    anggaran: int | None = None
    row: RenjaRow | None = None  # the Renja row of an acceptance, or the row a merge joins
    column: str = ""

    @property
    def state(self) -> tuple[str, int]:
        return (self.keputusan, self.opd.pk)


@dataclass(eq=False)
class PlannedUsulan:
    line: int
    id_usulan: str
    data: dict[str, Any]
    steps: list[TrailStep]  # the whole trail the file describes (empty: the file routes it nowhere)
    existing: Usulan | None = None
    changes: dict[str, list[str]] = field(default_factory=dict)
    apply_steps: list[TrailStep] = field(default_factory=list)  # the part of `steps` the import will write
    kept: str = ""  # why the file's routing/decision is not applied (a decision taken in the app), if so

    @property
    def action(self) -> str:
        if self.existing is None:
            return "baru"
        return "berubah" if (self.changes or self.apply_steps) else "sama"


@dataclass
class UsulanImportPlan:
    fiscal_year: FiscalYear
    format: str  # "proyek" or "sipd"
    rows: list[PlannedUsulan]

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    def summary(self) -> dict[str, int]:
        """baru/berubah/sama usulan, and keputusan: routing and decision entries the import adds to trails."""
        return {
            "baru": self.count("baru"),
            "berubah": self.count("berubah"),
            "sama": self.count("sama"),
            "keputusan": sum(len(r.apply_steps) for r in self.rows),
        }

    @property
    def kept(self) -> list[PlannedUsulan]:
        """Rows whose routing or decision in the app differs from the file and is kept."""
        return [r for r in self.rows if r.kept]


# ---------------------------------------------------------------------------------------------------------------
# Reading values.


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    return str(value).strip()


def _words(value: Any) -> str:
    """Lower case, punctuation as spaces, single spaces: the form names are compared in."""
    text = _text(value).lower().replace("&", " dan ")
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


def _place_key(value: Any, prefixes: tuple[str, ...]) -> str:
    words = _words(value).split()
    while words and words[0] in prefixes:
        words = words[1:]
    while words and words[-1] in prefixes:
        words = words[:-1]
    return " ".join(words)


def kecamatan_key(value: Any) -> str:
    return _place_key(value, ("kecamatan", "kec"))


def desa_key(value: Any) -> str:
    return _place_key(value, ("desa", "kelurahan", "kel", "ds"))


def parse_volume(value: Any) -> Decimal | None:
    """A volume the Indonesian way (2,5 · 1.500 · 1.500,75 · 12.5) or a spreadsheet number; empty means none."""
    if value in ("", None):
        return None
    if isinstance(value, bool):
        raise ValueError(_("bukan angka"))
    if isinstance(value, (int, float)):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    else:
        text = str(value).strip().replace(" ", "")
        if "," in text:
            text = text.replace(".", "").replace(",", ".")
        elif THOUSANDS.match(text):
            text = text.replace(".", "")
        if not re.fullmatch(r"-?\d+(\.\d+)?", text):
            raise ValueError(_("%(value)r bukan angka (contoh: 2 · 2,5 · 1.500)") % {"value": str(value)})
        number = Decimal(text)
    if not number.is_finite():
        raise ValueError(_("bukan angka"))
    if number < 0:
        raise ValueError(_("tidak boleh negatif"))
    # The usulan's volume and a decision's accepted volume are the same kind of column.
    decimal_within(number, Keputusan, "volume", spreadsheet=isinstance(value, float))
    return decimal_within(number, Usulan, "volume", spreadsheet=isinstance(value, float))


def parse_anggaran(value: Any) -> int:
    """Whole Rupiah ('150.000.000', 'Rp 150.000.000,00', a spreadsheet number); empty means 0."""
    if value in ("", None):
        return 0
    if isinstance(value, str):
        value = re.sub(r",0{1,2}$", "", value.strip())
    return parse_rupiah(value, maximum=MAX_ANGGARAN)


def parse_prioritas(value: Any) -> int | None:
    if value in ("", None):
        return None
    text = _text(value)
    if not re.fullmatch(r"[0-9]{1,6}", text) or not 1 <= int(text) <= MAX_PRIORITAS:
        raise ValueError(
            _("%(value)r bukan nomor urut (1 sampai %(max)s)") % {"value": text[:40], "max": MAX_PRIORITAS}
        )
    return int(text)


def split_coordinates(alamat: str) -> tuple[str, Decimal | None, Decimal | None]:
    """An address that ends in "lat, long" → (the address without them, latitude, longitude)."""
    match = COORDINATES.search(alamat)
    if not match:
        return alamat, None, None
    latitude, longitude = Decimal(match.group(1)), Decimal(match.group(2))
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise ValueError(
            _("koordinat %(lat)s, %(lng)s di luar jangkauan lintang/bujur")
            % {"lat": match.group(1), "lng": match.group(2)}
        )
    rest = alamat[: match.start()].rstrip(" ,;:-")
    return rest, latitude.quantize(MICRO), longitude.quantize(MICRO)


@dataclass
class Recommendation:
    keputusan: str | None  # None: no clear decision word
    volume: Decimal | None
    anggaran: int | None
    rest: str  # the text without the decision word and values: a reason


def parse_recommendation(text: str) -> Recommendation:
    """Read an SIPD recommendation cell such as "Diterima. Koefisien : 2 Unit, Anggaran : 150.000.000"."""
    found: set[str] = set()
    rest = text
    for pattern, jenis in DECISION_WORDS:  # words first: a unit after a number never hides the decision
        if pattern.search(rest):
            found.add(jenis)
            rest = pattern.sub(" ", rest)
    anggaran = volume = None
    if nilai := NILAI.search(rest):
        anggaran = parse_anggaran(nilai.group(1).rstrip(".,"))
        rest = rest[: nilai.start()] + " " + rest[nilai.end() :]
    if koef := KOEFISIEN.search(rest):
        volume = parse_volume(koef.group(1).rstrip(".,"))
        rest = rest[: koef.start()] + " " + rest[koef.end() :]
    keputusan = found.pop() if len(found) == 1 else None
    rest = " ".join(rest.split()).strip(" .,;:-")
    return Recommendation(keputusan, volume, anggaran, rest)


# ---------------------------------------------------------------------------------------------------------------
# Everything a file may refer to, loaded once per import.


class _Lookups:
    def __init__(self, fiscal_year: FiscalYear) -> None:
        places = list(Wilayah.objects.only("id", "kode", "nama", "tingkat", "parent_id"))
        self.wilayah = {w.kode: w for w in places}
        self.wilayah_by_pk = {w.pk: w for w in places}
        kecamatan = {w.pk: w for w in places if w.tingkat == Wilayah.Tingkat.KECAMATAN}
        self.kecamatan = {kecamatan_key(w.nama): w for w in kecamatan.values()}
        self.desa = {
            (w.parent_id, desa_key(w.nama)): w
            for w in places
            if w.tingkat in (Wilayah.Tingkat.DESA, Wilayah.Tingkat.KELURAHAN) and w.parent_id in kecamatan
        }
        opds = list(Opd.objects.prefetch_related("bidang_urusan"))
        self.opd_by_pk = {o.pk: o for o in opds}
        self.opd_singkatan = {_words(o.singkatan): o for o in opds}
        self.opd_nama = {}
        for o in opds:
            self.opd_nama.setdefault(_words(o.nama), o)
            self.opd_nama.setdefault(_words(re.sub(r"\(.*?\)", "", o.nama)), o)
        self.bidang = {n.kode: n for n in Nomenklatur.objects.filter(level=Nomenklatur.Level.BIDANG_URUSAN)}
        self.bidang_by_pk = {n.pk: n for n in self.bidang.values()}
        self.sasaran = {s.slug: s for s in KelompokSasaran.objects.all()}
        self.sasaran_by_pk = {s.pk: s for s in self.sasaran.values()}
        self.rows = {r.ref: r for r in RenjaRow.objects.filter(fiscal_year=fiscal_year).select_related("opd")}
        self.rows_by_code: dict[tuple[int, str], list[RenjaRow]] = {}
        for renja_row in self.rows.values():
            self.rows_by_code.setdefault((renja_row.opd_id, renja_row.kode), []).append(renja_row)
        self._row_places: dict[int, set[int]] | None = None
        self.sumber = {v: v for v in Usulan.Sumber.values}
        self.sumber.update({_words(label).replace(" ", "_"): v for v, label in Usulan.Sumber.choices})
        self.sumber.update({"pokir": Usulan.Sumber.POKIR, "": Usulan.Sumber.MUSRENBANG_DESA})

    def opd(self, value: str) -> Opd | None:
        """An agency by singkatan or full name, as SIPD or people write it."""
        text = re.sub(r"^[\d.\s]+(?=[A-Za-z])", "", value)  # SIPD may print the unit code first
        candidates = [text] + re.findall(r"\((.*?)\)", text) + [re.sub(r"\(.*?\)", "", text)]
        for candidate in candidates:
            key = _words(candidate)
            key = re.sub(r"\s*(kabupaten|kab)\s+kutai\s+kartanegara$|\s+kukar$", "", key)
            found = self.opd_singkatan.get(key) or self.opd_nama.get(key)
            if found is not None:
                return found
        return None

    def row_places(self) -> dict[int, set[int]]:
        """Renja row → its lokasi (read once, only when a SIPD acceptance must choose between rows)."""
        if self._row_places is None:
            through = RenjaRow.lokasi.through
            self._row_places = {}
            pks = [r.pk for r in self.rows.values()]
            for start in range(0, len(pks), 900):
                for row_id, place_id in through.objects.filter(renjarow_id__in=pks[start : start + 900]).values_list(
                    "renjarow_id", "wilayah_id"
                ):
                    self._row_places.setdefault(row_id, set()).add(place_id)
        return self._row_places


# ---------------------------------------------------------------------------------------------------------------
# Reading rows of either format into (descriptive data, trail steps).


class _Row:
    """One data line being read: collects its values and its errors."""

    def __init__(self, line: int, values: dict[str, Any], issues: list[ImportIssue]):
        self.line, self.values, self.issues = line, values, issues
        self.data: dict[str, Any] = {}
        self.steps: list[TrailStep] = []
        self.cols: dict[str, str] = {}  # SIPD: our key → the file's column
        self.ok = True

    def err(self, column: str, message: str) -> None:
        self.issues.append(ImportIssue(self.line, column, message))
        self.ok = False

    def text(self, key: str, column: str, *, limit: int | None = None) -> str:
        value = _text(self.values.get(key, ""))
        if limit and len(value) > limit:
            self.err(column, _("paling banyak %(n)s karakter") % {"n": limit})
        return value

    def parse(self, key: str, column: str, parser: Callable[[Any], Any]) -> Any:
        try:
            return parser(self.values.get(key, ""))
        except ValueError as exc:
            self.err(column, str(exc))
            return None


def _check_decision(row: _Row, step: TrailStep, *, reason_column: str, row_column: str, change_column: str) -> None:
    """Rules usulan_decide will apply, checked up front so that every problem of the file is listed at once."""
    jenis = step.keputusan
    if jenis in decisions.AGENCY_NEEDS_REASON and not step.alasan:
        row.err(reason_column, _("wajib diisi untuk keputusan %(k)s") % {"k": jenis})
    if jenis in ACCEPTED and step.row is not None and step.row.opd_id != step.opd.pk:
        row.err(
            row_column,
            _("baris Renja %(ref)s milik %(owner)s, bukan %(opd)s")
            % {"ref": step.row.ref, "owner": step.row.opd.singkatan, "opd": step.opd.singkatan},
        )
    if jenis == Keputusan.Jenis.DITERIMA_DENGAN_PERUBAHAN:
        volume, anggaran = row.data.get("volume"), row.data.get("anggaran")
        if (step.volume is None or step.volume == volume) and (step.anggaran is None or step.anggaran == anggaran):
            row.err(
                change_column,
                _("diterima dengan perubahan: volume atau anggaran yang diterima harus berbeda dari usulan"),
            )


def _read_project(row: _Row, look: _Lookups, present: set[str], fiscal_year: FiscalYear) -> None:
    data = row.data
    code = row.text("kode_desa", "kode_desa")
    if not code:
        row.err("kode_desa", _("wajib diisi"))
    else:
        place = look.wilayah.get(code)
        if place is None:
            row.err("kode_desa", _("kode desa %(kode)s tidak dikenal") % {"kode": code})
        elif place.tingkat not in (Wilayah.Tingkat.DESA, Wilayah.Tingkat.KELURAHAN):
            row.err(
                "kode_desa",
                _("%(kode)s adalah %(tingkat)s, bukan desa/kelurahan")
                % {"kode": code, "tingkat": place.get_tingkat_display().lower()},
            )
        else:
            data["desa"] = place
    if "sumber" in present:
        raw = _words(row.values.get("sumber", "")).replace(" ", "_")
        if raw in look.sumber:
            data["sumber"] = look.sumber[raw]
        else:
            row.err(
                "sumber",
                _("sumber %(value)s tidak dikenal (pilihan: %(choices)s)")
                % {"value": raw, "choices": ", ".join(Usulan.Sumber.values)},
            )
    for key in ("pengusul", "permasalahan", "uraian", "satuan"):
        if key in present:
            data[key] = row.text(key, key, limit=TEXT_LIMITS.get(key))
    data["usulan"] = row.text("usulan", "usulan")
    if not data["usulan"]:
        row.err("usulan", _("wajib diisi"))
    if "kode_bidang_urusan" in present:
        code = row.text("kode_bidang_urusan", "kode_bidang_urusan")
        data["bidang_urusan"] = look.bidang.get(code) if code else None
        if code and data["bidang_urusan"] is None:
            row.err(
                "kode_bidang_urusan", _("kode bidang urusan %(kode)s tidak dikenal (contoh: 1.06)") % {"kode": code}
            )
    if "volume" in present:
        data["volume"] = row.parse("volume", "volume", parse_volume)
    if "anggaran" in present:
        data["anggaran"] = row.parse("anggaran", "anggaran", parse_anggaran)
    if "prioritas" in present:
        data["prioritas"] = row.parse("prioritas", "prioritas", parse_prioritas)
    if "sasaran" in present:
        groups = []
        for slug in [p.strip() for p in _text(row.values.get("sasaran")).replace(",", ";").split(";") if p.strip()]:
            group = look.sasaran.get(slug.lower())
            if group is None or not group.aktif:
                row.err("sasaran", _("kelompok sasaran %(slug)s tidak dikenal") % {"slug": slug})
            elif group not in groups:
                groups.append(group)
        data["sasaran"] = groups

    # Routing and decision.
    opd = None
    opd_name = row.text("opd_tujuan", "opd_tujuan")
    if opd_name:
        opd = look.opd(opd_name)
        if opd is None:
            row.err("opd_tujuan", _("OPD %(opd)s tidak dikenal (pakai singkatan OPD)") % {"opd": opd_name})
        elif not opd.aktif:
            row.err("opd_tujuan", _("OPD %(opd)s tidak aktif") % {"opd": opd.singkatan})
    jenis = _words(row.values.get("keputusan_opd", "")).replace(" ", "_")
    alasan = row.text("alasan", "alasan")
    ref = row.text("ref_renja", "ref_renja")
    renja_row = None
    if ref:
        renja_row = look.rows.get(ref)
        if renja_row is None:
            row.err(
                "ref_renja", _("ref %(ref)s tidak ada di Renja tahun %(year)s") % {"ref": ref, "year": fiscal_year.year}
            )
    if jenis and jenis not in Keputusan.Jenis.values:
        row.err(
            "keputusan_opd",
            _("keputusan %(value)s tidak dikenal (pilihan: %(choices)s)")
            % {"value": jenis, "choices": ", ".join(Keputusan.Jenis.values)},
        )
        return
    if jenis and not opd_name:
        row.err("opd_tujuan", _("wajib diisi bila keputusan_opd diisi"))
    if jenis in NEEDS_ROW and not ref:
        row.err("ref_renja", _("wajib diisi untuk keputusan %(k)s") % {"k": jenis})
    elif ref and jenis not in NEEDS_ROW:
        row.err("ref_renja", _("hanya diisi untuk keputusan diterima, diterima_dengan_perubahan atau digabung"))
    step_volume = step_anggaran = None
    if jenis == Keputusan.Jenis.DITERIMA_DENGAN_PERUBAHAN:
        if "volume_diterima" in present:
            step_volume = row.parse("volume_diterima", "volume_diterima", parse_volume)
        if "anggaran_diterima" in present and _text(row.values.get("anggaran_diterima")):
            step_anggaran = row.parse("anggaran_diterima", "anggaran_diterima", parse_anggaran)
    if opd is None or not row.ok:
        return
    row.steps.append(TrailStep(opd=opd, column="opd_tujuan"))
    if jenis and jenis != Keputusan.Jenis.DITERUSKAN:
        step = TrailStep(
            opd=opd,
            keputusan=jenis,
            alasan=alasan,
            volume=step_volume,
            anggaran=step_anggaran,
            row=renja_row,
            column="keputusan_opd",
        )
        _check_decision(row, step, reason_column="alasan", row_column="ref_renja", change_column="volume_diterima")
        row.steps.append(step)


SIPD_MATCHERS: list[tuple[str, Callable[[set[str], str], bool]]] = [
    ("rek_skpd", lambda w, n: "rekomendasi" in w and bool(w & {"skpd", "opd", "pd", "perangkat"})),
    ("rek_tapd", lambda w, n: "rekomendasi" in w and "tapd" in w),
    ("_rekomendasi", lambda w, n: "rekomendasi" in w),
    ("usulan_ke", lambda w, n: "usulan" in w and "ke" in w),
    ("id_usulan", lambda w, n: "id" in w and ("usulan" in w or len(w) == 1)),
    ("opd_awal", lambda w, n: bool(w & {"skpd", "opd", "pd", "perangkat"}) and "awal" in w),
    ("opd_akhir", lambda w, n: bool(w & {"skpd", "opd", "pd", "perangkat"}) and ("akhir" in w or "tujuan" in w)),
    ("sub_kegiatan", lambda w, n: "subkegiatan" in w or ("sub" in w and "kegiatan" in w)),
    ("kecamatan", lambda w, n: bool(w & {"kecamatan", "kec"})),
    ("desa", lambda w, n: bool(w & {"desa", "kelurahan", "kel"})),
    ("pengusul", lambda w, n: "pengusul" in w),
    ("profil", lambda w, n: "profil" in w),
    ("permasalahan", lambda w, n: bool(w & {"permasalahan", "masalah"})),
    ("alamat", lambda w, n: "alamat" in w),
    ("catatan", lambda w, n: bool(w & {"catatan", "keterangan"})),
    ("ref_renja", lambda w, n: "ref" in w and "renja" in w),
    ("prioritas", lambda w, n: "prioritas" in w),
    ("jenis", lambda w, n: "jenis" in w),
    ("volume", lambda w, n: bool(w & {"volume", "vol", "koefisien"})),
    ("satuan", lambda w, n: "satuan" in w),
    ("anggaran", lambda w, n: bool(w & {"anggaran", "pagu", "biaya", "nilai"})),
    ("usulan", lambda w, n: "usulan" in w and w <= {"usulan", "nama", "judul", "kegiatan", "uraian"}),
]


def sipd_columns(header: list[str]) -> dict[str, str]:
    """Our key → the file's (normalised) column, matching SIPD's header spellings loosely; first match wins."""
    found: dict[str, str] = {}
    for name in header:
        words = set(name.split("_")) - {""}
        for key, matches in SIPD_MATCHERS:
            if matches(words, name):
                if not key.startswith("_"):
                    found.setdefault(key, name)
                break
    return found


def _sumber_from_sipd(usulan_ke: str, pengusul: str, profil: str) -> str:
    words = f" {_words(usulan_ke)} {_words(pengusul)} {_words(profil)} "
    if " pokir " in words or " dprd " in words or " reses " in words:
        return Usulan.Sumber.POKIR
    head = _words(pengusul).split()[:1]
    if "kecamatan" in _words(usulan_ke).split() or head in (["kecamatan"], ["kec"], ["camat"]):
        return Usulan.Sumber.MUSRENBANG_KECAMATAN
    return Usulan.Sumber.MUSRENBANG_DESA


def _jenis_from_sipd(value: str) -> str | None:
    words = _words(value)
    if "non fisik" in words or "nonfisik" in words:
        return Usulan.Jenis.NON_FISIK
    if "fisik" in words or "modal" in words:
        return Usulan.Jenis.FISIK
    return None


def _sipd_row_for(row: _Row, look: _Lookups, opd: Opd, label: str) -> RenjaRow | None:
    """The agency's Renja row an SIPD acceptance or merge points at (Ref Renja, else the Sub kegiatan code)."""
    ref = _text(row.values.get(row.cols.get("ref_renja", ""), ""))
    if ref:
        found = look.rows.get(ref)
        if found is None:
            row.err(SIPD_LABELS["ref_renja"], _("ref %(ref)s tidak ada di Renja tahun ini") % {"ref": ref})
        return found
    cell = _text(row.values.get(row.cols.get("sub_kegiatan", ""), ""))
    match = CODE_AT_START.match(cell)
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


def _read_sipd(row: _Row, look: _Lookups, cols: dict[str, str]) -> None:
    data = row.data
    row.cols = cols

    def cell(key: str) -> Any:
        return row.values.get(cols[key], "") if key in cols else ""

    def label(key: str) -> str:
        return SIPD_LABELS[key]

    kec_name, desa_name = _text(cell("kecamatan")), _text(cell("desa"))
    if not kec_name:
        row.err(label("kecamatan"), _("wajib diisi"))
    elif (kecamatan := look.kecamatan.get(kecamatan_key(kec_name))) is None:
        row.err(label("kecamatan"), _("kecamatan %(nama)s tidak dikenal") % {"nama": kec_name})
    elif not desa_name:
        row.err(label("desa"), _("wajib diisi"))
    elif (desa := look.desa.get((kecamatan.pk, desa_key(desa_name)))) is None:
        row.err(
            label("desa"),
            _("desa/kelurahan %(desa)s tidak ada di Kecamatan %(kec)s") % {"desa": desa_name, "kec": kecamatan.nama},
        )
    else:
        data["desa"] = desa
    pengusul = _text(cell("pengusul"))
    if "pengusul" in cols:
        if len(pengusul) > TEXT_LIMITS["pengusul"]:
            row.err(label("pengusul"), _("paling banyak %(n)s karakter") % {"n": TEXT_LIMITS["pengusul"]})
        data["pengusul"] = pengusul
    data["sumber"] = _sumber_from_sipd(_text(cell("usulan_ke")), pengusul, _text(cell("profil")))
    data["usulan"] = _text(cell("usulan"))
    if not data["usulan"]:
        row.err(label("usulan"), _("wajib diisi"))
    if "permasalahan" in cols:
        data["permasalahan"] = _text(cell("permasalahan"))
    if "catatan" in cols:
        data["uraian"] = _text(cell("catatan"))
    if "alamat" in cols:
        try:
            data["alamat"], data["latitude"], data["longitude"] = split_coordinates(_text(cell("alamat")))
        except ValueError as exc:
            row.err(label("alamat"), str(exc))
    if "satuan" in cols:
        data["satuan"] = _text(cell("satuan"))
        if len(data["satuan"]) > TEXT_LIMITS["satuan"]:
            row.err(label("satuan"), _("paling banyak %(n)s karakter") % {"n": TEXT_LIMITS["satuan"]})
    for key, parser in (("volume", parse_volume), ("anggaran", parse_anggaran), ("prioritas", parse_prioritas)):
        if key in cols:
            data[key] = row.parse(cols[key], label(key), parser)
    if "jenis" in cols and (jenis := _jenis_from_sipd(_text(cell("jenis")))):
        data["jenis"] = jenis

    # Routing: SKPD tujuan awal, then akhir.
    opds = {}
    for key in ("opd_awal", "opd_akhir"):
        name = _text(cell(key))
        if name:
            opds[key] = look.opd(name)
            if opds[key] is None:
                row.err(
                    label(key), _("OPD %(opd)s tidak dikenal (pakai nama lengkap atau singkatan OPD)") % {"opd": name}
                )
            elif not opds[key].aktif:
                row.err(label(key), _("OPD %(opd)s tidak aktif") % {"opd": opds[key].singkatan})
    code = CODE_AT_START.match(_text(cell("sub_kegiatan")))
    target = opds.get("opd_akhir") or opds.get("opd_awal")
    if "sub_kegiatan" in cols or "opd_akhir" in cols or "opd_awal" in cols:
        bidang = look.bidang.get(code.group(1)[:4]) if code else None
        if bidang is None and target is not None:
            own = list(target.bidang_urusan.all())
            bidang = own[0] if len(own) == 1 else None
        data["bidang_urusan"] = bidang

    # The decision: the last recommendation that is filled in (TAPD comes after SKPD).
    rec_key = next((k for k in ("rek_tapd", "rek_skpd") if _text(cell(k))), None)
    recommendation = None
    if rec_key:
        try:
            recommendation = parse_recommendation(_text(cell(rec_key)))
        except ValueError as exc:
            row.err(label(rec_key), str(exc))
    if target is None or not row.ok:
        return
    if opds.get("opd_awal") and opds["opd_awal"] != target:
        row.steps.append(TrailStep(opd=opds["opd_awal"], column=label("opd_awal")))
    row.steps.append(TrailStep(opd=target, column=label("opd_akhir" if "opd_akhir" in opds else "opd_awal")))
    if recommendation is None or recommendation.keputusan is None:
        return
    jenis, text = recommendation.keputusan, _text(cell(rec_key))
    step = TrailStep(opd=target, keputusan=jenis, column=label(rec_key))
    if jenis in ACCEPTED:
        differs = (recommendation.volume is not None and recommendation.volume != data.get("volume")) or (
            recommendation.anggaran is not None and recommendation.anggaran != data.get("anggaran")
        )
        if differs:
            step.keputusan = Keputusan.Jenis.DITERIMA_DENGAN_PERUBAHAN
            step.volume, step.anggaran = recommendation.volume, recommendation.anggaran
        elif jenis == Keputusan.Jenis.DITERIMA_DENGAN_PERUBAHAN:
            row.err(
                label(rec_key), _("diterima dengan perubahan: tulis Koefisien atau Anggaran yang berbeda dari usulan")
            )
            return
        step.alasan = recommendation.rest
    else:
        step.alasan = recommendation.rest or f"{label(rec_key)} (SIPD): {text}"
    if jenis in NEEDS_ROW:
        step.row = _sipd_row_for(row, look, target, text)
        if step.row is None:
            return
    row_column = label("ref_renja") if _text(cell("ref_renja")) else label("sub_kegiatan")
    _check_decision(row, step, reason_column=label(rec_key), row_column=row_column, change_column=label(rec_key))
    row.steps.append(step)


# ---------------------------------------------------------------------------------------------------------------
# Building the plan.


def _display(name: str, value: Any) -> str:
    if value is None or value == "":
        return ""
    if name == "desa":
        return f"{value.kode} {value.nama}"
    if name == "bidang_urusan":
        return value.kode
    if name == "anggaran":
        return rupiah(value)
    if name == "volume":
        return angka(value)
    if name in ("latitude", "longitude"):
        return f"{Decimal(value):.6f}"
    if name == "sasaran":
        return ", ".join(sorted(s.slug for s in value))
    return str(value)


def _existing_value(usulan: Usulan, name: str, look: _Lookups, groups: dict[int, list[int]]) -> Any:
    if name == "desa":
        return look.wilayah_by_pk.get(usulan.desa_id)
    if name == "bidang_urusan":
        return look.bidang_by_pk.get(usulan.bidang_urusan_id)
    if name == "sasaran":
        return [look.sasaran_by_pk[pk] for pk in groups.get(usulan.pk, [])]
    return getattr(usulan, name)


def _trail_to_apply(item: PlannedUsulan, look: _Lookups) -> None:
    """Which of the file's steps are still to write: those after the usulan's current state, if the file passes
    through that state at all; otherwise the app has decided differently and its decision is kept (unless the file
    only routes it to the agency that has decided since: then nothing differs)."""
    usulan = item.existing
    if usulan is None or not item.steps:
        item.apply_steps = list(item.steps)
        return
    current = (
        (usulan.status, usulan.opd_tujuan_id) if usulan.status != Usulan.Status.BARU else (Usulan.Status.BARU, None)
    )
    states = [(Usulan.Status.BARU.value, None)] + [s.state for s in item.steps]
    matches = [i for i, state in enumerate(states) if state == current]
    if matches:
        item.apply_steps = item.steps[matches[-1] :]
        return
    if (
        all(s.keputusan == Keputusan.Jenis.DITERUSKAN for s in item.steps)
        and item.steps[-1].opd.pk == usulan.opd_tujuan_id
    ):
        return  # the file routes it where the app has it, and that agency has decided since: nothing differs
    opd = look.opd_by_pk.get(usulan.opd_tujuan_id)
    item.kept = _(
        "status di aplikasi (%(status)s%(opd)s) dipertahankan; penerusan/keputusan di berkas tidak diterapkan"
    ) % {
        "status": usulan.get_status_display().lower(),
        "opd": f", {opd.singkatan}" if opd else "",
    }


def build_usulan_plan(*, content: bytes, filename: str, fiscal_year: FiscalYear, by: User | None) -> UsulanImportPlan:
    """Read and check a whole usulan file against the database; raise ImportRejected listing every problem."""
    if by is not None and not rules.can_route_usulan(by):
        raise ImportRejected([ImportIssue(0, "", _("Impor usulan hanya dapat dilakukan oleh Bappeda."))])
    try:
        table = read_table(content, filename, max_rows=settings.USULAN_IMPORT_MAX_ROWS)
    except TableError as exc:
        raise table_rejected(exc) from exc
    header = [h for h in table.header if h]
    cols = sipd_columns(header)
    is_sipd = "kode_desa" not in header and "kecamatan" in cols and "desa" in cols
    if is_sipd:
        missing = [SIPD_LABELS[k] for k in SIPD_REQUIRED if k not in cols]
        order = SIPD_ORDER
    else:
        missing = [c for c in PROJECT_REQUIRED if c not in header]
        order = PROJECT_COLUMNS
    if missing:
        raise ImportRejected(
            [ImportIssue(1, c, _("kolom wajib %(col)s tidak ada di baris judul") % {"col": c}) for c in missing]
        )

    look = _Lookups(fiscal_year)
    rank = {name: i for i, name in enumerate(order)}
    issues = IssueCollector(rank=lambda column: rank.get(column, 99))
    refusal = renja_services.year_edit_refusal(fiscal_year) if fiscal_year.is_locked else None
    if refusal:
        issues.append(ImportIssue(0, "", refusal))
    present = set(header)
    id_column = SIPD_LABELS["id_usulan"] if is_sipd else "id_usulan"
    seen: dict[str, int] = {}
    planned: list[PlannedUsulan] = []
    # A cell's problem names the column as the file does (SIPD: its own header, e.g. Kelurahan/Desa).
    labels = {column: SIPD_LABELS[key] for key, column in cols.items()} if is_sipd else {}
    data_rows = 0
    try:
        for line, values, problems in table.rows:
            data_rows += 1
            if problems:  # what the database would refuse; the row's other checks would only repeat it
                for column, message in problems:
                    issues.append(ImportIssue(line, labels.get(column, column), message))
                continue
            _plan_row(
                line,
                values,
                is_sipd=is_sipd,
                cols=cols,
                look=look,
                present=present,
                fiscal_year=fiscal_year,
                id_column=id_column,
                seen=seen,
                issues=issues,
                planned=planned,
            )
    except TableError as exc:
        raise table_rejected(exc) from exc
    if not data_rows:
        raise ImportRejected([ImportIssue(0, "", _("Berkas tidak berisi baris data."))])
    _compare(planned, look, fiscal_year)

    stage_refusal = services.decision_refusal(fiscal_year)
    if stage_refusal:
        for item in planned:
            if item.existing is not None and item.changes and item.existing.is_decided:
                issues.append(
                    ImportIssue(
                        item.line,
                        "id_usulan",
                        _("%(refusal)s Usulan %(id)s sudah diputuskan dan tidak dapat diubah.")
                        % {"refusal": stage_refusal, "id": item.id_usulan},
                    )
                )
    if any(item.apply_steps for item in planned) and not refusal:
        refusal = stage_refusal
        if refusal:
            count = sum(1 for item in planned if item.apply_steps)
            issues.append(
                ImportIssue(
                    0,
                    "",
                    _("%(refusal)s %(n)s usulan di berkas ini membawa penerusan atau keputusan.")
                    % {"refusal": refusal, "n": count},
                )
            )
    if issues:
        raise issues.rejected()
    return UsulanImportPlan(fiscal_year=fiscal_year, format="sipd" if is_sipd else "proyek", rows=planned)


def _plan_row(
    line: int,
    values: dict[str, Any],
    *,
    is_sipd: bool,
    cols: dict[str, str],
    look: _Lookups,
    present: set[str],
    fiscal_year: FiscalYear,
    id_column: str,
    seen: dict[str, int],
    issues: IssueCollector,
    planned: list[PlannedUsulan],
) -> None:
    """Check one data row of the file, adding it to `planned` when it holds no problem."""
    row = _Row(line, values, issues)
    id_usulan = _text(values.get(cols["id_usulan"] if is_sipd else "id_usulan", ""))
    if not id_usulan:
        row.err(id_column, _("wajib diisi"))
    elif len(id_usulan) > TEXT_LIMITS["id_usulan"]:
        row.err(id_column, _("paling banyak %(n)s karakter") % {"n": TEXT_LIMITS["id_usulan"]})
    elif id_usulan in seen:
        row.err(
            id_column,
            _("ID usulan %(id)s ganda: sudah ada di baris %(other)s") % {"id": id_usulan, "other": seen[id_usulan]},
        )
    else:
        seen[id_usulan] = line
    if is_sipd:
        _read_sipd(row, look, cols)
    else:
        _read_project(row, look, present, fiscal_year)
    if row.ok:
        planned.append(PlannedUsulan(line=line, id_usulan=id_usulan, data=row.data, steps=row.steps))


def _compare(planned: list[PlannedUsulan], look: _Lookups, fiscal_year: FiscalYear) -> None:
    """Find the usulan the file already has in the year and what it would change in them and in their trail."""
    existing: dict[str, Usulan] = {}
    groups: dict[int, list[int]] = {}
    ids = [p.id_usulan for p in planned]
    for start in range(0, len(ids), 900):
        for usulan in Usulan.objects.filter(fiscal_year=fiscal_year, id_usulan__in=ids[start : start + 900]):
            existing[usulan.id_usulan] = usulan
    pks = [u.pk for u in existing.values()]
    for start in range(0, len(pks), 900):
        through = Usulan.sasaran.through.objects.filter(usulan_id__in=pks[start : start + 900])
        for usulan_id, group_id in through.values_list("usulan_id", "kelompoksasaran_id"):
            groups.setdefault(usulan_id, []).append(group_id)
    for item in planned:
        item.existing = existing.get(item.id_usulan)
        if item.existing is not None:
            for name, value in item.data.items():
                before = _display(name, _existing_value(item.existing, name, look, groups))
                after = _display(name, value)
                if not same_text(before, after):
                    item.changes[name] = [before, after]
        _trail_to_apply(item, look)


# ---------------------------------------------------------------------------------------------------------------
# Writing a plan.


def _tracking_codes(count: int) -> list[str]:
    """`count` new tracking codes, none already taken."""
    codes: set[str] = set()
    while len(codes) < count:
        fresh = {services.tracking_code_new() for _i in range(count - len(codes))} - codes
        taken = set()
        batch = list(fresh)
        for start in range(0, len(batch), 900):
            taken |= set(
                Usulan.objects.filter(kode_lacak__in=batch[start : start + 900]).values_list("kode_lacak", flat=True)
            )
        codes |= fresh - taken
    return list(codes)


def _assign(usulan: Usulan, data: dict[str, Any]) -> None:
    for name, value in data.items():
        if name != "sasaran":
            setattr(usulan, name, value)


def _service_step(step: TrailStep) -> services.Step:
    """The services' form of a trail entry the file describes."""
    if step.keputusan == Keputusan.Jenis.DITERUSKAN:
        return services.Step(keputusan=step.keputusan, opd=step.opd)
    return services.Step(
        keputusan=step.keputusan,
        alasan=step.alasan,
        volume=step.volume,
        anggaran=step.anggaran,
        allocations=[services.Allocation(step.row)] if step.keputusan in ACCEPTED else [],
        merge_row=step.row if step.keputusan == Keputusan.Jenis.DIGABUNG else None,
    )


@transaction.atomic
def usulan_plan_apply(*, plan: UsulanImportPlan, by: User | None, source: str) -> dict[str, int]:
    """Write a plan just checked in the same transaction: create new usulan in bulk, update changed ones, then route
    and decide through the musrenbang services in bulk. A refusal by a service rejects the whole file."""
    fy = FiscalYear.objects.select_for_update().get(pk=plan.fiscal_year.pk)
    summary = plan.summary()
    through = Usulan.sasaran.through
    new = [item for item in plan.rows if item.existing is None]
    targets: dict[int, Usulan] = {id(item): item.existing for item in plan.rows if item.existing is not None}
    created = []
    for item, code in zip(new, _tracking_codes(len(new))):
        usulan = Usulan(fiscal_year=fy, id_usulan=item.id_usulan, kode_lacak=code)
        _assign(usulan, item.data)
        usulan.cari = usulan.search_text()
        created.append(usulan)
        targets[id(item)] = usulan
    Usulan.objects.bulk_create(created, batch_size=500)
    links = [
        through(usulan_id=targets[id(i)].pk, kelompoksasaran_id=g.pk) for i in new for g in i.data.get("sasaran") or []
    ]

    changed = [item for item in plan.rows if item.existing is not None and item.changes]
    fields: set[str] = set()
    now = timezone.now()
    for item in changed:
        _assign(item.existing, {k: v for k, v in item.data.items() if k in item.changes})
        item.existing.cari, item.existing.updated_at = item.existing.search_text(), now  # bulk_update skips auto_now
        fields |= set(item.changes) - {"sasaran"}
    if changed:
        Usulan.objects.bulk_update(
            [i.existing for i in changed], sorted(fields | {"cari", "updated_at"}), batch_size=500
        )
    regrouped = [item.existing.pk for item in changed if "sasaran" in item.changes]
    for start in range(0, len(regrouped), 900):
        through.objects.filter(usulan_id__in=regrouped[start : start + 900]).delete()
    links += [
        through(usulan_id=i.existing.pk, kelompoksasaran_id=g.pk)
        for i in changed
        if "sasaran" in i.changes
        for g in i.data["sasaran"]
    ]
    through.objects.bulk_create(links, batch_size=1000)
    content_type = ContentType.objects.get_for_model(Usulan)
    actor = by if (by is not None and by.is_authenticated) else None
    AuditLog.objects.bulk_create(
        [
            AuditLog(
                content_type=content_type,
                object_id=str(i.existing.pk),
                object_repr=str(i.existing)[:255],
                action="usulan.updated",
                by=actor,
                changes=i.changes,
                data={"impor": source},
            )
            for i in changed
        ],
        batch_size=500,
    )

    with_steps = [item for item in plan.rows if item.apply_steps]
    try:
        services.usulan_steps_apply(
            fiscal_year=fy,
            by=by,
            items=[(targets[id(item)], [_service_step(step) for step in item.apply_steps]) for item in with_steps],
            expected={
                i.existing.pk: (i.existing.status, i.existing.opd_tujuan_id)
                for i in with_steps
                if i.existing is not None
            },
        )
    except services.StepRefused as exc:
        item = with_steps[exc.position]
        raise ImportRejected(
            [ImportIssue(item.line, item.apply_steps[exc.step].column, " ".join(exc.messages))]
        ) from exc
    renja_services.audit_log(
        obj=fy, action="usulan.imported", by=by, data={"sumber": source, "format": plan.format, **summary}
    )
    return summary


def usulan_import_file(*, content: bytes, filename: str, fiscal_year: FiscalYear, by: User | None) -> dict[str, int]:
    """Check and write a whole usulan file in one transaction: {"baru", "berubah", "sama", "keputusan"}."""
    with transaction.atomic():
        fiscal_year = FiscalYear.objects.select_for_update().get(pk=fiscal_year.pk)  # one import per year at a time
        plan = build_usulan_plan(content=content, filename=filename, fiscal_year=fiscal_year, by=by)
        return usulan_plan_apply(plan=plan, by=by, source=filename)
