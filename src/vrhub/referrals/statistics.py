"""Referral figures for the programme manager: by month and quarter, referring agency,
eligibility outcome, age band and sex. Counts only, never a name."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncMonth

from .eligibility import age_on
from .models import Eligibility, Referral, ReferralStatus, Sex

AGE_BANDS = [(10, 13), (14, 15), (16, 17), (18, 20), (21, 24), (25, 29), (30, 39), (40, 200)]


def _band(age: int) -> str:
    for low, high in AGE_BANDS:
        if low <= age <= high:
            return f"{low} and over" if high >= 200 else f"{low} to {high}"
    return "Under 10"


@dataclass(frozen=True)
class Table:
    slug: str
    title: str
    headers: list[str]
    rows: list[list[str | int]]

    @property
    def total(self) -> int:
        return sum(int(r[-1]) for r in self.rows)


def _with_empty_months(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every month from the first to the last, with 0 where none were sent: a gap is a month
    with no referrals, and the table should say so rather than skip it."""
    if not rows:
        return rows
    counts = {(r["month"].year, r["month"].month): r["n"] for r in rows}
    first, last = rows[0]["month"], rows[-1]["month"]
    year, month, filled = first.year, first.month, []
    while (year, month) <= (last.year, last.month):
        filled.append({"month": date(year, month, 1), "n": counts.get((year, month), 0)})
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return filled


def sent_referrals() -> QuerySet[Referral]:
    return Referral.objects.exclude(status=ReferralStatus.DRAFT).exclude(submitted_at=None)


def _months(referrals: QuerySet[Referral]) -> list[dict[str, Any]]:
    return _with_empty_months(
        [
            {"month": row["month"], "n": row["n"]}
            for row in referrals.annotate(month=TruncMonth("submitted_at"))
            .values("month")
            .annotate(n=Count("id"))
            .order_by("month")
        ]
    )


def _by_month(referrals: QuerySet[Referral]) -> Table:
    return Table(
        "by-month",
        "Referrals by month",
        ["Month", "Referrals"],
        [[f"{r['month']:%B %Y}", r["n"]] for r in _months(referrals)],
    )


def _by_quarter(referrals: QuerySet[Referral]) -> Table:
    quarters: Counter[str] = Counter()
    for row in _months(referrals):
        month = row["month"]
        quarters[f"{month.year} Q{(month.month - 1) // 3 + 1}"] += row["n"]
    return Table(
        "by-quarter",
        "Referrals by quarter",
        ["Quarter", "Referrals"],
        [[q, n] for q, n in sorted(quarters.items())],
    )


def _by_agency(referrals: QuerySet[Referral]) -> Table:
    rows = (
        referrals.values("referring_agency__name")
        .annotate(n=Count("id"))
        .order_by("-n", "referring_agency__name")
    )
    return Table(
        "by-agency",
        "Referrals by referring agency",
        ["Agency", "Referrals"],
        [[r["referring_agency__name"], r["n"]] for r in rows],
    )


def _by_eligibility(referrals: QuerySet[Referral]) -> Table:
    counts = {
        r["eligibility"]: r["n"]
        for r in referrals.values("eligibility").annotate(n=Count("id")).order_by()
    }
    return Table(
        "by-eligibility",
        "Referrals by eligibility outcome",
        ["Outcome", "Referrals"],
        [[str(e.label), counts.get(e.value, 0)] for e in Eligibility],
    )


def _by_age_and_sex(referrals: QuerySet[Referral]) -> Table:
    age_sex: Counter[tuple[str, str]] = Counter()
    for born, on, sex in referrals.values_list("date_of_birth", "referral_date", "sex").iterator(
        chunk_size=5000
    ):
        band = _band(age_on(born, on)) if born and on else "Not known"
        age_sex[(band, sex)] += 1
    bands = [_band(low) for low, _ in AGE_BANDS] + ["Not known"]
    return Table(
        "by-age-and-sex",
        "Referrals by age band and sex",
        ["Age band", *[str(s.label) for s in Sex], "All"],
        [
            [
                band,
                *[age_sex[(band, s.value)] for s in Sex],
                sum(age_sex[(band, s.value)] for s in Sex),
            ]
            for band in bands
            if any(age_sex[(band, s.value)] for s in Sex)
        ],
    )


# Each table by the name it has in its download's address, in the order the page shows them.
BUILDERS: dict[str, Callable[[QuerySet[Referral]], Table]] = {
    "by-month": _by_month,
    "by-quarter": _by_quarter,
    "by-agency": _by_agency,
    "by-eligibility": _by_eligibility,
    "by-age-and-sex": _by_age_and_sex,
}


def tables() -> list[Table]:
    referrals = sent_referrals()
    return [build(referrals) for build in BUILDERS.values()]


def table(slug: str) -> Table | None:
    """One table, built alone (a download need not count everything else)."""
    build = BUILDERS.get(slug)
    return build(sent_referrals()) if build else None
