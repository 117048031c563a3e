"""manage.py renja_dokumen --year 2026 [--opd Dinsos] --out DIR: the Renja document of one agency (or of every agency
with rows that year) as renja_<year>_<agency>.pdf and .xlsx."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from renja.document import document_tree, filename
from renja.document.pdf import render_pdf
from renja.document.xlsx import render_xlsx
from renja.models import FiscalYear, Opd, RenjaRow


class Command(BaseCommand):
    help = "Tulis dokumen Renja (PDF dan XLSX) satu OPD, atau setiap OPD yang punya baris, untuk satu tahun."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="Tahun anggaran, mis. 2026.")
        parser.add_argument("--opd", help="Singkatan OPD, mis. Dinsos; tanpa ini: setiap OPD yang punya baris.")
        parser.add_argument("--out", type=Path, required=True, help="Direktori tujuan.")
        parser.add_argument(
            "--status",
            action="append",
            choices=RenjaRow.Status.values,
            help="Hanya baris berstatus ini (boleh diulang); tanpa ini: semua status.",
        )

    def handle(self, *args, **options):
        fiscal_year = FiscalYear.objects.filter(year=options["year"]).first()
        if fiscal_year is None:
            raise CommandError(f"Tahun anggaran {options['year']} belum ada.")
        if options["opd"]:
            opd = Opd.objects.filter(singkatan__iexact=options["opd"].strip()).first()
            if opd is None:
                raise CommandError(f"OPD dengan singkatan {options['opd']!r} tidak ditemukan.")
            opds = [opd]
        else:
            opds = list(
                Opd.objects.filter(renja_rows__fiscal_year=fiscal_year).distinct().order_by("kode_unit", "singkatan")
            )
            if not opds:
                raise CommandError(f"Tidak ada OPD yang punya baris Renja tahun {fiscal_year.year}.")
        out: Path = options["out"]
        if out.exists() and not out.is_dir():
            raise CommandError(f"{out} bukan direktori.")
        out.mkdir(parents=True, exist_ok=True)
        for opd in opds:
            tree = document_tree(fiscal_year=fiscal_year, opd=opd, statuses=options["status"])
            for extension, render in (("pdf", render_pdf), ("xlsx", render_xlsx)):
                path = out / filename(tree, extension)
                path.write_bytes(render(tree))
                self.stdout.write(f"{path} ({tree['jumlah_baris']} baris)")
