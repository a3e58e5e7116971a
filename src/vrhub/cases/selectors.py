"""Every read of the casework pages: lists of cases with their flags, caseloads, the case page
and the mentor's view. Each list costs the same number of queries however long it is."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from vrhub.accounts.models import Role, User
from vrhub.accounts.permissions import mentees_of
from vrhub.referrals.eligibility import age_on
from vrhub.referrals.models import Concern, Ethnicity, Service, Sex

from .models import (
    AtRiskEntry,
    AtRiskStatus,
    Case,
    CaseMove,
    Contact,
    CustodyRelease,
    FamilyMember,
    FamilyRole,
    Goal,
    MentorAssignment,
    NeedDomain,
    NeedsAssessment,
    Offer,
    OfferAnswer,
    PlannedService,
    ReachableMoment,
)
from .pathway import CASE_STEPS, CaseFacts, MoveKind, Step, moves_from
from .services import victim_only

# How many contacts the case and mentee pages show; the rest are counted.
CONTACTS_SHOWN = 20
# An offer's answer is flagged as due this many days before its respond-by date.
OFFER_DUE_WITHIN_DAYS = 3
# Steps from which a person should be in regular contact (relationship building onwards).
CONTACT_STEPS = (Step.RELATIONSHIP, Step.PROGRESS, Step.SEQUENCING, Step.PLACEMENT)
# Below this age a sibling is suggested for Early Help rather than a family offer.
EARLY_HELP_UNDER = 14


def _today() -> date:
    return timezone.localdate()


def _local_date(moment: datetime) -> date:
    return timezone.localdate(moment)


def days_phrase(days: int) -> str:
    if days <= 0:
        return "less than a day"
    return f"{days} day{'' if days == 1 else 's'}"


# Flags: what needs a caseworker's attention. The same rules as Python (for rows) and as
# queryset filters (for counts), kept side by side so they cannot drift apart.


@dataclass(frozen=True)
class Flag:
    text: str
    colour: str  # the GOV.UK tag colour


def _contact_cutoff(today: date) -> date:
    return today - timedelta(days=settings.VRHUB_CONTACT_GAP_DAYS)


def contact_since(case: Case) -> date:
    """The last successful contact, or the day the case opened if there has been none."""
    return case.last_successful_contact_on or _local_date(case.opened_at)


def flags_of(case: Case, today: date | None = None) -> list[Flag]:
    today = today or _today()
    flags: list[Flag] = []
    if not case.is_open:
        return flags
    since = contact_since(case)
    if case.step in CONTACT_STEPS and since < _contact_cutoff(today):
        flags.append(Flag(f"No successful contact for {(today - since).days} days", "red"))
    if case.next_review_on is not None and case.next_review_on < today:
        flags.append(Flag("Review overdue", "orange"))
    if (
        case.step == Step.OFFER
        and case.offer_respond_by is not None
        and case.offer_respond_by <= today + timedelta(days=OFFER_DUE_WITHIN_DAYS)
    ):
        flags.append(Flag("Offer answer due", "yellow"))
    return flags


def _no_contact_q(today: date) -> Q:
    cutoff = _contact_cutoff(today)
    start_of_cutoff = timezone.make_aware(datetime.combine(cutoff, time.min))
    return Q(step__in=CONTACT_STEPS) & (
        Q(last_successful_contact_on__lt=cutoff)
        | Q(last_successful_contact_on__isnull=True, opened_at__lt=start_of_cutoff)
    )


def _review_overdue_q(today: date) -> Q:
    return Q(next_review_on__lt=today)


def _offer_due_q(today: date) -> Q:
    return Q(
        step=Step.OFFER,
        offer_respond_by__lte=today + timedelta(days=OFFER_DUE_WITHIN_DAYS),
    )


def _flagged_q(today: date) -> Q:
    return _no_contact_q(today) | _review_overdue_q(today) | _offer_due_q(today)


# Lists of cases.


@dataclass(frozen=True)
class CaseRow:
    case: Case
    days_in_step: int
    due: date | None
    flags: list[Flag]

    @property
    def days_in_step_phrase(self) -> str:
        return days_phrase(self.days_in_step)


def row_of(case: Case, today: date | None = None) -> CaseRow:
    today = today or _today()
    due = case.offer_respond_by if case.step == Step.OFFER else case.next_review_on
    return CaseRow(
        case=case,
        days_in_step=(today - _local_date(case.step_entered_at)).days,
        due=due,
        flags=flags_of(case, today),
    )


UNASSIGNED = "none"


@dataclass(frozen=True)
class CaseListFilter:
    caseworker_id: int | None  # None with `unassigned` False: every caseworker
    unassigned: bool = False
    step: int | None = None
    flagged_only: bool = False


def open_cases(criteria: CaseListFilter) -> QuerySet[Case]:
    """Open cases of one caseworker (or none), in step order, longest in the step first."""
    cases = Case.objects.filter(is_open=True).select_related("referral", "caseworker")
    if criteria.unassigned:
        cases = cases.filter(caseworker__isnull=True)
    elif criteria.caseworker_id is not None:
        cases = cases.filter(caseworker_id=criteria.caseworker_id)
    if criteria.step is not None:
        cases = cases.filter(step=criteria.step)
    if criteria.flagged_only:
        cases = cases.filter(_flagged_q(_today()))
    return cases.order_by("step", "step_entered_at", "id")


def open_case_counts_by_step(criteria: CaseListFilter) -> dict[int, int]:
    """How many of the listed cases are at each step, whatever step is chosen (the tabs)."""
    everything = CaseListFilter(
        caseworker_id=criteria.caseworker_id,
        unassigned=criteria.unassigned,
        flagged_only=criteria.flagged_only,
    )
    counted = open_cases(everything).order_by().values("step").annotate(n=Count("id"))
    found = {row["step"]: row["n"] for row in counted}
    return {int(step): found.get(step, 0) for step in CASE_STEPS}


def active_caseworkers() -> QuerySet[User]:
    return (
        User.objects.filter(
            is_active=True, agency__is_active=True, role_assignments__role=Role.CASEWORKER
        )
        .select_related("agency")
        .order_by("full_name")
        .distinct()
    )


@dataclass
class Caseload:
    caseworker: User | None  # None: the cases nobody has yet
    by_step: dict[int, int] = field(default_factory=dict)
    no_contact: int = 0
    review_overdue: int = 0
    offer_due: int = 0

    @property
    def total(self) -> int:
        return sum(self.by_step.values())

    @property
    def steps(self) -> list[int]:
        return [self.by_step.get(int(step), 0) for step in CASE_STEPS]

    @property
    def flagged(self) -> int:
        return self.no_contact + self.review_overdue + self.offer_due


def caseloads() -> tuple[list[Caseload], Caseload]:
    """Every caseworker's open cases by step and flag, and the cases nobody has: in 2 queries."""
    today = _today()
    counted = (
        Case.objects.filter(is_open=True)
        .order_by()
        .values("caseworker_id", "step")
        .annotate(
            n=Count("id"),
            no_contact=Count("id", filter=_no_contact_q(today)),
            review_overdue=Count("id", filter=_review_overdue_q(today)),
            offer_due=Count("id", filter=_offer_due_q(today)),
        )
    )
    rows = list(counted)
    with_cases = {row["caseworker_id"] for row in rows if row["caseworker_id"] is not None}
    people = (
        User.objects.filter(
            Q(pk__in=with_cases)
            | Q(is_active=True, agency__is_active=True, role_assignments__role=Role.CASEWORKER)
        )
        .select_related("agency")
        .order_by("full_name")
        .distinct()
    )
    loads = {person.pk: Caseload(caseworker=person) for person in people}
    nobody = Caseload(caseworker=None)
    for row in rows:
        load = nobody if row["caseworker_id"] is None else loads[row["caseworker_id"]]
        load.by_step[row["step"]] = row["n"]
        load.no_contact += row["no_contact"]
        load.review_overdue += row["review_overdue"]
        load.offer_due += row["offer_due"]
    return list(loads.values()), nobody


# The case page.


@dataclass(frozen=True)
class TimelineEntry:
    move: CaseMove
    step_label: str  # the step entered, or "Closed"
    spent: str  # time spent in the step entered, "" for a closure
    so_far: bool  # the step the case is in now


@dataclass(frozen=True)
class StepState:
    number: int
    label: str
    state: str  # "done", "current", "closed", "later"


@dataclass(frozen=True)
class ReleaseRow:
    release: CustodyRelease
    mentor_before: MentorAssignment | None


@dataclass(frozen=True)
class FamilyRow:
    member: FamilyMember
    age: int | None
    is_this_person: bool
    suggestion: str


@dataclass(frozen=True)
class NeedsRow:
    domain: str
    scores: list[int | None]


@dataclass
class CasePage:
    case: Case
    age: int | None
    sex: str
    ethnicity: str
    concerns: list[str]
    victim_only: bool
    flags: list[Flag]
    steps: list[StepState]
    timeline: list[TimelineEntry]
    facts: CaseFacts
    offers: list[Offer]
    awaiting_offer: Offer | None
    moments: list[ReachableMoment]
    mentors: list[MentorAssignment]
    current_mentor: MentorAssignment | None
    contacts: list[Contact]
    contacts_not_shown: int
    assessments: list[NeedsAssessment]
    needs: list[NeedsRow]
    goals: list[Goal]
    plan: list[PlannedService]
    releases: list[ReleaseRow]
    family: list[FamilyRow]
    at_risk: list[AtRiskEntry] = field(default_factory=list)

    @property
    def unmet_conditions(self) -> list[str]:
        """What must be done before the forward move from this step is allowed."""
        return [
            condition.unmet
            for _, move in moves_from(Step(self.case.step))
            if move.kind == MoveKind.FORWARD
            for condition in move.conditions
            if not condition.holds(self.facts)
        ]


def _label(choices: type, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def timeline_of(case: Case, moves: list[CaseMove], now: datetime) -> list[TimelineEntry]:
    entries: list[TimelineEntry] = []
    for position, move in enumerate(moves):
        following = moves[position + 1] if position + 1 < len(moves) else None
        if move.to_step is None:
            entries.append(TimelineEntry(move, "Closed", "", so_far=False))
            continue
        until = following.at if following is not None else (now if case.is_open else None)
        spent = days_phrase((_local_date(until) - _local_date(move.at)).days) if until else ""
        entries.append(
            TimelineEntry(
                move,
                f"{move.to_step}. {Step(move.to_step).label}",
                spent,
                so_far=following is None and case.is_open,
            )
        )
    return entries


def steps_of(case: Case) -> list[StepState]:
    states = []
    for step in Step:
        if step < case.step:
            state = "done"
        elif step == case.step:
            state = "current" if case.is_open else "closed"
        else:
            state = "later"
        states.append(StepState(int(step), step.label, state))
    return states


def _family_rows(case: Case, members: list[FamilyMember], today: date) -> list[FamilyRow]:
    """Each member; where anyone in the family is involved in serious violence, each sibling
    is suggested for a family offer, or for Early Help if under 14."""
    involved = any(m.involved_in_serious_violence for m in members)
    rows = []
    for member in members:
        age = age_on(member.date_of_birth, today) if member.date_of_birth else None
        is_this_person = member.case_id == case.pk
        suggestion = ""
        if involved and member.role == FamilyRole.CHILD and not is_this_person:
            young = age is not None and age < EARLY_HELP_UNDER
            suggestion = "Consider an Early Help referral" if young else "Consider a family offer"
        rows.append(FamilyRow(member, age, is_this_person, suggestion))
    return rows


def _mentor_before(
    release: CustodyRelease, mentors: list[MentorAssignment]
) -> MentorAssignment | None:
    for assignment in mentors:
        started = assignment.starts_on <= release.release_on
        still_on = assignment.ends_on is None or assignment.ends_on >= release.release_on
        if started and still_on:
            return assignment
    return None


def case_page(case: Case) -> CasePage:
    """Everything on the case page, in a fixed number of queries whatever the case holds."""
    today = _today()
    referral = case.referral
    moves = list(case.moves.select_related("by").order_by("at", "id"))
    offers = list(case.offers.select_related("recorded_by"))
    mentors = list(
        MentorAssignment.objects.filter(case=case)
        .select_related("mentor", "mentor__agency", "assigned_by")
        .order_by("-starts_on", "-id")
    )
    contacts = list(
        case.contacts.select_related("recorded_by").order_by("-occurred_on", "-id")[:CONTACTS_SHOWN]
    )
    contacts_total = case.contacts.count()
    assessments = list(
        case.assessments.select_related("assessed_by")
        .prefetch_related("scores")
        .order_by("assessed_on", "id")
    )
    goals = list(case.goals.select_related("set_by").order_by("set_on", "id"))
    plan = list(case.service_plan.select_related("service", "service__provider"))
    releases = list(case.releases.all())
    members = list(
        FamilyMember.objects.filter(family__members__case=case)
        .select_related("case")
        .order_by("date_of_birth", "id")
    )
    at_risk = list(AtRiskEntry.objects.filter(case=case).select_related("owner"))
    for entry in at_risk:
        # Past its review date an entry has left the list, even before the daily command
        # records its expiry.
        entry.shown_status = (
            AtRiskStatus.ACTIVE.label
            if entry.is_current(today)
            else AtRiskStatus(
                AtRiskStatus.EXPIRED if entry.status == AtRiskStatus.ACTIVE else entry.status
            ).label
        )

    scores = [{s.domain: s.score for s in a.scores.all()} for a in assessments]
    needs = [
        NeedsRow(str(domain.label), [found.get(domain.value) for found in scores])
        for domain in NeedDomain
    ]
    current_mentor = next((m for m in mentors if m.ends_on is None), None)
    facts = CaseFacts(
        offer_accepted=any(o.answer == OfferAnswer.ACCEPTED for o in offers),
        has_mentor=current_mentor is not None,
        has_needs_assessment=bool(assessments),
        has_service_plan=bool(plan),
    )
    return CasePage(
        case=case,
        age=age_on(referral.date_of_birth, today) if referral.date_of_birth else None,
        sex=_label(Sex, referral.sex) if referral.sex else "Not recorded",
        ethnicity=_label(Ethnicity, referral.ethnicity) if referral.ethnicity else "Not recorded",
        concerns=[_label(Concern, c) for c in referral.concerns],
        victim_only=victim_only(referral),
        flags=flags_of(case, today),
        steps=steps_of(case),
        timeline=timeline_of(case, moves, timezone.now()),
        facts=facts,
        offers=offers,
        awaiting_offer=next((o for o in offers if o.answer == OfferAnswer.AWAITING), None),
        moments=list(case.moments.select_related("recorded_by")),
        mentors=mentors,
        current_mentor=current_mentor,
        contacts=contacts,
        contacts_not_shown=contacts_total - len(contacts),
        assessments=assessments,
        needs=needs,
        goals=goals,
        plan=plan,
        releases=[ReleaseRow(r, _mentor_before(r, mentors)) for r in releases],
        family=_family_rows(case, members, today),
        at_risk=at_risk,
    )


def active_services() -> QuerySet[Service]:
    return Service.objects.filter(is_active=True).order_by("name")


# The mentor's view.


def mentees(actor: User) -> QuerySet[Case]:
    """The people assigned to this mentor now, by name."""
    return (
        mentees_of(actor)
        .select_related("referral")
        .order_by("referral__last_name", "referral__first_name", "id")
    )


@dataclass(frozen=True)
class MenteeRow:
    case: Case
    age: int | None


def mentee_rows(actor: User) -> list[MenteeRow]:
    today = _today()
    return [
        MenteeRow(
            case,
            age_on(case.referral.date_of_birth, today) if case.referral.date_of_birth else None,
        )
        for case in mentees(actor)
    ]


@dataclass
class MenteePage:
    case: Case
    age: int | None
    goals: list[Goal]
    contacts: list[Contact]
    contacts_not_shown: int


def mentee_page(case: Case, mentor: User) -> MenteePage:
    """Only what a mentor needs: the person, their goals and the mentor's own contact log."""
    referral = case.referral
    theirs = Contact.objects.filter(case=case, recorded_by=mentor)
    contacts = list(theirs.order_by("-occurred_on", "-id")[:CONTACTS_SHOWN])
    total = theirs.count()
    return MenteePage(
        case=case,
        age=age_on(referral.date_of_birth, _today()) if referral.date_of_birth else None,
        goals=list(case.goals.order_by("set_on", "id")),
        contacts=contacts,
        contacts_not_shown=total - len(contacts),
    )
