from pathlib import Path

from django.core.management.base import BaseCommand

from core.system_actor import acting_as_system
from renja import services


class Command(BaseCommand):
    help = (
        "Muat data rujukan (wilayah, nomenklatur, OPD, kelompok sasaran) dari renja/fixtures/reference. Aman diulang."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dir", type=Path, default=services.REFERENCE_DIR, help="Folder berkas CSV rujukan.")

    def handle(self, *args, **options):
        with acting_as_system("manage.py load_reference"):
            result = services.reference_load(directory=options["dir"])
        self.stdout.write(f"Data rujukan dimuat: {result.summary()}")
