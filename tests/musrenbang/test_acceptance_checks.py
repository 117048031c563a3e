"""Acceptance with checks (issue 14): the out-of-place and pagu warnings, the one-click add of the usulan's desa to
the row, the searchable row picker, and a bulk typo that keeps the selection."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse

from musrenbang import selectors, services
from musrenbang.models import Pickup, Usulan
from renja.models import AuditLog, RenjaRow, Wilayah

from ..factories import make_row, make_usulan, make_wilayah


@pytest.fixture
def places(db):
    tenggarong = make_wilayah("64.02.06", "Tenggarong")
    anggana = make_wilayah("64.02.10", "Anggana")
    return {
        "tenggarong": tenggarong,
        "anggana": anggana,
        "bukit_biru": make_wilayah("64.02.06.2001", "Bukit Biru", Wilayah.Tingkat.DESA, parent=tenggarong),
        "sidomulyo": make_wilayah("64.02.10.2003", "Sidomulyo", Wilayah.Tingkat.DESA, parent=anggana),
    }


@pytest.fixture
def row_in_tenggarong(year, opd_a, places):
    return make_row(
        opd=opd_a,
        fiscal_year=year,
        ref="2026-DINSOS-013",
        nama="Fasilitasi bantuan sosial penyandang disabilitas terlantar",
        pagu=180_000_000,
        lokasi=[places["bukit_biru"]],
    )


@pytest.fixture
def from_anggana(year, opd_a, places):
    return make_usulan(
        fiscal_year=year, opd_tujuan=opd_a, id_usulan="U-ANG-1", desa=places["sidomulyo"], anggaran=74_500_000
    )


def _pickup(row, year):
    return selectors.rows_for_pickup(opd_id=row.opd_id, fiscal_year_id=year.pk)


def test_out_of_place_row_warns_and_regency_wide_or_same_kecamatan_does_not(
    year, opd_a, places, row_in_tenggarong, from_anggana
):
    rows = {r.ref: r for r in _pickup(row_in_tenggarong, year)}
    warnings = selectors.acceptance_warnings(from_anggana, [(rows["2026-DINSOS-013"], from_anggana.anggaran)])
    assert [w.kind for w in warnings] == ["lokasi"] and "Sidomulyo" in warnings[0].message
    make_row(opd=opd_a, fiscal_year=year, ref="2026-DINSOS-020", pagu=500_000_000)  # no locations: regency-wide
    make_row(
        opd=opd_a, fiscal_year=year, ref="2026-DINSOS-021", pagu=500_000_000, lokasi=[places["anggana"]]
    )  # its kecamatan
    rows = {r.ref: r for r in _pickup(row_in_tenggarong, year)}
    assert selectors.acceptance_warnings(from_anggana, [(rows["2026-DINSOS-020"], 1)]) == []
    assert selectors.acceptance_warnings(from_anggana, [(rows["2026-DINSOS-021"], 1)]) == []


def test_pagu_warning_counts_what_the_row_already_holds(year, opd_a, opd_a_editor, places, row_in_tenggarong):
    for i, cost in enumerate([50_000_000, 50_000_000, 50_000_000]):
        u = make_usulan(
            fiscal_year=year, opd_tujuan=opd_a, id_usulan=f"U-T-{i}", desa=places["bukit_biru"], anggaran=cost
        )
        services.usulan_decide(
            usulan=u, kind="diterima", by=opd_a_editor, allocations=[services.Allocation(row_in_tenggarong)]
        )
    fourth = make_usulan(
        fiscal_year=year, opd_tujuan=opd_a, id_usulan="U-T-4", desa=places["bukit_biru"], anggaran=74_500_000
    )
    row = _pickup(row_in_tenggarong, year)[0]
    assert row.ditampung == 150_000_000
    [warning] = selectors.acceptance_warnings(fourth, [(row, fourth.anggaran)])
    assert warning.kind == "pagu" and "Rp224.500.000" in warning.message and "Rp44.500.000" in warning.message
    # Deciding again on an usulan already in the row does not count it twice.
    held = Usulan.objects.get(id_usulan="U-T-0")
    assert selectors.acceptance_warnings(held, [(row, held.anggaran)]) == []


def test_decision_form_shows_the_warning_first_then_saves_on_confirmation(
    client, opd_a_editor, row_in_tenggarong, from_anggana
):
    client.force_login(opd_a_editor)
    url = reverse("musrenbang:usulan-decide", args=[from_anggana.pk])
    data = {"keputusan": "diterima", "level": "opd", "baris_1": row_in_tenggarong.ref}
    response = client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 200 and "berada di luar lokasi baris 2026-DINSOS-013" in page
    assert "Tambahkan Desa/Kel. Sidomulyo ke lokasi baris 2026-DINSOS-013" in page and "Simpan keputusan tetap" in page
    assert not Pickup.objects.exists()
    response = client.post(url, {**data, "konfirmasi": "1"})
    assert response.status_code == 302 and Pickup.objects.get().renja_row_id == row_in_tenggarong.pk


def test_one_click_adds_the_desa_through_the_row_rules_and_is_audited(
    client, opd_a_editor, places, row_in_tenggarong, from_anggana
):
    client.force_login(opd_a_editor)
    response = client.post(
        reverse("musrenbang:row-places-add"),
        {"usulan": from_anggana.pk, "baris": row_in_tenggarong.pk, "versi": row_in_tenggarong.version},
    )
    assert response.status_code == 302
    assert (
        response["Location"] == reverse("musrenbang:usulan-detail", args=[from_anggana.pk]) + "?baris=2026-DINSOS-013"
    )
    row = RenjaRow.objects.get(pk=row_in_tenggarong.pk)
    assert (
        set(row.lokasi.all()) == {places["bukit_biru"], places["sidomulyo"]}
        and row.version == row_in_tenggarong.version + 1
    )
    entry = AuditLog.objects.filter(
        content_type=ContentType.objects.get_for_model(RenjaRow), object_id=str(row.pk)
    ).latest("at")
    assert entry.by == opd_a_editor and "Sidomulyo" in entry.changes["lokasi"][1]
    # Back on the usulan, the acceptance into that row is filled in and no longer warns.
    page = client.get(response["Location"]).content.decode()
    assert 'value="2026-DINSOS-013"' in page and "berada di luar lokasi" not in page
    response = client.post(
        reverse("musrenbang:usulan-decide", args=[from_anggana.pk]),
        {"keputusan": "diterima", "level": "opd", "baris_1": "2026-DINSOS-013"},
    )
    assert response.status_code == 302 and Pickup.objects.filter(renja_row=row).exists()


@pytest.mark.parametrize("who", ["opd_a_viewer", "facilitator", "opd_b_editor"])
def test_one_click_add_is_refused_to_whoever_may_not_edit_the_row(
    client, request, who, places, row_in_tenggarong, from_anggana
):
    client.force_login(request.getfixturevalue(who))
    response = client.post(
        reverse("musrenbang:row-places-add"), {"usulan": from_anggana.pk, "baris": row_in_tenggarong.pk}
    )
    assert response.status_code in (403, 404)
    assert list(RenjaRow.objects.get(pk=row_in_tenggarong.pk).lokasi.all()) == [places["bukit_biru"]]


def test_one_click_add_refuses_a_stale_version_and_an_agreed_row(
    client, opd_a_editor, places, row_in_tenggarong, from_anggana
):
    with pytest.raises(ValidationError, match="Baris ini sudah diubah orang lain"):
        services.row_places_add(
            row=row_in_tenggarong,
            usulan_list=[from_anggana],
            by=opd_a_editor,
            expected_version=row_in_tenggarong.version - 1,
        )
    RenjaRow.objects.filter(pk=row_in_tenggarong.pk).update(status=RenjaRow.Status.DISEPAKATI)
    client.force_login(opd_a_editor)
    response = client.post(
        reverse("musrenbang:row-places-add"), {"usulan": from_anggana.pk, "baris": row_in_tenggarong.pk}, follow=True
    )
    assert "hanya dapat diubah oleh Bappeda" in response.content.decode()
    assert list(RenjaRow.objects.get(pk=row_in_tenggarong.pk).lokasi.all()) == [places["bukit_biru"]]


def test_row_picker_lists_ref_full_name_pagu_and_what_it_holds(
    client, year, opd_a, opd_a_editor, places, row_in_tenggarong, from_anggana
):
    client.force_login(opd_a_editor)
    for url in (reverse("musrenbang:usulan-detail", args=[from_anggana.pk]), reverse("musrenbang:inbox")):
        page = client.get(url).content.decode()
        assert (
            '<option value="2026-DINSOS-013">2026-DINSOS-013 · Fasilitasi bantuan sosial penyandang disabilitas'
            " terlantar · Rp180.000.000</option>"
        ) in page
        assert 'list="baris-renja-pilihan"' in page
    held = make_usulan(
        fiscal_year=year, opd_tujuan=opd_a, id_usulan="U-T-1", desa=places["bukit_biru"], anggaran=50_000_000
    )
    services.usulan_decide(
        usulan=held, kind="diterima", by=opd_a_editor, allocations=[services.Allocation(row_in_tenggarong)]
    )
    page = client.get(reverse("musrenbang:usulan-detail", args=[from_anggana.pk])).content.decode()
    assert "· Rp180.000.000 (sudah menampung Rp50.000.000)</option>" in page


def test_decision_with_unknown_ref_says_so_and_keeps_the_inputs(client, opd_a_editor, row_in_tenggarong, from_anggana):
    client.force_login(opd_a_editor)
    response = client.post(
        reverse("musrenbang:usulan-decide", args=[from_anggana.pk]),
        {"keputusan": "diterima", "level": "opd", "baris_1": "2026-DINSOS-31", "alasan": "catatan saya"},
    )
    page = response.content.decode()
    assert response.status_code == 422 and "Baris Renja 2026-DINSOS-31 tidak ada di Renja Dinsos tahun 2026" in page
    assert "catatan saya" in page


def test_bulk_typo_keeps_every_ticked_box_and_the_inputs(client, year, opd_a, opd_a_editor, places, row_in_tenggarong):
    ticked = [
        make_usulan(
            fiscal_year=year, opd_tujuan=opd_a, id_usulan=f"U-B-{i}", desa=places["bukit_biru"], anggaran=1_000_000
        )
        for i in range(3)
    ]
    make_usulan(fiscal_year=year, opd_tujuan=opd_a, id_usulan="U-B-9", desa=places["bukit_biru"])
    client.force_login(opd_a_editor)
    inbox = reverse("musrenbang:inbox")
    response = client.post(
        reverse("musrenbang:usulan-bulk"),
        {
            "aksi": "diterima",
            "pilih": [u.pk for u in ticked[:2]],
            "baris": "2026-DINSOS-31",
            "alasan": "dibahas di forum",
            "next": inbox,
        },
    )
    page = response.content.decode()
    assert response.status_code == 422
    assert "Baris Renja &quot;2026-DINSOS-31&quot; tidak ada di Renja Dinsos tahun 2026" in page
    for u in ticked[:2]:
        assert f'value="{u.pk}" form="massal" aria-label="Pilih {u.id_usulan}" checked' in page
    assert f'aria-label="Pilih {ticked[2].id_usulan}">' in page  # not ticked
    assert 'value="2026-DINSOS-31"' in page and "dibahas di forum" in page
    assert '<option value="diterima" selected>' in page
    assert not Pickup.objects.exists()


def test_bulk_acceptance_warns_then_accepts_on_confirmation(
    client, year, opd_a, opd_a_editor, places, row_in_tenggarong, from_anggana
):
    other = make_usulan(
        fiscal_year=year, opd_tujuan=opd_a, id_usulan="U-T-1", desa=places["bukit_biru"], anggaran=120_000_000
    )
    client.force_login(opd_a_editor)
    data = {
        "aksi": "diterima",
        "pilih": [from_anggana.pk, other.pk],
        "baris": "2026-dinsos-013",
        "next": reverse("musrenbang:inbox"),
    }
    response = client.post(reverse("musrenbang:usulan-bulk"), data)
    page = response.content.decode()
    assert (
        response.status_code == 200
        and "Usulan U-ANG-1 dari Desa/Kel. Sidomulyo" in page
        and "melebihi pagu Rp14.500.000" in page
    )
    assert "Jalankan tetap" in page and not Pickup.objects.exists()
    # "Jalankan tetap" acknowledges the warnings; the bulk confirmation step follows as for any bulk action.
    response = client.post(reverse("musrenbang:usulan-bulk"), {**data, "konfirmasi": "1", "konfirmasi_massal": "1"})
    assert response.status_code == 302 and Pickup.objects.count() == 2


def test_bulk_one_click_add_comes_back_with_the_selection(
    client, year, opd_a, opd_a_editor, places, row_in_tenggarong, from_anggana
):
    client.force_login(opd_a_editor)
    inbox = reverse("musrenbang:inbox")
    response = client.post(
        reverse("musrenbang:row-places-add"),
        {"usulan": [from_anggana.pk], "baris": row_in_tenggarong.pk, "next": inbox},
    )
    assert response.status_code == 302 and response["Location"].startswith(inbox + "?pilih=")
    page = client.get(response["Location"]).content.decode()
    assert f'value="{from_anggana.pk}" form="massal" aria-label="Pilih U-ANG-1" checked' in page
    assert 'value="2026-DINSOS-013"' in page
