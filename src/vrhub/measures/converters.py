from django.urls import register_converter


class MeasureKeyConverter:
    """A measure's key: `knife_crime`, or `street:robbery` for a police.uk crime type."""

    regex = "[a-z0-9_]+(?::[a-z0-9-]+)?"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(MeasureKeyConverter, "measure_key")
