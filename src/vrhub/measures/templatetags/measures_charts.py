"""`{% svg_chart chart %}`: a chart drawn on the server (see `vrhub.measures.charts`)."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from vrhub.measures import charts

register = template.Library()


@register.simple_tag
def svg_chart(chart: charts.Chart) -> SafeString:
    return charts.render(chart)


@register.filter
def thousands(value: int | None) -> str:
    """12345 -> "12,345"; a missing figure is "No data", never 0."""
    if value is None:
        return "No data"
    return f"{value:,}"


@register.filter
def change_words(pct: float | None) -> str:
    """-42.0 -> "Down 42%", 3.25 -> "Up 3.3%", 0 -> "No change"."""
    if pct is None:
        return "No data"
    if round(pct, 1) == 0:
        return "No change"
    size = abs(pct)
    shown = f"{size:.1f}" if size < 10 else f"{size:.0f}"
    return f"{'Up' if pct > 0 else 'Down'} {shown.removesuffix('.0')}%"


@register.filter
def pounds(value: float | None) -> str:
    if value is None:
        return "No data"
    return f"£{value:,.0f}"
