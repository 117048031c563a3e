"""Explanations a planner can check: the matched words as each row writes them, marked, never stems."""

import re

import pytest
from django.urls import reverse

from sinkronisasi import selectors, services, text
from sinkronisasi.models import Overlap, SynonymGroup
from sinkronisasi.templatetags.sinkronisasi_tags import highlight_words

from ..factories import make_row

HOUSES_A = dict(
    nama="Bedah Rumah warga miskin",
    keterangan="Bedah rumah bagi keluarga miskin: atap, dinding dan lantai rumah diganti.",
)
HOUSES_B = dict(
    nama="Perbaikan rumah tak layak huni (RTLH)",
    keterangan="Rehabilitasi rumah tidak layak huni keluarga miskin, dinding dan atap.",
)


@pytest.fixture
def houses(year, opd_b, opd_c, places, groups, codes):
    make_row(
        opd=opd_b,
        fiscal_year=year,
        ref="A",
        sub_kegiatan=codes["dp3a"],
        lokasi=[places["desa1"]],
        sasaran=[groups["lansia"]],
        **HOUSES_A,
    )
    make_row(
        opd=opd_c,
        fiscal_year=year,
        ref="B",
        sub_kegiatan=codes["dp2kb"],
        lokasi=[places["desa1"]],
        sasaran=[groups["lansia"]],
        **HOUSES_B,
    )
    services.synonym_group_seed()
    services.sync_refresh(fiscal_year=year, full=True)
    return Overlap.objects.select_related("row_a", "row_b", "opd_a", "opd_b").get()


def _texts(row):
    return " ".join(filter(None, [row.nama, row.rincian, row.keterangan, row.indikator, row.indikator_opd]))


def test_a_synonym_group_is_shown_by_the_phrases_each_row_writes(houses):
    rows = (houses.row_a, houses.row_b)
    by_row = dict(selectors.matched_words_by_row(houses.signals, rows))
    assert "rumah tidak layak huni" in by_row  # the group's name
    words_a, words_b = by_row["rumah tidak layak huni"]
    assert "Bedah Rumah" in words_a
    assert "Perbaikan rumah tak layak huni" in words_b and "RTLH" in words_b
    sentence = " ".join(selectors.reasons(houses.signals, rows=rows))
    assert "Bedah Rumah" in sentence and "Perbaikan rumah tak layak huni" in sentence and "≈" in sentence


def test_every_shown_word_stands_verbatim_in_its_row_and_no_stem_is_shown(houses):
    rows = (houses.row_a, houses.row_b)
    matched = selectors.matched_words_by_row(houses.signals, rows)
    assert matched
    group_names = set()
    for label, per_row in matched:
        for row, words in zip(rows, per_row):
            for stretch in words:
                assert stretch in _texts(row), (label, stretch)  # verbatim, case and all
        if label in {g.nama for g in SynonymGroup.objects.all()}:
            group_names.update(label.split())
    words_of_rows = {w.lower() for row in rows for w in re.findall(r"\w+", _texts(row))}
    shown = " ".join(selectors.matched_words(houses.signals, rows))
    for word in re.findall(r"\w+", shown):
        # a word of one of the rows, or of a synonym group's name: never a bare stem ("baik", "rehabilitas")
        assert word.lower() in words_of_rows or word in group_names, word
    stems_only = {t for t, _stems in houses.signals["istilah_kunci"] if not t.startswith("~")} - words_of_rows
    assert not stems_only & set(shown.lower().split())


def test_only_words_of_a_matched_stretch_are_marked(houses):
    rows = (houses.row_a, houses.row_b)
    marked = selectors.highlight_stems(houses.signals, rows=rows)
    for row in rows:
        html = str(highlight_words(_texts(row), marked))
        for word in re.findall(r"<mark>(.*?)</mark>", html):
            assert word in _texts(row)
    # a stem of the group's phrases that stands in no matched stretch ("renovasi", "kualitas") is not marked
    assert text.stem("renovasi") not in marked and text.stem("kualitas") not in marked
    everything = selectors.highlight_stems(houses.signals)
    assert text.stem("renovasi") in everything  # without the rows: every stem of the group, as before


def test_the_detail_page_lists_each_rows_words_marked(client, planner, houses):
    client.force_login(planner)
    page = client.get(reverse("sinkronisasi:overlap-detail", args=[houses.pk])).content.decode()
    table = page[page.index('class="matched"') : page.index("</table>")]
    assert "<mark>Bedah Rumah</mark>" in table
    assert "<mark>Perbaikan rumah tak layak huni</mark>" in table and "<mark>RTLH</mark>" in table
    assert "rumah tidak layak huni" in table  # the group's name heads its line


def test_written_runs_stop_at_punctuation_and_keep_function_words_inside():
    group = frozenset(w for p in ("rumah tidak layak huni", "bedah rumah", "rtlh") for w in text.stems(p))
    runs = selectors._written_runs(group, ["Perbaikan rumah tak layak huni (RTLH), bedah rumah dan lainnya"])
    assert runs == ["rumah tak layak huni", "RTLH", "bedah rumah"]
    assert selectors._written_runs(frozenset({"jaring"}), ["Pembangunan jaringan irigasi"]) == ["jaringan"]
    assert selectors._written_runs(frozenset({"jaring"}), ["Pembangunan irigasi"]) == []
