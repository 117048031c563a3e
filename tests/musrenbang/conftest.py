import pytest

from ..factories import make_nomenklatur, make_row, make_usulan


@pytest.fixture
def routed_to_a(year, opd_a):
    return make_usulan(fiscal_year=year, opd_tujuan=opd_a, id_usulan="U-A-1", anggaran=150_000_000)


@pytest.fixture
def routed_to_b(year, opd_b):
    return make_usulan(fiscal_year=year, opd_tujuan=opd_b, id_usulan="U-B-1")


@pytest.fixture
def row_a(year, opd_a):
    return make_row(
        opd=opd_a, fiscal_year=year, ref="2026-DINSOS-010", sub_kegiatan=make_nomenklatur("1.06.04.2.01.0001")
    )


@pytest.fixture
def row_a2(year, opd_a):
    return make_row(
        opd=opd_a,
        fiscal_year=year,
        ref="2026-DINSOS-011",
        sub_kegiatan=make_nomenklatur("1.06.04.2.01.0002", "Rehabilitasi lain"),
    )
