import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from renja import services
from renja.models import AuditLog, RenjaRow, StageWindow, Wilayah

from ..factories import make_nomenklatur, make_sasaran, make_wilayah


@pytest.fixture
def sub(db):
    return make_nomenklatur("1.06.04.2.01.0001")


def base_data(opd, sub, **kw):
    return {
        "opd": opd,
        "sub_kegiatan": sub,
        "kode": sub.kode,
        "rincian": "Rehabilitasi disabilitas",
        "pagu": 250_000_000,
        **kw,
    }


def test_create_writes_row_and_audit(year, opd_a, sub, planner):
    kec = make_wilayah()
    anak = make_sasaran("anak")
    row = services.row_create(
        fiscal_year=year,
        ref="A-1",
        data=base_data(opd_a, sub, lokasi=[kec], sasaran=[anak], target=Decimal("120")),
        by=planner,
    )
    assert row.version == 1 and row.status == RenjaRow.Status.DRAFT
    assert list(row.lokasi.all()) == [kec] and list(row.sasaran.all()) == [anak]
    entry = AuditLog.objects.get(action="renja_row.created", object_id=str(row.pk))
    assert entry.by == planner and entry.changes["pagu"] == ["", "Rp250.000.000"]


def test_create_refuses_negative_pagu(year, opd_a, sub, planner):
    with pytest.raises(ValidationError, match="Pagu wajib diisi dan tidak boleh negatif") as exc:
        services.row_create(fiscal_year=year, ref="A-1", data=base_data(opd_a, sub, pagu=-1), by=planner)
    assert "pagu" in exc.value.message_dict
    assert not RenjaRow.objects.exists()


def test_database_refuses_negative_pagu_too(row_in_opd_a):
    with pytest.raises(IntegrityError, match="renjarow_pagu_not_negative"), transaction.atomic():
        RenjaRow.objects.filter(pk=row_in_opd_a.pk).update(pagu=-5)


def test_create_refuses_duplicate_ref_in_same_year(year, opd_a, sub, planner, row_in_opd_a):
    with pytest.raises(ValidationError, match="sudah dipakai di tahun 2026") as exc:
        services.row_create(fiscal_year=year, ref=row_in_opd_a.ref, data=base_data(opd_a, sub), by=planner)
    assert "sudah dipakai" in exc.value.message_dict["ref"][0]


def test_create_refuses_regency_as_location(year, opd_a, sub, planner):
    kab = Wilayah.objects.create(kode="64.02", nama="Kutai Kartanegara", tingkat="kabupaten")
    with pytest.raises(ValidationError, match="kosongkan lokasi untuk kegiatan se-kabupaten") as exc:
        services.row_create(fiscal_year=year, ref="A-1", data=base_data(opd_a, sub, lokasi=[kab]), by=planner)
    assert "se-kabupaten" in exc.value.message_dict["lokasi"][0]


def test_create_refuses_inactive_target_group_and_names_from_sub_kegiatan(year, opd_a, sub, planner):
    gone = make_sasaran("lama")
    gone.aktif = False
    gone.save()
    with pytest.raises(ValidationError, match="Kelompok sasaran .* tidak aktif") as exc:
        services.row_create(fiscal_year=year, ref="A-1", data=base_data(opd_a, sub, sasaran=[gone]), by=planner)
    assert set(exc.value.message_dict) == {"sasaran"}
    row = services.row_create(fiscal_year=year, ref="A-2", data=base_data(opd_a, sub, nama=" "), by=planner)
    assert row.nama == sub.nama


def test_update_takes_no_name_indicator_or_unit_from_input(row_in_opd_a, planner):
    official = (row_in_opd_a.nama, row_in_opd_a.indikator, row_in_opd_a.satuan)
    _row, changes = services.row_update(
        row=row_in_opd_a, data={"nama": "", "indikator": "Lain", "satuan": "Paket"}, by=planner
    )
    assert changes == {}
    row_in_opd_a.refresh_from_db()
    assert (row_in_opd_a.nama, row_in_opd_a.indikator, row_in_opd_a.satuan) == official


def test_create_refused_in_locked_year(year, opd_a, sub, planner):
    services.fiscal_year_set_lock(fiscal_year=year, locked=True, reason="RKPD ditetapkan", by=planner)
    year.refresh_from_db()
    with pytest.raises(ValidationError, match="Tahun 2026 dikunci .RKPD ditetapkan.") as exc:
        services.row_create(fiscal_year=year, ref="A-1", data=base_data(opd_a, sub), by=planner)
    assert "dikunci" in exc.value.messages[0] and "RKPD ditetapkan" in exc.value.messages[0]
    assert not RenjaRow.objects.exists()


def test_update_refused_when_renja_stage_locked(row_in_opd_a, planner):
    StageWindow.objects.create(
        fiscal_year=row_in_opd_a.fiscal_year,
        stage="rancangan_awal",
        opens_on=datetime.date(2025, 1, 1),
        closes_on=datetime.date(2025, 2, 1),
        is_locked=True,
    )
    with pytest.raises(ValidationError, match="Rancangan Awal Renja") as exc:
        services.row_update(row=row_in_opd_a, data={"pagu": 5}, by=planner)
    assert "Rancangan Awal Renja" in exc.value.messages[0]
    row_in_opd_a.refresh_from_db()
    assert row_in_opd_a.pagu == 100_000_000


def test_update_records_old_and_new_values(row_in_opd_a, opd_a_editor):
    kec = make_wilayah()
    row, changes = services.row_update(
        row=row_in_opd_a, data={"pagu": 150_000_000, "lokasi": [kec]}, by=opd_a_editor, expected_version=1
    )
    assert row.version == 2
    assert changes == {"pagu": ["Rp100.000.000", "Rp150.000.000"], "lokasi": ["", "64.02.06 Kec. Tenggarong"]}
    entry = AuditLog.objects.get(action="renja_row.updated")
    assert entry.by == opd_a_editor and entry.version == 2 and entry.changes == changes


def test_update_without_difference_writes_nothing(row_in_opd_a, planner):
    row, changes = services.row_update(
        row=row_in_opd_a, data={"pagu": 100_000_000, "nama": row_in_opd_a.nama}, by=planner
    )
    assert changes == {} and row.version == 1
    assert not AuditLog.objects.exists()


def test_stale_edit_is_refused_and_shows_what_changed(row_in_opd_a, opd_a_editor, planner):
    services.row_update(row=row_in_opd_a, data={"pagu": 200_000_000}, by=planner, expected_version=1)
    with pytest.raises(services.RowConflict) as exc:
        services.row_update(row=row_in_opd_a, data={"pagu": 300_000_000}, by=opd_a_editor, expected_version=1)
    assert exc.value.current_version == 2
    assert [e.changes for e in exc.value.entries] == [{"pagu": ["Rp100.000.000", "Rp200.000.000"]}]
    assert exc.value.entries[0].by == planner
    row_in_opd_a.refresh_from_db()
    assert row_in_opd_a.pagu == 200_000_000


def test_officer_cannot_change_agreed_row_but_planner_can(row_in_opd_a, opd_a_editor, planner):
    RenjaRow.objects.filter(pk=row_in_opd_a.pk).update(status=RenjaRow.Status.DISEPAKATI)
    with pytest.raises(ValidationError, match="hanya dapat diubah oleh Bappeda") as exc:
        services.row_update(row=row_in_opd_a, data={"pagu": 1}, by=opd_a_editor)
    assert "hanya dapat diubah oleh Bappeda" in exc.value.messages[0]
    _, changes = services.row_update(row=row_in_opd_a, data={"pagu": 1}, by=planner)
    assert changes


def test_status_moves_forward_with_the_right_roles(row_in_opd_a, opd_a_editor, planner):
    row = services.row_status_change(row=row_in_opd_a, status="diajukan", by=opd_a_editor)
    assert row.status == "diajukan"
    with pytest.raises(ValidationError, match="Hanya Bappeda yang dapat mengubah status") as exc:
        services.row_status_change(row=row, status="disepakati", by=opd_a_editor)
    assert "Hanya Bappeda" in exc.value.messages[0]
    row = services.row_status_change(row=row, status="disepakati", by=planner)
    row = services.row_status_change(row=row, status="final", by=planner)
    assert row.status == "final"
    assert AuditLog.objects.filter(action="renja_row.status_changed").count() == 3


def test_stale_status_change_is_refused_and_changes_nothing(row_in_opd_a, opd_a_editor, planner):
    """A status change sent from a page loaded before someone else saved the row is refused, not applied on top."""
    loaded_version = row_in_opd_a.version
    services.row_update(row=row_in_opd_a, data={"pagu": 300_000_000}, by=planner, expected_version=loaded_version)
    with pytest.raises(ValidationError, match="sudah diubah orang lain; muat ulang halaman") as exc:
        services.row_status_change(
            row=row_in_opd_a, status="diajukan", by=opd_a_editor, expected_version=loaded_version
        )
    assert exc.value.code == "conflict"
    row = RenjaRow.objects.get(pk=row_in_opd_a.pk)
    assert (row.status, row.version, row.pagu) == ("draft", loaded_version + 1, 300_000_000)
    assert not AuditLog.objects.filter(action="renja_row.status_changed").exists()
    # With the current version the same move goes through.
    row = services.row_status_change(row=row, status="diajukan", by=opd_a_editor, expected_version=row.version)
    assert (row.status, row.version) == ("diajukan", loaded_version + 2)


def test_status_change_stale_after_another_status_change_is_refused(row_in_opd_a, opd_a_editor, planner):
    """Two people move the same row from the same page: the second move (here back to draft) is refused."""
    loaded_version = row_in_opd_a.version
    services.row_status_change(row=row_in_opd_a, status="diajukan", by=opd_a_editor, expected_version=loaded_version)
    with pytest.raises(ValidationError, match="sudah diubah orang lain"):
        services.row_status_change(row=row_in_opd_a, status="draft", by=planner, expected_version=loaded_version)
    row = RenjaRow.objects.get(pk=row_in_opd_a.pk)
    assert (row.status, row.version) == ("diajukan", loaded_version + 1)
    assert AuditLog.objects.filter(action="renja_row.status_changed").count() == 1


def test_status_cannot_skip_a_step(row_in_opd_a, planner):
    with pytest.raises(ValidationError, match="Status tidak dapat diubah dari Draf ke Final") as exc:
        services.row_status_change(row=row_in_opd_a, status="final", by=planner)
    assert "Draf" in exc.value.messages[0] and "Final" in exc.value.messages[0]


def test_status_moves_offered_match_role(row_in_opd_a, opd_a_editor, opd_b_editor, planner, facilitator):
    assert services.status_moves_for(row_in_opd_a, opd_a_editor) == ["diajukan"]
    assert services.status_moves_for(row_in_opd_a, opd_b_editor) == []
    assert services.status_moves_for(row_in_opd_a, facilitator) == []
    RenjaRow.objects.filter(pk=row_in_opd_a.pk).update(status="diajukan")
    row_in_opd_a.refresh_from_db()
    assert set(services.status_moves_for(row_in_opd_a, planner)) == {"draft", "disepakati"}


class TestResolveSubKegiatan:
    def test_plain_code(self, opd_a, sub):
        assert services.resolve_sub_kegiatan("1.06.04.2.01.0001", opd_a) == (sub, "1.06.04.2.01.0001")

    def test_support_program_takes_the_agency_bidang(self, opd_a):
        penunjang = make_nomenklatur("X.XX.01.2.02.0001", "Penyediaan Gaji dan Tunjangan ASN")
        assert services.resolve_sub_kegiatan("1.06.01.2.02.0001", opd_a) == (penunjang, "1.06.01.2.02.0001")
        assert services.resolve_sub_kegiatan("X.XX.01.2.02.0001", opd_a) == (penunjang, "1.06.01.2.02.0001")

    def test_support_program_of_another_bidang_is_refused(self, opd_a):
        make_nomenklatur("X.XX.01.2.02.0001", "Penyediaan Gaji dan Tunjangan ASN")
        with pytest.raises(ValidationError, match="tidak diampu Dinsos"):
            services.resolve_sub_kegiatan("2.08.01.2.02.0001", opd_a)

    def test_unknown_code(self, opd_a):
        with pytest.raises(ValidationError, match="tidak ada dalam nomenklatur"):
            services.resolve_sub_kegiatan("9.99.99.2.01.0001", opd_a)

    def test_not_a_sub_kegiatan(self, opd_a, sub):
        with pytest.raises(ValidationError, match="bukan sub kegiatan"):
            services.resolve_sub_kegiatan("1.06.04.2.01", opd_a)

    def test_code_no_longer_in_force(self, opd_a):
        make_nomenklatur("1.06.04.2.01.0009", aktif=False, versi="lama")
        with pytest.raises(ValidationError, match="tidak berlaku"):
            services.resolve_sub_kegiatan("1.06.04.2.01.0009", opd_a)


def test_agency_role_requires_agency(db):
    from renja.models import User

    with pytest.raises(IntegrityError, match="user_opd_role_has_opd"), transaction.atomic():
        User.objects.create(username="tanpa-opd", role=User.Role.PETUGAS_OPD)


def test_search_text_follows_every_write(year, opd_a, sub, planner):
    row = services.row_create(
        fiscal_year=year, ref="Cari-1", data=base_data(opd_a, sub, rincian="Taman Asuh Anak"), by=planner
    )
    assert "taman asuh anak" in row.cari and "cari-1" in row.cari and sub.nama.lower() in row.cari
    row, _ = services.row_update(row=row, data={"keterangan": "Daycare Tenggarong"}, by=planner)
    assert "daycare tenggarong" in RenjaRow.objects.get(pk=row.pk).cari


def test_agreement_follows_the_forum_stage_not_the_drafting_stage(row_in_opd_a, planner):
    year = row_in_opd_a.fiscal_year
    StageWindow.objects.create(
        fiscal_year=year,
        stage="rancangan_awal",
        opens_on=datetime.date(2025, 1, 1),
        closes_on=datetime.date(2025, 2, 1),
        is_locked=True,
    )
    RenjaRow.objects.filter(pk=row_in_opd_a.pk).update(status="diajukan")
    row_in_opd_a.refresh_from_db()
    assert services.status_moves_for(row_in_opd_a, planner) == ["disepakati"]
    row = services.row_status_change(row=row_in_opd_a, status="disepakati", by=planner)
    StageWindow.objects.create(
        fiscal_year=year,
        stage="penetapan",
        opens_on=datetime.date(2025, 4, 1),
        closes_on=datetime.date(2025, 6, 1),
        is_locked=True,
    )
    with pytest.raises(ValidationError, match="Penetapan Renja"):
        services.row_status_change(row=row, status="final", by=planner)
