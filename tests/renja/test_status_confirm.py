"""*Jadikan Disepakati* (and Final) go through a confirmation page; a POST that skipped it changes nothing."""

from django.urls import reverse

from renja import services
from renja.models import AuditLog


def _submitted(row, editor):
    return services.row_status_change(row=row, status="diajukan", by=editor)


def test_agree_confirmation_states_what_happens(client, planner, opd_a_editor, row_in_opd_a):
    row = _submitted(row_in_opd_a, opd_a_editor)
    client.force_login(planner)
    detail = client.get(reverse("renja:row-detail", args=[row.pk])).content.decode()
    confirm_url = reverse("renja:row-status-confirm", args=[row.pk]) + "?status=disepakati"
    assert confirm_url in detail
    page = client.get(confirm_url).content.decode()
    assert f"Baris Renja {row.ref}" in page and "akan menjadi Disepakati (sekarang Diajukan)" in page
    assert "petugas OPD tidak dapat mengubah baris ini lagi" in page
    assert 'name="konfirmasi" value="1"' in page and 'name="status" value="disepakati"' in page
    assert f'href="{reverse("renja:row-detail", args=[row.pk])}"' in page


def test_agree_refuses_a_post_without_confirmation(client, planner, opd_a_editor, row_in_opd_a):
    row = _submitted(row_in_opd_a, opd_a_editor)
    client.force_login(planner)
    url = reverse("renja:row-status", args=[row.pk])
    response = client.post(url, {"status": "disepakati", "version": row.version})
    assert response.status_code == 302 and "konfirmasi" in response["Location"]
    row.refresh_from_db()
    assert row.status == "diajukan"
    client.post(url, {"status": "disepakati", "version": row.version, "konfirmasi": "1"})
    row.refresh_from_db()
    assert row.status == "disepakati"
    assert AuditLog.objects.filter(action="renja_row.status_changed").count() == 2


def test_submitting_needs_no_confirmation(client, opd_a_editor, row_in_opd_a):
    client.force_login(opd_a_editor)
    client.post(reverse("renja:row-status", args=[row_in_opd_a.pk]), {"status": "diajukan", "version": 1})
    row_in_opd_a.refresh_from_db()
    assert row_in_opd_a.status == "diajukan"


def test_confirmation_page_answers_403_to_a_reader(client, opd_a_viewer, row_in_opd_a):
    client.force_login(opd_a_viewer)
    assert (
        client.get(reverse("renja:row-status-confirm", args=[row_in_opd_a.pk]) + "?status=disepakati").status_code
        == 403
    )
