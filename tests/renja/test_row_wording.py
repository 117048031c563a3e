"""A row's official name, indicator and unit are its sub kegiatan's; the agency's wording is the rincian, its own
indicator the extra indicator, and the data its beneficiaries come from the sumber data sasaran (issue 15, points 1
and 7): services, the form, the screens, the import and export, the overlap detector's text and the migration."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.urls import reverse

from renja import services
from renja.models import AuditLog, RenjaRow

from ..factories import make_nomenklatur, make_row

OFFICIAL = "Rehabilitasi Sosial Dasar Penyandang Disabilitas"


@pytest.fixture
def sub(db):
    return make_nomenklatur("1.06.04.2.01.0001", OFFICIAL, indikator="Jumlah penyandang disabilitas", satuan="Orang")


@pytest.fixture
def other_sub(db):
    return make_nomenklatur(
        "1.06.04.2.01.0002", "Pemberian Alat Bantu Disabilitas", indikator="Jumlah alat bantu", satuan="Unit"
    )


def data(opd, sub, **kw):
    return {"opd": opd, "sub_kegiatan": sub, "kode": sub.kode, "pagu": 100_000_000, **kw}


def create(year, opd, sub, ref="W-1", **kw):
    return services.row_create(fiscal_year=year, ref=ref, data=data(opd, sub, **kw), by=None)


# --- services


def test_create_copies_the_official_name_indicator_and_unit_whatever_the_input_says(year, opd_a, sub):
    row = create(year, opd_a, sub, nama="Nama sendiri", indikator="Lain", satuan="Paket", rincian=" Kursi roda ")
    assert (row.nama, row.indikator, row.satuan) == (OFFICIAL, "Jumlah penyandang disabilitas", "Orang")
    assert row.rincian == "Kursi roda"


def test_a_rincian_that_only_repeats_the_official_name_is_none(year, opd_a, sub):
    row = create(year, opd_a, sub, rincian="  rehabilitasi sosial dasar PENYANDANG disabilitas ")
    assert row.rincian == ""


def test_a_new_sub_kegiatan_brings_its_official_wording_and_the_audit_says_so(year, opd_a, sub, other_sub, planner):
    row = create(year, opd_a, sub, rincian="Kursi roda")
    row, changes = services.row_update(
        row=row, data=data(opd_a, other_sub, rincian="Kursi roda adaptif"), by=planner, expected_version=1
    )
    assert (row.nama, row.indikator, row.satuan) == ("Pemberian Alat Bantu Disabilitas", "Jumlah alat bantu", "Unit")
    entry = AuditLog.objects.get(action="renja_row.updated")
    assert entry.changes["nama"] == [OFFICIAL, "Pemberian Alat Bantu Disabilitas"]
    assert entry.changes["rincian"] == ["Kursi roda", "Kursi roda adaptif"]
    assert entry.changes == changes


def test_the_audit_records_the_extra_indicator_and_the_data_source(year, opd_a, sub, planner):
    row = create(year, opd_a, sub)
    services.row_update(
        row=row,
        data={
            "indikator_opd": "Jumlah kursi roda",
            "target_opd": Decimal("40"),
            "satuan_opd": "Unit",
            "sumber_data": "dtsen",
            "desil": 3,
            "sumber_data_keterangan": "Data Oktober",
        },
        by=planner,
    )
    changes = AuditLog.objects.get(action="renja_row.updated").changes
    assert changes["indikator_opd"] == ["", "Jumlah kursi roda"] and changes["target_opd"] == ["", "40"]
    assert changes["sumber_data"] == ["", "DTSEN"] and changes["desil"] == ["", "3"]
    assert changes["sumber_data_keterangan"] == ["", "Data Oktober"]


def test_desil_is_refused_without_dtks_or_dtsen(year, opd_a, sub):
    for source in ("", "pk", "eppgbm", "lainnya"):
        with pytest.raises(ValidationError) as exc:
            create(year, opd_a, sub, sumber_data=source, desil=2)
        assert exc.value.error_dict["desil"][0].code == "desil_source"
        assert "hanya diisi untuk sumber data DTKS atau DTSEN" in exc.value.message_dict["desil"][0]
    assert not RenjaRow.objects.exists()


def test_desil_out_of_one_to_ten_is_refused(year, opd_a, sub):
    for desil in (0, 11):
        with pytest.raises(ValidationError) as exc:
            create(year, opd_a, sub, sumber_data="dtks", desil=desil)
        assert exc.value.error_dict["desil"][0].code == "desil_range"
    row = create(year, opd_a, sub, sumber_data="dtks", desil=10)
    assert (row.sumber_data, row.desil) == ("dtks", 10)


def test_desil_kept_when_the_source_stops_being_dtks_is_refused(year, opd_a, sub, planner):
    row = create(year, opd_a, sub, sumber_data="dtks", desil=4)
    with pytest.raises(ValidationError) as exc:
        services.row_update(row=row, data={"sumber_data": "pk"}, by=planner)
    assert exc.value.error_dict["desil"][0].code == "desil_source"
    services.row_update(row=row, data={"sumber_data": "pk", "desil": None}, by=planner)
    assert RenjaRow.objects.get(pk=row.pk).desil is None


def test_an_extra_target_or_unit_without_its_indicator_is_refused(year, opd_a, sub):
    for extra in ({"target_opd": Decimal("5")}, {"satuan_opd": "Unit"}):
        with pytest.raises(ValidationError) as exc:
            create(year, opd_a, sub, **extra)
        assert exc.value.error_dict["indikator_opd"][0].code == "extra_indicator"


def test_search_text_holds_the_rincian_and_the_extra_indicator(year, opd_a, sub, planner):
    row = create(year, opd_a, sub, rincian="Kursi roda adaptif")
    assert "kursi roda adaptif" in row.cari and OFFICIAL.lower() in row.cari
    row, _changes = services.row_update(
        row=row,
        data={"indikator_opd": "Jumlah tongkat", "target_opd": Decimal("3"), "satuan_opd": "Buah"},
        by=planner,
    )
    assert "jumlah tongkat" in RenjaRow.objects.get(pk=row.pk).cari


# --- form and screens


def form_post(opd, **kw):
    return {
        "ref": "F-1",
        "opd": opd.pk,
        "kode_sub_kegiatan": "1.06.04.2.01.0001",
        "pagu": "100000000",
        "sumber_dana": "apbd_kab",
        **kw,
    }


def test_the_form_has_no_name_field_and_shows_the_official_wording(client, year, opd_a_editor, opd_a, sub):
    client.force_login(opd_a_editor)
    page = client.get(reverse("renja:row-create") + "?tahun=2026").content.decode()
    assert 'name="nama"' not in page and "Kosongkan untuk memakai nama sub kegiatan" not in page
    assert "Rincian kegiatan (uraian OPD)" in page and "Indikator tambahan OPD" in page and 'name="desil"' in page
    row = make_row(opd=opd_a, fiscal_year=year, sub_kegiatan=sub, indikator=sub.indikator, satuan=sub.satuan)
    page = client.get(reverse("renja:row-edit", args=[row.pk])).content.decode()
    official = page.split('id="nomenklatur-resmi"')[1].split("</dl>")[0]
    assert OFFICIAL in official and "Jumlah penyandang disabilitas" in official


def test_the_form_creates_a_row_with_rincian_extra_indicator_and_data_source(client, year, opd_a_editor, opd_a, sub):
    client.force_login(opd_a_editor)
    response = client.post(
        reverse("renja:row-create") + "?tahun=2026",
        form_post(
            opd_a,
            nama="Diabaikan",
            rincian="Kursi roda",
            indikator_opd="Jumlah kursi roda",
            target_opd="12,5",
            satuan_opd="Unit",
            sumber_data="dtks",
            desil="2",
            sumber_data_keterangan="Verval 2025",
        ),
    )
    assert response.status_code == 302
    row = RenjaRow.objects.get(ref="F-1")
    assert (row.nama, row.rincian, row.indikator_opd, row.target_opd, row.satuan_opd) == (
        OFFICIAL,
        "Kursi roda",
        "Jumlah kursi roda",
        Decimal("12.5"),
        "Unit",
    )
    assert (row.sumber_data, row.desil, row.sumber_data_keterangan) == ("dtks", 2, "Verval 2025")


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"indikator_opd": "Jumlah kursi roda"}, "target_opd", "Isi target indikator tambahan OPD."),
        ({"indikator_opd": "Jumlah kursi roda", "target_opd": "3"}, "satuan_opd", "Isi satuan indikator tambahan"),
        ({"target_opd": "3", "satuan_opd": "Unit"}, "indikator_opd", "Isi indikator tambahan OPD, atau kosongkan"),
        ({"satuan_opd": "Unit"}, "indikator_opd", "Isi indikator tambahan OPD, atau kosongkan"),
        ({"sumber_data": "pk", "desil": "3"}, "desil", "hanya diisi untuk sumber data DTKS atau DTSEN"),
        ({"sumber_data": "dtks", "desil": "11"}, "desil", "10"),
    ],
)
def test_the_form_refuses_a_half_extra_indicator_and_a_stray_desil(
    client, year, opd_a_editor, opd_a, sub, extra, field, message
):
    client.force_login(opd_a_editor)
    response = client.post(reverse("renja:row-create") + "?tahun=2026", form_post(opd_a, **extra))
    assert response.status_code == 200 and not RenjaRow.objects.exists()
    errors = response.context["form"].errors
    assert field in errors and any(message in e for e in errors[field])


@pytest.fixture
def worded(year, opd_a, sub):
    return make_row(
        opd=opd_a,
        fiscal_year=year,
        ref="2026-DINSOS-050",
        sub_kegiatan=sub,
        indikator=sub.indikator,
        satuan=sub.satuan,
        rincian="Kursi roda adaptif untuk anak",
        indikator_opd="Jumlah kursi roda",
        target_opd=Decimal("40"),
        satuan_opd="Unit",
        sumber_data="dtsen",
        desil=4,
    )


def test_list_detail_and_print_show_the_official_name_then_the_rincian(client, planner, worded):
    client.force_login(planner)
    for url in (reverse("renja:row-list"), reverse("renja:row-print"), reverse("renja:row-detail", args=[worded.pk])):
        page = client.get(url, {"tahun": 2026}).content.decode()
        assert OFFICIAL in page and "Kursi roda adaptif untuk anak" in page, url
        assert page.index(OFFICIAL) < page.index("Kursi roda adaptif untuk anak"), url
        assert "Indikator tambahan OPD" in page and "Jumlah kursi roda" in page, url
    page = client.get(reverse("renja:row-detail", args=[worded.pk])).content.decode()
    assert "DTSEN (desil 1–4)" in page


def test_free_text_search_finds_a_row_by_its_rincian(client, planner, year, opd_a, sub, worded):
    make_row(opd=opd_a, fiscal_year=year, ref="2026-DINSOS-051", sub_kegiatan=sub)
    client.force_login(planner)
    page = client.get(reverse("renja:row-list"), {"tahun": 2026, "q": "kursi adaptif"}).content.decode()
    assert "2026-DINSOS-050" in page and "2026-DINSOS-051" not in page


def test_sync_side_and_row_picker_show_the_rincian(worded):
    side = render_to_string("sinkronisasi/_row_side.html", {"row": worded, "pair": None, "highlight": []})
    assert OFFICIAL in side and "Kursi roda adaptif untuk anak" in side and "Indikator tambahan OPD" in side
    worded.ditampung = 0
    picker = render_to_string("musrenbang/_row_picker.html", {"rows": [worded]})
    assert f"{OFFICIAL} (Kursi roda adaptif untuk anak)" in picker


# --- import and export


HEADER = "ref,opd,kode_sub_kegiatan,nama,indikator,target,satuan,pagu,sumber_data,desil"


def run(year, planner, *lines, header=HEADER):
    content = ("\n".join([header, *lines]) + "\n").encode()
    return services.renja_import_file(content=content, filename="renja.csv", fiscal_year=year, by=planner)


def rejected(year, planner, *lines, header=HEADER):
    with pytest.raises(services.ImportRejected) as exc:
        run(year, planner, *lines, header=header)
    return [(i.row, i.column, i.message) for i in exc.value.issues]


def test_import_reads_the_official_wording_as_no_rincian_and_the_official_target(year, opd_a, sub, planner):
    run(year, planner, "I-1,Dinsos,1.06.04.2.01.0001, rehabilitasi sosial dasar penyandang disabilitas ,"
        "JUMLAH penyandang disabilitas,25,orang,1000,,")  # fmt: skip
    row = RenjaRow.objects.get()
    assert (row.nama, row.rincian, row.target, row.indikator_opd, row.target_opd) == (OFFICIAL, "", 25, "", None)


def test_import_makes_a_different_indicator_the_extra_one_and_keeps_the_official_target(year, opd_a, sub, planner):
    run(year, planner, "I-1,Dinsos,1.06.04.2.01.0001,Kursi roda,,25,,1000,dtks,3")
    row = RenjaRow.objects.get()
    assert (row.rincian, row.target, row.sumber_data, row.desil) == ("Kursi roda", 25, "dtks", 3)
    run(year, planner, "I-1,Dinsos,1.06.04.2.01.0001,Kursi roda,Jumlah kursi roda,40,Unit,1000,dtks,3")
    row = RenjaRow.objects.get()
    assert (row.indikator_opd, row.target_opd, row.satuan_opd) == ("Jumlah kursi roda", 40, "Unit")
    assert (row.indikator, row.satuan, row.target) == ("Jumlah penyandang disabilitas", "Orang", 25)


def test_import_refuses_an_unknown_data_source_and_a_stray_desil_naming_row_and_column(year, opd_a, sub, planner):
    assert rejected(year, planner, "I-1,Dinsos,1.06.04.2.01.0001,A,,,,1000,bps,") == [
        (2, "sumber_data", "sumber data bps tidak dikenal (pilihan: dtks, dtsen, pk, eppgbm, lainnya)")
    ]
    assert rejected(year, planner, "I-1,Dinsos,1.06.04.2.01.0001,A,,,,1000,pk,3") == [
        (2, "desil", "Desil hanya diisi untuk sumber data DTKS atau DTSEN.")
    ]
    issues = rejected(year, planner, "I-1,Dinsos,1.06.04.2.01.0001,A,,,,1000,dtks,11")
    assert [(r, c) for r, c, _m in issues] == [(2, "desil")] and "1 sampai 10" in issues[0][2]
    assert not RenjaRow.objects.exists()


def test_import_preview_refuses_a_desil_the_existing_row_would_not_take(year, opd_a, sub, planner):
    run(year, planner, "I-1,Dinsos,1.06.04.2.01.0001,A,,,,1000,pk,")
    header = "ref,opd,kode_sub_kegiatan,nama,pagu,desil"
    content = f"{header}\nI-1,Dinsos,1.06.04.2.01.0001,A,1000,5\n".encode()
    with pytest.raises(services.ImportRejected) as exc:
        services.build_plan(content=content, filename="renja.csv", fiscal_year=year, by=planner)
    assert [(i.row, i.column) for i in exc.value.issues] == [(2, "desil")]


# --- the overlap detector reads the rincian


def test_the_detector_reads_the_rincian_and_the_extra_indicator(worded):
    from sinkronisasi import text
    from sinkronisasi.services import refresh

    row = RenjaRow.objects.select_related("sub_kegiatan").get(pk=worded.pk)
    [features] = refresh._features([row], text.Vocabulary([]), frozenset(), {})
    plain = refresh._features([make_row(sub_kegiatan=row.sub_kegiatan)], text.Vocabulary([]), frozenset(), {})[0]
    assert set(features.terms) - set(plain.terms) >= {t for t in features.terms if "kursi" in t}
    assert any("kursi" in t for t in features.terms)
    assert features.fingerprint == refresh.row_fingerprint(
        kode=row.kode, lokasi=[], sasaran=[], nama="Kursi roda adaptif untuk anak", pagu=row.pagu
    )


def test_the_evaluation_builds_rows_as_the_import_stores_them():
    from sinkronisasi.evaluation import row_as_imported

    official = ("Jumlah penyandang disabilitas", "Orang")
    same = {"nama": OFFICIAL.upper(), "indikator": "jumlah penyandang disabilitas", "satuan": ""}
    assert row_as_imported(same, OFFICIAL, official) == {
        "nama": OFFICIAL,
        "rincian": "",
        "indikator": "Jumlah penyandang disabilitas",
        "indikator_opd": "",
    }
    own = {"nama": "Kursi roda", "indikator": "Jumlah kursi roda", "satuan": "Unit"}
    assert row_as_imported(own, OFFICIAL, official)["rincian"] == "Kursi roda"
    assert row_as_imported(own, OFFICIAL, official)["indikator_opd"] == "Jumlah kursi roda"


def test_export_writes_the_rincian_and_the_extra_indicator_in_the_import_columns(client, planner, worded):
    client.force_login(planner)
    text = client.get(reverse("renja:row-list"), {"tahun": 2026, "export": "csv"}).getvalue().decode("utf-8-sig")
    lines = [line.split(";") for line in text.splitlines()]
    cells = dict(zip(lines[0], lines[1], strict=True))
    assert (cells["nama"], cells["indikator"], cells["target"], cells["satuan"]) == (
        "Kursi roda adaptif untuk anak",
        "Jumlah kursi roda",
        "40",
        "Unit",
    )
    assert (cells["sumber_data"], cells["desil"], cells["sub_kegiatan"]) == ("dtsen", "4", OFFICIAL)
    assert (cells["indikator_resmi"], cells["satuan_resmi"]) == ("Jumlah penyandang disabilitas", "Orang")
