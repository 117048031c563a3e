"""Display helpers shared by templates, exports and audit entries."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import pgettext


def rupiah(value: int | Decimal | None) -> str:
    """Format whole Rupiah the Indonesian way: Rp1.250.000.000 (negative: -Rp5.000)."""
    if value is None or value == "":
        return ""
    amount = int(value)
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp{abs(amount):,}".replace(",", ".")


def angka(value: Decimal | int | None) -> str:
    """A target number as Indonesians write it: thousands with dots, decimals with a comma, no trailing zeros."""
    if value is None or value == "":
        return ""
    number = Decimal(value)
    if number == number.to_integral_value():
        return f"{int(number):,}".replace(",", ".")
    whole, _, frac = f"{number:f}".partition(".")
    return f"{int(whole):,}".replace(",", ".") + "," + frac.rstrip("0")


def place_label(nama: str, tingkat: str) -> str:
    """A place named with its kind, as planners tell "Kota Bangun" the kecamatan from the desa: Kec. Tenggarong,
    Desa Bukit Biru, Kel. Sukarame (the regency: its bare name)."""
    prefix = {
        "kecamatan": pgettext("place kind", "Kec."),
        "desa": pgettext("place kind", "Desa"),
        "kelurahan": pgettext("place kind", "Kel."),
    }.get(tingkat)
    return f"{prefix} {nama}" if prefix else nama


def nip(value: str | None) -> str:
    """A NIP (civil servant number, 18 digits) in its printed groups: birth date, appointment (year and month),
    sex, serial — 19680512 199403 1 007. Anything that is not 18 digits is returned as it was."""
    value = (value or "").strip()
    if len(value) != 18 or not value.isdigit():
        return value
    return f"{value[:8]} {value[8:14]} {value[14]} {value[15:]}"


ROMAN_MONTHS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def bulan_romawi(month: int) -> str:
    """A month in Roman numerals, as letter numbers write it (3 → III)."""
    return ROMAN_MONTHS[month - 1]
