"""The words that made two rows look alike are shown as the rows write them, marked in the rows, never as stems."""

import pytest
from django.urls import reverse

from sinkronisasi import selectors, services
from sinkronisasi.models import Overlap

from ..factories import make_row


@pytest.fixture
def irrigation(year, opd_b, opd_c, places, groups, codes):
    from sinkronisasi import text

    text.stems("jaring pengaman sosial")  # as in a real process: "jaring" seen as a word, so it is the stem's label
    make_row(
        opd=opd_b,
        fiscal_year=year,
        ref="A",
        sub_kegiatan=codes["dp3a"],
        lokasi=[places["desa1"]],
        sasaran=[groups["petani"]],
        nama="Pembangunan jaringan irigasi pertanian desa",
        keterangan="Jaringan irigasi tersier untuk sawah petani",
    )
    make_row(
        opd=opd_c,
        fiscal_year=year,
        ref="B",
        sub_kegiatan=codes["dp2kb"],
        lokasi=[places["desa1"]],
        sasaran=[groups["petani"]],
        nama="Rehabilitasi jaringan irigasi tersier",
        keterangan="Perbaikan saluran pengairan sawah",
    )
    services.sync_refresh(fiscal_year=year)
    return Overlap.objects.select_related("row_a", "row_b").get()


def test_reasons_name_the_words_as_written_not_their_stems(irrigation):
    stored = irrigation.signals["istilah_kunci"]
    assert any("jaring" in stems for _term, stems in stored)  # what the detector matched: stems
    words = selectors.matched_words(irrigation.signals, rows=(irrigation.row_a, irrigation.row_b))
    assert any("jaringan irigasi" in w for w in words) and "jaring" not in " ".join(words).split()
    text = " ".join(selectors.reasons(irrigation.signals, rows=(irrigation.row_a, irrigation.row_b)))
    assert "jaringan" in text and "jaring," not in text and not text.endswith("jaring")


def test_findings_stored_before_the_terms_were_kept_still_show_their_labels(irrigation):
    old = {k: v for k, v in irrigation.signals.items() if k != "istilah_kunci"}
    assert selectors.matched_words(old, rows=(irrigation.row_a, irrigation.row_b)) == old["istilah"]


@pytest.mark.parametrize("url_name", ["sinkronisasi:overlap-list", "sinkronisasi:overlap-detail"])
def test_pages_mark_the_matched_words_in_both_rows(client, planner, irrigation, url_name):
    client.force_login(planner)
    url = reverse(url_name, args=[irrigation.pk] if url_name.endswith("detail") else [])
    page = client.get(url).content.decode()
    assert "Pembangunan <mark>jaringan</mark> <mark>irigasi</mark>" in page
    assert "<mark>jaringan</mark> <mark>irigasi</mark> <mark>tersier</mark>" in page


def test_marking_escapes_the_text():
    from sinkronisasi.templatetags.sinkronisasi_tags import highlight_words

    assert (
        str(highlight_words("<b>jaringan</b> & irigasi", frozenset({"jaring"})))
        == "&lt;b&gt;<mark>jaringan</mark>&lt;/b&gt; &amp; irigasi"
    )
    assert str(highlight_words("<i>x</i>", frozenset())) == "&lt;i&gt;x&lt;/i&gt;"
