"""The officer's usulan count in the menu (templates/base.html)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from renja import permissions as rules

from . import selectors


def request_inbox_counts(request: HttpRequest) -> dict[str, int]:
    """The officer's new and undecided usulan (selectors.officer_inbox_counts), one query per request at most."""
    if not hasattr(request, "_inbox_counts"):
        request._inbox_counts = selectors.officer_inbox_counts(request.user)
    return request._inbox_counts


def inbox_counts(request: HttpRequest) -> dict:
    """`inbox_counts` for OPD people: lazy, so a page that does not draw the menu runs no query."""
    user = getattr(request, "user", None)
    if user is None or not rules.has_inbox(user):
        return {}
    return {"inbox_counts": SimpleLazyObject(lambda: request_inbox_counts(request))}
