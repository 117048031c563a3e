"""The shared shape of the import commands: a file and a year in, a one-line summary or every error out.

Models-free: a subclass says how a year number becomes the year the rows belong to (`fiscal_year`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from core.importing import ImportRejected
from core.system_actor import acting_as_system


class ImportFileCommand(BaseCommand):
    """Subclasses set `importer(content=, filename=, fiscal_year=, by=) -> summary` and `summarise(summary) -> str`."""

    importer: Callable[..., dict]

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--year", type=int, required=True, help="Tahun anggaran, mis. 2026.")

    def fiscal_year(self, year: int):
        """The fiscal year `year` names, or None when there is none."""
        raise NotImplementedError

    def command_name(self) -> str:
        return type(self).__module__.rsplit(".", 1)[-1]

    def summarise(self, summary: dict) -> str:
        return f"{summary['baru']} baru, {summary['berubah']} diperbarui, {summary['sama']} tidak berubah."

    def handle(self, *args, **options):
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"Berkas {path} tidak ditemukan.")
        size, limit = path.stat().st_size, settings.RENJA_IMPORT_MAX_BYTES
        if size > limit:  # refused before it is read: the same limit as an upload
            raise CommandError(
                f"Berkas {path.name} ({size:,} byte) melebihi batas {limit:,} byte (RENJA_IMPORT_MAX_BYTES).".replace(
                    ",", "."
                )
            )
        fiscal_year = self.fiscal_year(options["year"])
        if fiscal_year is None:
            raise CommandError(f"Tahun anggaran {options['year']} belum ada.")
        try:
            with acting_as_system(f"manage.py {self.command_name()}"):
                summary = type(self).importer(
                    content=path.read_bytes(), filename=path.name, fiscal_year=fiscal_year, by=None
                )
        except ImportRejected as exc:
            for issue in exc.issues:
                self.stderr.write(str(issue))
            raise CommandError(f"Impor ditolak: {exc.total} galat; tidak ada data yang ditulis.") from exc
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(f"Impor {path.name} ke tahun {fiscal_year.year}: {self.summarise(summary)}")
