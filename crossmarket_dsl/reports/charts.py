"""Inline SVG charts for the HTML pages: pure functions from figures to one `<svg>` string.

No script, no fonts or images from the network: a report stays one file that shows and prints the
same anywhere. Every text is escaped; labels are measured with `display_width`, so a column of
Chinese names gets the room it needs. Coordinates are floats (they only place ink); the figures
printed beside the bars are the exact decimals, formatted by `render`.
"""

from __future__ import annotations

import math
from decimal import Decimal
from html import escape
from typing import Mapping, Sequence

from ..language.diagnostics import display_width
from .render import percent_text, points_text

PALETTE = ("#1f5fa8", "#d9822b", "#2e8b57", "#b03a48", "#7a5195", "#3a9ca6", "#8c6d31", "#5f6b7a")
FONT = 'font-family="Noto Sans CJK SC,Microsoft YaHei,PingFang SC,sans-serif" font-size="12"'
COLUMN_PX = 7.5  # one display column at 12px, with a little room; a CJK character takes two
ROW_PX = 24
BAR_PX = 16
PLOT_PX = 360
TITLE_PX = 28
GOOD, SHORT, BEHIND = "#2e8b57", "#b03a48", "#d9822b"


def bar_chart(title: str, items: Sequence[tuple[str, Decimal]]) -> str:
    """Horizontal bars, one a label (e.g. department points); negative values grow left of zero."""
    rows = [(label, value, points_text(value), PALETTE[0]) for label, value in items]
    return _horizontal_bars(title, rows, _domain([value for _, value in items]))


def completion_chart(title: str, items: Sequence[tuple[str, Decimal | None]], floor: Decimal,
                     pace: Decimal = Decimal(1)) -> str:
    """Completion ratios as bars against a marked floor line (art. 22).

    At year end (`pace` 1) a bar below the floor is red, at or above it green. During the year the line
    is the floor pro-rated for the part of the period elapsed (`pace`, e.g. 3/12 after March), and a
    bar behind that pace is amber, not red: year-end gates do not apply yet, so nothing has failed.
    A product with no target has no ratio: its row shows `—` and no bar."""
    line = floor * pace
    short = SHORT if pace >= 1 else BEHIND
    rows = [(label, ratio, percent_text(None if ratio is None else str(ratio)),
             short if ratio is not None and ratio < line else GOOD) for label, ratio in items]
    ratios = [ratio for _, ratio in items if ratio is not None]
    caption = f"下限 {percent_text(str(floor))}" if pace >= 1 else \
        f"按进度下限 {percent_text(str(line))}（全年 {percent_text(str(floor))}）"
    return _horizontal_bars(title, rows, _domain([*ratios, floor, Decimal(1)]), marker=(line, caption))


def line_chart(title: str, labels: Sequence[str], series: Mapping[str, Sequence[Decimal]]) -> str:
    """One line a series over the labels (e.g. each department's points by month), with a legend."""
    left, top, plot_w, plot_h = 64, TITLE_PX + 8, 420, 180
    legend_x = left + plot_w + 24
    legend_w = max((display_width(name) for name in series), default=0) * COLUMN_PX + 32
    width, height = legend_x + legend_w, top + plot_h + 40
    values = [float(v) for points in series.values() for v in points]
    lo, hi, step = _nice_range(min(values, default=0.0), max(values, default=0.0))
    step_x = plot_w / max(len(labels) - 1, 1)

    def x(i: int) -> float:
        return left + (i * step_x if len(labels) > 1 else plot_w / 2)

    def y(v: float) -> float:
        return top + plot_h - (v - lo) / (hi - lo) * plot_h

    parts = [_axis_grid(left, plot_w, lo, hi, step, y)]
    label_px = (max((display_width(label) for label in labels), default=0) + 2) * COLUMN_PX
    every = max(1, math.ceil(label_px * len(labels) / plot_w))  # skip labels that would overlap
    parts += [_text(x(i), top + plot_h + 22, label, "middle")  # below the y axis's lowest figure
              for i, label in enumerate(labels) if i % every == 0]
    for n, (name, points) in enumerate(series.items()):
        color = PALETTE[n % len(PALETTE)]
        coords = " ".join(f"{x(i):.1f},{y(float(v)):.1f}" for i, v in enumerate(points))
        parts.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{coords}"/>')
        parts += [f'<circle cx="{x(i):.1f}" cy="{y(float(v)):.1f}" r="3" fill="{color}">'
                  f"<title>{escape(name)} {escape(labels[i])}: {escape(points_text(v))}</title></circle>"
                  for i, v in enumerate(points)]
        legend_y = top + n * 18
        parts.append(f'<rect x="{legend_x}" y="{legend_y}" width="12" height="12" fill="{color}"/>')
        parts.append(_text(legend_x + 18, legend_y + 10, name))
    return _svg(title, width, height, "".join(parts))


def _horizontal_bars(title: str, rows, domain: tuple[float, float], marker=None) -> str:
    """rows: (label, value or None, text shown after the bar, colour)."""
    label_w = max((display_width(label) for label, *_ in rows), default=0) * COLUMN_PX + 12
    value_w = max((display_width(text) for _, _, text, _ in rows), default=0) * COLUMN_PX + 12
    lo, hi = domain
    top = TITLE_PX + (18 if marker else 0)
    width, height = label_w + PLOT_PX + value_w, top + len(rows) * ROW_PX + 8

    def x(v: float) -> float:
        return label_w + (v - lo) / (hi - lo) * PLOT_PX

    zero = x(0.0)
    parts = [f'<line x1="{zero:.1f}" y1="{top}" x2="{zero:.1f}" y2="{height - 4}" stroke="#999"/>']
    for i, (label, value, text, color) in enumerate(rows):
        row_y = top + i * ROW_PX
        parts.append(_text(label_w - 8, row_y + 16, label, "end"))
        end = zero if value is None else x(float(value))
        if value is not None:
            parts.append(f'<rect x="{min(zero, end):.1f}" y="{row_y + 4}" width="{abs(end - zero):.1f}" '
                         f'height="{BAR_PX}" fill="{color}"><title>{escape(label)}: {escape(text)}</title></rect>')
        parts.append(_text(width - 4, row_y + 16, text, "end"))  # a column of its own: no bar or line crosses it
    if marker:
        at, caption = marker
        mark = x(float(at))
        parts.append(f'<line x1="{mark:.1f}" y1="{top}" x2="{mark:.1f}" y2="{height - 4}" '
                     'stroke="#a40000" stroke-width="1.5" stroke-dasharray="5,3"/>')
        anchor = "start" if mark < label_w + PLOT_PX / 2 else "end"  # the caption stays inside the chart
        parts.append(_text(mark, TITLE_PX + 14, caption, anchor, fill="#a40000"))
    return _svg(title, width, height, "".join(parts))


def _domain(values: Sequence[Decimal]) -> tuple[float, float]:
    """From zero (or the lowest negative value) to the highest value; never an empty range."""
    lo = min([0.0, *map(float, values)])
    hi = max([0.0, *map(float, values)])
    return (lo, hi) if hi > lo else (lo, lo + 1.0)


def _nice_range(lo: float, hi: float) -> tuple[float, float, float]:
    """A y axis from min(0, lo) to a round number at or above hi, and its round step (about four)."""
    lo, hi = min(0.0, lo), max(0.0, hi)
    step = _nice_step((hi - lo) / 4 or 1.0)
    return math.floor(lo / step) * step, max(math.ceil(hi / step), 1) * step, step


def _nice_step(raw: float) -> float:
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)


def _axis_grid(left: float, plot_w: float, lo: float, hi: float, step: float, y) -> str:
    parts = []
    tick = lo
    while tick <= hi + step / 2:
        parts.append(f'<line x1="{left}" y1="{y(tick):.1f}" x2="{left + plot_w}" y2="{y(tick):.1f}" stroke="#ddd"/>')
        parts.append(_text(left - 6, y(tick) + 4, f"{tick:,.0f}" if step >= 1 else f"{tick:g}", "end"))
        tick += step
    return "".join(parts)


def _text(x: float, y: float, text: str, anchor: str = "start", fill: str = "#222") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{fill}">{escape(text)}</text>'


def _svg(title: str, width: float, height: float, body: str) -> str:
    width = max(width, display_width(title) * 8 + 8)  # the title is 14px: about 8px a column
    return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(title)}" '
            f'width="{width:.0f}" height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" {FONT}>'
            f"<title>{escape(title)}</title>"
            f'<text x="0" y="18" font-size="14" font-weight="bold" fill="#222">{escape(title)}</text>'
            f"{body}</svg>")
