"""The Renja document of an agency and year (Permendagri 86/2017): the grouped tree (`tree`), its PDF (`pdf`) and its
XLSX (`xlsx`)."""

from .tree import COLUMNS, Line, document_lines, document_tree


def filename(tree: dict, extension: str) -> str:
    """renja_2026_Dinsos.pdf: the year and the agency's short name, as downloads and the command write it."""
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in tree["opd"]["singkatan"])
    return f"renja_{tree['tahun']}_{safe}.{extension}"


__all__ = ["COLUMNS", "Line", "document_lines", "document_tree", "filename"]
