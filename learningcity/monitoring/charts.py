"""Small accessible charts as inline SVG: no JavaScript, no external files.

Each chart is an ``<svg role="img">`` named by its ``<title>`` and described by its
``<desc>``; the page puts a data table with the same numbers right after it, so the
chart is a quick picture and the table is the accessible (and printable) record.
Colours keep at least 4.5:1 contrast against white.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

INK = "#1a1a1a"
BAR = "#0b5394"
GRID = "#767676"
WIDTH = 640
LABEL_LIMIT = 70


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None
    marker: float | None = None  # e.g. the network median, drawn as a tick


@dataclass(frozen=True)
class Interval:
    label: str
    rank: float | None
    low: float | None
    high: float | None


def _short(label: str, limit: int = LABEL_LIMIT) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _text(x: float, y: float, label: str, anchor: str = "start") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" fill="{INK}" text-anchor="{anchor}">{escape(label)}</text>'
    )


def _frame(chart_id: str, title: str, description: str, height: int, body: str) -> SafeString:
    chart = escape(chart_id)
    # Every piece of text in ``body`` went through ``escape``; numbers are formatted here.
    return mark_safe(
        f'<svg class="chart" role="img" aria-labelledby="{chart}-title {chart}-desc" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="system-ui, sans-serif" '
        f'font-size="13"><title id="{chart}-title">{escape(title)}</title>'
        f'<desc id="{chart}-desc">{escape(description)}</desc>{body}</svg>'
    )


def bar_chart(
    bars: Sequence[Bar], *, chart_id: str, title: str, description: str, max_value: float = 100
) -> SafeString:
    """Horizontal bars on a 0–``max_value`` scale, each label above its bar; a bar's
    ``marker`` (the network median, say) is drawn as a dark tick across it."""
    row, left, right = 44, 8, WIDTH - 70
    span = right - left

    def x_of(value: float) -> float:
        return left + max(0.0, min(value, max_value)) / max_value * span

    parts = []
    for index, bar in enumerate(bars):
        top = index * row + 4
        parts.append(_text(left, top + 13, _short(bar.label)))
        end = left if bar.value is None else x_of(bar.value)
        parts.append(
            f'<rect x="{left}" y="{top + 19}" width="{end - left:.1f}" height="16" '
            f'fill="{BAR}"></rect>'
        )
        parts.append(_text(end + 6, top + 32, "—" if bar.value is None else f"{bar.value:.1f}"))
        if bar.marker is not None:
            x = x_of(bar.marker)
            parts.append(
                f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top + 15}" y2="{top + 39}" '
                f'stroke="{INK}" stroke-width="3"></line>'
            )
    height = max(len(bars), 1) * row + 8
    return _frame(chart_id, title, description, height, "".join(parts))


def line_chart(
    points: Sequence[tuple[str, float | None]],
    *,
    chart_id: str,
    title: str,
    description: str,
    min_value: float = 0,
    max_value: float = 100,
) -> SafeString:
    """One series over time on a ``min_value``–``max_value`` scale; gaps where values
    are missing."""
    height, left, right, top, bottom = 240, 44, WIDTH - 24, 12, 200
    step = (right - left) / max(len(points) - 1, 1)
    span = (max_value - min_value) or 1.0

    def y_of(value: float) -> float:
        inside = max(min_value, min(value, max_value))
        return bottom - (inside - min_value) / span * (bottom - top)

    parts = []
    for tick in (min_value, (min_value + max_value) / 2, max_value):
        y = y_of(tick)
        parts.append(
            f'<line x1="{left}" x2="{right}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}" '
            f'stroke-width="1" stroke-dasharray="2 4"></line>'
        )
        parts.append(_text(left - 6, y + 4, f"{tick:g}", "end"))
    segments: list[list[tuple[float, float]]] = [[]]
    marks = []
    for index, (label, value) in enumerate(points):
        x = left + index * step
        marks.append(_text(x, bottom + 22, label, "middle"))
        if value is None:
            segments.append([])
            continue
        segments[-1].append((x, y_of(value)))
        marks.append(
            f'<circle cx="{x:.1f}" cy="{y_of(value):.1f}" r="5" fill="{BAR}">'
            f"<title>{escape(label)}: {value:.1f}</title></circle>"
        )
    for segment in segments:
        if len(segment) > 1:
            points_text = " ".join(f"{x:.1f},{y:.1f}" for x, y in segment)
            parts.append(
                f'<polyline points="{points_text}" fill="none" stroke="{BAR}" '
                f'stroke-width="3"></polyline>'
            )
    return _frame(chart_id, title, description, height, "".join(parts + marks))


def interval_chart(
    items: Sequence[Interval], *, chart_id: str, title: str, description: str, units: int
) -> SafeString:
    """Each city's rank (dot) with its 5–95 % interval (grey line); rank 1 on the left."""
    row, label_width, right = 26, 170, WIDTH - 16
    span = right - label_width
    units = max(units, 2)

    def x_of(rank: float) -> float:
        return label_width + (rank - 1) / (units - 1) * span

    parts = [_text(label_width, 14, "1"), _text(right, 14, str(units), "end")]
    for index, item in enumerate(items):
        y = 34 + index * row
        parts.append(_text(0, y + 4, _short(item.label, 22)))
        if item.low is not None and item.high is not None:
            parts.append(
                f'<line x1="{x_of(item.low):.1f}" x2="{x_of(item.high):.1f}" y1="{y}" '
                f'y2="{y}" stroke="{GRID}" stroke-width="3"></line>'
            )
        if item.rank is not None:
            parts.append(
                f'<circle cx="{x_of(item.rank):.1f}" cy="{y}" r="6" fill="{BAR}"></circle>'
            )
    height = 34 + max(len(items), 1) * row
    return _frame(chart_id, title, description, height, "".join(parts))
