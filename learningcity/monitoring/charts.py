"""Small accessible charts as inline SVG: no JavaScript, no external files.

Each chart is an ``<svg role="img">`` named by its ``<title>`` and described by its
``<desc>``; the page puts a data table with the same numbers right after it, so the
chart is a quick picture and the table is the accessible (and printable) record.
Colours keep at least 4.5:1 contrast against white.

Right-to-left languages get the mirror image: every chart is laid out in logical
coordinates (``start`` = where reading begins) and, in Arabic, x is mirrored and the
SVG's ``direction`` is ``rtl``, so that ``text-anchor="start"`` puts a label's
beginning at the right-hand edge and the text runs leftwards inside the chart.
Labels are fitted to the room they have by an estimate of their width, and values
are written beyond the end of their bar (and beyond the median tick), so they never
sit on a bar or on each other. Numbers follow the reader's notation.
"""

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language_bidi

from .numbers import localised, plain_number

INK = "#1a1a1a"
BAR = "#0b5394"
GRID = "#767676"
WIDTH = 640
FONT_SIZE = 13
# The room kept after the longest bar for its value ("100,0").
VALUE_ROOM = 64


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


def text_width(text: str, size: float = FONT_SIZE) -> float:
    """An estimate of the width of ``text`` in a sans-serif font at ``size`` px: wide
    (CJK) characters take a full em, combining marks nothing, the rest 0.6 em (on the
    generous side, so that an estimated fit is a real one)."""
    width = 0.0
    for char in text:
        if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Cf"):
            continue
        width += size if unicodedata.east_asian_width(char) in ("W", "F") else 0.6 * size
    return width


def fit(label: str, room: float, size: float = FONT_SIZE) -> str:
    """``label``, shortened with an ellipsis if its estimated width exceeds ``room``."""
    if text_width(label, size) <= room:
        return label
    kept = label
    while kept and text_width(kept + "…", size) > room:
        kept = kept[:-1]
    return kept.rstrip() + "…"


class _Canvas:
    """Logical x (0 = where reading starts) turned into SVG x for the reader's language."""

    def __init__(self, rtl: bool) -> None:
        self.rtl = rtl

    def x(self, logical: float) -> float:
        return WIDTH - logical if self.rtl else logical

    def text(self, x: float, y: float, label: str, anchor: str = "start") -> str:
        return (
            f'<text x="{self.x(x):.1f}" y="{y:.1f}" fill="{INK}" '
            f'text-anchor="{anchor}">{escape(label)}</text>'
        )

    def rect(self, x: float, y: float, width: float, height: float) -> str:
        left = self.x(x + width) if self.rtl else x
        return (
            f'<rect x="{left:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height}" '
            f'fill="{BAR}"></rect>'
        )

    def hline(self, x1: float, x2: float, y: float, stroke: str, extra: str = "") -> str:
        return (
            f'<line x1="{self.x(x1):.1f}" x2="{self.x(x2):.1f}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="{stroke}"{extra}></line>'
        )

    def vline(self, x: float, y1: float, y2: float) -> str:
        return (
            f'<line x1="{self.x(x):.1f}" x2="{self.x(x):.1f}" y1="{y1:.1f}" y2="{y2:.1f}" '
            f'stroke="{INK}" stroke-width="3"></line>'
        )


def _frame(
    chart_id: str, title: str, description: str, height: int, body: str, *, rtl: bool
) -> SafeString:
    chart = escape(chart_id)
    direction = "rtl" if rtl else "ltr"
    # Every piece of text in ``body`` went through ``escape``; numbers are formatted here.
    return mark_safe(
        f'<svg class="chart" role="img" aria-labelledby="{chart}-title {chart}-desc" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="system-ui, sans-serif" '
        f'font-size="{FONT_SIZE}" direction="{direction}">'
        f'<title id="{chart}-title">{escape(title)}</title>'
        f'<desc id="{chart}-desc">{escape(description)}</desc>{body}</svg>'
    )


def _rtl(rtl: bool | None) -> bool:
    return get_language_bidi() if rtl is None else rtl


def bar_chart(
    bars: Sequence[Bar],
    *,
    chart_id: str,
    title: str,
    description: str,
    max_value: float = 100,
    rtl: bool | None = None,
) -> SafeString:
    """Horizontal bars on a 0–``max_value`` scale, each label above its bar; a bar's
    ``marker`` (the network median, say) is drawn as a dark tick across it. The value
    is written after whichever ends later, the bar or the tick."""
    canvas = _Canvas(_rtl(rtl))
    row, start, end = 44, 8, WIDTH - VALUE_ROOM - 6
    span = end - start

    def x_of(value: float) -> float:
        return start + max(0.0, min(value, max_value)) / max_value * span

    parts = []
    for index, bar in enumerate(bars):
        top = index * row + 4
        parts.append(canvas.text(start, top + 13, fit(bar.label, WIDTH - 2 * start)))
        reach = start if bar.value is None else x_of(bar.value)
        parts.append(canvas.rect(start, top + 19, reach - start, 16))
        if bar.marker is not None:
            tick = x_of(bar.marker)
            parts.append(canvas.vline(tick, top + 15, top + 39))
            reach = max(reach, tick + 1.5)
        shown = "—" if bar.value is None else localised(bar.value, 1)
        parts.append(canvas.text(reach + 6, top + 32, shown))
    height = max(len(bars), 1) * row + 8
    return _frame(chart_id, title, description, height, "".join(parts), rtl=canvas.rtl)


def line_chart(
    points: Sequence[tuple[str, float | None]],
    *,
    chart_id: str,
    title: str,
    description: str,
    min_value: float = 0,
    max_value: float = 100,
    rtl: bool | None = None,
) -> SafeString:
    """One series over time on a ``min_value``–``max_value`` scale; gaps where values
    are missing. Time runs in the reading direction."""
    canvas = _Canvas(_rtl(rtl))
    height, top, bottom = 240, 12, 200
    ticks = (min_value, (min_value + max_value) / 2, max_value)
    tick_texts = [plain_number(tick) for tick in ticks]
    start = 12 + max(text_width(text) for text in tick_texts)
    end = WIDTH - 24
    step = (end - start) / max(len(points) - 1, 1)
    span = (max_value - min_value) or 1.0

    def y_of(value: float) -> float:
        inside = max(min_value, min(value, max_value))
        return bottom - (inside - min_value) / span * (bottom - top)

    parts = []
    for tick, text in zip(ticks, tick_texts, strict=True):
        y = y_of(tick)
        parts.append(canvas.hline(start, end, y, GRID, ' stroke-width="1" stroke-dasharray="2 4"'))
        parts.append(canvas.text(start - 6, y + 4, text, "end"))
    segments: list[list[tuple[float, float]]] = [[]]
    marks = []
    for index, (label, value) in enumerate(points):
        x = start + index * step
        marks.append(canvas.text(x, bottom + 22, label, "middle"))
        if value is None:
            segments.append([])
            continue
        segments[-1].append((canvas.x(x), y_of(value)))
        marks.append(
            f'<circle cx="{canvas.x(x):.1f}" cy="{y_of(value):.1f}" r="5" fill="{BAR}">'
            f"<title>{escape(label)}: {escape(localised(value, 1))}</title></circle>"
        )
    for segment in segments:
        if len(segment) > 1:
            points_text = " ".join(f"{x:.1f},{y:.1f}" for x, y in segment)
            parts.append(
                f'<polyline points="{points_text}" fill="none" stroke="{BAR}" '
                f'stroke-width="3"></polyline>'
            )
    return _frame(chart_id, title, description, height, "".join(parts + marks), rtl=canvas.rtl)


def interval_chart(
    items: Sequence[Interval],
    *,
    chart_id: str,
    title: str,
    description: str,
    units: int,
    rtl: bool | None = None,
) -> SafeString:
    """Each city's rank (dot) with its 5–95 % interval (grey line); rank 1 where
    reading starts. The label column is as wide as the longest name needs (at most
    40 % of the chart; longer names are shortened)."""
    canvas = _Canvas(_rtl(rtl))
    row, end = 26, WIDTH - 16
    room = min(max((text_width(item.label) for item in items), default=0.0), WIDTH * 0.4)
    label_width = max(room, 40.0) + 16
    span = end - label_width
    units = max(units, 2)

    def x_of(rank: float) -> float:
        return label_width + (rank - 1) / (units - 1) * span

    parts = [
        canvas.text(label_width, 14, plain_number(1), "middle"),
        canvas.text(end, 14, plain_number(units), "middle"),
    ]
    for index, item in enumerate(items):
        y = 34 + index * row
        parts.append(canvas.text(0, y + 4, fit(item.label, label_width - 12)))
        if item.low is not None and item.high is not None:
            parts.append(
                canvas.hline(x_of(item.low), x_of(item.high), y, GRID, ' stroke-width="3"')
            )
        if item.rank is not None:
            parts.append(
                f'<circle cx="{canvas.x(x_of(item.rank)):.1f}" cy="{y}" r="6" '
                f'fill="{BAR}"></circle>'
            )
    height = 34 + max(len(items), 1) * row
    return _frame(chart_id, title, description, height, "".join(parts), rtl=canvas.rtl)
