"""Who acted when no person did: the command, task or cause behind a record written by the system.

A management command or background task runs inside `acting_as_system("manage.py import_renja")`; every audit
entry and decision written meanwhile without a user records that source (the models' `source` fields take it as
their default), and pages show it as "Sistem (manage.py import_renja)". A cause known where the record is written
(a settled overlap reopened because a row changed) is passed explicitly instead.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

SOURCE_MAX_LENGTH = 120
_source: contextvars.ContextVar[str] = contextvars.ContextVar("renja_system_source", default="")

# Causes recorded as codes, shown in the reader's language; any other source (a command line) shows as written.
CAUSES = {
    "sync.reopened": gettext_lazy("baris berubah, dibuka lagi otomatis"),
    "sync.no_longer_flagged": gettext_lazy("tidak lagi terdeteksi"),
    "sync.recompute": gettext_lazy("hitung ulang sinkronisasi"),
    "sync.changed_after_signing": gettext_lazy("baris berubah setelah berita acara ditandatangani"),
    "demo": gettext_lazy("data demo"),
}


def current_system_source() -> str:
    """The source of the system work running now ("" inside a person's request)."""
    return _source.get()


@contextmanager
def acting_as_system(source: str) -> Iterator[None]:
    token = _source.set(source[:SOURCE_MAX_LENGTH])
    try:
        yield
    finally:
        _source.reset(token)


def actor_label(user, source: str) -> str:
    """ "Nama Lengkap", "username", or "Sistem (cause)" for a record no person made."""
    if user is not None:
        return user.get_full_name() or user.username
    cause = CAUSES.get(source, source)
    return _("Sistem (%(source)s)") % {"source": cause} if cause else _("Sistem")
