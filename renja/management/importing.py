"""The import commands' base with the Renja fiscal year looked up (core.commands has the rest)."""

from core.commands import ImportFileCommand as BaseImportFileCommand
from renja.models import FiscalYear


class ImportFileCommand(BaseImportFileCommand):
    def fiscal_year(self, year: int) -> FiscalYear | None:
        return FiscalYear.objects.filter(year=year).first()
