from renja.management.importing import ImportFileCommand
from renja.services import indicators


class Command(ImportFileCommand):
    help = (
        "Impor indikator program (outcome) dan kegiatan (output) OPD dari CSV/XLSX (semua atau tidak sama sekali). "
        "Kolom: " + ", ".join(indicators.COLUMNS) + ". Indikator sebuah kode di berkas menggantikan indikatornya."
    )
    importer = staticmethod(indicators.program_indicator_import_file)

    def summarise(self, summary: dict) -> str:
        return f"{super().summarise(summary)} {summary['dihapus']} dihapus."
