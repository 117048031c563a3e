"""Program and kegiatan indicators: written by the agency's officer or a planner for the programs and kegiatan the
agency uses, refused otherwise, audited, imported all or nothing."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.importing import ImportRejected
from renja.models import AuditLog, ProgramIndicator
from renja.selectors import program_indicator_tree, program_indicators_by_code
from renja.services.indicators import (
    program_indicator_create,
    program_indicator_delete,
    program_indicator_import,
    program_indicator_import_file,
    program_indicator_update,
)
from renja.services.years import fiscal_year_set_lock

from ..factories import make_nomenklatur, make_opd, make_row

pytestmark = pytest.mark.django_db

DATA = {"indikator": "Persentase PPKS yang tertangani", "target": "95,5", "satuan": "%", "target_n1": "96"}


@pytest.fixture
def rows(year, opd_a, opd_b):
    """Dinsos uses 1.06.04.2.01 (rehabilitasi) and the support program 1.06.01.2.02; DP3A uses 2.08.02.2.01."""
    make_row(opd=opd_a, fiscal_year=year)  # 1.06.04.2.01.0001
    support = make_nomenklatur("X.XX.01.2.02.0001", "Penyusunan Dokumen Perencanaan")
    make_row(opd=opd_a, fiscal_year=year, sub_kegiatan=support, kode="1.06.01.2.02.0001")
    make_row(opd=opd_b, fiscal_year=year, sub_kegiatan=make_nomenklatur("2.08.02.2.01.0001", "Layanan"))


def create(year, opd, kode, by, **data):
    return program_indicator_create(fiscal_year=year, opd=opd, kode=kode, data={**DATA, **data}, by=by)


def test_the_officer_adds_an_outcome_to_a_program_and_an_output_to_a_kegiatan(rows, year, opd_a, opd_a_editor):
    outcome = create(year, opd_a, "1.06.04", opd_a_editor)
    output = create(year, opd_a, " 1.06.04.2.01 ", opd_a_editor, indikator="Jumlah PPKS direhabilitasi")
    assert (outcome.kode, outcome.nomenklatur.kode, outcome.is_outcome) == ("1.06.04", "1.06.04", True)
    assert (output.kode, output.is_outcome, output.target, output.target_n1) == (
        "1.06.04.2.01",
        False,
        Decimal("95.5"),
        Decimal("96"),
    )
    entry = AuditLog.objects.filter(action="program_indicator.created").first()
    assert entry.by == opd_a_editor and entry.changes["target"] == ["", "95,5"]


def test_the_support_program_is_written_with_the_agencys_bidang_urusan(rows, year, opd_a, planner):
    indicator = create(year, opd_a, "1.06.01", planner)
    assert (indicator.kode, indicator.nomenklatur.kode) == ("1.06.01", "X.XX.01")
    assert create(year, opd_a, "X.XX.01.2.02", planner, indikator="Dokumen").kode == "1.06.01.2.02"


def test_a_program_of_the_agencys_bidang_urusan_is_taken_even_without_rows(rows, year, opd_a, planner):
    make_nomenklatur("1.06.06.2.01.0001", "Penanganan Bencana")
    assert create(year, opd_a, "1.06.06", planner).nomenklatur.kode == "1.06.06"


@pytest.mark.parametrize(
    "kode,reason",
    [
        ("2.08.02", "tidak dipakai baris Renja Dinsos tahun ini dan bukan bidang urusannya"),
        ("1.06.04.2.01.0001", "bukan kode program"),
        ("1.06.99", "tidak ada dalam nomenklatur"),
        ("1.06.04.2", "bukan kode program"),
        ("", "wajib diisi"),
    ],
)
def test_a_code_the_agency_does_not_use_is_refused(rows, year, opd_a, planner, kode, reason):
    with pytest.raises(ValidationError) as exc:
        create(year, opd_a, kode, planner)
    assert reason in " ".join(exc.value.message_dict["kode"])
    assert not ProgramIndicator.objects.exists()


@pytest.mark.parametrize(
    "field,value,reason",
    [
        ("indikator", "  ", "Wajib diisi."),
        ("indikator", "x" * 1001, "Paling banyak 1000 karakter."),
        ("target", "-1", "Harus angka tidak negatif."),
        ("target", "1" * 17, "Terlalu besar: paling banyak 16 angka sebelum koma."),
        ("target_n1", "banyak", "'banyak' bukan angka."),
        ("satuan", "s" * 101, "Paling banyak 100 karakter."),
    ],
)
def test_a_wrong_value_is_refused_with_its_field(rows, year, opd_a, planner, field, value, reason):
    with pytest.raises(ValidationError) as exc:
        create(year, opd_a, "1.06.04", planner, **{field: value})
    assert exc.value.message_dict[field] == [reason]
    assert not ProgramIndicator.objects.exists()


def test_another_agencys_officer_and_a_reader_may_not_write(rows, year, opd_a, opd_b_editor, opd_a_viewer, planner):
    for who in (opd_b_editor, opd_a_viewer):
        with pytest.raises(ValidationError) as exc:
            create(year, opd_a, "1.06.04", who)
        assert exc.value.code == "forbidden"
    indicator = create(year, opd_a, "1.06.04", planner)
    with pytest.raises(ValidationError, match="Anda tidak dapat mengubah indikator program/kegiatan Dinsos"):
        program_indicator_update(indicator=indicator, data={**DATA, "target": "1"}, version=1, by=opd_b_editor)
    with pytest.raises(ValidationError, match="Anda tidak dapat mengubah indikator program/kegiatan Dinsos"):
        program_indicator_delete(indicator=indicator, version=1, by=opd_b_editor)
    assert ProgramIndicator.objects.get().target == Decimal("95.5")


def test_a_locked_year_refuses_every_write(rows, year, opd_a, planner):
    indicator = create(year, opd_a, "1.06.04", planner)
    fiscal_year_set_lock(fiscal_year=year, locked=True, reason="ditetapkan", by=planner)
    year.refresh_from_db()
    for attempt in (
        lambda: create(year, opd_a, "1.06.04.2.01", planner),
        lambda: program_indicator_update(indicator=indicator, data={**DATA, "target": "1"}, version=1, by=planner),
        lambda: program_indicator_delete(indicator=indicator, version=1, by=planner),
    ):
        with pytest.raises(ValidationError) as exc:
            attempt()
        assert exc.value.code == "locked"
    assert ProgramIndicator.objects.count() == 1


def test_update_records_the_changes_and_refuses_a_stale_version(rows, year, opd_a, opd_a_editor):
    indicator = create(year, opd_a, "1.06.04", opd_a_editor)
    indicator, changes = program_indicator_update(
        indicator=indicator, data={**DATA, "target": "97"}, version=1, by=opd_a_editor
    )
    assert changes == {"target": ["95,5", "97"]} and indicator.version == 2
    assert AuditLog.objects.get(action="program_indicator.changed").changes == changes
    assert program_indicator_update(indicator=indicator, data={**DATA, "target": "97"}, version=2, by=None)[1] == {}
    with pytest.raises(ValidationError) as exc:
        program_indicator_update(indicator=indicator, data={**DATA, "target": "1"}, version=1, by=opd_a_editor)
    assert exc.value.code == "conflict"


def test_delete_keeps_what_the_indicator_said_in_the_audit(rows, year, opd_a, opd_a_editor):
    indicator = create(year, opd_a, "1.06.04", opd_a_editor)
    with pytest.raises(ValidationError, match="Indikator ini sudah diubah orang lain"):
        program_indicator_delete(indicator=indicator, version=7, by=opd_a_editor)
    program_indicator_delete(indicator=indicator, version=1, by=opd_a_editor)
    assert not ProgramIndicator.objects.exists()
    entry = AuditLog.objects.get(action="program_indicator.deleted")
    assert entry.changes["indikator"] == [DATA["indikator"], ""] and entry.data["kode"] == "1.06.04"


def test_the_tree_lists_programs_and_kegiatan_in_code_order_with_their_indicators(rows, year, opd_a, planner):
    make_nomenklatur("1.06.06.2.01.0001", "Penanganan Bencana")
    create(year, opd_a, "1.06.04.2.01", planner)
    create(year, opd_a, "1.06.06", planner)  # no row uses it: shown by its indicator
    tree = program_indicator_tree(year, opd_a)
    assert [(e.kode, e.is_program, len(e.indicators)) for e in tree] == [
        ("1.06.01", True, 0),
        ("1.06.01.2.02", False, 0),
        ("1.06.04", True, 0),
        ("1.06.04.2.01", False, 1),
        ("1.06.06", True, 1),
    ]


def test_the_tree_costs_two_queries_however_many_rows_and_indicators(rows, year, opd_a, planner):
    with CaptureQueriesContext(connection) as few:
        program_indicator_tree(year, opd_a)
    for i in range(2, 6):
        make_row(opd=opd_a, fiscal_year=year, sub_kegiatan=make_nomenklatur(f"1.06.0{i}.2.01.0001", "Lain"))
        create(year, opd_a, f"1.06.0{i}", planner)
        create(year, opd_a, f"1.06.0{i}.2.01", planner)
    with CaptureQueriesContext(connection) as many:
        tree = program_indicator_tree(year, opd_a)
    assert len(few) == len(many) == 2 and sum(len(e.indicators) for e in tree) == 8


def test_indicators_by_code_for_the_document(rows, year, opd_a, opd_b, planner):
    create(year, opd_a, "1.06.04", planner)
    create(year, opd_b, "2.08.02", planner)
    found = program_indicators_by_code(year, [opd_a.pk])
    assert list(found) == [(opd_a.pk, "1.06.04")] and found[(opd_a.pk, "1.06.04")][0].is_outcome


def records(*lines):
    return [
        {"line": i + 2, **dict(zip(["opd", "kode", "indikator", "target", "satuan", "target_n1"], r))}
        for i, r in enumerate(lines)
    ]


def test_import_replaces_each_codes_indicators_and_counts(rows, year, opd_a, opd_b, planner):
    create(year, opd_a, "1.06.04", planner, indikator="Lama")
    create(year, opd_a, "1.06.04", planner, indikator="Tetap", target="5")
    create(year, opd_a, "1.06.04.2.01", planner, indikator="Tidak disebut berkas")
    summary = program_indicator_import(
        fiscal_year=year,
        rows=records(
            ("Dinsos", "1.06.04", "tetap", "5", "%", ""),
            ("Dinsos", "1.06.04", "Baru", "1.000,0", "orang", "2"),
            ("DP3A", "2.08.02.2.01", "Output", 3, "", None),
        ),
        by=planner,
        source="indikator.csv",
    )
    assert summary == {"baru": 2, "berubah": 1, "sama": 0, "dihapus": 1}  # "Tetap" takes the file's wording and unit
    assert sorted(ProgramIndicator.objects.values_list("kode", "indikator")) == [
        ("1.06.04", "Baru"),
        ("1.06.04", "tetap"),
        ("1.06.04.2.01", "Tidak disebut berkas"),  # its code is not in the file: untouched
        ("2.08.02.2.01", "Output"),
    ]
    assert ProgramIndicator.objects.get(indikator="Baru").target == Decimal("1000")
    again = program_indicator_import(
        fiscal_year=year,
        rows=records(
            ("Dinsos", "1.06.04", "tetap", "5", "%", ""),
            ("Dinsos", "1.06.04", "Baru", "1000", "orang", "2"),
            ("DP3A", "2.08.02.2.01", "Output", 3, "", None),
        ),
        by=planner,
    )
    assert again == {"baru": 0, "berubah": 0, "sama": 3, "dihapus": 0}


def test_import_lists_every_problem_and_writes_nothing(rows, year, opd_a, opd_a_editor):
    with pytest.raises(ImportRejected) as exc:
        program_indicator_import(
            fiscal_year=year,
            rows=records(
                ("Dinsos", "1.06.04", "A", "1", "%", ""),
                ("DP3A", "2.08.02", "B", "1", "%", ""),
                ("Entah", "1.06.04", "C", "1", "%", ""),
                ("Dinsos", "9.99", "D", "-1", "%", ""),
                ("Dinsos", "1.06.04", "a", "1", "%", ""),
                ("Dinsos", "1.06.04", "", "", "", "x"),
            ),
            by=opd_a_editor,
        )
    text = [str(i) for i in exc.value.issues]
    assert text == [
        "Baris 3, kolom opd: Anda tidak dapat mengubah indikator DP3A",
        "Baris 4, kolom opd: OPD Entah tidak dikenal (pakai singkatan OPD)",
        "Baris 5, kolom kode: Kode 9.99 bukan kode program (mis. 1.06.04) atau kegiatan (mis. 1.06.04.2.01)",
        "Baris 5, kolom target: harus angka tidak negatif",
        "Baris 6, kolom indikator: indikator ganda: sudah ada di baris 2",
        "Baris 7, kolom indikator: wajib diisi",
        "Baris 7, kolom target_n1: 'x' bukan angka",
    ]
    assert not ProgramIndicator.objects.exists() and not AuditLog.objects.filter(action__startswith="program").exists()


def test_import_refuses_a_locked_year_and_an_empty_file(rows, year, planner):
    with pytest.raises(ImportRejected, match="Berkas tidak berisi baris data"):
        program_indicator_import(fiscal_year=year, rows=[], by=planner)
    fiscal_year_set_lock(fiscal_year=year, locked=True, reason="x", by=planner)
    year.refresh_from_db()
    with pytest.raises(ValidationError, match=r"Tahun 2026 dikunci \(x\)"):
        program_indicator_import(fiscal_year=year, rows=records(("Dinsos", "1.06.04", "A", "", "", "")), by=planner)


def test_command_imports_a_file_and_rejects_a_bad_one(rows, year, tmp_path, capsys):
    path = tmp_path / "indikator.csv"
    path.write_bytes(b"opd;kode;indikator;target;satuan;target_n1\nDinsos;1.06.04;Persentase PPKS;95,5;%;96\n")
    call_command("import_indikator_program", str(path), "--year", "2026")
    assert "1 baru" in capsys.readouterr().out
    indicator = ProgramIndicator.objects.get()
    assert indicator.target == Decimal("95.5") and indicator.updated_by is None
    assert AuditLog.objects.get(action="program_indicator.created").source == "manage.py import_indikator_program"
    path.write_bytes(b"opd,kode,indikator\nDinsos,2.08.02,X\n")
    with pytest.raises(CommandError, match="tidak ada data yang ditulis"):
        call_command("import_indikator_program", str(path), "--year", "2026")
    assert "Baris 2, kolom kode:" in capsys.readouterr().err
    path.write_bytes(b"opd,indikator\nDinsos,X\n")
    with pytest.raises(CommandError, match="Impor ditolak: 1 galat"):
        call_command("import_indikator_program", str(path), "--year", "2026")
    assert ProgramIndicator.objects.count() == 1


def test_a_file_with_a_cell_the_database_would_refuse_is_rejected(rows, year):
    with pytest.raises(ImportRejected) as exc:
        program_indicator_import_file(
            content=b"opd,kode,indikator\nDinsos,1.06.04,A\x00B\n", filename="a.csv", fiscal_year=year, by=None
        )
    assert (exc.value.issues[0].row, exc.value.issues[0].column) == (2, "indikator")


def test_an_agency_without_bidang_urusan_takes_only_its_rows_codes(year, planner):
    bare = make_opd("Tanpa")
    make_row(opd=bare, fiscal_year=year)
    assert create(year, bare, "1.06.04", planner).kode == "1.06.04"
    with pytest.raises(ValidationError, match=r"Kode X\.XX\.01 tidak ada dalam nomenklatur"):
        create(year, bare, "X.XX.01", planner)


def test_every_write_raises_the_years_plan_revision_and_a_refused_one_does_not(
    rows, year, opd_a, planner, opd_b_editor
):
    def revision():
        year.refresh_from_db()
        return year.revision

    before = revision()
    indicator = create(year, opd_a, "1.06.04", planner)
    with pytest.raises(ValidationError, match="Anda tidak dapat mengubah indikator program/kegiatan Dinsos"):
        create(year, opd_a, "1.06.04", opd_b_editor)
    assert revision() == before + 1
    indicator, _changes = program_indicator_update(
        indicator=indicator, data={**DATA, "target": "1"}, version=1, by=planner
    )
    program_indicator_delete(indicator=indicator, version=2, by=planner)
    assert revision() == before + 3
    program_indicator_import(fiscal_year=year, rows=records(("Dinsos", "1.06.04", "A", "", "", "")), by=planner)
    assert revision() == before + 4
