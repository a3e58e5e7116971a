"""Building blocks for pathway tests: a referral awaiting triage, a panel, a case at any step.

Everything is made through the services, as users would make it, so the tests exercise the
same rules and audit as the pages."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from vrhub.accounts.models import Agency, AgencyKind, Role, User
from vrhub.accounts.tests.factories import AgencyFactory, UserFactory
from vrhub.cases import services
from vrhub.cases.models import Case, ContactMethod, NeedDomain, OfferMethod
from vrhub.cases.pathway import Step
from vrhub.referrals import services as referral_services
from vrhub.referrals.models import ProgrammeArea, Referral, Service
from vrhub.referrals.tests.factories import complete_answers
from vrhub.triage import services as triage_services
from vrhub.triage.models import AgendaItem, PanelDecision, TriagePanel


def awaiting_triage(actor: User, **answers: Any) -> Referral:
    """A referral sent by `actor`, eligible and accepted by the CIRV team for triage."""
    referral = referral_services.referral_create(
        actor=actor, answers=complete_answers(**answers)
    ).referral
    return referral_services.referral_decide(referral=referral, actor=actor, decision="accept")


def schedule_panel(actor: User, area: ProgrammeArea, *, days: int = 7) -> TriagePanel:
    return triage_services.panel_schedule(
        actor=actor,
        area=area,
        meets_at=timezone.now() + timedelta(days=days),
        location="Council House, Room 2",
        chair=actor,
    )


def accept_at_panel(actor: User, referral: Referral, area: ProgrammeArea) -> Case:
    item = AgendaItem.objects.filter(referral=referral, decision="").first()
    if item is None:
        schedule_panel(actor, area)
        item = AgendaItem.objects.get(referral=referral, decision="")
    case = triage_services.decision_record(
        item=item, actor=actor, decision=PanelDecision.ACCEPT, reason="", caseworker=actor
    )
    assert case is not None
    return case


def advance(case: Case, actor: User, to: Step, *, mentor: User | None = None) -> Case:
    """Take an open case forward to step `to`, doing the work each move requires."""
    today = timezone.localdate()
    while case.step < to:
        step = Step(case.step)
        if step == Step.OFFER:
            services.offer_make(
                case=case,
                actor=actor,
                made_on=today,
                method=OfferMethod.IN_PERSON,
                expected_version=case.version,
            )
            services.offer_answer(
                case=case,
                actor=actor,
                answer="accepted",
                answered_on=today,
                expected_version=case.version,
            )
            continue
        if step == Step.RELATIONSHIP:
            assert mentor is not None, "relationship building needs a mentor to move on"
            services.mentor_assign(
                case=case,
                actor=actor,
                mentor=mentor,
                starts_on=today,
                expected_version=case.version,
            )
            services.contact_log(
                case=case,
                actor=mentor,
                method=ContactMethod.FACE_TO_FACE,
                occurred_on=today,
                duration_minutes=45,
                note="First meeting",
            )
        if step == Step.PROGRESS:
            services.needs_assess(
                case=case,
                actor=actor,
                assessed_on=today,
                scores={d: 2 for d in NeedDomain.values},
                next_review_on=None,
                expected_version=case.version,
            )
        if step == Step.SEQUENCING:
            services.service_plan_add(
                case=case,
                actor=actor,
                service=Service.objects.filter(is_active=True).first(),  # type: ignore[arg-type]
                expected_version=case.version,
            )
        services.case_move(
            case=case, actor=actor, to_step=step + 1, reason="", expected_version=case.version
        )
    return case


@pytest.fixture
def st_giles(db: None) -> Agency:
    return AgencyFactory(name="St Giles Trust", kind=AgencyKind.VOLUNTARY, provides_mentors=True)


@pytest.fixture
def mentor(st_giles: Agency) -> User:
    return UserFactory(agency=st_giles, roles=[Role.MENTOR], full_name="Maya Mentor")


@pytest.fixture
def caseworker(police: Agency) -> User:
    """A CIRV caseworker: police staff, as in the West Midlands."""
    return UserFactory(agency=police, roles=[Role.CASEWORKER], full_name="Callum Caseworker")


@pytest.fixture
def manager(council: Agency) -> User:
    return UserFactory(
        agency=council, roles=[Role.PROGRAMME_MANAGER], full_name="Priya Programme-Manager"
    )


@pytest.fixture
def make_case(
    caseworker: User, coventry_area: ProgrammeArea, directory: dict[str, Service], mentor: User
):
    """make_case(step=Step.PROGRESS, **referral answers): a case at that step."""

    def make(step: Step = Step.OFFER, **answers: Any) -> Case:
        referral = awaiting_triage(caseworker, **answers)
        case = accept_at_panel(caseworker, referral, coventry_area)
        return advance(case, caseworker, step, mentor=mentor)

    return make


def adult_birth_date(years: int = 20) -> date:
    today = timezone.localdate()
    return date(today.year - years, 1, 1)
