"""The downloadable XLSX template of the Renja import: its columns with drop-down lists and reference sheets."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.formatting import place_label
from core.tabular import Column, DropDown, ReferenceSheet, write_template

from . import permissions
from .models import KelompokSasaran, Nomenklatur, Opd, RenjaRow, User, Wilayah
from .services.imports import ALL_COLUMNS, FLAG_COLUMNS, REQUIRED_COLUMNS
from .services.rows import opd_bidang_codes

# What each column holds: written into the template's header comments and listed on the upload page.
COLUMN_HINTS = {
    "opd": gettext_lazy("Singkatan OPD pemilik baris, mis. Dinsos."),
    "kode_sub_kegiatan": gettext_lazy(
        "Kode nomenklatur, mis. 1.06.04.2.01.0001; program penunjang dengan bidang urusan OPD. Nama, indikator dan "
        "satuan resmi baris diambil dari kode ini."
    ),
    "satuan": gettext_lazy(
        "Kosong atau sama dengan satuan sub kegiatan: satuan resmi. Berbeda: satuan indikator tambahan OPD."
    ),
    "sumber_dana": gettext_lazy("apbd_kab, apbd_prov, apbn, dak_fisik, dak_non_fisik, dbh, bankeu_prov atau lainnya."),
    "keterangan": gettext_lazy("Uraian bebas."),
    "ref": gettext_lazy("Rujukan tetap baris, unik per tahun; ref yang sama memperbarui baris."),
    "pagu": gettext_lazy("Rupiah bulat, mis. 1250000000."),
    "nama": gettext_lazy(
        "Rincian kegiatan menurut OPD; kosong atau sama dengan nama sub kegiatan berarti tanpa rincian."
    ),
    "indikator": gettext_lazy(
        "Kosong atau sama dengan indikator sub kegiatan: target berikut untuk indikator itu. "
        "Berbeda: menjadi indikator tambahan OPD."
    ),
    "target": gettext_lazy("Angka, mis. 95,5."),
    "sumber_data": gettext_lazy("Sumber data sasaran: dtks, dtsen, pk, eppgbm atau lainnya; boleh kosong."),
    "desil": gettext_lazy("Hanya untuk dtks/dtsen: desil tertinggi yang disasar, 1 sampai 10."),
    "lokasi": gettext_lazy("Kode kecamatan/desa dari lembar Wilayah, dipisah titik koma; kosong = se-kabupaten."),
    "sasaran": gettext_lazy("Kode kelompok sasaran dari lembar Sasaran, dipisah titik koma, mis. anak;balita."),
    "target_n1": gettext_lazy("Prakiraan maju: target tahun berikutnya, angka, mis. 97,5; kosong berarti belum ada."),
    "pagu_n1": gettext_lazy("Prakiraan maju: pagu tahun berikutnya, Rupiah bulat; kosong berarti belum ada."),
    "prioritas_nasional": gettext_lazy("ya atau tidak (juga 1/0, true/false, x); kosong berarti tidak."),
    "prioritas_daerah": gettext_lazy("ya atau tidak (juga 1/0, true/false, x); kosong berarti tidak."),
    "quick_win": gettext_lazy("ya atau tidak (juga 1/0, true/false, x); kosong berarti tidak."),
    "opd_pengampu": gettext_lazy("Singkatan OPD yang mengampu, bila bukan OPD pemilik baris; kosong = OPD pemilik."),
    "opd_pendukung": gettext_lazy("Singkatan OPD pendukung dari lembar OPD, dipisah titik koma, mis. Dinkes;DP3A."),
}


def column_guide() -> list[tuple[str, bool, str]]:
    """(column, required, what it holds) in the file's order, for the upload page."""
    return [(name, name in REQUIRED_COLUMNS, str(COLUMN_HINTS.get(name, ""))) for name in ALL_COLUMNS]


KINDS = {"pagu": "rupiah", "target": "number", "desil": "integer", "pagu_n1": "rupiah", "target_n1": "number"}


def sub_kegiatan_for_template(user: User) -> list[tuple[str, str, str, str]]:
    """(code as the import takes it, sub kegiatan, kegiatan, program): for an officer the active sub kegiatan of
    their agency's bidang urusan, support-program codes written with the agency's main bidang; for a planner every
    active one."""
    nodes = (
        Nomenklatur.objects.filter(level=Nomenklatur.Level.SUB_KEGIATAN, aktif=True)
        .select_related("parent__parent")
        .order_by("kode")
    )
    opd = None if permissions.is_planner(user) else user.opd
    bidang = opd_bidang_codes(opd) if opd is not None else []
    if opd is not None:
        if not bidang:
            return []
        own = Q()
        for code in bidang:
            own |= Q(kode__startswith=f"{code}.")
        nodes = nodes.filter(own | Q(kode__startswith="X.XX."))
    out = []
    for node in nodes:
        kode = bidang[0] + node.kode[4:] if opd is not None and node.is_penunjang else node.kode
        kegiatan = node.parent
        program = kegiatan.parent if kegiatan else None
        out.append((kode, node.nama, kegiatan.nama if kegiatan else "", program.nama if program else ""))
    return sorted(out)


def places_for_template(*, kecamatan: bool = True) -> list[tuple[str, str, str, str]]:
    """(code, kind, name, kecamatan) of every desa/kelurahan, and of every kecamatan unless `kecamatan=False`, in
    code order."""
    levels = [Wilayah.Tingkat.DESA, Wilayah.Tingkat.KELURAHAN] + ([Wilayah.Tingkat.KECAMATAN] if kecamatan else [])
    places = Wilayah.objects.filter(tingkat__in=levels)
    return [
        (
            w.kode,
            w.get_tingkat_display(),
            place_label(w.nama, w.tingkat),
            w.nama if w.tingkat == Wilayah.Tingkat.KECAMATAN else (w.parent.nama if w.parent else ""),
        )
        for w in places.select_related("parent").order_by("kode")
    ]


def renja_template(user: User) -> bytes:
    """The Renja import template for `user`: agencies they may import for, their sub kegiatan, places, target
    groups and sources of funds; every active agency as lead or supporting agency."""
    opds = list(permissions.editable_opds(user).filter(aktif=True).order_by("kode_unit", "singkatan"))
    partners = list(Opd.objects.filter(aktif=True).order_by("kode_unit", "singkatan").values_list("singkatan", "nama"))
    sub_kegiatan = sub_kegiatan_for_template(user)
    places = places_for_template()
    groups = list(KelompokSasaran.objects.filter(aktif=True).order_by("slug"))
    sources = list(RenjaRow.SumberDana.choices)
    return write_template(
        [Column(name, KINDS.get(name, "text")) for name in ALL_COLUMNS],
        title="Renja",
        required=REQUIRED_COLUMNS,
        dropdowns={
            "opd": DropDown([o.singkatan for o in opds]),
            "kode_sub_kegiatan": DropDown([s[0] for s in sub_kegiatan]),
            "sasaran": DropDown([g.slug for g in groups], strict=False),
            "sumber_dana": DropDown([value for value, _label in sources]),
            "sumber_data": DropDown(list(RenjaRow.SumberData.values)),
            "desil": DropDown([str(n) for n in range(1, 11)]),
            **{flag: DropDown(["ya", "tidak"]) for flag in FLAG_COLUMNS},
            "opd_pengampu": DropDown([singkatan for singkatan, _nama in partners]),
            "opd_pendukung": DropDown([singkatan for singkatan, _nama in partners], strict=False),
        },
        hints={name: str(hint) for name, hint in COLUMN_HINTS.items()},
        references=[
            ReferenceSheet(
                _("Sub kegiatan"), [_("kode"), _("sub kegiatan"), _("kegiatan"), _("program")], sub_kegiatan
            ),
            ReferenceSheet(_("Wilayah"), [_("kode"), _("tingkat"), _("nama"), _("kecamatan")], places),
            ReferenceSheet(_("Sasaran"), [_("kode"), _("nama")], [(g.slug, g.nama) for g in groups]),
            ReferenceSheet(_("OPD"), [_("singkatan"), _("nama")], partners),  # the lead and supporting agencies too
            ReferenceSheet(_("Sumber dana"), [_("kode"), _("nama")], [(v, str(label)) for v, label in sources]),
        ],
    )
