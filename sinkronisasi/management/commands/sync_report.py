"""Write the year's sync findings as two UTF-8 CSV files: tumpang_tindih.csv and usulan_belum_diambil.csv."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.tabular import write_csv
from renja.models import FiscalYear
from sinkronisasi import selectors, services
from sinkronisasi.models import Overlap


class Command(BaseCommand):
    help = "Tulis temuan sinkronisasi satu tahun: tumpang_tindih.csv dan usulan_belum_diambil.csv."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="tahun Renja, misalnya 2026")
        parser.add_argument("--out", required=True, help="folder tujuan (dibuat bila belum ada)")
        parser.add_argument("--full", action="store_true", help="hitung ulang penuh sebelum menulis")

    def handle(self, *args, year: int, out: str, full: bool, **options):
        fiscal_year = FiscalYear.objects.filter(year=year).first()
        if fiscal_year is None:
            raise CommandError(f"Tahun {year} tidak ada.")
        result = services.sync_refresh(fiscal_year=fiscal_year, full=full)
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        pairs = (
            Overlap.objects.filter(fiscal_year=fiscal_year)
            .select_related("row_a", "row_b", "opd_a", "opd_b")
            .order_by("-score", "row_a__ref", "row_b__ref")
        )
        (folder / "tumpang_tindih.csv").write_bytes(
            write_csv(selectors.OVERLAP_COLUMNS, selectors.overlap_export_rows(pairs), bom=False)
        )
        orphans = selectors.usulan_belum_diambil(fiscal_year).order_by("id_usulan")
        (folder / "usulan_belum_diambil.csv").write_bytes(
            write_csv(selectors.ORPHAN_COLUMNS, selectors.orphan_export_rows(orphans), bom=False)
        )
        self.stdout.write(
            f"{pairs.count()} pasangan tumpang tindih, {orphans.count()} usulan belum diambil "
            f"(perhitungan: {result.mode}, {result.duration_ms} ms) -> {folder}"
        )
