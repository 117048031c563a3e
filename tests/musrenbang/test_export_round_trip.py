"""Usulan export → re-import of the unedited file changes nothing (CSV and XLSX).

The export carries more columns than the project import reads (kode_lacak, desa and kecamatan names, jenis,
opd_awal, status: ignored on import) and no decision column: its opd_tujuan reads as a routing to the agency the
usulan is with, which an usulan that agency has decided since already passed through.
"""

from decimal import Decimal

import pytest
from django.urls import reverse

from musrenbang import imports, services
from musrenbang.models import Decision, Usulan
from renja.models import AuditLog

from ..factories import make_nomenklatur, make_sasaran, make_usulan

TRICKY = ["- perbaikan jalan usaha tani", '=HYPERLINK("http://x")', "+62 812 5555", "@rt05", "'kutipan", "'=tetap teks"]


@pytest.fixture
def usulan_set(year, opd_a, opd_b, row_a, planner, opd_a_editor):
    make_nomenklatur("1.06.04.2.01.0001")
    groups = [make_sasaran("anak"), make_sasaran("disabilitas")]
    made = []
    for i, text in enumerate(TRICKY):
        usulan = make_usulan(
            fiscal_year=year,
            id_usulan=f"MD-{i:03}",
            usulan=f"{text} usulan",
            uraian=f"{text}\r\nbaris kedua",
            permasalahan=text,
            pengusul=text[:30],
            satuan="Paket",
            volume=Decimal("2.50"),
            anggaran=150_000_000 + i,
            prioritas=i + 1,
            opd_tujuan=opd_a if i % 2 else None,
        )
        usulan.sasaran.set(groups)
        made.append(usulan)
    accepted = make_usulan(fiscal_year=year, id_usulan="MD-100", opd_tujuan=opd_a, volume=Decimal("1500"))
    services.usulan_decide(usulan=accepted, kind="diterima", by=opd_a_editor, allocations=[services.Allocation(row_a)])
    returned = make_usulan(fiscal_year=year, id_usulan="MD-101", opd_tujuan=opd_b)
    services.usulan_decide(usulan=returned, kind="dikembalikan", alasan="Bukan kewenangan DP3A", by=planner)
    return made + [accepted, returned]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_unedited_usulan_export_reimports_without_changes(client, planner, year, usulan_set, kind):
    client.force_login(planner)
    content = client.get(reverse("musrenbang:usulan-list"), {"tahun": year.year, "export": kind}).getvalue()
    plan = imports.build_usulan_plan(content=content, filename=f"usulan.{kind}", fiscal_year=year, by=planner)
    assert {r.id_usulan: r.changes for r in plan.rows if r.changes or r.apply_steps} == {}
    assert plan.summary() == {"baru": 0, "berubah": 0, "sama": len(usulan_set), "keputusan": 0}
    assert [r.id_usulan for r in plan.kept] == []  # no decision of the app reported as overridden

    fields = ("pk", "updated_at", "usulan", "uraian", "permasalahan", "pengusul", "volume", "status")
    before = list(Usulan.objects.values_list(*fields).order_by("pk"))
    decisions, audits = Decision.objects.count(), AuditLog.objects.count()
    imports.usulan_import_file(content=content, filename=f"usulan.{kind}", fiscal_year=year, by=planner)
    assert list(Usulan.objects.values_list(*fields).order_by("pk")) == before
    assert Decision.objects.count() == decisions and AuditLog.objects.count() == audits + 1  # the import's own entry


def test_usulan_csv_export_keeps_formulas_neutralised(client, planner, year, usulan_set):
    client.force_login(planner)
    text = (
        client.get(reverse("musrenbang:usulan-list"), {"tahun": year.year, "export": "csv"})
        .getvalue()
        .decode("utf-8-sig")
    )
    assert "'- perbaikan jalan" in text and "'@rt05" in text and "'+62 812" in text and "'=HYPERLINK" in text
