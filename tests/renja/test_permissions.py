"""URL × person → expected status. Anonymous visitors are sent to the log-in page."""

import pytest
from django.urls import reverse

from renja.models import RenjaRow

PEOPLE = ["anonymous", "planner", "admin_user", "facilitator", "opd_a_editor", "opd_a_viewer", "opd_b_editor"]


def login(client, request, who):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))


GET_MATRIX = {
    # url name, needs row → expected per person (same order as PEOPLE)
    ("home", False): [302, 200, 200, 200, 200, 200, 200],
    ("row-list", False): [302, 200, 200, 200, 200, 200, 200],
    ("nomenklatur-list", False): [302, 200, 200, 200, 200, 200, 200],
    ("row-detail", True): [302, 200, 200, 200, 200, 200, 200],
    ("row-edit", True): [302, 200, 200, 403, 200, 403, 403],
    ("row-create", False): [302, 200, 200, 403, 200, 403, 200],
    ("import-upload", False): [302, 200, 200, 403, 200, 403, 200],
}


@pytest.mark.parametrize("name,needs_row", list(GET_MATRIX))
@pytest.mark.parametrize("who", PEOPLE)
def test_get_access(client, request, row_in_opd_a, name, needs_row, who):
    login(client, request, who)
    url = reverse(f"renja:{name}", args=[row_in_opd_a.pk] if needs_row else [])
    response = client.get(url)
    assert response.status_code == GET_MATRIX[(name, needs_row)][PEOPLE.index(who)]
    if response.status_code == 302 and who == "anonymous":
        assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    "who,expected",
    [
        ("anonymous", 302),
        ("facilitator", 403),
        ("opd_a_viewer", 403),
        ("opd_b_editor", 403),
        ("opd_a_editor", 302),
        ("planner", 302),
    ],
)
def test_edit_post_access_and_nothing_changes_when_refused(client, request, row_in_opd_a, who, expected):
    login(client, request, who)
    url = reverse("renja:row-edit", args=[row_in_opd_a.pk])
    data = {
        "ref": row_in_opd_a.ref,
        "opd": row_in_opd_a.opd_id,
        "kode_sub_kegiatan": row_in_opd_a.kode,
        "rincian": "Diubah",
        "pagu": 1,
        "sumber_dana": "apbd_kab",
        "version": row_in_opd_a.version,
    }
    response = client.post(url, data)
    assert response.status_code == expected
    row_in_opd_a.refresh_from_db()
    if expected == 302 and who != "anonymous":
        assert row_in_opd_a.rincian == "Diubah"
    else:
        assert row_in_opd_a.rincian != "Diubah" and row_in_opd_a.version == 1


@pytest.mark.parametrize(
    "who,expected",
    [("anonymous", 302), ("facilitator", 403), ("opd_a_viewer", 403), ("opd_b_editor", 403), ("opd_a_editor", 302)],
)
def test_status_post_access(client, request, row_in_opd_a, who, expected):
    login(client, request, who)
    response = client.post(reverse("renja:row-status", args=[row_in_opd_a.pk]), {"status": "diajukan", "version": 1})
    assert response.status_code == expected
    row_in_opd_a.refresh_from_db()
    assert row_in_opd_a.status == ("diajukan" if who == "opd_a_editor" else "draft")


def test_state_changes_refuse_get(client, planner, row_in_opd_a):
    client.force_login(planner)
    assert client.get(reverse("renja:row-status", args=[row_in_opd_a.pk])).status_code == 405
    assert client.get(reverse("renja:import-confirm", args=[1])).status_code == 405


def test_state_changes_require_csrf(planner, row_in_opd_a):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(planner)
    response = client.post(reverse("renja:row-status", args=[row_in_opd_a.pk]), {"status": "diajukan", "version": 1})
    assert response.status_code == 403
    row_in_opd_a.refresh_from_db()
    assert row_in_opd_a.status == "draft"


def test_unknown_row_is_404(client, planner, db):
    client.force_login(planner)
    assert client.get(reverse("renja:row-detail", args=[999999])).status_code == 404


def test_officer_creating_for_another_agency_is_refused(client, opd_a_editor, opd_b, year, row_in_opd_a):
    client.force_login(opd_a_editor)
    response = client.post(
        reverse("renja:row-create") + f"?tahun={year.year}",
        {
            "ref": "X-9",
            "opd": opd_b.pk,
            "kode_sub_kegiatan": row_in_opd_a.kode,
            "nama": "Titipan",
            "pagu": 5,
            "sumber_dana": "apbd_kab",
        },
    )
    assert response.status_code == 200
    assert "opd" in response.context["form"].errors
    assert not RenjaRow.objects.filter(ref="X-9").exists()


def test_admin_site_is_for_staff_only(client, opd_a_editor, admin_user):
    client.force_login(opd_a_editor)
    assert client.get("/admin/").status_code == 302
    client.force_login(admin_user)
    assert client.get("/admin/renja/renjarow/").status_code == 200


def test_admin_cannot_change_rows_or_audit_outside_the_services(client, admin_user, row_in_opd_a):
    client.force_login(admin_user)
    url = f"/admin/renja/renjarow/{row_in_opd_a.pk}/change/"
    assert client.get(url).status_code == 200  # read-only view
    assert client.post(url, {"nama": "Diubah di admin"}).status_code == 403
    row_in_opd_a.refresh_from_db()
    assert row_in_opd_a.nama != "Diubah di admin"
    assert client.get("/admin/renja/auditlog/add/").status_code == 403


@pytest.mark.parametrize(
    "who,expected", [("anonymous", 302), ("facilitator", 403), ("opd_a_editor", 403), ("planner", 200)]
)
def test_year_page_is_for_planners(client, request, year, who, expected):
    login(client, request, who)
    assert client.get(reverse("renja:year-list")).status_code == expected


def test_planner_locks_year_and_stage_with_audit(client, planner, year, opd_a_editor):
    import datetime

    from renja.models import AuditLog, StageWindow

    window = StageWindow.objects.create(
        fiscal_year=year, stage="forum", opens_on=datetime.date(2025, 3, 3), closes_on=datetime.date(2025, 3, 21)
    )
    client.force_login(opd_a_editor)
    assert client.post(reverse("renja:stage-lock", args=[window.pk]), {"kunci": "1"}).status_code == 403
    client.force_login(planner)
    client.post(reverse("renja:stage-lock", args=[window.pk]), {"kunci": "1"})
    response = client.post(reverse("renja:year-lock", args=[year.pk]), {"kunci": "1", "alasan": ""}, follow=True)
    assert "Tuliskan alasan" in response.content.decode()
    client.post(reverse("renja:year-lock", args=[year.pk]), {"kunci": "1", "alasan": "RKPD ditetapkan"})
    window.refresh_from_db()
    year.refresh_from_db()
    assert window.is_locked and year.is_locked and year.locked_reason == "RKPD ditetapkan"
    assert set(AuditLog.objects.values_list("action", flat=True)) >= {"stage.locked", "fiscal_year.locked"}


def test_refusals_are_explained_in_indonesian(client, opd_b_editor, row_in_opd_a):
    client.force_login(opd_b_editor)
    assert (
        "tidak berwenang mengubahnya" in client.get(reverse("renja:row-edit", args=[row_in_opd_a.pk])).content.decode()
    )
    assert "Halaman tidak ditemukan" in client.get("/tidak-ada/").content.decode()
