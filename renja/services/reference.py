"""Loading the reference data shipped in renja/fixtures/reference: regions, nomenclature, OPD, target groups.

Loading is idempotent: rows are matched by code, a changed file updates them, and loading twice changes nothing.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from ..models import KelompokSasaran, Nomenklatur, Opd, User, Wilayah
from .audit import audit_log
from .revision import summaries_changed_everywhere

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "reference"

# Oldest first: a code present in a newer file takes that file's text and version.
NOMENKLATUR_FILES = [
    ("nomenklatur_kabkota_2023.csv", "Permendagri 90/2019, pemutakhiran 2023"),
    ("nomenklatur_kabkota.csv", "Permendagri 90/2019, pemutakhiran 2025"),
]

# (slug, name, order). The forum's own words sit beside the group they narrow (baduta by balita, calon pengantin and
# PUS by perempuan); an existing group keeps its slug and its place.
KELOMPOK_SASARAN = [
    ("anak", "Anak", 10),
    ("balita", "Balita", 20),
    ("baduta", "Baduta (anak bawah dua tahun)", 25),
    ("remaja", "Remaja", 30),
    ("pemuda", "Pemuda", 40),
    ("perempuan", "Perempuan", 50),
    ("calon_pengantin", "Calon pengantin", 53),
    ("pus", "Pasangan usia subur (PUS)", 56),
    ("ibu_hamil", "Ibu hamil", 60),
    ("keluarga_berisiko_stunting", "Keluarga berisiko stunting", 65),
    ("lansia", "Lanjut usia", 70),
    ("disabilitas", "Penyandang disabilitas", 80),
    ("odgj", "Orang dengan gangguan jiwa (ODGJ)", 85),
    ("keluarga_miskin", "Keluarga miskin (DTSEN desil 1–4)", 90),
    ("ppks", "Pemerlu pelayanan kesejahteraan sosial (PPKS)", 95),
    ("petani", "Petani", 100),
    ("nelayan", "Nelayan", 110),
    ("umkm", "Pelaku UMKM", 120),
    ("masyarakat_umum", "Masyarakat umum", 130),
]


@dataclass
class LoadResult:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str, created: int, updated: int) -> None:
        self.created[kind] = self.created.get(kind, 0) + created
        self.updated[kind] = self.updated.get(kind, 0) + updated

    def summary(self) -> str:
        kinds = sorted(set(self.created) | set(self.updated))
        return "; ".join(f"{k}: {self.created.get(k, 0)} baru, {self.updated.get(k, 0)} diperbarui" for k in kinds)


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]


def _upsert(model, key: str, records: list[dict], fields: list[str]) -> tuple[int, int]:
    """Create missing rows and update changed ones, matched by `key`; returns (created, updated)."""
    existing = {getattr(o, key): o for o in model.objects.all()}
    to_create, to_update = [], []
    for record in records:
        obj = existing.get(record[key])
        if obj is None:
            to_create.append(model(**record))
            continue
        if any(getattr(obj, f) != record[f] for f in fields):
            for f in fields:
                setattr(obj, f, record[f])
            to_update.append(obj)
    model.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        model.objects.bulk_update(to_update, fields, batch_size=500)
    return len(to_create), len(to_update)


def wilayah_load(path: Path, result: LoadResult) -> None:
    """Regions by Kemendagri code; each desa/kelurahan's parent is its kecamatan (the code's prefix)."""
    records = []
    for row in _read(path):
        kode, tingkat = row["kode"], row["tingkat"]
        if tingkat not in Wilayah.Tingkat.values:
            raise ValueError(f"{path.name}: tingkat tidak dikenal {tingkat!r} untuk {kode}")
        records.append({"kode": kode, "nama": row["nama"], "tingkat": tingkat})
    created, updated = _upsert(Wilayah, "kode", records, ["nama", "tingkat"])
    _link_parents(Wilayah, result=None)
    result.add("wilayah", created, updated)


def _link_parents(model, result) -> None:
    by_code = {o.kode: o for o in model.objects.all()}
    changed = []
    for obj in by_code.values():
        parent = by_code.get(obj.kode.rsplit(".", 1)[0]) if "." in obj.kode else None
        if obj.parent_id != (parent.pk if parent else None):
            obj.parent = parent
            changed.append(obj)
    if changed:
        model.objects.bulk_update(changed, ["parent"], batch_size=500)


def nomenklatur_load(directory: Path, result: LoadResult) -> None:
    """The kab/kota nomenclature, oldest regulation first; codes absent from the newest file become inactive."""
    merged: dict[str, dict] = {}
    newest: set[str] = set()
    for filename, versi in NOMENKLATUR_FILES:
        path = directory / filename
        if not path.exists():
            continue
        rows = _read(path)
        newest = {row["kode"] for row in rows}
        for row in rows:
            merged[row["kode"]] = {
                "kode": row["kode"],
                "level": row["level"],
                "nama": row["nama"],
                "kinerja": row["kinerja"],
                "indikator": row["indikator"],
                "satuan": row["satuan"],
                "versi": versi,
                "aktif": False,
            }
    for kode in newest:
        merged[kode]["aktif"] = True
    meta_path = directory / "nomenklatur_kabkota_meta.csv"
    meta = {row["kode"]: row for row in _read(meta_path)} if meta_path.exists() else {}
    for kode, record in merged.items():
        m = meta.get(kode, {})
        record.update(
            spm=m.get("spm", "").upper() == "SPM",
            jenis=m.get("jenis", ""),
            tag=m.get("tag", ""),
            pelaksana=m.get("pelaksana", ""),
        )
    fields = ["level", "nama", "kinerja", "indikator", "satuan", "versi", "aktif", "spm", "jenis", "tag", "pelaksana"]
    created, updated = _upsert(Nomenklatur, "kode", list(merged.values()), fields)
    # A code's parent is the longest existing code that prefixes it (kegiatan codes skip the "2" segment).
    by_code = {o.kode: o for o in Nomenklatur.objects.all()}
    changed = []
    for obj in by_code.values():
        parts = obj.kode.split(".")
        parent = None
        for cut in range(len(parts) - 1, 0, -1):
            parent = by_code.get(".".join(parts[:cut]))
            if parent is not None:
                break
        if obj.parent_id != (parent.pk if parent else None):
            obj.parent = parent
            changed.append(obj)
    if changed:
        Nomenklatur.objects.bulk_update(changed, ["parent"], batch_size=500)
    result.add("nomenklatur", created, updated)


def opd_load(path: Path, result: LoadResult) -> None:
    """Agencies by singkatan, with the bidang urusan each handles. Head's name/NIP are kept when the file has none;
    kode unit and the head's pangkat are optional columns (see _opd_given_codes); a missing kode unit is derived."""
    rows = _read(path)
    records = []
    for row in rows:
        jenis = row["jenis"] if row["jenis"] in Opd.Jenis.values else Opd.Jenis.LAINNYA
        records.append(
            {"singkatan": row["singkatan"], "nama": row["nama"], "jenis": jenis, "catatan": row.get("catatan", "")}
        )
    fields = ["nama", "jenis", "catatan"]
    head_fields = ["kepala_nama", "kepala_jabatan", "kepala_nip"]
    if rows and all(f in rows[0] for f in head_fields):
        for record, row in zip(records, rows):
            record.update({f: row[f] for f in head_fields})
        fields += head_fields
    known_before = set(Opd.objects.values_list("singkatan", flat=True))
    created, updated = _upsert(Opd, "singkatan", records, fields)
    bidang = {n.kode: n for n in Nomenklatur.objects.filter(level=Nomenklatur.Level.BIDANG_URUSAN)}
    opds = {o.singkatan: o for o in Opd.objects.prefetch_related("bidang_urusan")}
    links_changed = 0
    for row in rows:
        opd = opds[row["singkatan"]]
        wanted = {bidang[c] for c in row["bidang_urusan"].replace(",", ";").split(";") if c.strip() in bidang}
        if set(opd.bidang_urusan.all()) != wanted:
            opd.bidang_urusan.set(wanted)
            links_changed += opd.singkatan in known_before
    given = _opd_given_codes(path, rows, opds)
    coded = kode_unit_assign(list(Opd.objects.prefetch_related("bidang_urusan")))
    Opd.objects.bulk_update(coded, ["kode_unit"])
    result.add("opd", created, max(updated, links_changed, given))


def _opd_given_codes(path: Path, rows: list[dict[str, str]], opds: dict[str, Opd]) -> int:
    """The optional columns `kode_unit` (the official code, where known) and `kepala_pangkat`: a filled cell sets the
    agency's value, an empty one keeps what it has (derived, or edited on the agency's page). Returns how many
    agencies changed."""
    optional = [f for f in ("kode_unit", "kepala_pangkat") if rows and f in rows[0]]
    if not optional:
        return 0
    seen: dict[str, str] = {}
    changed = []
    for row in rows:
        opd = opds[row["singkatan"]]
        kode = row.get("kode_unit", "")
        if kode:
            if not KODE_UNIT_RE.fullmatch(kode):
                raise ValueError(
                    f"{path.name}: kode unit {kode!r} untuk {opd.singkatan} tidak berbentuk {KODE_UNIT_FORM}"
                )
            if kode in seen:
                raise ValueError(f"{path.name}: kode unit {kode} ganda ({seen[kode]} dan {opd.singkatan})")
            seen[kode] = opd.singkatan
        values = {f: row[f] for f in optional if row.get(f)}
        if any(getattr(opd, f) != v for f, v in values.items()):
            for f, v in values.items():
                setattr(opd, f, v)
            changed.append(opd)
    clash = Opd.objects.filter(kode_unit__in=seen).exclude(singkatan__in=[seen[k] for k in seen]).first()
    if clash is not None:
        raise ValueError(f"{path.name}: kode unit {clash.kode_unit} sudah dipakai {clash.singkatan}")
    Opd.objects.bulk_update(changed, optional)
    return len(changed)


# Kode unit: three bidang urusan (U.BB each), the unit (UU) and sub-unit (UUUU).
KODE_UNIT_RE = re.compile(r"\d\.\d{2}\.\d\.\d{2}\.\d\.\d{2}\.\d{2}\.\d{4}")
KODE_UNIT_FORM = "1.02.0.00.0.00.01.0000"


def kode_unit_for(bidang_codes: list[str], seq: int) -> str:
    """Kode unit in the Permendagri 90/2019 form: up to three bidang urusan (lowest code first, `0.00` for none),
    the unit's sequence among the agencies of its first bidang urusan, and sub-unit `0000`.

    >>> kode_unit_for(["2.22", "1.01"], 1)
    '1.01.2.22.0.00.01.0000'
    """
    codes = sorted(c.strip() for c in bidang_codes if c.strip())[:3]
    if not codes:
        return ""
    codes += ["0.00"] * (3 - len(codes))
    return f"{'.'.join(codes)}.{seq:02d}.0000"


def kode_unit_assign(opds: list) -> list:
    """Derive the kode unit of every agency in `opds` (with `bidang_urusan` prefetched) that has none; returns the
    agencies changed. Agencies sharing a first bidang urusan are numbered main agency first (a hospital or a
    kecamatan after it), then by name, after the numbers already taken."""
    groups: dict[str, list] = {}
    taken: dict[str, set[int]] = {}
    for opd in opds:
        codes = sorted(b.kode for b in opd.bidang_urusan.all())
        if not codes:
            continue
        groups.setdefault(codes[0], []).append(opd)
        if opd.kode_unit:
            seq = opd.kode_unit.split(".")[-2]
            if seq.isdigit():
                taken.setdefault(codes[0], set()).add(int(seq))
    changed = []
    for first, members in groups.items():
        used = taken.get(first, set())
        seq = 0
        for opd in sorted(members, key=lambda o: (o.jenis in ("rsud", "kecamatan"), o.nama)):
            if opd.kode_unit:
                continue
            seq += 1
            while seq in used:
                seq += 1
            opd.kode_unit = kode_unit_for([b.kode for b in opd.bidang_urusan.all()], seq)
            changed.append(opd)
    return changed


def sasaran_load(result: LoadResult) -> None:
    """The starting list of kelompok sasaran; names edited in the admin are kept."""
    existing = set(KelompokSasaran.objects.values_list("slug", flat=True))
    new = [
        KelompokSasaran(slug=slug, nama=nama, urutan=urutan)
        for slug, nama, urutan in KELOMPOK_SASARAN
        if slug not in existing
    ]
    KelompokSasaran.objects.bulk_create(new)
    result.add("kelompok_sasaran", len(new), 0)


@transaction.atomic
def reference_load(*, directory: Path = REFERENCE_DIR, by: User | None = None) -> LoadResult:
    """Load every reference file in `directory` (all or nothing)."""
    result = LoadResult()
    wilayah_load(directory / "wilayah_kukar.csv", result)
    nomenklatur_load(directory, result)
    opd_load(directory / "opd_kukar.csv", result)
    sasaran_load(result)
    if any(result.created.values()) or any(result.updated.values()):
        audit_log(
            obj=Nomenklatur,
            action="reference.loaded",
            by=by,
            data={"created": result.created, "updated": result.updated},
        )
        summaries_changed_everywhere()
    return result
