"""The Renja document of an agency and year: a screen with its preview and the PDF and XLSX downloads."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from core.formatting import angka, rupiah
from core.http import XLSX_TYPE, int_param, no_store

from .. import permissions, selectors
from ..document import document_lines, document_tree, filename
from ..models import FiscalYear, RenjaRow


def _statuses(request: HttpRequest) -> list[str] | None:
    """The statuses `?status=` names (repeated), known ones only; None (every status) when it names none."""
    chosen = [s for s in RenjaRow.Status.values if s in request.GET.getlist("status")[: len(RenjaRow.Status.values)]]
    return chosen or None


def _tree(request: HttpRequest, pk: int) -> dict:
    opd = permissions.get_document_opd_for_user(request.user, pk)
    fiscal_year = selectors.fiscal_year_from_query(request.GET)
    if fiscal_year is None:
        raise Http404(_("Belum ada tahun anggaran."))
    return document_tree(fiscal_year=fiscal_year, opd=opd, statuses=_statuses(request))


def _download(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return no_store(response)


@login_required
def dokumen(request: HttpRequest) -> HttpResponse:
    """The document of one agency and year: choose them (planners any agency, agency people their own), read the
    table, download it."""
    opds = permissions.document_opds(request.user).order_by("kode_unit", "singkatan")
    pk = int_param(request.GET, "opd", min=1)
    if pk is None and request.user.opd_id and opds.filter(pk=request.user.opd_id).exists():
        pk = request.user.opd_id
    opd = permissions.get_document_opd_for_user(request.user, pk) if pk is not None else None
    fiscal_year = selectors.fiscal_year_from_query(request.GET)
    statuses = _statuses(request)
    tree = lines = None
    if opd is not None and fiscal_year is not None:
        tree = document_tree(fiscal_year=fiscal_year, opd=opd, statuses=statuses)
        lines = [
            {
                "depth": line.depth,
                "group": line.is_group,
                "item": line.item,
                "targets": [i["target"] for i in line.item.get("indikator") or ()],
                "pagu": angka(line.item["pagu"]),
                "pagu_n1": angka(line.item["pagu_n1"]),
            }
            for line in document_lines(tree)
        ]
    query = request.GET.copy()
    query.pop("opd", None)
    if fiscal_year is not None:
        query["tahun"] = str(fiscal_year.year)
    return render(
        request,
        "renja/dokumen.html",
        {
            "opds": list(opds.only("pk", "singkatan", "nama", "kode_unit")),
            "opd": opd,
            "years": list(FiscalYear.objects.order_by("-year").values_list("year", flat=True)),
            "fiscal_year": fiscal_year,
            "status_choices": [(s, label, statuses is None or s in statuses) for s, label in RenjaRow.Status.choices],
            "tree": tree,
            "lines": lines,
            "download_query": query.urlencode(),
            "jumlah_pagu": rupiah(tree["jumlah"]["pagu"]) if tree else "",
            "jumlah_pagu_n1": rupiah(tree["jumlah"]["pagu_n1"]) if tree else "",
            "pagu_opd": rupiah(tree["pagu_opd"]) if tree else "",
            "selisih": rupiah(abs(tree["selisih"])) if tree and tree["selisih"] is not None else "",
        },
    )


@login_required
def dokumen_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The document as an A4 landscape PDF, renja_<year>_<agency>.pdf."""
    from ..document.pdf import render_pdf_cached

    tree = _tree(request, pk)
    return _download(render_pdf_cached(tree), "application/pdf", filename(tree, "pdf"))


@login_required
def dokumen_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    """The document as XLSX with the PDF's layout, renja_<year>_<agency>.xlsx."""
    from ..document.xlsx import render_xlsx

    tree = _tree(request, pk)
    return _download(render_xlsx(tree), XLSX_TYPE, filename(tree, "xlsx"))
