"""Inserting many rows of the recompute's own tables (pairs, row facts, homes, duplicate usulan) from plain values.

A full recompute at 10x writes about 100,000 pairs: Model.objects.bulk_create spent most of its time building a
model instance per row and preparing each of its two dozen values one by one. Here the values come as tuples of
the fields the recompute fills; every other field takes its default (prepared once), and only values that need it
(JSON, dates) go through the field's own preparation, so the stored values are the ones bulk_create would store.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection, models
from django.utils import timezone

# Fields whose Python values the database driver cannot take as they are.
_PREPARED = (models.JSONField, models.DateTimeField, models.DateField, models.DecimalField)


def insert_values(model: type[models.Model], names: Sequence[str], rows: Iterable[Sequence]) -> int:
    """INSERT these rows of `model`: each a tuple of the values of `names` (field attnames, e.g. "row_a_id"), in
    that order; the other fields take their defaults (auto_now_add: now). Returns how many rows were inserted."""
    meta = model._meta
    by_attname = {f.attname: f for f in meta.concrete_fields}
    unknown = [n for n in names if n not in by_attname]
    if unknown:
        raise ValueError(f"{model.__name__} has no field {unknown}")
    given = [by_attname[n] for n in names]
    now = timezone.now()
    rest, defaults = [], []
    for f in meta.concrete_fields:
        if f.attname in names or (f.primary_key and isinstance(f, models.AutoField)):
            continue
        if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False):
            value = now
        else:
            value = f.get_default()  # as a new model instance has it ("" for text, None for a nullable field)
        rest.append(f)
        defaults.append(f.get_db_prep_save(value, connection))
    prepare = [(i, f) for i, f in enumerate(given) if isinstance(f, _PREPARED)]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in (*given, *rest))
    one = "(" + ", ".join(["%s"] * (len(given) + len(rest))) + ")"
    sql = f"INSERT INTO {connection.ops.quote_name(meta.db_table)} ({columns}) VALUES "
    tail = tuple(defaults)

    def params(row: Sequence) -> tuple:
        if prepare:
            row = list(row)
            for i, f in prepare:
                row[i] = f.get_db_prep_save(row[i], connection)
        return (*row, *tail)

    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":  # one statement run for every row: SQLite's executemany loops in C
            every = [params(r) for r in rows]
            if every:
                cursor.executemany(sql + one, every)
            return len(every)
        per_statement = max(1, min(1000, 60000 // (len(given) + len(rest))))
        batch: list = []
        for r in rows:
            batch.append(params(r))
            if len(batch) == per_statement:
                cursor.execute(sql + ", ".join([one] * len(batch)), [v for p in batch for v in p])
                count += len(batch)
                batch = []
        if batch:
            cursor.execute(sql + ", ".join([one] * len(batch)), [v for p in batch for v in p])
            count += len(batch)
    return count
