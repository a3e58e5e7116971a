from __future__ import annotations

from datetime import date

import pytest

from vrhub.measures.analysis.seasonality import seasonal_profile
from vrhub.measures.analysis.series import MonthCount
from vrhub.measures.tests.test_analysis_support import month, months


def series_from(first: date, counts: list[int | None]) -> list[MonthCount]:
    spans = months(first, date(first.year + 20, 1, 1))
    return [MonthCount(m, c) for m, c in zip(spans, counts, strict=False)]


# January to December: 20 a month, 40 in July and August.
SUMMER_PEAK = [20, 20, 20, 20, 20, 20, 40, 40, 20, 20, 20, 20]


def test_planted_july_and_august_peak_is_named_in_words() -> None:
    profile = seasonal_profile(series_from(month(2022, 1), SUMMER_PEAK * 3))

    assert profile.peak_months == ["July", "August"]
    assert profile.sentence == "Violence usually peaks in July and August."
    assert profile.years == 3
    july = profile.by_calendar_month[6]
    assert (july.name, july.mean) == ("July", 40)
    # The average month is 280 / 12; July is 40 / (280 / 12) = 171 against 100.
    assert july.index == pytest.approx(40 / (280 / 12) * 100)
    assert profile.by_calendar_month[0].index == pytest.approx(20 / (280 / 12) * 100)


def test_three_peaks_are_listed_in_calendar_order() -> None:
    year = [20, 20, 20, 20, 35, 20, 40, 20, 20, 20, 20, 30]
    profile = seasonal_profile(series_from(month(2022, 1), year * 2), subject="Knife crime")
    assert profile.sentence == "Knife crime usually peaks in May, July and December."


def test_plural_subject_and_no_clear_peak() -> None:
    profile = seasonal_profile(series_from(month(2022, 1), [20] * 24), subject="Homicides")
    assert profile.peak_months == []
    assert profile.sentence == (
        "Homicides show no clear seasonal peak: no month is 10% or more above the average month."
    )


def test_profile_averages_whole_years_only() -> None:
    # 30 months to June 2024 with a gap in March 2023: of the years ending in June, only
    # July 2023 to June 2024 is whole.
    counts: list[int | None] = [10] * 30
    counts[14] = None
    profile = seasonal_profile(series_from(month(2022, 1), counts))
    assert profile.years == 1
    assert profile.peak_months == []
    assert "only one whole year" in profile.sentence


def test_less_than_a_year_has_no_profile() -> None:
    profile = seasonal_profile(series_from(month(2024, 1), [5] * 8))
    assert profile.years == 0
    assert all(m.mean is None for m in profile.by_calendar_month)
    assert profile.sentence == "There is not yet a whole year of data to show a seasonal pattern."


def test_decomposition_only_with_24_months_in_a_row() -> None:
    broken = seasonal_profile(series_from(month(2022, 1), SUMMER_PEAK * 2 + [None] + SUMMER_PEAK))
    assert broken.decomposition is not None  # the first 24 months are in a row
    assert broken.decomposition.months[-1] == month(2023, 12)

    gappy = SUMMER_PEAK * 2
    gappy[12] = None
    profile = seasonal_profile(series_from(month(2022, 1), gappy))
    assert profile.decomposition is None
    assert profile.decomposition_note == (
        "A seasonal decomposition needs at least 24 months in a row with data; "
        "the longest run here is 12 months."
    )


def test_decomposition_separates_the_summer_peak_from_a_falling_trend() -> None:
    falling = [c + 30 - k for k, c in enumerate(SUMMER_PEAK * 3)]
    profile = seasonal_profile(series_from(month(2022, 1), falling))

    d = profile.decomposition
    assert d is not None
    assert len(d.months) == len(d.trend) == len(d.seasonal) == len(d.residual) == 36
    assert d.months[0] == month(2022, 1)
    assert d.trend[0] > d.trend[-1] + 25  # the trend falls by about a month a month
    july, march = d.seasonal[18], d.seasonal[14]
    assert july > march + 10
    for k in range(36):
        assert d.observed[k] == pytest.approx(d.trend[k] + d.seasonal[k] + d.residual[k])
