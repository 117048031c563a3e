"""Records no person wrote (command-line imports, the automatic reopen of a settled pair, demo loading) render on
every page that lists history, as "Sistem (cause)"."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from core.system_actor import acting_as_system, actor_label
from musrenbang.models import Decision, Usulan
from renja import services as renja_services
from renja.models import AuditLog, RenjaRow
from sinkronisasi import services
from sinkronisasi.models import Overlap

from ..factories import make_nomenklatur, make_row, make_wilayah
from .test_detection import DAYCARE_A, DAYCARE_B


def test_actor_label_names_the_person_or_the_system_and_its_cause(planner):
    assert actor_label(planner, "") == (planner.get_full_name() or planner.username)
    assert actor_label(None, "") == "Sistem"
    assert actor_label(None, "manage.py import_renja") == "Sistem (manage.py import_renja)"
    assert actor_label(None, "sync.reopened") == "Sistem (baris berubah, dibuka lagi otomatis)"


def test_entries_written_inside_a_system_context_record_its_source(row_in_opd_a):
    with acting_as_system("manage.py contoh"):
        entry = renja_services.audit_log(obj=row_in_opd_a, action="renja_row.updated", by=None)
    outside = renja_services.audit_log(obj=row_in_opd_a, action="renja_row.updated", by=None)
    assert (entry.source, outside.source) == ("manage.py contoh", "")


def test_row_imported_from_the_command_line_shows_the_command_on_its_page(client, planner, year, opd_a, tmp_path):
    make_nomenklatur("1.06.04.2.01.0008", "Fasilitasi Layanan bagi Penyandang Disabilitas")
    path = tmp_path / "renja.csv"
    path.write_text(
        "ref,opd,kode_sub_kegiatan,nama,pagu\n2026-DINSOS-101,Dinsos,1.06.04.2.01.0008,Layanan disabilitas,1000000\n"
    )
    call_command("import_renja", str(path), "--year", "2026")
    row = RenjaRow.objects.get(ref="2026-DINSOS-101")
    assert AuditLog.objects.filter(object_id=str(row.pk), by=None, source="manage.py import_renja").exists()
    client.force_login(planner)
    response = client.get(reverse("renja:row-detail", args=[row.pk]))
    assert response.status_code == 200
    assert "Sistem (manage.py import_renja)" in response.content.decode()


def test_usulan_decided_through_a_command_line_import_shows_the_command_in_its_trail(
    client, planner, year, opd_a, tmp_path
):
    kecamatan = make_wilayah("64.02.06", "Tenggarong")
    make_wilayah("64.02.06.2001", "Bukit Biru", "desa", parent=kecamatan)
    make_row(opd=opd_a, fiscal_year=year, ref="2026-DINSOS-003")
    path = tmp_path / "usulan.csv"
    path.write_text(
        "id_usulan,kode_desa,usulan,kode_bidang_urusan,anggaran,opd_tujuan,keputusan_opd,alasan\n"
        "MD-9,64.02.06.2001,Kursi roda,1.06,5000000,Dinsos,ditolak,Sudah ada di APBDes\n"
    )
    call_command("import_usulan", str(path), "--year", "2026")
    usulan = Usulan.objects.get(id_usulan="MD-9")
    assert set(Decision.objects.filter(usulan=usulan).values_list("by", "source")) == {
        (None, "manage.py import_usulan")
    }
    client.force_login(planner)
    response = client.get(reverse("musrenbang:usulan-detail", args=[usulan.pk]))
    assert response.status_code == 200
    assert "oleh Sistem (manage.py import_usulan)" in response.content.decode()


@pytest.fixture
def settled_then_reopened(year, opd_b, opd_c, places, groups, codes, planner):
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
        lokasi=[places["desa1"]],
        sasaran=[groups["anak"]],
        **DAYCARE_B,
    )
    services.sync_refresh(fiscal_year=year)
    pair = Overlap.objects.get()
    services.overlap_settle(overlap=pair, status="saling_melengkapi", by=planner)
    renja_services.row_update(
        row=RenjaRow.objects.get(ref="A"), data={"lokasi": [places["desa1"], places["desa2"]]}, by=planner
    )
    services.sync_refresh(fiscal_year=year)
    pair.refresh_from_db()
    assert pair.status == Overlap.Status.OPEN
    return pair


@pytest.mark.parametrize("who", ["planner", "facilitator"])
def test_a_pair_reopened_by_a_row_change_opens_and_names_the_cause(client, request, settled_then_reopened, who):
    entry = AuditLog.objects.get(action="overlap.reopened", object_id=str(settled_then_reopened.pk))
    assert (entry.by, entry.source) == (None, "sync.reopened")
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("sinkronisasi:overlap-detail", args=[settled_then_reopened.pk]))
    assert response.status_code == 200
    assert "Sistem (baris berubah, dibuka lagi otomatis)" in response.content.decode()


def test_a_history_entry_whose_person_was_removed_still_renders(client, planner, row_in_opd_a, opd_a_editor):
    renja_services.row_update(row=row_in_opd_a, data={"rincian": "Rincian baru"}, by=opd_a_editor)
    AuditLog.objects.filter(by=opd_a_editor).update(by=None)  # as after the account was deleted (SET_NULL)
    client.force_login(planner)
    response = client.get(reverse("renja:row-detail", args=[row_in_opd_a.pk]))
    assert response.status_code == 200 and "Sistem" in response.content.decode()
