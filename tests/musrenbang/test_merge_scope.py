"""An officer merges an usulan only into their own agency's Renja rows (web, service and import alike); joining it to
another agency's row is Bappeda's act, recorded on that row where its agency sees it."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from musrenbang import imports, services
from musrenbang.models import Decision
from renja.models import AuditLog

from ..factories import make_nomenklatur, make_row


@pytest.fixture
def row_b(year, opd_b):
    return make_row(
        opd=opd_b, fiscal_year=year, ref="2026-DP3A-020", sub_kegiatan=make_nomenklatur("2.08.02.2.01.0001", "PUG")
    )


def test_an_officer_cannot_merge_into_another_agencys_row(routed_to_a, row_b, opd_a_editor):
    with pytest.raises(ValidationError, match="hanya dapat dilakukan Bappeda"):
        services.usulan_decide(
            usulan=routed_to_a, kind="digabung", alasan="Sudah ada", merge_row=row_b, by=opd_a_editor
        )
    assert not Decision.objects.filter(kind="digabung").exists()


def test_an_officer_merges_into_their_own_agencys_row(routed_to_a, row_a, opd_a_editor):
    services.usulan_decide(usulan=routed_to_a, kind="digabung", alasan="Sudah ada", merge_row=row_a, by=opd_a_editor)
    assert not AuditLog.objects.filter(action="renja_row.usulan_merged").exists()


def test_the_officers_web_form_refuses_another_agencys_row(client, routed_to_a, row_b, opd_a_editor):
    client.force_login(opd_a_editor)
    response = client.post(
        reverse("musrenbang:usulan-decide", args=[routed_to_a.pk]),
        {"keputusan": "digabung", "level": "opd", "alasan": "Sudah ada", "gabung_renja": row_b.ref},
    )
    assert response.status_code == 422 and "hanya dapat dilakukan Bappeda" in response.content.decode()
    assert not Decision.objects.filter(kind="digabung").exists()


def test_a_planners_cross_agency_merge_is_recorded_on_the_row_and_shown_to_its_agency(
    client, routed_to_a, row_b, planner, opd_b_editor
):
    services.usulan_decide(usulan=routed_to_a, kind="digabung", alasan="Ditangani DP3A", merge_row=row_b, by=planner)
    entry = AuditLog.objects.get(action="renja_row.usulan_merged", object_id=str(row_b.pk))
    assert entry.by == planner and entry.data["usulan"] == routed_to_a.id_usulan
    client.force_login(opd_b_editor)
    page = client.get(reverse("renja:row-detail", args=[row_b.pk])).content.decode()
    assert "Usulan OPD lain digabung ke baris ini" in page and routed_to_a.id_usulan in page


def test_an_officers_import_cannot_merge_into_another_agencys_row(year, opd_a, routed_to_a, row_b, opd_a_editor):
    content = (
        "id_usulan,usulan,opd_tujuan,keputusan_opd,alasan,ref_renja\n"
        f"{routed_to_a.id_usulan},{routed_to_a.usulan},Dinsos,digabung,Sudah ada,{row_b.ref}\n"
    ).encode()
    # An officer's usulan import is refused as a whole (usulan imports are Bappeda's), before any merge is looked at;
    # the merge rule on the import's write path is pinned below on usulan_steps_apply, which the import calls.
    with pytest.raises(imports.ImportRejected) as exc:
        imports.usulan_import_file(content=content, filename="u.csv", fiscal_year=year, by=opd_a_editor)
    assert [str(i) for i in exc.value.issues] == ["Impor usulan hanya dapat dilakukan oleh Bappeda."]
    assert not Decision.objects.filter(kind="digabung").exists()


def test_the_bulk_decision_step_an_import_uses_refuses_an_officers_merge_into_another_agencys_row(
    year, routed_to_a, row_b, opd_a_editor
):
    step = services.Step(kind="digabung", alasan="Sudah ada", merge_row=row_b)
    with pytest.raises(
        services.StepRefused, match="penggabungan ke baris OPD lain hanya dapat dilakukan Bappeda"
    ) as exc:
        services.usulan_steps_apply(fiscal_year=year, items=[(routed_to_a, [step])], by=opd_a_editor)
    assert (exc.value.position, exc.value.step) == (0, 0)
    assert not Decision.objects.filter(kind="digabung").exists()
    routed_to_a.refresh_from_db()
    assert routed_to_a.status == "diteruskan"
