"""Reads of the at-risk list: who is on it today, how many left it, and how the list compares
with the area's population.

An entry is on the list while it is active and its review date has not passed. One past its
review date leaves the list on read, the day after that date, even before the daily command
(`manage.py pathway_daily`) records it as expired. Entries that left are only ever counted,
never named.
"""

from __future__ import annotations

from collections import Counter as Tally
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q, QuerySet

from vrhub.accounts.models import User
from vrhub.referrals.models import Ethnicity, Sex

from .figures import (
    BAND_LABELS,
    NOT_KNOWN,
    NOT_RECORDED,
    UNDER_10,
    age_band_today,
    months_before,
)
from .models import (
    AtRiskEntry,
    AtRiskReason,
    AtRiskStatus,
    PopulationDimension,
    PopulationShare,
)

# An entry whose review falls within this many days is tagged "review due".
REVIEW_DUE_DAYS = 14
# Entries that left the list are counted over this many months.
DEPARTED_MONTHS = 3


def current_entries(today: date) -> QuerySet[AtRiskEntry]:
    return AtRiskEntry.objects.filter(status=AtRiskStatus.ACTIVE, review_on__gte=today)


@dataclass(frozen=True)
class ListFilter:
    owner_id: int | None = None
    reason: str = ""


def list_entries(today: date, criteria: ListFilter = ListFilter()) -> QuerySet[AtRiskEntry]:
    """The current entries with what the list shows of each (name, case, owner), review first."""
    entries = current_entries(today)
    if criteria.owner_id is not None:
        entries = entries.filter(owner_id=criteria.owner_id)
    if criteria.reason:
        entries = entries.filter(reason=criteria.reason)
    return entries.select_related("case__referral", "owner").order_by("review_on", "id")


def review_due(entry: AtRiskEntry, today: date) -> bool:
    return entry.review_on <= today + timedelta(days=REVIEW_DUE_DAYS)


def owners(today: date) -> QuerySet[User]:
    """The owners of current entries, to filter the list by."""
    return User.objects.filter(pk__in=current_entries(today).values("owner_id")).order_by(
        "full_name"
    )


@dataclass(frozen=True)
class Departed:
    since: date
    expired: int
    removed: int


def departed(today: date) -> Departed:
    """How many entries left the list in the last months, by why: counts, never names. An
    entry past its review date that the daily command has not yet marked counts as expired."""
    since = months_before(today, DEPARTED_MONTHS)
    counts = AtRiskEntry.objects.aggregate(
        expired=Count(
            "pk",
            filter=Q(status=AtRiskStatus.EXPIRED, ended_on__gte=since)
            | Q(status=AtRiskStatus.ACTIVE, review_on__lt=today, review_on__gte=since),
        ),
        removed=Count("pk", filter=Q(status=AtRiskStatus.REMOVED, ended_on__gte=since)),
    )
    return Departed(since=since, expired=counts["expired"], removed=counts["removed"])


# Disproportionality: the list beside the area's population.


@dataclass(frozen=True)
class Comparison:
    category: str
    label: str
    listed: int
    listed_percent: Decimal
    population_percent: Decimal | None

    @property
    def difference(self) -> Decimal | None:
        """Percentage points by which the list's share exceeds (or, negative, falls short of)
        the population's."""
        if self.population_percent is None:
            return None
        return self.listed_percent - self.population_percent

    @property
    def difference_shown(self) -> str:
        gap = self.difference
        if gap is None:
            return "No population figure"
        if gap == 0:
            return "0.0"
        return f"+{gap:.1f}" if gap > 0 else f"−{-gap:.1f}"  # noqa: RUF001 - a minus sign


@dataclass(frozen=True)
class DimensionComparison:
    dimension: str
    title: str
    total: int
    rows: list[Comparison]
    sources: list[str]


def _percent(part: int, whole: int) -> Decimal:
    if not whole:
        return Decimal("0.0")
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def categories(dimension: str) -> list[tuple[str, str]]:
    """The categories of a dimension as the population table names them, with their labels."""
    if dimension == PopulationDimension.ETHNICITY:
        return [(str(e.value), str(e.label)) for e in Ethnicity]
    if dimension == PopulationDimension.SEX:
        return [(str(s.value), str(s.label)) for s in Sex]
    return [(band, band) for band in BAND_LABELS]


def disproportionality(today: date) -> list[DimensionComparison]:
    """The current list by ethnic group, sex and age band, as counts and percentages, beside
    the population's percentage of each, so over-representation shows at a glance."""
    # One pass over the list, grouped by all three; each dimension is then added up.
    groups = (
        current_entries(today)
        .values(
            ethnic_group=F("case__referral__ethnicity"),
            sex_code=F("case__referral__sex"),
            band=age_band_today("case__referral__date_of_birth", today),
        )
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts: dict[str, Tally[str]] = {d.value: Tally() for d in PopulationDimension}
    for group in groups:
        counts[PopulationDimension.ETHNICITY][group["ethnic_group"] or ""] += group["n"]
        counts[PopulationDimension.SEX][group["sex_code"] or ""] += group["n"]
        counts[PopulationDimension.AGE_BAND][group["band"]] += group["n"]
    shares: dict[str, dict[str, PopulationShare]] = {d.value: {} for d in PopulationDimension}
    for share in PopulationShare.objects.all():
        shares.setdefault(share.dimension, {})[share.category] = share
    result = []
    for dimension in PopulationDimension:
        tally, known = counts[dimension.value], shares[dimension.value]
        total = sum(tally.values())
        extra = {
            "": NOT_RECORDED,
            UNDER_10: UNDER_10,
            NOT_KNOWN: NOT_KNOWN,
        }
        rows_for = categories(dimension.value)
        named = {code for code, _ in rows_for}
        rows_for += [
            (code, extra.get(code, code)) for code in sorted(set(tally) - named) if tally[code]
        ]
        rows = [
            Comparison(
                category=code,
                label=label,
                listed=tally.get(code, 0),
                listed_percent=_percent(tally.get(code, 0), total),
                population_percent=known[code].percent if code in known else None,
            )
            for code, label in rows_for
            if tally.get(code, 0) or code in known
        ]
        result.append(
            DimensionComparison(
                dimension=dimension.value,
                title=str(dimension.label),
                total=total,
                rows=rows,
                sources=sorted({s.source for s in known.values()}),
            )
        )
    return result


def reasons() -> list[tuple[str, str]]:
    return [(str(r.value), str(r.label)) for r in AtRiskReason]
