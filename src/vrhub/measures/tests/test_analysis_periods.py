from __future__ import annotations

from datetime import date

from vrhub.measures.analysis.periods import (
    Granularity,
    PeriodCount,
    format_percent,
    latest_change,
    periodise,
)
from vrhub.measures.analysis.periods import change_statement as statement
from vrhub.measures.analysis.series import MonthCount
from vrhub.measures.catalogue import HOMICIDE, KNIFE_CRIME, MEASURES
from vrhub.measures.tests.test_analysis_support import month, months


def series_from(first: date, counts: list[int | None]) -> list[MonthCount]:
    spans = months(first, date(first.year + 10, 1, 1))
    return [MonthCount(m, c) for m, c in zip(spans, counts, strict=False)]


def test_months_keep_their_counts_and_gaps() -> None:
    periods = periodise(series_from(month(2025, 1), [3, None]), Granularity.MONTH)
    assert periods == [
        PeriodCount("January 2025", date(2025, 1, 1), date(2025, 1, 31), 3, True),
        PeriodCount("February 2025", date(2025, 2, 1), date(2025, 2, 28), None, False),
    ]


def test_quarters_add_up_calendar_quarters_and_leave_out_cut_ones() -> None:
    # Feb 2025 to Oct 2025: Jan-Mar and Oct-Dec are cut short by the series.
    series = series_from(month(2025, 2), [1, 2, 3, 4, 5, 6, 7, 8, 9])
    periods = periodise(series, Granularity.QUARTER)
    assert [(p.label, p.count) for p in periods] == [
        ("Apr to Jun 2025", 3 + 4 + 5),
        ("Jul to Sep 2025", 6 + 7 + 8),
    ]
    assert periods[0].start == date(2025, 4, 1)
    assert periods[0].end == date(2025, 6, 30)


def test_a_quarter_with_a_gap_month_has_no_count() -> None:
    series = series_from(month(2025, 1), [1, None, 3, 4, 5, 6])
    periods = periodise(series, Granularity.QUARTER)
    assert [(p.label, p.count, p.complete) for p in periods] == [
        ("Jan to Mar 2025", None, False),
        ("Apr to Jun 2025", 15, True),
    ]


def test_financial_years_run_april_to_march() -> None:
    # January 2023 to June 2025: only 2023-24 and 2024-25 are whole.
    series = series_from(month(2023, 1), [10] * 15 + [20] * 12 + [1, 1, 1])
    periods = periodise(series, Granularity.FINANCIAL_YEAR)
    assert [(p.label, p.start, p.end, p.count) for p in periods] == [
        ("2023-24", date(2023, 4, 1), date(2024, 3, 31), 120),
        ("2024-25", date(2024, 4, 1), date(2025, 3, 31), 240),
    ]


def test_rolling_twelve_months_end_each_month() -> None:
    series = series_from(month(2024, 1), list(range(1, 15)))
    periods = periodise(series, Granularity.ROLLING_12)
    assert [(p.label, p.count) for p in periods] == [
        ("Year ending December 2024", sum(range(1, 13))),
        ("Year ending January 2025", sum(range(2, 14))),
        ("Year ending February 2025", sum(range(3, 15))),
    ]


def test_rolling_year_touching_a_gap_has_no_count() -> None:
    series = series_from(month(2024, 1), [1] * 12 + [None] + [1])
    counts = [p.count for p in periodise(series, Granularity.ROLLING_12)]
    assert counts == [12, None, None]


def test_change_against_the_period_before_and_a_year_before() -> None:
    series = series_from(month(2024, 1), [10, 20, 30, 40, 50] + [1] * 10 + [30, 20])
    # The series ends in May 2025, so Apr to Jun 2025 is left out.
    quarters = periodise(series, Granularity.QUARTER)
    change = latest_change(quarters)
    assert change is not None
    assert change.current.label == "Jan to Mar 2025"
    assert change.current.count == 3
    assert change.previous is not None
    assert change.previous.count == 3
    assert change.year_before is not None
    assert change.year_before.label == "Jan to Mar 2024"
    assert change.year_before.count == 60
    assert change.pct_vs_previous == 0
    assert change.pct_vs_year_before == -95


def test_no_percentage_against_a_gap_or_a_zero() -> None:
    periods = periodise(series_from(month(2025, 1), [None, 0, 5]), Granularity.MONTH)
    change = latest_change(periods)
    assert change is not None
    assert change.pct_vs_previous is None
    assert change.year_before is None
    assert change.pct_vs_year_before is None
    assert latest_change([]) is None


# April 2024 to October 2025: the seed's "since April last year" comparison.
def knife_series(this_year: list[int | None], last_year: list[int | None]) -> list[MonthCount]:
    return series_from(month(2024, 4), [*last_year, *([5] * (12 - len(last_year))), *this_year])


def test_statement_in_the_seeds_style() -> None:
    series = knife_series([8, 8, 8, 8, 8, 9, 9], [14, 14, 14, 14, 14, 15, 15])
    assert statement(KNIFE_CRIME, series) == (
        "Since April 2025, police-recorded knife crime is down 42%: 58 offences from April to "
        "October 2025, against 100 in the same months of 2024."
    )


def test_statement_going_up_with_a_decimal_for_small_changes() -> None:
    series = knife_series([107], [100])
    assert statement(KNIFE_CRIME, series) == (
        "In April 2025, police-recorded knife crime is up 7%: 107 offences in April 2025, "
        "against 100 in April 2024."
    )
    assert format_percent(-6.54) == "6.5%"
    assert format_percent(0.2) == "less than 1%"


def test_statement_with_no_change() -> None:
    series = knife_series([20, 20], [15, 25])
    assert statement(KNIFE_CRIME, series) == (
        "Since April 2025, there is no change in police-recorded knife crime: 40 offences from "
        "April to May 2025, against 40 in the same months of 2024."
    )


def test_statement_says_when_numbers_are_too_small() -> None:
    series = knife_series([1, 0, 2], [3, 2, 1])
    assert statement(HOMICIDE, series) == (
        "Numbers are too small to compare for homicides: 3 homicides from April to June 2025, "
        "against 6 in the same months of 2024."
    )


def test_statement_says_which_months_have_no_data() -> None:
    series = knife_series([30, 30, 30], [30, None, 30])
    assert statement(KNIFE_CRIME, series) == (
        "Police-recorded knife crime in April to June 2025 cannot be compared with the same "
        "months a year before: there is no data for May 2024."
    )


def test_statement_counts_to_the_last_month_with_data() -> None:
    series = knife_series([30, 30, None], [40, 40, 40])
    assert statement(KNIFE_CRIME, series).startswith(
        "Since April 2025, police-recorded knife crime is down 25%: 60 offences from April to "
        "May 2025"
    )


def test_statement_without_a_year_to_compare() -> None:
    series = series_from(month(2025, 2), [5, 5, 5, 5])
    assert statement(KNIFE_CRIME, series) == (
        "Police-recorded knife crime in April to May 2025 cannot be compared with a year "
        "before: the data starts in February 2025."
    )
    assert statement(KNIFE_CRIME, []) == "There is no data for police-recorded knife crime yet."


def test_statement_for_a_police_uk_crime_type_and_from_nothing() -> None:
    robbery = MEASURES["street:robbery"]
    series = knife_series([12], [0])
    assert statement(robbery, series) == (
        "In April 2025, robbery (police.uk) is up from none: 12 crimes in April 2025, "
        "against 0 in April 2024."
    )
