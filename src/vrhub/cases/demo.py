"""Demo casework on the CIRV pathway: the staff who carry caseloads, a year of cases taken
through steps 3 to 8 (offers, reachable moments, mentors, contacts, needs, goals and service
plans), closures of every kind, the at-risk list with its reviews and expiries, families, a
release from custody, a police disruption plan, and the population shares the at-risk list is
compared with.

Every change goes through the pathway services, so the audit trail and the rules are the ones
users meet. The services date what they record today, and a demo year cannot be lived in a
second: after each service call, the dates of what it recorded are moved back to the demo
day with queryset updates, in this module only, each marked "Backdating".
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import pairwise

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import Subquery
from django.utils import timezone

from vrhub.accounts.demo import _password, demo_user
from vrhub.accounts.models import Role, User
from vrhub.core.demo import SEED, DemoWorld
from vrhub.referrals.demo import FIRST
from vrhub.referrals.eligibility import age_on
from vrhub.referrals.models import Concern, Ethnicity, Service, Sex
from vrhub.triage.models import Contribution

from . import services
from .models import (
    AtRiskEntry,
    AtRiskReview,
    AtRiskStatus,
    Case,
    CaseMove,
    Contact,
    ContactMethod,
    CustodyRelease,
    DisruptionPlan,
    FamilyMember,
    FamilyRole,
    Goal,
    GoalStatus,
    MomentKind,
    NeedDomain,
    NeedsAssessment,
    Offer,
    OfferAnswer,
    OfferMethod,
    PlannedService,
    PlannedServiceStatus,
    PopulationDimension,
    PopulationShare,
    ReachableMoment,
)
from .pathway import ClosureReason, PlacementOutcome, Step

# More staff, so caseloads look like a team's: police-staff caseworkers (as in the West
# Midlands), mentors from St Giles Trust and the police, and the health and education members
# of the triage panel. Email local part, full name, agency key, roles.
STAFF = [
    ("caseworker2", "Carla Caseworker", "police", [Role.CASEWORKER]),
    ("caseworker3", "Connor Caseworker", "police", [Role.CASEWORKER]),
    ("mentor2", "Marcus Mentor", "st_giles", [Role.MENTOR]),
    ("mentor3", "Megan Mentor", "st_giles", [Role.MENTOR]),
    ("mentor4", "Mo Mentor", "police", [Role.MENTOR]),
    ("panel-health", "Hana Health-Panel", "acute_trust", [Role.TRIAGE_PANEL_MEMBER]),
    ("panel-school", "Evan Education-Panel", "coventry_school", [Role.TRIAGE_PANEL_MEMBER]),
]
# How the demo mentors share the mentees: the demo mentor has the most.
MENTOR_WEIGHTS = {"mentor": 35, "mentor2": 25, "mentor3": 20, "mentor4": 20}

POPULATION_SOURCE = "Demo figures, not real"
# Made up, but shaped like Coventry and Wolverhampton together (each dimension adds up to 100).
POPULATION_SHARES: dict[str, dict[str, str]] = {
    PopulationDimension.ETHNICITY: {
        Ethnicity.BANGLADESHI: "1.20",
        Ethnicity.CHINESE: "1.30",
        Ethnicity.INDIAN: "11.00",
        Ethnicity.PAKISTANI: "3.10",
        Ethnicity.OTHER_ASIAN: "2.90",
        Ethnicity.AFRICAN: "5.20",
        Ethnicity.CARIBBEAN: "2.40",
        Ethnicity.OTHER_BLACK: "1.10",
        Ethnicity.WHITE_ASIAN: "1.00",
        Ethnicity.WHITE_BLACK_AFRICAN: "0.60",
        Ethnicity.WHITE_BLACK_CARIBBEAN: "2.20",
        Ethnicity.OTHER_MIXED: "0.80",
        Ethnicity.BRITISH: "55.60",
        Ethnicity.IRISH: "0.90",
        Ethnicity.GYPSY_TRAVELLER: "0.10",
        Ethnicity.ROMA: "0.40",
        Ethnicity.OTHER_WHITE: "6.70",
        Ethnicity.ARAB: "0.90",
        Ethnicity.OTHER: "2.60",
    },
    PopulationDimension.SEX: {Sex.FEMALE: "50.40", Sex.MALE: "49.60"},
    # Shares of the population aged 10 and over.
    PopulationDimension.AGE_BAND: {
        "10-13": "5.40",
        "14-17": "5.20",
        "18-24": "11.60",
        "25-30": "9.80",
        "31+": "68.00",
    },
}

OPEN = "open"
DECLINED = "declined"
NO_RESPONSE = "no_response"
# Open cases by step, and cases closed other than at the offer, as shares of all cases: about
# 51 people worked with and 109 on the at-risk list for 361 referrals, as in the seed.
OPEN_SHARES = {3: 0.04, 4: 0.05, 5: 0.065, 6: 0.065, 7: 0.045, 8: 0.04}
CLOSED_SHARES = {
    ClosureReason.COMPLETED: 0.045,
    ClosureReason.DISENGAGED: 0.055,
    ClosureReason.MOVED: 0.01,
    ClosureReason.CUSTODY: 0.01,
    ClosureReason.OTHER: 0.005,
}
# Days a case needs since it opened to be at each step, or to end each way.
MIN_DAYS: dict[object, int] = {
    3: 0,
    4: 10,
    5: 25,
    6: 50,
    7: 85,
    8: 115,
    ClosureReason.COMPLETED: 160,
    ClosureReason.DISENGAGED: 45,
    ClosureReason.MOVED: 30,
    ClosureReason.CUSTODY: 30,
    ClosureReason.OTHER: 30,
    NO_RESPONSE: 17,
    DECLINED: 3,
}
VIOLENT = frozenset(
    {
        Concern.VIOLENCE_PERPETRATOR,
        Concern.WEAPON_CARRYING,
        Concern.FIREARMS,
        Concern.GANG_INVOLVEMENT,
    }
)

NOTES = {
    ContactMethod.FACE_TO_FACE: [
        "Met at the community centre",
        "Walk and talk round the park",
        "Went with them to the college open day",
        "Met at home, mum joined for the end",
        "Boxing club session together",
        "Lunch in town, talked about the summer",
        "Went to the Jobcentre appointment with them",
    ],
    ContactMethod.PHONE: [
        "Checked in about the week",
        "Talked through the court date",
        "Called about the course application",
        "Rang to rearrange Thursday",
    ],
    ContactMethod.MESSAGE: [
        "Reminder about Thursday",
        "Replied to say they are OK",
        "Sent the details of the gym session",
    ],
    ContactMethod.ATTEMPTED: [
        "No answer at home",
        "Did not come to the meeting",
        "Phone switched off",
        "Messages not read",
    ],
}
GOALS = {
    NeedDomain.EDUCATION: "Start the construction course at City College",
    NeedDomain.ACCOMMODATION: "Move into supported accommodation",
    NeedDomain.FAMILY: "Weekly family session to rebuild things at home",
    NeedDomain.PEERS: "Evenings at the boxing club rather than on the estate",
    NeedDomain.SUBSTANCES: "Cut down cannabis use with support from Compass",
    NeedDomain.MENTAL_HEALTH: "See the GP about sleep and anxiety",
    NeedDomain.FINANCE: "Open a bank account and sort out Universal Credit",
    NeedDomain.OFFENDING: "No new arrests for three months",
    NeedDomain.PHYSICAL_HEALTH: "Register with a GP and a dentist",
}
REJUSTIFICATIONS = [
    "Police intelligence in the last month links them to a knife incident; the risk remains.",
    "A sibling was stabbed in the summer and they are named in the retaliation threats.",
    "Still missing from home regularly and seen with older males linked to drug supply.",
]
DISRUPTION_BASIS = (
    "Police intelligence links them to two knife incidents this year and to drug supply with "
    "older associates; charged with affray in the summer."
)
DISRUPTION_ACTIONS = (
    "Targeted patrols at the locations named in intelligence; bail conditions enforced; a "
    "warning letter delivered in person. Reviewed monthly by the CIRV police lead; the CIRV "
    "offer stays open."
)
ESTABLISHMENTS = ("HMYOI Werrington", "HMP Birmingham")


def build_staff(world: DemoWorld) -> None:
    """The other demo caseworkers, mentors and panel members, with their sign-ins printed
    like every demo user's."""
    # Their passwords come from a stream of their own: the builders before this one draw from
    # the world's only on their first run, so the world's stream differs on the next run.
    passwords = DemoWorld(rng=random.Random(f"{SEED}:staff"))  # noqa: S311 - demo passwords
    for local_part, full_name, agency_key, roles in STAFF:
        # Drawn whether or not the user exists, so every run prints the same passwords.
        demo_user(world, local_part, full_name, agency_key, roles, _password(passwords))


def build(world: DemoWorld) -> None:
    rng = random.Random(world.rng.random())  # noqa: S311 - demo data
    _population_shares(world)
    # Run once: after the first run every case the demo took on has its offer recorded.
    if Offer.objects.exists():
        return
    cases = list(
        Case.objects.filter(is_open=True, step=Step.OFFER, offers__isnull=True)
        .select_related("referral", "referral__area", "caseworker")
        .order_by("opened_at", "id")
    )
    if not cases:
        return
    demo = _Casework(rng, world)
    plans = _allocate(rng, cases, demo.today)
    for plan in plans:
        demo.play(plan)
    demo.lapse_offers()
    demo.at_risk_history()
    demo.families([p for p in plans if p.fate == OPEN], [p.case for p in plans])
    demo.save_recorded_times()
    world.created["contacts"] = Contact.objects.filter(case__in=cases).count()
    world.created["at-risk entries"] = AtRiskEntry.objects.filter(case__in=cases).count()


def _population_shares(world: DemoWorld) -> None:
    made = 0
    for dimension, shares in POPULATION_SHARES.items():
        for category, percent in shares.items():
            _, created = PopulationShare.objects.get_or_create(
                dimension=dimension,
                category=category,
                defaults={"percent": Decimal(percent), "source": POPULATION_SOURCE},
            )
            made += created
    if made:
        world.created["population shares"] = made


@dataclass
class _Plan:
    """What becomes of one case: still open at `step`, or how it ended (and at which step)."""

    case: Case
    fate: str
    step: int = Step.OFFER
    marks: set[str] = field(default_factory=set)


def _age_days(case: Case, today: date) -> int:
    return (today - timezone.localtime(case.opened_at).date()).days


def _allocate(rng: random.Random, cases: list[Case], today: date) -> list[_Plan]:
    """Give each case its fate: the shares of the seed, each fate going to cases old enough
    for it, and the people the demo must show (a victim who declined, an adult police disrupt,
    a release from custody)."""
    free = list(cases)
    plans: list[_Plan] = []
    days = {c.pk: _age_days(c, today) for c in cases}
    flagged = set(
        Contribution.objects.filter(
            criminally_active=True, item__referral__case__in=cases
        ).values_list("item__referral__case", flat=True)
    )

    def adult(case: Case) -> bool:
        born = case.referral.date_of_birth
        return born is not None and age_on(born, today) >= 19

    def violent(case: Case) -> bool:
        return bool(VIOLENT & set(case.referral.concerns))

    def take(
        fate: str,
        step: int,
        key: object,
        *,
        marks: Iterable[str] = (),
        where: Callable[[Case], bool] | None = None,
        youngest: bool = True,
    ) -> _Plan | None:
        fitting = [c for c in free if days[c.pk] >= MIN_DAYS[key] and (where is None or where(c))]
        if not fitting:
            return None
        if youngest:  # open cases: mostly the recent ones, so steps follow time
            fitting.sort(key=lambda c: days[c.pk])
            fitting = fitting[: max(3, len(fitting) // 3)]
        case = rng.choice(fitting)
        free.remove(case)
        plan = _Plan(case, fate, step, set(marks))
        plans.append(plan)
        return plan

    take(
        DECLINED,
        Step.OFFER,
        DECLINED,
        marks={"victim_only"},
        where=lambda c: services.victim_only(c.referral),
    )
    if (
        take(
            DECLINED,
            Step.OFFER,
            DECLINED,
            marks={"disruption"},
            where=lambda c: c.pk in flagged and adult(c) and violent(c),
            youngest=False,
        )
        is None
    ):
        take(
            DECLINED,
            Step.OFFER,
            DECLINED,
            marks={"disruption"},
            where=lambda c: adult(c) and violent(c),
            youngest=False,
        )
    take(OPEN, Step.RELATIONSHIP, 5, marks={"custody"}, where=lambda c: days[c.pk] >= 30)
    n = len(cases)

    def quota(share: float) -> int:
        return max(1, round(share * n))

    order: list[tuple[str, int, object, float]] = [
        (ClosureReason.COMPLETED, Step.PLACEMENT, ClosureReason.COMPLETED, 0),
        (OPEN, 8, 8, 0),
        (OPEN, 7, 7, 0),
        (OPEN, 6, 6, 0),
        (ClosureReason.DISENGAGED, 0, ClosureReason.DISENGAGED, 0),
        (ClosureReason.CUSTODY, 0, ClosureReason.CUSTODY, 0),
        (ClosureReason.MOVED, 0, ClosureReason.MOVED, 0),
        (ClosureReason.OTHER, 0, ClosureReason.OTHER, 0),
        (OPEN, 5, 5, 1),  # less the release from custody, already at step 5
        (OPEN, 4, 4, 0),
        (OPEN, 3, 3, 0),
    ]
    for fate, step, key, already in order:
        share = OPEN_SHARES[step] if fate == OPEN else CLOSED_SHARES[ClosureReason(fate)]
        for _ in range(max(0, quota(share) - int(already))):
            take(fate, step, key, youngest=fate == OPEN)
    for case in list(free):
        fate = DECLINED
        if days[case.pk] >= MIN_DAYS[NO_RESPONSE] and rng.random() < 0.35:
            fate = NO_RESPONSE
        plans.append(_Plan(case, fate))
        free.remove(case)
    engaged = [p for p in plans if p.fate == OPEN and p.step >= Step.RELATIONSHIP]
    for plan in engaged:
        if "custody" not in plan.marks and rng.random() < 0.2:
            plan.marks.add("gap")  # no successful contact for weeks: flagged on the caseload
    detour = next((p for p in engaged if p.step >= Step.SEQUENCING), None)
    if detour is not None:
        detour.marks.add("detour")
    waiting = sorted(
        (p for p in plans if p.fate == OPEN and p.step == Step.OFFER), key=lambda p: days[p.case.pk]
    )
    if len(waiting) > 1 and days[waiting[0].case.pk] <= 4:
        waiting[0].marks.add("no_offer")  # opened days ago: the offer is not made yet
    return plans


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


class _Casework:
    """Plays each case's year through the services, then moves the dates back."""

    def __init__(self, rng: random.Random, world: DemoWorld) -> None:
        self.rng = rng
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.clock = self.now  # the time reached in the case being played
        self.world = world
        self.police = world.users["caseworker"]
        self.mentors = [
            (world.users[key], weight)
            for key, weight in MENTOR_WEIGHTS.items()
            if key in world.users
        ]
        self.recorded: list[tuple[Contact | ReachableMoment | CustodyRelease, datetime]] = []
        self.listed_on: dict[int, date] = {}  # case id: the day the person went on the list
        self.lapsing: list[Case] = []
        self.services = list(
            Service.objects.filter(is_active=True, serves_out_of_area=False).prefetch_related(
                "areas"
            )
        )

    # Backdating helpers (demo only).

    def _date_last_move(self, case: Case, when: datetime) -> None:
        last = CaseMove.objects.filter(case=case).order_by("-id").values("pk")[:1]
        CaseMove.objects.filter(pk=Subquery(last)).update(at=when)

    def _dated(
        self, case: Case, *, entered: datetime, changed: datetime, closed: datetime | None = None
    ) -> None:
        fields: dict[str, object] = {"step_entered_at": entered, "changed_at": changed}
        if closed is not None:
            fields["closed_at"] = closed
        Case.objects.filter(pk=case.pk).update(**fields)

    def _move(self, case: Case, actor: User, to_step: int, day: date, reason: str = "") -> datetime:
        services.case_move(
            case=case, actor=actor, to_step=to_step, reason=reason, expected_version=case.version
        )
        when = self._when(day, self.rng.randint(9, 16), self.rng.choice((0, 15, 30, 45)))
        self._date_last_move(case, when)
        return when

    def _when(self, day: date, hour: int, minute: int = 0) -> datetime:
        """A time on `day` in the timeline of the case being played: after everything before
        it, and never later than now."""
        when = max(_at(day, hour, minute), self.clock + timedelta(minutes=1))
        self.clock = min(when, self.now)
        return self.clock

    def _pick_mentor(self, not_this: User | None = None) -> User:
        choices = [(m, w) for m, w in self.mentors if m != not_this]
        people, weights = zip(*choices, strict=True)
        return self.rng.choices(people, weights=weights)[0]

    def _day_between(self, start: date, end: date) -> date:
        if end <= start:
            return start
        return start + timedelta(days=self.rng.randint(0, (end - start).days))

    # One case.

    def play(self, plan: _Plan) -> None:
        rng, today, case = self.rng, self.today, plan.case
        worker = case.caseworker or self.police
        opened = timezone.localtime(case.opened_at)
        self.clock = opened
        method = rng.choices(list(OfferMethod), weights=[5, 3, 1, 2])[0]
        if plan.fate == OPEN and plan.step == Step.OFFER:
            if "no_offer" in plan.marks:
                return
            made = max(opened.date(), today - timedelta(days=rng.randint(0, 9)))
            services.offer_make(
                case=case, actor=worker, made_on=made, method=method, expected_version=case.version
            )
            self._dated(case, entered=opened, changed=self._when(made, 11))
            return
        made = min(opened.date() + timedelta(days=rng.randint(1, 5)), today)
        if plan.fate == NO_RESPONSE:
            made = max(opened.date(), min(made, today - timedelta(days=15)))
        services.offer_make(
            case=case, actor=worker, made_on=made, method=method, expected_version=case.version
        )
        if plan.fate == NO_RESPONSE:
            self._dated(case, entered=opened, changed=self._when(made, 11))
            self.lapsing.append(case)  # closed by offers_lapse, as the daily job would
            return
        answered = min(made + timedelta(days=rng.randint(0, 9)), today)
        if plan.fate == DECLINED:
            self._decline(plan, worker, answered)
            return
        services.offer_answer(
            case=case,
            actor=worker,
            answer=OfferAnswer.ACCEPTED,
            answered_on=answered,
            expected_version=case.version,
        )
        accepted_at = self._when(answered, 15)
        self._date_last_move(case, accepted_at)
        self._engage(plan, worker, answered, accepted_at)

    def _decline(self, plan: _Plan, worker: User, answered: date) -> None:
        case = plan.case
        services.offer_answer(
            case=case,
            actor=worker,
            answer=OfferAnswer.DECLINED,
            answered_on=answered,
            expected_version=case.version,
        )
        when = self._when(answered, 15)
        self._date_last_move(case, when)
        self._dated(case, entered=when, changed=when, closed=when)
        self.listed_on[case.pk] = answered
        if "disruption" in plan.marks:
            services.disruption_open(
                case=case,
                actor=self.police,
                basis=DISRUPTION_BASIS,
                actions=DISRUPTION_ACTIONS,
                criminally_active=True,
            )
            opened_on = min(answered + timedelta(days=self.rng.randint(5, 12)), self.today)
            DisruptionPlan.objects.filter(case=case).update(opened_on=opened_on)

    def _end(self, plan: _Plan, answered: date) -> tuple[date, int]:
        """When the engaged part of the case ends (today if open), and the step it ends at."""
        rng, today = self.rng, self.today
        if plan.fate == OPEN:
            return today, plan.step
        opened = timezone.localtime(plan.case.opened_at).date()
        earliest = opened + timedelta(days=MIN_DAYS[ClosureReason(plan.fate)])
        latest = today - timedelta(days=1)
        if plan.fate == ClosureReason.COMPLETED:
            latest = min(latest, opened + timedelta(days=300))
        end = self._day_between(min(earliest, latest), latest)
        span = (end - answered).days
        if plan.fate == ClosureReason.COMPLETED:
            return end, Step.PLACEMENT
        if plan.fate == ClosureReason.DISENGAGED:
            return end, Step.RELATIONSHIP if span < 60 else rng.choice((5, 6, 6, 7))
        return end, rng.choice((4, 5, 5, 6)) if span >= 40 else Step.MOMENT

    def _step_days(self, start: date, end: date, final: int, open_now: bool) -> dict[int, date]:
        """The day the case entered each step from 4 to `final`, spread from `start` to `end`."""
        days = {Step.MOMENT.value: start}
        steps = list(range(Step.RELATIONSHIP, final + 1))
        if not steps:
            return days
        span = max((end - start).days - (3 if open_now else 1), 2 * len(steps))
        weights = [self.rng.uniform(1, 3) for _ in range(len(steps) + 1)]
        total, cumulative = sum(weights), 0.0
        previous = start
        for step, weight in zip(steps, weights, strict=False):
            cumulative += weight
            day = start + timedelta(days=round(span * cumulative / total))
            day = max(day, previous + timedelta(days=2))
            days[step] = min(day, end)
            previous = days[step]
        return days

    def _engage(self, plan: _Plan, worker: User, answered: date, accepted_at: datetime) -> None:
        rng, today, case = self.rng, self.today, plan.case
        end, final = self._end(plan, answered)
        days = self._step_days(answered, end, final, plan.fate == OPEN)
        entered = accepted_at
        mentors: list[tuple[date, User]] = []
        assessed: date | None = None
        goals: list[Goal] = []
        planned: list[PlannedService] = []
        first_contact = answered
        for step in range(Step.MOMENT, final + 1):
            until = days.get(step + 1, end)
            if step == Step.MOMENT:
                recent = (
                    plan.fate == OPEN
                    and final == Step.MOMENT
                    and until >= today - timedelta(days=10)
                )
                if not (recent and rng.random() < 0.5):
                    first_contact = self._moment(plan, worker, days[step], until)
            elif step == Step.RELATIONSHIP:
                mentors += self._mentor(plan, worker, days[step], until, final)
            elif step == Step.PROGRESS:
                latest = min(days[step] + timedelta(days=7), until - timedelta(days=1), end)
                assessed = self._day_between(days[step], latest)
                self._assess(case, worker, assessed)
                goals = self._goals(plan, worker, assessed)
            elif step == Step.SEQUENCING:
                planned = self._plan_services(case, worker, days[step], until)
            if step < final:
                if "detour" in plan.marks and step == Step.PROGRESS:
                    mentors += self._detour(plan, worker, days[step], days[step + 1], mentors)
                entered = self._move(case, worker, step + 1, days[step + 1])
        last = self._contacts(plan, worker, first_contact, end, mentors)
        if assessed is not None:
            self._reviews(case, worker, assessed, min(end, today))
        self._progress(plan, worker, goals, planned, days, end)
        changed = max(min(_at(last, 17), self.now), entered) if last else entered
        if plan.fate == OPEN:
            self._dated(case, entered=entered, changed=changed)
            return
        self._close(plan, worker, end)

    def _moment(self, plan: _Plan, worker: User, start: date, until: date) -> date:
        """The teachable moment the team used, and the caseworker's contact after it."""
        rng, case = self.rng, plan.case
        latest = min(until - timedelta(days=1), self.today)
        occurred = self._day_between(start, max(start, latest - timedelta(days=2)))
        contacted = min(occurred + timedelta(days=rng.choice((0, 0, 1, 1, 2, 3))), self.today)
        how = rng.choice((ContactMethod.FACE_TO_FACE, ContactMethod.PHONE))
        kinds = list(MomentKind)
        kind = MomentKind.ARREST if "custody" in plan.marks else rng.choice(kinds)
        moment = services.moment_record(
            case=case,
            actor=worker,
            kind=kind,
            occurred_on=occurred,
            contacted_on=contacted,
            contact_method=how,
        )
        self.recorded.append((moment, _at(contacted, 18)))
        contact = services.contact_log(
            case=case,
            actor=worker,
            method=how,
            occurred_on=contacted,
            duration_minutes=40 if how == ContactMethod.FACE_TO_FACE else 15,
            note="Reached them after the moment; they agreed to meet a mentor",
        )
        self.recorded.append((contact, _at(contacted, 18)))
        return contacted

    def _mentor(
        self, plan: _Plan, worker: User, start: date, until: date, final: int
    ) -> list[tuple[date, User]]:
        rng, today, case = self.rng, self.today, plan.case
        if "custody" in plan.marks:
            # Remanded after the arrest; the mentor starts visiting before release.
            starts = max(start, today - timedelta(days=rng.randint(6, 14)))
        else:
            if (
                final == Step.RELATIONSHIP
                and start >= today - timedelta(days=7)
                and rng.random() < 0.5
            ):
                return []  # a mentor is still being found
            starts = self._day_between(
                start, min(start + timedelta(days=6), until - timedelta(days=1))
            )
        mentor = self._pick_mentor()
        services.mentor_assign(
            case=case, actor=worker, mentor=mentor, starts_on=starts, expected_version=case.version
        )
        if "custody" in plan.marks:
            release = services.release_record(
                case=case,
                actor=worker,
                release_on=today + timedelta(days=rng.randint(6, 20)),
                establishment=ESTABLISHMENTS[self._adult(case)],
            )
            self.recorded.append((release, _at(starts - timedelta(days=1), 12)))
        return [(starts, mentor)]

    def _adult(self, case: Case) -> int:
        born = case.referral.date_of_birth
        return int(born is not None and age_on(born, self.today) >= 18)

    def _detour(
        self, plan: _Plan, worker: User, start: date, until: date, mentors: list[tuple[date, User]]
    ) -> list[tuple[date, User]]:
        """The relationship with the mentor broke down: back to step 5 and a new mentor."""
        third = (until - start).days // 3
        if third < 3 or not mentors:
            return []
        back, forward = start + timedelta(days=third), start + timedelta(days=2 * third)
        case = plan.case
        self._move(
            case,
            worker,
            Step.RELATIONSHIP,
            back,
            reason="The relationship with the mentor broke down and must be rebuilt",
        )
        mentor = self._pick_mentor(not_this=mentors[-1][1])
        services.mentor_assign(
            case=case,
            actor=worker,
            mentor=mentor,
            starts_on=back + timedelta(days=2),
            expected_version=case.version,
        )
        self._move(case, worker, Step.PROGRESS, forward)
        return [(back + timedelta(days=2), mentor)]

    def _contacts(
        self,
        plan: _Plan,
        worker: User,
        start: date,
        end: date,
        mentors: list[tuple[date, User]],
    ) -> date | None:
        """Contacts, and attempts, every few days: by the caseworker until a mentor starts,
        then mostly by the mentor. Returns the day of the last one."""
        rng, today, case = self.rng, self.today, plan.case
        end = min(end, today)
        quiet_from = end + timedelta(days=1)
        if "gap" in plan.marks:
            gap = settings.VRHUB_CONTACT_GAP_DAYS
            quiet_from = today - timedelta(days=rng.randint(gap + 2, gap * 3))
        elif plan.fate == ClosureReason.DISENGAGED:
            quiet_from = end - timedelta(days=rng.randint(20, 35))
        day, last = start, None
        methods = list(ContactMethod)
        while True:
            mentor = next((m for since, m in reversed(mentors) if since <= day), None)
            day += timedelta(days=rng.randint(4, 10) if mentor else rng.randint(8, 16))
            if day > end:
                break
            mentor = next((m for since, m in reversed(mentors) if since <= day), None)
            how = rng.choices(methods, weights=[45, 25, 15, 15])[0]
            if day >= quiet_from:
                if rng.random() < 0.5:
                    continue
                how = ContactMethod.ATTEMPTED
            by = mentor if mentor is not None and rng.random() < 0.85 else worker
            note = rng.choice(NOTES[how])
            if "custody" in plan.marks and how != ContactMethod.ATTEMPTED:
                how, note = ContactMethod.FACE_TO_FACE, "Visit in custody: planning for release"
            minutes = {
                ContactMethod.FACE_TO_FACE: rng.choice((30, 45, 60, 60, 90)),
                ContactMethod.PHONE: rng.choice((5, 10, 15, 20)),
            }.get(how)
            contact = services.contact_log(
                case=case,
                actor=by,
                method=how,
                occurred_on=day,
                duration_minutes=minutes,
                note=note,
            )
            self.recorded.append((contact, _at(day, rng.randint(10, 19))))
            last = day
        return last

    def _assess(
        self,
        case: Case,
        worker: User,
        on: date,
        *,
        scores: dict[str, int] | None = None,
    ) -> dict[str, int]:
        rng = self.rng
        if scores is None:
            scores = {
                d: rng.choices((1, 2, 3, 4, 5), weights=(15, 30, 30, 15, 10))[0]
                for d in NeedDomain.values
            }
        due = on + timedelta(days=settings.VRHUB_NEEDS_REVIEW_DAYS)
        assessment = services.needs_assess(
            case=case,
            actor=worker,
            assessed_on=on,
            scores=scores,
            # A review is booked for today or later; an older assessment's is moved back below.
            next_review_on=max(due, self.today),
            expected_version=case.version,
        )
        if due < self.today:
            # Backdating: when it was assessed, its review was due `due`, then in the future.
            NeedsAssessment.objects.filter(pk=assessment.pk).update(next_review_on=due)
            Case.objects.filter(pk=case.pk).update(next_review_on=due)
        return scores

    def _reviews(self, case: Case, worker: User, first: date, until: date) -> None:
        """Reviews every few weeks after the first assessment: most needs ease, one may not."""
        rng = self.rng
        scores = {
            s.domain: s.score
            for s in case.assessments.order_by("assessed_on").first().scores.all()  # type: ignore[union-attr]
        }
        every = timedelta(days=settings.VRHUB_NEEDS_REVIEW_DAYS)
        day = first + every
        reviews = 0
        while day <= until and reviews < 3:
            scores = {d: min(5, s + rng.choice((0, 0, 1, 1, 2))) for d, s in scores.items()}
            worse = rng.choice(list(scores))
            scores[worse] = max(1, scores[worse] - 1)
            self._assess(case, worker, day, scores=scores)
            day += every
            reviews += 1

    def _goals(self, plan: _Plan, worker: User, on: date) -> list[Goal]:
        rng, case = self.rng, plan.case
        scores = {
            s.domain: s.score
            for s in case.assessments.order_by("-assessed_on", "-id").first().scores.all()  # type: ignore[union-attr]
        }
        domains = sorted(scores, key=lambda d: (scores[d], d))[: rng.randint(1, 3)]
        goals = []
        for domain in domains:
            target = None
            if plan.fate == OPEN:
                target = self.today + timedelta(days=rng.randint(20, 120))
            goal = services.goal_set(
                case=case,
                actor=worker,
                domain=domain,
                description=GOALS[NeedDomain(domain)],
                target_on=target,
            )
            goals.append(goal)
        # Backdating: the goals were set at the assessment.
        Goal.objects.filter(pk__in=[g.pk for g in goals]).update(set_on=on)
        return goals

    def _plan_services(
        self, case: Case, worker: User, start: date, until: date
    ) -> list[PlannedService]:
        rng = self.rng
        area = case.referral.area_id
        born = case.referral.date_of_birth
        age = age_on(born, self.today) if born else 18
        local = [s for s in self.services if area in {a.pk for a in s.areas.all()}]
        fitting = (
            [
                s
                for s in local
                if s.minimum_age <= age and (s.maximum_age is None or age <= s.maximum_age)
            ]
            or local
            or self.services
        )
        chosen = rng.sample(fitting, min(len(fitting), rng.randint(1, 3)))
        planned = []
        for offset, service in enumerate(chosen):
            item = services.service_plan_add(
                case=case, actor=worker, service=service, expected_version=case.version
            )
            # Backdating: planned in the first days of sequencing.
            day = min(start + timedelta(days=offset), until)
            PlannedService.objects.filter(pk=item.pk).update(status_on=day)
            planned.append(item)
        return planned

    def _progress(
        self,
        plan: _Plan,
        worker: User,
        goals: list[Goal],
        planned: list[PlannedService],
        days: dict[int, date],
        end: date,
    ) -> None:
        """Services referred to and started, goals achieved, as the case moved on."""
        rng, today = self.rng, self.today
        for item in planned:
            referred = min(days[Step.SEQUENCING] + timedelta(days=rng.randint(1, 7)), end, today)
            status = PlannedServiceStatus.REFERRED
            on = referred
            if Step.PLACEMENT in days:
                status = rng.choice((PlannedServiceStatus.STARTED, PlannedServiceStatus.COMPLETED))
                on = min(days[Step.PLACEMENT] + timedelta(days=rng.randint(0, 10)), end, today)
            services.service_plan_update(
                planned=item, actor=worker, status=status, status_on=on, expected_version=None
            )
        if Step.SEQUENCING in days:
            for goal in goals:
                if rng.random() < (0.7 if plan.fate == ClosureReason.COMPLETED else 0.4):
                    services.goal_update(goal=goal, actor=worker, status=GoalStatus.ACHIEVED)

    def _close(self, plan: _Plan, worker: User, end: date) -> None:
        rng, today, case = self.rng, self.today, plan.case
        reason = ClosureReason(plan.fate)
        placement, follow_up = "", None
        if reason == ClosureReason.COMPLETED:
            placement = rng.choices(
                [
                    PlacementOutcome.EDUCATION,
                    PlacementOutcome.TRAINING,
                    PlacementOutcome.EMPLOYMENT,
                    PlacementOutcome.RELOCATION,
                ],
                weights=[3, 3, 3, 1],
            )[0]
            if end >= today - timedelta(days=60):
                follow_up = today + timedelta(days=rng.randint(14, 60))
        note = {
            ClosureReason.COMPLETED: "Placement in place and holding; the mentor checks in monthly",
            ClosureReason.DISENGAGED: "No contact for weeks despite visits, calls and messages",
            ClosureReason.MOVED: "Moved to live with family outside the area",
            ClosureReason.CUSTODY: "Sentenced to custody; the team will pick up before release",
            ClosureReason.OTHER: "Now supported by the leaving care team instead",
        }[reason]
        case.refresh_from_db(fields=["version"])  # goals and plan changed it through their rows
        services.case_close(
            case=case,
            actor=worker,
            reason=reason,
            placement_outcome=placement,
            follow_up_on=follow_up,
            note=note,
            expected_version=case.version,
        )
        when = self._when(end, 16)
        self._date_last_move(case, when)
        self._dated(case, entered=when, changed=when, closed=when)
        if reason == ClosureReason.DISENGAGED:
            self.listed_on[case.pk] = end

    # After every case has been played.

    def lapse_offers(self) -> None:
        """Offers left unanswered lapse as the daily job lapses them, on their due day."""
        services.offers_lapse()
        for case in self.lapsing:
            offer = Offer.objects.filter(case=case).first()
            if offer is None:
                continue
            lapsed = offer.respond_by + timedelta(days=1)
            when = min(_at(lapsed, 6), self.now)
            self._date_last_move(case, when)
            self._dated(case, entered=when, changed=when, closed=when)
            self.listed_on[case.pk] = lapsed

    def at_risk_history(self) -> None:
        """Backdate the at-risk list: when each person went on it, most of those past their
        first review re-justified (every review through the service), the rest expired by the
        daily job the day after their review date."""
        rng, today = self.rng, self.today
        months = relativedelta(months=settings.VRHUB_AT_RISK_REVIEW_MONTHS)
        entries = AtRiskEntry.objects.filter(
            case__in=list(self.listed_on), status=AtRiskStatus.ACTIVE
        )
        for entry in entries.select_related("owner").order_by("id"):
            added = self.listed_on[entry.case_id]
            review = added + months
            if review < today and rng.random() < 0.6:
                reviewed = []
                while review <= today:
                    reviewed.append(review)
                    review = review + months
                for _ in reviewed:
                    services.at_risk_rejustify(
                        entry=entry,
                        actor=entry.owner,
                        justification=rng.choice(REJUSTIFICATIONS),
                        next_review_on=review,
                    )
                # Backdating: each review on the day it was due, naming the next one.
                dates = [*reviewed, review]
                rows = AtRiskReview.objects.filter(entry=entry).order_by("id")
                for row, (on, next_on) in zip(rows, pairwise(dates), strict=False):
                    AtRiskReview.objects.filter(pk=row.pk).update(
                        reviewed_on=on, next_review_on=next_on
                    )
            # Backdating: the person went on the list the day they declined or disengaged.
            AtRiskEntry.objects.filter(pk=entry.pk).update(added_on=added, review_on=review)
        services.at_risk_expire_due()
        # Backdating: the daily job expired each entry the day after its review date.
        for entry in AtRiskEntry.objects.filter(
            case__in=list(self.listed_on), status=AtRiskStatus.EXPIRED
        ):
            AtRiskEntry.objects.filter(pk=entry.pk).update(
                ended_on=min(entry.review_on + timedelta(days=1), today)
            )

    def families(self, open_plans: list[_Plan], cases: list[Case]) -> None:
        """The whole family approach: siblings both with cases and a younger one under 14; an
        older brother involved in serious violence; a sister too young for the pathway."""
        rng = self.rng
        open_cases = [p.case for p in open_plans]
        pair = self._siblings(open_cases, cases)
        used: set[int] = set()
        if pair is not None:
            first, second = pair
            used |= {first.pk, second.pk}
            actor = first.caseworker or self.police
            services.family_link(case=first, other=second, actor=actor)
            surname = first.referral.last_name
            self._member(first, actor, surname, years=12, role=FamilyRole.CHILD)
            self._member(first, actor, surname, years=rng.randint(38, 46), role=FamilyRole.PARENT)
        others = [c for c in open_cases if c.pk not in used]
        if others:
            case = others[0]
            used.add(case.pk)
            actor = case.caseworker or self.police
            surname = case.referral.last_name
            self._member(
                case,
                actor,
                surname,
                years=rng.randint(20, 24),
                role=FamilyRole.CHILD,
                same_household=False,
                involved=True,
            )
            self._member(case, actor, surname, years=rng.randint(40, 50), role=FamilyRole.PARENT)
        if len(others) > 1:
            case = others[1]
            actor = case.caseworker or self.police
            self._member(
                case,
                actor,
                case.referral.last_name,
                years=13,
                role=FamilyRole.CHILD,
                sex=Sex.FEMALE,
            )

    def _siblings(self, open_cases: list[Case], cases: list[Case]) -> tuple[Case, Case] | None:
        """Two people with cases in one area and one surname, at least one open."""
        for case in open_cases:
            for other in cases:
                if (
                    other.pk != case.pk
                    and other.referral.area_id == case.referral.area_id
                    and other.referral.last_name == case.referral.last_name
                ):
                    return case, other
        if len(open_cases) > 1:
            return open_cases[0], open_cases[1]
        return None

    def _member(
        self,
        case: Case,
        actor: User,
        surname: str,
        *,
        years: int,
        role: str,
        same_household: bool = True,
        involved: bool = False,
        sex: str | None = None,
    ) -> None:
        rng = self.rng
        sex = sex or rng.choice([Sex.MALE, Sex.FEMALE])
        names = ["Michelle", "Sarah", "Nasreen", "Joanne", "Grace", "Paul"]
        if role != FamilyRole.PARENT:
            names = FIRST[Sex(sex)]
        taken = set(
            FamilyMember.objects.filter(family__members__case=case).values_list(
                "first_name", flat=True
            )
        )
        first_name = rng.choice([n for n in names if n not in taken] or names)
        born = self.today - timedelta(days=years * 365 + rng.randint(30, 300))
        services.family_member_add(
            case=case,
            actor=actor,
            first_name=first_name,
            last_name=surname,
            date_of_birth=born,
            role=role,
            same_household=same_household,
            involved_in_serious_violence=involved,
        )

    def save_recorded_times(self) -> None:
        """Backdating: contacts, moments and releases were recorded on their day, not today."""
        by_model: dict[type, list[object]] = {}
        for row, when in self.recorded:
            row.recorded_at = min(when, self.now)
            by_model.setdefault(type(row), []).append(row)
        for model, rows in by_model.items():
            model.objects.bulk_update(rows, ["recorded_at"], batch_size=500)  # type: ignore[attr-defined]
