"""What every import shares: the problems found in a file (row, column, reason), the rejection that lists them,
the limits a database column sets on a value, and the parsing of Rupiah amounts and decimal numbers as Indonesians
write them. Models-free: a column's limits are read from the model class a caller passes."""

from __future__ import annotations

import heapq
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.utils.translation import gettext as _

from core.tabular import TableError

# Digits grouped by dots: 1.250.000
THOUSANDS = re.compile(r"^\d{1,3}(\.\d{3})+$")
BIGINT_MAX = 2**63 - 1


@dataclass
class ImportIssue:
    row: int  # line in the file (the header is line 1); 0 for the file as a whole
    column: str
    message: str

    def __str__(self) -> str:
        if self.row == 0:
            return self.message
        return _("Baris %(row)s, kolom %(col)s: %(msg)s") % {
            "row": self.row,
            "col": self.column or "-",
            "msg": self.message,
        }


class IssueList(list):
    """The problems shown for a rejected file: the first IMPORT_MAX_ISSUES, then "… dan N masalah lain" when there
    are more; `total` is how many were found."""

    total: int


class ImportRejected(Exception):
    """The file was rejected; nothing was written. `issues` lists the first problems found (see IssueList), `total`
    counts them all."""

    def __init__(self, issues: Sequence[ImportIssue], *, total: int | None = None):
        limit = settings.IMPORT_MAX_ISSUES
        shown = IssueList(issues[:limit])
        shown.total = max(total or 0, len(issues))
        if shown.total > len(shown):
            rest = shown.total - len(shown)
            shown.append(ImportIssue(0, "", _("… dan %(n)s masalah lain.") % {"n": f"{rest:,}".replace(",", ".")}))
        super().__init__("; ".join(str(i) for i in shown[:5]))
        self.issues, self.total = shown, shown.total


class IssueCollector:
    """Collects a file's problems but keeps only the first IMPORT_MAX_ISSUES in (row, column) order, counting the
    rest: a file with a million wrong cells costs no more memory than one with two hundred."""

    def __init__(self, *, rank: Callable[[str], int]):
        self._rank, self._heap, self.total = rank, [], 0  # a max-heap (negated keys) of the smallest keys seen

    def append(self, issue: ImportIssue) -> None:
        self.total += 1
        key = (-issue.row, -self._rank(issue.column), -self.total)
        if len(self._heap) < settings.IMPORT_MAX_ISSUES:
            heapq.heappush(self._heap, (key, issue))
        elif key > self._heap[0][0]:
            heapq.heapreplace(self._heap, (key, issue))

    def __bool__(self) -> bool:
        return self.total > 0

    def __len__(self) -> int:
        return self.total

    def rejected(self) -> ImportRejected:
        """The rejection listing the first problems in (row, column) order and counting them all."""
        return ImportRejected([issue for _key, issue in sorted(self._heap, reverse=True)], total=self.total)


def table_rejected(exc: TableError) -> ImportRejected:
    return ImportRejected([ImportIssue(exc.line, exc.column, exc.message)])


def max_length(model: type[models.Model], name: str) -> int | None:
    """The longest text the database column takes (None: unlimited)."""
    return model._meta.get_field(name).max_length


def integer_range(model: type[models.Model], name: str) -> tuple[int, int]:
    """The smallest and largest integer the column's type takes (bigint: -2^63 … 2^63-1, positive smallint: 0 …
    32767), as PostgreSQL enforces them (SQLite takes any 64-bit integer in every integer column)."""
    return BaseDatabaseOperations.integer_field_ranges[model._meta.get_field(name).get_internal_type()]


def decimal_within(number: Decimal, model: type[models.Model], name: str, *, spreadsheet: bool = False) -> Decimal:
    """`number` if the DecimalField takes it; a spreadsheet's float is rounded to the field's places, a typed number
    with more places is refused. Raises ValueError with the reason in Indonesian."""
    column = model._meta.get_field(name)
    if not number.is_finite():
        raise ValueError(_("bukan angka"))
    whole_digits = column.max_digits - column.decimal_places
    if number != 0 and number.adjusted() >= whole_digits:
        raise ValueError(_("terlalu besar: paling banyak %(n)s angka sebelum koma") % {"n": whole_digits})
    step = Decimal(1).scaleb(-column.decimal_places)
    rounded = number.quantize(step)
    if rounded != number and not spreadsheet:
        raise ValueError(_("paling banyak %(n)s angka di belakang koma") % {"n": column.decimal_places})
    if rounded.adjusted() >= whole_digits:
        raise ValueError(_("terlalu besar: paling banyak %(n)s angka sebelum koma") % {"n": whole_digits})
    return rounded


# Indonesian shorthand for amounts: 250 jt, 1,3 M (miliar). A lone "m"/"t" is refused: it could be meters or millions.
RUPIAH_SCALES = {"rb": 3, "ribu": 3, "jt": 6, "juta": 6, "M": 9, "miliar": 9, "milyar": 9, "T": 12, "triliun": 12}
RUPIAH_SHORT = re.compile(r"^(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?([A-Za-z]+)$")


def _rupiah_digits(text: str) -> str | None:
    """The whole-Rupiah digits of '1.250.000', '1250000', '1.250.000,00', '1.250.000,-', '1,3M' or '250jt' (no spaces,
    no sign, no "Rp"); None when it is none of these or is not a whole number of Rupiah."""
    text = re.sub(r",(0{1,2}|-)$", "", text)
    if THOUSANDS.match(text):
        return text.replace(".", "")
    if text.isascii() and text.isdigit():
        return text
    short = RUPIAH_SHORT.match(text)
    if short is None:
        return None
    whole, fraction, unit = short.group(1).replace(".", ""), short.group(2) or "", short.group(3)
    zeros = RUPIAH_SCALES.get(unit if len(unit) == 1 else unit.lower())
    if zeros is None or fraction[zeros:].strip("0"):
        return None
    return whole + fraction[:zeros].ljust(zeros, "0")


def parse_rupiah(value: Any, *, maximum: int | None = None) -> int:
    """Whole Rupiah from '1.250.000.000', '1250000000', 'Rp1.250.000.000', 'Rp1.250.000.000,-', '1,25 M', '250 jt' or a
    spreadsheet number, at most `maximum` (the largest bigint when None). The Renja form's money fields use it too."""
    if maximum is None:
        maximum = BIGINT_MAX
    if isinstance(value, bool):
        raise ValueError(_("bukan angka"))
    if isinstance(value, int):
        amount = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise ValueError(_("harus bilangan bulat Rupiah"))
        amount = int(value)
    else:
        text = re.sub(r"\s", "", str(value))
        text = re.sub(r"^(-?)rp\.?", r"\1", text, flags=re.IGNORECASE)
        negative = text.startswith("-")
        digits = _rupiah_digits(text[1:] if negative else text)
        if digits is None:
            raise ValueError(
                _("%(value)r bukan angka Rupiah (contoh: 1.250.000.000, 1250000000, 1,25 M atau 250 jt)")
                % {"value": str(value)[:40]}
            )
        if len(digits.lstrip("0")) > len(str(maximum)):
            raise ValueError(_("terlalu besar: paling banyak %(max)s") % {"max": f"{maximum:,}".replace(",", ".")})
        amount = -int(digits) if negative else int(digits)
    if amount < 0:
        raise ValueError(_("tidak boleh negatif"))
    if amount > maximum:
        raise ValueError(_("terlalu besar: paling banyak %(max)s") % {"max": f"{maximum:,}".replace(",", ".")})
    return amount


def parse_decimal(value: Any, model: type[models.Model], name: str) -> Decimal | None:
    """95,5 or 95.5 or 1.000.000 or a spreadsheet number, within the DecimalField `name` of `model`; empty means
    none."""
    if value in ("", None):
        return None
    if isinstance(value, bool):
        raise ValueError(_("bukan angka"))
    if isinstance(value, (int, float)):
        number = Decimal(str(value))
        if number.is_finite() and number < 0:
            raise ValueError(_("harus angka tidak negatif"))
        return decimal_within(number, model, name, spreadsheet=isinstance(value, float))
    text = str(value).strip().replace(" ", "")
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    elif THOUSANDS.match(text) and text.count(".") > 1:
        text = text.replace(".", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(_("%(value)r bukan angka") % {"value": str(value)[:40]}) from None
    if not number.is_finite() or number < 0:
        raise ValueError(_("harus angka tidak negatif"))
    return decimal_within(number, model, name)
