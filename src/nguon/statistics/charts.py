"""Charts drawn on the server as inline SVG: no script, nothing fetched, printable.

Each chart is an ``<svg role="img">`` named by its ``<title>`` and described by its
``<desc>`` (which carries every number, for screen readers); the page puts the same numbers
in a table one click away (``<details>``). Bars show their value as text beside them, so
colour is never the only sign of a good or a bad figure. Labels arrive translated; every
text is escaped here.

- ``bars``: one horizontal bar per row (units below, worst first), a percentage;
- ``columns``: one vertical bar per month, any amount;
- ``line``: a percentage per month, joined.
"""

from html import escape
from itertools import count


WIDTH = 720
LABEL_WIDTH = 230
ROW = 26
TOP = 10
PLOT_HEIGHT = 180
BOTTOM = 34
GOOD, FAIR, POOR = "#146c2e", "#8a5300", "#b42318"  # AA contrast on white
NEUTRAL = "#1d4ed8"
INK = "#1f2933"
GRID = "#d0d5dd"
_ids = count(1)


def tone(percent):
    """The colour of a percentage: green from 90, amber from 50, red below."""
    if percent is None:
        return GRID
    return GOOD if percent >= 90 else FAIR if percent >= 50 else POOR


def _frame(title, desc, height, body):
    number = next(_ids)
    title_id, desc_id = f"nguon-chart-{number}-title", f"nguon-chart-{number}-desc"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="nguon-chart" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{title_id} {desc_id}">'
        f'<title id="{title_id}">{escape(title)}</title>'
        f'<desc id="{desc_id}">{escape(desc)}</desc>'
        f'<g aria-hidden="true" font-family="sans-serif" font-size="13" fill="{INK}">'
        f"{body}</g></svg>"
    )


def _short(text, limit=32):
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _describe(points):
    return "; ".join(f"{label}: {text}" for label, _value, text in points)


def bars(title, points):
    """Horizontal bars of percentages: ``points`` are ``(label, percent or None, text)``;
    a row with nothing to count has no bar, only its text."""
    span = WIDTH - LABEL_WIDTH - 70
    height = TOP * 2 + ROW * max(len(points), 1)
    body = []
    for i, (label, value, text) in enumerate(points):
        y = TOP + i * ROW
        body.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 17}" text-anchor="end">'
            f"{escape(_short(label))}</text>"
        )
        length = 0 if value is None else round(span * max(0, min(value, 100)) / 100)
        body.append(
            f'<rect x="{LABEL_WIDTH}" y="{y + 4}" width="{span}" height="{ROW - 8}" '
            f'fill="#f2f4f7"/>'
            f'<rect x="{LABEL_WIDTH}" y="{y + 4}" width="{length}" height="{ROW - 8}" '
            f'fill="{tone(value)}"/>'
        )
        body.append(
            f'<text x="{LABEL_WIDTH + span + 6}" y="{y + 17}">{escape(text)}</text>'
        )
    return _frame(title, _describe(points), height, "".join(body))


def _axis(points, top, labels_every):
    """Month labels under the plot (every ``labels_every``-th, so they never overlap)."""
    step = (WIDTH - LABEL_WIDTH // 4) / max(len(points), 1)
    left = LABEL_WIDTH // 4
    found = [
        f'<line x1="{left}" y1="{top + PLOT_HEIGHT}" x2="{WIDTH}" '
        f'y2="{top + PLOT_HEIGHT}" stroke="{INK}"/>'
    ]
    for i, (label, _value, _text) in enumerate(points):
        if i % labels_every == 0:
            x = left + step * (i + 0.5)
            found.append(
                f'<text x="{x:.1f}" y="{top + PLOT_HEIGHT + 20}" text-anchor="middle">'
                f"{escape(label)}</text>"
            )
    return step, left, "".join(found)


def columns(title, points):
    """One vertical bar per point ``(label, amount or None, text)``, scaled to the largest."""
    top = TOP + 14
    highest = max((value or 0 for _label, value, _text in points), default=0) or 1
    every = max(1, len(points) // 12)
    step, left, axis = _axis(points, top, every)
    body = [axis]
    for i, (_label, value, text) in enumerate(points):
        height = round(PLOT_HEIGHT * (value or 0) / highest)
        x = left + step * i + step * 0.2
        body.append(
            f'<rect x="{x:.1f}" y="{top + PLOT_HEIGHT - height}" '
            f'width="{step * 0.6:.1f}" height="{height}" fill="{NEUTRAL}"/>'
        )
        if len(points) <= 24:
            body.append(
                f'<text x="{x + step * 0.3:.1f}" y="{top + PLOT_HEIGHT - height - 4}" '
                f'text-anchor="middle">{escape(text)}</text>'
            )
    return _frame(title, _describe(points), top + PLOT_HEIGHT + BOTTOM, "".join(body))


def line(title, points):
    """Percentages per point ``(label, percent or None, text)`` joined by a line (broken
    where a month has nothing to count), on a 0–100 scale."""
    top = TOP + 14
    every = max(1, len(points) // 12)
    step, left, axis = _axis(points, top, every)
    body = [axis]
    for level in (50, 100):
        y = top + PLOT_HEIGHT * (100 - level) / 100
        body.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{WIDTH}" y2="{y:.1f}" stroke="{GRID}" '
            f'stroke-dasharray="4 4"/><text x="{left - 4}" y="{y + 4:.1f}" '
            f'text-anchor="end">{level}%</text>'
        )
    segments, current = [], []
    for i, (_label, value, text) in enumerate(points):
        if value is None:
            segments.append(current)
            current = []
            continue
        x = left + step * (i + 0.5)
        y = top + PLOT_HEIGHT * (100 - max(0, min(value, 100))) / 100
        current.append(f"{x:.1f},{y:.1f}")
        body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{tone(value)}"/>')
        if len(points) <= 24:
            body.append(
                f'<text x="{x:.1f}" y="{y - 8:.1f}" text-anchor="middle">'
                f"{escape(text)}</text>"
            )
    segments.append(current)
    for segment in segments:
        if len(segment) > 1:
            body.insert(
                1,
                f'<polyline points="{" ".join(segment)}" fill="none" '
                f'stroke="{NEUTRAL}" stroke-width="2"/>',
            )
    return _frame(title, _describe(points), top + PLOT_HEIGHT + BOTTOM, "".join(body))
