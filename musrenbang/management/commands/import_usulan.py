from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from musrenbang import imports
from renja.models import FiscalYear


class Command(BaseCommand):
    help = (
        "Impor usulan dari CSV/XLSX (semua atau tidak sama sekali): format proyek ("
        + ", ".join(imports.PROJECT_COLUMNS)
        + ") atau ekspor SIPD, dikenali dari baris judul."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--year", type=int, required=True, help="Tahun anggaran, mis. 2026.")

    def handle(self, *args, **options):
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"Berkas {path} tidak ditemukan.")
        fiscal_year = FiscalYear.objects.filter(year=options["year"]).first()
        if fiscal_year is None:
            raise CommandError(f"Tahun anggaran {options['year']} belum ada.")
        try:
            summary = imports.usulan_import_file(
                content=path.read_bytes(), filename=path.name, fiscal_year=fiscal_year, by=None
            )
        except imports.ImportRejected as exc:
            for issue in exc.issues:
                self.stderr.write(str(issue))
            raise CommandError(f"Impor ditolak: {len(exc.issues)} galat; tidak ada data yang ditulis.") from exc
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(
            f"Impor {path.name} ke tahun {fiscal_year.year}: {summary['baru']} usulan baru, "
            f"{summary['berubah']} diperbarui, {summary['sama']} tidak berubah; "
            f"{summary['keputusan']} penerusan/keputusan dicatat."
        )
