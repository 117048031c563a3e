"""A trigram index on Usulan.cari (PostgreSQL only) for the usulan list's word search: see renja's
0010_search_trigram_index, whose functions this uses."""

from django.db import migrations

from renja.migrations import _trigram  # the shared helper (not a migration)


def create(apps, schema_editor):
    _trigram.indexes_create(schema_editor, [("usulan_cari_trgm", "musrenbang_usulan")])


def drop(apps, schema_editor):
    _trigram.indexes_drop(schema_editor, [("usulan_cari_trgm", "musrenbang_usulan")])


class Migration(migrations.Migration):
    dependencies = [("musrenbang", "0009_levels_of_the_cycle"), ("renja", "0010_search_trigram_index")]

    operations = [migrations.RunPython(create, drop)]
