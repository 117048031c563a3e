"""The project format: the columns of the downloadable template (import_template.py), named as in the app.

Columns id_usulan, sumber, pengusul, anggota_dprd, fraksi, dapil, kode_desa, permasalahan, usulan, uraian,
kode_bidang_urusan, jenis, volume, satuan, anggaran, prioritas, sasaran, opd_tujuan, keputusan_opd, alasan,
ref_renja, and optionally volume_diterima, anggaran_diterima. id_usulan, kode_desa and usulan are required; an
optional column that is absent leaves that field of existing usulan as it is.
- sumber: musrenbang_desa (also when empty), musrenbang_kecamatan, pokir, opd, forum.
- jenis (optional): fisik or non_fisik (empty: as it is, fisik for a new usulan).
- anggota_dprd, fraksi, dapil (optional): the member of the DPRD, the faction and the electoral district of a Pokir.
- kode_desa: the Kemendagri code of a desa or kelurahan. kode_bidang_urusan: e.g. 1.06. sasaran: `;`-separated slugs.
- opd_tujuan: the agency's singkatan (or full name); empty = not routed yet.
- keputusan_opd: empty or diteruskan (routed only), diterima, diterima_dengan_perubahan, digabung, ditolak,
  dikembalikan; every one needs opd_tujuan.
- ref_renja: the `ref` of a Renja row of the year. Required for diterima and diterima_dengan_perubahan (a row of the
  opd_tujuan agency: the usulan is picked up into it) and for digabung (the row it was merged into).
- alasan: required for ditolak, dikembalikan and digabung.
- volume_diterima / anggaran_diterima: the accepted volume or cost of diterima_dengan_perubahan (one must differ).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from renja.models import FiscalYear, Wilayah

from .. import decisions
from ..models import Usulan
from .columns import ImportColumn, ImportFormat
from .lookups import Lookups
from .reading import Row, TrailStep, check_decision
from .values import TEXT_LIMITS, parse_anggaran, parse_prioritas, parse_volume, text, words


def _column(identifier: str, **kwargs) -> ImportColumn:
    return ImportColumn(identifier, identifier, **kwargs)


class ProjectFormat(ImportFormat):
    identifier = "proyek"
    columns = (
        _column("id_usulan", required=True),
        _column("sumber"),
        _column("pengusul"),
        _column("anggota_dprd"),
        _column("fraksi"),
        _column("dapil"),
        _column("kode_desa", required=True),
        _column("permasalahan"),
        _column("usulan", required=True),
        _column("uraian"),
        _column("kode_bidang_urusan"),
        _column("jenis"),
        _column("volume", clean=parse_volume, kind="number"),
        _column("satuan"),
        _column("anggaran", clean=parse_anggaran, kind="rupiah"),
        _column("prioritas", clean=parse_prioritas, kind="integer"),
        _column("sasaran"),
        _column("opd_tujuan"),
        _column("keputusan_opd"),
        _column("alasan"),
        _column("ref_renja"),
        _column("volume_diterima", clean=parse_volume, kind="number"),
        _column("anggaran_diterima", clean=parse_anggaran, kind="rupiah"),
    )

    def detect(self, header: list[str], found: dict[str, str]) -> bool:
        return True  # the fallback: a file of no other format is read as this one and told what it lacks

    def read(self, row: Row, look: Lookups, fiscal_year: FiscalYear) -> None:
        self._read_fields(row, look)
        self._read_trail(row, look, fiscal_year)

    def _read_fields(self, row: Row, look: Lookups) -> None:
        data = row.data
        code = row.text("kode_desa")
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
        if row.has("sumber"):
            raw = words(row.cell("sumber")).replace(" ", "_")
            if raw in look.sumber:
                data["sumber"] = look.sumber[raw]
            else:
                row.err(
                    "sumber",
                    _("sumber %(value)s tidak dikenal (pilihan: %(choices)s)")
                    % {"value": raw, "choices": ", ".join(Usulan.Sumber.values)},
                )
        for key in ("pengusul", "anggota_dprd", "fraksi", "dapil", "permasalahan", "uraian", "satuan"):
            if row.has(key):
                data[key] = row.text(key, limit=TEXT_LIMITS.get(key))
        data["usulan"] = row.text("usulan")
        if not data["usulan"]:
            row.err("usulan", _("wajib diisi"))
        if row.has("kode_bidang_urusan"):
            code = row.text("kode_bidang_urusan")
            data["bidang_urusan"] = look.bidang.get(code) if code else None
            if code and data["bidang_urusan"] is None:
                row.err(
                    "kode_bidang_urusan",
                    _("kode bidang urusan %(kode)s tidak dikenal (contoh: 1.06)") % {"kode": code},
                )
        for key in ("volume", "anggaran", "prioritas"):
            if row.has(key):
                data[key] = row.clean(key)
        if row.has("jenis") and (jenis := words(row.cell("jenis")).replace(" ", "_")):
            jenis = "non_fisik" if jenis == "nonfisik" else jenis
            if jenis in Usulan.Jenis.values:
                data["jenis"] = jenis
            else:
                row.err(
                    "jenis",
                    _("jenis %(value)s tidak dikenal (pilihan: %(choices)s)")
                    % {"value": jenis, "choices": ", ".join(Usulan.Jenis.values)},
                )
        if row.has("sasaran"):
            groups = []
            for slug in [p.strip() for p in text(row.cell("sasaran")).replace(",", ";").split(";") if p.strip()]:
                group = look.sasaran.get(slug.lower())
                if group is None or not group.aktif:
                    row.err("sasaran", _("kelompok sasaran %(slug)s tidak dikenal") % {"slug": slug})
                elif group not in groups:
                    groups.append(group)
            data["sasaran"] = groups

    def _read_trail(self, row: Row, look: Lookups, fiscal_year: FiscalYear) -> None:
        """Routing (opd_tujuan) and the agency's decision (keputusan_opd)."""
        opd = None
        opd_name = row.text("opd_tujuan")
        if opd_name:
            opd = look.opd(opd_name)
            if opd is None:
                row.err("opd_tujuan", _("OPD %(opd)s tidak dikenal (pakai singkatan OPD)") % {"opd": opd_name})
            elif not opd.aktif:
                row.err("opd_tujuan", _("OPD %(opd)s tidak aktif") % {"opd": opd.singkatan})
        kind = words(row.cell("keputusan_opd")).replace(" ", "_")
        alasan = row.text("alasan")
        ref = row.text("ref_renja")
        renja_row = None
        if ref:
            renja_row = look.rows.get(ref)
            if renja_row is None:
                row.err(
                    "ref_renja",
                    _("ref %(ref)s tidak ada di Renja tahun %(year)s") % {"ref": ref, "year": fiscal_year.year},
                )
        if kind in decisions.MUSRENBANG_KINDS:
            # A Musrenbang level's step, not an agency's decision: the file names no level to record it at.
            row.err(
                "keputusan_opd",
                _(
                    "keputusan %(value)s tidak dikenal sebagai keputusan OPD: itu langkah musrenbang (desa, "
                    "kecamatan, Sekretariat DPRD atau verifikasi Bappeda) yang dibaca dari kolom Rekomendasi ekspor "
                    "SIPD (pilihan: %(choices)s)"
                )
                % {"value": kind, "choices": ", ".join(decisions.FILE_DECISIONS)},
            )
            return
        if kind and kind not in decisions.FILE_DECISIONS:
            row.err(
                "keputusan_opd",
                _("keputusan %(value)s tidak dikenal (pilihan: %(choices)s)")
                % {"value": kind, "choices": ", ".join(decisions.FILE_DECISIONS)},
            )
            return
        if kind and not opd_name:
            row.err("opd_tujuan", _("wajib diisi bila keputusan_opd diisi"))
        if kind in decisions.TAKES_ROW and not ref:
            row.err("ref_renja", _("wajib diisi untuk keputusan %(k)s") % {"k": kind})
        elif ref and kind not in decisions.TAKES_ROW:
            row.err("ref_renja", _("hanya diisi untuk keputusan diterima, diterima_dengan_perubahan atau digabung"))
        step_volume = step_anggaran = None
        if kind == decisions.ACCEPTED_WITH_CHANGES:
            if row.has("volume_diterima"):
                step_volume = row.clean("volume_diterima")
            if row.has("anggaran_diterima") and text(row.cell("anggaran_diterima")):
                step_anggaran = row.clean("anggaran_diterima")
        if opd is None or not row.ok:
            return
        row.steps.append(TrailStep(opd=opd, column="opd_tujuan"))
        if kind and kind != decisions.ROUTED:
            step = TrailStep(
                opd=opd,
                kind=kind,
                alasan=alasan,
                volume=step_volume,
                anggaran=step_anggaran,
                row=renja_row,
                column="keputusan_opd",
            )
            check_decision(row, step, reason_column="alasan", row_column="ref_renja", change_column="volume_diterima")
            row.steps.append(step)


PROJECT = ProjectFormat()
PROJECT_COLUMNS = [c.identifier for c in PROJECT.columns]
PROJECT_REQUIRED = [c.identifier for c in PROJECT.columns if c.required]
