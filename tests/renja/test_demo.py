from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Q

from renja import selectors
from renja.models import AuditLog, Nomenklatur, Opd, PaguOpd, ProgramIndicator, RenjaRow, User
from renja.services.agencies import PANGKAT_PNS, nip_refusal

FORUM_AGENCIES = ["Dinkes", "Dinsos", "DP3A", "DP2KB"]


def test_seed_demo_is_idempotent_and_prints_logins(db, capsys):
    call_command("seed_demo", "--password", "demo-sandi-2026")
    out = capsys.readouterr().out
    assert "Kata sandi semua pengguna demo: demo-sandi-2026" in out and "perencana" in out
    rows = RenjaRow.objects.count()
    assert rows >= 90
    assert set(RenjaRow.objects.values_list("opd__singkatan", flat=True)) >= {"Dinsos", "DP2KB", "DP3A", "Dinkes"}
    assert RenjaRow.objects.filter(status="diajukan", opd__singkatan="Dinsos").exists()
    assert User.objects.get(username="dinsos").check_password("demo-sandi-2026")
    roles = set(User.objects.values_list("role", flat=True))
    assert roles == set(User.Role.values)
    audits = AuditLog.objects.exclude(action__endswith=".imported").count()
    ceilings, indicators = PaguOpd.objects.count(), ProgramIndicator.objects.count()
    assert ceilings and indicators

    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "0 baris baru, 0 diperbarui" in out and "tidak diubah" in out
    assert "N+1 diisi pada 0 baris, target resmi pada 0 baris, kepala 0 OPD, pagu indikatif 0 OPD" in out
    assert "0 indikator program/kegiatan baru" in out
    assert (PaguOpd.objects.count(), ProgramIndicator.objects.count()) == (ceilings, indicators)
    assert RenjaRow.objects.count() == rows and User.objects.count() == len(roles) + 8
    assert AuditLog.objects.exclude(action__endswith=".imported").count() == audits  # nothing changed, nothing audited
    assert User.objects.get(username="dinsos").check_password("demo-sandi-2026")


def test_seed_demo_generates_password_when_none_given(db, capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    password = out.split("Kata sandi semua pengguna demo: ")[1].split()[0]
    assert len(password) >= 10 and User.objects.get(username="perencana").check_password(password)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo seeded once for this module's tests, rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", "--password", "demo-sandi-2026", stdout=open("/dev/null", "w"))
        yield
        transaction.set_rollback(True)


def test_every_demo_row_carries_its_sub_kegiatans_official_name_and_a_local_rincian(demo, db):
    rows = list(RenjaRow.objects.select_related("sub_kegiatan"))
    assert [r.ref for r in rows if r.nama != r.sub_kegiatan.nama] == []
    assert [r.ref for r in rows if not r.rincian or r.rincian == r.nama] == []
    assert [r.ref for r in rows if r.indikator != r.sub_kegiatan.indikator or r.satuan != r.sub_kegiatan.satuan] == []
    day_care = RenjaRow.objects.get(ref="2026-DP3A-003")  # a Taman Asuh Anak under the sub kegiatan that fits it
    assert "Taman Asuh Anak" in day_care.rincian and day_care.sub_kegiatan.satuan == "Orang"


def test_every_demo_row_forecasts_the_year_after(demo, db):
    assert not RenjaRow.objects.filter(Q(target_n1__isnull=True) | Q(pagu_n1__isnull=True)).exists()
    for row in RenjaRow.objects.all():
        assert row.pagu * Decimal("1.025") <= row.pagu_n1 <= row.pagu * Decimal("1.085"), row.ref
        assert row.target * Decimal("0.89") <= row.target_n1 <= row.target * Decimal("1.11"), row.ref


def test_exactly_one_demo_agency_is_over_its_ceiling_by_a_visible_amount(demo, db):
    status = selectors.ceiling_status(selectors.current_fiscal_year())
    with_rows = [s for s in status if s.n]
    assert with_rows and all(s.pagu for s in with_rows)
    over = [s for s in with_rows if s.over]
    assert [(s.opd.singkatan, s.excess) for s in over] == [("DP2KB", 1_050_000_000)]


def test_the_dp2kb_day_care_is_a_quick_win_among_a_few(demo, db):
    day_care = RenjaRow.objects.select_related("sub_kegiatan").get(ref="2026-DP2KB-003")
    assert day_care.quick_win and "Taman Asuh Sayang Anak" in day_care.sub_kegiatan.nama
    assert 3 <= RenjaRow.objects.filter(quick_win=True).count() <= 5


def test_the_forum_agencies_heads_are_recorded_as_documents_print_them(demo, db):
    for opd in Opd.objects.filter(singkatan__in=FORUM_AGENCIES):
        assert opd.kepala_nama and nip_refusal(opd.kepala_nip) is None, opd.singkatan
        assert opd.kepala_pangkat in PANGKAT_PNS and opd.kepala_jabatan.startswith("Kepala Dinas"), opd.singkatan
    assert list(Opd.objects.filter(singkatan__in=FORUM_AGENCIES).values_list("singkatan", flat=True)) == FORUM_AGENCIES


def test_every_program_and_kegiatan_of_the_forum_agencies_has_its_indicator(demo, db):
    indicators = ProgramIndicator.objects.select_related("opd", "nomenklatur")
    have = {(i.opd.singkatan, i.kode) for i in indicators}
    for row in RenjaRow.objects.filter(opd__singkatan__in=FORUM_AGENCIES).select_related("opd"):
        program, kegiatan = row.kode.rsplit(".", 3)[0], row.kode.rsplit(".", 1)[0]
        assert (row.opd.singkatan, program) in have and (row.opd.singkatan, kegiatan) in have, row.ref
    levels = {(i.opd.singkatan, i.nomenklatur.level) for i in indicators}
    for singkatan in FORUM_AGENCIES:
        assert {(singkatan, Nomenklatur.Level.PROGRAM), (singkatan, Nomenklatur.Level.KEGIATAN)} <= levels
    assert all(i.target is not None and i.target_n1 is not None and i.satuan for i in indicators)


def test_the_forums_own_target_groups_are_used(demo, db):
    assert RenjaRow.objects.filter(sasaran__slug="keluarga_berisiko_stunting", opd__singkatan="DP2KB").exists()
    assert RenjaRow.objects.filter(sasaran__slug="odgj").count() == 2


def test_rows_for_registered_families_name_their_source_of_data(demo, db):
    sources = dict(RenjaRow.objects.exclude(sumber_data="").values_list("ref", "sumber_data"))
    assert sources["2026-DINSOS-008"] == "dtsen" and sources["2026-DP2KB-005"] == "pk"
    assert sources["2026-DINKES-005"] == "eppgbm"
    assert RenjaRow.objects.get(ref="2026-DINSOS-008").desil == 4
    assert not RenjaRow.objects.exclude(sumber_data__in=["dtks", "dtsen"]).filter(desil__isnull=False).exists()


def test_a_few_rows_carry_the_agencys_own_measure_beside_the_official_indicator(demo, db):
    pmt = RenjaRow.objects.get(ref="2026-DINKES-005")
    assert (pmt.target, pmt.satuan) == (Decimal("2"), "Dokumen") and (
        pmt.indikator_opd,
        pmt.target_opd,
        pmt.satuan_opd,
    ) == (
        "Jumlah balita gizi kurang dan ibu hamil KEK yang mendapat PMT lokal",
        Decimal("640"),
        "Orang",
    )
    assert RenjaRow.objects.exclude(indikator_opd="").count() == 4
