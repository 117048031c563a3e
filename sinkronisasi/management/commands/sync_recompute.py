"""Recompute the sync findings of one year (or every year) from scratch."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from core.system_actor import acting_as_system
from renja.models import FiscalYear
from sinkronisasi import services


class Command(BaseCommand):
    help = "Hitung ulang penuh temuan sinkronisasi (program beririsan) satu tahun atau semua tahun."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="tahun Renja; kosong berarti semua tahun")

    def handle(self, *args, year: int | None, **options):
        years = FiscalYear.objects.order_by("year")
        if year is not None:
            years = years.filter(year=year)
            if not years.exists():
                raise CommandError(f"Tahun {year} tidak ada.")
        for fiscal_year in years:
            with acting_as_system("manage.py sync_recompute"):
                result = services.sync_refresh(fiscal_year=fiscal_year, full=True)
            self.stdout.write(
                f"{fiscal_year.year}: {result.pairs} pasangan, {result.changed_rows} baris, {result.duration_ms} ms"
            )
