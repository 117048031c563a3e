"""The downloadable XLSX template of the usulan import (project format): its columns with drop-down lists and
reference sheets."""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.tabular import Column, DropDown, ReferenceSheet, write_template
from renja.import_template import places_for_template
from renja.models import KelompokSasaran, Nomenklatur, Opd

from . import decisions
from .imports import PROJECT, PROJECT_REQUIRED
from .models import Usulan

# A file records the routing and the decision an agency took (decisions.FILE_DECISIONS).
FILE_DECISIONS = list(decisions.FILE_DECISIONS)


def usulan_template() -> bytes:
    """The usulan import template: sumber, decisions, agencies, desa codes, bidang urusan and target groups."""
    places = places_for_template(kecamatan=False)  # an usulan comes from a desa or kelurahan
    opds = list(Opd.objects.filter(aktif=True).order_by("kode_unit", "singkatan"))
    bidang = list(Nomenklatur.objects.filter(level=Nomenklatur.Level.BIDANG_URUSAN, aktif=True).order_by("kode"))
    groups = list(KelompokSasaran.objects.filter(aktif=True).order_by("slug"))
    return write_template(
        [Column(c.identifier, c.kind) for c in PROJECT.columns],
        title="Usulan",
        required=PROJECT_REQUIRED,
        dropdowns={
            "sumber": DropDown(Usulan.Sumber.values),
            "jenis": DropDown(Usulan.Jenis.values),
            "kode_desa": DropDown([p[0] for p in places]),
            "kode_bidang_urusan": DropDown([b.kode for b in bidang]),
            "sasaran": DropDown([g.slug for g in groups], strict=False),
            "opd_tujuan": DropDown([o.singkatan for o in opds]),
            "keputusan_opd": DropDown(FILE_DECISIONS),
        },
        hints={
            "id_usulan": _("Nomor usulan yang tetap; id yang sama memperbarui usulan."),
            "kode_desa": _("Kode desa/kelurahan dari lembar Desa."),
            "anggaran": _("Rupiah bulat, mis. 150000000."),
            "ref_renja": _("Ref baris Renja; wajib untuk diterima, diterima dengan perubahan dan digabung."),
            "alasan": _("Wajib untuk ditolak, dikembalikan dan digabung."),
            "anggota_dprd": _("Untuk Pokir: nama anggota DPRD, fraksi dan daerah pemilihan di kolom berikutnya."),
        },
        references=[
            ReferenceSheet(_("Desa"), [_("kode"), _("tingkat"), _("nama"), _("kecamatan")], places),
            ReferenceSheet(_("Bidang urusan"), [_("kode"), _("nama")], [(b.kode, b.nama) for b in bidang]),
            ReferenceSheet(_("OPD"), [_("singkatan"), _("nama")], [(o.singkatan, o.nama) for o in opds]),
            ReferenceSheet(_("Sasaran"), [_("kode"), _("nama")], [(g.slug, g.nama) for g in groups]),
        ],
    )
