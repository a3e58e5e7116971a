"""Charts drawn on the server as inline SVG: no script, no network, readable without sight.

Each chart is an image (`role="img"`) whose <title> names it and whose <desc> states its key
numbers in words; the table beside it on the page holds every number. Colours are presentation
attributes, not style attributes, because the Content-Security-Policy forbids inline styles.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

# GOV.UK Design System colours: blue, orange, black, dark grey, mid grey, light grey.
BLUE = "#1d70b8"
ORANGE = "#f47738"
BLACK = "#0b0c0c"
DARK_GREY = "#505a5f"
MID_GREY = "#b1b4b6"
LIGHT_GREY = "#f3f2f1"

WIDTH = 640
HEIGHT = 320
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 36, 64
FONT = mark_safe('font-family="arial, sans-serif"')
DASHED = mark_safe(' stroke-dasharray="6 4"')


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]  # None: no data for that point
    colour: str = BLUE
    dashed: bool = False


@dataclass(frozen=True)
class Chart:
    slug: str  # unique on the page: the ids of the title and description hang on it
    title: str
    description: str  # the text alternative: what the chart shows, with its key numbers
    x_label: str
    y_label: str
    series: Sequence[Series]
    # Category labels along the x axis, one per value; or, for an x-y line, the x values.
    labels: Sequence[str] = ()
    x_values: Sequence[float] | None = None
    kind: Literal["bar", "line"] = "bar"
    percent: bool = False  # values are fractions shown as percentages (both axes of an x-y line)


def _svg(template: str, *args: object) -> str:
    """Fill in an SVG fragment: numbers as they are (so they take format codes), text escaped."""
    return template.format(
        *(a if isinstance(a, int | float) else conditional_escape(str(a)) for a in args)
    )


def nice_ticks(low: float, high: float, *, count: int = 4, whole: bool = False) -> list[float]:
    """Round axis ticks spanning low..high (zero included), about `count` steps."""
    low, high = min(low, 0.0), max(high, 0.0)
    if high - low < 1e-9:
        # Nothing to scale (all zero, or rounding noise around it): show 0 to 1.
        low, high = 0.0, 1.0
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    if whole:
        step = max(1.0, round(step))
    first = math.floor(low / step) * step
    last = math.ceil(high / step) * step
    steps = round((last - first) / step)
    return [round(first + i * step, 10) for i in range(steps + 1)]


def format_value(value: float, *, percent: bool = False) -> str:
    if percent:
        return f"{value * 100:.0f}%"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}"


def _label_step(count: int, room: int = 12) -> int:
    """Label every nth category so the labels along the x axis never overlap."""
    return max(1, math.ceil(count / room))


def render(chart: Chart) -> SafeString:
    values = [v for s in chart.series for v in s.values if v is not None]
    whole = not chart.percent and all(float(v).is_integer() for v in values)
    top = max(values, default=0.0)
    if chart.percent:
        top = max(top, 1.0) if chart.x_values is not None else top
    ticks = nice_ticks(min(values, default=0.0), top, whole=whole)
    y_low, y_high = ticks[0], ticks[-1]
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM

    def y_at(value: float) -> float:
        return TOP + plot_h * (1 - (value - y_low) / (y_high - y_low))

    title_id, desc_id = f"chart-{chart.slug}-title", f"chart-{chart.slug}-desc"
    parts: list[str] = [
        _svg(
            '<svg class="measures-chart" viewBox="0 0 {} {}" role="img" '
            'aria-labelledby="{}" aria-describedby="{}" focusable="false" '
            'xmlns="http://www.w3.org/2000/svg">'
            '<title id="{}">{}</title><desc id="{}">{}</desc>',
            WIDTH,
            HEIGHT,
            title_id,
            desc_id,
            title_id,
            chart.title,
            desc_id,
            chart.description,
        ),
        _svg('<rect x="0" y="0" width="{}" height="{}" fill="#ffffff"/>', WIDTH, HEIGHT),
    ]
    # The y axis: gridlines with their values, and the axis name above them.
    for tick in ticks:
        y = y_at(tick)
        parts.append(
            _svg(
                '<line x1="{}" y1="{:.1f}" x2="{}" y2="{:.1f}" stroke="{}" stroke-width="1"/>'
                '<text x="{}" y="{:.1f}" text-anchor="end" font-size="13" fill="{}" {}>{}</text>',
                LEFT,
                y,
                WIDTH - RIGHT,
                y,
                BLACK if tick == 0 else MID_GREY,
                LEFT - 6,
                y + 4,
                DARK_GREY,
                FONT,
                format_value(tick, percent=chart.percent),
            )
        )
    parts.append(
        _svg(
            '<text x="{}" y="{}" font-size="14" fill="{}" {}>{}</text>',
            8,
            20,
            BLACK,
            FONT,
            chart.y_label,
        )
    )
    if chart.x_values is not None:
        parts.extend(_xy_lines(chart, y_at, plot_w))
    else:
        parts.extend(_categories(chart, y_at, plot_w, plot_h))
    parts.append(
        _svg(
            '<text x="{}" y="{}" text-anchor="middle" font-size="14" fill="{}" {}>{}</text>',
            LEFT + plot_w / 2,
            HEIGHT - 8,
            BLACK,
            FONT,
            chart.x_label,
        )
    )
    parts.extend(_legend(chart, has_gaps=any(None in s.values for s in chart.series)))
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece above is escaped


def _categories(
    chart: Chart, y_at: Callable[[float], float], plot_w: float, plot_h: float
) -> list[str]:
    count = max(len(chart.labels), max((len(s.values) for s in chart.series), default=0), 1)
    slot = plot_w / count
    parts: list[str] = []
    baseline = y_at(0.0)
    step = _label_step(count)
    for i in range(count):
        x = LEFT + i * slot
        if any(i < len(s.values) and s.values[i] is None for s in chart.series):
            # A gap is drawn as a pale band the full height of the plot, never as a zero.
            parts.append(
                _svg(
                    '<rect x="{:.1f}" y="{}" width="{:.1f}" height="{}" fill="{}">'
                    "<title>{}: no data</title></rect>",
                    x,
                    TOP,
                    slot,
                    plot_h,
                    LIGHT_GREY,
                    chart.labels[i] if i < len(chart.labels) else "",
                )
            )
        if i < len(chart.labels) and i % step == 0:
            parts.append(
                _svg(
                    '<text x="{:.1f}" y="{}" text-anchor="end" font-size="12" fill="{}" {} '
                    'transform="rotate(-35 {:.1f} {})">{}</text>',
                    x + slot / 2,
                    HEIGHT - BOTTOM + 16,
                    DARK_GREY,
                    FONT,
                    x + slot / 2,
                    HEIGHT - BOTTOM + 16,
                    chart.labels[i],
                )
            )
    if chart.kind == "bar":
        bars = len(chart.series) or 1
        width = slot * 0.8 / bars
        for b, series in enumerate(chart.series):
            for i, value in enumerate(series.values):
                if value is None:
                    continue
                y = y_at(float(value))
                label = chart.labels[i] if i < len(chart.labels) else ""
                parts.append(
                    _svg(
                        '<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}" fill="{}">'
                        "<title>{}: {}</title></rect>",
                        LEFT + i * slot + slot * 0.1 + b * width,
                        min(y, baseline),
                        width,
                        abs(baseline - y),
                        series.colour,
                        label,
                        format_value(float(value), percent=chart.percent),
                    )
                )
    else:
        for series in chart.series:
            points = [
                None if v is None else (LEFT + (i + 0.5) * slot, y_at(float(v)))
                for i, v in enumerate(series.values)
            ]
            parts.extend(_polyline(points, series))
    return parts


def _xy_lines(chart: Chart, y_at: Callable[[float], float], plot_w: float) -> list[str]:
    xs = list(chart.x_values or ())
    x_ticks = nice_ticks(min(xs, default=0.0), max(xs, default=1.0))
    x_low, x_high = x_ticks[0], x_ticks[-1]

    def x_at(value: float) -> float:
        return LEFT + plot_w * (value - x_low) / (x_high - x_low)

    parts = [
        _svg(
            '<text x="{:.1f}" y="{}" text-anchor="middle" font-size="12" fill="{}" {}>{}</text>',
            x_at(tick),
            HEIGHT - BOTTOM + 18,
            DARK_GREY,
            FONT,
            format_value(tick, percent=chart.percent),
        )
        for tick in x_ticks
    ]
    for series in chart.series:
        points = [
            None if v is None else (x_at(float(x)), y_at(float(v)))
            for x, v in zip(xs, series.values, strict=False)
        ]
        parts.extend(_polyline(points, series))
    return parts


def _polyline(points: Sequence[tuple[float, float] | None], series: Series) -> list[str]:
    """One line per unbroken run of points: a gap breaks the line rather than bridging it."""
    runs: list[list[tuple[float, float]]] = [[]]
    for point in points:
        if point is None:
            runs.append([])
        else:
            runs[-1].append(point)
    parts = []
    for run in runs:
        if len(run) == 1:
            x, y = run[0]
            parts.append(
                _svg('<circle cx="{:.1f}" cy="{:.1f}" r="3" fill="{}"/>', x, y, series.colour)
            )
        elif run:
            parts.append(
                _svg(
                    '<polyline points="{}" fill="none" stroke="{}" stroke-width="3"{}/>',
                    " ".join(f"{x:.1f},{y:.1f}" for x, y in run),
                    series.colour,
                    DASHED if series.dashed else "",
                )
            )
    return parts


def _legend(chart: Chart, *, has_gaps: bool) -> list[str]:
    keys: list[tuple[str, str]] = []
    if len(chart.series) > 1:
        keys = [(s.name, s.colour) for s in chart.series]
    if has_gaps and chart.x_values is None:
        keys.append(("No data", LIGHT_GREY))
    parts = []
    x = WIDTH - RIGHT
    # From the right, so the key never runs off the chart whatever the names' lengths.
    for name, colour in reversed(keys):
        text_width = 7 * len(name)
        x -= text_width
        parts.append(
            _svg(
                '<text x="{}" y="{}" font-size="13" fill="{}" {}>{}</text>',
                x,
                20,
                BLACK,
                FONT,
                name,
            )
        )
        x -= 18
        parts.append(
            _svg(
                '<rect x="{}" y="{}" width="14" height="14" fill="{}" stroke="{}"/>',
                x,
                9,
                colour,
                MID_GREY,
            )
        )
        x -= 16
    return parts


def describe_counts(labels: Sequence[str], values: Sequence[int | None]) -> str:
    """The key numbers of a count series in words: highest, lowest, latest, and the gaps."""
    known = [(label, v) for label, v in zip(labels, values, strict=False) if v is not None]
    gaps = len(values) - len(known)
    if not known:
        return f"No data for any of the {len(values)} periods shown."
    high = max(known, key=lambda lv: lv[1])
    low = min(known, key=lambda lv: lv[1])
    latest = known[-1]
    words = [
        f"{len(values)} period{'s' if len(values) != 1 else ''} from {labels[0]} to {labels[-1]}.",
        f"Highest: {high[1]:,} in {high[0]}.",
        f"Lowest: {low[1]:,} in {low[0]}.",
        f"Latest: {latest[1]:,} in {latest[0]}.",
    ]
    if gaps:
        words.append(f"No data for {gaps} period{'s' if gaps != 1 else ''}.")
    return " ".join(words)
