"""Indonesian number words and date phrases for official documents.

Used to write the opening line of a *berita acara* (minutes), where the
date is spelled out in words, e.g. "Pada hari ini Rabu tanggal dua belas
bulan Maret tahun dua ribu dua puluh lima".
"""

from __future__ import annotations

from datetime import date

__all__ = [
    "BULAN",
    "HARI",
    "hari",
    "kalimat_pembuka",
    "tanggal_panjang",
    "tanggal_terbilang",
    "terbilang",
]

#: Weekday names, Monday first, so that ``HARI[d.weekday()]`` is the day's name.
HARI: list[str] = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]

#: Month names; ``BULAN[d.month - 1]`` is the month's name.
BULAN: list[str] = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]

_SATUAN: list[str] = [
    "nol",
    "satu",
    "dua",
    "tiga",
    "empat",
    "lima",
    "enam",
    "tujuh",
    "delapan",
    "sembilan",
]

# Scale words for each group of three digits above the units group.
_SKALA: list[tuple[int, str]] = [
    (10**12, "triliun"),
    (10**9, "miliar"),
    (10**6, "juta"),
    (10**3, "ribu"),
]

#: Exclusive upper bound accepted by :func:`terbilang`.
BATAS: int = 10**15


def _ratusan(n: int) -> str:
    """Spell out 1 <= n <= 999 in Indonesian words."""
    words: list[str] = []
    ratus, sisa = divmod(n, 100)
    if ratus == 1:
        words.append("seratus")
    elif ratus > 1:
        words.append(f"{_SATUAN[ratus]} ratus")

    if sisa == 0:
        pass
    elif sisa < 10:
        words.append(_SATUAN[sisa])
    elif sisa == 10:
        words.append("sepuluh")
    elif sisa == 11:
        words.append("sebelas")
    elif sisa < 20:
        words.append(f"{_SATUAN[sisa - 10]} belas")
    else:
        puluh, satuan = divmod(sisa, 10)
        words.append(f"{_SATUAN[puluh]} puluh")
        if satuan:
            words.append(_SATUAN[satuan])
    return " ".join(words)


def terbilang(n: int) -> str:
    """Return the Indonesian words for a non-negative integer, in lowercase.

    Supports ``0 <= n < 10**15`` (up to "sembilan ratus sembilan puluh
    sembilan triliun ..."). The "se-" prefix is used for one hundred
    ("seratus") and one thousand ("seribu"), but not for larger scales
    ("satu juta", "satu miliar", "satu triliun").

    >>> terbilang(2025)
    'dua ribu dua puluh lima'
    >>> terbilang(1_250_000_000)
    'satu miliar dua ratus lima puluh juta'

    Raises:
        TypeError: if ``n`` is not an ``int`` (``bool`` is rejected too).
        ValueError: if ``n`` is negative or ``>= 10**15``.
    """
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"terbilang() expects an int, got {type(n).__name__}")
    if n < 0:
        raise ValueError(f"terbilang() does not support negative numbers: {n}")
    if n >= BATAS:
        raise ValueError(f"terbilang() supports numbers below 10**15, got {n}")
    if n == 0:
        return _SATUAN[0]

    words: list[str] = []
    sisa = n
    for nilai, nama in _SKALA:
        grup, sisa = divmod(sisa, nilai)
        if grup == 0:
            continue
        if grup == 1 and nama == "ribu":
            words.append("seribu")
        else:
            words.append(f"{_ratusan(grup)} {nama}")
    if sisa:
        words.append(_ratusan(sisa))
    return " ".join(words)


def hari(d: date) -> str:
    """Return the Indonesian weekday name of ``d``, e.g. ``"Rabu"``."""
    return HARI[d.weekday()]


def tanggal_panjang(d: date) -> str:
    """Return ``d`` as a long Indonesian date, e.g. ``"12 Maret 2025"``."""
    return f"{d.day} {BULAN[d.month - 1]} {d.year}"


def tanggal_terbilang(d: date) -> str:
    """Return the spelled-out date phrase used in a berita acara.

    The day of the month and the year are written in words; the weekday
    and month names are capitalised, e.g. for ``date(2025, 3, 12)``:
    ``"hari Rabu tanggal dua belas bulan Maret tahun dua ribu dua puluh lima"``.
    """
    return f"hari {hari(d)} tanggal {terbilang(d.day)} bulan {BULAN[d.month - 1]} tahun {terbilang(d.year)}"


def kalimat_pembuka(d: date) -> str:
    """Return the opening sentence of a berita acara for ``d``.

    E.g. ``"Pada hari ini Rabu tanggal dua belas bulan Maret tahun dua ribu
    dua puluh lima"``. The result has no trailing punctuation, so callers
    can continue the sentence (", bertempat di ...").
    """
    return f"Pada hari ini {tanggal_terbilang(d).removeprefix('hari ')}"
