"""Writing CSV that people open in spreadsheets."""

from __future__ import annotations


def safe_cell(value: object) -> str:
    """A CSV cell a spreadsheet will show, never run as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
