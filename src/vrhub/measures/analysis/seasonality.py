"""When in the year violence rises: the average of each calendar month over whole years, the
months that usually peak named in words, and an STL seasonal decomposition (statsmodels) when
there are at least 24 months in a row with data.

A "whole year" here is a run of 12 months with data ending in the latest month with data, or
12, 24, ... months before it, so every calendar month is averaged over the same years.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from vrhub.measures.analysis.periods import MONTHS, add_months, is_plural, lower_first
from vrhub.measures.analysis.series import MonthCount

# A month peaks when its average is at least this far above the average month (100).
PEAK_INDEX = 110.0
MAX_PEAK_MONTHS = 4
MIN_YEARS_FOR_PEAKS = 2
MIN_MONTHS_FOR_STL = 24


@dataclass(frozen=True)
class CalendarMonth:
    month: int  # 1 = January
    name: str
    mean: float | None  # average count in this month over the whole years
    index: float | None  # mean against the average month (100)


@dataclass(frozen=True)
class Decomposition:
    months: list[date]
    observed: list[float]
    trend: list[float]
    seasonal: list[float]
    residual: list[float]


@dataclass(frozen=True)
class Profile:
    by_calendar_month: list[CalendarMonth]  # January to December
    peak_months: list[str]  # month names in calendar order, e.g. ["July", "August"]
    sentence: str  # "Violence usually peaks in July and August."
    decomposition: Decomposition | None
    decomposition_note: str = ""  # why there is no decomposition, when there is none
    years: int = 0  # whole years averaged


def _list_words(items: Sequence[str]) -> str:
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


def _whole_years(counts: dict[date, int | None]) -> list[list[int]]:
    known = [m for m, c in counts.items() if c is not None]
    if not known:
        return []
    years = []
    end = max(known)
    first = min(counts)
    while add_months(end, -11) >= first:
        span = [add_months(end, -k) for k in range(11, -1, -1)]
        values = [counts.get(m) for m in span]
        if all(v is not None for v in values):
            years.append([counts[m] or 0 for m in sorted(span, key=lambda d: d.month)])
        end = add_months(end, -12)
    return years


def _longest_run(series: Sequence[MonthCount]) -> list[MonthCount]:
    """The longest run of consecutive months with data (the latest, if two are as long)."""
    best: list[MonthCount] = []
    run: list[MonthCount] = []
    for mc in sorted(series, key=lambda mc: mc.month):
        if mc.count is not None and (not run or add_months(run[-1].month, 1) == mc.month):
            run.append(mc)
        elif mc.count is not None:
            run = [mc]
        else:
            run = []
        if len(run) >= len(best):
            best = list(run)
    return best


def decompose(series: Sequence[MonthCount]) -> tuple[Decomposition | None, str]:
    """STL (period 12, robust to outliers) over the longest run of months with data."""
    run = _longest_run(series)
    if len(run) < MIN_MONTHS_FOR_STL:
        return None, (
            f"A seasonal decomposition needs at least {MIN_MONTHS_FOR_STL} months in a row with "
            f"data; the longest run here is {len(run)} month{'' if len(run) == 1 else 's'}."
        )
    from statsmodels.tsa.seasonal import STL

    observed = np.array([mc.count for mc in run], dtype=float)
    result = STL(observed, period=12, robust=True).fit()
    return (
        Decomposition(
            months=[mc.month for mc in run],
            observed=observed.tolist(),
            trend=np.asarray(result.trend, dtype=float).tolist(),
            seasonal=np.asarray(result.seasonal, dtype=float).tolist(),
            residual=np.asarray(result.resid, dtype=float).tolist(),
        ),
        "",
    )


def seasonal_profile(series: Sequence[MonthCount], *, subject: str = "Violence") -> Profile:
    """The monthly profile of a series, with the months that usually peak in a sentence about
    `subject` ("Violence usually peaks in July and August.")."""
    counts = {mc.month.replace(day=1): mc.count for mc in series}
    years = _whole_years(counts)
    decomposition, note = decompose(series)
    if not years:
        return Profile(
            by_calendar_month=[
                CalendarMonth(i + 1, name, None, None) for i, name in enumerate(MONTHS)
            ],
            peak_months=[],
            sentence="There is not yet a whole year of data to show a seasonal pattern.",
            decomposition=decomposition,
            decomposition_note=note,
            years=0,
        )
    means = np.mean(np.array(years, dtype=float), axis=0)
    average = float(means.mean())
    indices = means / average * 100 if average else np.full(12, np.nan)
    by_month = [
        CalendarMonth(
            i + 1,
            MONTHS[i],
            float(means[i]),
            None if np.isnan(indices[i]) else float(indices[i]),
        )
        for i in range(12)
    ]
    peaking = sorted(
        (m for m in by_month if m.index is not None and m.index >= PEAK_INDEX),
        key=lambda m: -(m.index or 0),
    )[:MAX_PEAK_MONTHS]
    peak_months = [m.name for m in sorted(peaking, key=lambda m: m.month)]
    peaks = "peak" if is_plural(subject) else "peaks"
    if len(years) < MIN_YEARS_FOR_PEAKS:
        sentence = (
            f"There is only one whole year of data, not enough to say when "
            f"{lower_first(subject)} usually {peaks}."
        )
        peak_months = []
    elif not average:
        sentence = (
            f"There is nothing to profile: no {lower_first(subject)} in the whole years of data."
        )
    elif peak_months:
        sentence = f"{subject} usually {peaks} in {_list_words(peak_months)}."
    else:
        sentence = (
            f"{subject} {'show' if is_plural(subject) else 'shows'} no clear seasonal peak: "
            f"no month is {PEAK_INDEX - 100:.0f}% or more above the average month."
        )
    return Profile(
        by_calendar_month=by_month,
        peak_months=peak_months,
        sentence=sentence,
        decomposition=decomposition,
        decomposition_note=note,
        years=len(years),
    )
