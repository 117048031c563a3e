"""Template access to the decision table (musrenbang/decisions.py)."""

from __future__ import annotations

from django import template

from musrenbang import decisions

register = template.Library()


@register.filter
def status_badge(status: str) -> str:
    """The CSS class of an usulan status' badge: `<span class="badge {{ usulan.status|status_badge }}">`."""
    return decisions.status_badge(status)
