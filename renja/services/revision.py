"""The year's plan revision: one number that goes up with every write that changes what derived pages read (Renja
rows and their status, usulan and their pick-ups, synonym groups, overlap settlements).

A page that shows something derived from the plan (the sync view's findings and counts, a list's summary) keeps the
revision it was computed from and compares one number instead of aggregating the rows; a cached summary is keyed by
it (revision_cached), so that no write leaves it stale. Writers call plan_changed inside their own transaction: the
number goes up only if the change commits. The UPDATE locks the year's row until the writer commits, so writes to one
year's plan take turns at that point (each holds it for the rest of its transaction, milliseconds); writers take it
before the rows or usulan they lock, the order imports lock them in, so that two writers never wait on each other.

Once the writer commits, the hooks named in settings.PLAN_CHANGED_HOOKS run (dotted paths of callables taking the
year's id): the sync view's queues its recompute there, so that findings catch up within seconds of an edit, whether
or not anyone opens a sync page, and no request computes them. Renja names no app above it: the setting does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils.module_loading import import_string

from core import reference
from core.memo import Memo

from ..models import FiscalYear

T = TypeVar("T")
# A summary cached for a revision is dropped after this long even if nothing changed: every write makes new keys,
# and the shared cache (a table, settings.CACHES) culls expired entries first, not the log-in throttle's counts.
SUMMARY_CACHE_S = 600
# The same summaries kept in each process too, read without a query: a key names its revision, so an entry is never
# stale (core.memo). Callers only read what they are given.
_SUMMARIES: Memo = Memo("renja.summaries", size=256)


def plan_changed(fiscal_year_id: int, *, rows: bool = True, usulan: bool = True) -> None:
    """The plan of this year changed (call inside the writing transaction). `rows=False` says the write changes no
    Renja row's agency, status, program, pagu or pagu N+1 and no ceiling, `usulan=False` that it changes no usulan:
    the summaries of that kind stay cached (FiscalYear.rows_revision, usulan_revision). Say so only when certain;
    the default raises both."""
    counts = {"revision": F("revision") + 1}
    if rows:
        counts["rows_revision"] = F("rows_revision") + 1
    if usulan:
        counts["usulan_revision"] = F("usulan_revision") + 1
    FiscalYear.objects.filter(pk=fiscal_year_id).update(**counts)
    _after_commit([fiscal_year_id])


def row_summary_changed(fiscal_year_id: int) -> None:
    """A writer that called plan_changed(rows=False) before it knew what it would change (it takes the year's row
    first) found that it changed what row summaries read after all."""
    FiscalYear.objects.filter(pk=fiscal_year_id).update(rows_revision=F("rows_revision") + 1)


def plan_changed_everywhere() -> None:
    """A change that every year's plan reads (a synonym group): every year's revision goes up."""
    FiscalYear.objects.update(
        revision=F("revision") + 1,
        rows_revision=F("rows_revision") + 1,
        usulan_revision=F("usulan_revision") + 1,
    )
    if getattr(settings, "PLAN_CHANGED_HOOKS", ()):
        _after_commit(list(FiscalYear.objects.filter(is_locked=False).values_list("pk", flat=True)))


def summaries_changed_everywhere() -> None:
    """Reference data the lists' cached summaries name or group by changed (an agency's name or kode unit, a
    kecamatan's name, a sub kegiatan's program): every year's rows and usulan summaries are counted afresh. The
    plan itself did not change, so the sync view has nothing to recompute (its pages show names as read). The
    forms' option lists are drawn afresh too (core.reference: bulk loads send no signal)."""
    FiscalYear.objects.update(rows_revision=F("rows_revision") + 1, usulan_revision=F("usulan_revision") + 1)
    reference.changed()


def _after_commit(fiscal_year_ids: list[int]) -> None:
    """Run the plan-changed hooks for these years once the writer's transaction commits (never if it rolls back),
    once per year however many writes the transaction made (a bulk decision of 200 usulan queues one recompute, not
    200 look-ups of the queue). A hook that fails is logged and does not undo the committed write (robust)."""
    hooks = [import_string(path) for path in getattr(settings, "PLAN_CHANGED_HOOKS", ())]
    if not hooks:
        return
    connection = transaction.get_connection()
    pending = getattr(connection, "_renja_plan_changed", None)
    # The set belongs to the transaction whose on-commit list still holds its callback; after a rollback it is gone.
    if pending is None or not any(func == pending.run for _sids, func, _robust in connection.run_on_commit):
        pending = _PendingYears(hooks)
        connection._renja_plan_changed = pending
        pending.years.update(fiscal_year_ids)
        transaction.on_commit(pending.run, robust=True)
    else:
        pending.years.update(fiscal_year_ids)


class _PendingYears:
    """The years a transaction changed, for its one on-commit callback."""

    def __init__(self, hooks: list[Callable[[int], None]]) -> None:
        self.hooks, self.years = hooks, set()

    def run(self) -> None:
        for pk in sorted(self.years):
            for hook in self.hooks:
                hook(pk)


def plan_revision(fiscal_year_id: int) -> int:
    """The year's current revision, read from the database (not from a FiscalYear loaded earlier)."""
    return FiscalYear.objects.filter(pk=fiscal_year_id).values_list("revision", flat=True).first() or 0


def revision_cached(name: str, fiscal_year: FiscalYear, compute: Callable[[], T], *, counter: str = "revision") -> T:
    """A year's summary (a list's counts, totals) computed once per plan revision and kept in Django's cache: the key
    holds the revision of `fiscal_year` as loaded for this request, so that a write (which raises it) is never served
    a summary from before it. `name` says what is summarised and for whom (its scope). `counter` is the revision
    field the summary depends on: "rows_revision" for what Renja rows' agency, status, program and pagu make,
    "usulan_revision" for usulan counts (a write of the other kind leaves it cached). Kept in the process first
    (no query), then in the shared cache (one query), else computed."""
    key = f"renja:rev:{name}:{fiscal_year.pk}:{counter}:{getattr(fiscal_year, counter)}"
    value = _SUMMARIES.get(key)
    if value is None:
        value = cache.get(key)
        if value is None:
            value = compute()
            cache.set(key, value, SUMMARY_CACHE_S)
        _SUMMARIES.set(key, value)
    return value
