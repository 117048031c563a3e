"""Long exports streamed to the browser: the rows read from the database in chunks (each chunk's many-to-many values
fetched in one query per relation), written as CSV or XLSX piece by piece and sent as they are written, so an export
of any length takes constant memory and starts at once."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db import connections, transaction
from django.db.models import Model, QuerySet
from django.db.models.expressions import RawSQL
from django.http import StreamingHttpResponse
from django.utils import timezone

from core.http import XLSX_TYPE, no_store
from core.tabular.writing import Column, iter_csv, iter_xlsx

CHUNK_ROWS = 2000  # rows read (and their related values fetched) at a time


def chunk_size_for(qs: QuerySet) -> int:
    """CHUNK_ROWS, or fewer where the database takes fewer query parameters (SQLite's 999)."""
    limit = connections[qs.db].features.max_query_params
    return min(CHUNK_ROWS, limit or CHUNK_ROWS)


def value_chunks(qs: QuerySet, fields: Sequence[str]) -> Iterator[list[Any]]:
    """The queryset's rows as named tuples of `fields` (values_list(named=True): row.opd__singkatan), in its
    order, a chunk at a time, read with a server-side cursor where the database has one. All in one transaction
    until the last chunk is taken: every chunk, and the related values read between them, as they stood at the
    start; and PostgreSQL streams the cursor instead of first storing its whole result, as it must for a cursor
    held across transactions."""
    size = chunk_size_for(qs)
    chunk: list[Any] = []
    with transaction.atomic(using=qs.db):
        connection = connections[qs.db]
        if connection.vendor == "postgresql":
            # A cursor is planned for its first rows by default (a slower plan for reading them all): this one is read
            # to its end, so plan it as the plain query it is.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL cursor_tuple_fraction = 1.0")
        for item in qs.values_list(*fields, named=True).iterator(chunk_size=size):
            chunk.append(item)
            if len(chunk) >= size:
                yield chunk
                chunk = []
        if chunk:
            yield chunk


def related_values(
    model: type[Model], relation: str, ids: Iterable[int], fields: Sequence[str], *, using: str
) -> dict[int, list[tuple]]:
    """For each owner id, the values `fields` (paths from the related object) of its `relation` many-to-many, in the
    related model's own order (as a prefetch gives them): one query on the through table."""
    descriptor = getattr(model, relation)
    through = descriptor.through
    field = model._meta.get_field(relation)
    source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
    ordering = [
        f"-{target}__{o[1:]}" if o.startswith("-") else f"{target}__{o}"
        for o in field.related_model._meta.ordering or ["pk"]
    ]
    found: dict[int, list[tuple]] = defaultdict(list)
    ids = list(ids)
    if connections[using].vendor == "postgresql":  # one array literal, not one parameter per id: cheaper to send
        owners = RawSQL("SELECT unnest(%s::bigint[])", ("{" + ",".join(map(str, ids)) + "}",))
    else:
        owners = ids
    rows = (
        through.objects.using(using)
        .filter(**{f"{source}_id__in": owners})
        .order_by(*ordering, f"{target}_id")
        .values_list(f"{source}_id", *(f"{target}__{f}" for f in fields))
    )
    for row in rows:
        found[row[0]].append(row[1:])
    return found


def streamed_export_response(
    kind: str,
    header: Sequence[str | Column],
    rows: Iterable[Sequence[object]],
    *,
    basename: str,
    title: str,
    delimiter: str = ";",
) -> StreamingHttpResponse:
    """core.http.export_response's download (CSV with BOM and `delimiter`, or XLSX; formulas neutralised; named
    basename-YYYYmmdd-HHMM.kind; never stored by a cache), sent while `rows` are read."""
    if kind == "csv":
        response = StreamingHttpResponse(
            iter_csv(header, rows, delimiter=delimiter), content_type="text/csv; charset=utf-8"
        )
    else:
        response = StreamingHttpResponse(iter_xlsx(header, rows, title=title), content_type=XLSX_TYPE)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="{basename}-{stamp}.{kind}"'
    return no_store(response)
