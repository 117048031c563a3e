import datetime
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from musrenbang import imports, services
from musrenbang.models import Decision, Pickup, Usulan
from renja.models import AuditLog, StageWindow

from ..factories import make_nomenklatur, make_row, make_sasaran, make_wilayah

HEADER = (
    "id_usulan,sumber,pengusul,kode_desa,permasalahan,usulan,uraian,kode_bidang_urusan,volume,satuan,anggaran,prioritas,"
    "sasaran,opd_tujuan,keputusan_opd,alasan,ref_renja"
)
SIPD_HEADER = [
    "No",
    "ID Usulan",
    "Tanggal Usul",
    "Pengusul",
    "Profil",
    "Usulan",
    "Permasalahan",
    "Alamat",
    "Kabupaten/Kota",
    "Kecamatan",
    "Kelurahan / Desa",
    "Usulan Ke",
    "OPD Tujuan Awal",
    "OPD Tujuan Akhir",
    "Status",
    "Catatan",
    "Rekomendasi Mitra (Bappeda)",
    "Rekomendasi Kelurahan/Desa",
    "Rekomendasi Kecamatan",
    "Rekomendasi OPD",
    "Rekomendasi TAPD",
    "Volume",
    "Satuan",
    "Anggaran",
    "Jenis Belanja",
    "Sub Kegiatan",
    "Kolom tambahan",
]


@pytest.fixture
def refs(db, year, opd_a, opd_b):
    tenggarong = make_wilayah("64.02.06", "Tenggarong")
    make_wilayah("64.02.06.2001", "Bukit Biru", "desa", parent=tenggarong)
    make_wilayah("64.02.06.1001", "Sukarame", "kelurahan", parent=tenggarong)
    sebulu = make_wilayah("64.02.07", "Sebulu")
    make_wilayah("64.02.07.2005", "Sebulu Ilir", "desa", parent=sebulu)
    make_wilayah("64.02.07.2010", "Bukit Biru", "desa", parent=sebulu)  # same name, other kecamatan
    for slug in ("anak", "disabilitas", "lansia"):
        make_sasaran(slug)
    rows = {
        "dinsos": make_row(
            opd=opd_a,
            fiscal_year=year,
            ref="2026-DINSOS-003",
            sub_kegiatan=make_nomenklatur("1.06.04.2.01.0018", "Rehabilitasi ATENSI"),
        ),
        "dp3a": make_row(
            opd=opd_b,
            fiscal_year=year,
            ref="2026-DP3A-005",
            sub_kegiatan=make_nomenklatur("2.08.07.2.02.0016", "Pendampingan anak korban"),
        ),
    }
    return rows


def csv_bytes(*lines: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode("utf-8")


GOOD = csv_bytes(
    "MD-001,musrenbang_desa,Pemdes Bukit Biru,64.02.06.2001,Lansia terlantar tanpa pendamping,"
    'Permakanan lansia terlantar,Makan dua kali sehari,1.06,40,Orang,"120.000.000",1,lansia,,,,',
    "MD-002,,Pemdes Bukit Biru,64.02.06.2001,Anak disabilitas belum terapi,Terapi anak disabilitas,,"
    '1.06,"2,5",Paket,150000000,2,anak;disabilitas,Dinsos,,,',
    "MD-003,musrenbang_kecamatan,Kecamatan Tenggarong,64.02.06.1001,,Kursi roda bagi penyandang disabilitas,,"
    "1.06,10,Unit,50.000.000,3,disabilitas,Dinsos,diterima,,2026-DINSOS-003",
    "MD-004,pokir,H. Fulan (Fraksi Golkar),64.02.07.2005,,Pelatihan menjahit perempuan kepala keluarga,,"
    "2.08,1,Paket,75000000,,,DP3A,ditolak,Sudah dianggarkan lewat APBDes,",
    "MD-005,Pokir DPRD,H. Fulan,64.02.07.2010,,Rumah aman anak korban kekerasan,,"
    "2.08,1,Unit,0,,anak,DP3A,dikembalikan,Kewenangan provinsi,",
)


def run(content: bytes, by=None, filename="usulan.csv", year=None):
    from renja.models import FiscalYear

    return imports.usulan_import_file(
        content=content, filename=filename, fiscal_year=year or FiscalYear.objects.get(year=2026), by=by
    )


def rejected(content: bytes, by=None, filename="usulan.csv") -> list[tuple[int, str, str]]:
    with pytest.raises(imports.ImportRejected) as exc:
        run(content, by, filename)
    assert not Usulan.objects.exists() and not Decision.objects.exists(), "a rejected file must write nothing"
    return [(i.row, i.column, i.message) for i in exc.value.issues]


def trail(id_usulan: str) -> list[tuple[str, str]]:
    usulan = Usulan.objects.get(id_usulan=id_usulan)
    return [(k.kind, k.opd.singkatan) for k in usulan.decisions.select_related("opd").order_by("at", "id")]


def xlsx(rows: list[list], header: list[str] = SIPD_HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def sipd_row(header: list[str] = SIPD_HEADER, **cells) -> list:
    values = dict.fromkeys(header, "")
    values.update({"No": 1, "Kabupaten/Kota": "Kab. Kutai Kartanegara", "Tanggal Usul": datetime.date(2025, 1, 20)})
    values.update({k.replace("_", " "): v for k, v in cells.items()})
    return [values[h] for h in header]


# Good files ------------------------------------------------------------------------------------------------------


def test_good_project_file_creates_routes_and_decides(refs, planner):
    assert run(GOOD, planner) == {"baru": 5, "berubah": 0, "sama": 0, "keputusan": 7}
    first = Usulan.objects.get(id_usulan="MD-001")
    assert (first.status, first.opd_tujuan, first.anggaran, first.volume, first.satuan, first.prioritas) == (
        "baru",
        None,
        120_000_000,
        40,
        "Orang",
        1,
    )
    assert (
        first.desa.kode == "64.02.06.2001" and first.bidang_urusan.kode == "1.06" and first.sumber == "musrenbang_desa"
    )
    assert (
        first.kode_lacak.startswith("USL-") and first.cari == first.search_text() and "permakanan lansia" in first.cari
    )
    routed = Usulan.objects.get(id_usulan="MD-002")
    assert routed.status == "diteruskan" and routed.volume == Decimal("2.5") and routed.opd_awal == routed.opd_tujuan
    assert sorted(routed.sasaran.values_list("slug", flat=True)) == ["anak", "disabilitas"]
    assert trail("MD-003") == [("diteruskan", "Dinsos"), ("diterima", "Dinsos")]
    pick = Pickup.objects.get(usulan__id_usulan="MD-003")
    assert (pick.renja_row, pick.anggaran, pick.by) == (refs["dinsos"], 50_000_000, planner)
    decision = Decision.objects.get(usulan__id_usulan="MD-004", kind="ditolak")
    assert (decision.level, decision.alasan, decision.by) == ("opd", "Sudah dianggarkan lewat APBDes", planner)
    assert (
        Usulan.objects.get(id_usulan="MD-004").sumber == "pokir"
        and Usulan.objects.get(id_usulan="MD-005").sumber == "pokir"
    )
    assert Usulan.objects.get(id_usulan="MD-005").status == "dikembalikan"
    assert len(set(Usulan.objects.values_list("kode_lacak", flat=True))) == 5
    assert AuditLog.objects.get(action="usulan.imported").data["baru"] == 5


def test_reimport_of_the_same_file_changes_nothing(refs, planner):
    run(GOOD, planner)
    before = list(Usulan.objects.values_list("pk", "kode_lacak", "status", "updated_at").order_by("pk"))
    decisions, pickups, audits = Decision.objects.count(), Pickup.objects.count(), AuditLog.objects.count()
    assert run(GOOD, planner) == {"baru": 0, "berubah": 0, "sama": 5, "keputusan": 0}
    assert list(Usulan.objects.values_list("pk", "kode_lacak", "status", "updated_at").order_by("pk")) == before
    assert (Decision.objects.count(), Pickup.objects.count()) == (decisions, pickups)
    assert AuditLog.objects.count() == audits + 1  # only the import's own entry


def test_changed_row_updates_descriptive_fields_and_keeps_the_app_decision(refs, planner, opd_a_editor):
    run(GOOD, planner)
    routed = Usulan.objects.get(id_usulan="MD-002")
    services.usulan_decide(usulan=routed, kind="ditolak", alasan="Sudah ada layanan UPTD", by=opd_a_editor)
    routed.refresh_from_db()
    decided_at = routed.updated_at
    changed = GOOD.replace(
        b'Terapi anak disabilitas,,1.06,"2,5",Paket,150000000,2,anak;disabilitas,Dinsos,,,',
        b"Terapi wicara anak disabilitas,,1.06,3,Paket,180000000,2,anak,Dinsos,diterima,,2026-DINSOS-003",
    )
    plan = imports.build_usulan_plan(content=changed, filename="usulan.csv", fiscal_year=routed.fiscal_year, by=planner)
    assert plan.summary() == {"baru": 0, "berubah": 1, "sama": 4, "keputusan": 0}
    [kept] = plan.kept
    assert kept.id_usulan == "MD-002" and "ditolak" in kept.kept
    assert run(changed, planner) == {"baru": 0, "berubah": 1, "sama": 4, "keputusan": 0}
    routed.refresh_from_db()
    assert (routed.usulan, routed.volume, routed.anggaran, routed.status) == (
        "Terapi wicara anak disabilitas",
        3,
        180_000_000,
        "ditolak",
    )
    assert routed.updated_at > decided_at
    assert list(routed.sasaran.values_list("slug", flat=True)) == ["anak"] and "terapi wicara" in routed.cari
    assert (
        trail("MD-002") == [("diteruskan", "Dinsos"), ("ditolak", "Dinsos")]
        and not Pickup.objects.filter(usulan=routed).exists()
    )
    entry = AuditLog.objects.get(action="usulan.updated")
    assert entry.changes["anggaran"] == ["Rp150.000.000", "Rp180.000.000"] and entry.by == planner


def test_decision_in_a_later_file_extends_the_routing_of_an_earlier_one(refs, planner):
    run(GOOD, planner)
    decided = GOOD.replace(b"anak;disabilitas,Dinsos,,,", b"anak;disabilitas,Dinsos,diterima,,2026-DINSOS-003")
    assert run(decided, planner) == {"baru": 0, "berubah": 1, "sama": 4, "keputusan": 1}
    assert trail("MD-002") == [("diteruskan", "Dinsos"), ("diterima", "Dinsos")]


def test_app_routing_is_not_undone_by_a_file_without_routing(refs, planner, opd_b):
    run(GOOD, planner)
    untouched = Usulan.objects.get(id_usulan="MD-001")
    services.usulan_route(usulan=untouched, opd=opd_b, by=planner)
    assert run(GOOD, planner)["sama"] == 5
    assert trail("MD-001") == [("diteruskan", "DP3A")]


def test_absent_optional_column_leaves_the_field_alone(refs, planner):
    run(GOOD, planner)
    slim = csv_bytes("MD-002,64.02.06.2001,Terapi anak disabilitas", header="id_usulan,kode_desa,usulan")
    assert run(slim, planner) == {"baru": 0, "berubah": 0, "sama": 1, "keputusan": 0}
    usulan = Usulan.objects.get(id_usulan="MD-002")
    assert (usulan.anggaran, usulan.sasaran.count(), usulan.status) == (150_000_000, 2, "diteruskan")


def test_accepted_with_changes_needs_a_changed_value(refs, planner):
    header = HEADER + ",volume_diterima,anggaran_diterima"
    good = csv_bytes(
        "P-1,,,64.02.06.2001,,Kursi roda,,1.06,10,Unit,50000000,,,"
        "Dinsos,diterima_dengan_perubahan,,2026-DINSOS-003,8,40.000.000",
        header=header,
    )
    same = csv_bytes(
        "P-1,,,64.02.06.2001,,Kursi roda,,1.06,10,Unit,50000000,,,"
        "Dinsos,diterima_dengan_perubahan,,2026-DINSOS-003,10,",
        header=header,
    )
    [(row, column, message)] = rejected(same, planner)
    assert (row, column) == (2, "volume_diterima") and "harus berbeda" in message
    assert run(good, planner)["keputusan"] == 2
    assert Pickup.objects.get().anggaran == 40_000_000


# Bad files: the whole file is rejected, every problem named by row and column ------------------------------------


@pytest.mark.parametrize(
    "line,column,fragment",
    [
        ("X-1,,,64.02.99.2001,,Usulan,,,,,100,,,,,,", "kode_desa", "kode desa 64.02.99.2001 tidak dikenal"),
        ("X-1,,,64.02.06,,Usulan,,,,,100,,,,,,", "kode_desa", "bukan desa/kelurahan"),
        ("X-1,,,64.02.06.2001,,Usulan,,,,,100,,,Dinas Antah,,,", "opd_tujuan", "OPD Dinas Antah tidak dikenal"),
        ("X-1,,,64.02.06.2001,,Usulan,,,banyak,,100,,,,,,", "volume", "bukan angka"),
        ("X-1,,,64.02.06.2001,,Usulan,,,,,-100,,,,,,", "anggaran", "tidak boleh negatif"),
        ("X-1,,,64.02.06.2001,,Usulan,,,,,seratus,,,,,,", "anggaran", "bukan angka Rupiah"),
        ("X-1,,,64.02.06.2001,,,,,,,100,,,,,,", "usulan", "wajib diisi"),
        ("X-1,hibah,,64.02.06.2001,,Usulan,,,,,100,,,,,,", "sumber", "tidak dikenal"),
        ("X-1,,,64.02.06.2001,,Usulan,,9.99,,,100,,,,,,", "kode_bidang_urusan", "9.99 tidak dikenal"),
        ("X-1,,,64.02.06.2001,,Usulan,,,,,100,,balita_baru,,,,", "sasaran", "balita_baru tidak dikenal"),
        ("X-1,,,64.02.06.2001,,Usulan,,,,,100,pertama,,,,,", "prioritas", "bukan nomor urut"),
        ("X-1,,,64.02.06.2001,,Usulan,,,,,100,,,Dinsos,disetujui,,", "keputusan_opd", "disetujui tidak dikenal"),
        (
            "X-1,,,64.02.06.2001,,Usulan,,,,,100,,,,ditolak,Tidak prioritas,",
            "opd_tujuan",
            "wajib diisi bila keputusan_opd diisi",
        ),
        (
            "X-1,,,64.02.06.2001,,Usulan,,,,,100,,,Dinsos,diterima,,",
            "ref_renja",
            "wajib diisi untuk keputusan diterima",
        ),
        (
            "X-1,,,64.02.06.2001,,Usulan,,,,,100,,,Dinsos,diterima,,2026-DINSOS-999",
            "ref_renja",
            "2026-DINSOS-999 tidak ada di Renja tahun 2026",
        ),
        (
            "X-1,,,64.02.06.2001,,Usulan,,,,,100,,,Dinsos,diterima,,2026-DP3A-005",
            "ref_renja",
            "baris Renja 2026-DP3A-005 milik DP3A, bukan Dinsos",
        ),
        ("X-1,,,64.02.06.2001,,Usulan,,,,,100,,,Dinsos,ditolak,,", "alasan", "wajib diisi untuk keputusan ditolak"),
        (
            "X-1,,,64.02.06.2001,,Usulan,,,,,100,,,Dinsos,digabung,Sama dengan MD-1,",
            "ref_renja",
            "wajib diisi untuk keputusan digabung",
        ),
        (
            "X-1,,,64.02.06.2001,,Usulan,,,,,100,,,Dinsos,ditolak,Ganda,2026-DINSOS-003",
            "ref_renja",
            "hanya diisi untuk keputusan diterima",
        ),
    ],
)
def test_bad_value_rejects_the_whole_file_naming_row_and_column(refs, planner, line, column, fragment):
    content = csv_bytes("OK-1,,,64.02.06.2001,,Usulan baik,,,,,100,,,Dinsos,,,", line)
    issues = rejected(content, planner)
    assert len(issues) == 1, issues
    row, col, message = issues[0]
    assert (row, col) == (3, column) and fragment in message


def test_every_error_is_listed_not_just_the_first(refs, planner):
    content = csv_bytes(
        "E-1,,,64.02.99.2001,,Usulan,,,x,,100,,,,,,",
        "E-2,,,64.02.06.2001,,Usulan,,,,,-1,,,Nope,,,",
    )
    issues = rejected(content, planner)
    assert [(r, c) for r, c, _m in issues] == [(2, "kode_desa"), (2, "volume"), (3, "anggaran"), (3, "opd_tujuan")]
    assert str(imports.ImportIssue(2, "kode_desa", "x")) == "Baris 2, kolom kode_desa: x"


def test_duplicate_id_usulan_in_one_file_is_rejected(refs, planner):
    content = csv_bytes("D-1,,,64.02.06.2001,,A,,,,,100,,,,,,", "D-1,,,64.02.06.2001,,B,,,,,100,,,,,,")
    assert rejected(content, planner) == [(3, "id_usulan", "ID usulan D-1 ganda: sudah ada di baris 2")]


def test_missing_required_columns_are_rejected(refs, planner):
    content = csv_bytes("M-1,Usulan,100", header="id_usulan,usulan,anggaran")
    assert rejected(content, planner) == [(1, "kode_desa", "kolom wajib kode_desa tidak ada di baris judul")]
    sipd = xlsx([["1", "Tenggarong", "Bukit Biru"]], header=["ID Usulan", "Kecamatan", "Kelurahan/Desa"])
    assert rejected(sipd, planner, "sipd.xlsx") == [(1, "Usulan", "kolom wajib Usulan tidak ada di baris judul")]


@pytest.mark.parametrize(
    "content",
    [b"", HEADER.encode() + b"\n", b"%PDF-1.7 binary", b"\x89PNG\r\n\x1a\n\x00\x00", b"PK\x03\x04not really a zip"],
)
def test_empty_file_or_not_a_spreadsheet_is_rejected(refs, planner, content):
    [(row, _column, message)] = rejected(content, planner)
    assert row == 0 and message


def test_locked_forum_stage_rejects_a_file_with_routing_or_decisions(refs, planner, year):
    StageWindow.objects.create(
        fiscal_year=year,
        stage="forum",
        opens_on=datetime.date(2025, 3, 3),
        closes_on=datetime.date(2025, 3, 21),
        is_locked=True,
    )
    [(row, _column, message)] = rejected(GOOD, planner)
    assert row == 0 and "Forum Perangkat Daerah" in message and "dikunci" in message and "4 usulan" in message
    unrouted = csv_bytes("U-1,,,64.02.06.2001,,Usulan,,,,,100,,,,,,")
    assert run(unrouted, planner)["baru"] == 1


def test_locked_year_rejects_any_import(refs, planner, year):
    year.is_locked = True
    year.save()
    [(row, _column, message)] = rejected(csv_bytes("U-1,,,64.02.06.2001,,Usulan,,,,,100,,,,,,"), planner)
    assert row == 0 and "dikunci" in message


def test_only_planners_import_usulan(refs, opd_a_editor):
    [(row, _column, message)] = rejected(GOOD, opd_a_editor)
    assert row == 0 and "Bappeda" in message


def test_service_refusal_while_writing_rejects_the_whole_file(refs, planner, monkeypatch):
    from django.core.exceptions import ValidationError

    def refuse(*args, **kwargs):
        raise ValidationError("Tahap ditutup.")

    monkeypatch.setattr(services.deciding, "_decision_fields", refuse)  # the rule check every decision path runs
    assert rejected(GOOD, planner) == [(4, "keputusan_opd", "Tahap ditutup.")]


# The command and the shipped files -------------------------------------------------------------------------------


def test_command_imports_and_exits_non_zero_on_a_bad_file(refs, tmp_path, capsys):
    good = tmp_path / "usulan.csv"
    good.write_bytes(GOOD)
    call_command("import_usulan", str(good), "--year", "2026")
    assert "5 usulan baru" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes("B-1,,,64.02.06.2001,,Usulan,,,,,-5,,,,,,", "B-2,,,64.02.06.9999,,Usulan,,,,,5,,,,,,"))
    with pytest.raises(CommandError, match="2 galat; tidak ada data yang ditulis"):
        call_command("import_usulan", str(bad), "--year", "2026")
    err = capsys.readouterr().err
    assert "Baris 2, kolom anggaran: tidak boleh negatif" in err and "Baris 3, kolom kode_desa" in err
    assert Usulan.objects.count() == 5
    with pytest.raises(CommandError, match="2031 belum ada"):
        call_command("import_usulan", str(good), "--year", "2031")


def test_shipped_demo_and_example_files_import_on_the_demo_data(db):
    from renja.models import User
    from renja.services.demo import seed_demo

    fixtures = Path(imports.__file__).resolve().parent.parent / "fixtures"  # musrenbang/fixtures
    seed_demo(password="uji-demo-2026")
    planner = User.objects.get(username="perencana")
    demo = (fixtures / "demo" / "usulan_2026.csv").read_bytes()
    summary = run(demo, planner, "usulan_2026.csv")
    assert 250 <= summary["baru"] <= 350 and summary["keputusan"] > 100
    statuses = set(Usulan.objects.values_list("status", flat=True))
    assert {"baru", "diteruskan", "diterima", "ditolak", "dikembalikan"} <= statuses
    assert Usulan.objects.filter(sumber="pokir").exists()
    assert run(demo, planner, "usulan_2026.csv") == {"baru": 0, "berubah": 0, "sama": summary["baru"], "keputusan": 0}
    for name in ("usulan_contoh.csv", "sipd_contoh.xlsx"):
        content = (fixtures / "contoh" / name).read_bytes()
        first = run(content, planner, name)
        assert 5 <= first["baru"] <= 12 and first["keputusan"] >= 3, (name, first)
        assert run(content, planner, name)["sama"] == first["baru"]


def test_locked_forum_stage_keeps_decided_usulan_unchanged(refs, planner, year):
    run(GOOD, planner)
    StageWindow.objects.create(
        fiscal_year=year,
        stage="forum",
        opens_on=datetime.date(2025, 3, 3),
        closes_on=datetime.date(2025, 3, 21),
        is_locked=True,
    )
    changed = GOOD.replace(b"50.000.000,3,disabilitas,Dinsos,diterima", b"999.999.999,3,disabilitas,Dinsos,diterima")
    from renja.services import ImportRejected

    with pytest.raises(ImportRejected) as exc:
        run(changed, planner)
    assert [(i.column, "sudah diputuskan" in i.message) for i in exc.value.issues] == [("id_usulan", True)]
    assert Usulan.objects.get(id_usulan="MD-003").anggaran == 50_000_000


def test_a_decision_taken_between_check_and_write_stops_the_import(refs, planner, year, opd_a, opd_a_editor):
    from ..factories import make_usulan

    usulan = make_usulan(fiscal_year=year, id_usulan="RACE-1", opd_tujuan=opd_a)
    items = [(usulan, [services.Step("ditolak", alasan="Dari berkas")])]
    services.usulan_decide(usulan=usulan, kind="dikembalikan", alasan="Diputuskan di aplikasi", by=opd_a_editor)
    with pytest.raises(services.StepRefused, match="diputuskan orang lain"):
        services.usulan_steps_apply(
            fiscal_year=year, items=items, by=planner, expected={usulan.pk: ("diteruskan", opd_a.pk)}
        )
    assert Usulan.objects.get(pk=usulan.pk).status == "dikembalikan"
