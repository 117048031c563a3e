"""The Renja import planner's own rules, each at its edge (found by mutation testing of renja/services/imports.py):
an officer keeps to their own agency's refs and leaves agreed rows to Bappeda; a ref is required and bounded; every
row's problems are listed; a new row earlier in the file does not stop the comparison of the rows after it."""

import pytest

from renja import services
from renja.models import RenjaRow

from .test_import import GOOD, csv_bytes, refs, run  # noqa: F401  (refs: fixture)

LINE = "{ref},{opd},1.06.04.2.01.0001,Rehabilitasi disabilitas,Jumlah orang,120,Orang,{pagu},64.02.06,disabilitas,,"


def problems(content: bytes, year, by) -> list[tuple[int, str, str]]:
    with pytest.raises(services.ImportRejected) as exc:
        run(content, year, by)
    return [(i.row, i.column, i.message) for i in exc.value.issues]


def test_an_officer_may_not_take_another_agencys_ref(refs, year, planner, opd_a_editor):
    run(GOOD, year, planner)
    taken = csv_bytes(
        LINE.format(ref="2026-DINSOS-001", opd="Dinsos", pagu="1.250.000.000"),  # their own row: compared
        LINE.format(ref="2026-DP3A-001", opd="Dinsos", pagu="1.000.000"),  # DP3A's row
    )
    assert problems(taken, year, opd_a_editor) == [(3, "ref", "ref 2026-DP3A-001 sudah dipakai baris milik DP3A")]
    assert RenjaRow.objects.get(ref="2026-DP3A-001").opd.singkatan == "DP3A"


def test_an_officer_may_not_change_an_agreed_row_but_may_resend_it_unchanged(refs, year, planner, opd_a_editor):
    run(GOOD, year, planner)
    RenjaRow.objects.filter(ref="2026-DINSOS-001").update(status=RenjaRow.Status.DISEPAKATI)
    unchanged = csv_bytes(GOOD.decode().splitlines()[1])  # the row exactly as agreed
    changed = csv_bytes(LINE.format(ref="2026-DINSOS-001", opd="Dinsos", pagu="1.500.000.000"))

    assert problems(changed, year, opd_a_editor) == [
        (2, "ref", "baris 2026-DINSOS-001 berstatus Disepakati; hanya Bappeda yang dapat mengubahnya")
    ]
    assert run(unchanged, year, opd_a_editor)["sama"] == 1
    assert run(changed, year, planner) == {"baru": 0, "berubah": 1, "sama": 0}  # Bappeda may


def test_a_new_row_before_existing_ones_does_not_stop_their_comparison(refs, year, planner):
    run(GOOD, year, planner)
    mixed = csv_bytes(
        LINE.format(ref="2026-DINSOS-099", opd="Dinsos", pagu="1.000.000"),  # new, first in the file
        LINE.format(ref="2026-DINSOS-001", opd="Dinsos", pagu="1.500.000.000"),  # existing, changed
    )
    plan = services.build_plan(content=mixed, filename="renja.csv", fiscal_year=year, by=planner)
    assert plan.summary() == {"baru": 1, "berubah": 1, "sama": 0}
    assert plan.rows[1].changes["pagu"] == ["Rp1.250.000.000", "Rp1.500.000.000"]


def test_ref_and_opd_are_required_and_the_ref_bounded_by_its_column(refs, year, planner):
    limit = RenjaRow._meta.get_field("ref").max_length
    content = csv_bytes(
        LINE.format(ref="", opd="Dinsos", pagu="1"),
        LINE.format(ref="R" * (limit + 1), opd="Dinsos", pagu="1"),
        LINE.format(ref="2026-X-1", opd="", pagu="1"),
    )
    assert problems(content, year, planner) == [
        (2, "ref", "wajib diisi"),
        (3, "ref", f"paling banyak {limit} karakter"),
        (4, "opd", "wajib diisi"),
    ]
    assert run(csv_bytes(LINE.format(ref="R" * limit, opd="Dinsos", pagu="1")), year, planner)["baru"] == 1


def test_every_row_with_a_refused_cell_is_listed(refs, year, planner):
    content = csv_bytes(
        LINE.format(ref="2026-A\x00", opd="Dinsos", pagu="1"),
        LINE.format(ref="2026-B\x01", opd="Dinsos", pagu="1"),
    )
    found = problems(content, year, planner)
    assert [(line, column) for line, column, _message in found] == [(2, "ref"), (3, "ref")]


def test_a_file_of_only_a_header_is_refused(refs, year, planner):
    assert problems(csv_bytes(), year, planner) == [(0, "", "Berkas tidak berisi baris data.")]


@pytest.mark.parametrize(
    "before,after,same",
    [
        ("baris satu\r\nbaris dua", "baris satu\nbaris dua", True),  # stored from a CSV, read back from an XLSX
        ("baris satu\nbaris dua", "baris satu\r\nbaris dua", True),
        ("sama", "sama", True),
        ("baris satu\r\nbaris dua", "baris satu baris dua", False),
        ("a", "b", False),
    ],
)
def test_line_endings_alone_are_no_change(before, after, same):
    assert services.imports.same_text(before, after) is same
