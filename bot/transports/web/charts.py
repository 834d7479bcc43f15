"""Server-side SVG charts for the admin console (no JavaScript, no CDN)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

BAR_HEIGHT = 22
GAP = 6
LABEL_WIDTH = 150
BAR_WIDTH = 320
COUNT_WIDTH = 60


def bar_chart(title: str, bars: Sequence[tuple[str, int]]) -> str:
    """Return an accessible horizontal bar chart as an inline SVG string (labels escaped)."""
    if not bars:
        return f'<p class="empty">{escape(title)}: nothing recorded yet.</p>'
    top = max(count for _, count in bars) or 1
    height = len(bars) * (BAR_HEIGHT + GAP) + GAP
    width = LABEL_WIDTH + BAR_WIDTH + COUNT_WIDTH
    rows = []
    for index, (label, count) in enumerate(bars):
        y = GAP + index * (BAR_HEIGHT + GAP)
        length = max(1, round(BAR_WIDTH * count / top)) if count else 0
        text_y = y + BAR_HEIGHT * 0.7
        rows.append(
            f'<g class="bar"><title>{escape(label)}: {count}</title>'
            f'<text x="{LABEL_WIDTH - 8}" y="{text_y:.1f}" text-anchor="end">{escape(label)}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length}" height="{BAR_HEIGHT}" rx="3"/>'
            f'<text x="{LABEL_WIDTH + length + 6}" y="{text_y:.1f}">{count}</text></g>'
        )
    return (
        f'<svg class="chart" role="img" aria-label="{escape(title)}" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">'
        + "".join(rows)
        + "</svg>"
    )
