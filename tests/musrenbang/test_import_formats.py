"""The usulan import's formats: each declares its columns (ImportColumn) and reads its rows; a new format is one class
added to plan.FORMATS, with no change to the shared steps."""

import pytest

from musrenbang import imports
from musrenbang.imports import ImportColumn, ImportFormat, plan
from musrenbang.imports.values import parse_anggaran
from musrenbang.models import Usulan

from .test_import import refs  # noqa: F401  (fixture)


class MiniFormat(ImportFormat):
    """A made-up third format: Nomor, Desa (its code), Judul, Biaya."""

    identifier = "mini"
    columns = (
        ImportColumn("id_usulan", "Nomor", required=True),
        ImportColumn("kode_desa", "Desa", required=True),
        ImportColumn("usulan", "Judul", required=True),
        ImportColumn("anggaran", "Biaya", clean=parse_anggaran, kind="rupiah"),
    )

    def find_columns(self, header):
        by_label = {c.label.lower(): c.identifier for c in self.columns}
        return {by_label[name]: name for name in header if name in by_label}

    def detect(self, header, found):
        return "nomor" in header

    def read(self, row, look, fiscal_year):
        row.data["desa"] = look.wilayah.get(row.text("kode_desa"))
        if row.data["desa"] is None:
            row.err(row.label("kode_desa"), "desa tidak dikenal")
        row.data["usulan"] = row.text("usulan")
        if row.has("anggaran"):
            row.data["anggaran"] = row.clean("anggaran")


@pytest.fixture
def mini(monkeypatch):
    monkeypatch.setattr(plan, "FORMATS", (MiniFormat(), *plan.FORMATS))


def test_the_shipped_formats_declare_their_columns():
    assert [f.identifier for f in imports.FORMATS] == ["sipd", "proyek"]
    for fmt in imports.FORMATS:
        identifiers = [c.identifier for c in fmt.columns]
        assert len(set(identifiers)) == len(identifiers) and {"id_usulan", "usulan"} <= set(identifiers)
        assert all(c.clean is None or callable(c.clean) for c in fmt.columns)
    assert imports.PROJECT_REQUIRED == ["id_usulan", "kode_desa", "usulan"]
    assert imports.SIPD.missing({}) == ["ID usulan", "Kecamatan", "Kelurahan/Desa", "Usulan"]


def test_a_third_format_is_one_class(mini, refs, year, planner):  # noqa: F811
    content = b"Nomor,Desa,Judul,Biaya\nM-1,64.02.06.2001,Sumur bor,25.000.000\n"
    found = imports.build_usulan_plan(content=content, filename="mini.csv", fiscal_year=year, by=planner)
    assert found.format == "mini" and found.summary()["baru"] == 1
    imports.usulan_import_file(content=content, filename="mini.csv", fiscal_year=year, by=planner)
    assert Usulan.objects.get(id_usulan="M-1").anggaran == 25_000_000


def test_a_third_format_reports_problems_under_its_own_column_names(mini, refs, year, planner):  # noqa: F811
    content = b"Nomor,Desa,Judul,Biaya\n,99.99,Sumur bor,-5\n"
    with pytest.raises(imports.ImportRejected) as exc:
        imports.build_usulan_plan(content=content, filename="mini.csv", fiscal_year=year, by=planner)
    assert [(i.column, i.message) for i in exc.value.issues] == [
        ("Nomor", "wajib diisi"),
        ("Desa", "desa tidak dikenal"),
        ("Biaya", "tidak boleh negatif"),
    ]
