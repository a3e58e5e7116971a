"""What violence costs: each measure's count times its unit cost, brought to a chosen year's
prices with GDP deflators, as practitioners do with the Home Office's Economic and social costs
of crime:

    cost in year Y = cost at base prices x deflator(Y) / deflator(base year)

Unit costs and deflators are tables the user loads and replaces, never constants here. A
figure that cannot be worked out (no unit cost, no deflator for a year, a month with no data)
leaves the line's total empty with a `problem` saying what is missing: a missing figure must
never read as a cost of zero.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import duckdb

from vrhub.measures.analysis.areas import Area
from vrhub.measures.analysis.periods import add_months, lower_first, month_name
from vrhub.measures.analysis.series import MonthCount, measure_for, monthly_series

FINANCIAL_YEAR = re.compile(r"^\d{4}-\d{2}$")


@dataclass(frozen=True)
class CostLine:
    measure: str  # catalogue key
    measure_name: str
    count: int | None  # None: some month of the period has no data
    unit_cost: float | None  # at its own price year, in pounds
    unit_price_year: str | None  # e.g. "2015-16"
    offence_group: str | None  # the cost of crime category applied
    unit_cost_source: str | None
    price_year: str  # the year the costs are shown in, e.g. "2024-25"
    deflator_base: float | None  # GDP deflator index for unit_price_year
    deflator_target: float | None  # and for price_year
    deflator_source: str | None
    inflated_unit_cost: float | None  # unit cost at price_year prices
    total: float | None  # count x inflated unit cost
    problem: str | None = None  # what is missing, in words, when total is None


def total_cost(lines: Sequence[CostLine]) -> float | None:
    """The sum of the lines' totals, or None if any line has none (a partial sum would be
    mistaken for the whole)."""
    if not lines or any(line.total is None for line in lines):
        return None
    return sum(line.total or 0.0 for line in lines)


def _months(first: date, last: date) -> list[date]:
    months = []
    month = first.replace(day=1)
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months


def _gap_problem(missing: list[date]) -> str:
    shown = ", ".join(month_name(m) for m in missing[:3])
    more = f" and {len(missing) - 3} other months" if len(missing) > 3 else ""
    months = "month" if len(missing) == 1 else "months"
    return f"There is no data for {len(missing)} {months} of the period ({shown}{more})."


def cost_of(
    con: duckdb.DuckDBPyConnection,
    *,
    measures: Sequence[str],
    area: Area,
    start: date,
    end: date,
    price_year: str,
) -> list[CostLine]:
    """One line per measure: its count from `start` to `end` (months inclusive) in the area,
    times its unit cost at `price_year` prices (a financial year such as "2024-25")."""
    if not FINANCIAL_YEAR.match(price_year):
        raise ValueError(f"Price year {price_year!r} must be a financial year like 2024-25")
    keys = [measure_for(m).key for m in measures]
    unit_costs = {
        row[0]: row[1:]
        for row in con.execute(
            "select measure, offence_group, cost_gbp, price_year, source from unit_cost "
            "where list_contains(?::varchar[], measure)",
            [keys],
        ).fetchall()
    }
    deflators = {
        row[0]: (float(row[1]), row[2])
        for row in con.execute(
            "select financial_year, index_value, source from deflator"
        ).fetchall()
    }
    first = start.replace(day=1)
    lines = []
    for key in keys:
        m = measure_for(key)
        known = {mc.month: mc.count for mc in monthly_series(con, measure=key, area=area)}
        # Every month of the period, not only those the series holds: a period running past a
        # source's last month (or before its first) is incomplete, not smaller.
        in_period = [MonthCount(month, known.get(month)) for month in _months(first, end) if known]
        missing = [mc.month for mc in in_period if mc.count is None]
        count = None if missing or not in_period else sum(mc.count or 0 for mc in in_period)
        problems = []
        if not in_period:
            problems.append(f"There is no {lower_first(m.name)} data for this period.")
        elif missing:
            problems.append(_gap_problem(missing))

        offence_group = unit_cost = base_year = cost_source = None
        if key in unit_costs:
            offence_group, cost, base_year, cost_source = unit_costs[key]
            unit_cost = float(cost)
        else:
            problems.append(
                f"There is no unit cost for {lower_first(m.name)}: add one to the unit costs table."
            )
        base = deflators.get(base_year) if base_year else None
        target = deflators.get(price_year)
        for year, found in ((base_year, base), (price_year, target)):
            if year and found is None:
                problems.append(
                    f"There is no GDP deflator for {year}: add it to the deflators table."
                )
        inflated = None
        if unit_cost is not None and base is not None and target is not None:
            inflated = unit_cost * target[0] / base[0]
        sources = sorted({d[1] for d in (base, target) if d is not None})
        lines.append(
            CostLine(
                measure=key,
                measure_name=m.name,
                count=count,
                unit_cost=unit_cost,
                unit_price_year=base_year,
                offence_group=offence_group,
                unit_cost_source=cost_source,
                price_year=price_year,
                deflator_base=base[0] if base else None,
                deflator_target=target[0] if target else None,
                deflator_source="; ".join(sources) or None,
                inflated_unit_cost=inflated,
                total=count * inflated if count is not None and inflated is not None else None,
                problem=" ".join(dict.fromkeys(problems)) or None,
            )
        )
    return lines
