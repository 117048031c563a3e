"""The perubahan report: a scripted change between two stages (a row added, one removed, one changed in pagu, target
and lokasi, one only moved along its status) listed exactly, per agency in kode-unit order, on screen and as XLSX;
an agency's people see their own agency only; the page costs the same queries for few and many rows."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from renja import services
from renja.models import Opd, PaguOpd, RenjaRow
from renja.services import snapshots

from ..factories import make_nomenklatur, make_opd, make_row, make_wilayah


@pytest.fixture
def places(db):
    return make_wilayah("64.02.06", "Tenggarong"), make_wilayah("64.02.07", "Loa Kulu")


@pytest.fixture
def scripted(year, opd_a, opd_b, planner, places):
    """Rancangan awal taken; then a row added (DP3A), one removed (Dinsos), one changed in pagu, target and lokasi
    (Dinsos), one only submitted (DP3A); forum taken."""
    Opd.objects.filter(pk=opd_a.pk).update(kode_unit="1.06.0.00.0.00.01.0000")
    Opd.objects.filter(pk=opd_b.pk).update(kode_unit="2.08.0.00.0.00.01.0000")
    tenggarong, loa_kulu = places
    changed = make_row(
        opd=opd_a,
        fiscal_year=year,
        ref="2026-DINSOS-001",
        pagu=250_000_000,
        target=Decimal("40"),
        satuan="Orang",
        lokasi=[tenggarong],
    )
    removed = make_row(opd=opd_a, fiscal_year=year, ref="2026-DINSOS-002", pagu=50_000_000, rincian="Dapur umum")
    submitted = make_row(
        opd=opd_b,
        fiscal_year=year,
        ref="2026-DP3A-001",
        pagu=75_000_000,
        sub_kegiatan=make_nomenklatur("2.08.02.2.01.0001"),
    )
    PaguOpd.objects.create(fiscal_year=year, opd=opd_a, pagu=1_000_000_000)
    snapshots.stage_snapshot_take(fiscal_year=year, stage="rancangan_awal", by=planner)

    make_row(
        opd=opd_b,
        fiscal_year=year,
        ref="2026-DP3A-002",
        pagu=120_000_000,
        rincian='=HYPERLINK("http://x")',
        sub_kegiatan=make_nomenklatur("2.08.02.2.01.0002", "Penyediaan Layanan Rujukan Akhir"),
    )
    RenjaRow.objects.filter(pk=removed.pk).delete()
    services.row_update(
        row=changed, data={"pagu": 300_000_000, "target": Decimal("45"), "lokasi": [tenggarong, loa_kulu]}, by=planner
    )
    services.row_status_change(row=submitted, status="diajukan", by=planner)
    snapshots.stage_snapshot_take(fiscal_year=year, stage="forum", by=planner)
    return year


def _documents(year, *stages):
    from renja.models import StageSnapshot

    return [StageSnapshot.objects.get(fiscal_year=year, stage=s).data for s in stages]


def test_the_report_lists_exactly_the_scripted_changes(scripted):
    report = snapshots.plan_changes(*_documents(scripted, "rancangan_awal", "forum"))
    assert list(report) == ["Dinsos", "DP3A"]  # kode-unit order
    dinsos, dp3a = report["Dinsos"], report["DP3A"]
    assert [r["ref"] for r in dinsos["removed"]] == ["2026-DINSOS-002"] and dinsos["added"] == []
    assert dinsos["removed"][0]["pagu"] == 50_000_000 and dinsos["removed"][0]["rincian"] == "Dapur umum"
    [change] = dinsos["changed"]
    assert change["ref"] == "2026-DINSOS-001"
    assert change["fields"] == {
        "pagu": (250_000_000, 300_000_000),
        "target": (Decimal("40"), Decimal("45")),
        "lokasi": ("Tenggarong", "Tenggarong; Loa Kulu"),
    }
    assert (dinsos["pagu_old"], dinsos["pagu_new"], dinsos["selisih"]) == (300_000_000, 300_000_000, 0)
    assert dinsos["ceiling_old"] == dinsos["ceiling_new"] == 1_000_000_000
    assert [r["ref"] for r in dp3a["added"]] == ["2026-DP3A-002"] and dp3a["removed"] == []
    assert dp3a["changed"] == [] and dp3a["unchanged"] == 1  # a status move alone is no change
    assert (dp3a["pagu_old"], dp3a["pagu_new"], dp3a["selisih"]) == (75_000_000, 195_000_000, 120_000_000)


def test_the_same_documents_show_no_change_and_a_reversed_pair_swaps_them(scripted):
    old, new = _documents(scripted, "rancangan_awal", "forum")
    assert not any(s["has_changes"] for s in snapshots.plan_changes(new, new).values())
    back = snapshots.plan_changes(new, old)
    assert [r["ref"] for r in back["Dinsos"]["added"]] == ["2026-DINSOS-002"]
    assert back["Dinsos"]["changed"][0]["fields"]["pagu"] == (300_000_000, 250_000_000)


def test_a_stage_against_the_live_plan(scripted, planner):
    row = RenjaRow.objects.get(ref="2026-DP3A-001")
    services.row_update(row=row, data={"target_n1": Decimal("50"), "pagu_n1": 80_000_000}, by=planner)
    old = _documents(scripted, "forum")[0]
    report = snapshots.plan_changes(old, snapshots.plan_document(scripted))
    assert report["DP3A"]["changed"][0]["fields"] == {"target_n1": (None, Decimal("50")), "pagu_n1": (None, 80_000_000)}
    assert not report["Dinsos"]["has_changes"]


def test_the_planner_sees_every_agency_on_screen(client, scripted, planner):
    client.force_login(planner)
    response = client.get(reverse("renja:perubahan"), {"tahun": 2026, "dari": "rancangan_awal", "ke": "forum"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "2026-DINSOS-002" in body and "2026-DP3A-002" in body and "2026-DINSOS-001" in body
    assert "Rp250.000.000" in body and "Rp300.000.000" in body and "Tenggarong; Loa Kulu" in body
    assert "1 ditambah, 1 dihapus, 1 diubah" in body
    assert body.index('id="opd-dinsos"') < body.index('id="opd-dp3a"')


def test_defaults_compare_the_first_stage_with_the_live_plan(client, scripted, planner):
    client.force_login(planner)
    body = client.get(reverse("renja:perubahan")).content.decode()
    assert "Dari Rancangan Awal Renja ke Saat ini" in body and "2026-DINSOS-002" in body


def test_an_officer_sees_only_their_own_agency(client, scripted, opd_a_editor, opd_a, opd_b):
    client.force_login(opd_a_editor)
    url = reverse("renja:perubahan")
    body = client.get(url, {"tahun": 2026, "dari": "rancangan_awal", "ke": "forum"}).content.decode()
    assert "2026-DINSOS-002" in body and "2026-DP3A" not in body and "DP3A" not in body
    assert client.get(url, {"dari": "rancangan_awal", "ke": "forum", "opd": opd_a.pk}).status_code == 200
    assert client.get(url, {"dari": "rancangan_awal", "ke": "forum", "opd": opd_b.pk}).status_code == 404
    assert client.get(reverse("renja:perubahan-xlsx"), {"opd": opd_b.pk}).status_code == 404
    workbook = load_workbook(
        io.BytesIO(client.get(reverse("renja:perubahan-xlsx"), {"dari": "rancangan_awal", "ke": "forum"}).content)
    )
    assert {row[1] for row in workbook.active.iter_rows(min_row=2, values_only=True)} == {"Dinsos"}


def test_a_planner_narrows_the_report_to_one_agency(client, scripted, planner, opd_b):
    client.force_login(planner)
    body = client.get(
        reverse("renja:perubahan"), {"dari": "rancangan_awal", "ke": "forum", "opd": opd_b.pk}
    ).content.decode()
    assert "2026-DP3A-002" in body and "2026-DINSOS-002" not in body
    assert client.get(reverse("renja:perubahan"), {"opd": 999_999}).status_code == 404


def test_people_without_an_agency_or_role_see_nothing(client, scripted):
    from ..factories import make_user

    reader = make_user("tanpa.opd", role="fasilitator", is_active=False)
    client.force_login(reader)
    assert client.get(reverse("renja:perubahan")).status_code in (302, 403)


def test_the_xlsx_reads_back_with_the_same_changes(client, scripted, planner):
    client.force_login(planner)
    response = client.get(reverse("renja:perubahan-xlsx"), {"tahun": 2026, "dari": "rancangan_awal", "ke": "forum"})
    assert response["Content-Disposition"].startswith('attachment; filename="perubahan-2026-rancangan_awal-forum-')
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Kode unit", "OPD", "Perubahan", "Ref")
    lines = {(r[1], r[2], r[3], r[7]): (r[8], r[9], r[10]) for r in rows[1:]}
    assert lines == {
        ("Dinsos", "Dihapus", "2026-DINSOS-002", "pagu"): (50_000_000, None, -50_000_000),
        ("Dinsos", "Diubah", "2026-DINSOS-001", "pagu indikatif"): (250_000_000, 300_000_000, 50_000_000),
        ("Dinsos", "Diubah", "2026-DINSOS-001", "target"): (40, 45, None),
        ("Dinsos", "Diubah", "2026-DINSOS-001", "lokasi"): ("Tenggarong", "Tenggarong; Loa Kulu", None),
        ("DP3A", "Ditambah", "2026-DP3A-002", "pagu"): (None, 120_000_000, 120_000_000),
    }
    added = next(r for r in rows if r[3] == "2026-DP3A-002")
    assert added[6] == '\'=HYPERLINK("http://x")'  # a formula stays text


def test_without_snapshots_the_page_says_so_and_there_is_no_download(client, year, planner):
    client.force_login(planner)
    assert 'id="belum-ada-potret"' in client.get(reverse("renja:perubahan")).content.decode()
    assert client.get(reverse("renja:perubahan-xlsx")).status_code == 404


def test_unknown_sides_fall_back_to_the_defaults(client, scripted, planner):
    client.force_login(planner)
    body = client.get(reverse("renja:perubahan"), {"dari": "x" * 500, "ke": "penetapan"}).content.decode()
    assert "Dari Rancangan Awal Renja ke Saat ini" in body


def test_the_report_costs_the_same_queries_with_more_rows_and_agencies(client, scripted, planner, places):
    client.force_login(planner)
    url = reverse("renja:perubahan")
    query = {"dari": "rancangan_awal", "ke": "saat_ini"}
    client.get(url, query)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, query).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for i in range(6):
        opd = make_opd(f"Kec{i}")
        make_row(opd=opd, fiscal_year=scripted, pagu=i + 1, lokasi=list(places))
        PaguOpd.objects.create(fiscal_year=scripted, opd=opd, pagu=10)
    assert count() == few
