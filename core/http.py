"""Small view helpers shared by every app's views."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage
from django.http import HttpResponse
from django.utils import timezone
from django_tables2 import RequestConfig

from core.tabular import CSV_DELIMITERS, Column, write_csv, write_xlsx

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PER_PAGE_MAX = 200
_INTEGER = re.compile(r"([+-]?)0*([0-9]+)")  # ASCII digits only: "²".isdigit() is True but int() refuses it
_MAX_DIGITS = 18  # every 18-digit number fits a bigint


def int_param(
    query: Mapping[str, str], name: str, default: int | None = None, *, min: int | None = None, max: int | None = None
) -> int | None:
    """An integer query parameter (e.g. request.GET): `default` when it is missing or not plain ASCII digits
    ("²", "1.5", "abc", ""); a repeated one counts its last value. With min/max, a number outside the range (however
    many digits) is clamped into it; without, a number beyond a bigint is `default` too."""
    match = _INTEGER.fullmatch((query.get(name) or "").strip())
    if match is None:
        return default
    sign, digits = match.groups()
    if len(digits) > _MAX_DIGITS:
        bound = min if sign == "-" else max
        return default if bound is None else bound
    value = int(sign + digits)
    if min is not None and value < min:
        return min
    if max is not None and value > max:
        return max
    return value


def str_param(query: Mapping[str, str], name: str, default: str = "", *, max_length: int = 200) -> str:
    """A text query parameter, stripped, without NUL and other control characters (PostgreSQL refuses NUL in a
    query), and cut at max_length."""
    value = query.get(name)
    if value is None:
        return default
    return "".join(c for c in value if c.isprintable() or c == " ").strip()[:max_length]


def configure_table(request, table, *, per_page: int = 25, **paginate) -> None:
    """django-tables2's RequestConfig with page and per_page parsed by int_param: per_page is kept within
    1..PER_PAGE_MAX, a page before the first is the first and one past the last is the last."""
    RequestConfig(request, paginate=False).configure(table)  # sorting only
    per_page = int_param(request.GET, table.prefixed_per_page_field, per_page, min=1, max=PER_PAGE_MAX)
    page = int_param(request.GET, table.prefixed_page_field, 1, min=1, max=10**9)
    try:
        table.paginate(per_page=per_page, page=page, **paginate)
    except EmptyPage:
        table.page = table.paginator.page(table.paginator.num_pages)


def form_copy_errors(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: per field where the field exists, else at the top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def filter_summary(form) -> list[tuple[str, str]]:
    """The filters a valid filter form applies, as (label, value) pairs people read ("Status: Diajukan")."""
    if not form.is_valid():
        return []
    out = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if value in (None, "", [], ()):
            continue
        choices = dict(getattr(field, "choices", []) or []) if not hasattr(field, "queryset") else {}
        out.append((str(field.label), str(choices.get(value, value))))
    return out


def no_store(response: HttpResponse) -> HttpResponse:
    """Mark a response that carries personal or unpublished data (exports, receipts, PDFs) as never to be kept by a
    shared cache or the browser's disk cache."""
    response["Cache-Control"] = "private, no-store"
    return response


def csv_delimiter(query: Mapping[str, str]) -> str:
    """The CSV separator a download asks for: `;` (what an Excel set to Indonesian splits on) unless
    `pemisah=koma`."""
    return CSV_DELIMITERS.get(str_param(query, "pemisah", max_length=20), ";")


def export_response(
    kind: str,
    header: Sequence[str | Column],
    rows: Iterable[Sequence[object]],
    *,
    basename: str,
    title: str,
    delimiter: str = ";",
) -> HttpResponse:
    """A CSV (`delimiter`-separated, UTF-8 with BOM) or XLSX download (typed, formatted columns), formulas
    neutralised, named basename-YYYYmmdd-HHMM.kind."""
    if kind == "csv":
        response = HttpResponse(write_csv(header, rows, delimiter=delimiter), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(write_xlsx(header, rows, title=title), content_type=XLSX_TYPE)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="{basename}-{stamp}.{kind}"'
    return no_store(response)
