"""How an import format declares itself: its columns (in the shape of pretix's `ImportColumn`) and how its rows are
read. One module per format (project.py, sipd.py) subclasses `ImportFormat`; plan.py lists them in FORMATS.

To add a format: a new module here with an `ImportFormat` subclass (its columns, `detect`, `read`), added to
plan.FORMATS before the project format (the fallback)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from renja.models import FiscalYear

    from .lookups import Lookups
    from .reading import Row


@dataclass(frozen=True)
class ImportColumn:
    """One column of a format."""

    identifier: str  # our key for the column
    label: str  # the column as the file names it: the name a problem in it is reported under
    required: bool = False  # a file without it is refused
    # Parses and checks a cell, raising ValueError with the reason (None: read as text by the format).
    clean: Callable[[Any], Any] | None = None
    kind: str = "text"  # the template's cell kind (core.tabular.Column): text, number, rupiah, integer
    # A header word set (and the normalised header) this column is found under; None: the exact identifier.
    matches: Callable[[set[str], str], bool] | None = None


class ImportFormat:
    """A file format: its columns, whether a header is one of its files, and how one data row is read."""

    identifier: str = ""  # recorded on the plan and in the audit log
    columns: tuple[ImportColumn, ...] = ()

    def column(self, identifier: str) -> ImportColumn:
        return next(c for c in self.columns if c.identifier == identifier)

    def find_columns(self, header: list[str]) -> dict[str, str]:
        """Our key → the file's column, for the columns the header has."""
        known = {c.identifier for c in self.columns}
        return {name: name for name in header if name in known}

    def detect(self, header: list[str], found: dict[str, str]) -> bool:
        """Whether a file with this (normalised) header is of this format."""
        raise NotImplementedError

    def missing(self, found: dict[str, str]) -> list[str]:
        """The required columns the header lacks, as the file would name them."""
        return [c.label for c in self.columns if c.required and c.identifier not in found]

    @property
    def order(self) -> list[str]:
        """Column labels in the order problems are listed in."""
        return [c.label for c in self.columns]

    def read(self, row: Row, look: Lookups, fiscal_year: FiscalYear) -> None:
        """Fill `row.data` (the usulan's fields) and `row.steps` (its trail) from one data row, or add errors."""
        raise NotImplementedError
