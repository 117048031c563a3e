"""Small view helpers shared by every app's views."""
from __future__ import annotations

from collections.abc import Iterable, Sequence

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils import timezone

from .tabular import write_csv, write_xlsx

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def form_copy_errors(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: per field where the field exists, else at the top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def export_response(kind: str, header: Sequence[str], rows: Iterable[Sequence[object]], *, basename: str, title: str) -> HttpResponse:
    """A CSV or XLSX download (formulas neutralised) named basename-YYYYmmdd-HHMM.kind."""
    if kind == "csv":
        response = HttpResponse(write_csv(header, rows), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(write_xlsx(header, rows, title=title), content_type=XLSX_TYPE)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="{basename}-{stamp}.{kind}"'
    return response
