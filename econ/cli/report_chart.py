"""The report's cumulative-cost chart as inline SVG: staying on the teacher against distilling, month by
month.

Imports `econ.io.formats` only. Plain SVG (no script, no fonts fetched), so the same markup prints in the
HTML report and in its PDF. Sized in CSS pixels to fit an A4 page's text width.
"""

from __future__ import annotations

import html
import math

from econ.io.formats import usd

WIDTH, HEIGHT = 640, 250
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 40  # margins: money labels on the left, months below
TEACHER_COLOR = "#D55E00"  # Okabe–Ito vermillion, as the app's teacher
STUDENT_COLOR = "#0072B2"  # Okabe–Ito blue, as the app's student
TICKS = 4


def _nice_top(value: float) -> float:
    """The axis top: 1, 2 or 5 × a power of ten at or above `value`."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= value)


def _money(value: float) -> str:
    """An axis label: $0, $50.0k, $1.2M."""
    return "$0" if value == 0 else usd(value)


def _points(values: list[float], top: float, months: int) -> str:
    span_x, span_y = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    return " ".join(f"{LEFT + span_x * i / max(months, 1):.1f},{TOP + span_y * (1 - v / top):.1f}"
                    for i, v in enumerate(values))


def cumulative_svg(teacher_usd: list[float], student_usd: list[float], payback_months: float | None) -> str:
    """Cumulative cost of each path from month 0 (the student's starts at the upfront spend); payback
    marked."""
    months = len(teacher_usd) - 1
    top = _nice_top(max(max(teacher_usd), max(student_usd)))
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
             f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="11" role="img" '
             'aria-label="Cumulative cost: stay on the teacher vs distil">']
    for k in range(TICKS + 1):
        y = TOP + (HEIGHT - TOP - BOTTOM) * (1 - k / TICKS)
        parts.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="#e0e0e0"/>'
                     f'<text x="{LEFT - 6}" y="{y + 4:.1f}" '
                     f'text-anchor="end">{html.escape(_money(top * k / TICKS))}</text>')
    for m in range(0, months + 1, max(1, months // 6)):
        x = LEFT + (WIDTH - LEFT - RIGHT) * m / max(months, 1)
        parts.append(f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle">{m}</text>')
    parts.append(f'<text x="{(LEFT + WIDTH - RIGHT) / 2}" y="{HEIGHT - 6}" text-anchor="middle">month</text>')
    for values, color, name in ((teacher_usd, TEACHER_COLOR, "stay on the teacher"),
                                (student_usd, STUDENT_COLOR, "distil (upfront included)")):
        parts.append(f'<polyline fill="none" stroke="{color}" stroke-width="2.5" '
                     f'points="{_points(values, top, months)}"><title>{name}</title></polyline>')
    if payback_months is not None:
        x = LEFT + (WIDTH - LEFT - RIGHT) * payback_months / max(months, 1)
        parts.append(f'<line x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{HEIGHT - BOTTOM}" stroke="#555" '
                     f'stroke-dasharray="4 3"/><text x="{x + 4:.1f}" y="{TOP + 12}">payback '
                     f'{payback_months:.1f} months</text>')
    legend_y = TOP + 12
    for i, (color, name) in enumerate(((TEACHER_COLOR, "stay on the teacher"), (STUDENT_COLOR, "distil"))):
        y = legend_y + 16 * (i + 1)
        parts.append(f'<rect x="{LEFT + 10}" y="{y - 8}" width="14" height="4" fill="{color}"/>'
                     f'<text x="{LEFT + 30}" y="{y - 3}">{name}</text>')
    parts.append("</svg>")
    return "".join(parts)
