"""Demo usulan for `make run`: a few hundred usulan of 2026 across Kukar, some routed, some decided."""

from __future__ import annotations

from pathlib import Path

from renja.models import FiscalYear, User

from .imports import usulan_import_file

DEMO_FILE = Path(__file__).resolve().parent / "fixtures" / "demo" / "usulan_2026.csv"


def seed_demo_usulan(*, fiscal_year: FiscalYear, by: User | None) -> dict:
    """Import the demo usulan file into the year (running it again changes nothing)."""
    return usulan_import_file(content=DEMO_FILE.read_bytes(), filename=DEMO_FILE.name, fiscal_year=fiscal_year, by=by)
