from renja.management.importing import ImportFileCommand
from renja.services import ceilings


class Command(ImportFileCommand):
    help = "Impor pagu indikatif OPD dari CSV/XLSX (semua atau tidak sama sekali). Kolom: " + ", ".join(
        ceilings.COLUMNS
    )
    importer = staticmethod(ceilings.pagu_opd_import_file)
