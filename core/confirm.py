"""The confirmation step before an irreversible or bulk action, working without JavaScript.

A GET page states exactly what will happen and carries a POST form to the action (with `konfirmasi=1`) and a way
back; the action refuses a POST without that field, so one stray click (or a forged form) changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

FIELD = "konfirmasi"


def confirmed(request: HttpRequest, field: str = FIELD) -> bool:
    """Did this POST come through a confirmation page?"""
    return request.POST.get(field) == "1"


def confirm_page(
    request: HttpRequest,
    *,
    title: str,
    facts: Iterable[str],
    action: str,
    button: str,
    back: str,
    hidden: Mapping[str, object] | Iterable[tuple[str, object]] = (),
    lead: str = "",
    warning: str = "",
    breadcrumbs: Iterable[tuple[str, str]] = (),
    items: Iterable[str] = (),
    blocked: str = "",
    field: str = FIELD,
    status: int = 200,
) -> HttpResponse:
    """Render the shared confirmation page: `facts` are the sentences saying what will happen; `blocked` (a reason)
    replaces the proceed button by the reason when the action would be refused anyway."""
    pairs = list(hidden.items()) if isinstance(hidden, Mapping) else list(hidden)
    return render(
        request,
        "confirm.html",
        {
            "title": title,
            "lead": lead,
            "facts": list(facts),
            "warning": warning,
            "items": list(items),
            "action": action,
            "button": button,
            "back": back,
            "hidden": [(k, v) for k, v in pairs],
            "field": field,
            "breadcrumbs": list(breadcrumbs),
            "blocked": blocked,
        },
        status=status,
    )
