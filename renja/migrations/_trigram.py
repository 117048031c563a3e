"""Trigram (pg_trgm) indexes for word searches (`cari LIKE '%word%'`), created by migrations on PostgreSQL only.

Needs the pg_trgm extension: when the database user may not create it (and nobody did), the indexes are left out
and the searches read every row, as before. SQLite has no such index; nothing changes there. (A module whose name
starts with "_" is not a migration: the loader skips it.)"""

from django.db import DatabaseError, transaction


def indexes_create(schema_editor, indexes: list[tuple[str, str]]) -> None:
    """CREATE INDEX name ON table USING gin (cari gin_trgm_ops) for each (name, table)."""
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cursor.fetchone() is None:
            try:
                with transaction.atomic(using=connection.alias):
                    cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            except DatabaseError:
                return  # no right to create it here: the search works without the index
        for name, table in indexes:
            cursor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (cari gin_trgm_ops)")


def indexes_drop(schema_editor, indexes: list[tuple[str, str]]) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for name, _table in indexes:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")
