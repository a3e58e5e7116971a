"""Programme figures: how many people are referred, triaged, offered CIRV, worked with, listed as
at risk and closed, with breakdowns by area, sex and age band. Counts only, never a name.

Every figure is counted in the database (conditional aggregation and GROUP BY), in a fixed
number of queries however many cases and contacts there are. Flows (referrals sent, accepted at
triage, offers refused, closures) are counted in the chosen period; stocks (awaiting triage,
being worked with, on the at-risk list) as they are today.

Scrutiny members may not see small numbers: for them every count under
settings.VRHUB_SMALL_NUMBER_THRESHOLD, 0 included, reads "fewer than 5", and the number itself
is dropped here, so no page, download or API answer can show it.
"""

from __future__ import annotations

import calendar
from collections import Counter as Tally
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Case as SqlCase
from django.db.models import CharField, F, Q, Value, When
from django.db.models import Count as CountRows
from django.utils import timezone

from vrhub.accounts.models import User
from vrhub.audit.models import AuditAction
from vrhub.audit.services import record
from vrhub.referrals.models import ProgrammeArea, Referral, ReferralStatus, Sex

from .models import AtRiskEntry, AtRiskStatus, Case, Offer, OfferAnswer
from .pathway import CASE_STEPS, ClosureReason

# Age bands as the partnership reports them; also the categories of the age band population
# shares the at-risk list is compared with.
AGE_BANDS: list[tuple[str, int]] = [("10-13", 10), ("14-17", 14), ("18-24", 18), ("25-30", 25)]
OLDEST_BAND = ("31+", 31)
BAND_LABELS = [label for label, _ in AGE_BANDS] + [OLDEST_BAND[0]]
UNDER_10 = "Under 10"
NOT_KNOWN = "Not known"
NOT_RECORDED = "Not recorded"
OUT_OF_AREA = "Out of area"


def years_before(day: date, years: int) -> date:
    """The same day `years` earlier; 28 February for a 29 February in a year without one."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def months_before(day: date, months: int) -> date:
    """The same day `months` earlier, or the last day of that month if it is shorter."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def _youngest_first() -> list[tuple[str, int]]:
    return [*AGE_BANDS, OLDEST_BAND]


def age_band_today(date_of_birth: str, today: date) -> SqlCase:
    """The age band on `today` of the date of birth in field `date_of_birth`, as SQL: each band's
    lowest age becomes the latest date of birth in it, so the database compares dates only."""
    whens = [When(**{f"{date_of_birth}__isnull": True}, then=Value(NOT_KNOWN))]
    for label, lowest in reversed(_youngest_first()):
        latest_birth = years_before(today, lowest)
        whens.append(When(**{f"{date_of_birth}__lte": latest_birth}, then=Value(label)))
    return SqlCase(*whens, default=Value(UNDER_10), output_field=CharField())


def band_of_age(age: int | None) -> str:
    if age is None:
        return NOT_KNOWN
    for label, lowest in reversed(_youngest_first()):
        if age >= lowest:
            return label
    return UNDER_10


def age_band_of(date_of_birth: date | None, today: date) -> str:
    """The same banding for one person, in Python (for a row already loaded)."""
    if date_of_birth is None:
        return NOT_KNOWN
    for label, lowest in reversed(_youngest_first()):
        if date_of_birth <= years_before(today, lowest):
            return label
    return UNDER_10


@dataclass(frozen=True)
class Count:
    """A count as it may be shown to this user. `value` is None when it is suppressed: the
    number is not kept, so nothing downstream can print it by mistake."""

    value: int | None
    # Not small itself, but hidden so a small count beside it cannot be worked out from the
    # table's total (secondary suppression).
    withheld: bool = False

    @classmethod
    def of(cls, number: int, *, exact: bool) -> Count:
        if not exact and number < settings.VRHUB_SMALL_NUMBER_THRESHOLD:
            return cls(None)
        return cls(number)

    @property
    def suppressed(self) -> bool:
        return self.value is None

    @property
    def shown(self) -> str:
        if self.withheld:
            return "withheld"
        if self.value is None:
            return f"fewer than {settings.VRHUB_SMALL_NUMBER_THRESHOLD}"
        return f"{self.value:,}"

    def __str__(self) -> str:
        return self.shown


@dataclass(frozen=True)
class Figure:
    """One line of a breakdown: a code (a step, reason, sex or band), its label and count."""

    code: str
    label: str
    count: Count


def protected(lines: list[Figure]) -> list[Figure]:
    """A breakdown whose total is shown elsewhere: if exactly one line is suppressed, the total
    minus the others would give it away, so the smallest other line is withheld too."""
    hidden = [line for line in lines if line.count.suppressed]
    shown = [line for line in lines if not line.count.suppressed]
    if len(hidden) != 1 or not shown:
        return lines
    smallest = min(shown, key=lambda line: line.count.value or 0)
    return [
        Figure(line.code, line.label, Count(None, withheld=True)) if line is smallest else line
        for line in lines
    ]


@dataclass(frozen=True)
class Table:
    slug: str
    title: str
    headers: list[str]
    rows: list[Figure]


@dataclass(frozen=True)
class Period:
    """From `start` to `end`, both days included; either may be open."""

    start: date | None
    end: date | None

    def q(self, field: str, *, dates: bool = False) -> Q:
        """The period as a filter on a date (`dates`) or datetime field."""
        condition = Q()
        if self.start is not None:
            start: date | datetime = self.start if dates else _start_of(self.start)
            condition &= Q(**{f"{field}__gte": start})
        if self.end is not None:
            if dates:
                condition &= Q(**{f"{field}__lte": self.end})
            else:
                condition &= Q(**{f"{field}__lt": _start_of(self.end + timedelta(days=1))})
        return condition

    @property
    def described(self) -> str:
        if self.start and self.end:
            return f"from {self.start:%-d %B %Y} to {self.end:%-d %B %Y}"
        if self.start:
            return f"since {self.start:%-d %B %Y}"
        if self.end:
            return f"up to {self.end:%-d %B %Y}"
        return "to date"


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def financial_year_start(today: date) -> date:
    """1 April of the financial year `today` is in."""
    return date(today.year if today.month >= 4 else today.year - 1, 4, 1)


@dataclass(frozen=True)
class ProgrammeSummary:
    period: Period
    exact: bool
    referrals_to_date: Count
    referrals_in_period: Count
    awaiting_triage: Count
    accepted_at_triage: Count
    offers_declined: Count
    offers_no_response: Count
    being_worked_with: Count
    on_at_risk_list: Count
    by_step: list[Figure]
    closed_by_reason: list[Figure]
    open_by_area: list[Figure]
    open_by_sex: list[Figure]
    open_by_age_band: list[Figure]
    referrals_by_area: list[Figure]
    referrals_by_sex: list[Figure]
    referrals_by_age_band: list[Figure]

    @property
    def start(self) -> date | None:
        return self.period.start

    @property
    def end(self) -> date | None:
        return self.period.end

    def tables(self) -> list[Table]:
        """The figures as the page and the downloads show them, in the page's order."""
        during = self.period.described
        pathway = [
            Figure("referrals_to_date", "Referrals sent to date", self.referrals_to_date),
            Figure("referrals_in_period", f"Referrals sent {during}", self.referrals_in_period),
            Figure("awaiting_triage", "Awaiting triage now", self.awaiting_triage),
            Figure("accepted_at_triage", f"Accepted at triage {during}", self.accepted_at_triage),
            Figure("offers_declined", f"Declined the CIRV offer {during}", self.offers_declined),
            Figure(
                "offers_no_response",
                f"Did not answer the CIRV offer in time {during}",
                self.offers_no_response,
            ),
            Figure("being_worked_with", "Being worked with now", self.being_worked_with),
            Figure("on_at_risk_list", "On the at-risk list now", self.on_at_risk_list),
        ]
        return [
            Table("pathway", "The CIRV pathway", ["Figure", "Number"], pathway),
            Table("by-step", "Being worked with now, by step", ["Step", "People"], self.by_step),
            Table(
                "closed-by-reason",
                f"Cases closed {during}, by reason",
                ["Reason", "Cases"],
                self.closed_by_reason,
            ),
            Table(
                "open-by-area",
                "Being worked with now, by area",
                ["Area", "People"],
                self.open_by_area,
            ),
            Table(
                "open-by-sex", "Being worked with now, by sex", ["Sex", "People"], self.open_by_sex
            ),
            Table(
                "open-by-age-band",
                "Being worked with now, by age band",
                ["Age band", "People"],
                self.open_by_age_band,
            ),
            Table(
                "referrals-by-area",
                f"Referrals sent {during}, by area",
                ["Area", "Referrals"],
                self.referrals_by_area,
            ),
            Table(
                "referrals-by-sex",
                f"Referrals sent {during}, by sex",
                ["Sex", "Referrals"],
                self.referrals_by_sex,
            ),
            Table(
                "referrals-by-age-band",
                f"Referrals sent {during}, by age band on the referral date",
                ["Age band", "Referrals"],
                self.referrals_by_age_band,
            ),
        ]

    def table(self, slug: str) -> Table | None:
        return next((t for t in self.tables() if t.slug == slug), None)


TABLE_SLUGS = frozenset(
    {
        "pathway",
        "by-step",
        "closed-by-reason",
        "open-by-area",
        "open-by-sex",
        "open-by-age-band",
        "referrals-by-area",
        "referrals-by-sex",
        "referrals-by-age-band",
    }
)


def _breakdowns(
    rows: Iterable[Mapping[str, Any]], areas: list[str], exact: bool
) -> tuple[list[Figure], list[Figure], list[Figure]]:
    """Fold one GROUP BY (area, sex, band or age) into three breakdowns. The loop is over the
    groups the database returned (areas x sexes x ages), never over people."""
    by_area: Tally[str] = Tally()
    by_sex: Tally[str] = Tally()
    by_band: Tally[str] = Tally()
    for row in rows:
        by_area[row["area_name"] or OUT_OF_AREA] += row["n"]
        by_sex[row["sex_code"] or ""] += row["n"]
        by_band[row["band"] if "band" in row else band_of_age(row["age"])] += row["n"]
    area_names = [*areas, *sorted(set(by_area) - set(areas) - {OUT_OF_AREA})]
    if by_area[OUT_OF_AREA]:
        area_names.append(OUT_OF_AREA)
    sexes = [(str(s.value), str(s.label)) for s in Sex]
    if by_sex[""]:
        sexes.append(("", NOT_RECORDED))
    bands = list(BAND_LABELS)
    bands = [UNDER_10, *bands] if by_band[UNDER_10] else bands
    if by_band[NOT_KNOWN]:
        bands.append(NOT_KNOWN)
    return (
        protected(
            [Figure(name, name, Count.of(by_area[name], exact=exact)) for name in area_names]
        ),
        protected(
            [Figure(code, label, Count.of(by_sex[code], exact=exact)) for code, label in sexes]
        ),
        protected([Figure(band, band, Count.of(by_band[band], exact=exact)) for band in bands]),
    )


def programme_summary(*, start: date | None, end: date | None, exact: bool) -> ProgrammeSummary:
    """The programme's figures for the period (both days included; None: unbounded). `exact`:
    whether this user may see counts under the small-number threshold."""
    today = timezone.localdate()
    period = Period(start, end)

    def count(number: int) -> Count:
        return Count.of(number, exact=exact)

    sent = Referral.objects.exclude(status=ReferralStatus.DRAFT)
    awaiting = Referral.objects.filter(status=ReferralStatus.AWAITING_TRIAGE).count()
    # Open cases by step through the (is_open, step) index; the period's flows in one scan each.
    at_step: Tally[int] = Tally(
        {
            row["step"]: row["n"]
            for row in Case.objects.filter(is_open=True)
            .values("step")
            .annotate(n=CountRows("pk"))
            .order_by()
        }
    )
    closed_for: Tally[str] = Tally(
        {
            row["closure_reason"]: row["n"]
            # A closed case has a closing time and an open one none (reopening clears it), so
            # this reads the (closed_at, closure_reason) index alone.
            for row in Case.objects.filter(Q(closed_at__isnull=False) & period.q("closed_at"))
            .values("closure_reason")
            .annotate(n=CountRows("pk"))
            .order_by()
        }
    )
    accepted = Case.objects.filter(period.q("opened_at")).count()
    # Two counts, each a range of its own (answer, date) index.
    offers = {
        "declined": Offer.objects.filter(
            Q(answer=OfferAnswer.DECLINED) & period.q("answered_on", dates=True)
        ).count(),
        # A lapsed offer has no answer date: it lapsed when its respond-by date passed.
        "no_response": Offer.objects.filter(
            Q(answer=OfferAnswer.NO_RESPONSE) & period.q("respond_by", dates=True)
        ).count(),
    }
    listed = AtRiskEntry.objects.filter(status=AtRiskStatus.ACTIVE, review_on__gte=today).count()
    area_names = dict(ProgrammeArea.objects.order_by("name").values_list("pk", "name"))
    areas = list(area_names.values())
    # Grouped by the area's name, not its id: grouping by the referral's own columns tempts
    # SQLite into walking every referral through the figures index instead of the open cases.
    open_rows = (
        Case.objects.filter(is_open=True)
        .values(
            area_name=F("referral__area__name"),
            sex_code=F("referral__sex"),
            band=age_band_today("referral__date_of_birth", today),
        )
        .annotate(n=CountRows("pk"))
        .order_by()
    )
    # Every sent referral, grouped in the order of the referral_figures index (which covers
    # these columns) and counted only when sent in the period: one scan of a narrow index,
    # with no sorting, whatever the period.
    groups = list(
        sent.values("area", "sex", age=F("age_at_referral"))
        .annotate(n=CountRows("pk", filter=period.q("submitted_at")), to_date=CountRows("pk"))
        .order_by("area", "sex", "age_at_referral")
    )
    # The same scan gives the totals: referrals to date, and in the period.
    referrals = {
        "to_date": sum(row["to_date"] for row in groups),
        "in_period": sum(row["n"] for row in groups),
        "awaiting": awaiting,
    }
    referral_rows = [
        {"area_name": area_names.get(row["area"]), "sex_code": row["sex"], **row}
        for row in groups
        if row["n"]
    ]
    open_by_area, open_by_sex, open_by_band = _breakdowns(open_rows, areas, exact)
    referrals_by_area, referrals_by_sex, referrals_by_band = _breakdowns(
        referral_rows, areas, exact
    )
    return ProgrammeSummary(
        period=period,
        exact=exact,
        referrals_to_date=count(referrals["to_date"]),
        referrals_in_period=count(referrals["in_period"]),
        awaiting_triage=count(referrals["awaiting"]),
        accepted_at_triage=count(accepted),
        offers_declined=count(offers["declined"]),
        offers_no_response=count(offers["no_response"]),
        being_worked_with=count(sum(at_step.values())),
        on_at_risk_list=count(listed),
        by_step=protected(
            [
                Figure(str(int(step)), f"{int(step)}. {step.label}", count(at_step[int(step)]))
                for step in CASE_STEPS
            ]
        ),
        closed_by_reason=protected(
            [
                Figure(reason.value, str(reason.label), count(closed_for[reason.value]))
                for reason in ClosureReason
            ]
        ),
        open_by_area=open_by_area,
        open_by_sex=open_by_sex,
        open_by_age_band=open_by_band,
        referrals_by_area=referrals_by_area,
        referrals_by_sex=referrals_by_sex,
        referrals_by_age_band=referrals_by_band,
    )


def programme_figures_viewed(
    *, actor: User, period: Period, exact: bool, view: str, table: str = ""
) -> None:
    """Record that someone looked at, or downloaded, the programme figures. No person is named:
    the figures are counts."""
    detail: dict[str, str | bool] = {
        "view": view,
        "start": period.start.isoformat() if period.start else "",
        "end": period.end.isoformat() if period.end else "",
        "exact": exact,
    }
    if table:
        detail["table"] = table
    with transaction.atomic(durable=True):
        record(
            action=AuditAction.PROGRAMME_FIGURES_VIEWED,
            actor=actor,
            target_type="programme_figures",
            detail=detail,
        )
