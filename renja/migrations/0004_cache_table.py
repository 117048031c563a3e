"""The database cache's table (log-in throttling is shared by every worker through it), made with the schema, so
that no deployment step can forget it. createcachetable does nothing when the table exists or no DatabaseCache
is configured."""
from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("renja", "0003_user_manager")]
    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
