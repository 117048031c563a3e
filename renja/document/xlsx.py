"""The Renja document as XLSX (openpyxl), laid out as the PDF: the same ten columns under merged headers and the
numbered column row, groups with their subtotals (written as values equal to the sums of their children), the Jumlah
row, the pagu indikatif line and the signature block. Renders only."""

from __future__ import annotations

import io

from core.formatting import rupiah
from core.tabular import safe_cell

from .tree import COLUMNS, document_lines

AMOUNT_FORMAT = "#,##0"
WIDTHS = (19, 44, 36, 20, 14, 18, 14, 24, 14, 18)
GROUP_FILLS = {"urusan": "D9D9D9", "bidang_urusan": "E6E6E6", "program": "F0F0F0", "kegiatan": None}
HEADER_TOP = 6  # the first header row; the numbered column row is HEADER_TOP + 2
# Columns whose cells a line with several indicators merges down (the others hold one indicator per row).
MERGED_DOWN = (1, 2, 4, 6, 7, 8, 10)


def _text(value: object) -> object:
    return None if value in (None, "") else safe_cell(value)


def render_xlsx(tree: dict) -> bytes:
    """One sheet, A4 landscape, the header rows repeated on every printed page and frozen on screen."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"Renja {tree['opd']['singkatan']} {tree['tahun']}"[:31]
    last = get_column_letter(len(COLUMNS))
    thin = Side(style="thin", color="000000")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    centre = Alignment(wrap_text=True, horizontal="center", vertical="center")
    for i, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width

    def banner(row: int, text: str, *, size: int = 11, is_bold: bool = True) -> None:
        sheet.merge_cells(f"A{row}:{last}{row}")
        cell = sheet.cell(row=row, column=1, value=_text(text))
        cell.font = Font(bold=is_bold, size=size)
        cell.alignment = Alignment(horizontal="center" if is_bold else "left", vertical="center", wrap_text=True)

    banner(1, tree["pemda"]["nama"].upper(), size=12)
    banner(2, tree["judul"].upper())
    opd = tree["opd"]
    banner(
        3, f"Perangkat Daerah: {opd['nama']}" + (f" ({opd['kode_unit']})" if opd["kode_unit"] else ""), is_bold=False
    )
    stage = f"Tahap: {tree['tahap']}. " if tree["tahap"] else ""
    banner(4, f"{stage}{tree['cakupan']} {tree['jumlah_baris']} baris sub kegiatan dimuat.", is_bold=False)

    top = HEADER_TOP
    header = {
        (top, 1, top + 1, 1): COLUMNS[0],
        (top, 2, top + 1, 2): COLUMNS[1],
        (top, 3, top + 1, 3): COLUMNS[2],
        (top, 4, top, 7): f"Rencana Tahun {tree['tahun']}",
        (top, 8, top + 1, 8): COLUMNS[7],
        (top, 9, top, 10): f"Prakiraan Maju Rencana Tahun {tree['tahun_n1']}",
    }
    header.update({(top + 1, c, top + 1, c): COLUMNS[c - 1] for c in (4, 5, 6, 7, 9, 10)})
    header.update({(top + 2, c, top + 2, c): f"({c})" for c in range(1, len(COLUMNS) + 1)})
    fill = PatternFill("solid", fgColor="E6E6E6")
    for (r1, c1, r2, c2), text in header.items():
        if (r1, c1) != (r2, c2):
            sheet.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                cell = sheet.cell(row=r, column=c)
                cell.border, cell.alignment, cell.fill = box, centre, fill
                cell.font = bold if r < top + 2 else Font()
        sheet.cell(row=r1, column=c1, value=text)
    sheet.row_dimensions[top + 1].height = 45

    row = top + 3
    first_data = row
    for line in document_lines(tree):
        item = line.item
        indikator = item.get("indikator") or [{"teks": "", "target": "", "target_n1": "", "tambahan": False}]
        nama = item["nama"] + (f"\n{item['rincian']}" if item.get("rincian") else "")
        values = {
            1: item["kode"],
            2: nama,
            4: item.get("lokasi"),
            6: item["pagu"],
            7: item.get("sumber_dana"),
            8: "; ".join(item.get("catatan") or ()),
            10: item["pagu_n1"],
        }
        group_fill = GROUP_FILLS.get(item["level"])
        for offset, ind in enumerate(indikator):
            r = row + offset
            prefix = "Indikator tambahan OPD: " if ind["tambahan"] else ""
            cells = {3: prefix + ind["teks"] if ind["teks"] else "", 5: ind["target"], 9: ind["target_n1"]}
            if offset == 0:
                cells.update(values)
            for c in range(1, len(COLUMNS) + 1):
                value = cells.get(c)
                cell = sheet.cell(row=r, column=c, value=value if c in (6, 10) else _text(value))
                cell.border, cell.alignment = box, wrap
                if c in (6, 10):
                    cell.number_format = AMOUNT_FORMAT
                if line.is_group:
                    cell.font = bold
                    if group_fill:
                        cell.fill = PatternFill("solid", fgColor=group_fill)
        if len(indikator) > 1:
            for c in MERGED_DOWN:
                sheet.merge_cells(start_row=row, start_column=c, end_row=row + len(indikator) - 1, end_column=c)
        row += len(indikator)

    # Jumlah: the sum of the urusan subtotals, which sum everything below them.
    sheet.merge_cells(start_row=row, start_column=2, end_row=row, end_column=5)
    sheet.cell(row=row, column=2, value="Jumlah")
    sheet.cell(row=row, column=6, value=tree["jumlah"]["pagu"])
    sheet.cell(row=row, column=10, value=tree["jumlah"]["pagu_n1"])
    for c in range(1, len(COLUMNS) + 1):
        cell = sheet.cell(row=row, column=c)
        cell.border, cell.font = box, bold
        cell.fill = PatternFill("solid", fgColor="D9D9D9")
        if c in (6, 10):
            cell.number_format = AMOUNT_FORMAT

    row += 2
    if tree["pagu_opd"] is None:
        text = f"Pagu indikatif OPD belum ditetapkan; jumlah {rupiah(tree['jumlah']['pagu'])}."
    else:
        state = "MELEBIHI pagu indikatif" if tree["melebihi"] else "di bawah pagu indikatif"
        text = (
            f"Pagu indikatif OPD {rupiah(tree['pagu_opd'])}; jumlah {rupiah(tree['jumlah']['pagu'])}; "
            f"selisih {rupiah(abs(tree['selisih']))} {state}."
        )
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(COLUMNS))
    cell = sheet.cell(row=row, column=1, value=text)
    cell.font = Font(bold=tree["melebihi"], color="B00000" if tree["melebihi"] else None)

    kepala = tree["kepala"]
    signature = [
        f"{tree['tempat']}, {tree['tanggal_text']}",
        f"{kepala['jabatan']},",
        "",
        "",
        "",
        kepala["nama"] or "…………………………",
        kepala["pangkat"],
        f"NIP {kepala['nip'] or '…………………………'}",
    ]
    row += 2
    for offset, text in enumerate(signature):
        sheet.merge_cells(start_row=row + offset, start_column=8, end_row=row + offset, end_column=10)
        cell = sheet.cell(row=row + offset, column=8, value=_text(text))
        cell.alignment = Alignment(horizontal="center")
        if offset == 5:
            cell.font = Font(bold=True, underline="single")

    sheet.freeze_panes = f"C{first_data}"
    sheet.print_title_rows = f"{top}:{top + 2}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_area = f"A1:{last}{row + len(signature) - 1}"
    sheet.oddFooter.right.text = "Halaman &P dari &N"
    sheet.oddFooter.left.text = f"Renja {opd['singkatan']} {tree['tahun']}".replace("&", "&&")
    workbook.properties.title = tree["judul"]
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
