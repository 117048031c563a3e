"""The sync pages: who sees what, settling through the browser form, exports, the report command, query counts."""

import csv
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from musrenbang.models import Usulan
from renja.services.revision import plan_changed
from sinkronisasi import services
from sinkronisasi.models import Overlap, SynonymGroup

from ..factories import make_nomenklatur, make_opd, make_row, make_usulan
from .test_detection import DAYCARE_A, DAYCARE_B

_codes = iter(range(1, 1000))


def _pair_between(year, opd_x, opd_y, place, groups, ref):
    """Two rows doing the same day-care work in one place, under two different sub kegiatan codes."""
    for opd, suffix, text in ((opd_x, "1", DAYCARE_A), (opd_y, "2", DAYCARE_B)):
        code = make_nomenklatur(f"2.08.02.2.01.{next(_codes):04d}", "Sub kegiatan")
        make_row(
            opd=opd,
            fiscal_year=year,
            ref=f"{ref}-{suffix}",
            sub_kegiatan=code,
            lokasi=[place],
            sasaran=[groups["anak"]],
            **text,
        )


@pytest.fixture
def two_pairs(year, opd_a, opd_b, opd_c, places, groups):
    """One pair Dinsos–Dinkes in Loa Ipuh, one DP3A–DP2KB in Sebulu Ilir: Dinsos's officer sees only the first."""
    other = make_opd("Dinkes", bidang=["1.02"])
    _pair_between(year, opd_a, other, places["desa1"], groups, "P1")
    _pair_between(year, opd_b, opd_c, places["desa3"], groups, "P2")
    services.sync_refresh(fiscal_year=year)
    pairs = list(Overlap.objects.order_by("pk"))
    assert len(pairs) == 2
    return pairs


@pytest.mark.parametrize(
    "who,expected",
    [
        ("planner", 200),
        ("facilitator", 200),
        ("opd_a_editor", 200),
        ("opd_a_viewer", 200),
        (None, 302),
    ],
)
def test_pages_open_for_everyone_with_a_role(client, request, year, two_pairs, who, expected):
    if who:
        client.force_login(request.getfixturevalue(who))
    for name in ("sinkronisasi:overlap-list", "sinkronisasi:orphan-list", "sinkronisasi:synonym-list"):
        assert client.get(reverse(name)).status_code == expected


def test_officers_see_only_pairs_of_their_agency(client, opd_a_editor, two_pairs):
    client.force_login(opd_a_editor)
    page = client.get(reverse("sinkronisasi:overlap-list")).content.decode()
    assert "P1-1" in page and "P2-1" not in page
    mine, other = sorted(
        two_pairs, key=lambda p: p.opd_a_id != opd_a_editor.opd_id and p.opd_b_id != opd_a_editor.opd_id
    )
    assert client.get(reverse("sinkronisasi:overlap-detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("sinkronisasi:overlap-detail", args=[other.pk])).status_code == 404


@pytest.mark.parametrize(
    "who,expected", [("opd_a_editor", 403), ("opd_a_viewer", 403), ("planner", 302), ("facilitator", 302)]
)
def test_only_planners_and_facilitators_settle_pairs(client, request, two_pairs, opd_a, who, expected):
    pair = next(p for p in two_pairs if opd_a.pk in (p.opd_a_id, p.opd_b_id))
    client.force_login(request.getfixturevalue(who))
    response = client.post(reverse("sinkronisasi:overlap-settle", args=[pair.pk]), {"status": "saling_melengkapi"})
    assert response.status_code == expected
    pair.refresh_from_db()
    assert pair.status == ("saling_melengkapi" if expected == 302 else "terbuka")


def test_settling_needs_post(client, planner, two_pairs):
    client.force_login(planner)
    assert client.get(reverse("sinkronisasi:overlap-settle", args=[two_pairs[0].pk])).status_code == 405


def test_an_incomplete_settlement_is_shown_on_the_form(client, planner, two_pairs):
    client.force_login(planner)
    response = client.post(
        reverse("sinkronisasi:overlap-settle", args=[two_pairs[0].pk]), {"status": "koordinasi", "note": "x"}
    )
    assert response.status_code == 400
    assert "OPD pengampu" in response.content.decode()


def test_settled_pairs_are_hidden_by_default_and_shown_with_the_filter(client, planner, two_pairs):
    services.overlap_settle(overlap=two_pairs[0], status="saling_melengkapi", by=planner)
    client.force_login(planner)
    url = reverse("sinkronisasi:overlap-list")
    assert client.get(url).context["page"].paginator.count == 1
    assert client.get(url, {"status": "selesai"}).context["page"].paginator.count == 1
    assert client.get(url, {"status": "semua"}).context["page"].paginator.count == 2


def test_overlap_export_has_the_report_columns(client, planner, two_pairs):
    """The download starts with the report's columns (then names and pagu), ";"-separated for Indonesian Excel."""
    client.force_login(planner)
    response = client.get(reverse("sinkronisasi:overlap-list"), {"export": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:7] == ["ref_a", "opd_a", "ref_b", "opd_b", "skor", "alasan", "status"]
    assert len(rows) == 3 and rows[1][6] == "terbuka"
    assert client.get(reverse("sinkronisasi:overlap-list"), {"export": "xlsx"})["Content-Type"].startswith(
        "application/vnd.openxml"
    )


def test_report_command_writes_both_files_with_exact_columns(tmp_path, year, two_pairs, opd_a):
    make_usulan(fiscal_year=year, id_usulan="=HYPERLINK(1)")  # formula-like id: written safely
    make_usulan(fiscal_year=year, id_usulan="U-9", opd_tujuan=opd_a)
    call_command("sync_report", year=2026, out=str(tmp_path), stdout=io.StringIO())
    with open(tmp_path / "tumpang_tindih.csv", encoding="utf-8", newline="") as fh:
        pairs = list(csv.DictReader(fh))
    with open(tmp_path / "usulan_belum_diambil.csv", encoding="utf-8", newline="") as fh:
        orphans = list(csv.DictReader(fh))
    assert list(pairs[0]) == ["ref_a", "opd_a", "ref_b", "opd_b", "skor", "alasan", "status"]
    assert {p["ref_a"] for p in pairs} == {"P1-1", "P2-1"}
    assert all(len(p["skor"].split(".")[1]) == 3 and p["status"] == "terbuka" and p["alasan"] for p in pairs)
    assert list(orphans[0]) == ["id_usulan", "kode_desa", "opd_tujuan", "sebab", "umur_hari"]
    by_id = {o["id_usulan"]: o for o in orphans}
    assert by_id["U-9"] == {
        "id_usulan": "U-9",
        "kode_desa": "64.02.06.2001",
        "opd_tujuan": "Dinsos",
        "sebab": "belum_diputuskan",
        "umur_hari": "0",
    }
    assert "'=HYPERLINK(1)" in by_id


def test_overlap_list_query_count_does_not_grow_with_data(client, planner, year, opd_a, opd_b, places, groups):
    def count():
        client.force_login(planner)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        plan_changed(year.pk)  # the factory's rows are no service's write: the page learns of them from this
        client.get(reverse("sinkronisasi:overlap-list"))  # refresh first (the test queue runs it at once)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("sinkronisasi:overlap-list")).status_code == 200
        return len(ctx.captured_queries)

    _pair_between(year, opd_a, opd_b, places["desa1"], groups, "Q0")
    small = count()
    for i in range(1, 4):
        _pair_between(year, make_opd(f"X{i}"), make_opd(f"Y{i}"), places["desa1"], groups, f"Q{i}")
    assert count() == small
    assert Overlap.objects.count() > 20
    page = client.get(reverse("sinkronisasi:overlap-list")).content.decode()
    assert "Halaman 1 dari 2" in page and "page=2" in page  # 20 pairs a page


def test_orphan_list_query_count_does_not_grow_with_data(client, planner, year, opd_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("sinkronisasi:orphan-list")).status_code == 200
        return len(ctx.captured_queries)

    client.force_login(planner)
    make_usulan(fiscal_year=year, opd_tujuan=opd_a)
    client.get(reverse("sinkronisasi:orphan-list"))
    small = count()
    for _ in range(8):
        make_usulan(fiscal_year=year, opd_tujuan=opd_a)
        make_usulan(fiscal_year=year)
    plan_changed(year.pk)  # the factory's unrouted usulan are no service's write
    client.get(reverse("sinkronisasi:orphan-list"))  # the counts brought up to date (the test queue runs it at once)
    assert count() == small


def test_one_click_route_and_close_from_the_orphan_page(client, planner, year, opd_a, opd_b):
    usulan = make_usulan(fiscal_year=year, opd_tujuan=opd_a)
    closed = make_usulan(fiscal_year=year)
    client.force_login(planner)
    back = reverse("sinkronisasi:orphan-list")
    client.post(
        reverse("musrenbang:usulan-bulk"),
        {"aksi": "teruskan", "pilih": [usulan.pk], "opd": opd_b.pk, "next": back, "konfirmasi_massal": "1"},
    )
    client.post(
        reverse("musrenbang:usulan-bulk"),
        {"aksi": "tutup", "pilih": [closed.pk], "alasan": "di luar kewenangan", "next": back, "konfirmasi_massal": "1"},
    )
    usulan.refresh_from_db(), closed.refresh_from_db()
    assert (usulan.opd_tujuan, usulan.status) == (opd_b, Usulan.Status.DITERUSKAN)
    assert closed.status == Usulan.Status.DITUTUP


def test_officers_cannot_close_usulan(client, opd_a_editor, year, opd_a):
    usulan = make_usulan(fiscal_year=year, opd_tujuan=opd_a)
    client.force_login(opd_a_editor)
    response = client.post(reverse("musrenbang:usulan-bulk"), {"aksi": "tutup", "pilih": [usulan.pk], "alasan": "x"})
    assert response.status_code == 403
    usulan.refresh_from_db()
    assert usulan.status == Usulan.Status.DITERUSKAN


@pytest.mark.parametrize("who,expected", [("planner", 302), ("facilitator", 403), ("opd_a_editor", 403)])
def test_only_planners_edit_synonyms(client, request, who, expected):
    client.force_login(request.getfixturevalue(who))
    before = SynonymGroup.objects.count()
    response = client.post(
        reverse("sinkronisasi:synonym-list"),
        {"nama": "rumah singgah", "frasa": "rumah singgah, shelter", "aktif": "on"},
    )
    assert response.status_code == expected
    assert SynonymGroup.objects.count() == before + (1 if expected == 302 else 0)


def test_a_synonym_group_needs_two_different_phrases(client, planner):
    client.force_login(planner)
    response = client.post(
        reverse("sinkronisasi:synonym-list"), {"nama": "x", "frasa": "penitipan, penitipan", "aktif": "on"}
    )
    assert response.status_code == 400
    assert "sama setelah kata dasar diambil" in response.content.decode()


def test_default_synonyms_are_seeded_once(db):
    from sinkronisasi.builtin_synonyms import DEFAULT_SYNONYMS
    from sinkronisasi.services import synonym_group_seed

    SynonymGroup.objects.all().delete()
    assert synonym_group_seed() == len(DEFAULT_SYNONYMS)
    assert synonym_group_seed() == 0
    assert SynonymGroup.objects.filter(nama="penitipan anak").exists()


def test_recompute_is_for_planners_only(client, opd_a_editor, planner, year):
    client.force_login(opd_a_editor)
    assert client.post(reverse("sinkronisasi:recompute"), {"tahun": 2026}).status_code == 403
    client.force_login(planner)
    assert client.post(reverse("sinkronisasi:recompute"), {"tahun": 2026}).status_code == 302


def test_charts_are_svg_with_escaped_labels():
    from sinkronisasi import charts

    svg = charts.bar_chart(
        title="Per kecamatan",
        bars=[("<script>x</script>", [("c-ditolak", 3), ("c-baru", 1)])],
        legend=[("c-ditolak", "Ditolak")],
    )
    assert svg.startswith("<svg") and "<title>Per kecamatan</title>" in svg
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert svg.count("<rect") == 3  # two stacked parts and one legend key


def test_planner_edits_and_deletes_a_synonym_group_with_an_audit_trail(client, planner):
    from renja.models import AuditLog

    client.force_login(planner)
    group = SynonymGroup.objects.get(nama="penitipan anak")
    url = reverse("sinkronisasi:synonym-edit", args=[group.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"nama": "penitipan anak", "frasa": "penitipan anak, daycare, TPA anak", "aktif": "on"})
    assert response.status_code == 302
    group.refresh_from_db()
    assert "TPA anak" in group.frasa
    confirm = client.get(reverse("sinkronisasi:synonym-delete-confirm", args=[group.pk])).content.decode()
    assert "Kelompok penitipan anak (penitipan anak, daycare, TPA anak) dihapus" in confirm
    assert (
        client.post(reverse("sinkronisasi:synonym-delete", args=[group.pk])).status_code == 302
    )  # not confirmed: kept
    assert SynonymGroup.objects.filter(pk=group.pk).exists()
    assert client.post(reverse("sinkronisasi:synonym-delete", args=[group.pk]), {"konfirmasi": "1"}).status_code == 302
    assert not SynonymGroup.objects.filter(pk=group.pk).exists()
    assert set(AuditLog.objects.filter(object_id=str(group.pk)).values_list("action", flat=True)) == {
        "synonym_group.changed",
        "synonym_group.deleted",
    }


def test_a_settled_pair_can_be_reopened_by_hand(client, planner, two_pairs):
    pair = two_pairs[0]
    services.overlap_settle(overlap=pair, status="saling_melengkapi", by=planner)
    client.force_login(planner)
    assert client.post(reverse("sinkronisasi:overlap-reopen", args=[pair.pk])).status_code == 302
    pair.refresh_from_db()
    assert pair.status == "terbuka" and pair.reopened_at is not None
    # reopening an open pair is refused with a message, nothing changes
    client.post(reverse("sinkronisasi:overlap-reopen", args=[pair.pk]))
    assert Overlap.objects.get(pk=pair.pk).status == "terbuka"


@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_exports_and_the_report_read_the_replica(client, tmp_path, planner, two_pairs, replica):
    from django.test.utils import CaptureQueriesContext

    client.force_login(planner)
    with CaptureQueriesContext(replica) as secondary:
        pairs_csv = client.get(reverse("sinkronisasi:overlap-list"), {"export": "csv"}).content.decode("utf-8-sig")
        orphans_csv = client.get(reverse("sinkronisasi:orphan-list"), {"export": "csv"}).content.decode("utf-8-sig")
        call_command("sync_report", year=2026, out=str(tmp_path), stdout=io.StringIO())
    assert "P1-1" in pairs_csv and orphans_csv.startswith("id_usulan")
    exported = " ".join(q["sql"] for q in secondary.captured_queries)
    assert "sinkronisasi_overlap" in exported and "musrenbang_usulan" in exported
    assert "P1-1" in (tmp_path / "tumpang_tindih.csv").read_text(encoding="utf-8")
