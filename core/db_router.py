"""Which database a query uses: the primary for everything, a read replica only for reports that ask for it.

With `DATABASE_REPLICA_URL` set, `REPORTS_DATABASE` is "replica" (otherwise "default"). Only the exports and the
sync report read there, through `for_reports()`: after a save the app redirects and reads the row again, the
import preview compares a file with rows just written, and the berita acara snapshot must read exactly what the
forum agreed, so ordinary reads never go to a replica that may lag a few seconds behind.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet


def for_reports(qs: QuerySet) -> QuerySet:
    """The same queryset, read from the reports database (the replica when there is one)."""
    return qs.using(settings.REPORTS_DATABASE)


class PrimaryRouter:
    """Writes always go to the primary, also for objects read from the replica; reads follow the queryset.

    Reads return None: Django then uses the queryset's own database, or for a related lookup the database its
    instance came from (so an exported row's agency and places are read from the replica as well).
    """

    def db_for_read(self, model, **hints):
        return None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
