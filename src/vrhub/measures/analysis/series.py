"""A measure's count for an area, month by month, with months the data does not cover as gaps.

A month counts for an area only when every force (police sources) or emergency department site
(ISTV) serving the area has data for it: a month one of them lacks is a gap (None), never zero,
because a missing force-month would otherwise read as a fall in crime. The months run from the
first to the last month the measure's source covers anywhere, so areas line up with each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb

from vrhub.measures.analysis.areas import PARTNERSHIP, Area, forces, la_codes
from vrhub.measures.catalogue import MEASURES, Measure, Source


@dataclass(frozen=True)
class MonthCount:
    month: date  # first day of the month
    count: int | None  # None: no data for the month (a gap)


@dataclass(frozen=True)
class CountScope:
    """Where an area's counts and coverage are found for one source."""

    level: str  # the `counts` level to read
    area_codes: list[str]  # the `counts` area codes to add up
    partitions: list[str]  # the forces or sites whose coverage every month needs


def measure_for(measure: str | Measure) -> Measure:
    if isinstance(measure, Measure):
        return measure
    try:
        return MEASURES[measure]
    except KeyError:
        raise ValueError(f"Unknown measure {measure!r}") from None


def count_scope(con: duckdb.DuckDBPyConnection, source: Source, area: Area) -> CountScope:
    if source == Source.ISTV:
        # ED attendances are placed by the site's local authority only, so an area smaller
        # than a local authority has no ED figures at all.
        las = la_codes(con, area)
        sites = [
            r[0]
            for r in con.execute(
                "select site_code from ed_site where list_contains(?::varchar[], la_code) "
                "order by site_code",
                [las],
            ).fetchall()
        ]
        return CountScope("la", las, sites)
    if area.level == PARTNERSHIP:
        return CountScope("la", la_codes(con, area), forces(con, area))
    return CountScope(area.level, [area.code], forces(con, area))


_SERIES_SQL = """
with span as (
    select min(month) as first_month, max(month) as last_month
    from coverage where source = $source
), months as (
    select cast(unnest(generate_series(first_month, last_month, interval 1 month)) as date)
        as month
    from span where first_month is not null
), covered as (
    select month, count(distinct partition) as partitions
    from coverage
    where source = $source and list_contains($partitions::varchar[], partition)
    group by month
), totals as (
    select month, sum(n) as n
    from counts
    where source = $source and measure = $measure and level = $level
        and list_contains($area_codes::varchar[], area_code)
        and (not $under_25 or under_25)
    group by month
)
select m.month,
    case when c.partitions = $needed then coalesce(t.n, 0) end as n
from months m
left join covered c using (month)
left join totals t using (month)
order by m.month
"""


def series_params(scope: CountScope, measure: Measure, under_25: bool) -> dict[str, Any]:
    return {
        "source": measure.source.value,
        "measure": measure.key,
        "level": scope.level,
        "area_codes": scope.area_codes,
        "partitions": scope.partitions,
        # An area with no forces or sites at all never has a covered month.
        "needed": len(scope.partitions) or -1,
        "under_25": under_25,
    }


def monthly_series(
    con: duckdb.DuckDBPyConnection, *, measure: str, area: Area, under_25: bool = False
) -> list[MonthCount]:
    """One row per month of the measure's source, None where the area's data is missing.

    `under_25=True` counts victims or patients known to be under 25; for a measure whose source
    holds no age (police.uk) every month is None, since the figure does not exist.
    """
    m = measure_for(measure)
    scope = count_scope(con, m.source, area)
    rows = con.execute(_SERIES_SQL, series_params(scope, m, under_25)).fetchall()
    if under_25 and not m.has_age:
        return [MonthCount(month, None) for month, _ in rows]
    return [MonthCount(month, None if n is None else int(n)) for month, n in rows]
