"""The Renja import template: header, drop-down lists, reference sheets, scoped to the user; filled, it imports."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from renja import services
from renja.models import RenjaRow
from renja.services.imports import ALL_COLUMNS

from ..factories import make_nomenklatur, make_sasaran, make_wilayah


@pytest.fixture
def reference_data(opd_a, opd_b):
    kec = make_wilayah("64.02.06", "Tenggarong")
    make_wilayah("64.02.06.1001", "Sukarame", "kelurahan", parent=kec)
    make_wilayah("64.02.06.2001", "Bukit Biru", "desa", parent=kec)
    make_nomenklatur("1.06.04.2.01.0001", "Rehabilitasi Sosial Dasar")
    make_nomenklatur("2.08.02.2.01.0005", "Pelembagaan PUG")
    make_nomenklatur("X.XX.01.2.02.0001", "Penyediaan Gaji dan Tunjangan ASN")
    make_sasaran("anak"), make_sasaran("lansia")


def _template(client, user):
    client.force_login(user)
    response = client.get(reverse("renja:import-template"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="templat-impor-renja.xlsx"'
    return response.content


def _validations(sheet):
    """Column name → (formula, strict) of the sheet's list validations."""
    header = {c.column_letter: c.value for c in sheet[1]}
    out = {}
    for dv in sheet.data_validations.dataValidation:
        if dv.type == "list":
            letter = str(dv.sqref).split(":")[0].rstrip("0123456789")
            out[header[letter]] = (dv.formula1, dv.showErrorMessage)
    return out


def header_of(sheet, dv) -> str:
    """The column name of a validation's first cell."""
    letter = str(dv.sqref).split(":")[0].rstrip("0123456789")
    return {c.column_letter: c.value for c in sheet[1]}[letter]


def _list(workbook, formula):
    """The values a validation's formula ('Pilihan'!$A$2:$A$5) points at."""
    sheet_name, area = formula.split("!")
    return [c.value for row in workbook[sheet_name.strip("'")][area.replace("$", "")] for c in row]


def test_planner_template_has_header_lists_and_reference_sheets(client, planner, reference_data):
    workbook = load_workbook(io.BytesIO(_template(client, planner)))
    assert workbook.sheetnames == ["Renja", "Pilihan", "Sub kegiatan", "Wilayah", "Sasaran", "OPD", "Sumber dana"]
    sheet = workbook["Renja"]
    assert [c.value for c in sheet[1]] == ALL_COLUMNS
    assert sheet.freeze_panes == "A2" and workbook["Pilihan"].sheet_state == "hidden"
    lists = _validations(sheet)
    assert set(lists) == {
        "opd",
        "kode_sub_kegiatan",
        "sasaran",
        "sumber_dana",
        "sumber_data",
        "desil",
        "prioritas_nasional",
        "prioritas_daerah",
        "quick_win",
        "opd_pengampu",
        "opd_pendukung",
    }
    for flag in ("prioritas_nasional", "prioritas_daerah", "quick_win"):
        assert _list(workbook, lists[flag][0]) == ["ya", "tidak"] and lists[flag][1] is True
    assert _list(workbook, lists["opd_pengampu"][0]) == ["DP3A", "Dinsos"] and lists["opd_pengampu"][1] is True
    assert _list(workbook, lists["opd_pendukung"][0]) == ["DP3A", "Dinsos"] and lists["opd_pendukung"][1] is False
    assert _list(workbook, lists["sumber_data"][0]) == ["dtks", "dtsen", "pk", "eppgbm", "lainnya"]
    assert _list(workbook, lists["opd"][0]) == ["DP3A", "Dinsos"]
    assert _list(workbook, lists["sumber_dana"][0]) == list(RenjaRow.SumberDana.values)
    assert (
        _list(workbook, lists["sasaran"][0]) == ["anak", "lansia"] and lists["sasaran"][1] is False
    )  # several allowed
    assert lists["opd"][1] is True
    codes = _list(workbook, lists["kode_sub_kegiatan"][0])
    assert {"1.06.04.2.01.0001", "2.08.02.2.01.0005", "X.XX.01.2.02.0001"} <= set(codes)
    subs = {r[0]: r[1] for r in workbook["Sub kegiatan"].iter_rows(min_row=2, values_only=True)}
    assert subs["1.06.04.2.01.0001"] == "Rehabilitasi Sosial Dasar"
    places = {r[0]: r for r in workbook["Wilayah"].iter_rows(min_row=2, values_only=True)}
    assert places["64.02.06.1001"][2:] == ("Kel. Sukarame", "Tenggarong")
    assert places["64.02.06.2001"][2:] == ("Desa Bukit Biru", "Tenggarong")
    assert places["64.02.06"][2] == "Kec. Tenggarong"
    assert sheet.column_dimensions["E"].number_format == '"Rp"#,##0'  # pagu
    letters = {c.value: c.column_letter for c in sheet[1]}
    assert sheet.column_dimensions[letters["pagu_n1"]].number_format == '"Rp"#,##0'
    hints = {header_of(sheet, dv): dv.prompt for dv in sheet.data_validations.dataValidation if dv.prompt}
    assert "Prakiraan maju" in hints["target_n1"] and "Prakiraan maju" in hints["pagu_n1"]
    assert "ya atau tidak" in hints["quick_win"] and "titik koma" in hints["opd_pendukung"]


def test_officer_template_lists_only_their_agency_and_its_sub_kegiatan(client, opd_a_editor, reference_data):
    workbook = load_workbook(io.BytesIO(_template(client, opd_a_editor)))
    lists = _validations(workbook["Renja"])
    assert _list(workbook, lists["opd"][0]) == ["Dinsos"]
    codes = _list(workbook, lists["kode_sub_kegiatan"][0])
    assert "1.06.04.2.01.0001" in codes and "2.08.02.2.01.0005" not in codes
    assert "1.06.01.2.02.0001" in codes and "X.XX.01.2.02.0001" not in codes  # support program with Dinsos's bidang
    # another agency may lead or support the row: every active agency is offered, and named on the OPD sheet
    assert _list(workbook, lists["opd_pengampu"][0]) == ["DP3A", "Dinsos"]
    assert [r[0] for r in workbook["OPD"].iter_rows(min_row=2, values_only=True)] == ["DP3A", "Dinsos"]


@pytest.mark.parametrize("who,expected", [("opd_a_viewer", 403), ("facilitator", 403)])
def test_template_needs_import_rights(client, request, who, expected):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("renja:import-template")).status_code == expected


def test_import_page_links_the_template(client, planner):
    client.force_login(planner)
    assert reverse("renja:import-template") in client.get(reverse("renja:import-upload")).content.decode()


@pytest.mark.parametrize("who", ["planner", "opd_a_editor"])
def test_filled_template_imports(client, request, year, reference_data, who):
    user = request.getfixturevalue(who)
    workbook = load_workbook(io.BytesIO(_template(client, user)))
    sheet = workbook["Renja"]
    values = {
        "ref": "2026-DINSOS-900",
        "opd": "Dinsos",
        "kode_sub_kegiatan": "1.06.04.2.01.0001",
        "nama": "Layanan lansia",
        "pagu": 250_000_000,
        "indikator": "Lansia terlayani",
        "target": 95.5,
        "satuan": "Orang",
        "lokasi": "64.02.06.1001;64.02.06.2001",
        "sasaran": "lansia",
        "sumber_dana": "apbd_kab",
        "keterangan": "Uji templat",
        "sumber_data": "dtsen",
        "desil": 4,
        "target_n1": 97.5,
        "pagu_n1": 275_000_000,
        "prioritas_nasional": "ya",
        "prioritas_daerah": "tidak",
        "quick_win": "ya",
        "opd_pengampu": "DP3A",
        "opd_pendukung": "DP3A;Dinsos",
    }
    for i, name in enumerate(c.value for c in sheet[1]):
        sheet.cell(row=2, column=i + 1, value=values[name])
    buffer = io.BytesIO()
    workbook.save(buffer)
    content = buffer.getvalue()
    plan = services.build_plan(content=content, filename="templat.xlsx", fiscal_year=year, by=user)
    assert plan.summary() == {"baru": 1, "berubah": 0, "sama": 0}
    services.renja_import_file(content=content, filename="templat.xlsx", fiscal_year=year, by=user)
    row = RenjaRow.objects.get(ref="2026-DINSOS-900")
    # an indicator other than the sub kegiatan's is the agency's extra indicator, with the file's target
    assert row.pagu == 250_000_000 and str(row.target_opd.normalize()) == "95.5" and row.target is None
    assert (row.rincian, row.indikator_opd, row.sumber_data, row.desil) == (
        "Layanan lansia",
        "Lansia terlayani",
        "dtsen",
        4,
    )
    assert sorted(w.kode for w in row.lokasi.all()) == ["64.02.06.1001", "64.02.06.2001"]
    assert [s.slug for s in row.sasaran.all()] == ["lansia"]
    assert (str(row.target_n1.normalize()), row.pagu_n1) == ("97.5", 275_000_000)
    assert (row.prioritas_nasional, row.prioritas_daerah, row.quick_win) == (True, False, True)
    assert row.opd_pengampu.singkatan == "DP3A"
    assert [o.singkatan for o in row.opd_pendukung.all()] == ["DP3A"]  # the row's own agency does not support it
