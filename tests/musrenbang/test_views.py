import re

import pytest
from django.urls import reverse

from musrenbang.models import Decision, Pickup, Usulan

from ..factories import make_usulan

PEOPLE = ["anonymous", "planner", "facilitator", "opd_a_editor", "opd_a_viewer", "opd_b_editor"]


def login(client, request, who):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))


@pytest.mark.parametrize("who,expected", list(zip(PEOPLE, [302, 200, 200, 200, 200, 404])))
def test_usulan_of_agency_a_is_hidden_from_agency_b(client, request, routed_to_a, who, expected):
    login(client, request, who)
    assert client.get(reverse("musrenbang:usulan-detail", args=[routed_to_a.pk])).status_code == expected


@pytest.mark.parametrize("who,expected", list(zip(PEOPLE, [302, 422, 302, 302, 403, 404])))
def test_decision_post_access(client, request, routed_to_a, who, expected):
    login(client, request, who)
    data = {"keputusan": "ditolak", "alasan": "" if who == "planner" else "Tidak sesuai", "level": "opd"}
    response = client.post(reverse("musrenbang:usulan-decide", args=[routed_to_a.pk]), data)
    assert response.status_code == expected
    routed_to_a.refresh_from_db()
    assert routed_to_a.status == ("ditolak" if who in ("opd_a_editor", "facilitator") else "diteruskan")


def test_facilitator_records_a_forum_decision_on_the_same_trail(client, facilitator, routed_to_a):
    client.force_login(facilitator)
    response = client.post(
        reverse("musrenbang:usulan-decide", args=[routed_to_a.pk]),
        {"keputusan": "dikembalikan", "alasan": "Disepakati forum: kewenangan DP3A", "level": "forum"},
    )
    assert response.status_code == 302
    last = routed_to_a.decisions.last()
    assert (last.level, last.kind, last.by) == ("forum", "dikembalikan", facilitator)


@pytest.mark.parametrize("who,expected", list(zip(PEOPLE, [302, 302, 403, 403, 403, 404])))
def test_route_post_access(client, request, routed_to_a, opd_b, who, expected):
    login(client, request, who)
    response = client.post(reverse("musrenbang:usulan-route", args=[routed_to_a.pk]), {"opd": opd_b.pk})
    assert response.status_code == expected
    routed_to_a.refresh_from_db()
    assert routed_to_a.opd_tujuan == (opd_b if who == "planner" else routed_to_a.opd_awal)


def test_inbox_shows_own_agency_undecided_first(client, opd_a_editor, year, opd_a, routed_to_a, routed_to_b):
    decided = make_usulan(fiscal_year=year, opd_tujuan=opd_a, id_usulan="U-A-0")
    from musrenbang import services

    services.usulan_decide(usulan=decided, kind="ditolak", alasan="x", by=opd_a_editor)
    client.force_login(opd_a_editor)
    response = client.get(reverse("musrenbang:inbox"))
    ids = [r.record.id_usulan for r in response.context["table"].page.object_list]
    assert ids == ["U-A-1", "U-A-0"]
    assert "U-B-1" not in response.content.decode()


def test_inbox_filters(client, opd_a_editor, year, opd_a, routed_to_a):
    make_usulan(
        fiscal_year=year,
        opd_tujuan=opd_a,
        id_usulan="U-A-9",
        usulan="Rehab jalan usaha tani",
        anggaran=900_000_000,
        prioritas=7,
    )
    client.force_login(opd_a_editor)

    def ids(**params):
        response = client.get(reverse("musrenbang:inbox"), params)
        return sorted(r.record.id_usulan for r in response.context["table"].page.object_list)

    assert ids(q="jalan usaha") == ["U-A-9"]
    assert ids(biaya_min=500_000_000) == ["U-A-9"]
    assert ids(biaya_max=500_000_000) == ["U-A-1"]
    assert ids(prioritas_max=5) == []
    assert ids(status="diteruskan") == ["U-A-1", "U-A-9"]
    assert ids(kecamatan=routed_to_a.desa.parent_id) == ["U-A-1", "U-A-9"]


def test_list_and_inbox_query_counts_do_not_grow(
    client, django_assert_max_num_queries, planner, opd_a_editor, year, opd_a
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for who, url in ((planner, reverse("musrenbang:usulan-list")), (opd_a_editor, reverse("musrenbang:inbox"))):
        client.force_login(who)
        make_usulan(fiscal_year=year, opd_tujuan=opd_a)
        with CaptureQueriesContext(connection) as small:
            assert client.get(url).status_code == 200
        for _ in range(15):
            make_usulan(fiscal_year=year, opd_tujuan=opd_a)
        with django_assert_max_num_queries(len(small.captured_queries)):
            client.get(url)


def test_bulk_route_by_planner(client, planner, year, opd_b):
    a, b = make_usulan(fiscal_year=year), make_usulan(fiscal_year=year)
    client.force_login(planner)
    response = client.post(
        reverse("musrenbang:usulan-bulk"),
        {"aksi": "teruskan", "opd": opd_b.pk, "pilih": [a.pk, b.pk], "next": "/usulan/", "konfirmasi_massal": "1"},
    )
    assert response.status_code == 302 and response.url == "/usulan/"
    assert set(Usulan.objects.values_list("opd_tujuan", flat=True)) == {opd_b.pk}


def test_bulk_decision_by_officer_cannot_touch_other_agency(client, opd_a_editor, routed_to_a, routed_to_b):
    client.force_login(opd_a_editor)
    response = client.post(
        reverse("musrenbang:usulan-bulk"),
        {
            "aksi": "ditolak",
            "alasan": "Tidak prioritas",
            "pilih": [routed_to_a.pk, routed_to_b.pk],
            "konfirmasi_massal": "1",
        },
        follow=True,
    )
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert Decision.objects.filter(kind="ditolak").count() == 0
    response = client.post(
        reverse("musrenbang:usulan-bulk"),
        {"aksi": "ditolak", "alasan": "Tidak prioritas", "pilih": [routed_to_a.pk], "konfirmasi_massal": "1"},
    )
    assert Decision.objects.filter(kind="ditolak").count() == 1


def test_bulk_route_refused_for_officer(client, opd_a_editor, routed_to_a, opd_b):
    client.force_login(opd_a_editor)
    assert (
        client.post(
            reverse("musrenbang:usulan-bulk"), {"aksi": "teruskan", "opd": opd_b.pk, "pilih": [routed_to_a.pk]}
        ).status_code
        == 403
    )
    routed_to_a.refresh_from_db()
    assert routed_to_a.opd_tujuan != opd_b


def page_text(html: str) -> str:
    """The visible text of a page's main part, tags dropped and spaces collapsed."""
    main = html[html.index("<main") : html.index("</main>")]
    return " ".join(re.sub(r"<[^>]+>", " ", main).split())


def test_accept_through_detail_page_with_split(client, opd_a_editor, routed_to_a, row_a, row_a2):
    make_usulan(
        fiscal_year=routed_to_a.fiscal_year, opd_tujuan=routed_to_a.opd_tujuan, id_usulan="U-A-9"
    )  # not picked up
    client.force_login(opd_a_editor)
    url = reverse("musrenbang:usulan-decide", args=[routed_to_a.pk])
    response = client.post(
        url,
        {
            "keputusan": "diterima",
            "level": "opd",
            "baris_1": row_a.ref,
            "biaya_1": 100_000_000,
            "baris_2": row_a2.ref,
            "biaya_2": 1,
        },
    )
    assert response.status_code == 422 and "harus sama dengan biaya yang diterima" in response.content.decode()
    response = client.post(
        url,
        {
            "keputusan": "diterima",
            "level": "opd",
            "baris_1": row_a.ref,
            "biaya_1": 100_000_000,
            "baris_2": row_a2.ref,
            "biaya_2": 50_000_000,
        },
    )
    assert response.status_code == 302
    assert Pickup.objects.count() == 2
    # The usulan's page shows each row with the part of the cost it took; each row's page leads to the usulan.
    text = page_text(client.get(reverse("musrenbang:usulan-detail", args=[routed_to_a.pk])).content.decode())
    assert f"{row_a.ref} {row_a.nama} (Dinsos) · Rp100.000.000" in text
    assert f"{row_a2.ref} {row_a2.nama} (Dinsos) · Rp50.000.000" in text
    for row in (row_a, row_a2):
        detail = client.get(reverse("renja:row-detail", args=[row.pk])).content.decode()
        link = f"{reverse('musrenbang:usulan-list')}?tahun={row.fiscal_year.year}&amp;baris={row.ref}"
        assert link in detail
        listed = client.get(reverse("musrenbang:usulan-list"), {"tahun": row.fiscal_year.year, "baris": row.ref})
        assert [r.record.id_usulan for r in listed.context["table"].page.object_list] == [routed_to_a.id_usulan]


def test_export_is_safe_and_filtered(client, planner, year, opd_a):
    make_usulan(fiscal_year=year, opd_tujuan=opd_a, usulan="=cmd|' /C calc'!A0", id_usulan="X-1")
    make_usulan(fiscal_year=year, id_usulan="X-2")
    client.force_login(planner)
    response = client.get(reverse("musrenbang:usulan-list"), {"opd": opd_a.pk, "export": "csv"})
    text = response.getvalue().decode("utf-8-sig")  # streamed
    lines = text.strip().splitlines()
    assert len(lines) == 2 and "'=cmd" in lines[1]


def test_counts_per_kecamatan_and_agency(client, planner, routed_to_a, routed_to_b):
    client.force_login(planner)
    response = client.get(reverse("musrenbang:usulan-list"))
    per_opd = {r["name"]: r["n"] for r in response.context["per_opd"]}
    assert per_opd == {"DP3A": 1, "Dinsos": 1}
    assert response.context["per_kecamatan"][0]["n"] == 2
    # only the statuses the year's usulan have get a column (both routed: one column), in the header and the rows
    assert [s.value for s in response.context["statuses"]] == ["diteruskan"]
    assert response.context["per_kecamatan"][0]["count_list"] == [2]
    html = response.content.decode()
    header = html[html.index('class="table counts"') :]
    header = header[: header.index("</thead>")]
    assert ">Diteruskan, belum diputuskan</th>" in header and "Ditolak" not in header, header


def test_public_tracking_shows_path_without_personal_data(client, routed_to_a, row_a, opd_a_editor):
    from musrenbang import services

    routed_to_a.pengusul = "Budi Santoso (Kades)"
    routed_to_a.save()
    services.usulan_decide(
        usulan=routed_to_a, kind="diterima", by=opd_a_editor, allocations=[services.Allocation(row_a)]
    )
    code = routed_to_a.kode_lacak
    response = client.get(reverse("musrenbang:track"), {"kode": f" {code.lower()} "})
    html = response.content.decode()
    assert response.status_code == 200 and "Diterima" in html and row_a.nama in html and "Dinas Sosial" in html
    assert "Budi Santoso" not in html and opd_a_editor.username not in html


def test_public_tracking_unknown_code(client, db):
    response = client.get(reverse("musrenbang:track"), {"kode": "USL-XXXX-XXXX"})
    assert "Kode lacak tidak ditemukan" in response.content.decode()


def test_carry_over_page_for_planner_only(client, planner, opd_a_editor, year, routed_to_a):
    from ..factories import make_fiscal_year

    nxt = make_fiscal_year(2027)
    client.force_login(opd_a_editor)
    assert client.post(reverse("musrenbang:usulan-carry-over"), {"dari": year.pk, "ke": nxt.pk}).status_code == 403
    client.force_login(planner)
    client.post(reverse("musrenbang:usulan-carry-over"), {"dari": year.pk, "ke": nxt.pk, "konfirmasi": "1"})
    assert Usulan.objects.filter(fiscal_year=nxt, asal=routed_to_a).exists()


def test_decision_requires_post(client, opd_a_editor, routed_to_a):
    client.force_login(opd_a_editor)
    assert client.get(reverse("musrenbang:usulan-decide", args=[routed_to_a.pk])).status_code == 405


def test_receipt_carries_tracking_code_and_qr_to_public_page(client, planner, routed_to_a, opd_b_editor):
    client.force_login(planner)
    html = client.get(reverse("musrenbang:usulan-receipt", args=[routed_to_a.pk])).content.decode()
    assert routed_to_a.kode_lacak in html and "<svg" in html and f"/lacak/?kode={routed_to_a.kode_lacak}" in html
    client.force_login(opd_b_editor)
    assert client.get(reverse("musrenbang:usulan-receipt", args=[routed_to_a.pk])).status_code == 404


def test_facilitator_cannot_create_renja_rows_from_usulan(client, facilitator, routed_to_a):
    from renja.models import RenjaRow

    client.force_login(facilitator)
    response = client.post(
        reverse("musrenbang:usulan-new-row", args=[routed_to_a.pk]),
        {"ref": "X-1", "kode_sub_kegiatan": "1.06.04.2.01.0001"},
    )
    assert response.status_code == 403 and not RenjaRow.objects.filter(ref="X-1").exists()


def test_facilitator_bulk_decisions_are_forum_decisions(client, facilitator, routed_to_a):
    client.force_login(facilitator)
    client.post(
        reverse("musrenbang:usulan-bulk"),
        {"aksi": "ditolak", "alasan": "Disepakati forum", "pilih": [routed_to_a.pk], "konfirmasi_massal": "1"},
    )
    last = routed_to_a.decisions.last()
    assert (last.kind, last.level) == ("ditolak", "forum")


def test_merge_target_of_another_agency_is_not_revealed(client, opd_a_editor, routed_to_a, routed_to_b):
    client.force_login(opd_a_editor)
    response = client.post(
        reverse("musrenbang:usulan-decide", args=[routed_to_a.pk]),
        {"keputusan": "digabung", "alasan": "Sama", "gabung_usulan": routed_to_b.id_usulan, "level": "opd"},
    )
    assert response.status_code == 422 and "tidak ada di tahun ini" in response.content.decode()
    routed_to_a.refresh_from_db()
    assert routed_to_a.status == "diteruskan"


def test_list_shows_usulan_picked_up_into_a_row(client, planner, routed_to_a, row_a, opd_a_editor, year, opd_a):
    from musrenbang import services

    services.usulan_decide(
        usulan=routed_to_a, kind="diterima", by=opd_a_editor, allocations=[services.Allocation(row_a)]
    )
    make_usulan(fiscal_year=year, opd_tujuan=opd_a, id_usulan="OTHER")
    client.force_login(planner)
    response = client.get(reverse("musrenbang:usulan-list"), {"baris": row_a.ref})
    assert [r.record.id_usulan for r in response.context["table"].page.object_list] == ["U-A-1"]
    assert f"baris={row_a.ref}" in client.get(reverse("renja:row-detail", args=[row_a.pk])).content.decode()


def test_counts_come_from_one_query_and_the_list_total_from_them_or_its_own_filter(
    client, planner, year, opd_a, opd_b, django_assert_num_queries
):
    from musrenbang import selectors
    from musrenbang.models import Usulan

    for i in range(26):
        make_usulan(fiscal_year=year, id_usulan=f"N-{i:02}", opd_tujuan=(opd_a, opd_b, None)[i % 3], anggaran=1_000_000)
    with django_assert_num_queries(1):
        counts = selectors.status_counts(
            Usulan.objects.filter(fiscal_year=year), "desa__parent__nama", "opd_tujuan__singkatan"
        )
    per_opd = counts["opd_tujuan__singkatan"]
    assert [(r["name"], r["n"], r["biaya"]) for r in per_opd] == [
        ("Dinsos", 9, 9_000_000),
        ("DP3A", 9, 9_000_000),
        ("–", 8, 8_000_000),
    ]
    assert sum(r["n"] for r in counts["desa__parent__nama"]) == 26
    client.force_login(planner)
    url = reverse("musrenbang:usulan-list")
    whole = client.get(url, {"page": 2})
    assert whole.context["total"] == 26 and whole.context["table"].page.number == 2
    assert len(whole.context["table"].page.object_list) == 1
    only_a = client.get(url, {"opd": opd_a.pk})
    assert only_a.context["total"] == 9 and only_a.context["table"].paginator.num_pages == 1
