"""Pagu indikatif per agency: set by planners (one by one or from a file, all or nothing), audited, and held against
the sum of the agency's rows by the selector every page showing an agency's plan reads."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.importing import ImportRejected
from renja.models import AuditLog, PaguOpd
from renja.selectors import ceiling_status
from renja.services.ceilings import PAGU_MAX, pagu_opd_import, pagu_opd_set
from renja.services.years import fiscal_year_set_lock

from ..factories import make_opd, make_row

pytestmark = pytest.mark.django_db


def test_planner_sets_a_ceiling_and_it_is_audited(year, opd_a, planner):
    ceiling = pagu_opd_set(fiscal_year=year, opd=opd_a, pagu="1,5 M", version=0, by=planner)
    assert (ceiling.pagu, ceiling.version, ceiling.updated_by) == (1_500_000_000, 1, planner)
    ceiling = pagu_opd_set(fiscal_year=year, opd=opd_a, pagu=2_000_000_000, version=1, by=planner)
    assert (ceiling.pagu, ceiling.version) == (2_000_000_000, 2)
    entries = list(AuditLog.objects.filter(action="pagu_opd.set").order_by("id"))
    assert [e.changes["pagu"] for e in entries] == [
        ["", "Rp1.500.000.000"],
        ["Rp1.500.000.000", "Rp2.000.000.000"],
    ]
    assert entries[-1].by == planner and entries[-1].data["opd"] == "Dinsos"


def test_the_same_amount_again_writes_nothing(year, opd_a, planner):
    pagu_opd_set(fiscal_year=year, opd=opd_a, pagu=1000, by=planner)
    ceiling = pagu_opd_set(fiscal_year=year, opd=opd_a, pagu=1000, version=1, by=planner)
    assert ceiling.version == 1 and AuditLog.objects.filter(action="pagu_opd.set").count() == 1


def test_an_officer_may_not_set_a_ceiling(year, opd_a, opd_a_editor):
    with pytest.raises(ValidationError) as exc:
        pagu_opd_set(fiscal_year=year, opd=opd_a, pagu=1000, by=opd_a_editor)
    assert exc.value.code == "forbidden" and not PaguOpd.objects.exists()


def test_a_facilitator_may_not_set_a_ceiling(year, opd_a, facilitator):
    with pytest.raises(ValidationError, match="Hanya Bappeda yang dapat menetapkan pagu indikatif OPD"):
        pagu_opd_set(fiscal_year=year, opd=opd_a, pagu=1000, by=facilitator)


def test_a_locked_year_refuses_a_ceiling(year, opd_a, planner):
    fiscal_year_set_lock(fiscal_year=year, locked=True, reason="ditetapkan", by=planner)
    year.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        pagu_opd_set(fiscal_year=year, opd=opd_a, pagu=1000, by=planner)
    assert exc.value.code == "locked" and "dikunci" in exc.value.messages[0]


@pytest.mark.parametrize("pagu", [-1, "-5.000", "abc", PAGU_MAX + 1, "1,5"])
def test_a_wrong_amount_is_refused(year, opd_a, planner, pagu):
    with pytest.raises(ValidationError) as exc:
        pagu_opd_set(fiscal_year=year, opd=opd_a, pagu=pagu, by=planner)
    assert exc.value.code == "invalid" and exc.value.messages[0].startswith("Pagu indikatif")
    assert not PaguOpd.objects.exists()


def test_a_stale_version_is_refused(year, opd_a, planner):
    pagu_opd_set(fiscal_year=year, opd=opd_a, pagu=1000, by=planner)
    with pytest.raises(ValidationError) as exc:
        pagu_opd_set(fiscal_year=year, opd=opd_a, pagu=2000, version=0, by=planner)  # saw none, one was set since
    assert exc.value.code == "conflict"
    assert PaguOpd.objects.get().pagu == 1000


def test_import_sets_every_ceiling_and_counts_them(year, opd_a, opd_b, planner):
    pagu_opd_set(fiscal_year=year, opd=opd_b, pagu=5, by=planner)
    dispora = make_opd("Dispora")
    pagu_opd_set(fiscal_year=year, opd=dispora, pagu=7, by=planner)
    summary = pagu_opd_import(
        fiscal_year=year,
        rows=[
            {"line": 2, "opd": "dinsos", "pagu_indikatif": "Rp1.250.000.000"},
            {"line": 3, "opd": "DP3A", "pagu_indikatif": 900_000_000},
            {"line": 4, "opd": "Dispora", "pagu_indikatif": "7"},
        ],
        by=planner,
        source="pagu.csv",
    )
    assert summary == {"baru": 1, "berubah": 1, "sama": 1}
    assert dict(PaguOpd.objects.values_list("opd__singkatan", "pagu")) == {
        "Dinsos": 1_250_000_000,
        "DP3A": 900_000_000,
        "Dispora": 7,
    }
    assert AuditLog.objects.filter(action="pagu_opd.imported", data__source="pagu.csv").count() == 1


def test_import_lists_every_problem_and_writes_nothing(year, opd_a, opd_b, planner):
    with pytest.raises(ImportRejected) as exc:
        pagu_opd_import(
            fiscal_year=year,
            rows=[
                {"line": 2, "opd": "Dinsos", "pagu_indikatif": "1.000"},
                {"line": 3, "opd": "Entah", "pagu_indikatif": "1.000"},
                {"line": 4, "opd": "dinsos", "pagu_indikatif": "2.000"},
                {"line": 5, "opd": "DP3A", "pagu_indikatif": "banyak"},
                {"line": 6, "opd": "", "pagu_indikatif": ""},
                {"line": 7, "opd": "DP3A", "pagu_indikatif": "-3"},
            ],
            by=planner,
        )
    text = [str(issue) for issue in exc.value.issues]
    assert text[0] == "Baris 3, kolom opd: OPD Entah tidak dikenal (pakai singkatan OPD)"
    assert text[1] == "Baris 4, kolom opd: OPD Dinsos ganda: sudah ada di baris 2"
    assert text[2].startswith("Baris 5, kolom pagu_indikatif: 'banyak' bukan angka Rupiah")
    assert text[3:5] == ["Baris 6, kolom opd: wajib diisi", "Baris 6, kolom pagu_indikatif: wajib diisi"]
    assert text[5] == "Baris 7, kolom opd: OPD DP3A ganda: sudah ada di baris 5"
    assert text[6] == "Baris 7, kolom pagu_indikatif: tidak boleh negatif"
    assert exc.value.total == 7
    assert not PaguOpd.objects.exists() and not AuditLog.objects.filter(action__startswith="pagu_opd").exists()


def test_import_of_nothing_is_refused(year, planner):
    with pytest.raises(ImportRejected) as exc:
        pagu_opd_import(fiscal_year=year, rows=[], by=planner)
    assert str(exc.value.issues[0]) == "Berkas tidak berisi baris data."


def test_import_is_refused_to_an_officer_and_in_a_locked_year(year, opd_a, planner, opd_a_editor):
    rows = [{"line": 2, "opd": "Dinsos", "pagu_indikatif": "1"}]
    with pytest.raises(ValidationError, match="Hanya Bappeda yang dapat menetapkan pagu indikatif OPD"):
        pagu_opd_import(fiscal_year=year, rows=rows, by=opd_a_editor)
    fiscal_year_set_lock(fiscal_year=year, locked=True, reason="x", by=planner)
    year.refresh_from_db()
    with pytest.raises(ValidationError, match=r"Tahun 2026 dikunci \(x\)"):
        pagu_opd_import(fiscal_year=year, rows=rows, by=planner)
    assert not PaguOpd.objects.exists()


def test_ceiling_status_holds_the_rows_against_the_ceiling(year, opd_a, opd_b, planner):
    make_row(opd=opd_a, fiscal_year=year, pagu=600)
    make_row(opd=opd_a, fiscal_year=year, pagu=500)
    make_row(opd=opd_b, fiscal_year=year, pagu=100)
    pagu_opd_set(fiscal_year=year, opd=opd_a, pagu=1000, by=planner)
    pagu_opd_set(fiscal_year=year, opd=opd_b, pagu=1000, by=planner)
    by_opd = {s.opd.singkatan: s for s in ceiling_status(year)}
    a, b = by_opd["Dinsos"], by_opd["DP3A"]
    assert (a.pagu, a.jumlah, a.n, a.difference, a.over, a.excess) == (1000, 1100, 2, 100, True, 100)
    assert (b.pagu, b.jumlah, b.difference, b.over, b.remaining) == (1000, 100, -900, False, 900)


def test_an_agency_without_ceiling_is_never_over(year, opd_a):
    make_row(opd=opd_a, fiscal_year=year, pagu=600)
    (status,) = ceiling_status(year, [opd_a.pk])
    assert (status.pagu, status.jumlah, status.difference, status.over, status.version) == (None, 600, None, False, 0)


def test_ceiling_status_counts_only_the_year_asked(year, opd_a, planner):
    from ..factories import make_fiscal_year

    other = make_fiscal_year(2027)
    make_row(opd=opd_a, fiscal_year=other, pagu=999)
    pagu_opd_set(fiscal_year=other, opd=opd_a, pagu=1, by=planner)
    (status,) = ceiling_status(year, [opd_a.pk])
    assert (status.pagu, status.jumlah) == (None, 0)


def test_ceiling_status_lists_agencies_in_kode_unit_order(year, planner):
    late = make_opd("Akhir", kode_unit="2.08.0.00.0.00.01.0000")
    early = make_opd("Zawal", kode_unit="1.01.0.00.0.00.01.0000")
    inactive = make_opd("Lama", aktif=False)
    assert [s.opd for s in ceiling_status(year)] == [early, late]
    pagu_opd_set(fiscal_year=year, opd=inactive, pagu=1, by=planner)  # an inactive agency with a ceiling is shown
    assert inactive in [s.opd for s in ceiling_status(year)]


def test_ceiling_status_costs_one_query_however_many_agencies_and_rows(year, opd_a, planner):
    make_row(opd=opd_a, fiscal_year=year, pagu=1)
    with CaptureQueriesContext(connection) as few:
        ceiling_status(year)
    for i in range(5):
        opd = make_opd(f"Tambah{i}")
        make_row(opd=opd, fiscal_year=year, pagu=10)
        make_row(opd=opd, fiscal_year=year, pagu=10)
        pagu_opd_set(fiscal_year=year, opd=opd, pagu=5, by=planner)
    with CaptureQueriesContext(connection) as many:
        statuses = ceiling_status(year)
    assert len(few) == len(many) == 1
    assert sum(s.over for s in statuses) == 5


def test_a_ceiling_set_raises_the_years_plan_revision_and_a_refused_one_does_not(year, opd_a, planner, opd_a_editor):
    def revision():
        year.refresh_from_db()
        return year.revision

    before = revision()
    pagu_opd_set(fiscal_year=year, opd=opd_a, pagu=5, by=planner)
    assert revision() == before + 1
    pagu_opd_set(fiscal_year=year, opd=opd_a, pagu=5, by=planner)  # nothing changed
    with pytest.raises(ValidationError, match="Hanya Bappeda yang dapat menetapkan pagu indikatif OPD"):
        pagu_opd_set(fiscal_year=year, opd=opd_a, pagu=6, by=opd_a_editor)
    assert revision() == before + 1
    pagu_opd_import(fiscal_year=year, rows=[{"line": 2, "opd": "Dinsos", "pagu_indikatif": 7}], by=planner)
    assert revision() == before + 2
