"""Plain factories with sensible defaults and keyword overrides."""

from __future__ import annotations

import itertools

from renja.models import FiscalYear, KelompokSasaran, Nomenklatur, Opd, RenjaRow, User, Wilayah

_seq = itertools.count(1)


def make_fiscal_year(year: int = 2026, **kw) -> FiscalYear:
    fy, _ = FiscalYear.objects.get_or_create(year=year, defaults=kw)
    return fy


def make_nomenklatur(
    kode: str = "1.06.04.2.01.0001", nama: str = "Rehabilitasi Sosial Dasar Penyandang Disabilitas", **kw
) -> Nomenklatur:
    """A sub kegiatan with its whole chain of parents (urusan ▸ bidang ▸ program ▸ kegiatan)."""
    parts = kode.split(".")
    chain = [
        (parts[0], Nomenklatur.Level.URUSAN),
        (".".join(parts[:2]), Nomenklatur.Level.BIDANG_URUSAN),
        (".".join(parts[:3]), Nomenklatur.Level.PROGRAM),
        (".".join(parts[:5]), Nomenklatur.Level.KEGIATAN),
    ]
    parent = None
    for code, level in chain:
        parent, _ = Nomenklatur.objects.get_or_create(
            kode=code, defaults={"level": level, "nama": f"{level} {code}", "parent": parent, "versi": "uji"}
        )
    defaults = {
        "level": Nomenklatur.Level.SUB_KEGIATAN,
        "nama": nama,
        "parent": parent,
        "versi": "uji",
        "indikator": "Jumlah orang",
        "satuan": "Orang",
    }
    defaults.update(kw)
    node, _ = Nomenklatur.objects.get_or_create(kode=kode, defaults=defaults)
    return node


def make_opd(singkatan: str | None = None, bidang: list[str] | None = None, **kw) -> Opd:
    singkatan = singkatan or f"OPD{next(_seq)}"
    opd, _ = Opd.objects.get_or_create(
        singkatan=singkatan, defaults={"nama": kw.pop("nama", f"Dinas {singkatan}"), "jenis": Opd.Jenis.DINAS, **kw}
    )
    for code in bidang or []:
        node = (
            Nomenklatur.objects.filter(kode=code).first()
            or make_nomenklatur(code + ".02.2.01.0001").parent.parent.parent
        )
        opd.bidang_urusan.add(node)
    return opd


def make_user(
    username: str | None = None,
    *,
    role: str = User.Role.PETUGAS_OPD,
    opd: Opd | None = None,
    password: str = "rahasia-uji-123",
    **kw,
) -> User:
    user = User(username=username or f"user{next(_seq)}", role=role, opd=opd, **kw)
    user.set_password(password)
    user.save()
    return user


def make_wilayah(
    kode: str = "64.02.06",
    nama: str = "Tenggarong",
    tingkat: str = Wilayah.Tingkat.KECAMATAN,
    parent: Wilayah | None = None,
) -> Wilayah:
    w, _ = Wilayah.objects.get_or_create(kode=kode, defaults={"nama": nama, "tingkat": tingkat, "parent": parent})
    return w


def make_sasaran(slug: str = "anak", nama: str | None = None) -> KelompokSasaran:
    s, _ = KelompokSasaran.objects.get_or_create(slug=slug, defaults={"nama": nama or slug.replace("_", " ").title()})
    return s


def make_row(
    *,
    opd: Opd | None = None,
    fiscal_year: FiscalYear | None = None,
    ref: str | None = None,
    sub_kegiatan: Nomenklatur | None = None,
    lokasi=(),
    sasaran=(),
    **kw,
) -> RenjaRow:
    sub = sub_kegiatan or make_nomenklatur()
    row = RenjaRow.objects.create(
        fiscal_year=fiscal_year or make_fiscal_year(),
        opd=opd or make_opd(),
        ref=ref or f"R-{next(_seq)}",
        sub_kegiatan=sub,
        kode=kw.pop("kode", sub.kode),
        nama=kw.pop("nama", sub.nama),
        pagu=kw.pop("pagu", 100_000_000),
        **kw,
    )
    row.cari = row.search_text()
    row.save(update_fields=["cari"])
    row.lokasi.set(lokasi)
    row.sasaran.set(sasaran)
    return row


def make_usulan(
    *, fiscal_year: FiscalYear | None = None, desa: Wilayah | None = None, opd_tujuan: Opd | None = None, **kw
):
    """An usulan; with opd_tujuan it is routed there through the service (so its trail is real)."""
    from musrenbang import services as usulan_services
    from musrenbang.models import Usulan

    if desa is None:
        kec = make_wilayah()
        desa = make_wilayah("64.02.06.2001", "Bukit Biru", Wilayah.Tingkat.DESA, parent=kec)
    n = next(_seq)
    usulan = Usulan.objects.create(
        fiscal_year=fiscal_year or make_fiscal_year(),
        id_usulan=kw.pop("id_usulan", f"U-{n}"),
        desa=desa,
        usulan=kw.pop("usulan", "Pembangunan posyandu"),
        anggaran=kw.pop("anggaran", 150_000_000),
        kode_lacak=kw.pop("kode_lacak", usulan_services.tracking_code_new()),
        **kw,
    )
    usulan.cari = usulan.search_text()
    usulan.save(update_fields=["cari"])
    if opd_tujuan is not None:
        usulan = usulan_services.usulan_route(usulan=usulan, opd=opd_tujuan, by=None)
    return usulan
