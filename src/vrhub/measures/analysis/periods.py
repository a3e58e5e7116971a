"""Monthly counts added up into quarters, financial years and rolling years, with the change
against the period before and the same period a year before, and the plain-English statement
scrutiny members read ("Since April 2025, police-recorded knife crime is down 42%: ...").

A period holding any month without data has no count: adding up the months that do have data
would show a fall that is only missing data. Periods cut short by the first or last month of the
series are left out for the same reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from vrhub.measures.analysis.series import MonthCount, measure_for
from vrhub.measures.catalogue import Measure

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

# Below this in both periods compared, a percentage change says more about chance than crime.
SMALL_NUMBER = 10


class Granularity(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    FINANCIAL_YEAR = "financial_year"
    ROLLING_12 = "rolling_12"

    @property
    def label(self) -> str:
        return {
            "month": "Month",
            "quarter": "Quarter",
            "financial_year": "Financial year",
            "rolling_12": "Rolling 12 months",
        }[self.value]


@dataclass(frozen=True)
class PeriodCount:
    label: str  # "April 2025", "Jan to Mar 2025", "2024-25", "Year ending March 2025"
    start: date  # first day of the period
    end: date  # last day of the period
    count: int | None  # None: some month in the period has no data
    complete: bool  # every month of the period has data


@dataclass(frozen=True)
class Change:
    current: PeriodCount
    previous: PeriodCount | None
    year_before: PeriodCount | None
    pct_vs_previous: float | None  # percent, e.g. -42.0; None when it cannot be worked out
    pct_vs_year_before: float | None


def add_months(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def month_end(month: date) -> date:
    return add_months(month, 1) - timedelta(days=1)


def month_name(month: date) -> str:
    return f"{MONTHS[month.month - 1]} {month.year}"


def financial_year_label(start_year: int) -> str:
    return f"{start_year}-{(start_year + 1) % 100:02d}"


def financial_year_start(month: date) -> date:
    return date(month.year if month.month >= 4 else month.year - 1, 4, 1)


def _period(label: str, months: list[date], counts: dict[date, int | None]) -> PeriodCount:
    values = [counts[m] for m in months]
    complete = all(v is not None for v in values)
    return PeriodCount(
        label=label,
        start=months[0],
        end=month_end(months[-1]),
        count=sum(v for v in values if v is not None) if complete else None,
        complete=complete,
    )


def periodise(series: Sequence[MonthCount], granularity: Granularity) -> list[PeriodCount]:
    """The series added up by period, oldest first."""
    counts = {mc.month.replace(day=1): mc.count for mc in series}
    if not counts:
        return []
    first, last = min(counts), max(counts)
    months = [first]
    while months[-1] < last:
        months.append(add_months(months[-1], 1))
    for m in months:
        counts.setdefault(m, None)

    if granularity == Granularity.MONTH:
        return [_period(month_name(m), [m], counts) for m in months]

    if granularity == Granularity.ROLLING_12:
        return [
            _period(f"Year ending {month_name(m)}", months[i - 11 : i + 1], counts)
            for i, m in enumerate(months)
            if i >= 11
        ]

    if granularity == Granularity.QUARTER:
        starts = [m for m in months if m.month in (1, 4, 7, 10)]
        length = 3
    else:
        starts = [m for m in months if m.month == 4]
        length = 12
    periods = []
    for start in starts:
        span = [add_months(start, k) for k in range(length)]
        if span[-1] > last:
            break
        if granularity == Granularity.QUARTER:
            label = (
                f"{MONTHS[start.month - 1][:3]} to {MONTHS[span[-1].month - 1][:3]} {start.year}"
            )
        else:
            label = financial_year_label(start.year)
        periods.append(_period(label, span, counts))
    return periods


def percent_change(current: int | None, base: int | None) -> float | None:
    if current is None or base is None or base == 0:
        return None
    return (current - base) / base * 100


def latest_change(periods: Sequence[PeriodCount]) -> Change | None:
    """The last period against the one before it and the one starting a year earlier."""
    if not periods:
        return None
    current = periods[-1]
    previous = periods[-2] if len(periods) > 1 else None
    year_start = add_months(current.start, -12)
    year_before = next((p for p in reversed(periods) if p.start == year_start), None)
    return Change(
        current=current,
        previous=previous,
        year_before=year_before,
        pct_vs_previous=percent_change(current.count, previous.count if previous else None),
        pct_vs_year_before=percent_change(
            current.count, year_before.count if year_before else None
        ),
    )


# What one of a measure counts, for the statement's figures.
_UNITS: dict[str, tuple[str, str]] = {
    "homicide": ("homicide", "homicides"),
    "knife_crime": ("offence", "offences"),
    "ed_sharp_injury": ("presentation", "presentations"),
    "street:anti-social-behaviour": ("incident", "incidents"),
}


def _units(measure: Measure) -> tuple[str, str]:
    return _UNITS.get(measure.key, ("crime", "crimes"))


def _number(n: int, measure: Measure) -> str:
    one, many = _units(measure)
    return f"{n:,} {one if n == 1 else many}"


def lower_first(text: str) -> str:
    """'Homicides' -> 'homicides', leaving 'A&E presentations' as it is."""
    return text if text[:2].isupper() else text[:1].lower() + text[1:]


def is_plural(name: str) -> bool:
    """Whether a measure's name takes a plural verb: "homicides are", "knife crime is"."""
    head = name.split(" (")[0]
    return head.endswith("s") and not head.lower().startswith("possession of")


def _subject(measure: Measure) -> tuple[str, str]:
    """The measure's name as the subject of a sentence, with its verb."""
    return lower_first(measure.name), "are" if is_plural(measure.name) else "is"


def _capitalise(text: str) -> str:
    return text[0].upper() + text[1:]


def format_percent(pct: float) -> str:
    """42 -> '42%', 6.54 -> '6.5%', 0.3 -> 'less than 1%'."""
    size = abs(pct)
    if size < 1:
        return "less than 1%"
    places = Decimal("0.1") if size < 10 else Decimal("1")
    text = str(Decimal(str(size)).quantize(places, rounding=ROUND_HALF_UP))
    if text.endswith(".0"):
        text = text[:-2]
    return f"{text}%"


def _span_words(first: date, last: date) -> str:
    """'April to October 2025', 'April 2025 to February 2026', 'April 2025'."""
    if first == last:
        return month_name(first)
    if first.year == last.year:
        return f"{MONTHS[first.month - 1]} to {month_name(last)}"
    return f"{month_name(first)} to {month_name(last)}"


def _list_words(items: Sequence[str]) -> str:
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


def change_statement(measure: Measure | str, series: Sequence[MonthCount]) -> str:
    """The financial year so far against the same months a year before, in words, e.g.

    "Since April 2025, police-recorded knife crime is down 42%: 58 offences from April to
    October 2025, against 100 in the same months of 2024."

    The latest month is the last one with data. The statement says so instead of giving a
    percentage when a month in either span has no data, when the series does not go back a
    year, or when both counts are below 10.
    """
    measure = measure_for(measure)
    name, verb = _subject(measure)
    counts = {mc.month.replace(day=1): mc.count for mc in series}
    known = [m for m, c in counts.items() if c is not None]
    if not known:
        return f"There is no data for {name} yet."
    last = max(known)
    first = max(financial_year_start(last), min(counts))
    months = []
    m = first
    while m <= last:
        months.append(m)
        m = add_months(m, 1)
    earlier = [add_months(m, -12) for m in months]
    span = _span_words(first, last)
    if earlier[0] < min(counts):
        return (
            f"{_capitalise(name)} in {span} cannot be compared with a year before: "
            f"the data starts in {month_name(min(counts))}."
        )
    missing = [m for m in (*earlier, *months) if counts.get(m) is None]
    if missing:
        shown = [month_name(m) for m in missing[:3]]
        if len(missing) > 3:
            shown.append(f"{len(missing) - 3} other months")
        return (
            f"{_capitalise(name)} in {span} cannot be compared with the same months a year "
            f"before: there is no data for {_list_words(shown)}."
        )
    now = sum(counts[m] or 0 for m in months)
    then = sum(counts[m] or 0 for m in earlier)
    if first == last:
        opening = f"In {span}"
        figures = f"{_number(now, measure)} in {span}, against {then:,} in {month_name(earlier[0])}"
    else:
        opening = f"Since {month_name(first)}"
        if earlier[0].year == earlier[-1].year:
            same = f"the same months of {earlier[0].year}"
        else:
            same = "the same months a year before"
        figures = f"{_number(now, measure)} from {span}, against {then:,} in {same}"
    if now < SMALL_NUMBER and then < SMALL_NUMBER:
        return f"Numbers are too small to compare for {name}: {figures}."
    if now == then:
        return f"{opening}, there is no change in {name}: {figures}."
    if then == 0:
        return f"{opening}, {name} {verb} up from none: {figures}."
    pct = (now - then) / then * 100
    direction = "up" if now > then else "down"
    return f"{opening}, {name} {verb} {direction} {format_percent(pct)}: {figures}."
