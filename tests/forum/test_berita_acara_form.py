"""The berita acara to the tata naskah standard (issue 16, point 1), read back from the PDF as text and as a picture:
NIP in its groups, the chair signing once with pangkat, representatives numbered 1…n one per participating agency,
a signature block after each lampiran, the kop with telepon, laman and surel, a title broken where a reader breaks
it, and the nomor from its pattern with a sequence per year without gaps."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from PIL import Image

from core.formatting import nip
from forum import selectors, services
from forum.models import BeritaAcara
from forum.pdf import NBSP, title_lines

from .conftest import CHAIR
from .document import LAMPIRAN, block_under, pages, render, sections, words_with_boxes

pytestmark = pytest.mark.django_db

NIP_PRINTED = re.compile(r"NIP\b.{0,24}")
NIP_GROUPS = re.compile(r"^NIP\. \d{8} \d{6} \d \d{3}(?!\d)")


def test_nip_prints_in_its_four_groups_and_anything_else_unchanged():
    assert nip("196805121994031007") == "19680512 199403 1 007"
    assert nip(" 196805121994031007 ") == "19680512 199403 1 007"
    assert nip("12345") == "12345" and nip("") == "" and nip(None) == ""
    assert nip("19680512199403100X") == "19680512199403100X"


def test_every_nip_in_the_document_is_printed_in_its_groups(forum_full, tmp_path):
    text = " ".join(" ".join(pages(render(forum_full, tmp_path))).split())
    printed = [m.group(0) for m in NIP_PRINTED.finditer(text)]
    assert len(printed) >= 2 + len(LAMPIRAN)  # the chair on the berita acara and under each lampiran, a head
    assert all(NIP_GROUPS.match(n) for n in printed), printed
    assert "196805121994031007" not in text


def test_the_chair_signs_once_and_the_representatives_are_numbered_one_to_n(forum_full, tmp_path, opd_a, opd_b):
    main = sections(render(forum_full, tmp_path))["BA"]
    assert main.count(CHAIR) == 1  # he is on the list as a representative too, and still signs once
    assert "PIMPINAN SIDANG, Asisten Administrasi Umum (Asisten III)" in main
    assert f"{CHAIR} Pembina Utama Muda (IV/c) NIP. 19680512 199403 1 007" in main
    block = main[main.index("PERWAKILAN PESERTA FORUM") :]
    assert "WAKIL PESERTA" not in main.replace("PERWAKILAN PESERTA", "")
    # One per participating agency: DP3A by its head from the agency profile, Dinsos by the representative on the list.
    people = selectors.forum_snapshot(forum_full)["perwakilan"]
    assert [(p["nama"], p["unit"]) for p in people] == [
        ("Hj. Maslinda, S.H., M.H", opd_b.nama),
        ("Siti Rahma", opd_a.nama),
    ]
    page = next(p for p in pages(render(forum_full, tmp_path), layout=True) if "Hj. Maslinda" in p)
    assert block_under(page, "Hj. Maslinda, S.H., M.H")[:3] == [
        "Hj. Maslinda, S.H., M.H",
        "Pembina Tingkat I (IV/b)",
        "NIP. 19720315 199803 2 004",
    ]
    numbers = [int(n) for n in re.findall(r"(\d+)\. …", block)]
    assert numbers == list(range(1, len(people) + 1))


def test_an_attendee_representing_an_agency_signs_for_it_with_pangkat_and_nip(forum_full, facilitator, opd_b, tmp_path):
    services.attendee_add(
        forum=forum_full,
        data={
            "nama": "Andi Saputra, S.Kom",
            "unsur": "Bidang Pemenuhan Hak Anak",
            "jabatan": "Kepala Bidang",
            "pangkat": "Penata Tingkat I (III/d)",
            "nip": "198203142006041002",
            "opd": opd_b,
            "signs_as_representative": True,
        },
        by=facilitator,
        checked_in=True,
    )
    people = selectors.forum_snapshot(forum_full)["perwakilan"]
    assert [p["nama"] for p in people] == ["Andi Saputra, S.Kom", "Siti Rahma"]  # instead of the head, not beside
    path = render(forum_full, tmp_path)
    page = next(p for p in pages(path, layout=True) if "Andi Saputra" in p)
    assert block_under(page, "Andi Saputra, S.Kom")[:3] == [
        "Andi Saputra, S.Kom",
        "Penata Tingkat I (III/d)",
        "NIP. 19820314 200604 1 002",
    ]
    assert "Maslinda" not in sections(path)["BA"]


def test_a_representative_who_never_checked_in_signs_nothing(forum_full, facilitator, opd_b):
    services.attendee_add(
        forum=forum_full,
        data={"nama": "Andi Saputra, S.Kom", "unsur": "DP3A", "opd": opd_b, "signs_as_representative": True},
        by=facilitator,
        checked_in=False,
    )
    names = [p["nama"] for p in selectors.forum_snapshot(forum_full)["perwakilan"]]
    assert "Andi Saputra, S.Kom" not in names and "Siti Rahma" in names


def test_an_attendee_is_refused_a_bad_nip_or_an_agency_outside_the_forum(forum, facilitator):
    from ..factories import make_opd

    with pytest.raises(ValidationError) as bad_nip:
        services.attendee_add(forum=forum, data={"nama": "A", "unsur": "B", "nip": "1968-05"}, by=facilitator)
    assert bad_nip.value.message_dict == {"nip": ["NIP harus 18 angka."]}
    with pytest.raises(ValidationError) as outsider:
        services.attendee_add(forum=forum, data={"nama": "A", "unsur": "B", "opd": make_opd("Dinkes")}, by=facilitator)
    assert outsider.value.message_dict == {"opd": ["Dinkes bukan OPD peserta forum ini."]}
    assert not forum.attendance.exists()


def test_each_lampiran_ends_with_the_chairs_name_and_a_signature_line(forum_full, tmp_path):
    parts = sections(render(forum_full, tmp_path))
    assert set(LAMPIRAN) <= set(parts)
    for key in LAMPIRAN:
        assert parts[key].endswith(f"PIMPINAN SIDANG, {CHAIR} Pembina Utama Muda (IV/c) NIP. 19680512 199403 1 007"), (
            key
        )


def test_the_signature_space_after_each_lampiran_is_blank_and_the_name_underlined(forum_full, tmp_path):
    """As a picture: between "PIMPINAN SIDANG," and the chair's name there is room to sign (no ink), and a line
    (the underline) runs under the name."""
    import subprocess

    path = render(forum_full, tmp_path)
    starts = [n for n, page in enumerate(pages(path), 1) if re.search(r"^\s*LAMPIRAN ", page, re.MULTILINE)]
    last_pages = [nxt - 1 for nxt in starts[1:]] + [len(pages(path))]
    dpi = 100
    for page in last_pages:
        words = words_with_boxes(path, page)
        sidang = [w for w in words if w[0] == "SIDANG,"][-1]
        name = [w for w in words if w[0] == CHAIR.split()[0] and w[2] > sidang[4]][0]
        assert name[2] - sidang[4] > 15 / 25.4 * 72, f"page {page}: less than 15 mm to sign"
        prefix = tmp_path / f"p{page}"
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                str(dpi),
                "-f",
                str(page),
                "-l",
                str(page),
                "-singlefile",
                "-png",
                "-gray",
                path,
                prefix,
            ],
            check=True,
        )
        picture = Image.open(f"{prefix}.png").convert("L")
        scale = dpi / 72
        left, right = min(sidang[1], name[1]), max(sidang[3], name[3])
        space = picture.crop(
            (round(left * scale), round(sidang[4] * scale) + 2, round(right * scale), round(name[2] * scale) - 2)
        )
        assert space.getextrema()[0] > 200, f"page {page}: the signature space is not blank"
        under = picture.crop(
            (round(name[1] * scale), round(name[2] * scale), round(name[3] * scale), round(name[4] * scale) + 4)
        )
        dark_rows = [
            y
            for y in range(under.height)
            if sum(under.getpixel((x, y)) < 128 for x in range(under.width)) > under.width * 0.8
        ]
        assert dark_rows, f"page {page}: no line under the chair's name"


def test_the_kop_carries_telepon_laman_and_surel_from_the_pemda_profile(forum_full, tmp_path, settings):
    settings.PEMDA = {**settings.PEMDA, "telepon": "(0541) 123456", "laman": "bappeda.contoh.go.id", "surel": "a@b.id"}
    first = " ".join(pages(render(forum_full, tmp_path))[0].split())
    assert "Telepon (0541) 123456 · Laman bappeda.contoh.go.id · Surel a@b.id" in first


def test_the_title_breaks_at_sensible_places_and_daerah_never_wraps_alone(forum_full, tmp_path):
    lines = [line.strip() for line in pages(render(forum_full, tmp_path), layout=True)[0].splitlines()]
    start = lines.index("BERITA ACARA")
    assert lines[start : start + 3] == [
        "BERITA ACARA",
        "KESEPAKATAN HASIL FORUM LINTAS PERANGKAT DAERAH",
        "KABUPATEN KUTAI KARTANEGARA TAHUN 2026",
    ]
    for page in pages(render(forum_full, tmp_path), layout=True):
        assert not any(line.strip() in ("DAERAH", "Daerah", "KARTANEGARA") for line in page.splitlines())
    # However narrow the column, "Perangkat Daerah", "Kutai Kartanegara" and "Tahun 2026" stay together.
    snapshot = {"jenis_label": "Forum Perangkat Daerah", "pemda": {"nama_daerah": "Kabupaten Kutai Kartanegara"}}
    assert title_lines({**snapshot, "tahun": 2026}) == [
        "Berita Acara",
        f"Kesepakatan Hasil Forum Perangkat{NBSP}Daerah",
        f"Kabupaten Kutai{NBSP}Kartanegara Tahun{NBSP}2026",
    ]


def test_the_nomor_follows_the_configured_pattern_with_kode_klasifikasi(forum_ready, facilitator, verify_url, settings):
    settings.PEMDA = {**settings.PEMDA, "nomor_berita_acara": "000.8/{seq:04d}/Bappeda-{bulan}/{bulan_romawi}/{tahun}"}
    ba = services.forum_finalise(forum=forum_ready, by=facilitator, verify_url_for=verify_url)
    assert ba.nomor == "000.8/0001/Bappeda-3/III/2025"
    assert ba.snapshot["nomor"] == ba.nomor and "nomor_berita_acara" not in ba.snapshot["pemda"]


def second_forum(forum_data, year, opd_a, facilitator, **changes):
    forum = services.forum_create(
        fiscal_year=year, data={**forum_data, "judul": "Forum kedua", **changes}, opd_list=[opd_a], by=facilitator
    )
    services.attendee_add(forum=forum, data={"nama": "Seseorang", "unsur": "Dinsos"}, by=facilitator, checked_in=True)
    return forum


def test_numbers_of_a_year_follow_each_other_without_gaps(
    forum_ready, forum_data, year, opd_a, facilitator, verify_url, monkeypatch
):
    first = services.forum_finalise(forum=forum_ready, by=facilitator, verify_url_for=verify_url)
    other = second_forum(forum_data, year, opd_a, facilitator)

    def broken(*args, **kwargs):
        raise RuntimeError("snapshot failed")

    # A finalising that fails after taking its number gives it back: the next one gets the very next number.
    with monkeypatch.context() as patch:
        patch.setattr(selectors, "forum_snapshot", broken)
        with pytest.raises(RuntimeError, match="snapshot failed"):
            services.forum_finalise(forum=other, by=facilitator, verify_url_for=verify_url)
    second = services.forum_finalise(forum=other, by=facilitator, verify_url_for=verify_url)
    assert [first.nomor, second.nomor] == [
        "000.1.2/001/BA-FPD/Bappeda/III/2025",
        "000.1.2/002/BA-FPD/Bappeda/III/2025",
    ]
    # A forum of another calendar year starts at 1.
    import datetime

    later = second_forum(forum_data, year, opd_a, facilitator, judul="Forum 2026", tanggal=datetime.date(2026, 1, 8))
    assert services.forum_finalise(forum=later, by=facilitator, verify_url_for=verify_url).nomor == (
        "000.1.2/001/BA-FPD/Bappeda/I/2026"
    )


def test_a_year_numbered_before_the_sequence_continues_after_its_berita_acara(
    forum_ready, forum_data, year, opd_a, facilitator, verify_url
):
    from forum.models import BeritaAcaraSequence

    services.forum_finalise(forum=forum_ready, by=facilitator, verify_url_for=verify_url)
    BeritaAcaraSequence.objects.all().delete()  # as before migration 0005: numbers counted, no sequence row
    other = second_forum(forum_data, year, opd_a, facilitator)
    assert services.forum_finalise(forum=other, by=facilitator, verify_url_for=verify_url).nomor.startswith(
        "000.1.2/002/"
    )
    assert BeritaAcara.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_the_number_is_taken_only_inside_the_finalising_transaction(forum_ready):
    with pytest.raises(RuntimeError, match="must run inside the finalising transaction"):
        services.berita_acara_number_next(forum_ready)
    with transaction.atomic():
        assert services.berita_acara_number_next(forum_ready) == "000.1.2/001/BA-FPD/Bappeda/III/2025"


def test_the_attendee_form_takes_the_agency_pangkat_and_nip(client, forum, facilitator, opd_a):
    from django.urls import reverse

    client.force_login(facilitator)
    page = client.get(reverse("forum:forum-detail", args=[forum.pk])).content.decode()
    assert 'name="pangkat"' in page and 'name="nip"' in page and f'<option value="{opd_a.pk}">' in page
    client.post(
        reverse("forum:attendee-add", args=[forum.pk]),
        {
            "nama": "Siti Rahma",
            "unsur": "Dinas Sosial",
            "jabatan": "Kepala Dinas",
            "pangkat": "Pembina (IV/a)",
            "nip": "197501012000032001",
            "opd": opd_a.pk,
            "signs_as_representative": "on",
        },
    )
    person = forum.attendance.get()
    assert (person.opd, person.pangkat, person.nip) == (opd_a, "Pembina (IV/a)", "197501012000032001")


def test_the_forum_form_takes_the_chairs_pangkat(client, forum, facilitator, forum_data, opd_a, opd_b):
    from django.urls import reverse

    client.force_login(facilitator)
    data = {
        **forum_data,
        "tanggal": "2025-03-12",
        "mulai": "09:00",
        "selesai": "12:30",
        "pimpinan_pangkat": "Pembina Utama Muda (IV/c)",
        "fasilitator": facilitator.pk,
        "opd": [opd_a.pk, opd_b.pk],
        "version": forum.version,
    }
    assert client.post(reverse("forum:forum-edit", args=[forum.pk]), data).status_code == 302
    forum.refresh_from_db()
    assert forum.pimpinan_pangkat == "Pembina Utama Muda (IV/c)"
