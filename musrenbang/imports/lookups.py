"""Everything a file may refer to (desa, kecamatan, agencies, bidang urusan, target groups, the year's Renja rows),
loaded once per import."""

from __future__ import annotations

import re

from renja.models import FiscalYear, KelompokSasaran, Nomenklatur, Opd, RenjaRow, Wilayah

from ..models import Usulan
from .values import desa_key, kecamatan_key, words


class Lookups:
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
        self.opd_singkatan = {words(o.singkatan): o for o in opds}
        self.opd_nama = {}
        for o in opds:
            self.opd_nama.setdefault(words(o.nama), o)
            self.opd_nama.setdefault(words(re.sub(r"\(.*?\)", "", o.nama)), o)
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
        self.sumber.update({words(label).replace(" ", "_"): v for v, label in Usulan.Sumber.choices})
        self.sumber.update({"pokir": Usulan.Sumber.POKIR, "": Usulan.Sumber.MUSRENBANG_DESA})

    def opd(self, value: str) -> Opd | None:
        """An agency by singkatan or full name, as SIPD or people write it."""
        name = re.sub(r"^[\d.\s]+(?=[A-Za-z])", "", value)  # SIPD may print the unit code first
        candidates = [name] + re.findall(r"\((.*?)\)", name) + [re.sub(r"\(.*?\)", "", name)]
        for candidate in candidates:
            key = words(candidate)
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
