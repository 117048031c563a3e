"""Bounded input for the usulan import: hostile files are refused quickly and with little memory, and everything
the database would refuse is refused at preview with its row and column (point 2 of "No dead ends")."""

import pytest
from django.core.management import CommandError, call_command

from musrenbang import imports
from musrenbang.models import Usulan

from .. import hostile
from .test_import import HEADER, SIPD_HEADER, csv_bytes, refs  # noqa: F401  (refs: the reference data fixture)

COLUMNS = HEADER.split(",")
MB = 1024 * 1024


def line(
    n: int = 1,
    *,
    usulan: str = "Permakanan lansia",
    volume: str = "40",
    anggaran: str = "120000000",
    prioritas: str = "1",
) -> str:
    return (
        f"MD-{n:03},musrenbang_desa,Pemdes Bukit Biru,64.02.06.2001,,{usulan},,"
        f"1.06,{volume},Orang,{anggaran},{prioritas},lansia,,,,"
    )


def preview(content: bytes, year, by, filename: str = "usulan.csv") -> list[tuple[int, str, str]]:
    """Check a file as the upload page does before its preview; the problems that reject it."""
    with pytest.raises(imports.ImportRejected) as exc:
        imports.build_usulan_plan(content=content, filename=filename, fiscal_year=year, by=by)
    assert not Usulan.objects.exists()
    return [(i.row, i.column, i.message) for i in exc.value.issues]


def test_decompression_bomb_is_refused_before_its_parts_are_read(refs, year, planner):
    bomb = hostile.decompression_bomb()
    peak, result = hostile.peak_memory(
        lambda: imports.build_usulan_plan(content=bomb, filename="bom.xlsx", fiscal_year=year, by=planner)
    )
    assert isinstance(result, imports.ImportRejected)
    [issue] = result.issues
    assert issue.row == 0 and "terlalu besar setelah diekstrak" in issue.message
    assert peak < 20 * MB, f"peak {peak / MB:.0f} MB"


def test_decompression_bomb_is_refused_by_the_command(refs, tmp_path, capsys):
    path = tmp_path / "bom.xlsx"
    path.write_bytes(hostile.decompression_bomb())
    with pytest.raises(CommandError, match="1 galat; tidak ada data yang ditulis"):
        call_command("import_usulan", str(path), "--year", "2026")
    assert "terlalu besar setelah diekstrak" in capsys.readouterr().err


def test_million_row_sheet_stops_at_the_row_limit_with_little_memory(refs, year, planner):
    sheet = hostile.many_rows(COLUMNS, 1_000_000)
    peak, result = hostile.peak_memory(
        lambda: imports.build_usulan_plan(content=sheet, filename="juta.xlsx", fiscal_year=year, by=planner)
    )
    assert isinstance(result, imports.ImportRejected)
    [issue] = result.issues
    assert issue.row == 50_002 and "lebih dari 50.000 baris data" in issue.message
    assert peak < 50 * MB, f"peak {peak / MB:.0f} MB"


def test_million_row_sheet_is_refused_by_the_command(refs, tmp_path, capsys):
    path = tmp_path / "juta.xlsx"
    path.write_bytes(hostile.many_rows(COLUMNS, 1_000_000))
    with pytest.raises(CommandError, match="1 galat"):
        call_command("import_usulan", str(path), "--year", "2026")
    assert "Baris 50002" in capsys.readouterr().err and not Usulan.objects.exists()


def test_csv_stops_at_the_row_limit(refs, year, planner, settings):
    settings.USULAN_IMPORT_MAX_ROWS = 3
    [(row, _column, message)] = preview(csv_bytes(*[line(n) for n in range(1, 6)]), year, planner)
    assert row == 5 and "lebih dari 3 baris data" in message


def test_nul_after_the_first_4_kb_is_refused_at_preview_with_row_and_column(refs, year, planner):
    filler = [line(n, usulan="Permakanan lansia " + "x" * 100) for n in range(1, 50)]
    content = csv_bytes(*filler, line(50, usulan="Permakanan\x00lansia"))
    assert content.index(b"\x00") > 4096
    [(row, column, message)] = preview(content, year, planner)
    assert (row, column) == (51, "usulan") and "U+0000" in message


def test_control_character_in_a_sipd_file_names_the_column_as_sipd_does(refs, year, planner):
    values = {
        "ID Usulan": "SIPD-1",
        "Usulan": "Jalan usaha tani",
        "Kecamatan": "Tenggarong",
        "Kelurahan / Desa": "Bukit\x07Biru",
    }
    content = csv_bytes(",".join(values.get(c, "") for c in SIPD_HEADER), header=",".join(SIPD_HEADER))
    [(row, column, message)] = preview(content, year, planner, "sipd.csv")
    assert (row, column) == (2, "Kelurahan/Desa") and "U+0007" in message


@pytest.mark.parametrize("anggaran", [str(2**63), "9" * 5000])
def test_anggaran_beyond_bigint_is_refused_at_preview(refs, year, planner, anggaran):
    [(row, column, message)] = preview(csv_bytes(line(1, anggaran=anggaran)), year, planner)
    assert (row, column) == (2, "anggaran") and "terlalu besar" in message


@pytest.mark.parametrize(
    "volume,expected",
    [
        ("100000000000000000000", "terlalu besar"),  # 10^20
        ("9" * 40, "terlalu besar"),  # once an InvalidOperation (500) while rounding
        ("1000000000000", "terlalu besar"),  # 10^12: one digit too many for DecimalField(14, 2)
        ('"2,555"', "paling banyak 2 angka di belakang koma"),
        ("NaN", "bukan angka"),
    ],
)
def test_volume_beyond_the_column_is_refused_at_preview(refs, year, planner, volume, expected):
    [(row, column, message)] = preview(csv_bytes(line(1, volume=volume)), year, planner)
    assert (row, column) == (2, "volume") and expected in message


def test_huge_and_infinite_numbers_in_xlsx_cells_are_refused(refs, year, planner):
    def data(n: int, volume: bytes, anggaran: bytes) -> bytes:
        return hostile.row(
            f"MD-{n:03}", None, None, "64.02.06.2001", None, "Usulan", None, None, volume, None, anggaran
        )

    sheet = [
        hostile.header_row(COLUMNS),
        data(1, b"1e300", b"1"),
        data(2, b"1e999", b"1"),
        data(3, b"1", b"1e300"),
        hostile.SHEET_CLOSE,
    ]
    issues = preview(hostile.xlsx(sheet), year, planner, "angka.xlsx")
    assert [(r, c) for r, c, _m in issues] == [(2, "volume"), (3, "volume"), (4, "anggaran")]
    assert "terlalu besar" in issues[0][2] and "tak hingga" in issues[1][2] and "terlalu besar" in issues[2][2]


@pytest.mark.parametrize("prioritas", ["9" * 5000, "²", "40000"])
def test_prioritas_beyond_the_column_is_refused_in_indonesian(refs, year, planner, prioritas):
    [(row, column, message)] = preview(csv_bytes(line(1, prioritas=prioritas)), year, planner)
    assert (row, column) == (2, "prioritas") and "bukan nomor urut (1 sampai 32767)" in message


def test_text_longer_than_the_column_is_refused(refs, year, planner):
    issues = preview(
        csv_bytes(line(1).replace("MD-001", "M" * 41), line(2).replace("Pemdes Bukit Biru", "P" * 201)), year, planner
    )
    assert issues == [(2, "id_usulan", "paling banyak 40 karakter"), (3, "pengusul", "paling banyak 200 karakter")]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le"])
def test_utf16_file_is_told_to_save_as_csv_utf8(refs, year, planner, encoding):
    [(row, _column, message)] = preview("\n".join([HEADER, line(1)]).encode(encoding), year, planner)
    assert row == 0 and 'simpan sebagai "CSV UTF-8"' in message


def test_at_most_200_problems_are_listed_with_a_count_of_the_rest(refs, year, planner):
    content = csv_bytes(*[line(n, anggaran="-5") for n in range(1, 1001)])
    with pytest.raises(imports.ImportRejected) as exc:
        imports.build_usulan_plan(content=content, filename="u.csv", fiscal_year=year, by=planner)
    issues = exc.value.issues
    assert exc.value.total == 1000 and len(issues) == 201
    assert [i.row for i in issues[:200]] == list(range(2, 202))
    assert issues[-1].message == "… dan 800 masalah lain."


def test_command_lists_200_problems_and_counts_them_all(refs, tmp_path, capsys):
    path = tmp_path / "salah.csv"
    path.write_bytes(csv_bytes(*[line(n, anggaran="-5") for n in range(1, 1001)]))
    with pytest.raises(CommandError, match="1000 galat"):
        call_command("import_usulan", str(path), "--year", "2026")
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 201 and err[-1] == "… dan 800 masalah lain."


def test_upload_page_shows_the_total_of_problems(client, refs, year, planner):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    client.force_login(planner)
    upload = SimpleUploadedFile(
        "salah.csv", csv_bytes(*[line(n, anggaran="-5") for n in range(1, 1001)]), content_type="text/csv"
    )
    response = client.post(reverse("musrenbang:usulan-import"), {"tahun": year.year, "berkas": upload})
    html = response.content.decode()
    assert response.status_code == 422 and "ditolak: 1000 galat" in html and "… dan 800 masalah lain." in html
