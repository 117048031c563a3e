import datetime
import hashlib
import subprocess

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from forum import selectors, services
from forum.models import BeritaAcara, Forum
from renja.models import AuditLog, RenjaRow

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "ba.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(text.split())


def test_create_gets_standard_clauses(forum):
    clauses = list(forum.clauses.values_list("text", flat=True))
    assert len(clauses) == 7 and "Lampiran II" in clauses[0] and "2026" in clauses[-1]
    assert any("Lampiran V." in c for c in clauses) and any("Lampiran VI." in c for c in clauses)
    assert AuditLog.objects.filter(action="forum.created").exists()


def test_end_time_before_start_is_refused(year, opd_a, facilitator, forum_data):
    with pytest.raises(ValidationError, match="Waktu selesai harus setelah waktu mulai") as exc:
        services.forum_create(
            fiscal_year=year, data={**forum_data, "selesai": datetime.time(8, 0)}, opd_list=[opd_a], by=facilitator
        )
    assert exc.value.message_dict["selesai"] == ["Waktu selesai harus setelah waktu mulai."]


@pytest.mark.parametrize("nip", ["12345", "19700101199503100X", "1970010119950310012"])
def test_nip_must_be_18_digits(year, opd_a, facilitator, forum_data, nip):
    with pytest.raises(ValidationError, match="NIP harus 18 angka") as exc:
        services.forum_create(
            fiscal_year=year, data={**forum_data, "pimpinan_nip": nip}, opd_list=[opd_a], by=facilitator
        )
    assert exc.value.message_dict["pimpinan_nip"] == ["NIP harus 18 angka."]


def test_finalise_refuses_empty_attendance(forum, facilitator, verify_url):
    with pytest.raises(ValidationError, match="Daftar hadir masih kosong"):
        services.forum_finalise(forum=forum, by=facilitator, verify_url_for=verify_url)
    assert not BeritaAcara.objects.exists()


def test_snapshot_holds_the_document(forum_ready):
    snap = selectors.forum_snapshot(forum_ready)
    assert snap["kalimat_pembuka"] == "Pada hari ini Rabu tanggal dua belas bulan Maret tahun dua ribu dua puluh lima"
    assert [k["urut"] for k in snap["kesepakatan"]][:3] == ["KESATU", "KEDUA", "KETIGA"]
    assert {r["ref"] for r in snap["lampiran_ii"]} == {"2026-DINSOS-001", "2026-DP3A-001"}
    assert [(u["id_usulan"], u["alasan"]) for u in snap["lampiran_iii"]] == [("USL-001", "Sudah dianggarkan provinsi")]
    assert [(u["id_usulan"], u["anggota_dprd"], u["fraksi"]) for u in snap["lampiran_iv"]] == [
        ("POKIR-7", "H. Anggota", "Fraksi Contoh")
    ]


def test_finalise_freezes_numbers_fingerprints_and_agrees_rows(forum_ready, facilitator, verify_url, tmp_path):
    ba = services.forum_finalise(forum=forum_ready, by=facilitator, verify_url_for=verify_url)
    forum_ready.refresh_from_db()
    assert forum_ready.status == "final" and ba.nomor == "000.1.2/001/BA-FPD/Bappeda/III/2025"
    stored = BeritaAcara.objects.get(pk=ba.pk)  # the fingerprint holds for the snapshot as stored, not only in memory
    assert (
        stored.sha256
        == services.fingerprint(stored.snapshot)
        == services.fingerprint(selectors.forum_snapshot(forum_ready, nomor=ba.nomor))
    )
    data = ba.pdf.read()
    assert data.startswith(b"%PDF") and hashlib.sha256(data).hexdigest() == ba.pdf_sha256
    assert set(RenjaRow.objects.values_list("status", flat=True)) == {"disepakati"}
    text = pdf_text(data, tmp_path)
    for needle in [
        "KESEPAKATAN HASIL FORUM LINTAS PERANGKAT DAERAH",
        ba.nomor,
        "Pada hari ini Rabu tanggal dua belas",
        "MENYEPAKATI",
        "KESATU",
        "Dr. Ahmad Pemimpin",
        "NIP. 19700101 199503 1 001",
        "LAMPIRAN I",
        "LAMPIRAN IV",
        "Siti Rahma",
        "Rp1.250.000.000",
        "Sudah dianggarkan provinsi",
        "Halaman 1 dari",
        ba.sha256[:32],
    ]:
        assert needle in text, needle
    assert "DRAF" not in text


def test_snapshot_does_not_follow_later_edits(forum_ready, facilitator, verify_url, planner):
    ba = services.forum_finalise(forum=forum_ready, by=facilitator, verify_url_for=verify_url)
    from renja import services as renja_services

    row = RenjaRow.objects.get(ref="2026-DINSOS-001")
    renja_services.row_update(row=row, data={"pagu": 1}, by=planner)
    ba.refresh_from_db()
    assert [r["pagu"] for r in ba.snapshot["lampiran_ii"] if r["ref"] == "2026-DINSOS-001"] == [1_250_000_000]
    assert services.fingerprint(ba.snapshot) == ba.sha256


def test_draft_pdf_carries_draf_mark(forum_ready, tmp_path):
    from forum.pdf import render_berita_acara

    text = pdf_text(render_berita_acara(selectors.forum_snapshot(forum_ready), draft=True), tmp_path)
    assert "DRAF" in text and "Sidik jari" not in text


def test_signed_forum_refuses_every_change(forum_ready, facilitator, verify_url, forum_data, opd_a):
    services.forum_finalise(forum=forum_ready, by=facilitator, verify_url_for=verify_url)
    services.forum_sign(forum=forum_ready, by=facilitator, scan=b"%PDF-1.4 scanned")
    forum_ready.refresh_from_db()
    assert forum_ready.status == "signed"
    person = forum_ready.attendance.first()
    signed = "sudah ditandatangani dan tidak dapat diubah"
    attempts = [
        (signed, lambda: services.forum_update(forum=forum_ready, data=forum_data, opd_list=[opd_a], by=facilitator)),
        (signed, lambda: services.attendee_add(forum=forum_ready, data={"nama": "X", "unsur": "Y"}, by=facilitator)),
        (signed, lambda: services.attendee_check_in(attendee=person, by=facilitator)),
        (signed, lambda: services.attendee_remove(attendee=person, by=facilitator)),
        (signed, lambda: services.clauses_save(forum=forum_ready, texts=["Baru"], by=facilitator)),
        (signed, lambda: services.forum_finalise(forum=forum_ready, by=facilitator, verify_url_for=verify_url)),
        (
            "Hanya berita acara yang sudah final dan belum ditandatangani",
            lambda: services.forum_sign(forum=forum_ready, by=facilitator),
        ),
    ]
    for message, attempt in attempts:
        with pytest.raises(ValidationError, match=message):
            attempt()
    assert forum_ready.attendance.count() == 2


def test_sign_refuses_a_scan_that_is_not_pdf(forum_ready, facilitator, verify_url):
    services.forum_finalise(forum=forum_ready, by=facilitator, verify_url_for=verify_url)
    with pytest.raises(ValidationError, match="harus berkas PDF"):
        services.forum_sign(forum=forum_ready, by=facilitator, scan=b"\x89PNG")


def test_correction_is_a_new_version_keeping_the_old(forum_ready, facilitator, verify_url):
    ba = services.forum_finalise(forum=forum_ready, by=facilitator, verify_url_for=verify_url)
    services.forum_sign(forum=forum_ready, by=facilitator)
    copy = services.forum_correct(forum=forum_ready, by=facilitator)
    assert copy.status == "draft" and copy.corrects == forum_ready and copy.attendance.count() == 2
    assert BeritaAcara.objects.get(pk=ba.pk).sha256 == ba.sha256
    with pytest.raises(ValidationError, match="sudah memiliki versi koreksi"):
        services.forum_correct(forum=forum_ready, by=facilitator)


def test_verification_page_genuine_and_forged(client, forum_ready, facilitator, verify_url):
    ba = services.forum_finalise(forum=forum_ready, by=facilitator, verify_url_for=verify_url)
    response = client.get(reverse("forum:verify-detail", args=[ba.sha256]))
    html = response.content.decode()
    assert response.status_code == 200 and "Asli." in html and ba.nomor in html and "Gedung Bappeda Kukar" in html
    forged = "0" * 64
    response = client.get(reverse("forum:verify-detail", args=[forged]))
    assert response.status_code == 404 and "Tidak dikenal." in response.content.decode()
    response = client.get(reverse("forum:verify"), {"sidik_jari": ba.sha256.upper()})
    assert response.status_code == 302 and response.url.endswith(f"/{ba.sha256}/")


@pytest.mark.parametrize(
    "who,expected",
    [("anonymous", 302), ("planner", 200), ("facilitator", 200), ("opd_a_editor", 200), ("opd_a_viewer", 200)],
)
def test_forum_detail_access(client, request, forum, who, expected):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("forum:forum-detail", args=[forum.pk])).status_code == expected


def test_agency_outside_the_forum_sees_nothing(client, forum, year, facilitator):
    from ..factories import make_opd, make_user

    outsider = make_user("luar", opd=make_opd("Dispora"))
    client.force_login(outsider)
    assert client.get(reverse("forum:forum-detail", args=[forum.pk])).status_code == 404
    assert client.get(reverse("forum:forum-pdf", args=[forum.pk])).status_code == 404
    assert forum.judul not in client.get(reverse("forum:forum-list")).content.decode()


@pytest.mark.parametrize("who", ["opd_a_editor", "opd_a_viewer"])
def test_officers_cannot_run_the_forum(client, request, forum, who):
    client.force_login(request.getfixturevalue(who))
    assert client.post(reverse("forum:attendee-add", args=[forum.pk]), {"nama": "X", "unsur": "Y"}).status_code == 403
    assert client.post(reverse("forum:forum-finalise", args=[forum.pk])).status_code == 403
    assert client.get(reverse("forum:forum-create")).status_code == 403
    assert forum.attendance.count() == 0


def test_facilitator_journey_through_views(client, facilitator, forum, year, opd_a):
    from ..factories import make_row

    make_row(opd=opd_a, fiscal_year=year, ref="2026-DINSOS-050")
    client.force_login(facilitator)
    url = reverse("forum:attendee-add", args=[forum.pk])
    assert client.post(url, {"nama": "Rina", "unsur": "Dinsos", "checked_in": "on"}).status_code == 302
    assert client.post(reverse("forum:clauses-save", args=[forum.pk]), {"text": "Satu.\n\nDua."}).status_code == 302
    assert [clause.text for clause in forum.clauses.all()] == ["Satu.", "Dua."]
    draft = client.get(reverse("forum:forum-pdf", args=[forum.pk]))
    assert draft["Content-Type"] == "application/pdf" and draft.content.startswith(b"%PDF")
    confirm = client.get(reverse("forum:forum-finalise-confirm", args=[forum.pk])).content.decode()
    assert "1 baris Renja akan menjadi disepakati" in confirm
    assert (
        client.post(
            reverse("forum:forum-finalise", args=[forum.pk]), {"konfirmasi": "1", "jumlah_baris": "1"}
        ).status_code
        == 302
    )
    forum.refresh_from_db()
    assert forum.status == "final"
    stored = client.get(reverse("forum:forum-pdf", args=[forum.pk]))
    assert b"".join(stored.streaming_content) == forum.berita_acara.pdf.open("rb").read()
    response = client.post(reverse("forum:attendee-add", args=[forum.pk]), {"nama": "Telat", "unsur": "X"})
    assert forum.attendance.filter(nama="Telat").count() == 0 and response.status_code == 422


def test_admin_cannot_change_signed_documents(client, admin_user, forum_ready, facilitator, verify_url):
    ba = services.forum_finalise(forum=forum_ready, by=facilitator, verify_url_for=verify_url)
    services.forum_sign(forum=forum_ready, by=facilitator)
    client.force_login(admin_user)
    assert client.post(f"/admin/forum/beritaacara/{ba.pk}/change/", {"nomor": "palsu"}).status_code == 403
    assert client.post(f"/admin/forum/forum/{forum_ready.pk}/change/", {"judul": "palsu"}).status_code == 403
    ba.refresh_from_db()
    assert ba.nomor != "palsu"


def test_create_form_refuses_end_before_start(client, facilitator, opd_a, year, forum_data):
    client.force_login(facilitator)
    data = {**forum_data, "tanggal": "2025-03-12", "mulai": "10:00", "selesai": "09:00", "opd": [opd_a.pk]}
    response = client.post(reverse("forum:forum-create"), data)
    assert response.status_code == 200 and "Waktu selesai harus setelah waktu mulai." in response.content.decode()
    assert not Forum.objects.exists()


def test_pdf_of_a_big_forum_holds_every_row(forum_ready, tmp_path):
    """300 agreed rows and 80 attendees: every row and every person is in the PDF's text."""
    from forum.pdf import render_berita_acara

    snap = selectors.forum_snapshot(forum_ready, nomor="999/BA-FPD/BAPPEDA/III/2025")
    row = snap["lampiran_ii"][0]
    snap["lampiran_ii"] = [
        dict(row, ref=f"R-{i}", kode=f"1.06.04.2.01.{i:04d}", pagu=1_000_000 + i) for i in range(300)
    ]
    snap["kehadiran"] = [
        {"nama": f"Peserta Nomor {i:03d}", "unsur": "Dinas Sosial", "jabatan": "Staf", "wakil": False}
        for i in range(80)
    ]
    text = pdf_text(
        render_berita_acara(snap, draft=False, fingerprint="f" * 64, verify_url="http://testserver/verifikasi/x/"),
        tmp_path,
    )
    assert all(f"1.06.04.2.01.{i:04d}" in text for i in range(300))
    assert all(f"Peserta Nomor {i:03d}" in text for i in range(80))
    assert all(f"Rp{1_000_000 + i:,}".replace(",", ".") in text for i in range(300))


@pytest.mark.parametrize("lock", ["year", "forum_stage"])
def test_locked_year_or_forum_stage_refuses_forum_changes(forum_ready, facilitator, verify_url, lock):
    from renja.models import StageWindow

    if lock == "year":
        forum_ready.fiscal_year.is_locked = True
        forum_ready.fiscal_year.save()
    else:
        StageWindow.objects.create(
            fiscal_year=forum_ready.fiscal_year,
            stage="forum",
            opens_on=datetime.date(2025, 3, 3),
            closes_on=datetime.date(2025, 3, 21),
            is_locked=True,
        )
    forum_ready.refresh_from_db()
    with pytest.raises(ValidationError, match="dikunci"):
        services.forum_finalise(forum=forum_ready, by=facilitator, verify_url_for=verify_url)
    with pytest.raises(ValidationError, match="dikunci"):
        services.attendee_add(forum=forum_ready, data={"nama": "X", "unsur": "Y"}, by=facilitator)
    assert not BeritaAcara.objects.exists()
    assert set(RenjaRow.objects.values_list("status", flat=True)) == {"draft"}


def test_forum_pages_query_counts_do_not_grow(client, django_assert_max_num_queries, facilitator, forum, year, opd_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ..factories import make_row, make_usulan

    client.force_login(facilitator)
    urls = [reverse("forum:forum-list"), reverse("forum:forum-detail", args=[forum.pk])]
    make_row(opd=opd_a, fiscal_year=year)
    services.attendee_add(forum=forum, data={"nama": "A", "unsur": "B"}, by=facilitator)
    counts = []
    for url in urls:
        with CaptureQueriesContext(connection) as small:
            client.get(url)
        counts.append(len(small.captured_queries))
    for i in range(15):
        make_row(opd=opd_a, fiscal_year=year)
        services.attendee_add(forum=forum, data={"nama": f"P{i}", "unsur": "B"}, by=facilitator)
        make_usulan(fiscal_year=year, opd_tujuan=opd_a)
    for url, count in zip(urls, counts):
        with django_assert_max_num_queries(count):
            assert client.get(url).status_code == 200
