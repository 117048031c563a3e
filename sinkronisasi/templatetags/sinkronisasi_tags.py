"""Template filters of the sync pages."""

from __future__ import annotations

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from ..text import normalise, stem

register = template.Library()
_WORD = re.compile(r"(\w+(?:-\w+)*)")


@register.filter
def highlight_words(text: str, stems) -> SafeString:
    """The text, escaped, with each word whose stem is one of `stems` in <mark>: the words that made two rows look
    alike, where each row writes them."""
    if not stems:
        return escape(text or "")
    out = []
    for i, part in enumerate(_WORD.split(text or "")):
        if i % 2 and any(stem(w) in stems for w in normalise(part)):
            out.append(f"<mark>{escape(part)}</mark>")
        else:
            out.append(escape(part))
    return mark_safe("".join(out))  # every part escaped above


@register.filter
def matched_by_row(pair) -> list:
    """The pair's matched terms with the words each of its two rows writes for them (selectors.matched_words_by_row)."""
    from ..selectors import matched_words_by_row

    return matched_words_by_row(pair.signals or {}, (pair.row_a, pair.row_b))
