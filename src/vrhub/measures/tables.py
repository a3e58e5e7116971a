"""The tables beside the charts, shown on the page and downloaded as CSV from the same rows.

A missing figure is "No data" on the page and in the file, never a zero: a month without data
is not a month without crime. Numbers go into the CSV as numbers a spreadsheet can add up; text
goes through `safe_cell`, so a spreadsheet never runs a cell as a formula.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from django.http import HttpResponse
from django.utils.text import slugify

from vrhub.core.spreadsheets import safe_cell

NO_DATA = "No data"


class Kind(StrEnum):
    TEXT = "text"
    COUNT = "count"
    PERCENT = "percent"  # a value in percent: 42.0 is 42%
    CHANGE = "change"  # a percentage change, shown with its sign
    MONEY = "money"  # pounds
    NUMBER = "number"


@dataclass(frozen=True)
class Column:
    heading: str
    kind: Kind = Kind.TEXT
    places: int = 1  # decimal places of a percentage, change or number

    @property
    def numeric(self) -> bool:
        return self.kind != Kind.TEXT

    @property
    def csv_heading(self) -> str:
        if self.kind in (Kind.PERCENT, Kind.CHANGE):
            return f"{self.heading} (%)"
        if self.kind == Kind.MONEY:
            return f"{self.heading} (£)"
        return self.heading

    def shown(self, value: object) -> str:
        if value is None:
            # A missing number is a gap in the data; missing text (no source given) is blank.
            return NO_DATA if self.numeric else ""
        if self.kind == Kind.TEXT or isinstance(value, str):
            return str(value)
        number = float(value)  # type: ignore[arg-type]
        if self.kind == Kind.COUNT or isinstance(value, int):
            return f"{round(number):,}"
        if self.kind == Kind.PERCENT:
            return f"{number:,.{self.places}f}%"
        if self.kind == Kind.CHANGE:
            return f"{number:+,.{self.places}f}%".replace("-", "\u2212")
        if self.kind == Kind.MONEY:
            return f"£{number:,.0f}" if abs(number) >= 100 else f"£{number:,.2f}"
        return f"{number:,.{self.places}f}"

    def written(self, value: object) -> object:
        if value is None:
            return NO_DATA if self.numeric else ""
        if self.kind == Kind.TEXT or isinstance(value, str):
            return safe_cell(value)
        number = float(value)  # type: ignore[arg-type]
        if self.kind == Kind.COUNT or isinstance(value, int):
            return round(number)
        if self.kind == Kind.MONEY:
            return round(number, 2)
        return round(number, max(self.places, 1) + 2)


@dataclass(frozen=True)
class Table:
    slug: str  # the table's name in its download: `?download=<slug>`
    caption: str
    columns: Sequence[Column]
    rows: Sequence[Sequence[object]] = field(default_factory=list)
    empty: str = "No data for this choice."

    def shown_rows(self) -> list[list[tuple[str, bool]]]:
        """Each cell as the page shows it, with whether it is a number (aligned right)."""
        return [
            [
                (column.shown(value), column.numeric)
                for column, value in zip(self.columns, row, strict=True)
            ]
            for row in self.rows
        ]

    def csv_response(self, name: str) -> HttpResponse:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        filename = slugify(f"{name} {self.slug}") or self.slug
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        writer = csv.writer(response)
        writer.writerow([safe_cell(c.csv_heading) for c in self.columns])
        writer.writerows(
            [column.written(value) for column, value in zip(self.columns, row, strict=True)]
            for row in self.rows
        )
        return response


def find(tables: Sequence[Table], slug: str) -> Table | None:
    return next((t for t in tables if t.slug == slug), None)
