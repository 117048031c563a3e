"""manage.py stage_snapshot --year 2026 --stage forum: keep the year's plan as it stands now as that stage's snapshot
(replacing the stage's earlier one), as locking the stage on the Tahun page does."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from core.system_actor import acting_as_system
from renja.models import FiscalYear, StageWindow
from renja.services import snapshots


class Command(BaseCommand):
    help = "Ambil potret tahap: rencana satu tahun sebagaimana adanya sekarang, disimpan sebagai potret tahap itu."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="Tahun anggaran, mis. 2026.")
        parser.add_argument("--stage", required=True, choices=StageWindow.Stage.values, help="Tahap, mis. forum.")

    def handle(self, *args, **options):
        fiscal_year = FiscalYear.objects.filter(year=options["year"]).first()
        if fiscal_year is None:
            raise CommandError(f"Tahun {options['year']} tidak ada.")
        try:
            with acting_as_system("manage.py stage_snapshot"):
                snapshot = snapshots.stage_snapshot_take(fiscal_year=fiscal_year, stage=options["stage"], by=None)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(
            f"Potret tahap {snapshot.get_stage_display()} {fiscal_year.year}: {snapshot.row_count} baris, "
            f"pagu Rp{snapshot.total_pagu:,}".replace(",", ".")
        )
