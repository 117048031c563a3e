"""One token for the state of the reference data the forms' drop-downs list (agencies, places, nomenclature, years,
target groups): a new token whenever any of it changes, so that an option list drawn for one token is the list
for as long as the token stands, and a page reads one short cache entry instead of re-reading every list.

The token lives in Django's shared cache (settings.CACHES: a table of the app's own database by default), so every
worker and every app server sees the same one. The app that owns the data calls `changed()` inside the writing
transaction (renja: a signal on each save or delete of those models, and its bulk loads): with the database cache
the new token is stored in that same transaction and becomes visible with the data, never before it; with another
cache backend (which does not take part in transactions) a second new token is stored once the writer commits. A
reader takes the token before it reads the data, so a list drawn from data older than its token cannot happen: at
worst a list drawn from newer data is kept under the older token, and the next token replaces it.

A token that is missing (first use, culled from the cache, a test's rolled-back database) is made afresh, so lists
drawn before are never matched again. Within one request the token is read once (`RequestScopeMiddleware`).
"""

from __future__ import annotations

import uuid
from contextvars import ContextVar

from django.core.cache import cache
from django.db import transaction

KEY = "core:reference-token"
_scope: ContextVar[dict | None] = ContextVar("core_reference_scope", default=None)


def token() -> str:
    """The current token (read once per request inside RequestScopeMiddleware; at every call outside one)."""
    scope = _scope.get()
    if scope is not None and "token" in scope:
        return scope["token"]
    value = cache.get(KEY)
    if value is None:
        cache.add(KEY, uuid.uuid4().hex, timeout=None)  # two first readers: the one stored first wins
        value = cache.get(KEY) or uuid.uuid4().hex  # a cache that keeps nothing: a token of one's own, never matched
    if scope is not None:
        scope["token"] = value
    return value


def changed() -> None:
    """Reference data changed (call inside the writing transaction): every drawn list is drawn again."""
    _store_new()
    transaction.on_commit(_store_new)


def _store_new() -> None:
    cache.set(KEY, uuid.uuid4().hex, timeout=None)
    scope = _scope.get()
    if scope is not None:
        scope.pop("token", None)  # this request changed the data: what it draws next is drawn again


class RequestScopeMiddleware:
    """Reads the token at most once per request (a page with five drop-downs asks once)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        reset = _scope.set({})
        try:
            return self.get_response(request)
        finally:
            _scope.reset(reset)
