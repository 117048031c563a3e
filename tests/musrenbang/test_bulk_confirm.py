"""A bulk action on usulan first shows what it will do to which usulan; only the confirmed POST changes anything."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from musrenbang.bulk import bulk_acceptance_row, usulan_bulk_apply
from musrenbang.models import Decision, Usulan

from ..factories import make_usulan


def test_bulk_route_shows_a_confirmation_and_changes_nothing(client, planner, year, opd_b):
    a, b = make_usulan(fiscal_year=year, id_usulan="USL-A"), make_usulan(fiscal_year=year, id_usulan="USL-B")
    client.force_login(planner)
    data = {"aksi": "teruskan", "opd": opd_b.pk, "pilih": [a.pk, b.pk], "next": "/usulan/"}
    response = client.post(reverse("musrenbang:usulan-bulk"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "2 usulan akan diteruskan ke" in page and opd_b.singkatan in page
    assert "USL-A" in page and "USL-B" in page
    assert 'name="konfirmasi_massal" value="1"' in page
    assert f'name="pilih" value="{a.pk}"' in page and f'name="pilih" value="{b.pk}"' in page
    assert 'href="/usulan/"' in page  # the way back
    assert not Usulan.objects.filter(opd_tujuan=opd_b).exists()
    client.post(reverse("musrenbang:usulan-bulk"), {**data, "konfirmasi_massal": "1"})
    assert Usulan.objects.filter(opd_tujuan=opd_b).count() == 2


def test_bulk_reject_confirmation_states_the_reason(client, opd_a_editor, routed_to_a):
    client.force_login(opd_a_editor)
    data = {"aksi": "ditolak", "alasan": "Tidak prioritas", "pilih": [routed_to_a.pk]}
    page = client.post(reverse("musrenbang:usulan-bulk"), data).content.decode()
    assert "1 usulan akan ditolak. Alasan: Tidak prioritas" in page
    assert not Decision.objects.filter(kind="ditolak").exists()


def test_bulk_close_needs_the_right_before_the_confirmation(client, opd_a_editor, year, opd_a):
    usulan = make_usulan(fiscal_year=year, opd_tujuan=opd_a)
    client.force_login(opd_a_editor)
    assert (
        client.post(
            reverse("musrenbang:usulan-bulk"), {"aksi": "tutup", "pilih": [usulan.pk], "alasan": "x"}
        ).status_code
        == 403
    )


def test_carry_over_states_how_many_before_copying(client, planner, year, routed_to_a):
    from musrenbang import services

    from ..factories import make_fiscal_year

    services.usulan_decide(usulan=routed_to_a, kind="ditolak", alasan="Di luar kewenangan", by=None)
    nxt = make_fiscal_year(2027)
    client.force_login(planner)
    url = reverse("musrenbang:usulan-carry-over")
    page = client.post(url, {"dari": year.pk, "ke": nxt.pk}).content.decode()
    assert f"1 usulan tahun {year.year} yang tidak tertampung akan disalin ke tahun 2027" in page
    assert 'name="konfirmasi" value="1"' in page
    assert not Usulan.objects.filter(fiscal_year=nxt).exists()
    client.post(url, {"dari": year.pk, "ke": nxt.pk, "konfirmasi": "1"})
    assert Usulan.objects.filter(fiscal_year=nxt, asal=routed_to_a).count() == 1


# musrenbang.bulk.usulan_bulk_apply owns the rules of a bulk action: who may take it and at which decision level.
def test_a_bulk_decision_by_the_agency_is_recorded_at_its_level_and_by_a_facilitator_as_the_forum(
    opd_a_editor, facilitator, year, opd_a
):
    a, b = make_usulan(fiscal_year=year, opd_tujuan=opd_a), make_usulan(fiscal_year=year, opd_tujuan=opd_a)
    assert usulan_bulk_apply(action="ditolak", usulan_list=[a], by=opd_a_editor, alasan="Bukan kewenangan") == 1
    assert usulan_bulk_apply(action="ditolak", usulan_list=[b], by=facilitator, alasan="Disepakati forum") == 1
    assert Decision.objects.get(usulan=a, kind="ditolak").level == Decision.Level.OPD
    assert Decision.objects.get(usulan=b, kind="ditolak").level == Decision.Level.FORUM


def test_a_bulk_action_the_user_may_not_take_is_refused_and_changes_nothing(
    opd_a_editor, opd_b_editor, year, opd_a, opd_b
):
    usulan = make_usulan(fiscal_year=year, opd_tujuan=opd_a)
    trail = Decision.objects.filter(usulan=usulan).count()
    refused = [
        {"action": "ditolak", "by": opd_b_editor, "alasan": "x"},  # another agency's usulan
        {"action": "teruskan", "by": opd_a_editor, "opd": opd_b},  # routing is Bappeda's
        {"action": "tutup", "by": opd_a_editor, "alasan": "x"},  # and so is closing
    ]
    for kwargs in refused:
        with pytest.raises(PermissionDenied):
            usulan_bulk_apply(usulan_list=[usulan], **kwargs)
    usulan.refresh_from_db()
    assert usulan.status == Usulan.Status.DITERUSKAN and usulan.opd_tujuan == opd_a
    assert Decision.objects.filter(usulan=usulan).count() == trail


def test_the_row_of_a_bulk_acceptance_is_found_by_its_ref_in_any_case_or_refused(routed_to_a, row_a):
    assert bulk_acceptance_row([routed_to_a], f"  {row_a.ref.lower()} ") == row_a
    with pytest.raises(ValidationError) as exc:
        bulk_acceptance_row([routed_to_a], "2026-DINSOS-999")
    assert exc.value.messages == [
        'Baris Renja "2026-DINSOS-999" tidak ada di Renja Dinsos tahun 2026; pilih dari daftar.'
    ]
    with pytest.raises(ValidationError) as exc:
        bulk_acceptance_row([routed_to_a], "  ")
    assert exc.value.messages == ["Isi ref baris Renja yang menampung usulan terpilih."]
