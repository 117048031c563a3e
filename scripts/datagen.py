"""Generated Renja rows and usulan written like real ones, for the benchmarks and the load test.

Per 1×: ~40 agencies, 2,500 Renja rows and 6,000 usulan (Kukar's size). Most rows carry an official sub kegiatan of
their agency's bidang, named after it and its place; 15% are written like the demo and evaluation rows (where overlaps
come from); random places (a fifth regency-wide) and groups; usulan routed, decided and picked up (a few by two
agencies). At n× the region is n× as large (synthetic kecamatan and desa), so rows per village stay as in Kukar.
Django must be set up before this module is imported.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

from django.utils import timezone

from musrenbang import decisions as dt
from musrenbang.decisions import Level
from musrenbang.models import Decision, Pickup, Usulan
from renja.models import FiscalYear, KelompokSasaran, Nomenklatur, Opd, RenjaRow, Wilayah

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [
    ROOT / "renja/fixtures/demo/renja_2026.csv",
    *sorted((ROOT / "sinkronisasi/fixtures/evaluation").glob("*_renja.csv")),
]


def templates() -> list[dict]:
    out = []
    for path in SOURCES:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            out.extend(csv.DictReader(fh))
    return out


def places_for(scale: int) -> tuple[list[Wilayah], list[Wilayah]]:
    """Kukar's kecamatan and desa; at n× also n-1 synthetic copies (codes 64.9x…), as n× the data comes from a
    region n× as large: the rows per village, which decide how many pairs can meet, stay as in Kukar."""
    kec = list(Wilayah.objects.filter(tingkat="kecamatan", kode__startswith="64.02."))
    desa = list(Wilayah.objects.filter(tingkat__in=["desa", "kelurahan"], kode__startswith="64.02."))
    for copy in range(1, scale):
        prefix = f"64.{90 + copy}"
        for k in [k for k in kec if k.kode.startswith("64.02.")]:
            clone, _ = Wilayah.objects.get_or_create(
                kode=k.kode.replace("64.02", prefix, 1),
                defaults={"nama": f"{k.nama} {copy}", "tingkat": k.tingkat, "parent": k.parent},
            )
            kec.append(clone)
            for d in [d for d in desa if d.parent_id == k.pk]:
                desa.append(
                    Wilayah.objects.get_or_create(
                        kode=d.kode.replace("64.02", prefix, 1),
                        defaults={"nama": f"{d.nama} {copy}", "tingkat": d.tingkat, "parent": clone},
                    )[0]
                )
    return kec, desa


def generate(year: FiscalYear, scale: int, rng: random.Random) -> None:
    texts = templates()
    subs = {n.kode: n for n in Nomenklatur.objects.filter(level="sub_kegiatan")}
    fallback = [n for n in subs.values() if not n.kode.startswith("X")]
    opds = list(Opd.objects.order_by("pk")[:40])
    kec, desa = places_for(scale)
    groups = {g.slug: g for g in KelompokSasaran.objects.all()}
    by_bidang: dict[str, list[Nomenklatur]] = {}
    for n in fallback:
        by_bidang.setdefault(n.kode[:4], []).append(n)
    opd_codes = {
        o.pk: [n for b in o.bidang_urusan.values_list("kode", flat=True) for n in by_bidang.get(b, [])] or fallback
        for o in opds
    }
    rows, places, targets = [], [], []
    for i in range(2500 * scale):
        opd = rng.choice(opds)
        r = rng.random()
        places.append([] if r < 0.2 else rng.sample(kec, 1) if r < 0.4 else rng.sample(desa, rng.randint(1, 3)))
        if opd.jenis == Opd.Jenis.KECAMATAN:  # a kecamatan office works in its own kecamatan
            own = [k for k in kec if k.nama == opd.nama.removeprefix("Kecamatan ")]
            places[-1] = own[:1] or places[-1]
        if rng.random() < 0.15:
            # A row written like the demo and evaluation rows (these are where overlaps come from).
            t = rng.choice(texts)
            sub = subs.get(t["kode_sub_kegiatan"]) or rng.choice(opd_codes[opd.pk])
            nama, indikator, keterangan, slugs = t["nama"], t["indikator"], t["keterangan"], t["sasaran"].split(";")
        else:
            # Most rows: the agency's own official sub kegiatan, named after it and its place.
            sub = rng.choice(opd_codes[opd.pk])
            where = places[-1][0].nama if places[-1] else "Kabupaten Kutai Kartanegara"
            nama, indikator = f"{sub.nama} {where}", sub.indikator
            keterangan = f"{sub.nama} untuk mendukung kinerja {opd.nama} di {where} tahun {year.year}."
            slugs = rng.sample(list(groups), rng.randint(0, 2))
        row = RenjaRow(
            fiscal_year=year,
            opd=opd,
            ref=f"S-{scale}-{i:06}",
            sub_kegiatan=sub,
            kode=sub.kode,
            nama=nama[:500],
            indikator=indikator,
            keterangan=keterangan,
            pagu=rng.randint(10**7, 10**10),
        )
        row.cari = row.search_text()
        rows.append(row)
        targets.append([groups[s] for s in slugs if s in groups])
    RenjaRow.objects.bulk_create(rows, batch_size=1000)
    lokasi, sasaran = RenjaRow.lokasi.through, RenjaRow.sasaran.through
    lokasi.objects.bulk_create(
        [lokasi(renjarow_id=r.pk, wilayah_id=p.pk) for r, ps in zip(rows, places) for p in ps], batch_size=5000
    )
    sasaran.objects.bulk_create(
        [sasaran(renjarow_id=r.pk, kelompoksasaran_id=g.pk) for r, gs in zip(rows, targets) for g in gs],
        batch_size=5000,
    )

    usulan = []
    for i in range(6000 * scale):
        u = Usulan(
            fiscal_year=year,
            id_usulan=f"B-{scale}-{i:06}",
            desa=rng.choice(desa),
            usulan=rng.choice(texts)["nama"],
            anggaran=rng.randint(10**7, 10**9),
            kode_lacak=f"B{scale:02}{i:07}",
            opd_tujuan=rng.choice(opds),
        )
        u.status = rng.choice(
            [
                dt.INITIAL_STATUS,
                dt.ROUTED,
                dt.ACCEPTED_AS_IS,
                dt.REJECTED,
                dt.RETURNED,
                dt.ACCEPTED_AS_IS,
                dt.ACCEPTED_AS_IS,
            ]
        )
        if u.status == dt.INITIAL_STATUS:
            u.opd_tujuan = None
        usulan.append(u)
    Usulan.objects.bulk_create(usulan, batch_size=2000)
    by_opd: dict[int, list[RenjaRow]] = {}
    for row in rows:
        by_opd.setdefault(row.opd_id, []).append(row)
    decisions, pickups = [], []
    for u in usulan:
        if u.status != dt.INITIAL_STATUS:
            decisions.append(
                Decision(usulan=u, level=Level.BAPPEDA, kind=dt.ROUTED, opd_id=u.opd_tujuan_id, at=timezone.now())
            )
        if u.status not in dt.UNDECIDED:
            decisions.append(
                Decision(
                    usulan=u, level=Level.OPD, kind=u.status, opd_id=u.opd_tujuan_id, alasan="-", at=timezone.now()
                )
            )
    Decision.objects.bulk_create(decisions, batch_size=2000)
    last = {d.usulan_id: d for d in decisions}
    for u in usulan:
        if u.status == dt.ACCEPTED_AS_IS and by_opd.get(u.opd_tujuan_id):
            pickups.append(
                Pickup(
                    usulan=u, renja_row=rng.choice(by_opd[u.opd_tujuan_id]), anggaran=u.anggaran, decision=last[u.pk]
                )
            )
            if rng.random() < 0.01:  # double funding: a second agency's row
                pickups.append(Pickup(usulan=u, renja_row=rng.choice(rows), anggaran=0, decision=last[u.pk]))
    Pickup.objects.bulk_create(pickups, batch_size=2000)
