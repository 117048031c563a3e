"""Small bar charts drawn on the server as inline SVG: no JavaScript, no chart library, readable by screen readers."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

ROW, LABEL_W, BAR_W = 22, 210, 360


def bar_chart(
    *, title: str, bars: Sequence[tuple[str, Sequence[tuple[str, int]]]], legend: Sequence[tuple[str, str]] = ()
) -> SafeString:
    """Horizontal bars; each bar is (label, [(css class, value), ...]) so that bars can be stacked by part."""
    totals = [sum(v for _c, v in parts) for _label, parts in bars]
    top = max(totals, default=0) or 1
    width = LABEL_W + BAR_W + 60
    items, x, y = [], 0, 0
    for cls, label in legend:  # legend entries wrap onto as many lines as they need
        step = 24 + 7 * len(label)
        if x and x + step > width:
            x, y = 0, y + ROW
        items.append(
            f'<rect class="{escape(cls)}" x="{x}" y="{y + 4}" width="12" height="12"></rect>'
            f'<text x="{x + 16}" y="{y + 15}" font-size="12">{escape(label)}</text>'
        )
        x += step
    legend_h = y + ROW if legend else 0
    height = legend_h + ROW * len(bars) + 4
    # role="img" hides the shapes from screen readers, so the numbers are also spoken from <desc>.
    names = dict(legend)
    desc = "; ".join(
        f"{label}: {total}"
        + (" (" + ", ".join(f"{names.get(cls, cls)} {value}" for cls, value in parts) + ")" if len(parts) > 1 else "")
        for (label, parts), total in zip(bars, totals)
    )
    out = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="100%" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title><desc>{escape(desc)}</desc>',
        *items,
    ]
    for i, ((label, parts), total) in enumerate(zip(bars, totals)):
        y = legend_h + i * ROW
        out.append(f'<text x="{LABEL_W - 6}" y="{y + 15}" font-size="12" text-anchor="end">{escape(label[:32])}</text>')
        offset = LABEL_W
        for cls, value in parts:
            width = round(value * BAR_W / top, 1)
            out.append(
                f'<rect class="{escape(cls)}" x="{offset}" y="{y + 3}" width="{width}" height="15">'
                f"<title>{escape(label)}: {value}</title></rect>"
            )
            offset += width
        out.append(f'<text x="{offset + 4}" y="{y + 15}" font-size="12">{total}</text>')
    out.append("</svg>")
    return mark_safe("".join(out))
