"""What each lampiran of the berita acara holds (issue 16, point 3) and the agencies' ceilings (issue 15, point 4):
I tells invited from present, II is the Renja table with N+1 and sumber dana, III has volume, unit, kecamatan and
priority, IV the DPRD member, fraksi and dapil in their own columns, V is written for people (full agency names, the
rows' names and rincian, the settlement in a sentence: no refs, no stems, no percentages). A berita acara signed
before this form keeps its own template and its fingerprint."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from forum import selectors, services
from forum.models import BeritaAcara, Forum
from renja.models import RenjaRow
from sinkronisasi import services as sync_services
from sinkronisasi.models import Overlap

from ..factories import make_nomenklatur, make_row
from .conftest import CHAIR
from .document import pages, render, sections

pytestmark = pytest.mark.django_db

WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")


@pytest.fixture
def settled_pair(forum_full, year, opd_a, opd_b, facilitator):
    """Two rows of the participants with real refs, flagged as overlapping and settled at the forum."""
    for opd, code, ref, rincian in (
        (opd_a, "1.06.04.2.01.0009", "2026-DINSOS-077", "Rumah singgah bagi korban kekerasan dan perdagangan orang"),
        (opd_b, "2.08.02.2.01.0009", "2026-DP3A-078", "Rumah aman sementara bagi perempuan dan anak korban kekerasan"),
    ):
        make_row(
            opd=opd,
            fiscal_year=year,
            ref=ref,
            sub_kegiatan=make_nomenklatur(code, "Penyediaan Layanan Perlindungan Korban Kekerasan"),
            nama="Penyediaan Layanan Perlindungan Korban Kekerasan",
            rincian=rincian,
            keterangan="Rumah aman korban kekerasan",
        )
    sync_services.sync_refresh(fiscal_year=year)
    pair = Overlap.objects.get(row_a__ref__in=["2026-DINSOS-077", "2026-DP3A-078"])
    services.forum_agenda_add_overlap(forum=forum_full, overlap=pair, by=facilitator)
    sync_services.overlap_settle(
        overlap=pair, status="koordinasi", opd_pengampu=opd_b, note="Layanan dipadukan di UPTD PPA", by=facilitator
    )
    return pair


def words(text: str) -> set[str]:
    return {w.lower() for w in WORD.findall(text)}


def test_lampiran_v_is_written_for_people(forum_full, settled_pair, opd_a, opd_b, tmp_path):
    snapshot = selectors.forum_snapshot(forum_full, nomor="000.1.2/001/BA-FPD/Bappeda/III/2025")
    lampiran_v = sections(render(forum_full, tmp_path, snapshot=snapshot))["V"]
    assert "%" not in lampiran_v and not re.search(
        r"\d[.,]\d{2,3}\b(?!\.\d)", lampiran_v.replace(snapshot["nomor"], "")
    )
    assert "2026-DINSOS-077" not in lampiran_v and "2026-DP3A-078" not in lampiran_v  # no internal refs
    assert opd_a.nama in lampiran_v and opd_b.nama in lampiran_v  # both agencies by full name
    assert "Penyediaan Layanan Perlindungan Korban Kekerasan" in lampiran_v
    assert "Rumah singgah bagi korban kekerasan dan perdagangan orang" in lampiran_v
    assert "Layanan dipadukan di UPTD PPA" in lampiran_v
    assert (
        f"{opd_b.nama} ditetapkan sebagai Perangkat Daerah pengampu dan Perangkat Daerah lainnya sebagai pendukung"
        in lampiran_v
    )
    # Every word comes from the rows, the agencies' names, the forum's own note and facts, or the template: no stems.
    rows = RenjaRow.objects.filter(ref__in=["2026-DINSOS-077", "2026-DP3A-078"])
    source = " ".join(
        [
            *(f"{r.nama} {r.rincian}" for r in rows),
            opd_a.nama,
            opd_b.nama,
            *(p["catatan"] for p in snapshot["beririsan"]),
            snapshot["jenis_label"],
            snapshot["nomor"],
            snapshot["tanggal_panjang"],
            f"{CHAIR} {forum_full.pimpinan_pangkat} NIP. {snapshot['pimpinan']['nip']}",
            *(
                Path(settings.BASE_DIR, "templates", "forum", t).read_text()
                for t in ("berita_acara_pdf.html", "_berita_acara_ttd.html")
            ),
            Path(selectors.__file__).read_text(),  # the settlement sentences
        ]
    )
    unknown = words(lampiran_v) - words(source)
    assert unknown == set(), unknown


def test_lampiran_iii_has_volume_unit_kecamatan_and_priority(forum_full, tmp_path):
    item = selectors.forum_snapshot(forum_full)["lampiran_iii"][0]
    assert {k: item[k] for k in ("id_usulan", "volume", "satuan", "prioritas", "kecamatan", "desa", "alasan")} == {
        "id_usulan": "USL-001",
        "volume": "4",
        "satuan": "Unit",
        "prioritas": 2,
        "kecamatan": "Tenggarong",
        "desa": "Desa Bukit Biru",
        "alasan": "Sudah dianggarkan provinsi",
    }
    text = sections(render(forum_full, tmp_path))["III"]
    for heading in ("Volume", "Satuan", "Prioritas", "Kecamatan", "Desa/Kelurahan", "Alasan"):
        assert heading in text
    assert "Unit" in text and "Tenggarong" in text


def test_lampiran_iv_has_member_fraksi_and_dapil_in_their_own_columns(forum_full, tmp_path):
    item = selectors.forum_snapshot(forum_full)["lampiran_iv"][0]
    assert (item["anggota_dprd"], item["fraksi"], item["dapil"]) == ("H. Anggota", "Fraksi Contoh", "Dapil Kukar 2")
    text = sections(render(forum_full, tmp_path))["IV"]
    assert all(
        word in text for word in ("Anggota DPRD", "Fraksi", "Dapil", "H. Anggota", "Fraksi Contoh", "Dapil Kukar 2")
    )


def test_lampiran_i_tells_invited_from_present_and_counts_those_present(forum_full, tmp_path):
    snapshot = selectors.forum_snapshot(forum_full)
    assert (snapshot["jumlah_undangan"], snapshot["jumlah_hadir"]) == (3, 2)
    parts = sections(render(forum_full, tmp_path))
    assert "Peserta : 2 orang hadir dari 3 orang yang diundang (Lampiran I)" in parts["BA"]
    assert "Diundang 3 orang; hadir 2 orang." in parts["I"]
    assert parts["I"].count("Tidak hadir") == 1  # Budi Hartono never checked in
    assert re.search(r"Hadir \d{2}\.\d{2}", parts["I"])


def test_lampiran_ii_is_the_renja_table_with_n_plus_1_and_sumber_dana(forum_full, tmp_path):
    row = RenjaRow.objects.get(ref="2026-DINSOS-001")
    row.target, row.satuan, row.target_n1, row.pagu_n1 = 120, "Orang", 150, 1_300_000_000
    row.indikator, row.sumber_dana = "Jumlah penyandang disabilitas yang menerima alat bantu", "apbd_kab"
    row.save()
    item = next(r for r in selectors.forum_snapshot(forum_full)["lampiran_ii"] if r["ref"] == row.ref)
    assert (item["target"], item["target_n1"], item["pagu_n1"], item["sumber_dana"]) == (
        "120 Orang",
        "150 Orang",
        1_300_000_000,
        "APBD Kabupaten",
    )
    assert (item["program_kode"], item["kegiatan_kode"]) == ("1.06.04", "1.06.04.2.01")
    text = sections(render(forum_full, tmp_path))["II"]
    assert "Rp1.300.000.000" in text and "APBD" in text and "Target N+1" in text and "Pagu N+1" in text


def test_the_ceilings_of_the_agencies_against_their_rows(client, forum_full, facilitator, opd_a, tmp_path):
    ceilings = {c["singkatan"]: c for c in selectors.ceilings(forum_full)}
    assert (ceilings["Dinsos"]["pagu"], ceilings["Dinsos"]["jumlah"], ceilings["Dinsos"]["selisih"]) == (
        1_000_000_000,
        1_250_000_000,
        250_000_000,
    )
    assert ceilings["Dinsos"]["melebihi"] and not ceilings["DP3A"]["melebihi"]
    text = sections(render(forum_full, tmp_path))["II"]
    assert "Melebihi pagu Rp250.000.000" in text and "Dalam batas pagu" in text
    client.force_login(facilitator)
    page = client.get(reverse("forum:forum-detail", args=[forum_full.pk])).content.decode()
    assert "Melebihi pagu Rp250.000.000" in page and "Rp1.000.000.000" in page


def test_an_agency_without_a_ceiling_says_so(forum_full):
    from renja.models import PaguOpd

    PaguOpd.objects.filter(opd__singkatan="DP3A").delete()
    ceiling = next(c for c in selectors.ceilings(forum_full) if c["singkatan"] == "DP3A")
    assert (ceiling["pagu"], ceiling["selisih"], ceiling["melebihi"]) == (None, None, False)


# A berita acara as signed before the tata naskah form (snapshot without "versi"): its keys, as stored then.
V1_SNAPSHOT = {
    "pemda": {
        "nama": "Pemerintah Kabupaten Kutai Kartanegara",
        "nama_daerah": "Kabupaten Kutai Kartanegara",
        "nama_singkat": "Kukar",
        "kode_wilayah": "64.02",
        "provinsi": "Provinsi Kalimantan Timur",
        "ibu_kota": "Tenggarong",
        "alamat": "Jalan Wolter Monginsidi No. 1, Tenggarong",
        "logo": "img/logo-pemda.svg",
    },
    "nomor": "001/BA-FPD/BAPPEDA/III/2025",
    "forum_id": 1,
    "jenis": "forum_lintas_pd",
    "jenis_label": "Forum Lintas Perangkat Daerah",
    "judul": "Forum Lintas",
    "rumpun": "Sosial",
    "tahun": 2026,
    "tanggal": "2025-03-12",
    "hari": "Rabu",
    "tanggal_panjang": "12 Maret 2025",
    "kalimat_pembuka": "Pada hari ini Rabu tanggal dua belas bulan Maret tahun dua ribu dua puluh lima",
    "mulai": "09.00",
    "selesai": "12.30",
    "tempat": "Gedung Bappeda Kukar",
    "opd": [{"singkatan": "Dinsos", "nama": "Dinas Sosial"}],
    "pimpinan": {"nama": "Dr. Ahmad Pemimpin, M.Si", "jabatan": "Asisten III", "nip": "197001011995031001"},
    "jumlah_peserta": 1,
    "kehadiran": [{"nama": "Siti Rahma", "unsur": "Dinas Sosial", "jabatan": "Kepala Dinas", "wakil": True}],
    "kesepakatan": [{"urut": "KESATU", "teks": "Sepakat."}],
    "lampiran_ii": [
        {
            "id": 1,
            "ref": "2026-DINSOS-001",
            "opd": "Dinsos",
            "kode": "1.06.04.2.01.0001",
            "program": "Program",
            "kegiatan": "Kegiatan",
            "sub_kegiatan": "Rehabilitasi sosial",
            "indikator": "Jumlah orang",
            "target": "10 Orang",
            "lokasi": "Se-kabupaten",
            "pagu": 1_250_000_000,
            "sumber": "Renja OPD",
        }
    ],
    "lampiran_iii": [],
    "lampiran_iv": [],
    "beririsan": [],
}


def test_a_berita_acara_signed_before_keeps_its_own_look(tmp_path):
    text = " ".join(" ".join(pages(render(None, tmp_path, snapshot=V1_SNAPSHOT))).split())
    assert "WAKIL PESERTA" in text and "PERWAKILAN" not in text
    assert "NIP 197001011995031001" in text and "LAMPIRAN IV" in text and "LAMPIRAN VI" not in text


@pytest.mark.django_db(transaction=True)
def test_a_signed_v1_berita_acara_verifies_after_migration_0005(client, year, facilitator):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    forum = Forum.objects.create(
        fiscal_year=year,
        judul="Forum Lintas",
        tanggal=datetime.date(2025, 3, 12),
        mulai=datetime.time(9),
        selesai=datetime.time(12, 30),
        tempat="Gedung Bappeda Kukar",
        pimpinan_nama="Dr. Ahmad Pemimpin, M.Si",
        pimpinan_jabatan="Asisten III",
        pimpinan_nip="197001011995031001",
        status=Forum.Status.SIGNED,
    )
    sha = services.fingerprint(V1_SNAPSHOT)
    BeritaAcara.objects.create(
        forum=forum, nomor=V1_SNAPSHOT["nomor"], snapshot=V1_SNAPSHOT, sha256=sha, finalised_by=facilitator
    )
    executor = MigrationExecutor(connection)
    try:
        executor.migrate([("forum", "0004_english_names")])
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    stored = BeritaAcara.objects.get(forum=forum)
    assert stored.snapshot == V1_SNAPSHOT and services.fingerprint(stored.snapshot) == sha == stored.sha256
    page = client.get(reverse("forum:verify-detail", args=[sha]))
    assert page.status_code == 200 and "Asli." in page.content.decode()
    assert "1 peserta, 1 baris Renja disepakati" in page.content.decode()


def test_the_verification_page_counts_those_present(client, forum_full, facilitator, verify_url):
    ba = services.forum_finalise(forum=forum_full, by=facilitator, verify_url_for=verify_url)
    page = client.get(reverse("forum:verify-detail", args=[ba.sha256])).content.decode()
    assert "2 peserta, 2 baris Renja disepakati" in page  # 3 on the list, 2 checked in


def test_the_snapshot_costs_the_same_queries_for_few_and_many_rows_and_usulan(
    forum_full, year, opd_a, opd_a_editor, facilitator, settled_pair, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from musrenbang import services as usulan_services
    from musrenbang.services.deciding import Allocation

    from ..factories import make_usulan

    def one_of_each_kind(i: int) -> None:
        row = make_row(opd=opd_a, fiscal_year=year, ref=f"2026-DINSOS-1{i:02d}")
        taken = make_usulan(fiscal_year=year, opd_tujuan=opd_a, id_usulan=f"USL-1{i:02d}")
        usulan_services.usulan_decide(usulan=taken, kind="diterima", allocations=[Allocation(row=row)], by=opd_a_editor)
        refused = make_usulan(fiscal_year=year, opd_tujuan=opd_a, id_usulan=f"USL-2{i:02d}")
        usulan_services.usulan_decide(usulan=refused, kind="ditolak", alasan="Belum prioritas", by=opd_a_editor)
        carried = make_usulan(fiscal_year=year, opd_tujuan=opd_a, id_usulan=f"USL-3{i:02d}")
        usulan_services.usulan_carry_to_kabupaten(usulan=carried, by=facilitator)
        make_usulan(fiscal_year=year, opd_tujuan=opd_a, id_usulan=f"USL-4{i:02d}")  # undecided: "belum dibahas"
        services.attendee_add(forum=forum_full, data={"nama": f"Peserta {i}", "unsur": "Dinsos"}, by=facilitator)

    one_of_each_kind(0)
    with CaptureQueriesContext(connection) as few:
        selectors.forum_snapshot(forum_full)
    for i in range(1, 7):
        one_of_each_kind(i)
    with django_assert_max_num_queries(len(few.captured_queries)):
        snapshot = selectors.forum_snapshot(forum_full)
    assert len(snapshot["lampiran_ii"]) >= 9 and len(snapshot["dibawa_kabupaten"]) == 14
