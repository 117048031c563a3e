"""Each signal of the overlap detector, and each case that is not an overlap."""

from sinkronisasi import detector, services, text
from sinkronisasi.models import Overlap

from ..factories import make_nomenklatur, make_opd, make_row, make_usulan

DAYCARE_A = dict(nama="Taman Asuh Anak bagi anak pekerja", keterangan="Pengasuhan anak harian di kelurahan")
DAYCARE_B = dict(
    nama="Rumah Penitipan Anak (daycare) TAMASYA", keterangan="Layanan penitipan anak bagi orang tua bekerja"
)


def pairs(year):
    services.sync_refresh(fiscal_year=year)
    return {
        (p.row_a.ref, p.row_b.ref): p for p in Overlap.objects.filter(fiscal_year=year).select_related("row_a", "row_b")
    }


def key(a, b):
    return (a.ref, b.ref) if a.pk < b.pk else (b.ref, a.ref)


def test_same_work_under_different_names_in_the_same_place_is_flagged(year, opd_b, opd_c, places, groups, codes):
    a = make_row(
        opd=opd_b,
        fiscal_year=year,
        ref="A",
        sub_kegiatan=codes["dp3a"],
        lokasi=[places["desa1"]],
        sasaran=[groups["anak"], groups["balita"]],
        **DAYCARE_A,
    )
    b = make_row(
        opd=opd_c,
        fiscal_year=year,
        ref="B",
        sub_kegiatan=codes["dp2kb"],
        lokasi=[places["desa1"]],
        sasaran=[groups["anak"]],
        **DAYCARE_B,
    )
    found = pairs(year)
    pair = found[key(a, b)]
    assert pair.score >= services.PARAMS.threshold
    assert detector.URAIAN in pair.signals and "penitipan anak" in pair.signals["istilah"]  # the synonym group, by name
    assert pair.signals[detector.SASARAN_LOKASI] == ["Anak"]
    assert pair.signals["lokasi"] == ["Loa Ipuh"]


def test_same_work_in_places_that_do_not_meet_is_not_flagged(year, opd_b, opd_c, places, groups, codes):
    make_row(
        opd=opd_b,
        fiscal_year=year,
        ref="A",
        sub_kegiatan=codes["dp3a"],
        lokasi=[places["desa1"]],
        sasaran=[groups["anak"]],
        **DAYCARE_A,
    )
    make_row(
        opd=opd_c,
        fiscal_year=year,
        ref="B",
        sub_kegiatan=codes["dp2kb"],
        lokasi=[places["desa3"]],
        sasaran=[groups["anak"]],
        **DAYCARE_B,
    )
    assert pairs(year) == {}


def test_a_regency_wide_row_covers_every_place(year, opd_b, opd_c, places, groups, codes):
    a = make_row(
        opd=opd_b,
        fiscal_year=year,
        ref="A",
        sub_kegiatan=codes["dp3a"],
        lokasi=[],
        sasaran=[groups["anak"]],
        **DAYCARE_A,
    )
    b = make_row(
        opd=opd_c,
        fiscal_year=year,
        ref="B",
        sub_kegiatan=codes["dp2kb"],
        lokasi=[places["desa3"]],
        sasaran=[groups["anak"]],
        **DAYCARE_B,
    )
    pair = pairs(year)[key(a, b)]
    assert pair.signals["se_kabupaten"] is True


def test_a_kecamatan_row_meets_a_desa_row_inside_it(year, opd_b, opd_c, places, groups, codes):
    a = make_row(
        opd=opd_b,
        fiscal_year=year,
        ref="A",
        sub_kegiatan=codes["dp3a"],
        lokasi=[places["kec1"]],
        sasaran=[groups["anak"]],
        **DAYCARE_A,
    )
    b = make_row(
        opd=opd_c,
        fiscal_year=year,
        ref="B",
        sub_kegiatan=codes["dp2kb"],
        lokasi=[places["desa2"]],
        sasaran=[groups["anak"]],
        **DAYCARE_B,
    )
    assert pairs(year)[key(a, b)].signals["lokasi"] == ["Sukarame"]


def test_different_work_for_the_same_group_in_the_same_village_is_not_an_overlap(
    year, opd_b, opd_c, places, groups, codes
):
    make_row(
        opd=opd_b,
        fiscal_year=year,
        ref="A",
        sub_kegiatan=codes["dp3a"],
        lokasi=[places["desa1"]],
        sasaran=[groups["anak"]],
        nama="Pembangunan ruang kelas PAUD",
        keterangan="Konstruksi dua ruang kelas beserta mebel",
    )
    make_row(
        opd=opd_c,
        fiscal_year=year,
        ref="B",
        sub_kegiatan=codes["dp2kb"],
        lokasi=[places["desa1"]],
        sasaran=[groups["anak"]],
        nama="Imunisasi campak dan polio",
        keterangan="Vaksinasi di posyandu oleh bidan desa",
    )
    assert pairs(year) == {}


def test_same_sub_kegiatan_code_in_two_agencies_where_places_meet_is_flagged(year, places, groups):
    code = make_nomenklatur("1.02.02.2.02.0010", "Pelayanan Kesehatan Orang dengan Gangguan Jiwa Berat")
    dinkes, rsud = make_opd("Dinkes", bidang=["1.02"]), make_opd("RSUD", bidang=["1.02"])
    a = make_row(
        opd=dinkes,
        fiscal_year=year,
        ref="A",
        sub_kegiatan=code,
        lokasi=[places["kec1"]],
        nama="Layanan ODGJ di puskesmas",
    )
    b = make_row(
        opd=rsud,
        fiscal_year=year,
        ref="B",
        sub_kegiatan=code,
        lokasi=[places["desa1"]],
        nama="Rawat inap jiwa rumah sakit",
    )
    pair = pairs(year)[key(a, b)]
    assert pair.signals[detector.KODE] == "1.02.02.2.02.0010"
    assert pair.score == 1.0


def test_same_code_in_places_that_never_meet_is_not_an_overlap(year, places):
    """Two kecamatan offices coordinating, each in its own kecamatan, share every 7.01 code."""
    code = make_nomenklatur("7.01.02.2.01.0001", "Koordinasi Kegiatan Pemberdayaan Desa")
    kec_a, kec_b = make_opd("Kec. Tenggarong", bidang=["7.01"]), make_opd("Kec. Sebulu", bidang=["7.01"])
    make_row(opd=kec_a, fiscal_year=year, ref="A", sub_kegiatan=code, lokasi=[places["kec1"]])
    make_row(opd=kec_b, fiscal_year=year, ref="B", sub_kegiatan=code, lokasi=[places["kec2"]])
    assert pairs(year) == {}


def test_program_penunjang_code_in_two_agencies_is_never_an_overlap(year, opd_a, opd_b, codes):
    make_row(
        opd=opd_a,
        fiscal_year=year,
        ref="A",
        sub_kegiatan=codes["salary_a"],
        kode="3.27.01.2.02.0001",
        nama="Penyediaan Gaji dan Tunjangan ASN",
    )
    make_row(
        opd=opd_b,
        fiscal_year=year,
        ref="B",
        sub_kegiatan=codes["salary_b"],
        kode="3.27.01.2.02.0001",
        nama="Penyediaan Gaji dan Tunjangan ASN",
    )
    assert pairs(year) == {}


def test_rows_of_the_same_agency_are_never_paired(year, opd_b, places, groups, codes):
    make_row(
        opd=opd_b,
        fiscal_year=year,
        ref="A",
        sub_kegiatan=codes["dp3a"],
        lokasi=[places["desa1"]],
        sasaran=[groups["anak"]],
        **DAYCARE_A,
    )
    make_row(
        opd=opd_b,
        fiscal_year=year,
        ref="B",
        sub_kegiatan=codes["dp3a"],
        lokasi=[places["desa1"]],
        sasaran=[groups["anak"]],
        **DAYCARE_B,
    )
    assert pairs(year) == {}


def test_the_same_usulan_picked_up_by_two_agencies_is_flagged_with_score_one(year, opd_a, opd_b, places, codes):
    from musrenbang import services as usulan_services
    from musrenbang.models import Decision, Pickup

    a = make_row(
        opd=opd_a,
        fiscal_year=year,
        ref="A",
        sub_kegiatan=codes["dinsos"],
        nama="Bantuan sembako lansia",
        lokasi=[places["kec1"]],
    )
    b = make_row(
        opd=opd_b,
        fiscal_year=year,
        ref="B",
        sub_kegiatan=codes["dp3a"],
        nama="Pelatihan menjahit perempuan",
        lokasi=[places["kec2"]],
    )
    usulan = make_usulan(fiscal_year=year, opd_tujuan=opd_a, id_usulan="U-77")
    usulan_services.usulan_decide(
        usulan=usulan, kind=Decision.Kind.DITERIMA, by=None, allocations=[usulan_services.Allocation(row=a)]
    )
    # The record of a second agency picking the same usulan (e.g. imported from SIPD) is what double funding looks like.
    decision = usulan.decisions.last()
    Pickup.objects.create(usulan=usulan, renja_row=b, anggaran=0, decision=decision)
    pair = pairs(year)[key(a, b)]
    assert pair.score == 1.0
    assert pair.signals["usulan_id"] == ["U-77"]


def test_a_synonym_added_by_planners_joins_two_names(year, opd_b, opd_c, places, groups, codes, planner):
    make_row(
        opd=opd_b,
        fiscal_year=year,
        ref="A",
        sub_kegiatan=codes["dp3a"],
        lokasi=[places["desa1"]],
        sasaran=[groups["lansia"]],
        nama="Sekolah Lansia",
        keterangan="",
    )
    make_row(
        opd=opd_c,
        fiscal_year=year,
        ref="B",
        sub_kegiatan=codes["dp2kb"],
        lokasi=[places["desa1"]],
        sasaran=[groups["lansia"]],
        nama="Universitas Usia Ketiga",
        keterangan="",
    )
    before = pairs(year)
    services.synonym_group_save(
        group=None, nama="sekolah lansia", frasa="sekolah lansia, universitas usia ketiga", aktif=True, by=planner
    )
    after = pairs(year)
    assert before == {} and len(after) == 1


def test_text_is_normalised_stemmed_and_stripped_of_filler():
    vocabulary = text.vocabulary_from([(1, "penitipan anak", ["penitipan anak", "daycare"])])
    a = text.terms("PENYEDIAAN Layanan Penitipan-Anak, Kegiatan Program!", vocabulary)
    b = text.terms("penyelenggaraan daycare", vocabulary)
    assert "~1" in a and "~1" in b
    assert not {"sedia", "giat", "program", "selenggara"} & set(a + b)


def test_places_meet_rules():
    assert detector.shared_places(frozenset(), frozenset({"64.02.06"})) == (True, ["64.02.06"])
    assert detector.shared_places(frozenset({"64.02.06"}), frozenset({"64.02.06.1002"})) == (True, ["64.02.06.1002"])
    assert detector.shared_places(frozenset({"64.02.06.1002"}), frozenset({"64.02.06.1007"}))[0] is False
    assert detector.is_penunjang("1.06.01.2.02.0001") and not detector.is_penunjang("1.06.04.2.01.0001")


def test_naming_double_funded_usulan_costs_one_query_however_many(year, opd_a, opd_b, codes):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from musrenbang import services as usulan_services
    from musrenbang.models import Decision, Pickup

    def double_fund(n):
        for i in range(n):
            a = make_row(opd=opd_a, fiscal_year=year, sub_kegiatan=codes["dinsos"], nama=f"Bantuan sembako {i}")
            b = make_row(opd=opd_b, fiscal_year=year, sub_kegiatan=codes["dp3a"], nama=f"Pelatihan menjahit {i}")
            usulan = make_usulan(fiscal_year=year, opd_tujuan=opd_a)
            usulan_services.usulan_decide(
                usulan=usulan,
                kind=Decision.Kind.DITERIMA,
                by=None,
                allocations=[usulan_services.Allocation(row=a)],
            )
            Pickup.objects.create(usulan=usulan, renja_row=b, anggaran=0, decision=usulan.decisions.last())

    def full_refresh_queries():
        with CaptureQueriesContext(connection) as ctx:
            services.sync_refresh(fiscal_year=year, full=True)
        return len([q for q in ctx.captured_queries if "musrenbang_usulan" in q["sql"]])

    double_fund(1)
    few = full_refresh_queries()
    double_fund(3)
    assert full_refresh_queries() == few
    assert Overlap.objects.filter(score=1.0).count() >= 4
