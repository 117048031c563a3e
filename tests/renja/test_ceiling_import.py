"""`manage.py import_pagu_opd FILE --year`: CSV or XLSX with columns opd, pagu_indikatif, all or nothing."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from core.tabular import Column, write_xlsx
from renja.models import AuditLog, PaguOpd
from renja.services.ceilings import pagu_opd_import_file, pagu_opd_set

from ..factories import make_opd

pytestmark = pytest.mark.django_db

GOOD = b"opd;pagu_indikatif\nDinsos;1.250.000.000\nDP3A;Rp900.000.000\n"


def test_command_imports_a_csv_and_records_the_system_source(year, opd_a, opd_b, tmp_path, capsys):
    path = tmp_path / "pagu.csv"
    path.write_bytes(GOOD)
    call_command("import_pagu_opd", str(path), "--year", "2026")
    assert "2 baru, 0 diperbarui, 0 tidak berubah" in capsys.readouterr().out
    assert dict(PaguOpd.objects.values_list("opd__singkatan", "pagu")) == {"Dinsos": 1_250_000_000, "DP3A": 900_000_000}
    entry = AuditLog.objects.filter(action="pagu_opd.set").first()
    assert entry.by is None and entry.source == "manage.py import_pagu_opd"


def test_command_imports_an_xlsx_with_numbers(year, opd_a, tmp_path, capsys):
    path = tmp_path / "pagu.xlsx"
    path.write_bytes(write_xlsx(["opd", Column("pagu_indikatif", "rupiah")], [["Dinsos", 750_000_000]]))
    call_command("import_pagu_opd", str(path), "--year", "2026")
    assert PaguOpd.objects.get().pagu == 750_000_000


def test_command_rejects_the_whole_file_and_lists_every_problem(year, opd_a, opd_b, tmp_path, capsys):
    pagu_opd_set(fiscal_year=year, opd=opd_a, pagu=1, by=None)
    path = tmp_path / "pagu.csv"
    path.write_bytes(b"opd,pagu_indikatif\nDinsos,5000\nDP3A,-1\nDinkes,10\nDinsos,7\n")
    with pytest.raises(CommandError, match="Impor ditolak: 3 galat; tidak ada data yang ditulis"):
        call_command("import_pagu_opd", str(path), "--year", "2026")
    err = capsys.readouterr().err
    assert "Baris 3, kolom pagu_indikatif: tidak boleh negatif" in err
    assert "Baris 4, kolom opd: OPD Dinkes tidak dikenal (pakai singkatan OPD)" in err
    assert "Baris 5, kolom opd: OPD Dinsos ganda: sudah ada di baris 2" in err
    assert list(PaguOpd.objects.values_list("pagu", flat=True)) == [1]  # the valid first row was not written either


def test_command_refuses_a_file_without_the_columns(year, tmp_path, capsys):
    path = tmp_path / "pagu.csv"
    path.write_bytes(b"opd,pagu\nDinsos,5000\n")
    with pytest.raises(CommandError, match="Impor ditolak: 1 galat"):
        call_command("import_pagu_opd", str(path), "--year", "2026")
    err = capsys.readouterr().err
    assert "Baris 1, kolom pagu_indikatif: kolom wajib pagu_indikatif tidak ada di baris judul" in err


def test_command_refuses_an_unknown_year_and_a_missing_file(tmp_path, db):
    path = tmp_path / "pagu.csv"
    path.write_bytes(GOOD)
    with pytest.raises(CommandError, match="2031 belum ada"):
        call_command("import_pagu_opd", str(path), "--year", "2031")
    with pytest.raises(CommandError, match="tidak ditemukan"):
        call_command("import_pagu_opd", str(tmp_path / "tidak-ada.csv"), "--year", "2031")


def test_command_refuses_a_file_over_the_size_limit(year, opd_a, tmp_path, settings):
    settings.RENJA_IMPORT_MAX_BYTES = 10
    path = tmp_path / "pagu.csv"
    path.write_bytes(GOOD)
    with pytest.raises(CommandError, match="melebihi batas"):
        call_command("import_pagu_opd", str(path), "--year", "2026")
    assert not PaguOpd.objects.exists()


def test_command_refuses_more_rows_than_the_limit(year, tmp_path, settings, capsys):
    settings.RENJA_IMPORT_MAX_ROWS = 2
    for i in range(3):
        make_opd(f"O{i}")
    path = tmp_path / "pagu.csv"
    path.write_bytes(b"opd,pagu_indikatif\nO0,1\nO1,1\nO2,1\n")
    with pytest.raises(CommandError, match="Impor ditolak: 1 galat"):
        call_command("import_pagu_opd", str(path), "--year", "2026")
    assert "lebih dari 2 baris data" in capsys.readouterr().err
    assert not PaguOpd.objects.exists()


def test_a_file_imported_twice_changes_nothing_the_second_time(year, opd_a, opd_b):
    assert pagu_opd_import_file(content=GOOD, filename="a.csv", fiscal_year=year, by=None)["baru"] == 2
    summary = pagu_opd_import_file(content=GOOD, filename="a.csv", fiscal_year=year, by=None)
    assert summary == {"baru": 0, "berubah": 0, "sama": 2}
    assert AuditLog.objects.filter(action="pagu_opd.set").count() == 2


def test_a_cell_the_database_would_refuse_is_reported(year, opd_a):
    from core.importing import ImportRejected

    with pytest.raises(ImportRejected) as exc:
        pagu_opd_import_file(content=b"opd,pagu_indikatif\nDin\x00sos,1\n", filename="a.csv", fiscal_year=year, by=None)
    assert exc.value.issues[0].row == 2 and exc.value.issues[0].column == "opd"
