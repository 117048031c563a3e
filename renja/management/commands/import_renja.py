from renja import services
from renja.management.importing import ImportFileCommand


class Command(ImportFileCommand):
    help = "Impor baris Renja dari CSV/XLSX (semua atau tidak sama sekali). Kolom: " + ", ".join(
        services.imports.ALL_COLUMNS
    )
    importer = staticmethod(services.renja_import_file)
