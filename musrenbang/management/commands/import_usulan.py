from musrenbang import imports
from renja.management.importing import ImportFileCommand


class Command(ImportFileCommand):
    help = (
        "Impor usulan dari CSV/XLSX (semua atau tidak sama sekali): format proyek ("
        + ", ".join(imports.PROJECT_COLUMNS)
        + ") atau ekspor SIPD, dikenali dari baris judul."
    )
    importer = staticmethod(imports.usulan_import_file)

    def summarise(self, summary: dict) -> str:
        return (
            f"{summary['baru']} usulan baru, {summary['berubah']} diperbarui, {summary['sama']} tidak berubah; "
            f"{summary['keputusan']} penerusan/keputusan dicatat."
        )
