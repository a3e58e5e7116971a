"""Every change to a case on the CIRV pathway, each audited in its own transaction.

A change to the case's state (its step, offer, mentor, needs, plan, closure) names the version
of the case the user saw; if someone else changed the case since, the change is refused with
who changed it and when, instead of overwriting their work. Appending a contact changes no one
else's work, so it needs no version.

Free text about a person never reaches the audit detail or the logs.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from vrhub.accounts.models import Role, User
from vrhub.audit.models import AuditAction
from vrhub.audit.services import record
from vrhub.core.dates import when
from vrhub.referrals.eligibility import age_on
from vrhub.referrals.models import Concern, Referral, Service

from .models import (
    SUCCESSFUL_CONTACTS,
    AtRiskEntry,
    AtRiskReason,
    AtRiskReview,
    AtRiskShare,
    AtRiskStatus,
    Case,
    CaseMove,
    Contact,
    ContactMethod,
    CustodyRelease,
    DisruptionPlan,
    Family,
    FamilyMember,
    FamilyRole,
    Goal,
    GoalStatus,
    MentorAssignment,
    MomentKind,
    NeedDomain,
    NeedsAssessment,
    NeedScore,
    Offer,
    OfferAnswer,
    OfferMethod,
    PlannedService,
    PlannedServiceStatus,
    ReachableMoment,
)
from .pathway import (
    OFFER_CLOSURES,
    CaseFacts,
    ClosureReason,
    MoveKind,
    MoveRefused,
    PlacementOutcome,
    Step,
    check_move,
    check_reopen,
)

REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
MAX_CONTACT_MINUTES = 600


class CaseRefused(Exception):
    """A change that cannot be made, with a message per form field (or "__all__")."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(problems.values()))
        self.problems = problems


class CaseChanged(CaseRefused):
    """Someone else changed the case after this user loaded it."""

    def __init__(self, case: Case) -> None:
        who = case.changed_by.full_name if case.changed_by_id else "someone"
        super().__init__(
            {
                "__all__": f"This case was changed by {who} on {when(case.changed_at)}; "
                "review the changes and try again"
            }
        )


def _new_reference() -> str:
    return "C-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))


def _about(case: Case) -> dict[str, Any]:
    return {
        "target_type": "case",
        "target_id": case.reference,
        "person_id": case.referral.reference,
        "subject_agency": case.referral.referring_agency,
    }


def _today() -> date:
    return timezone.localdate()


def _choice(value: str, choices: type[Any], field: str, message: str) -> dict[str, str]:
    """A problem if `value` is not one of the enum's values (the API passes what it is given)."""
    return {} if value in choices.values else {field: message}


def _not_future(day: date | None, field: str, what: str) -> dict[str, str]:
    if day is not None and day > _today():
        return {field: f"{what} must be today or in the past"}
    return {}


def _lock(case: Case, expected_version: int | None) -> Case:
    """Re-read the case under a row lock in the caller's transaction. A version that is not the
    current one means someone else changed the case since the user loaded it."""
    fresh = (
        # Lock the case's row only: PostgreSQL cannot lock the outer join to a missing area.
        Case.objects.select_for_update(of=("self",))
        .select_related("referral", "referral__referring_agency", "referral__area")
        .get(pk=case.pk)
    )
    if expected_version is not None and fresh.version != expected_version:
        fresh.changed_by = User.objects.get(pk=fresh.changed_by_id)
        raise CaseChanged(fresh)
    return fresh


def _touch(case: Case, actor: User, *fields: str) -> None:
    case.version += 1
    case.changed_at = timezone.now()
    case.changed_by = actor
    case.save(update_fields=[*fields, "version", "changed_at", "changed_by"])


def _refresh(target: Case, source: Case) -> None:
    """Copy the saved state back onto the caller's object, so its page shows the new version."""
    for field in Case._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))


def _enter(case: Case, *, to_step: Step | None, kind: MoveKind, reason: str, actor: User) -> None:
    now = timezone.now()
    CaseMove.objects.create(
        case=case,
        kind=kind,
        from_step=case.step if kind != MoveKind.REOPEN else None,
        to_step=to_step,
        reason=reason,
        by=actor,
        at=now,
    )
    if to_step is not None:
        case.step = to_step
    case.step_entered_at = now


# Opening a case (from the triage panel's decision).


def case_open(
    *, referral: Referral, actor: User, caseworker: User | None, triage_started: datetime
) -> Case:
    """Open the case of a referral accepted at triage; inside the caller's transaction. Its
    timeline starts with the referral (step 1) and the triage (step 2) it went through."""
    now = timezone.now()
    case = Case.objects.create(
        reference=_new_reference(),
        referral=referral,
        caseworker=caseworker,
        step=Step.OFFER,
        step_entered_at=now,
        opened_at=now,
        changed_at=now,
        changed_by=actor,
    )
    submitted = referral.submitted_at or triage_started
    CaseMove.objects.bulk_create(
        [
            CaseMove(
                case=case,
                kind=MoveKind.HISTORY,
                to_step=Step.REFERRAL,
                by=referral.referred_by,
                at=submitted,
            ),
            CaseMove(
                case=case,
                kind=MoveKind.HISTORY,
                from_step=Step.REFERRAL,
                to_step=Step.TRIAGE,
                by=actor,
                at=max(triage_started, submitted),
            ),
            CaseMove(
                case=case,
                kind=MoveKind.OPENED,
                from_step=Step.TRIAGE,
                to_step=Step.OFFER,
                reason="Accepted at the multi-agency triage panel",
                by=actor,
                at=now,
            ),
        ]
    )
    record(
        action=AuditAction.CASE_OPENED,
        actor=actor,
        detail={"referral": referral.reference},
        **_about(case),
    )
    return case


def case_viewed(*, case: Case, actor: User, view: str = "case") -> None:
    """Record that someone read a person's case (the whole case, or the mentor's view)."""
    with transaction.atomic(durable=True):
        record(action=AuditAction.CASE_VIEWED, actor=actor, detail={"view": view}, **_about(case))


def caseload_viewed(*, actor: User, cases: int, view: str) -> None:
    """A list of people (a caseload, the mentees) was shown; each case page read is recorded
    on its own by case_viewed."""
    with transaction.atomic(durable=True):
        record(
            action=AuditAction.CASELOAD_VIEWED,
            actor=actor,
            target_type="caseload",
            detail={"cases": cases, "view": view},
        )


# Moving between steps.


def facts_about(case: Case) -> CaseFacts:
    return CaseFacts(
        offer_accepted=case.offers.filter(answer=OfferAnswer.ACCEPTED).exists(),
        has_mentor=case.mentor_assignments.filter(ends_on__isnull=True).exists(),
        has_needs_assessment=case.assessments.exists(),
        has_service_plan=case.service_plan.exists(),
    )


def case_move(
    *, case: Case, actor: User, to_step: int, reason: str, expected_version: int | None
) -> Case:
    """Move an open case to another step, as the pathway's table allows."""
    with transaction.atomic(durable=True):
        fresh = _lock(case, expected_version)
        if not fresh.is_open:
            raise CaseRefused({"to_step": "This case is closed: reopen it before moving it"})
        try:
            target = Step(to_step)
            move = check_move(Step(fresh.step), target, facts_about(fresh))
        except ValueError:
            raise CaseRefused({"to_step": "Select a step of the pathway"}) from None
        except MoveRefused as refused:
            raise CaseRefused({"to_step": str(refused)}) from None
        if move.kind == MoveKind.BACK and not reason.strip():
            raise CaseRefused({"reason": "Say why the case needs to move back"})
        from_step = fresh.step
        _enter(fresh, to_step=target, kind=move.kind, reason=reason.strip(), actor=actor)
        _touch(fresh, actor, "step", "step_entered_at")
        record(
            action=AuditAction.CASE_MOVED,
            actor=actor,
            detail={"from": from_step, "to": int(target), "kind": str(move.kind)},
            **_about(fresh),
        )
    _refresh(case, fresh)
    return case


def _close(
    case: Case,
    *,
    actor: User | None,
    by: User,
    reason: ClosureReason,
    note: str,
    placement: str = "",
    follow_up_on: date | None = None,
) -> None:
    """Close the case, inside the caller's transaction (its row already locked)."""
    from_step = case.step
    _enter(case, to_step=None, kind=MoveKind.EXIT, reason=note or reason.label, actor=by)
    # The mentor's work ends with the case; reopening it means choosing a mentor again.
    MentorAssignment.objects.filter(case=case, ends_on__isnull=True).update(ends_on=_today())
    case.is_open = False
    case.closed_at = timezone.now()
    case.closure_reason = reason
    case.placement_outcome = placement
    case.follow_up_on = follow_up_on
    _touch(
        case,
        by,
        "is_open",
        "closed_at",
        "closure_reason",
        "placement_outcome",
        "follow_up_on",
        "step_entered_at",
    )
    record(
        action=AuditAction.CASE_CLOSED,
        actor=actor,
        detail={"from": from_step, "reason": str(reason), "placement": placement},
        **_about(case),
    )


def case_close(
    *,
    case: Case,
    actor: User,
    reason: str,
    placement_outcome: str,
    follow_up_on: date | None,
    note: str,
    expected_version: int | None,
) -> Case:
    """Deselection: close the case from any step, with the reason and, from placement, the
    placement outcome."""
    problems: dict[str, str] = {}
    try:
        closure = ClosureReason(reason)
    except ValueError:
        closure = None
        problems["reason"] = "Select why the case is closing"
    if closure in OFFER_CLOSURES:
        problems["reason"] = "Record the answer to the CIRV offer instead: it closes the case"
    if placement_outcome and placement_outcome not in PlacementOutcome.values:
        problems["placement_outcome"] = "Select a placement outcome"
    if follow_up_on is not None and follow_up_on < _today():
        problems["follow_up_on"] = "The follow-up date must be today or in the future"
    if problems or closure is None:
        raise CaseRefused(problems)
    with transaction.atomic(durable=True):
        fresh = _lock(case, expected_version)
        if not fresh.is_open:
            raise CaseRefused({"reason": "This case is already closed"})
        if closure == ClosureReason.COMPLETED and not placement_outcome:
            raise CaseRefused(
                {"placement_outcome": "Select the placement outcome of a completed case"}
            )
        if placement_outcome and fresh.step != Step.PLACEMENT:
            raise CaseRefused(
                {
                    "placement_outcome": "A placement is recorded at step 8, "
                    "placement and deselection"
                }
            )
        _close(
            fresh,
            actor=actor,
            by=actor,
            reason=closure,
            note=note.strip(),
            placement=placement_outcome,
            follow_up_on=follow_up_on,
        )
        if closure == ClosureReason.DISENGAGED:
            _at_risk_add(fresh, reason=AtRiskReason.DISENGAGED, owner=actor, actor=actor)
    _refresh(case, fresh)
    return case


def case_reopen(
    *, case: Case, actor: User, to_step: int, reason: str, expected_version: int | None
) -> Case:
    """Reopen a closed case at an engagement step, with the reason. Someone leaving custody may
    be reassessed up to the post-release age limit, past the area's usual maximum age."""
    if not reason.strip():
        raise CaseRefused({"reason": "Say why the case is being reopened"})
    try:
        target = Step(to_step)
        check_reopen(target)
    except ValueError:
        raise CaseRefused({"to_step": "Select the step to reopen the case at"}) from None
    except MoveRefused as refused:
        raise CaseRefused({"to_step": str(refused)}) from None
    with transaction.atomic(durable=True):
        fresh = _lock(case, expected_version)
        if fresh.is_open:
            raise CaseRefused({"to_step": "This case is open already"})
        problem = _age_problem_for_reopening(fresh)
        if problem:
            raise CaseRefused({"to_step": problem})
        if target > Step.OFFER and not facts_about(fresh).offer_accepted:
            raise CaseRefused(
                {
                    "to_step": "The person never accepted the CIRV offer: reopen the case at "
                    "the CIRV offer and make it again"
                }
            )
        # An offer left unanswered when the case closed is not waiting any more.
        fresh.offers.filter(answer=OfferAnswer.AWAITING).update(answer=OfferAnswer.NO_RESPONSE)
        _enter(fresh, to_step=target, kind=MoveKind.REOPEN, reason=reason.strip(), actor=actor)
        fresh.is_open = True
        fresh.closed_at = None
        fresh.closure_reason = ""
        fresh.placement_outcome = ""
        fresh.follow_up_on = None
        _touch(
            fresh,
            actor,
            "step",
            "step_entered_at",
            "is_open",
            "closed_at",
            "closure_reason",
            "placement_outcome",
            "follow_up_on",
        )
        # Engaging again takes the person off the at-risk list.
        for entry in AtRiskEntry.objects.filter(case=fresh, status=AtRiskStatus.ACTIVE):
            _at_risk_end(entry, actor=actor, status=AtRiskStatus.REMOVED, why="case_reopened")
        record(
            action=AuditAction.CASE_REOPENED,
            actor=actor,
            detail={"to": int(target)},
            **_about(fresh),
        )
    _refresh(case, fresh)
    return case


def _age_problem_for_reopening(case: Case) -> str:
    referral = case.referral
    if referral.date_of_birth is None:
        return ""
    age = age_on(referral.date_of_birth, _today())
    area_max = referral.area.maximum_age if referral.area else None
    if area_max is None or age <= area_max:
        return ""
    limit = settings.VRHUB_POST_RELEASE_MAX_AGE
    if case.releases.exists() and age <= limit:
        return ""
    if case.releases.exists():
        return f"The person is {age}: after release from custody, reassessment is up to age {limit}"
    return (
        f"The person is {age}, over this area's maximum age of {area_max}. "
        f"Record a release from custody to reassess them (up to age {limit})"
    )


def caseworker_assign(
    *, case: Case, actor: User, caseworker: User, expected_version: int | None
) -> Case:
    """Give the case to another caseworker (a programme manager balancing caseloads)."""
    if not caseworker.is_active or Role.CASEWORKER not in caseworker.roles:
        raise CaseRefused({"caseworker": "Select an active caseworker"})
    with transaction.atomic(durable=True):
        fresh = _lock(case, expected_version)
        if not fresh.is_open:
            raise CaseRefused(
                {"caseworker": "This case is closed: reopen it to give it to someone"}
            )
        if fresh.caseworker_id == caseworker.pk:
            raise CaseRefused({"caseworker": f"{caseworker.full_name} already has this case"})
        previous = fresh.caseworker_id
        fresh.caseworker = caseworker
        _touch(fresh, actor, "caseworker")
        record(
            action=AuditAction.CASE_REASSIGNED,
            actor=actor,
            detail={"from_user": previous or 0, "to_user": caseworker.pk},
            **_about(fresh),
        )
    _refresh(case, fresh)
    return case


# Step 3: the CIRV offer.


def offer_make(
    *, case: Case, actor: User, made_on: date, method: str, expected_version: int | None
) -> Offer:
    problems = {
        **_not_future(made_on, "made_on", "The date the offer was made"),
        **_choice(method, OfferMethod, "method", "Select how the offer was made"),
    }
    if problems:
        raise CaseRefused(problems)
    with transaction.atomic(durable=True):
        fresh = _lock(case, expected_version)
        if not fresh.is_open or fresh.step != Step.OFFER:
            raise CaseRefused({"__all__": "An offer is made at step 3, the CIRV offer"})
        if fresh.offers.filter(answer=OfferAnswer.AWAITING).exists():
            raise CaseRefused({"__all__": "An offer is already waiting for an answer"})
        respond_by = made_on + timedelta(days=settings.VRHUB_OFFER_RESPONSE_DAYS)
        offer = Offer.objects.create(
            case=fresh, made_on=made_on, method=method, respond_by=respond_by, recorded_by=actor
        )
        fresh.offer_respond_by = respond_by
        _touch(fresh, actor, "offer_respond_by")
        record(
            action=AuditAction.OFFER_MADE, actor=actor, detail={"method": method}, **_about(fresh)
        )
    _refresh(case, fresh)
    return offer


def offer_answer(
    *,
    case: Case,
    actor: User,
    answer: str,
    answered_on: date,
    expected_version: int | None,
) -> Case:
    """Record the person's answer. Accepted: on to step 4. Declined: the case closes and the
    person goes on the at-risk list (unless recorded as a victim only)."""
    if answer not in (OfferAnswer.ACCEPTED, OfferAnswer.DECLINED):
        raise CaseRefused({"answer": "Select whether the person accepted or declined"})
    problems = _not_future(answered_on, "answered_on", "The date of the answer")
    if problems:
        raise CaseRefused(problems)
    with transaction.atomic(durable=True):
        fresh = _lock(case, expected_version)
        offer = fresh.offers.filter(answer=OfferAnswer.AWAITING).first()
        if offer is None or not fresh.is_open or fresh.step != Step.OFFER:
            raise CaseRefused({"answer": "There is no offer waiting for an answer"})
        if answered_on < offer.made_on:
            raise CaseRefused({"answered_on": "The answer cannot come before the offer was made"})
        offer.answer = answer
        offer.answered_on = answered_on
        offer.save(update_fields=["answer", "answered_on"])
        fresh.offer_respond_by = None
        record(
            action=AuditAction.OFFER_ANSWERED,
            actor=actor,
            detail={"answer": answer},
            **_about(fresh),
        )
        if answer == OfferAnswer.ACCEPTED:
            # The same table as every other move: accepting is what lets the case go on.
            check_move(Step.OFFER, Step.MOMENT, facts_about(fresh))
            _enter(
                fresh,
                to_step=Step.MOMENT,
                kind=MoveKind.FORWARD,
                reason="Accepted the CIRV offer",
                actor=actor,
            )
            _touch(fresh, actor, "step", "step_entered_at", "offer_respond_by")
            record(
                action=AuditAction.CASE_MOVED,
                actor=actor,
                detail={"from": int(Step.OFFER), "to": int(Step.MOMENT), "kind": "forward"},
                **_about(fresh),
            )
        else:
            _touch(fresh, actor, "offer_respond_by")
            _close(fresh, actor=actor, by=actor, reason=ClosureReason.OFFER_DECLINED, note="")
            _at_risk_add(fresh, reason=AtRiskReason.OFFER_DECLINED, owner=actor, actor=actor)
    _refresh(case, fresh)
    return case


def offers_lapse(*, today: date | None = None) -> int:
    """Offers with no answer by their respond-by date lapse: the case closes and the person goes
    on the at-risk list. Run daily by `manage.py pathway_daily`; returns how many lapsed."""
    today = today or _today()
    lapsed = 0
    due = Offer.objects.filter(
        answer=OfferAnswer.AWAITING, respond_by__lt=today, case__is_open=True
    )
    for offer_id, case_id in due.values_list("pk", "case_id"):
        with transaction.atomic(durable=True):
            # The case first, then the offer: the order offer_answer locks them in.
            case = _lock(Case(pk=case_id), None)
            offer = Offer.objects.select_for_update().filter(pk=offer_id).first()
            if offer is None or offer.answer != OfferAnswer.AWAITING:
                continue
            if not case.is_open or case.step != Step.OFFER:
                continue
            offer.answer = OfferAnswer.NO_RESPONSE
            offer.save(update_fields=["answer"])
            owner = case.caseworker or offer.recorded_by
            record(action=AuditAction.OFFER_LAPSED, actor=None, **_about(case))
            case.offer_respond_by = None
            _close(
                case,
                actor=None,
                by=owner,
                reason=ClosureReason.NO_RESPONSE,
                note="No answer to the CIRV offer by the date it was due",
            )
            _at_risk_add(case, reason=AtRiskReason.NO_RESPONSE, owner=owner, actor=None)
            lapsed += 1
    return lapsed


# Step 4: the teachable or reachable moment.


def moment_record(
    *,
    case: Case,
    actor: User,
    kind: str,
    occurred_on: date,
    contacted_on: date | None,
    contact_method: str,
) -> ReachableMoment:
    problems = {
        **_choice(kind, MomentKind, "kind", "Select what kind of moment it was"),
        **_not_future(occurred_on, "occurred_on", "The date of the moment"),
        **_not_future(contacted_on, "contacted_on", "The date of contact"),
    }
    if contact_method:
        problems.update(
            _choice(contact_method, ContactMethod, "contact_method", "Select how contact was made")
        )
    if contacted_on is not None and contacted_on < occurred_on:
        problems["contacted_on"] = "The contact cannot come before the moment"
    if contacted_on is not None and not contact_method:
        problems["contact_method"] = "Select how contact was made"
    if problems:
        raise CaseRefused(problems)
    with transaction.atomic(durable=True):
        fresh = _lock(case, None)
        _must_be_open(fresh)
        moment = ReachableMoment.objects.create(
            case=fresh,
            kind=kind,
            occurred_on=occurred_on,
            contacted_on=contacted_on,
            contact_method=contact_method,
            recorded_by=actor,
        )
        record(
            action=AuditAction.MOMENT_RECORDED,
            actor=actor,
            detail={"kind": kind, "days_to_contact": moment.days_to_contact},
            **_about(fresh),
        )
    return moment


def _must_be_open(case: Case) -> None:
    if not case.is_open:
        raise CaseRefused({"__all__": "This case is closed: reopen it to record more work"})


# Step 5: relationship building with a mentor.


def mentor_problem(mentor: User) -> str:
    """Why this user cannot mentor, or "" if they can."""
    if not mentor.is_active or Role.MENTOR not in mentor.roles:
        return f"{mentor.full_name} is not an active mentor"
    if not mentor.agency.provides_mentors or not mentor.agency.is_active:
        return f"{mentor.agency.name} does not provide mentors for the CIRV pathway"
    return ""


def mentors_available() -> list[User]:
    return [
        user
        for user in User.objects.filter(
            is_active=True,
            agency__is_active=True,
            agency__provides_mentors=True,
            role_assignments__role=Role.MENTOR,
        )
        .select_related("agency")
        .prefetch_related("role_assignments")
        .order_by("full_name")
        .distinct()
    ]


def mentor_assign(
    *, case: Case, actor: User, mentor: User, starts_on: date, expected_version: int | None
) -> MentorAssignment:
    problem = mentor_problem(mentor)
    if problem:
        raise CaseRefused({"mentor": problem})
    with transaction.atomic(durable=True):
        fresh = _lock(case, expected_version)
        _must_be_open(fresh)
        current = fresh.mentor_assignments.filter(ends_on__isnull=True).first()
        if current is not None and current.mentor_id == mentor.pk:
            raise CaseRefused({"mentor": f"{mentor.full_name} is already the mentor"})
        if current is not None:
            current.ends_on = max(starts_on, current.starts_on)
            current.save(update_fields=["ends_on"])
        assignment = MentorAssignment.objects.create(
            case=fresh, mentor=mentor, starts_on=starts_on, assigned_by=actor
        )
        _touch(fresh, actor)
        record(
            action=AuditAction.MENTOR_ASSIGNED,
            actor=actor,
            detail={"mentor": mentor.pk, "mentor_agency": mentor.agency_id},
            **_about(fresh),
        )
    _refresh(case, fresh)
    return assignment


def contact_log(
    *,
    case: Case,
    actor: User,
    method: str,
    occurred_on: date,
    duration_minutes: int | None,
    note: str,
) -> Contact:
    """Log a contact with the person, or an attempt. A mentor logs for their mentees only (the
    view checks that through permissions.access_mentee)."""
    problems = {
        **_choice(method, ContactMethod, "method", "Select how the contact was made"),
        **_not_future(occurred_on, "occurred_on", "The date of the contact"),
    }
    if duration_minutes is not None and not 0 < duration_minutes <= MAX_CONTACT_MINUTES:
        problems["duration_minutes"] = (
            f"The duration must be between 1 and {MAX_CONTACT_MINUTES} minutes"
        )
    if len(note) > 500:
        problems["note"] = "The note must be 500 characters or fewer"
    if problems:
        raise CaseRefused(problems)
    with transaction.atomic(durable=True):
        fresh = _lock(case, None)
        _must_be_open(fresh)
        contact = Contact.objects.create(
            case=fresh,
            method=method,
            occurred_on=occurred_on,
            duration_minutes=duration_minutes,
            note=note.strip(),
            recorded_by=actor,
        )
        if method in SUCCESSFUL_CONTACTS and (
            fresh.last_successful_contact_on is None
            or occurred_on > fresh.last_successful_contact_on
        ):
            # Not a change anyone could overwrite: the version stays as it is.
            fresh.last_successful_contact_on = occurred_on
            fresh.save(update_fields=["last_successful_contact_on"])
        record(
            action=AuditAction.CONTACT_LOGGED,
            actor=actor,
            detail={"method": method},
            **_about(fresh),
        )
    _refresh(case, fresh)
    return contact


# Step 6: progress (needs, goals, reviews).


def needs_assess(
    *,
    case: Case,
    actor: User,
    assessed_on: date,
    scores: dict[str, int],
    next_review_on: date | None,
    expected_version: int | None,
) -> NeedsAssessment:
    problems = _not_future(assessed_on, "assessed_on", "The date of the assessment")
    for domain in NeedDomain:
        score = scores.get(domain.value)
        if score is None or not 1 <= score <= 5:
            problems[domain.value] = f"Score {domain.label.lower()} from 1 to 5"
    if next_review_on is None:
        next_review_on = max(
            assessed_on + timedelta(days=settings.VRHUB_NEEDS_REVIEW_DAYS), _today()
        )
    if next_review_on <= assessed_on:
        problems["next_review_on"] = "The next review must be after the assessment"
    elif next_review_on < _today():
        problems["next_review_on"] = "The next review must be today or in the future"
    if problems:
        raise CaseRefused(problems)
    with transaction.atomic(durable=True):
        fresh = _lock(case, expected_version)
        _must_be_open(fresh)
        is_review = fresh.assessments.exists()
        assessment = NeedsAssessment.objects.create(
            case=fresh,
            assessed_on=assessed_on,
            is_review=is_review,
            next_review_on=next_review_on,
            assessed_by=actor,
        )
        NeedScore.objects.bulk_create(
            NeedScore(assessment=assessment, domain=domain, score=scores[domain])
            for domain in NeedDomain.values
        )
        fresh.next_review_on = next_review_on
        _touch(fresh, actor, "next_review_on")
        record(
            action=AuditAction.NEEDS_ASSESSED,
            actor=actor,
            detail={"review": is_review},
            **_about(fresh),
        )
    _refresh(case, fresh)
    return assessment


def goal_set(
    *, case: Case, actor: User, domain: str, description: str, target_on: date | None
) -> Goal:
    problems = _choice(domain, NeedDomain, "domain", "Select the need the goal is about")
    if not description.strip():
        problems["description"] = "Describe the goal"
    if target_on is not None and target_on < _today():
        problems["target_on"] = "The target date must be today or in the future"
    if problems:
        raise CaseRefused(problems)
    with transaction.atomic(durable=True):
        fresh = _lock(case, None)
        _must_be_open(fresh)
        goal = Goal.objects.create(
            case=fresh,
            domain=domain,
            description=description.strip(),
            target_on=target_on,
            set_by=actor,
            set_on=_today(),
        )
        record(action=AuditAction.GOAL_SET, actor=actor, detail={"domain": domain}, **_about(fresh))
    return goal


def goal_update(*, goal: Goal, actor: User, status: str) -> Goal:
    if status not in GoalStatus.values:
        raise CaseRefused({"status": "Select where the goal stands"})
    with transaction.atomic(durable=True):
        fresh = _lock(goal.case, None)
        _must_be_open(fresh)
        goal.status = status
        goal.save(update_fields=["status"])
        record(
            action=AuditAction.GOAL_UPDATED, actor=actor, detail={"status": status}, **_about(fresh)
        )
    return goal


# Step 7: sequencing services.


def service_plan_add(
    *, case: Case, actor: User, service: Service, expected_version: int | None
) -> PlannedService:
    if not service.is_active:
        raise CaseRefused({"service": f"{service.name} is no longer in the directory"})
    with transaction.atomic(durable=True):
        fresh = _lock(case, expected_version)
        _must_be_open(fresh)
        if (
            fresh.service_plan.filter(service=service)
            .exclude(status__in=[PlannedServiceStatus.COMPLETED, PlannedServiceStatus.DECLINED])
            .exists()
        ):
            raise CaseRefused({"service": f"{service.name} is already in the plan"})
        last = fresh.service_plan.aggregate(last=Max("position"))["last"] or 0
        planned = PlannedService.objects.create(
            case=fresh, service=service, position=last + 1, status_on=_today(), planned_by=actor
        )
        _touch(fresh, actor)
        record(
            action=AuditAction.SERVICE_PLANNED,
            actor=actor,
            detail={"service": service.pk},
            **_about(fresh),
        )
    _refresh(case, fresh)
    return planned


def service_plan_update(
    *,
    planned: PlannedService,
    actor: User,
    status: str,
    status_on: date,
    expected_version: int | None,
) -> PlannedService:
    problems = _not_future(status_on, "status_on", "The date")
    if status not in PlannedServiceStatus.values:
        problems["status"] = "Select the service's status"
    if problems:
        raise CaseRefused(problems)
    with transaction.atomic(durable=True):
        fresh = _lock(planned.case, expected_version)
        _must_be_open(fresh)
        planned.status = status
        planned.status_on = status_on
        planned.save(update_fields=["status", "status_on"])
        _touch(fresh, actor)
        record(
            action=AuditAction.SERVICE_PLAN_UPDATED,
            actor=actor,
            detail={"service": planned.service_id, "status": status},
            **_about(fresh),
        )
    return planned


def service_plan_raise(
    *, planned: PlannedService, actor: User, expected_version: int | None
) -> None:
    """Bring a service one place earlier in the sequence."""
    with transaction.atomic(durable=True):
        fresh = _lock(planned.case, expected_version)
        _must_be_open(fresh)
        before = (
            fresh.service_plan.filter(position__lt=planned.position).order_by("-position").first()
        )
        if before is None:
            raise CaseRefused({"__all__": "This service is first in the plan already"})
        before.position, planned.position = planned.position, before.position
        PlannedService.objects.bulk_update([before, planned], ["position"])
        _touch(fresh, actor)
        record(
            action=AuditAction.SERVICE_PLAN_UPDATED,
            actor=actor,
            detail={"service": planned.service_id, "raised_to": planned.position},
            **_about(fresh),
        )


# Post-release.


def release_record(
    *, case: Case, actor: User, release_on: date, establishment: str
) -> CustodyRelease:
    if not establishment.strip():
        raise CaseRefused({"establishment": "Enter the prison or young offender institution"})
    with transaction.atomic(durable=True):
        fresh = _lock(case, None)
        release = CustodyRelease.objects.create(
            case=fresh,
            release_on=release_on,
            establishment=establishment.strip(),
            recorded_by=actor,
        )
        record(
            action=AuditAction.RELEASE_RECORDED,
            actor=actor,
            detail={"future": release_on > _today()},
            **_about(fresh),
        )
    return release


# The whole family approach.


def _family_of(case: Case, actor: User) -> Family:
    """The case's family, started with the case's own person if there is none yet."""
    member = FamilyMember.objects.filter(case=case).select_related("family").first()
    if member is not None:
        return member.family
    family = Family.objects.create()
    referral = case.referral
    FamilyMember.objects.create(
        family=family,
        case=case,
        first_name=referral.first_name,
        last_name=referral.last_name,
        date_of_birth=referral.date_of_birth,
        role=FamilyRole.CHILD,
        involved_in_serious_violence=_involved(referral),
        added_by=actor,
    )
    return family


def _involved(referral: Referral) -> bool:
    return bool(
        {Concern.VIOLENCE_PERPETRATOR, Concern.WEAPON_CARRYING, Concern.FIREARMS}
        & set(referral.concerns)
    )


def family_member_add(
    *,
    case: Case,
    actor: User,
    first_name: str,
    last_name: str,
    date_of_birth: date | None,
    role: str,
    same_household: bool,
    involved_in_serious_violence: bool,
) -> FamilyMember:
    problems = _not_future(date_of_birth, "date_of_birth", "Date of birth")
    if not first_name.strip():
        problems["first_name"] = "Enter the family member's first name"
    if role not in FamilyRole.values:
        problems["role"] = "Select who they are in the family"
    if problems:
        raise CaseRefused(problems)
    with transaction.atomic(durable=True):
        fresh = _lock(case, None)
        family = _family_of(fresh, actor)
        member = FamilyMember.objects.create(
            family=family,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            date_of_birth=date_of_birth,
            role=role,
            same_household=same_household,
            involved_in_serious_violence=involved_in_serious_violence,
            added_by=actor,
        )
        record(
            action=AuditAction.FAMILY_MEMBER_ADDED,
            actor=actor,
            detail={"role": role, "involved": involved_in_serious_violence},
            **_about(fresh),
        )
    return member


def family_member_mark_involved(
    *, member: FamilyMember, case: Case, actor: User, involved: bool
) -> FamilyMember:
    with transaction.atomic(durable=True):
        fresh = _lock(case, None)
        if not FamilyMember.objects.filter(pk=member.pk, family__members__case=fresh).exists():
            raise CaseRefused({"__all__": "This person is not in the case's family"})
        member.involved_in_serious_violence = involved
        member.save(update_fields=["involved_in_serious_violence"])
        record(
            action=AuditAction.FAMILY_MEMBER_UPDATED,
            actor=actor,
            detail={"involved": involved},
            **_about(fresh),
        )
    return member


def family_link(*, case: Case, other: Case, actor: User) -> Family:
    """Record that two people with cases belong to the same family: their families become one."""
    if other.pk == case.pk:
        raise CaseRefused({"other": "Choose another person's case"})
    with transaction.atomic(durable=True):
        fresh = _lock(case, None)
        family = _family_of(fresh, actor)
        other_family = _family_of(other, actor)
        if other_family.pk == family.pk:
            raise CaseRefused({"other": "They are already in the same family"})
        FamilyMember.objects.filter(family=other_family).update(family=family)
        other_family.delete()
        record(
            action=AuditAction.FAMILY_LINKED,
            actor=actor,
            detail={"other_case": other.reference},
            **_about(fresh),
        )
    return family


# The at-risk list.


def victim_only(referral: Referral) -> bool:
    """Recorded only as a victim of violence: never placed on the at-risk list."""
    concerns = set(referral.concerns)
    return bool(concerns) and concerns <= {Concern.VIOLENCE_VICTIM}


def _at_risk_add(
    case: Case, *, reason: AtRiskReason, owner: User, actor: User | None
) -> AtRiskEntry | None:
    """Put the person on the list, inside the caller's transaction; victims only never go on."""
    if victim_only(case.referral):
        return None
    if AtRiskEntry.objects.filter(case=case, status=AtRiskStatus.ACTIVE).exists():
        return None
    today = _today()
    entry = AtRiskEntry.objects.create(
        case=case,
        reason=reason,
        owner=owner,
        added_on=today,
        review_on=today + relativedelta(months=settings.VRHUB_AT_RISK_REVIEW_MONTHS),
    )
    record(
        action=AuditAction.AT_RISK_ADDED,
        actor=actor,
        detail={"reason": str(reason), "entry": entry.pk},
        **_about(case),
    )
    return entry


def _at_risk_end(entry: AtRiskEntry, *, actor: User | None, status: str, why: str) -> None:
    entry.status = status
    entry.ended_on = _today()
    entry.save(update_fields=["status", "ended_on"])
    record(
        action=AuditAction.AT_RISK_EXPIRED
        if status == AtRiskStatus.EXPIRED
        else AuditAction.AT_RISK_REMOVED,
        actor=actor,
        detail={"entry": entry.pk, "why": why},
        **_about(entry.case),
    )


def at_risk_rejustify(
    *, entry: AtRiskEntry, actor: User, justification: str, next_review_on: date
) -> AtRiskEntry:
    """Keep someone on the list past their review date: only with a fresh reason, for at most
    the review period again."""
    today = _today()
    longest = today + relativedelta(months=settings.VRHUB_AT_RISK_REVIEW_MONTHS)
    problems: dict[str, str] = {}
    if not justification.strip():
        problems["justification"] = "Say why the person must stay on the list"
    if next_review_on <= today:
        problems["next_review_on"] = "The next review date must be in the future"
    elif next_review_on > longest:
        problems["next_review_on"] = (
            f"The next review must be within {settings.VRHUB_AT_RISK_REVIEW_MONTHS} months, "
            f"by {longest:%-d %B %Y}"
        )
    if problems:
        raise CaseRefused(problems)
    with transaction.atomic(durable=True):
        fresh = (
            AtRiskEntry.objects.select_for_update()
            .select_related("case__referral")
            .get(pk=entry.pk)
        )
        if not fresh.is_current(today):
            raise CaseRefused(
                {"__all__": "This entry has left the list; a person can only be added again"}
            )
        AtRiskReview.objects.create(
            entry=fresh,
            reviewed_by=actor,
            reviewed_on=today,
            justification=justification.strip(),
            next_review_on=next_review_on,
        )
        fresh.review_on = next_review_on
        fresh.save(update_fields=["review_on"])
        record(
            action=AuditAction.AT_RISK_REJUSTIFIED,
            actor=actor,
            detail={"entry": fresh.pk},
            **_about(fresh.case),
        )
    return fresh


def at_risk_remove(*, entry: AtRiskEntry, actor: User) -> None:
    with transaction.atomic(durable=True):
        fresh = (
            AtRiskEntry.objects.select_for_update()
            .select_related("case__referral")
            .get(pk=entry.pk)
        )
        if fresh.status != AtRiskStatus.ACTIVE:
            raise CaseRefused({"__all__": "This entry is not on the list"})
        _at_risk_end(fresh, actor=actor, status=AtRiskStatus.REMOVED, why="removed_by_user")


def at_risk_expire_due(*, today: date | None = None) -> int:
    """Entries not re-justified by their review date leave the list. The list never shows them
    past that date anyway; this records their leaving. Run daily by `manage.py pathway_daily`."""
    today = today or _today()
    expired = 0
    due = AtRiskEntry.objects.filter(status=AtRiskStatus.ACTIVE, review_on__lt=today)
    for entry_id in due.values_list("pk", flat=True):
        with transaction.atomic(durable=True):
            entry = (
                AtRiskEntry.objects.select_for_update(of=("self",))
                .select_related("case__referral", "case__referral__referring_agency")
                .get(pk=entry_id)
            )
            # Re-justified or removed since the list was read: nothing to expire.
            if entry.status != AtRiskStatus.ACTIVE or entry.review_on >= today:
                continue
            _at_risk_end(entry, actor=None, status=AtRiskStatus.EXPIRED, why="not_rejustified")
        expired += 1
    return expired


@dataclass(frozen=True)
class ListUse:
    entries: int
    redacted: bool = True
    recipient: str = ""
    purpose: str = ""


def at_risk_list_viewed(*, actor: User, entries: int, view: str = "list") -> None:
    with transaction.atomic(durable=True):
        record(
            action=AuditAction.AT_RISK_LIST_VIEWED,
            actor=actor,
            target_type="at_risk_list",
            detail={"entries": entries, "view": view},
        )


def at_risk_list_exported(*, actor: User, use: ListUse) -> AtRiskShare | None:
    """A download of the list. Redacted unless the user chose otherwise and said to whom and
    why; an unredacted copy is a share and goes in the share log."""
    problems: dict[str, str] = {}
    if not use.redacted:
        if not use.recipient.strip():
            problems["recipient"] = "Say who the names are for"
        if not use.purpose.strip():
            problems["purpose"] = "Say why they need the names"
    if problems:
        raise CaseRefused(problems)
    with transaction.atomic(durable=True):
        share = None
        if not use.redacted or use.recipient:
            share = AtRiskShare.objects.create(
                shared_by=actor,
                shared_at=timezone.now(),
                recipient=use.recipient.strip() or "Download",
                purpose=use.purpose.strip(),
                redacted=use.redacted,
                entries=use.entries,
            )
        record(
            action=AuditAction.AT_RISK_LIST_SHARED
            if share is not None
            else AuditAction.AT_RISK_LIST_EXPORTED,
            actor=actor,
            target_type="at_risk_list",
            detail={"entries": use.entries, "redacted": use.redacted},
        )
    return share


# Disruption (police only).


def disruption_problems(case: Case, actor: User) -> dict[str, str]:
    from vrhub.accounts.permissions import may_see_disruption

    problems: dict[str, str] = {}
    if not may_see_disruption(actor):
        problems["__all__"] = "Only police users can open a disruption plan"
        return problems
    referral = case.referral
    if referral.date_of_birth is None or age_on(referral.date_of_birth, _today()) < (
        settings.VRHUB_DISRUPTION_MINIMUM_AGE
    ):
        problems["__all__"] = (
            f"Disruption is only for people aged {settings.VRHUB_DISRUPTION_MINIMUM_AGE} or over"
        )
    elif case.closure_reason not in OFFER_CLOSURES:
        problems["__all__"] = "Disruption is only for people who refused the CIRV offer"
    return problems


def disruption_open(
    *, case: Case, actor: User, basis: str, actions: str, criminally_active: bool
) -> DisruptionPlan:
    from vrhub.accounts.permissions import DISRUPTION_TARGET

    problems = disruption_problems(case, actor)
    if not criminally_active:
        problems["criminally_active"] = "Confirm that police record the person as criminally active"
    if not basis.strip():
        problems["basis"] = "Say what police hold that shows the person is criminally active"
    if not actions.strip():
        problems["actions"] = "Describe the disruption actions"
    if problems:
        raise CaseRefused(problems)
    with transaction.atomic(durable=True):
        fresh = _lock(case, None)
        if DisruptionPlan.objects.filter(case=fresh, closed_on__isnull=True).exists():
            raise CaseRefused({"__all__": "A disruption plan is open already"})
        plan = DisruptionPlan.objects.create(
            case=fresh,
            opened_by=actor,
            opened_on=_today(),
            basis=basis.strip(),
            actions=actions.strip(),
        )
        record(
            action=AuditAction.DISRUPTION_OPENED,
            actor=actor,
            target_type=DISRUPTION_TARGET,
            target_id=plan.pk,
            person_id=fresh.referral.reference,
        )
    return plan


def disruption_viewed(*, plan: DisruptionPlan, actor: User) -> None:
    from vrhub.accounts.permissions import DISRUPTION_TARGET

    with transaction.atomic(durable=True):
        record(
            action=AuditAction.DISRUPTION_VIEWED,
            actor=actor,
            target_type=DISRUPTION_TARGET,
            target_id=plan.pk,
            person_id=plan.case.referral.reference,
        )


def disruption_close(*, plan: DisruptionPlan, actor: User) -> DisruptionPlan:
    from vrhub.accounts.permissions import DISRUPTION_TARGET, may_see_disruption

    if not may_see_disruption(actor):
        raise CaseRefused({"__all__": "Only police users can close a disruption plan"})
    with transaction.atomic(durable=True):
        fresh = DisruptionPlan.objects.select_for_update().get(pk=plan.pk)
        if fresh.closed_on is not None:
            raise CaseRefused({"__all__": "This disruption plan is closed already"})
        fresh.closed_on = _today()
        fresh.save(update_fields=["closed_on"])
        record(
            action=AuditAction.DISRUPTION_CLOSED,
            actor=actor,
            target_type=DISRUPTION_TARGET,
            target_id=fresh.pk,
            person_id=plan.case.referral.reference,
        )
    return fresh
