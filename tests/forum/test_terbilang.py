"""Tests for forum.terbilang: Indonesian number words and date phrases."""

from datetime import date

import pytest

from forum.terbilang import (
    BULAN,
    HARI,
    hari,
    kalimat_pembuka,
    tanggal_panjang,
    tanggal_terbilang,
    terbilang,
)


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (0, "nol"),
        (1, "satu"),
        (9, "sembilan"),
        (10, "sepuluh"),
        (11, "sebelas"),
        (12, "dua belas"),
        (19, "sembilan belas"),
        (20, "dua puluh"),
        (21, "dua puluh satu"),
        (99, "sembilan puluh sembilan"),
        (100, "seratus"),
        (101, "seratus satu"),
        (110, "seratus sepuluh"),
        (111, "seratus sebelas"),
        (200, "dua ratus"),
        (999, "sembilan ratus sembilan puluh sembilan"),
        (1000, "seribu"),
        (1001, "seribu satu"),
        (1100, "seribu seratus"),
        (2000, "dua ribu"),
        (2025, "dua ribu dua puluh lima"),
        (2100, "dua ribu seratus"),
        (11000, "sebelas ribu"),
        (100000, "seratus ribu"),
        (101000, "seratus satu ribu"),
        (1_000_000, "satu juta"),
        (1_001_000, "satu juta seribu"),
        (1_250_000_000, "satu miliar dua ratus lima puluh juta"),
        (10**12, "satu triliun"),
        (
            10**15 - 1,
            "sembilan ratus sembilan puluh sembilan triliun "
            "sembilan ratus sembilan puluh sembilan miliar "
            "sembilan ratus sembilan puluh sembilan juta "
            "sembilan ratus sembilan puluh sembilan ribu "
            "sembilan ratus sembilan puluh sembilan",
        ),
    ],
)
def test_terbilang(n, expected):
    assert terbilang(n) == expected


@pytest.mark.parametrize(
    "n,message", [(-1, "does not support negative numbers"), (10**15, "supports numbers below 10")]
)
def test_terbilang_out_of_range(n, message):
    with pytest.raises(ValueError, match=message):
        terbilang(n)


def test_names():
    assert HARI == ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]
    assert len(BULAN) == 12
    assert BULAN[0] == "Januari"
    assert BULAN[2] == "Maret"
    assert BULAN[-1] == "Desember"


def test_example_date():
    d = date(2025, 3, 12)
    assert hari(d) == "Rabu"
    assert tanggal_panjang(d) == "12 Maret 2025"
    assert tanggal_terbilang(d) == ("hari Rabu tanggal dua belas bulan Maret tahun dua ribu dua puluh lima")
    assert kalimat_pembuka(d) == ("Pada hari ini Rabu tanggal dua belas bulan Maret tahun dua ribu dua puluh lima")


@pytest.mark.parametrize(
    ("d", "nama_hari", "panjang", "frasa"),
    [
        (
            date(2000, 1, 1),
            "Sabtu",
            "1 Januari 2000",
            "hari Sabtu tanggal satu bulan Januari tahun dua ribu",
        ),
        (
            date(2024, 2, 29),
            "Kamis",
            "29 Februari 2024",
            "hari Kamis tanggal dua puluh sembilan bulan Februari tahun dua ribu dua puluh empat",
        ),
        (
            date(2099, 12, 31),
            "Kamis",
            "31 Desember 2099",
            "hari Kamis tanggal tiga puluh satu bulan Desember tahun dua ribu sembilan puluh sembilan",
        ),
        (
            date(2100, 1, 1),
            "Jumat",
            "1 Januari 2100",
            "hari Jumat tanggal satu bulan Januari tahun dua ribu seratus",
        ),
    ],
)
def test_edge_dates(d, nama_hari, panjang, frasa):
    assert hari(d) == nama_hari
    assert tanggal_panjang(d) == panjang
    assert tanggal_terbilang(d) == frasa
    assert kalimat_pembuka(d) == "Pada hari ini " + frasa.removeprefix("hari ")


@pytest.mark.parametrize(
    ("day", "words"),
    [
        (10, "sepuluh"),
        (11, "sebelas"),
        (20, "dua puluh"),
        (21, "dua puluh satu"),
    ],
)
def test_day_numbers_in_words(day, words):
    d = date(2025, 3, day)
    assert tanggal_terbilang(d).startswith(f"hari {hari(d)} tanggal {words} bulan Maret")


def test_every_weekday_of_a_week():
    # 10-16 March 2025 runs Monday to Sunday.
    names = [hari(date(2025, 3, day)) for day in range(10, 17)]
    assert names == HARI
