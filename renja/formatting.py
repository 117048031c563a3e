"""Display helpers shared by templates, exports and audit entries."""
from __future__ import annotations

from decimal import Decimal


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
