"""Bounded input: no file, however built, holds an import's memory or time, and everything the database would
refuse is refused at preview with its row and column (point 2 of "No dead ends")."""

import pytest
from django.core.management import CommandError, call_command

from renja import services
from renja.models import ImportBatch, RenjaRow

from .. import hostile
from .test_import import HEADER, csv_bytes, refs  # noqa: F401  (refs: the reference data fixture)

COLUMNS = HEADER.split(",")
ROW = (
    "2026-DINSOS-{n:03},Dinsos,1.06.04.2.01.0001,Rehabilitasi disabilitas,Jumlah orang,"
    "{target},Orang,{pagu},,,,{keterangan}"
)
MB = 1024 * 1024


def line(n: int = 1, *, target: str = "120", pagu: str = "1250000000", keterangan: str = "") -> str:
    return ROW.format(n=n, target=target, pagu=pagu, keterangan=keterangan)


def preview(content: bytes, year, by, filename: str = "renja.csv") -> list[tuple[int, str, str]]:
    """Stage a file as the upload page does; the problems that reject it (nothing may be written)."""
    batch, plan, issues = services.renja_import_stage(content=content, filename=filename, fiscal_year=year, by=by)
    assert plan is None and batch.status == ImportBatch.Status.REJECTED, "the preview must refuse the file"
    assert not RenjaRow.objects.exists()
    return [(i.row, i.column, i.message) for i in issues]


def test_decompression_bomb_is_refused_before_its_parts_are_read(refs, year, planner):
    bomb = hostile.decompression_bomb()
    assert len(bomb) < 2 * MB
    peak, result = hostile.peak_memory(
        lambda: services.build_plan(content=bomb, filename="bom.xlsx", fiscal_year=year, by=planner)
    )
    assert isinstance(result, services.ImportRejected)
    [issue] = result.issues
    assert issue.row == 0 and "terlalu besar setelah diekstrak" in issue.message and "batas 50 MB" in issue.message
    assert peak < 20 * MB, f"peak {peak / MB:.0f} MB"


def test_decompression_bomb_is_refused_by_the_command(refs, year, tmp_path, capsys):
    path = tmp_path / "bom.xlsx"
    path.write_bytes(hostile.decompression_bomb())
    with pytest.raises(CommandError, match="1 galat; tidak ada data yang ditulis"):
        call_command("import_renja", str(path), "--year", "2026")
    assert "terlalu besar setelah diekstrak" in capsys.readouterr().err


def test_a_part_whose_header_lies_about_its_size_is_refused_with_little_memory(refs, year, planner):
    liar = hostile.lying_header_bomb(COLUMNS)
    peak, result = hostile.peak_memory(
        lambda: services.build_plan(content=liar, filename="liar.xlsx", fiscal_year=year, by=planner)
    )
    assert isinstance(result, services.ImportRejected) and "rusak" in result.issues[0].message
    assert peak < 20 * MB, f"peak {peak / MB:.0f} MB"


def test_absurd_compression_ratio_is_refused(refs, year, planner, settings):
    settings.IMPORT_MAX_UNPACKED_BYTES = 10**12  # only the ratio is left to catch it
    bomb = hostile.xlsx([hostile.header_row(COLUMNS), b"<row><c><v>1</v></c></row>" * 200_000, hostile.SHEET_CLOSE])
    [(row, column, message)] = preview(bomb, year, planner, "padat.xlsx")
    assert row == 0 and "memadat" in message and "batas 100 kali" in message


def test_million_row_sheet_stops_at_the_row_limit_with_little_memory(refs, year, planner):
    """The sheet declares no dimension: openpyxl's own loader would parse all its rows first (77 MB, and seconds)."""
    sheet = hostile.many_rows(COLUMNS, 1_000_000)
    assert len(sheet) < 4 * MB
    peak, result = hostile.peak_memory(
        lambda: services.build_plan(content=sheet, filename="juta.xlsx", fiscal_year=year, by=planner)
    )
    assert isinstance(result, services.ImportRejected)
    [issue] = result.issues
    assert issue.row == 20_002 and "lebih dari 20.000 baris data" in issue.message
    assert peak < 50 * MB, f"peak {peak / MB:.0f} MB"


def test_million_row_sheet_is_refused_by_the_command(refs, year, tmp_path, capsys):
    path = tmp_path / "juta.xlsx"
    path.write_bytes(hostile.many_rows(COLUMNS, 1_000_000))
    with pytest.raises(CommandError, match="1 galat"):
        call_command("import_renja", str(path), "--year", "2026")
    assert "Baris 20002" in capsys.readouterr().err


def test_csv_stops_at_the_row_limit(refs, year, planner, settings):
    settings.RENJA_IMPORT_MAX_ROWS = 5
    content = csv_bytes(*[line(n) for n in range(1, 8)])
    assert preview(content, year, planner) == [
        (7, "", "Berkas berisi lebih dari 5 baris data; batasnya 5 baris per berkas. Bagi menjadi beberapa berkas.")
    ]


def test_blank_rows_count_towards_the_limit(refs, year, planner, settings):
    settings.RENJA_IMPORT_MAX_ROWS = 5
    content = csv_bytes(line(1), *[",,,,,,,,,,,"] * 20)
    [(row, _column, message)] = preview(content, year, planner)
    assert "lebih dari 5 baris" in message


def test_command_refuses_a_file_over_the_size_limit_before_reading_it(refs, year, tmp_path, settings):
    settings.RENJA_IMPORT_MAX_BYTES = 100
    path = tmp_path / "besar.csv"
    path.write_bytes(csv_bytes(line(1), line(2)))
    with pytest.raises(CommandError, match="melebihi batas 100 byte"):
        call_command("import_renja", str(path), "--year", "2026")


def test_nul_after_the_first_4_kb_is_refused_at_preview_with_row_and_column(refs, year, planner):
    filler = [line(n, keterangan="x" * 100) for n in range(1, 60)]
    content = csv_bytes(*filler, line(60, keterangan="catatan\x00tersembunyi"))
    assert content.index(b"\x00") > 4096
    [(row, column, message)] = preview(content, year, planner)
    assert (row, column) == (61, "keterangan") and "U+0000" in message and "karakter kendali" in message


@pytest.mark.parametrize("char", ["\x01", "\x08", "\x0b", "\x1b", "\x1f"])
def test_other_control_characters_are_refused(refs, year, planner, char):
    [(row, column, message)] = preview(csv_bytes(line(1, keterangan=f"a{char}b")), year, planner)
    assert (row, column) == (2, "keterangan") and "karakter kendali" in message


def test_tabs_and_line_breaks_in_text_are_kept(refs, year, planner):
    services.renja_import_file(
        content=csv_bytes(line(1, keterangan='"a\tb\r\nc"')), filename="r.csv", fiscal_year=year, by=planner
    )
    assert RenjaRow.objects.get().keterangan == "a\tb\r\nc"


def test_pagu_beyond_bigint_is_refused_at_preview(refs, year, planner):
    issues = preview(csv_bytes(line(1, pagu=str(2**63)), line(2, pagu="9" * 5000)), year, planner)
    assert [(r, c) for r, c, _m in issues] == [(2, "pagu"), (3, "pagu")]
    assert all("terlalu besar" in m and "9.223.372.036.854.775.807" in m for _r, _c, m in issues)


def test_largest_bigint_pagu_is_accepted(refs, year, planner):
    services.renja_import_file(
        content=csv_bytes(line(1, pagu=str(2**63 - 1))), filename="r.csv", fiscal_year=year, by=planner
    )
    assert RenjaRow.objects.get().pagu == 2**63 - 1


@pytest.mark.parametrize(
    "target,expected",
    [
        ("100000000000000000000", "terlalu besar: paling banyak 16 angka sebelum koma"),  # 10^20
        ("1e20", "terlalu besar"),
        ("10000000000000000", "terlalu besar"),  # 10^16: one digit too many for DecimalField(18, 2)
        ('"95,555"', "paling banyak 2 angka di belakang koma"),
        ("NaN", "harus angka tidak negatif"),
        ("Infinity", "harus angka tidak negatif"),
        ("-Infinity", "harus angka tidak negatif"),
    ],
)
def test_target_beyond_the_column_is_refused_at_preview(refs, year, planner, target, expected):
    [(row, column, message)] = preview(csv_bytes(line(1, target=target)), year, planner)
    assert (row, column) == (2, "target") and expected in message


def test_largest_target_the_column_takes_passes_preview(refs, year, planner):
    plan = services.build_plan(
        content=csv_bytes(line(1, target='"9.999.999.999.999.999,99"')), filename="r.csv", fiscal_year=year, by=planner
    )
    assert str(plan.rows[0].data["target"]) == "9999999999999999.99"


def test_infinity_and_huge_numbers_in_xlsx_cells_are_refused(refs, year, planner):
    def data(n: int, target: bytes, pagu: bytes) -> bytes:
        return hostile.row(f"2026-DINSOS-{n:03}", "Dinsos", "1.06.04.2.01.0001", "Nama", None, target, None, pagu)

    # A number cell of 1e999 reads as infinity.
    sheet = [
        hostile.header_row(COLUMNS),
        data(1, b"1e999", b"1000"),
        data(2, b"-1e999", b"1000"),
        data(3, b"1", b"1e999"),
        data(4, b"1e300", b"1e300"),
        hostile.SHEET_CLOSE,
    ]
    issues = preview(hostile.xlsx(sheet), year, planner, "inf.xlsx")
    assert [(r, c) for r, c, _m in issues] == [(2, "target"), (3, "target"), (4, "pagu"), (5, "pagu"), (5, "target")]
    assert all("NaN atau tak hingga" in m for _r, _c, m in issues[:3]) and all(
        "terlalu besar" in m for _r, _c, m in issues[3:]
    )


def test_nan_in_an_xlsx_number_cell_is_refused(refs, year, planner):
    sheet = [
        hostile.header_row(COLUMNS),
        hostile.row("2026-DINSOS-001", "Dinsos", "1.06.04.2.01.0001", "Nama", None, b"NaN", None, b"1"),
        hostile.SHEET_CLOSE,
    ]
    [(row, _column, message)] = preview(hostile.xlsx(sheet), year, planner, "nan.xlsx")
    assert row == 0 and "rusak" in message


def test_text_longer_than_the_column_is_refused(refs, year, planner, monkeypatch):
    monkeypatch.setattr(RenjaRow._meta.get_field("satuan"), "max_length", 4)  # the bound is read from the model
    issues = preview(csv_bytes(line(1).replace("2026-DINSOS-001", "R" * 61), line(2)), year, planner)
    assert issues == [
        (2, "ref", "paling banyak 60 karakter"),
        (2, "satuan", "paling banyak 4 karakter"),
        (3, "satuan", "paling banyak 4 karakter"),
    ]


def test_cell_over_the_spreadsheet_limit_is_refused(refs, year, planner):
    [(row, column, message)] = preview(csv_bytes(line(1, keterangan="x" * 40_000)), year, planner)
    assert (row, column) == (2, "keterangan") and "paling banyak 32.767 karakter" in message


def test_cell_over_the_csv_field_limit_names_row_and_column(refs, year, planner):
    content = csv_bytes(line(1), line(2, keterangan='"' + "x" * 200_000 + '"'))
    [(row, column, message)] = preview(content, year, planner)
    assert (row, column) == (3, "keterangan") and "lebih dari 131.072 karakter" in message


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_file_is_told_to_save_as_csv_utf8(refs, year, planner, encoding):
    content = "\n".join([HEADER, line(1)]).encode(encoding)
    [(row, _column, message)] = preview(content, year, planner)
    assert row == 0 and 'simpan sebagai "CSV UTF-8"' in message


def test_at_most_200_problems_are_listed_with_a_count_of_the_rest(refs, year, planner):
    content = csv_bytes(*[line(n, pagu="-5") for n in range(1, 351)])
    with pytest.raises(services.ImportRejected) as exc:
        services.build_plan(content=content, filename="r.csv", fiscal_year=year, by=planner)
    issues = exc.value.issues
    assert exc.value.total == 350 and len(issues) == 201
    assert [i.row for i in issues[:200]] == list(range(2, 202))
    assert issues[-1].row == 0 and issues[-1].message == "… dan 150 masalah lain."
    batch, _plan, _issues = services.renja_import_stage(content=content, filename="r.csv", fiscal_year=year, by=planner)
    assert batch.summary["jumlah_galat"] == 350 and len(batch.summary["galat"]) == 201


def test_command_lists_200_problems_and_counts_them_all(refs, year, tmp_path, capsys):
    path = tmp_path / "salah.csv"
    path.write_bytes(csv_bytes(*[line(n, pagu="-5") for n in range(1, 351)]))
    with pytest.raises(CommandError, match="350 galat"):
        call_command("import_renja", str(path), "--year", "2026")
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 201 and err[-1] == "… dan 150 masalah lain."


def test_upload_page_shows_the_total_of_problems(client, refs, year, planner):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    client.force_login(planner)
    upload = SimpleUploadedFile(
        "salah.csv", csv_bytes(*[line(n, pagu="-5") for n in range(1, 351)]), content_type="text/csv"
    )
    response = client.post(reverse("renja:import-upload"), {"tahun": year.year, "berkas": upload})
    html = response.content.decode()
    assert response.status_code == 422 and "Berkas ditolak: 350 galat" in html and "… dan 150 masalah lain." in html


def test_one_row_of_a_million_cells_is_refused_with_little_memory(refs, year, planner, settings):
    settings.IMPORT_MAX_COMPRESSION_RATIO = 10**6  # only the row's width is left to catch it
    sheet = hostile.xlsx([b"<row>" + b"<c/>" * 1_000_000 + b"</row>", hostile.SHEET_CLOSE])
    peak, result = hostile.peak_memory(
        lambda: services.build_plan(content=sheet, filename="lebar.xlsx", fiscal_year=year, by=planner)
    )
    assert isinstance(result, services.ImportRejected) and "lebih dari 70.000 unsur" in result.issues[0].message
    assert peak < 20 * MB, f"peak {peak / MB:.0f} MB"


def test_too_many_shared_strings_are_refused(refs, year, planner, monkeypatch):
    monkeypatch.setattr("core.tabular.reading.MAX_SHARED_STRINGS", 1_000)
    strings = [b"".join(b"<si><t>teks %d</t></si>" % i for i in range(1_001)), b"</sst>"]
    content = hostile.xlsx([hostile.header_row(COLUMNS), hostile.SHEET_CLOSE], strings)
    [(row, _column, message)] = preview(content, year, planner, "teks.xlsx")
    assert row == 0 and "lebih dari 1.000 teks berbeda" in message


def test_shared_strings_and_rich_text_are_read(refs, year, planner):
    strings = [
        b"<si><t>2026-DINSOS-001</t></si><si><r><t>Rehabilitasi </t></r><r><rPr><b/></rPr><t>disabilitas</t></r></si>"
        b"<si><t>Dinsos</t></si><si><t>1.06.04.2.01.0001</t></si>",
        b"</sst>",
    ]
    data = (
        b'<row><c t="s"><v>0</v></c><c t="s"><v>2</v></c><c t="s"><v>3</v></c><c t="s"><v>1</v></c>'
        + b"<c/>" * 3
        + b"<c><v>5000</v></c></row>"
    )
    content = hostile.xlsx([hostile.header_row(COLUMNS), data, hostile.SHEET_CLOSE], strings)
    services.renja_import_file(content=content, filename="teks.xlsx", fiscal_year=year, by=planner)
    row = RenjaRow.objects.get()
    assert (row.ref, row.rincian, row.pagu) == ("2026-DINSOS-001", "Rehabilitasi disabilitas", 5000)


def test_csv_line_of_millions_of_fields_is_refused_with_little_memory(refs, year, planner):
    content = csv_bytes(line(1), "ab," * 3_000_000)
    peak, result = hostile.peak_memory(
        lambda: services.build_plan(content=content, filename="r.csv", fiscal_year=year, by=planner)
    )
    assert isinstance(result, services.ImportRejected)
    assert [(i.row, i.message) for i in result.issues] == [(3, "baris lebih dari 4.194.304 karakter")]
    assert peak < 60 * MB, f"peak {peak / MB:.0f} MB"  # the file itself is 9 MB, and its text while decoded
