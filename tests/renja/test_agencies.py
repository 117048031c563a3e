"""Agency profiles: Bappeda edits the full name, kode unit and the head's name, NIP, pangkat and jabatan; officers read
their own agency's; every list of agencies is in kode-unit order."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from renja.models import AuditLog, Opd
from renja.services.agencies import nip_refusal, opd_profile_fingerprint, opd_profile_update

from ..factories import make_opd, make_row

GOOD_NIP = "197103151996031004"
PROFILE = {
    "nama": "Dinas Sosial Kabupaten Kutai Kartanegara",
    "kode_unit": "1.06.0.00.0.00.01.0000",
    "kepala_nama": "Drs. H. Arianto, M.Si.",
    "kepala_nip": GOOD_NIP,
    "kepala_pangkat": "Pembina Utama Muda (IV/c)",
    "kepala_jabatan": "Kepala Dinas Sosial",
}


def _codes(exc: ValidationError) -> dict[str, list[str]]:
    return {field: [e.code for e in errors] for field, errors in exc.error_dict.items()}


def test_planner_changes_the_profile_and_it_is_audited(opd_a, planner):
    opd = opd_profile_update(opd=opd_a, data=PROFILE, fingerprint=opd_profile_fingerprint(opd_a), by=planner)
    opd.refresh_from_db()
    assert {f: getattr(opd, f) for f in PROFILE} == PROFILE
    entry = AuditLog.objects.get(action="opd.changed")
    assert entry.by == planner and entry.changes["kepala_nip"] == ["", GOOD_NIP]
    assert entry.changes["nama"] == ["Dinas Sosial", PROFILE["nama"]]
    opd_profile_update(opd=opd, data=PROFILE, by=planner)  # the same values again: no change, no entry
    assert AuditLog.objects.filter(action="opd.changed").count() == 1


def test_a_printed_nip_with_spaces_is_kept_as_its_digits(opd_a, planner):
    opd = opd_profile_update(opd=opd_a, data={"kepala_nip": "19710315 199603 1 004"}, by=planner)
    assert opd.kepala_nip == GOOD_NIP


@pytest.mark.parametrize(
    ("nip", "reason"),
    [
        ("19710315199603100", "18 angka"),
        ("1971031519960310a4", "18 angka"),
        ("197102301996031004", "tanggal lahir"),  # 30 February
        ("183001011996031004", "Tahun lahir"),
        ("197103151996131004", "tahun dan bulan pengangkatan"),  # month 13
        ("197103151980031004", "Tahun pengangkatan"),  # appointed at 8
        ("197103151996033004", "jenis kelamin"),
        ("197103151996031000", "nomor urut"),
    ],
)
def test_an_implausible_nip_is_refused_with_its_reason(opd_a, planner, nip, reason):
    assert reason in nip_refusal(nip, today=datetime.date(2026, 1, 1))
    with pytest.raises(ValidationError) as caught:
        opd_profile_update(opd=opd_a, data={"kepala_nip": nip}, by=planner)
    assert _codes(caught.value) == {"kepala_nip": ["invalid"]}
    assert reason in caught.value.message_dict["kepala_nip"][0]
    opd_a.refresh_from_db()
    assert opd_a.kepala_nip == ""


def test_an_appointment_in_the_future_is_refused():
    assert "Tahun pengangkatan" in nip_refusal("199001012027011001", today=datetime.date(2026, 12, 1))
    assert nip_refusal(GOOD_NIP, today=datetime.date(2026, 12, 1)) is None


@pytest.mark.parametrize(
    "kode", ["1.06", "1.06.0.00.0.00.1.0000", "1.06.0.00.0.00.01.0000.1", "a.06.0.00.0.00.01.0000"]
)
def test_a_kode_unit_not_in_the_permendagri_form_is_refused(opd_a, planner, kode):
    with pytest.raises(ValidationError) as caught:
        opd_profile_update(opd=opd_a, data={"kode_unit": kode}, by=planner)
    assert _codes(caught.value) == {"kode_unit": ["invalid"]}
    assert "1.02.0.00.0.00.01.0000" in caught.value.message_dict["kode_unit"][0]


def test_a_kode_unit_of_another_agency_is_refused(opd_a, opd_b, planner):
    Opd.objects.filter(pk=opd_b.pk).update(kode_unit="2.08.0.00.0.00.01.0000")
    with pytest.raises(ValidationError) as caught:
        opd_profile_update(opd=opd_a, data={"kode_unit": "2.08.0.00.0.00.01.0000"}, by=planner)
    assert _codes(caught.value) == {"kode_unit": ["duplicate"]}
    assert "DP3A" in caught.value.message_dict["kode_unit"][0]
    opd_profile_update(opd=opd_a, data={"kode_unit": ""}, by=planner)  # none is allowed (derived at the next load)


def test_the_name_is_required_and_fields_are_bounded(opd_a, planner):
    with pytest.raises(ValidationError) as caught:
        opd_profile_update(opd=opd_a, data={"nama": "  ", "kepala_jabatan": "x" * 201}, by=planner)
    assert _codes(caught.value) == {"nama": ["required"], "kepala_jabatan": ["too_long"]}


def test_a_profile_changed_since_the_form_was_opened_is_refused(opd_a, planner, admin_user):
    seen = opd_profile_fingerprint(opd_a)
    opd_profile_update(opd=opd_a, data={"kepala_nama": "Dr. Ani"}, fingerprint=seen, by=admin_user)
    with pytest.raises(ValidationError) as caught:
        opd_profile_update(opd=opd_a, data={"kepala_nama": "Dr. Budi"}, fingerprint=seen, by=planner)
    assert caught.value.code == "conflict"
    opd_a.refresh_from_db()
    assert opd_a.kepala_nama == "Dr. Ani"


def test_only_a_planner_changes_a_profile(opd_a, opd_a_editor, facilitator):
    for user in (opd_a_editor, facilitator):
        with pytest.raises(ValidationError) as caught:
            opd_profile_update(opd=opd_a, data={"kepala_nama": "X"}, by=user)
        assert caught.value.code == "forbidden"
    assert opd_profile_update(opd=opd_a, data={"kepala_nama": "Sistem"}, by=None).kepala_nama == "Sistem"


def test_planner_edits_a_profile_on_its_page(client, planner, opd_a):
    client.force_login(planner)
    url = reverse("renja:opd-edit", args=[opd_a.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'list="pangkat-pns"' in page.content.decode()
    sidik = page.context["form"]["sidik"].value()
    response = client.post(url, {**PROFILE, "sidik": sidik})
    assert response.status_code == 302 and response.url == reverse("renja:opd-list")
    opd_a.refresh_from_db()
    assert opd_a.kepala_pangkat == "Pembina Utama Muda (IV/c)"
    # The form opened before that change is stale now.
    stale = client.post(url, {**PROFILE, "kepala_nama": "Lain", "sidik": sidik})
    assert stale.status_code == 200 and "sudah diubah orang lain" in stale.content.decode()
    bad = client.post(url, {**PROFILE, "kepala_nip": "123", "sidik": opd_profile_fingerprint(opd_a)})
    assert bad.status_code == 200 and "NIP harus 18 angka" in bad.content.decode()


def test_an_officer_reads_their_own_agencys_profile_and_no_other(client, opd_a_editor, opd_a, opd_b):
    Opd.objects.filter(pk=opd_a.pk).update(kepala_nama="Drs. Arianto", kepala_nip=GOOD_NIP)
    client.force_login(opd_a_editor)
    own = client.get(reverse("renja:opd-edit", args=[opd_a.pk]))
    assert own.status_code == 200 and own.context["form"] is None
    assert "19710315 199603 1 004" in own.content.decode()
    assert client.get(reverse("renja:opd-edit", args=[opd_b.pk])).status_code == 404
    assert client.post(reverse("renja:opd-edit", args=[opd_a.pk]), {**PROFILE, "sidik": "x"}).status_code == 403
    assert client.post(reverse("renja:opd-edit", args=[opd_b.pk]), {**PROFILE, "sidik": "x"}).status_code == 404
    listing = client.get(reverse("renja:opd-list")).content.decode()
    assert "Drs. Arianto" in listing and "NIP. 19710315 199603 1 004" in listing and opd_b.nama not in listing
    opd_a.refresh_from_db()
    assert opd_a.nama == "Dinas Sosial"


def test_agency_list_is_in_kode_unit_order_with_rows_in_one_query(client, planner, year):
    for singkatan, kode in (("DP2KB", "2.14"), ("DP3A", "2.08"), ("Dinkes", "1.02"), ("Dinsos", "1.06")):
        make_row(opd=make_opd(singkatan, kode_unit=f"{kode}.0.00.0.00.01.0000"), fiscal_year=year)
    client.force_login(planner)
    url = reverse("renja:opd-list")
    with CaptureQueriesContext(connection) as few:
        page = client.get(url)
    assert [o.singkatan for o in page.context["opds"]] == ["Dinkes", "Dinsos", "DP3A", "DP2KB"]
    assert [o.n_rows for o in page.context["opds"]] == [1, 1, 1, 1]
    for i in range(5):
        opd = make_opd(f"Kec{i}", kode_unit=f"7.01.0.00.0.00.{i + 10:02d}.0000", kepala_nama=f"Camat {i}")
        make_row(opd=opd, fiscal_year=year)
        make_row(opd=opd, fiscal_year=year)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url)
    assert len(many) == len(few)
    assert [o.n_rows for o in page.context["opds"]][-1] == 2
