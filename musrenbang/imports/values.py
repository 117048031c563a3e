"""Reading cell values the way both formats write them: text, names compared loosely, place names, volumes, Rupiah,
priorities, coordinates."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from core.importing import THOUSANDS, decimal_within, integer_range, max_length, parse_rupiah

from ..models import Decision, Usulan

TEXT_LIMITS = {
    name: max_length(Usulan, name) for name in ("id_usulan", "pengusul", "anggota_dprd", "fraksi", "dapil", "satuan")
}
MAX_ANGGARAN = min(10**15, integer_range(Usulan, "anggaran")[1], integer_range(Decision, "anggaran")[1])
MAX_PRIORITAS = integer_range(Usulan, "prioritas")[1]
MICRO = Decimal("0.000001")
COORDINATES = re.compile(r"[\s,;:(\[]*(-?\d{1,2}\.\d{3,})\s*[,;]\s*(-?\d{1,3}\.\d{3,})\s*[)\]]?\s*$")


def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    return str(value).strip()


def words(value: Any) -> str:
    """Lower case, punctuation as spaces, single spaces: the form names are compared in."""
    lowered = text(value).lower().replace("&", " dan ")
    return " ".join(re.sub(r"[^0-9a-z]+", " ", lowered).split())


def _place_key(value: Any, prefixes: tuple[str, ...]) -> str:
    parts = words(value).split()
    while parts and parts[0] in prefixes:
        parts = parts[1:]
    while parts and parts[-1] in prefixes:
        parts = parts[:-1]
    return " ".join(parts)


def kecamatan_key(value: Any) -> str:
    return _place_key(value, ("kecamatan", "kec"))


def desa_key(value: Any) -> str:
    return _place_key(value, ("desa", "kelurahan", "kel", "ds"))


def parse_volume(value: Any) -> Decimal | None:
    """A volume the Indonesian way (2,5 · 1.500 · 1.500,75 · 12.5) or a spreadsheet number; empty means none.

    Unlike core.importing.parse_decimal, one group of three after a dot is thousands (1.500 = fifteen hundred):
    volumes are counts of units, never written with three decimals."""
    if value in ("", None):
        return None
    if isinstance(value, bool):
        raise ValueError(_("bukan angka"))
    if isinstance(value, (int, float)):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    else:
        cell = str(value).strip().replace(" ", "")
        if "," in cell:
            cell = cell.replace(".", "").replace(",", ".")
        elif THOUSANDS.match(cell):
            cell = cell.replace(".", "")
        if not re.fullmatch(r"-?\d+(\.\d+)?", cell):
            raise ValueError(_("%(value)r bukan angka (contoh: 2 · 2,5 · 1.500)") % {"value": str(value)})
        number = Decimal(cell)
    if not number.is_finite():
        raise ValueError(_("bukan angka"))
    if number < 0:
        raise ValueError(_("tidak boleh negatif"))
    # The usulan's volume and a decision's accepted volume are the same kind of column.
    decimal_within(number, Decision, "volume", spreadsheet=isinstance(value, float))
    return decimal_within(number, Usulan, "volume", spreadsheet=isinstance(value, float))


def parse_anggaran(value: Any) -> int:
    """Whole Rupiah ('150.000.000', 'Rp 150.000.000,00', a spreadsheet number); empty means 0."""
    if value in ("", None):
        return 0
    if isinstance(value, str):
        value = re.sub(r",0{1,2}$", "", value.strip())
    return parse_rupiah(value, maximum=MAX_ANGGARAN)


def parse_prioritas(value: Any) -> int | None:
    if value in ("", None):
        return None
    cell = text(value)
    if not re.fullmatch(r"[0-9]{1,6}", cell) or not 1 <= int(cell) <= MAX_PRIORITAS:
        raise ValueError(
            _("%(value)r bukan nomor urut (1 sampai %(max)s)") % {"value": cell[:40], "max": MAX_PRIORITAS}
        )
    return int(cell)


def split_coordinates(alamat: str) -> tuple[str, Decimal | None, Decimal | None]:
    """An address that ends in "lat, long" → (the address without them, latitude, longitude)."""
    match = COORDINATES.search(alamat)
    if not match:
        return alamat, None, None
    latitude, longitude = Decimal(match.group(1)), Decimal(match.group(2))
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise ValueError(
            _("koordinat %(lat)s, %(lng)s di luar jangkauan lintang/bujur")
            % {"lat": match.group(1), "lng": match.group(2)}
        )
    rest = alamat[: match.start()].rstrip(" ,;:-")
    return rest, latitude.quantize(MICRO), longitude.quantize(MICRO)
