"""A trigram index on RenjaRow.cari (PostgreSQL only), so that the Renja list's word search (cari LIKE '%word%', one
per word, on every count and sum of the filtered list) reads the matching rows instead of every row's search text:
about 10 ms to 2 ms per scan at Kukar's size, and a search page runs four or five (see _trigram)."""

from django.db import migrations

from ._trigram import indexes_create, indexes_drop

INDEXES = [("renjarow_cari_trgm", "renja_renjarow")]


def create(apps, schema_editor):
    indexes_create(schema_editor, INDEXES)


def drop(apps, schema_editor):
    indexes_drop(schema_editor, INDEXES)


class Migration(migrations.Migration):
    dependencies = [("renja", "0009_summary_revisions")]

    operations = [migrations.RunPython(create, drop)]
