"""One cell in and out of a spreadsheet: what an import accepts, and the formula-injection guard of every export."""

from __future__ import annotations

import math
import re

from django.utils.translation import gettext as _

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell


def clean_cell(value: object) -> tuple[object, str]:
    """A cell as the importers read it (text stripped, an export's formula neutralising undone, empty as "") and why
    the database would refuse it ("" when it would not)."""
    if value is None:
        return "", ""
    if isinstance(value, float) and not math.isfinite(value):
        return "", _("bukan angka (NaN atau tak hingga)")
    if not isinstance(value, str):
        return value, ""
    if len(value) > MAX_CELL_CHARS:
        return "", _("teks %(n)s karakter; paling banyak %(max)s karakter per sel") % {
            "n": f"{len(value):,}".replace(",", "."),
            "max": f"{MAX_CELL_CHARS:,}".replace(",", "."),
        }
    if bad := CONTROL_CHARS.search(value):
        return "", _(
            "berisi karakter kendali %(code)s (posisi %(pos)s) yang tidak dapat disimpan; hapus karakter itu"
        ) % {"code": f"U+{ord(bad.group()):04X}", "pos": bad.start() + 1}
    return unneutralise(value.strip()), ""


# ---------------------------------------------------------------------------------------------------------------
# Exports


def _formula_like(text: str) -> bool:
    """Text a spreadsheet would evaluate; apostrophes in front are looked through so that neutralising stays
    reversible (a text that itself begins with an apostrophe before = gets one more)."""
    return text.lstrip("'").startswith(FORMULA_PREFIXES)


def safe_cell(value: object) -> object:
    """Neutralise spreadsheet formulas in exported text (cells starting with = + - @ tab or CR get a leading ')."""
    if isinstance(value, str) and _formula_like(value):
        return "'" + value
    return value


def unneutralise(text: str) -> str:
    """Undo safe_cell on import: the apostrophe an export put before a formula-like text is not part of it."""
    if text.startswith("'") and _formula_like(text[1:]):
        return text[1:]
    return text
