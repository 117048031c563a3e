import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from renja import services
from renja.models import AuditLog, RenjaRow

from ..factories import make_nomenklatur, make_sasaran, make_wilayah

HEADER = "ref,opd,kode_sub_kegiatan,nama,indikator,target,satuan,pagu,lokasi,sasaran,sumber_dana,keterangan"


@pytest.fixture
def refs(db, opd_a, opd_b, year):
    make_nomenklatur("1.06.04.2.01.0001")
    make_nomenklatur("2.08.02.2.01.0001", "Pelembagaan PUG")
    make_nomenklatur("X.XX.01.2.02.0001", "Penyediaan Gaji dan Tunjangan ASN")
    kec = make_wilayah("64.02.06", "Tenggarong")
    make_wilayah("64.02.06.1001", "Sukarame", "kelurahan", parent=kec)
    for slug in ("anak", "disabilitas", "perempuan"):
        make_sasaran(slug)


def csv_bytes(*lines: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode("utf-8")


GOOD = csv_bytes(
    "2026-DINSOS-001,Dinsos,1.06.04.2.01.0001,Rehabilitasi disabilitas,Jumlah orang,120,Orang,1.250.000.000,"
    "64.02.06;64.02.06.1001,disabilitas;anak,apbd_kab,Layanan rehabilitasi",
    '2026-DINSOS-002,Dinsos,1.06.01.2.02.0001,Gaji ASN,Jumlah orang,"95,5",Orang/bulan,5000000000,,,,',
    "2026-DP3A-001,DP3A,2.08.02.2.01.0001,PUG,Jumlah dokumen,3,Dokumen,150000000,64.02.06,perempuan,DAK Non-Fisik,",
)


def run(content: bytes, year, by=None):
    return services.renja_import_file(content=content, filename="renja.csv", fiscal_year=year, by=by)


def rejected(content: bytes, year, by=None) -> list[tuple[int, str, str]]:
    with pytest.raises(services.ImportRejected) as exc:
        run(content, year, by)
    assert not RenjaRow.objects.exists(), "a rejected file must write nothing"
    return [(i.row, i.column, i.message) for i in exc.value.issues]


def test_good_file_creates_every_row(refs, year, planner):
    assert run(GOOD, year, planner) == {"baru": 3, "berubah": 0, "sama": 0}
    row = RenjaRow.objects.get(ref="2026-DINSOS-001")
    assert row.pagu == 1_250_000_000 and row.target == 120 and row.satuan == "Orang"
    # the file's name is the agency's rincian; the official name and indicator are the sub kegiatan's
    assert (row.nama, row.rincian) == ("Rehabilitasi Sosial Dasar Penyandang Disabilitas", "Rehabilitasi disabilitas")
    assert (row.indikator, row.indikator_opd, row.target_opd) == ("Jumlah orang", "", None)
    assert sorted(row.lokasi.values_list("kode", flat=True)) == ["64.02.06", "64.02.06.1001"]
    assert sorted(row.sasaran.values_list("slug", flat=True)) == ["anak", "disabilitas"]
    support = RenjaRow.objects.get(ref="2026-DINSOS-002")
    assert support.kode == "1.06.01.2.02.0001" and support.sub_kegiatan.kode == "X.XX.01.2.02.0001"
    # a unit other than the sub kegiatan's makes the file's indicator the agency's extra one, with the file's target
    assert (support.indikator_opd, support.satuan_opd, str(support.target_opd)) == (
        "Jumlah orang",
        "Orang/bulan",
        "95.50",
    )
    assert support.target is None and support.satuan == "Orang" and not support.lokasi.exists()
    assert RenjaRow.objects.get(ref="2026-DP3A-001").sumber_dana == "dak_non_fisik"
    assert AuditLog.objects.filter(action="renja_row.created").count() == 3
    assert AuditLog.objects.get(action="renja.imported").data["baru"] == 3


def test_reimport_of_same_file_changes_nothing(refs, year, planner):
    run(GOOD, year, planner)
    before = list(RenjaRow.objects.values_list("pk", "version", "updated_at").order_by("pk"))
    audits = AuditLog.objects.count()
    assert run(GOOD, year, planner) == {"baru": 0, "berubah": 0, "sama": 3}
    assert list(RenjaRow.objects.values_list("pk", "version", "updated_at").order_by("pk")) == before
    assert AuditLog.objects.count() == audits + 1  # only the import's own entry


def test_changed_row_updates_by_ref(refs, year, planner):
    run(GOOD, year, planner)
    changed = GOOD.replace(b"1.250.000.000,64.02.06;64.02.06.1001", b"1.500.000.000,64.02.06")
    assert run(changed, year, planner) == {"baru": 0, "berubah": 1, "sama": 2}
    row = RenjaRow.objects.get(ref="2026-DINSOS-001")
    assert row.pagu == 1_500_000_000 and list(row.lokasi.values_list("kode", flat=True)) == ["64.02.06"]
    entry = AuditLog.objects.get(action="renja_row.imported")
    assert entry.changes["pagu"] == ["Rp1.250.000.000", "Rp1.500.000.000"]
    assert RenjaRow.objects.count() == 3


def test_absent_optional_column_leaves_field_alone(refs, year, planner):
    run(GOOD, year, planner)
    slim = csv_bytes(
        "2026-DINSOS-001,Dinsos,1.06.04.2.01.0001,Rehabilitasi disabilitas,1250000000",
        header="ref,opd,kode_sub_kegiatan,nama,pagu",
    )
    assert run(slim, year, planner)["sama"] == 1
    assert RenjaRow.objects.get(ref="2026-DINSOS-001").sasaran.count() == 2


def test_xlsx_file_imports_like_csv(refs, year, planner):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(","))
    sheet.append(
        [
            "X-1",
            "Dinsos",
            "1.06.04.2.01.0001",
            "Rehabilitasi",
            "Jumlah",
            10,
            "Orang",
            250000000,
            "64.02.06",
            "anak",
            "apbd_kab",
            "",
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert (
        services.renja_import_file(content=buffer.getvalue(), filename="r.xlsx", fiscal_year=year, by=planner)["baru"]
        == 1
    )
    assert RenjaRow.objects.get(ref="X-1").pagu == 250_000_000


def test_semicolon_separated_csv_is_read(refs, year, planner):
    content = b"ref;opd;kode_sub_kegiatan;nama;pagu\nS-1;Dinsos;1.06.04.2.01.0001;Rehabilitasi;1.000.000\n"
    assert run(content, year, planner)["baru"] == 1


@pytest.mark.parametrize(
    "line,column,fragment",
    [
        ("R-1,Dinsos,9.99.99.2.01.0001,Nama,,,,100,,,,", "kode_sub_kegiatan", "tidak ada dalam nomenklatur"),
        ("R-1,Dinkes,1.06.04.2.01.0001,Nama,,,,100,,,,", "opd", "OPD Dinkes tidak dikenal"),
        ("R-1,Dinsos,1.06.04.2.01.0001,Nama,,,,100,,lansia_baru,,", "sasaran", "lansia_baru tidak dikenal"),
        ("R-1,Dinsos,1.06.04.2.01.0001,Nama,,,,100,64.02.99,,,", "lokasi", "64.02.99 tidak dikenal"),
        ("R-1,Dinsos,1.06.04.2.01.0001,Nama,,,,-100,,,,", "pagu", "tidak boleh negatif"),
        ("R-1,Dinsos,1.06.04.2.01.0001,Nama,,,,seratus,,,,", "pagu", "bukan angka Rupiah"),
        ("R-1,Dinsos,1.06.04.2.01.0001,Nama,,,,,,,,", "pagu", "wajib diisi"),
        ("R-1,Dinsos,1.06.04.2.01.0001,Nama,,banyak,,100,,,,", "target", "bukan angka"),
        ("R-1,Dinsos,1.06.04.2.01.0001,Nama,,,,100,,,hibah_asing,", "sumber_dana", "tidak dikenal"),
        (",Dinsos,1.06.04.2.01.0001,Nama,,,,100,,,,", "ref", "wajib diisi"),
    ],
)
def test_bad_value_rejects_whole_file_naming_row_and_column(refs, year, planner, line, column, fragment):
    content = csv_bytes("OK-1,Dinsos,1.06.04.2.01.0001,Baris baik,,,,100,,,,", line)
    issues = rejected(content, year, planner)
    assert len(issues) == 1
    row, col, message = issues[0]
    assert (row, col) == (3, column) and fragment in message


def test_every_error_is_listed_not_just_the_first(refs, year, planner):
    content = csv_bytes(
        "R-1,Nope,1.06.04.2.01.0001,Nama,,,,100,,,,",
        "R-2,Dinsos,1.06.04.2.01.0001,Nama,,,,-1,,xx,,",
    )
    issues = rejected(content, year, planner)
    assert [(r, c) for r, c, _ in issues] == [(2, "opd"), (3, "pagu"), (3, "sasaran")]


def test_duplicate_ref_in_file_is_rejected(refs, year, planner):
    content = csv_bytes("D-1,Dinsos,1.06.04.2.01.0001,A,,,,100,,,,", "D-1,Dinsos,1.06.04.2.01.0001,B,,,,100,,,,")
    assert rejected(content, year, planner) == [(3, "ref", "ref D-1 ganda: sudah ada di baris 2")]


def test_missing_required_column_is_rejected(refs, year, planner):
    content = csv_bytes("R-1,Dinsos,Nama,100", header="ref,opd,nama,pagu")
    assert rejected(content, year, planner) == [
        (1, "kode_sub_kegiatan", "kolom wajib kode_sub_kegiatan tidak ada di baris judul")
    ]


def test_wrong_encoding_is_rejected(refs, year, planner):
    content = (HEADER + "\nR-1,Dinsos,1.06.04.2.01.0001,Penyandang cacat ç,,,,100,,,,\n").encode("latin-1")
    [(row, column, message)] = rejected(content, year, planner)
    assert row == 0 and "UTF-8" in message and "baris 2" in message


@pytest.mark.parametrize(
    "content", [b"%PDF-1.7 binary", b"\x89PNG\r\n\x1a\n\x00\x00", b"PK\x03\x04not really a zip", b""]
)
def test_not_a_spreadsheet_is_rejected(refs, year, planner, content):
    [(row, _column, message)] = rejected(content, year, planner)
    assert row == 0 and message


def test_locked_year_refuses_import(refs, year, planner):
    services.fiscal_year_set_lock(fiscal_year=year, locked=True, by=planner)
    year.refresh_from_db()
    with pytest.raises(Exception, match="dikunci"):
        run(GOOD, year, planner)
    assert not RenjaRow.objects.exists()


def test_officer_imports_only_own_agency_rows(refs, year, opd_a_editor):
    issues = rejected(GOOD, year, opd_a_editor)
    assert issues == [(4, "opd", "Anda hanya dapat mengimpor baris Dinsos, bukan DP3A")]
    only_own = b"\n".join(GOOD.splitlines()[:3]) + b"\n"
    assert run(only_own, year, opd_a_editor)["baru"] == 2


def test_command_imports_and_exits_non_zero_on_bad_file(refs, year, tmp_path, capsys):
    good = tmp_path / "renja.csv"
    good.write_bytes(GOOD)
    call_command("import_renja", str(good), "--year", "2026")
    assert "3 baru" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes("B-1,Dinsos,1.06.04.2.01.0001,Nama,,,,-5,,,,"))
    with pytest.raises(CommandError, match="tidak ada data yang ditulis"):
        call_command("import_renja", str(bad), "--year", "2026")
    assert "Baris 2, kolom pagu: tidak boleh negatif" in capsys.readouterr().err
    assert RenjaRow.objects.count() == 3


def test_command_refuses_unknown_year(refs, tmp_path):
    path = tmp_path / "renja.csv"
    path.write_bytes(GOOD)
    with pytest.raises(CommandError, match="2031 belum ada"):
        call_command("import_renja", str(path), "--year", "2031")


@pytest.mark.parametrize(
    "text,expected",
    [
        ("1.250.000.000", 1250000000),
        ("1250000000", 1250000000),
        ("Rp1.250.000", 1250000),
        ("0", 0),
        (150000000.0, 150000000),
        (7, 7),
    ],
)
def test_parse_rupiah_accepts_indonesian_forms(text, expected):
    assert services.parse_rupiah(text) == expected


NOT_RUPIAH = "bukan angka Rupiah"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1,5", NOT_RUPIAH),
        ("12.5", NOT_RUPIAH),
        ("-3", "tidak boleh negatif"),
        ("satu", NOT_RUPIAH),
        (1.5, "harus bilangan bulat Rupiah"),
        (True, "bukan angka"),
    ],
)
def test_parse_rupiah_refuses_non_whole_or_negative(text, message):
    with pytest.raises(ValueError, match=message):
        services.parse_rupiah(text)


def test_reimport_query_count_does_not_grow_with_changed_rows(refs, year, planner, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def file(n: int, pagu: int) -> bytes:
        return csv_bytes(*[f"Q-{i},Dinsos,1.06.04.2.01.0001,Baris {i},,,,{pagu},64.02.06,anak,," for i in range(n)])

    run(file(40, 100), year, planner)
    with CaptureQueriesContext(connection) as few:
        run(file(5, 200), year, planner)
    with django_assert_max_num_queries(len(few.captured_queries)):
        run(file(40, 300), year, planner)
    assert set(RenjaRow.objects.values_list("pagu", flat=True)) == {300}
