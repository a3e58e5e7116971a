"""What each measures page and API answer reads: the analysis functions called for the choices
made, with their charts and tables built from the same numbers.

Views stay thin: they parse a form, call one function here with an open store cursor, and
render what it returns (or write one of its tables as CSV).
"""

from __future__ import annotations

import calendar
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

import duckdb
import h3
import numpy as np
from django.db.models import QuerySet
from django.utils import timezone

from .analysis.areas import Area, force_name, forces, la_codes, lsoa_filter, partnership
from .analysis.concentration import Concentration, concentration, place_counts
from .analysis.cost import CostLine, cost_of
from .analysis.hotspots import (
    CATEGORIES,
    COLD_90,
    COLD_95,
    COLD_99,
    HOT_90,
    HOT_95,
    HOT_99,
    NOT_SIGNIFICANT,
    HotSpot,
    Stability,
    hot_spots,
    stability,
    to_geojson,
)
from .analysis.periods import (
    Change,
    Granularity,
    PeriodCount,
    add_months,
    change_statement,
    financial_year_label,
    financial_year_start,
    latest_change,
    lower_first,
    month_end,
    month_name,
    percent_change,
    periodise,
)
from .analysis.seasonality import Profile, seasonal_profile
from .analysis.series import MonthCount, monthly_series
from .catalogue import (
    CORE_MEASURES,
    MEASURES,
    WEAPON_RELATED_STREET_MEASURES,
    Measure,
    Source,
)
from .charts import BLUE, DARK_GREY, ORANGE, Chart, Series, describe_counts
from .ingest.formats import FORMATS, DataFormat
from .models import ImportKind, ImportProblem, ImportRun, ImportStatus
from .tables import Column, Kind, Table

# Imports.

COVERAGE_MONTHS = 36

SOURCE_TITLES = {
    Source.POLICE_UK: "police.uk street-level crime, by force",
    Source.FORCE_EXTRACT: "Force extracts of recorded offences, by force",
    Source.ISTV: "Emergency department assaults (ISTV), by site",
}
SOURCE_KINDS = {
    Source.POLICE_UK: ImportKind.POLICE_UK,
    Source.FORCE_EXTRACT: ImportKind.FORCE_EXTRACT,
    Source.ISTV: ImportKind.ISTV,
}


def import_runs() -> QuerySet[ImportRun]:
    return ImportRun.objects.select_related("started_by").order_by("-created_at", "-id")


def import_problems(run: ImportRun) -> QuerySet[ImportProblem]:
    return ImportProblem.objects.filter(run=run).order_by("id")


@dataclass(frozen=True)
class CoverageCell:
    rows: int | None  # None: no data for this month

    @property
    def gap(self) -> bool:
        return self.rows is None


@dataclass(frozen=True)
class CoverageGrid:
    source: Source
    title: str
    kind: ImportKind
    # One row per force (or site) and year, January to December; None outside the 36 months.
    rows: list[tuple[str, int, list[CoverageCell | None]]]
    partitions: int = 0
    gaps: int = 0
    # Nothing of this source has ever been imported.
    empty: bool = False

    @property
    def slug(self) -> str:
        return f"coverage-{self.source.value.replace('_', '-')}"

    @property
    def unit(self) -> str:
        return "site" if self.source == Source.ISTV else "force"


def coverage_grids(con: duckdb.DuckDBPyConnection, *, today: date) -> list[CoverageGrid]:
    """For each source, which months each force or site has data for, over the last 36 months,
    laid out as a calendar: a row per force (or site) and year, a column per month.

    The partnership's own forces and sites are always shown, so one that has never been
    imported shows as a row of gaps rather than not at all.
    """
    last = today.replace(day=1)
    first = add_months(last, -(COVERAGE_MONTHS - 1))
    area = partnership()
    expected: dict[Source, set[str]] = {
        Source.POLICE_UK: set(forces(con, area)),
        Source.FORCE_EXTRACT: set(forces(con, area)),
        Source.ISTV: {
            r[0]
            for r in con.execute(
                "select site_code from ed_site where list_contains(?::varchar[], la_code)",
                [la_codes(con, area)],
            ).fetchall()
        },
    }
    site_names = dict(con.execute("select site_code, site_name from ed_site").fetchall())
    loaded: dict[tuple[str, str, date], int] = {
        (source, partition, month): int(rows)
        for source, partition, month, rows in con.execute(
            "select source, partition, month, rows_loaded from coverage "
            "where month between ? and ?",
            [first, last],
        ).fetchall()
    }
    # Months after a source's latest are not published yet, or not imported yet: they show as
    # no data but are not counted as gaps.
    latest: dict[str, date] = dict(
        con.execute("select source, max(month) from coverage group by source").fetchall()
    )
    grids = []
    for source in Source:
        codes = expected[source] | {p for s, p, _ in loaded if s == source.value}
        gaps = 0
        names = sorted(
            (site_names.get(code, code) if source == Source.ISTV else force_name(code), code)
            for code in codes
        )
        rows: list[tuple[str, int, list[CoverageCell | None]]] = []
        for name, code in names:
            for year in range(first.year, last.year + 1):
                cells: list[CoverageCell | None] = []
                for month_number in range(1, 13):
                    month = date(year, month_number, 1)
                    in_window = first <= month <= last
                    if (
                        in_window
                        and (source.value, code, month) not in loaded
                        and source.value in latest
                        and month <= latest[source.value]
                    ):
                        gaps += 1
                    cells.append(
                        CoverageCell(loaded.get((source.value, code, month))) if in_window else None
                    )
                rows.append((name, year, cells))
        grids.append(
            CoverageGrid(
                source=source,
                title=SOURCE_TITLES[source],
                kind=SOURCE_KINDS[source],
                rows=rows,
                partitions=len(names),
                gaps=gaps,
                empty=source.value not in latest,
            )
        )
    return grids


def force_choices(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    return [
        (slug, force_name(slug))
        for (slug,) in con.execute("select distinct force from area order by force").fetchall()
    ]


@dataclass(frozen=True)
class ImportReport:
    run: ImportRun
    notes: list[tuple[str, int]] = field(default_factory=list)
    partitions: list[dict[str, object]] = field(default_factory=list)
    rejected: list[ImportProblem] = field(default_factory=list)
    rejected_total: int = 0

    @property
    def reconciles(self) -> bool:
        return self.run.rows_read == self.run.rows_loaded + self.run.rows_rejected

    @property
    def loaded(self) -> bool:
        return self.run.status == ImportStatus.LOADED


REJECTED_SHOWN = 200


def _month_words(month: str) -> str:
    """'2025-01' -> 'January 2025'."""
    try:
        year, number = (int(part) for part in month.split("-"))
        return month_name(date(year, number, 1))
    except ValueError:
        return month


def import_report(run: ImportRun) -> ImportReport:
    problems = import_problems(run).filter(rejected=True)
    return ImportReport(
        run=run,
        notes=sorted(
            ((str(reason), int(n)) for reason, n in (run.notes or {}).items()),
            key=lambda rn: (-rn[1], rn[0]),
        ),
        partitions=[
            {
                "name": p["partition"]
                if run.kind == ImportKind.ISTV
                else force_name(p["partition"]),
                "month": _month_words(str(p["month"])),
                "rows": p["rows"],
            }
            for p in run.partitions or []
        ],
        rejected=list(problems[:REJECTED_SHOWN]),
        rejected_total=problems.count(),
    )


PROBLEM_COLUMNS = (
    Column("File"),
    Column("Line", Kind.COUNT),
    Column("Reason"),
    Column("Rejected"),
)


def problems_table(run: ImportRun) -> Table:
    return Table(
        slug="problems",
        caption="Problems found",
        columns=PROBLEM_COLUMNS,
        rows=[
            (p.file, p.line, p.reason, "Yes" if p.rejected else "No, loaded")
            for p in import_problems(run)
        ],
        empty="No problems found.",
    )


# Data formats.


def data_formats() -> list[DataFormat]:
    return list(FORMATS.values())


def data_format(kind: str) -> DataFormat | None:
    return FORMATS.get(kind)


def example_table(kind: str, data_format: DataFormat) -> Table:
    """A file with the format's header and one example line, to start from."""
    return Table(
        slug="example",
        caption=data_format.title,
        columns=[Column(c.name) for c in data_format.columns],
        rows=[[c.example for c in data_format.columns]],
    )


# Choices shared by the pages of figures.


def _table_slug(key: str) -> str:
    return key.replace(":", "-").replace("_", "-")


def measure_choices(*, placed: bool = False, seasonal: bool = False) -> list[tuple[str, str]]:
    """The measures a page offers: all of them; those with places (LSOAs or coordinates), for
    concentration and hot spots; and for seasonality, police.uk's weapon-related crime too."""
    measures = [m for m in MEASURES.values() if not (placed and m.source == Source.ISTV)]
    choices = [(m.key, m.name) for m in measures]
    if seasonal:
        choices.insert(len(CORE_MEASURES), (WEAPON_RELATED, WEAPON_RELATED_NAME))
    return choices


WEAPON_RELATED = "weapon_related"
WEAPON_RELATED_NAME = "Weapon-related street crime: possession of weapons and robbery (police.uk)"


@dataclass(frozen=True)
class Period:
    key: str  # as the address gives it: last-12, fy-2024-25, cy-2024
    label: str
    start: date  # first day of the first month
    end: date  # last day of the last month
    year: str | None = None  # "2024-25" or "2024", for comparing hot spots year to year

    @property
    def previous_year(self) -> str | None:
        if self.year is None:
            return None
        if "-" in self.year:
            return financial_year_label(int(self.year[:4]) - 1)
        return str(int(self.year) - 1)


def periods(con: duckdb.DuckDBPyConnection, *, today: date | None = None) -> list[Period]:
    """The 12 months to the latest month with data, then each financial and calendar year
    the data touches, latest first."""
    first, last = con.execute("select min(month), max(month) from coverage").fetchall()[0]
    if last is None:
        first = last = add_months((today or timezone.localdate()).replace(day=1), -1)
    found = [
        Period(
            "last-12", f"12 months to {month_name(last)}", add_months(last, -11), month_end(last)
        )
    ]
    fy = financial_year_start(last)
    while month_end(add_months(fy, 11)) >= first:
        label = financial_year_label(fy.year)
        found.append(
            Period(
                f"fy-{label}", f"Financial year {label}", fy, month_end(add_months(fy, 11)), label
            )
        )
        fy = fy.replace(year=fy.year - 1)
    for year in range(last.year, first.year - 1, -1):
        found.append(
            Period(
                f"cy-{year}",
                f"Calendar year {year}",
                date(year, 1, 1),
                date(year, 12, 31),
                str(year),
            )
        )
    return found


def period_choices(found: Sequence[Period]) -> list[tuple[str, str]]:
    return [(p.key, p.label) for p in found]


def period_for(found: Sequence[Period], key: str) -> Period:
    return next(p for p in found if p.key == key)


def price_years(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [r[0] for r in con.execute("select financial_year from deflator order by 1").fetchall()]


def area_words(area: Area) -> str:
    return area.name if area.level == "partnership" else f"{area.name} ({area.level_name})"


# The core measures and any measure's series.


@dataclass(frozen=True)
class MeasureFigure:
    measure: Measure
    area: Area
    granularity: Granularity
    under_25: bool
    periods: list[PeriodCount]
    change: Change | None
    statement: str
    chart: Chart
    table: Table

    @property
    def no_age(self) -> bool:
        """Under-25 figures were asked for, but the source does not record age."""
        return self.under_25 and not self.measure.has_age

    @property
    def slug(self) -> str:
        return _table_slug(self.measure.key)


Changed = float | str | None


_MONTH_WORDS = frozenset(calendar.month_name[1:]) | frozenset(calendar.month_abbr[1:])


def sentence_case_label(label: str) -> str:
    """A label inside a sentence: "Year ending March 2025" -> "year ending March 2025", while
    "April 2025" and "Jan to Mar 2025" keep their capitals."""
    if label.split(" ", 1)[0] in _MONTH_WORDS:
        return label
    return label[:1].lower() + label[1:]


def _change(current: int | None, base: int | None) -> Changed:
    """A percentage, or words where there is none: a change from 0 is not a gap in the data."""
    if base == 0 and current is not None:
        return "No change" if current == 0 else "Up from none"
    return percent_change(current, base)


def _changes(found: Sequence[PeriodCount]) -> list[tuple[Changed, Changed]]:
    by_start = {p.start: p for p in found}
    out = []
    for i, p in enumerate(found):
        previous = found[i - 1] if i else None
        year_before = by_start.get(add_months(p.start, -12))
        out.append(
            (
                _change(p.count, previous.count if previous else None),
                _change(p.count, year_before.count if year_before else None),
            )
        )
    return out


def figure_for(
    measure: Measure,
    series: Sequence[MonthCount],
    *,
    area: Area,
    granularity: Granularity,
    under_25: bool,
) -> MeasureFigure:
    found = periodise(series, granularity)
    who = " (under 25)" if under_25 else ""
    slug = _table_slug(measure.key)
    labels = [p.label for p in found]
    counts = [p.count for p in found]
    title = f"{measure.name}{who} by {sentence_case_label(granularity.label)}, {area_words(area)}"
    if under_25 and not measure.has_age:
        statement = f"{measure.name} has no under-25 figures: the source does not record age."
    else:
        statement = change_statement(measure, series)
        if under_25:
            statement = f"Victims and patients under 25: {lower_first(statement)}"
    return MeasureFigure(
        measure=measure,
        area=area,
        granularity=granularity,
        under_25=under_25,
        periods=found,
        change=latest_change(found),
        statement=statement,
        chart=Chart(
            slug=slug,
            title=title,
            description=describe_counts(labels, counts),
            x_label=granularity.label,
            y_label="Count",
            labels=labels,
            series=[Series(measure.name, counts)],
        ),
        table=Table(
            slug=slug,
            caption=title,
            columns=[
                Column(granularity.label),
                Column("Count", Kind.COUNT),
                Column("Change on the period before", Kind.CHANGE),
                Column("Change on a year before", Kind.CHANGE),
            ],
            rows=[
                (p.label, p.count, vs_previous, vs_year)
                for p, (vs_previous, vs_year) in zip(found, _changes(found), strict=True)
            ],
            empty="No data has been imported for this measure yet.",
        ),
    )


def measure_figure(
    con: duckdb.DuckDBPyConnection,
    *,
    measure: Measure,
    area: Area,
    granularity: Granularity,
    under_25: bool,
) -> MeasureFigure:
    series = monthly_series(con, measure=measure.key, area=area, under_25=under_25)
    return figure_for(measure, series, area=area, granularity=granularity, under_25=under_25)


@dataclass(frozen=True)
class Dashboard:
    area: Area
    granularity: Granularity
    under_25: bool
    figures: list[MeasureFigure]

    @property
    def tables(self) -> list[Table]:
        return [f.table for f in self.figures]


def dashboard(
    con: duckdb.DuckDBPyConnection, *, area: Area, granularity: Granularity, under_25: bool
) -> Dashboard:
    return Dashboard(
        area=area,
        granularity=granularity,
        under_25=under_25,
        figures=[
            measure_figure(con, measure=m, area=area, granularity=granularity, under_25=under_25)
            for m in CORE_MEASURES
        ],
    )


# Concentration.

UNIT_NAMES = {"lsoa": ("LSOA", "LSOAs"), "h3": ("hexagon", "hexagons")}


def gini_sentence(result: Concentration, unit: str) -> str:
    one, many = UNIT_NAMES[unit]
    if result.gini is None or result.generalised_gini is None:
        return "There are no incidents in this period, so there is nothing to measure."
    if result.uses_generalised:
        return (
            f"The generalised Gini coefficient is {result.generalised_gini:.2f}. It is used "
            f"rather than the ordinary Gini ({result.gini:.2f}) because there are more "
            f"{many} ({result.places:,}) than incidents ({result.incidents:,}): most {many} "
            "must then be empty however evenly incidents fall, which the ordinary Gini would "
            "read as concentration. 0 means incidents as evenly spread as they could be, 1 "
            f"means all of them in one {one} (Bernasco and Steenbeek, 2017)."
        )
    return (
        f"The Gini coefficient is {result.gini:.2f}: 0 would mean incidents spread evenly over "
        f"every {one}, 1 all of them in one. The ordinary Gini is the one to read because there "
        f"are at least as many incidents ({result.incidents:,}) as {many} ({result.places:,})."
    )


@dataclass(frozen=True)
class ConcentrationBlock:
    unit: str  # lsoa or h3
    result: Concentration
    headline: str
    gini_sentence: str
    chart: Chart
    shares: Table
    lorenz: Table

    @property
    def unit_name(self) -> str:
        return UNIT_NAMES[self.unit][1]


def _lorenz_at_tenths(result: Concentration) -> list[tuple[float, float]]:
    xs = [x for x, _ in result.lorenz]
    ys = [y for _, y in result.lorenz]
    return [(k / 10, float(np.interp(k / 10, xs, ys))) for k in range(11)]


def concentration_block(
    counts: Sequence[int], *, unit: str, measure: Measure, area: Area, period: Period
) -> ConcentrationBlock:
    result = concentration(counts)
    many = UNIT_NAMES[unit][1]
    slug = unit
    title = f"How concentrated {lower_first(measure.name)} is across {many}, {area_words(area)}"
    if result.incidents:
        top = 10
        headline = (
            f"The busiest 10% of {many} ({result.top_places.get(top, 0):,} of "
            f"{result.places:,}) had {result.top_shares.get(top, 0) * 100:.0f}% of "
            f"{result.incidents:,} incidents in {sentence_case_label(period.label)}."
        )
    else:
        headline = f"There were no incidents in {sentence_case_label(period.label)}."
    gini = result.headline_gini
    description = headline + (
        f" {'Generalised Gini' if result.uses_generalised else 'Gini'} {gini:.2f}."
        if gini is not None
        else ""
    )
    return ConcentrationBlock(
        unit=unit,
        result=result,
        headline=headline,
        gini_sentence=gini_sentence(result, unit),
        chart=Chart(
            slug=f"lorenz-{slug}",
            title=f"Lorenz curve: {lower_first(title)}",
            description=description,
            x_label=f"Share of {many}, quietest first",
            y_label="Share of incidents",
            series=[
                Series("Incidents", [y for _, y in result.lorenz]),
                Series("Even spread", [x for x, _ in result.lorenz], DARK_GREY, dashed=True),
            ],
            x_values=[x for x, _ in result.lorenz],
            kind="line",
            percent=True,
        ),
        shares=Table(
            slug=f"top-{slug}",
            caption=f"Share of incidents in the busiest {many}",
            columns=[
                Column(f"Busiest {many}"),
                Column(many[0].upper() + many[1:], Kind.COUNT),
                Column("Incidents", Kind.COUNT),
                Column("Share of incidents", Kind.PERCENT),
            ],
            rows=[
                (
                    f"Top {percent}%",
                    result.top_places.get(percent, 0),
                    round(share * result.incidents),
                    share * 100,
                )
                for percent, share in sorted(result.top_shares.items())
            ]
            if result.incidents
            else [],
            empty=f"No incidents, or no {many}, in this period.",
        ),
        lorenz=Table(
            slug=f"lorenz-{slug}",
            caption=f"Lorenz curve across {many}, at each tenth",
            columns=[
                Column(f"Share of {many}, quietest first", Kind.PERCENT, 0),
                Column("Share of incidents", Kind.PERCENT),
            ],
            rows=[(x * 100, y * 100) for x, y in _lorenz_at_tenths(result)]
            if result.lorenz
            else [],
            empty="No incidents in this period.",
        ),
    )


@dataclass(frozen=True)
class ConcentrationPage:
    measure: Measure
    area: Area
    period: Period
    blocks: list[ConcentrationBlock]
    # Months of the period with no data for the area: the figures count only the others.
    gaps: str = ""

    @property
    def tables(self) -> list[Table]:
        return [t for b in self.blocks for t in (b.shares, b.lorenz)]


def concentration_page(
    con: duckdb.DuckDBPyConnection, *, measure: Measure, area: Area, period: Period
) -> ConcentrationPage:
    blocks = []
    units: tuple[Literal["lsoa"], Literal["h3"]] = ("lsoa", "h3")
    for unit in units:
        places = place_counts(
            con, measure=measure.key, area=area, start=period.start, end=period.end, unit=unit
        )
        blocks.append(
            concentration_block(
                [n for _, n in places], unit=unit, measure=measure, area=area, period=period
            )
        )
    return ConcentrationPage(
        measure=measure,
        area=area,
        period=period,
        blocks=blocks,
        gaps=gaps_in(con, measure=measure, area=area, period=period),
    )


def gaps_in(con: duckdb.DuckDBPyConnection, *, measure: Measure, area: Area, period: Period) -> str:
    """A warning naming the months of the period the area has no data for, or "".

    Concentration and hot spots count places, not months: a missing force-month would
    otherwise read as a month of quiet streets.
    """
    known = {mc.month: mc.count for mc in monthly_series(con, measure=measure.key, area=area)}
    missing = []
    month = period.start.replace(day=1)
    while month <= period.end:
        if known.get(month) is None:
            missing.append(month)
        month = add_months(month, 1)
    if not missing or not known:
        return ""
    shown = ", ".join(month_name(m) for m in missing[:3])
    more = f" and {len(missing) - 3} other months" if len(missing) > 3 else ""
    months = "month" if len(missing) == 1 else "months"
    return (
        f"There is no data for {len(missing)} {months} of this period ({shown}{more}): "
        "these figures count only the months with data."
    )


# Hot spots.

# The map's colours, darker for more confidence: reds for hot, blues for cold.
CATEGORY_STYLES: dict[str, tuple[str, str]] = {
    HOT_99: ("hot-99", "#b10e1e"),
    HOT_95: ("hot-95", "#d4351c"),
    HOT_90: ("hot-90", "#f47738"),
    NOT_SIGNIFICANT: ("none", "#ffffff"),
    COLD_90: ("cold-90", "#5694ca"),
    COLD_95: ("cold-95", "#1d70b8"),
    COLD_99: ("cold-99", "#003078"),
}
HOT_CATEGORIES = (HOT_99, HOT_95, HOT_90)
COLD_CATEGORIES = (COLD_99, COLD_95, COLD_90)


def nearest_wards(
    con: duckdb.DuckDBPyConnection, area: Area, cells: Sequence[str]
) -> dict[str, str]:
    """Each cell's ward: the ward of the LSOA whose centroid is nearest the cell's centre."""
    in_area, params = lsoa_filter(area)
    centroids = con.execute(
        f"select latitude, longitude, ward_name from area where {in_area} "  # noqa: S608
        "and latitude is not null and longitude is not null",
        params,
    ).fetchall()
    if not centroids or not cells:
        return {}
    lat = np.array([c[0] for c in centroids], dtype=float)
    lon = np.array([c[1] for c in centroids], dtype=float)
    scale = np.cos(np.radians(lat.mean()))
    wards = {}
    for cell in cells:
        clat, clon = h3.cell_to_latlng(cell)
        nearest = int(np.argmin((lat - clat) ** 2 + ((lon - clon) * scale) ** 2))
        wards[cell] = str(centroids[nearest][2])
    return wards


def _count_words(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def hot_spot_summary(spots: Sequence[HotSpot], wards: dict[str, str]) -> str:
    """Where the hot spots are, in words: the text alternative of the map."""
    if not spots:
        return "There are no incidents with a location in this period, so no hot spots."
    by_category = Counter(s.category for s in spots)
    hot = [s for s in spots if s.category in HOT_CATEGORIES]
    cold = sum(by_category[c] for c in COLD_CATEGORIES)
    if not hot:
        words = [
            f"None of the {len(spots):,} hexagons is a hot spot at 90% confidence or more: "
            "incidents are no more clustered than chance would make them."
        ]
    else:
        levels = [
            f"{by_category[c]:,} at {c.split('(')[1].rstrip(')')}"
            for c in HOT_CATEGORIES
            if by_category[c]
        ]
        words = [
            f"{_count_words(len(hot), 'hot spot', 'hot spots')} among {len(spots):,} hexagons: "
            f"{_list(levels)} confidence."
        ]
        strongest = next(c for c in HOT_CATEGORIES if by_category[c])
        strong = [s for s in hot if s.category == strongest]
        in_wards = Counter(wards[s.cell] for s in strong if s.cell in wards).most_common(3)
        if in_wards:
            ward, n = in_wards[0]
            level = strongest.split("(")[1].rstrip(")")
            first = (
                f"The hot spot at {level} confidence is in {ward} ward"
                if len(strong) == 1
                else f"Of the {len(strong)} at {level} confidence, {n} {'is' if n == 1 else 'are'} "
                f"in {ward} ward"
            )
            others = [f"{k} in {w}" for w, k in in_wards[1:]]
            words.append(first + (f", {_list(others)}." if others else "."))
    if cold:
        words.append(f"{_count_words(cold, 'cold spot', 'cold spots')}.")
    return " ".join(words)


def _list(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def stability_sentence(result: Stability) -> str:
    a, b = result.year_a, result.year_b
    if not result.hot_a:
        return f"There were no hot spots at 95% confidence or more in {a} to compare with {b}."
    again = result.share_a_hot_in_b or 0.0
    words = [
        f"Of the {_count_words(result.hot_a, 'hot spot', 'hot spots')} at 95% confidence or "
        f"more in {a}, {result.hot_both:,} ({again * 100:.0f}%) "
        f"{'was' if result.hot_both == 1 else 'were'} hot again in {b}."
    ]
    if result.incidents_b:
        caught = result.incidents_b_in_hot_a / result.incidents_b
        words.append(
            f"They cover {result.hot_a_area_share * 100:.0f}% of the area and held "
            f"{caught * 100:.0f}% of {b}'s incidents"
            + (
                f" (predictive accuracy index {result.pai:.1f}: above 1, the hot spots caught "
                "more incidents than their size alone would)."
                if result.pai is not None
                else "."
            )
        )
    return " ".join(words)


def stability_years(
    found: Sequence[Period], period: Period, first_month: date | None = None
) -> tuple[str, str] | None:
    """The years whose hot spots to compare: the chosen year and the one before, or, for the
    last 12 months, the two latest financial years the data covers whole (from `first_month`,
    the first month with data)."""
    if not found:
        return None
    keys = {p.key for p in found}
    if period.year is not None:
        before = period.previous_year
        kind = "fy" if "-" in period.year else "cy"
        if before is not None and f"{kind}-{before}" in keys:
            return before, period.year
        return None
    last = found[0]  # the last 12 months: ends at the latest month with data
    whole = [
        p for p in found if p.key.startswith("fy-") and p.end <= last.end and p.year is not None
    ]
    first_month = first_month or min(p.start for p in found)
    whole = [p for p in whole if p.start >= first_month]
    if len(whole) < 2:
        return None
    return str(whole[1].year), str(whole[0].year)


@dataclass(frozen=True)
class HotSpotsPage:
    measure: Measure
    area: Area
    period: Period
    resolution: int
    spots: list[HotSpot]
    geojson: dict[str, Any]
    summary: str
    key: list[tuple[str, str, int]]  # category, style name, cells
    table: Table
    stability: Stability | None
    stability_sentence: str
    stability_table: Table | None
    no_points: bool
    gaps: str = ""

    @property
    def tables(self) -> list[Table]:
        return [self.table, *([self.stability_table] if self.stability_table else [])]


def hot_spots_page(
    con: duckdb.DuckDBPyConnection,
    *,
    measure: Measure,
    area: Area,
    period: Period,
    periods: Sequence[Period],
    resolution: int,
) -> HotSpotsPage:
    spots = hot_spots(
        con,
        measure=measure.key,
        area=area,
        start=period.start,
        end=period.end,
        resolution=resolution,
    )
    significant = sorted(
        (s for s in spots if s.category != NOT_SIGNIFICANT), key=lambda s: (-s.z, s.cell)
    )
    wards = nearest_wards(con, area, [s.cell for s in significant])
    geojson = to_geojson(spots)
    for feature in geojson["features"]:
        props = feature["properties"]
        props["fill"] = CATEGORY_STYLES[props["category"]][1]
        props["ward"] = wards.get(props["cell"], "")
    counted = Counter(s.category for s in spots)
    [(first_month,)] = con.execute(
        "select min(month) from coverage where source = ?", [measure.source.value]
    ).fetchall()
    years = stability_years(periods, period, first_month)
    result = (
        stability(
            con,
            measure=measure.key,
            area=area,
            year_a=years[0],
            year_b=years[1],
            resolution=resolution,
        )
        if years and spots
        else None
    )
    return HotSpotsPage(
        gaps=gaps_in(con, measure=measure, area=area, period=period),
        measure=measure,
        area=area,
        period=period,
        resolution=resolution,
        spots=spots,
        geojson=geojson,
        summary=hot_spot_summary(spots, wards),
        key=[(c, CATEGORY_STYLES[c][0], counted[c]) for c in CATEGORIES],
        table=Table(
            slug="hot-spots",
            caption="Hot and cold spots, hottest first",
            columns=[
                Column("Hexagon"),
                Column("Nearest ward"),
                Column("Incidents", Kind.COUNT),
                Column("Gi* z-score", Kind.NUMBER, 2),
                Column("p-value", Kind.NUMBER, 3),
                Column("Category"),
            ],
            rows=[
                (s.cell, wards.get(s.cell, ""), s.count, s.z, s.p, s.category) for s in significant
            ],
            empty="No hexagon is a hot or cold spot at 90% confidence or more.",
        ),
        stability=result,
        stability_sentence=stability_sentence(result)
        if result
        else "Hot spots can be compared year to year once there are two whole years of data.",
        stability_table=_stability_table(result) if result else None,
        no_points=measure.source == Source.ISTV,
    )


def _stability_table(result: Stability) -> Table:
    a, b = result.year_a, result.year_b
    return Table(
        slug="stability",
        caption=f"Hot spots in {a} and {b}",
        columns=[Column("Figure"), Column("Value", Kind.NUMBER, 2)],
        rows=[
            (f"Hot spots in {a}", result.hot_a),
            (f"Hot spots in {b}", result.hot_b),
            ("Hot in both years", result.hot_both),
            (f"Share of {a}'s hot spots hot again in {b} (%)", _percent(result.share_a_hot_in_b)),
            ("Hot in both years, of those hot in either (%)", _percent(result.jaccard)),
            (f"Share of the area in {a}'s hot spots (%)", _percent(result.hot_a_area_share)),
            (f"Incidents in {b}", result.incidents_b),
            (f"Of them, in {a}'s hot spots", result.incidents_b_in_hot_a),
            ("Predictive accuracy index", result.pai),
        ],
    )


def _percent(share: float | None) -> float | None:
    return None if share is None else share * 100


# Seasonality.


def _added(series_list: Sequence[Sequence[MonthCount]]) -> list[MonthCount]:
    """Several series added month by month; a month any of them lacks is a gap."""
    months: dict[date, list[int | None]] = {}
    for series in series_list:
        for mc in series:
            months.setdefault(mc.month, []).append(mc.count)
    return [
        MonthCount(
            month,
            None
            if len(counts) < len(series_list) or None in counts
            else sum(c or 0 for c in counts),
        )
        for month, counts in sorted(months.items())
    ]


@dataclass(frozen=True)
class SeasonalityPage:
    name: str
    area: Area
    profile: Profile
    profile_chart: Chart
    profile_table: Table
    trend_chart: Chart | None
    seasonal_chart: Chart | None
    decomposition_table: Table | None

    @property
    def tables(self) -> list[Table]:
        return [
            self.profile_table,
            *([self.decomposition_table] if self.decomposition_table else []),
        ]


def seasonality_page(
    con: duckdb.DuckDBPyConnection, *, measure: str, area: Area
) -> SeasonalityPage:
    if measure == WEAPON_RELATED:
        name = WEAPON_RELATED_NAME
        series = _added(
            [monthly_series(con, measure=key, area=area) for key in WEAPON_RELATED_STREET_MEASURES]
        )
    else:
        name = MEASURES[measure].name
        series = monthly_series(con, measure=measure, area=area)
    profile = seasonal_profile(series, subject=name.split(":")[0])
    months = profile.by_calendar_month
    means = [None if m.mean is None else round(m.mean, 1) for m in months]
    where = area_words(area)
    known = [(m.name, m.mean) for m in months if m.mean is not None]
    if known:
        high = max(known, key=lambda nm: nm[1] or 0)
        low = min(known, key=lambda nm: nm[1] or 0)
        description = (
            "Average count in each calendar month over "
            f"{_count_words(profile.years, 'whole year', 'whole years')}. "
            f"Highest: {high[1]:.1f} in {high[0]}. Lowest: {low[1]:.1f} in {low[0]}. "
            f"{profile.sentence}"
        )
    else:
        description = profile.sentence
    decomposition = profile.decomposition
    trend_chart = seasonal_chart = decomposition_table = None
    if decomposition is not None:
        labels = [month_name(m) for m in decomposition.months]
        trend = decomposition.trend
        trend_chart = Chart(
            slug="trend",
            title=f"{name}: monthly counts and trend, {where}",
            description=(
                f"Monthly counts from {labels[0]} to {labels[-1]} with the trend from a "
                f"seasonal decomposition. The trend goes from {trend[0]:.1f} to "
                f"{trend[-1]:.1f} a month."
            ),
            x_label="Month",
            y_label="Count",
            labels=labels,
            series=[
                Series("Count", decomposition.observed, BLUE),
                Series("Trend", trend, ORANGE),
            ],
            kind="line",
        )
        seasonal = decomposition.seasonal
        top = max(range(len(seasonal)), key=lambda i: seasonal[i])
        bottom = min(range(len(seasonal)), key=lambda i: seasonal[i])
        seasonal_chart = Chart(
            slug="seasonal",
            title=f"{name}: the seasonal pattern, {where}",
            description=(
                f"How far each month sits above or below the trend because of the time of "
                f"year. Highest: {seasonal[top]:+.1f} in {labels[top]}. Lowest: "
                f"{seasonal[bottom]:+.1f} in {labels[bottom]}."
            ),
            x_label="Month",
            y_label="Above or below the trend",
            labels=labels,
            series=[Series("Seasonal", seasonal, BLUE)],
            kind="line",
        )
        decomposition_table = Table(
            slug="decomposition",
            caption="Seasonal decomposition (STL), month by month",
            columns=[
                Column("Month"),
                Column("Count", Kind.COUNT),
                Column("Trend", Kind.NUMBER, 1),
                Column("Seasonal", Kind.NUMBER, 1),
                Column("Remainder", Kind.NUMBER, 1),
            ],
            rows=list(
                zip(
                    labels,
                    decomposition.observed,
                    decomposition.trend,
                    decomposition.seasonal,
                    decomposition.residual,
                    strict=True,
                )
            ),
        )
    return SeasonalityPage(
        name=name,
        area=area,
        profile=profile,
        profile_chart=Chart(
            slug="profile",
            title=f"{name}: average in each calendar month, {where}",
            description=description,
            x_label="Calendar month",
            y_label="Average count",
            labels=[m.name[:3] for m in months],
            series=[Series("Average", means)],
        ),
        profile_table=Table(
            slug="profile",
            caption="Average in each calendar month",
            columns=[
                Column("Month"),
                Column("Average count", Kind.NUMBER, 1),
                Column("Against the average month (100)", Kind.NUMBER, 0),
            ],
            rows=[(m.name, m.mean, m.index) for m in months],
            empty="No whole year of data yet.",
        ),
        trend_chart=trend_chart,
        seasonal_chart=seasonal_chart,
        decomposition_table=decomposition_table,
    )


# Cost.


@dataclass(frozen=True)
class CostPage:
    area: Area
    period: Period
    price_year: str
    lines: list[CostLine]
    table: Table
    deflators: Table

    @property
    def tables(self) -> list[Table]:
        return [self.table, self.deflators]


def cost_measures(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The core measures, then any other measure the unit costs table prices."""
    priced = [r[0] for r in con.execute("select measure from unit_cost order by 1").fetchall()]
    core = [m.key for m in CORE_MEASURES]
    return core + [key for key in priced if key in MEASURES and key not in core]


def cost_page(
    con: duckdb.DuckDBPyConnection, *, area: Area, period: Period, price_year: str
) -> CostPage:
    lines = cost_of(
        con,
        measures=cost_measures(con),
        area=area,
        start=period.start,
        end=period.end,
        price_year=price_year,
    )
    used = {line.unit_price_year for line in lines} | {price_year}
    deflator_rows = con.execute(
        "select financial_year, index_value, source from deflator order by financial_year"
    ).fetchall()
    return CostPage(
        area=area,
        period=period,
        price_year=price_year,
        lines=lines,
        table=Table(
            slug="cost",
            caption=(
                f"Cost of violence in {sentence_case_label(period.label)}, at {price_year} prices"
            ),
            columns=[
                Column("Measure"),
                Column("Count", Kind.COUNT),
                Column("Unit cost", Kind.MONEY),
                Column("Prices of"),
                Column(f"Unit cost at {price_year} prices", Kind.MONEY),
                Column("Total cost", Kind.MONEY),
                Column("Unit cost source"),
                Column("What is missing"),
            ],
            rows=[
                (
                    line.measure_name,
                    line.count,
                    line.unit_cost,
                    line.unit_price_year,
                    line.inflated_unit_cost,
                    line.total,
                    line.unit_cost_source,
                    line.problem or "",
                )
                for line in lines
            ],
        ),
        deflators=Table(
            slug="deflators",
            caption="GDP deflators",
            columns=[
                Column("Financial year"),
                Column("Index", Kind.NUMBER, 2),
                Column("Used here"),
                Column("Source"),
            ],
            rows=[
                (year, index, "Yes" if year in used else "", source)
                for year, index, source in deflator_rows
            ],
            empty="No GDP deflators have been imported yet.",
        ),
    )
