"""The usulan import template: the project format's header, drop-down lists, reference sheets; filled, it imports."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from musrenbang import imports
from musrenbang.models import Usulan

from ..factories import make_nomenklatur, make_sasaran, make_wilayah


@pytest.fixture
def reference_data(opd_a, opd_b):
    kec = make_wilayah("64.02.06", "Tenggarong")
    make_wilayah("64.02.06.2001", "Bukit Biru", "desa", parent=kec)
    make_wilayah("64.02.06.1001", "Sukarame", "kelurahan", parent=kec)
    make_nomenklatur("1.06.04.2.01.0001")
    make_sasaran("anak")


def _template(client, planner):
    client.force_login(planner)
    response = client.get(reverse("musrenbang:usulan-import-template"))
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def _lists(workbook):
    sheet = workbook.worksheets[0]
    header = {c.column_letter: c.value for c in sheet[1]}
    out = {}
    for dv in sheet.data_validations.dataValidation:
        if dv.type == "list":
            name, area = dv.formula1.split("!")
            values = [c.value for row in workbook[name.strip("'")][area.replace("$", "")] for c in row]
            out[header[str(dv.sqref).split(":")[0].rstrip("0123456789")]] = values
    return out


def test_template_has_header_lists_and_reference_sheets(client, planner, reference_data):
    workbook = _template(client, planner)
    assert workbook.sheetnames == ["Usulan", "Pilihan", "Desa", "Bidang urusan", "OPD", "Sasaran"]
    assert [c.value for c in workbook["Usulan"][1]] == imports.PROJECT_COLUMNS
    lists = _lists(workbook)
    assert lists["sumber"] == list(Usulan.Sumber.values)
    assert "diterima" in lists["keputusan_opd"] and "ditutup" not in lists["keputusan_opd"]
    assert "disetujui" not in lists["keputusan_opd"]  # the Musrenbang levels are the app's steps, not the file's
    assert lists["jenis"] == ["fisik", "non_fisik"]
    assert lists["opd_tujuan"] == ["DP3A", "Dinsos"]
    assert lists["kode_desa"] == ["64.02.06.1001", "64.02.06.2001"]  # desa and kelurahan, not the kecamatan
    assert "1.06" in lists["kode_bidang_urusan"] and lists["sasaran"] == ["anak"]
    desa = {r[0]: r for r in workbook["Desa"].iter_rows(min_row=2, values_only=True)}
    assert desa["64.02.06.2001"][2:] == ("Desa Bukit Biru", "Tenggarong")


def test_template_is_for_bappeda_and_linked_from_the_import_page(client, planner, opd_a_editor):
    client.force_login(opd_a_editor)
    assert client.get(reverse("musrenbang:usulan-import-template")).status_code == 403
    client.force_login(planner)
    assert (
        reverse("musrenbang:usulan-import-template") in client.get(reverse("musrenbang:usulan-import")).content.decode()
    )


def test_filled_template_imports(client, planner, year, reference_data):
    workbook = _template(client, planner)
    sheet = workbook["Usulan"]
    values = {
        "id_usulan": "MD-900",
        "sumber": "musrenbang_desa",
        "pengusul": "Kepala Desa",
        "kode_desa": "64.02.06.2001",
        "permasalahan": "Balita gizi kurang",
        "usulan": "Makanan tambahan balita",
        "kode_bidang_urusan": "1.06",
        "volume": 2.5,
        "satuan": "Paket",
        "anggaran": 150_000_000,
        "prioritas": 1,
        "sasaran": "anak",
        "opd_tujuan": "Dinsos",
    }
    for i, name in enumerate(c.value for c in sheet[1]):
        if name in values:
            sheet.cell(row=2, column=i + 1, value=values[name])
    buffer = io.BytesIO()
    workbook.save(buffer)
    content = buffer.getvalue()
    plan = imports.build_usulan_plan(content=content, filename="templat.xlsx", fiscal_year=year, by=planner)
    assert plan.summary()["baru"] == 1
    imports.usulan_import_file(content=content, filename="templat.xlsx", fiscal_year=year, by=planner)
    usulan = Usulan.objects.get(id_usulan="MD-900")
    assert (
        usulan.anggaran == 150_000_000
        and usulan.desa.kode == "64.02.06.2001"
        and usulan.opd_tujuan.singkatan == "Dinsos"
    )
    assert str(usulan.volume.normalize()) == "2.5"
