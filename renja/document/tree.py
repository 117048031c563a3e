"""The Renja document's content as a plain tree: one agency's rows of a year grouped urusan ▸ bidang urusan ▸ program ▸
kegiatan ▸ sub kegiatan, with pagu N and N+1 summed at every level (Permendagri 86/2017, the table *Rumusan Rencana
Program dan Kegiatan Perangkat Daerah Tahun N dan Prakiraan Maju Tahun N+1*).

`document_tree` reads the database in a fixed number of queries, however many rows there are, and returns JSON-ready
data (numbers as ints, texts already formatted); `document_lines` walks it in print order. The PDF and XLSX modules
only render what these give.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Prefetch
from django.utils import formats, timezone, translation

from core.formatting import angka, nip, place_label

from ..models import FiscalYear, Nomenklatur, Opd, PaguOpd, ProgramIndicator, RenjaRow, StageWindow, Wilayah

LEVELS = ("urusan", "bidang_urusan", "program", "kegiatan", "sub_kegiatan")
# How many parts of the code (1.06.04.2.01.0001) name each level above the sub kegiatan.
CODE_PARTS = {"urusan": 1, "bidang_urusan": 2, "program": 3, "kegiatan": 5}
NOWHERE = "Se-kabupaten"  # a row without lokasi: the whole regency (the words the berita acara prints)

# The printed columns, in order; the numbers of the numbered row are their positions (1) … (10).
COLUMNS = (
    "Kode",
    "Urusan/Bidang Urusan Pemerintahan Daerah dan Program/Kegiatan/Sub Kegiatan",
    "Indikator Kinerja Program (Outcome)/Kegiatan (Output)/Sub Kegiatan",
    "Lokasi",
    "Target Capaian Kinerja",
    "Kebutuhan Dana/Pagu Indikatif (Rp)",
    "Sumber Dana",
    "Catatan Penting",
    "Target Capaian Kinerja",
    "Kebutuhan Dana/Pagu Indikatif (Rp)",
)
TITLE = "Rumusan Rencana Program dan Kegiatan Perangkat Daerah Tahun {n} dan Prakiraan Maju Tahun {n1}"


def tanggal_text(day: datetime.date) -> str:
    """A date as a letter is dated: 4 Desember 2026."""
    with translation.override("id"):
        return formats.date_format(day, "j F Y")


def _target(value, satuan: str) -> str:
    text = angka(value)
    return f"{text} {satuan}".strip() if text else ""


def _indicator(teks: str, target, satuan: str, target_n1, *, tambahan: bool = False) -> dict:
    return {
        "teks": teks,
        "target": _target(target, satuan),
        "target_n1": _target(target_n1, satuan),
        "tambahan": tambahan,
    }


def _catatan(row: RenjaRow) -> list[str]:
    """The Catatan Penting of a row in short phrases."""
    notes = []
    if row.quick_win:
        notes.append("Quick win")
    if row.prioritas_nasional:
        notes.append("Prioritas nasional")
    if row.prioritas_daerah:
        notes.append("Prioritas daerah")
    if row.opd_pengampu_id and row.opd_pengampu_id != row.opd_id:
        notes.append(f"Pengampu: {row.opd_pengampu.singkatan}")
    supporters = [o.singkatan for o in row.opd_pendukung.all()]  # in the prefetch's order: Opd's, by kode unit
    if supporters:
        notes.append("Pendukung: " + ", ".join(supporters))
    if row.sumber_data:
        source = str(RenjaRow.SumberData(row.sumber_data).label)
        if row.desil:
            source += " desil 1" if row.desil == 1 else f" desil 1–{row.desil}"
        if row.sumber_data_keterangan:
            source += f" ({row.sumber_data_keterangan})"
        notes.append(f"Sasaran: {source}")
    return notes


def _sub_kegiatan(row: RenjaRow) -> dict:
    indikator = []
    if row.indikator or row.target is not None:
        indikator.append(_indicator(row.indikator, row.target, row.satuan, row.target_n1))
    if row.indikator_opd:
        indikator.append(_indicator(row.indikator_opd, row.target_opd, row.satuan_opd, None, tambahan=True))
    places = sorted(row.lokasi.all(), key=lambda w: w.kode)
    return {
        "level": "sub_kegiatan",
        "kode": row.kode,
        "ref": row.ref,
        "nama": row.nama or row.sub_kegiatan.nama,
        "rincian": row.rincian,
        "indikator": indikator,
        "lokasi": ", ".join(place_label(w.nama, w.tingkat) for w in places) or NOWHERE,
        "pagu": row.pagu,
        "pagu_n1": row.pagu_n1,
        "sumber_dana": str(RenjaRow.SumberDana(row.sumber_dana).label) if row.sumber_dana else "",
        "catatan": _catatan(row),
        "status": row.status,
    }


def _chain(row: RenjaRow) -> dict[str, Nomenklatur | None]:
    """The nomenklatur nodes above a row's sub kegiatan, by level (loaded with the row)."""
    found: dict[str, Nomenklatur | None] = dict.fromkeys(CODE_PARTS)
    node = row.sub_kegiatan.parent
    while node is not None:
        found[node.level] = node
        node = node.parent
    return found


def document_tree(
    *,
    fiscal_year: FiscalYear,
    opd: Opd,
    statuses: Iterable[str] | None = None,
    day: datetime.date | None = None,
) -> dict:
    """One agency's Renja document for a year: the heading's facts, the grouped rows with their subtotals, the sum
    (`jumlah`) held against the agency's pagu indikatif, and the signature block. `statuses` limits the rows (None:
    every status); the heading says which were included, how many rows each status has and the stage the year is
    in on `day`. Eight queries."""
    today = day or timezone.localdate()
    chosen = list(RenjaRow.Status.values) if statuses is None else [s for s in RenjaRow.Status.values if s in statuses]
    base = RenjaRow.objects.filter(fiscal_year=fiscal_year, opd=opd)
    counts = dict(base.order_by().values_list("status").annotate(n=Count("id")))
    rows = list(
        base.filter(status__in=chosen)
        .select_related("opd_pengampu", "sub_kegiatan__parent__parent__parent__parent")
        .prefetch_related(
            Prefetch("lokasi", queryset=Wilayah.objects.only("kode", "nama", "tingkat")),
            Prefetch("opd_pendukung", queryset=Opd.objects.only("singkatan")),
        )
        .order_by("kode", "ref")
    )
    # Urusan and bidang urusan are named by the agency's code (a support program's X.XX becomes its bidang).
    upper_codes = {".".join(r.kode.split(".")[:n]) for r in rows for n in (1, 2)}
    names = dict(Nomenklatur.objects.filter(kode__in=upper_codes).values_list("kode", "nama"))
    indicators: dict[str, list[dict]] = {}
    for pi in ProgramIndicator.objects.filter(fiscal_year=fiscal_year, opd=opd).order_by("kode", "pk"):
        indicators.setdefault(pi.kode, []).append(_indicator(pi.indikator, pi.target, pi.satuan, pi.target_n1))
    pagu_opd = PaguOpd.objects.filter(fiscal_year=fiscal_year, opd=opd).values_list("pagu", flat=True).first()

    root: dict = {"children": [], "pagu": 0, "pagu_n1": 0}
    open_nodes: dict[str, dict] = {}  # the node currently open at each level
    for row in rows:
        parts = row.kode.split(".")
        chain = _chain(row)
        parent = root
        for level, n in CODE_PARTS.items():
            kode = ".".join(parts[:n])
            node = open_nodes.get(level)
            if node is None or node["kode"] != kode:
                official = chain[level]
                node = {
                    "level": level,
                    "kode": kode,
                    "nama": names.get(kode) or (official.nama if official else ""),
                    "indikator": indicators.get(kode, []),
                    "pagu": 0,
                    "pagu_n1": 0,
                    "children": [],
                }
                parent["children"].append(node)
                open_nodes[level] = node
                for lower in LEVELS[LEVELS.index(level) + 1 : -1]:
                    open_nodes.pop(lower, None)
            parent = node
        parent["children"].append(_sub_kegiatan(row))
    _sum(root)

    stage = (
        StageWindow.objects.filter(fiscal_year=fiscal_year, opens_on__lte=today, closes_on__gte=today)
        .order_by("opens_on")
        .first()
    )
    status_counts = [
        {"value": s, "label": str(label), "n": counts.get(s, 0), "included": s in chosen}
        for s, label in RenjaRow.Status.choices
    ]
    return {
        "pemda": dict(settings.PEMDA),
        "judul": TITLE.format(n=fiscal_year.year, n1=fiscal_year.year + 1),
        "tahun": fiscal_year.year,
        "tahun_n1": fiscal_year.year + 1,
        "opd": {"singkatan": opd.singkatan, "nama": opd.nama, "kode_unit": opd.kode_unit},
        "statuses": status_counts,
        "semua_status": len(chosen) == len(RenjaRow.Status.values),
        "cakupan": _coverage(status_counts),
        "tahap": str(stage.get_stage_display()) if stage else "",
        "jumlah_baris": len(rows),
        "urusan": root["children"],
        "jumlah": {"pagu": root["pagu"], "pagu_n1": root["pagu_n1"]},
        "pagu_opd": pagu_opd,
        "selisih": None if pagu_opd is None else pagu_opd - root["pagu"],
        "melebihi": pagu_opd is not None and root["pagu"] > pagu_opd,
        "tanggal": today.isoformat(),
        "tanggal_text": tanggal_text(today),
        "tempat": settings.PEMDA["ibu_kota"],
        "kepala": {
            "jabatan": opd.kepala_jabatan or f"Kepala {opd.nama}",
            "nama": opd.kepala_nama,
            "pangkat": opd.kepala_pangkat,
            "nip": nip(opd.kepala_nip),
        },
    }


def _sum(node: dict) -> None:
    """Fill each group's pagu and pagu N+1 with the sums of its children (a missing N+1 counts as nothing)."""
    for child in node["children"]:
        if child["level"] != "sub_kegiatan":
            _sum(child)
        node["pagu"] += child["pagu"]
        node["pagu_n1"] += child["pagu_n1"] or 0


def _coverage(status_counts: list[dict]) -> str:
    """Which statuses the document holds, in words: "Semua status: Draf 3, Diajukan 0, …" or "Status Final (5
    baris); tidak dimuat: Draf 3, …"."""
    listed = ", ".join(f"{s['label']} {s['n']}" for s in status_counts)
    if all(s["included"] for s in status_counts):
        return f"Memuat baris semua status ({listed})."
    held = ", ".join(f"{s['label']} {s['n']}" for s in status_counts if s["included"]) or "–"
    left = ", ".join(f"{s['label']} {s['n']}" for s in status_counts if not s["included"])
    return f"Memuat baris berstatus {held}; tidak dimuat: {left}."


@dataclass(frozen=True)
class Line:
    """One line of the table in print order: a group (urusan … kegiatan) or a sub kegiatan row; `depth` 0–4."""

    depth: int
    item: dict

    @property
    def level(self) -> str:
        return self.item["level"]

    @property
    def is_group(self) -> bool:
        return self.item["level"] != "sub_kegiatan"

    @property
    def span(self) -> int:
        """Table rows the line takes: one per indicator, at least one."""
        return max(1, len(self.item.get("indikator") or ()))


def document_lines(tree: dict) -> Iterator[Line]:
    """The table's lines in print order: each group before its children."""

    def walk(nodes: list[dict], depth: int) -> Iterator[Line]:
        for node in nodes:
            yield Line(depth, node)
            if node["level"] != "sub_kegiatan":
                yield from walk(node["children"], depth + 1)

    return walk(tree["urusan"], 0)
