"""The area's population shares that the at-risk list is compared with: read from a CSV file
(columns dimension, category, percent, source) and replaced all at once.

A file with any bad row changes nothing: every row is checked first, and the report says what is
wrong with each, so the programme manager corrects the file and uploads it again.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction

from vrhub.accounts.models import User
from vrhub.audit.models import AuditAction
from vrhub.audit.services import record

from .at_risk_selectors import categories
from .models import PopulationDimension, PopulationShare

COLUMNS = ["dimension", "category", "percent", "source"]
MAX_BYTES = 100 * 1024
MAX_ROWS = 200
# Shares in one dimension may fall short of 100 (categories nobody uses) but not exceed it,
# beyond what rounding each share to 2 decimal places can add up to.
ROUNDING_ALLOWANCE = Decimal("0.5")
SOURCE_MAX_LENGTH = 200


class PopulationFileRefused(Exception):
    """The file as a whole cannot be read (not CSV, wrong columns, empty)."""


@dataclass(frozen=True)
class ShareRow:
    dimension: str
    category: str
    percent: Decimal
    source: str


@dataclass
class CheckedRow:
    number: int  # as a spreadsheet numbers it: the header is row 1
    cells: dict[str, str]
    errors: list[str] = field(default_factory=list)
    share: ShareRow | None = None


@dataclass
class CheckedFile:
    rows: list[CheckedRow]
    problems: list[str] = field(default_factory=list)  # about the file as a whole

    @property
    def good(self) -> bool:
        return not self.problems and all(not row.errors for row in self.rows)

    @property
    def shares(self) -> list[ShareRow]:
        return [row.share for row in self.rows if row.share is not None]


def _dimension_codes() -> str:
    return ", ".join(d.value for d in PopulationDimension)


def read(raw: bytes) -> list[tuple[int, dict[str, str]]]:
    """The file's rows by spreadsheet row number, cells by column. Raises PopulationFileRefused
    with a sentence for the error summary."""
    if len(raw) > MAX_BYTES:
        raise PopulationFileRefused("The selected file must be smaller than 100 KB")
    if b"\x00" in raw:
        raise PopulationFileRefused("The selected file must be a CSV")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PopulationFileRefused(
            "The selected file must be saved as UTF-8: in Excel, save it as 'CSV UTF-8'"
        ) from None
    try:
        lines = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error:
        raise PopulationFileRefused("The selected file must be a CSV") from None
    first = next((i for i, cells in enumerate(lines) if any(c.strip() for c in cells)), None)
    if first is None:
        raise PopulationFileRefused("The selected file is empty")
    header = [name.strip().lower() for name in lines[first]]
    while header and not header[-1]:
        header.pop()
    if sorted(header) != sorted(COLUMNS):
        raise PopulationFileRefused(
            "The selected file must have a header row with the columns "
            "dimension, category, percent and source"
        )
    rows = []
    for number, cells in enumerate(lines[first + 1 :], start=first + 2):
        if not any(cell.strip() for cell in cells):
            continue
        named = {name: cell.strip() for name, cell in zip(header, cells, strict=False)}
        if any(cell.strip() for cell in cells[len(header) :]):
            named["__extra__"] = "yes"
        rows.append((number, named))
    if not rows:
        raise PopulationFileRefused("The selected file has no shares in it: one on each row")
    if len(rows) > MAX_ROWS:
        raise PopulationFileRefused(f"The selected file must have {MAX_ROWS} rows or fewer")
    return rows


def _check_row(number: int, cells: dict[str, str]) -> CheckedRow:
    row = CheckedRow(number=number, cells=cells)
    if cells.get("__extra__"):
        row.errors.append("This row has more cells than the header row has columns")
    dimension = cells.get("dimension", "").lower()
    category = cells.get("category", "")
    if dimension not in PopulationDimension.values:
        row.errors.append(f"Dimension must be {_dimension_codes()}")
    else:
        codes = [code for code, _ in categories(dimension)]
        if category not in codes:
            if dimension == PopulationDimension.AGE_BAND:
                row.errors.append(f"Age band must be one of {', '.join(codes)}")
            elif dimension == PopulationDimension.SEX:
                row.errors.append(f"Sex must be {' or '.join(codes)}")
            else:
                row.errors.append(
                    "Ethnic group must be one of the 2021 census codes, like white_british"
                )
    percent_text = cells.get("percent", "").rstrip("%").strip()
    percent: Decimal | None = None
    try:
        percent = Decimal(percent_text)
    except InvalidOperation:
        row.errors.append("Percent must be a number from 0 to 100, like 12.5")
    if percent is not None:
        if not percent.is_finite() or not Decimal(0) <= percent <= Decimal(100):
            row.errors.append("Percent must be a number from 0 to 100, like 12.5")
            percent = None
        elif percent.as_tuple().exponent < -2:  # type: ignore[operator]
            row.errors.append("Percent must have 2 decimal places or fewer")
            percent = None
    source = cells.get("source", "")
    if not source:
        row.errors.append("Enter the source of the figure, like ONS Census 2021")
    elif len(source) > SOURCE_MAX_LENGTH:
        row.errors.append(f"Source must be {SOURCE_MAX_LENGTH} characters or fewer")
    if not row.errors and percent is not None:
        row.share = ShareRow(dimension, category, percent, source)
    return row


def check(rows: list[tuple[int, dict[str, str]]]) -> CheckedFile:
    """Check every row, then the file as a whole (each category once; no dimension over 100%)."""
    checked = CheckedFile(rows=[_check_row(number, cells) for number, cells in rows])
    first_row: dict[tuple[str, str], int] = {}
    for row in checked.rows:
        if row.share is None:
            continue
        key = (row.share.dimension, row.share.category)
        if key in first_row:
            row.errors.append(f"This category is already on row {first_row[key]}")
            row.share = None
        else:
            first_row[key] = row.number
    for dimension in PopulationDimension:
        total = sum(
            (s.percent for s in checked.shares if s.dimension == dimension.value), Decimal(0)
        )
        if total > 100 + ROUNDING_ALLOWANCE:
            checked.problems.append(
                f"The {dimension.value} shares add up to {total}%: they must add up to 100% or less"
            )
    return checked


def population_shares_replace(*, actor: User, shares: list[ShareRow]) -> int:
    """Replace the whole population table with these shares, in one transaction."""
    with transaction.atomic(durable=True):
        replaced = PopulationShare.objects.count()
        PopulationShare.objects.all().delete()
        PopulationShare.objects.bulk_create(
            PopulationShare(
                dimension=s.dimension, category=s.category, percent=s.percent, source=s.source
            )
            for s in shares
        )
        record(
            action=AuditAction.POPULATION_SHARES_REPLACED,
            actor=actor,
            target_type="population_shares",
            detail={"rows": len(shares), "replaced": replaced},
        )
    return len(shares)
