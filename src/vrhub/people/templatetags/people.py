from django import template

register = template.Library()


@register.filter
def probability(value: float | None) -> str:
    """A match probability as people read it: never rounded up to a certain 100%."""
    if value is None:
        return "not scored"
    p = float(value) * 100
    if p >= 99.95:
        return "over 99.9%"
    if p < 0.1:
        return "under 0.1%"
    return f"{p:.1f}%"
