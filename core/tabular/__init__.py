"""Tables in and out: reading uploaded CSV/XLSX (bounded whatever the file), one cell's checks and its formula-injection
guard, and writing CSV/XLSX exports and import templates. Shared by every import and export."""

from .cells import clean_cell, safe_cell, unneutralise
from .reading import Record, Table, TableError, normalise_header, read_table
from .writing import (
    CSV_DELIMITERS,
    MAX_WIDTH,
    Column,
    DropDown,
    ReferenceSheet,
    as_columns,
    csv_value,
    write_csv,
    write_template,
    write_xlsx,
)

__all__ = [
    "CSV_DELIMITERS",
    "MAX_WIDTH",
    "Column",
    "DropDown",
    "Record",
    "ReferenceSheet",
    "Table",
    "TableError",
    "as_columns",
    "clean_cell",
    "csv_value",
    "normalise_header",
    "read_table",
    "safe_cell",
    "unneutralise",
    "write_csv",
    "write_template",
    "write_xlsx",
]
