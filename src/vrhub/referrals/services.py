"""Every change to a referral: start, answer, submit, decide, signpost. Each is audited in the
same transaction. Free text (names, addresses, concern details) never reaches the audit detail
or the logs: events name the fields that changed, not their values."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Value
from django.db.models.functions import Lower
from django.utils import timezone

from vrhub.accounts.models import User
from vrhub.audit.models import AuditAction
from vrhub.audit.services import record

from .eligibility import age_on, decide, normalise_postcode
from .models import (
    Eligibility,
    OnwardReferral,
    ProgrammeArea,
    Referral,
    ReferralStatus,
    Service,
)

# Answers a referral must have before it is submitted, with the message when one is missing.
REQUIRED_ANSWERS = {
    "first_name": "Enter the person's first name",
    "last_name": "Enter the person's last name",
    "date_of_birth": "Enter the person's date of birth",
    "sex": "Select the person's sex",
    "ethnicity": "Select the person's ethnic group",
    "address": "Enter the person's address",
    "postcode": "Enter the person's postcode",
    "concerns": "Select at least one concern",
    "immediate_risk": "Say whether the person is at immediate risk of harm",
    "person_aware": "Say whether the person knows about the referral",
    "urgency": "Select how urgent the referral is",
}
ANSWER_FIELDS = [
    "first_name",
    "last_name",
    "other_names",
    "date_of_birth",
    "sex",
    "gender",
    "ethnicity",
    "address",
    "postcode",
    "school",
    "phone",
    "concerns",
    "risk_factors",
    "concern_details",
    "immediate_risk",
    "person_aware",
    "urgency",
]
# The reference alphabet leaves out letters and digits people confuse (0/O, 1/I/L).
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


class ReferralRefused(Exception):
    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(problems.values()))
        self.problems = problems


def _new_reference() -> str:
    return "R-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))


def _about(referral: Referral) -> dict[str, Any]:
    return {
        "target_type": "referral",
        "target_id": referral.reference,
        "subject_agency": referral.referring_agency,
    }


def _lock(referral: Referral, *, allowed: Iterable[str], problem: dict[str, str]) -> Referral:
    """Re-read the referral under a row lock inside the caller's transaction and check its
    status there, so two people (or a double click) cannot both move it on."""
    fresh = Referral.objects.select_for_update().get(pk=referral.pk)
    if fresh.status not in set(allowed):
        raise ReferralRefused(problem)
    return fresh


def referral_start(*, referrer: User) -> Referral:
    """A new draft referral, kept until its author submits it."""
    with transaction.atomic(durable=True):
        referral = Referral.objects.create(
            reference=_new_reference(),
            referred_by=referrer,
            referring_agency=referrer.agency,
        )
        record(action=AuditAction.REFERRAL_STARTED, actor=referrer, **_about(referral))
    return referral


def referral_save_answers(*, referral: Referral, actor: User, answers: dict[str, Any]) -> Referral:
    """Save answers to a draft. Names the fields changed in the audit trail, never their values."""
    if referral.status != ReferralStatus.DRAFT:
        raise ReferralRefused({"status": "This referral has been sent and can no longer change"})
    unknown = set(answers) - set(ANSWER_FIELDS)
    if unknown:
        raise ValueError(f"Not referral answers: {sorted(unknown)}")
    if answers.get("postcode"):
        answers = {**answers, "postcode": normalise_postcode(answers["postcode"]) or ""}
    changed = sorted(k for k, v in answers.items() if getattr(referral, k) != v)
    if not changed:
        return referral
    with transaction.atomic(durable=True):
        for name in changed:
            setattr(referral, name, answers[name])
        referral.save(update_fields=[*changed, "updated_at"])
        record(
            action=AuditAction.REFERRAL_UPDATED,
            actor=actor,
            detail={"changed": changed},
            **_about(referral),
        )
    return referral


def missing_answers(referral: Referral) -> dict[str, str]:
    return {
        name: message
        for name, message in REQUIRED_ANSWERS.items()
        if getattr(referral, name) in (None, "", [])
    }


def _possibly_known(referral: Referral) -> Referral | None:
    """An earlier referral with exactly the same names and date of birth, if any."""
    return (
        Referral.objects.exclude(pk=referral.pk)
        .exclude(status=ReferralStatus.DRAFT)
        .annotate(last=Lower("last_name"), first=Lower("first_name"))  # as the index has them
        .filter(
            # Lowered by the database on both sides, so accents fold the same way.
            last=Lower(Value(referral.last_name)),
            first=Lower(Value(referral.first_name)),
            date_of_birth=referral.date_of_birth,
        )
        .order_by("submitted_at")
        .first()
    )


def _submit(referral: Referral, *, actor: User, on: date, areas: list[ProgrammeArea]) -> Referral:
    """Decide eligibility, look for an earlier referral of the same person, and put the
    referral in the caseworkers' queue; inside the caller's transaction."""
    assert referral.date_of_birth is not None  # noqa: S101 - checked by missing_answers
    decision = decide(
        areas=areas,
        date_of_birth=referral.date_of_birth,
        postcode=referral.postcode,
        concerns=referral.concerns,
        referral_date=on,
    )
    referral.status = ReferralStatus.NEW
    referral.referral_date = on
    referral.age_at_referral = age_on(referral.date_of_birth, on)
    referral.submitted_at = timezone.now()
    referral.area = decision.area
    referral.eligibility = decision.outcome
    referral.eligibility_reasons = decision.reasons
    referral.possibly_known_as = _possibly_known(referral)
    referral.save()
    # Into the person index, linked at once only when the match is beyond doubt.
    from vrhub.people.services import on_referral_arrival

    on_referral_arrival(referral=referral)
    record(
        action=AuditAction.REFERRAL_SUBMITTED,
        actor=actor,
        detail={
            "eligibility": str(decision.outcome),
            "immediate_risk": bool(referral.immediate_risk),
            "possibly_known": referral.possibly_known_as_id is not None,
        },
        **_about(referral),
    )
    return referral


def _areas() -> list[ProgrammeArea]:
    return list(ProgrammeArea.objects.select_related("local_authority"))


def referral_submit(*, referral: Referral, actor: User, on: date | None = None) -> Referral:
    """Send a completed draft."""
    problems = missing_answers(referral)
    if problems:
        raise ReferralRefused(problems)
    with transaction.atomic(durable=True):
        draft = _lock(
            referral,
            allowed=[ReferralStatus.DRAFT],
            problem={"status": "This referral has already been sent"},
        )
        sent = _submit(draft, actor=actor, on=on or timezone.localdate(), areas=_areas())
    referral.refresh_from_db()
    return sent


class IdempotencyConflict(Exception):
    """The key was used before by this agency for a referral with different answers."""

    def __init__(self, reference: str) -> None:
        super().__init__(reference)
        self.reference = reference


def _same_answers(referral: Referral, answers: dict[str, Any]) -> bool:
    postcode = answers.get("postcode", "")
    answers = {**answers, "postcode": normalise_postcode(postcode) or postcode}
    return all(getattr(referral, name) == value for name, value in answers.items())


def _replay(*, actor: User, answers: dict[str, Any], key: str) -> Referral | None:
    """The referral this agency already made with this key, if it is the same referral; a
    different referral under a used key is refused, never answered with someone else's."""
    existing = Referral.objects.filter(referring_agency=actor.agency, idempotency_key=key).first()
    if existing is None:
        return None
    if not _same_answers(existing, answers):
        raise IdempotencyConflict(existing.reference)
    referral_viewed(referral=existing, actor=actor, status_only=True)
    return existing


@dataclass(frozen=True)
class Created:
    referral: Referral
    created: bool


def _create_and_submit(
    *,
    actor: User,
    answers: dict[str, Any],
    idempotency_key: str,
    via: str,
    on: date,
    areas: list[ProgrammeArea],
) -> Referral:
    """A complete referral from validated answers, sent at once; inside the caller's
    transaction."""
    postcode = answers.get("postcode", "")
    referral = Referral.objects.create(
        reference=_new_reference(),
        referred_by=actor,
        referring_agency=actor.agency,
        idempotency_key=idempotency_key,
        **{**answers, "postcode": normalise_postcode(postcode) or postcode},
    )
    record(
        action=AuditAction.REFERRAL_STARTED, actor=actor, detail={"via": via}, **_about(referral)
    )
    return _submit(referral, actor=actor, on=on, areas=areas)


def referral_create(
    *, actor: User, answers: dict[str, Any], idempotency_key: str = "", on: date | None = None
) -> Created:
    """Create and send a referral in one step (the API). The same idempotency key from the
    same agency returns the referral made the first time instead of making another."""
    if idempotency_key:
        existing = _replay(actor=actor, answers=answers, key=idempotency_key)
        if existing is not None:
            return Created(existing, created=False)
    try:
        with transaction.atomic(durable=True):
            referral = _create_and_submit(
                actor=actor,
                answers=answers,
                idempotency_key=idempotency_key,
                via="api",
                on=on or timezone.localdate(),
                areas=_areas(),
            )
    except IntegrityError:
        # Two requests with one key at once: the other one won; answer as a replay.
        if not idempotency_key:
            raise
        existing = _replay(actor=actor, answers=answers, key=idempotency_key)
        if existing is None:
            raise
        return Created(existing, created=False)
    return Created(referral, created=True)


def referrals_create_batch(
    *, actor: User, rows: list[tuple[dict[str, Any], str]], upload: dict[str, int]
) -> list[Referral]:
    """Create and send the referrals of an uploaded file (answers, idempotency key) in one
    transaction: all of them or none, with one audit event for the upload itself. Raises
    IntegrityError if another upload sent one of them meanwhile."""
    on, areas = timezone.localdate(), _areas()
    with transaction.atomic(durable=True):
        made = [
            _create_and_submit(
                actor=actor, answers=answers, idempotency_key=key, via="csv", on=on, areas=areas
            )
            for answers, key in rows
        ]
        record(
            action=AuditAction.REFERRALS_UPLOADED,
            actor=actor,
            target_type="referral_upload",
            detail={**upload, "sent": len(made)},
        )
    return made


def referral_viewed(*, referral: Referral, actor: User, status_only: bool = False) -> None:
    with transaction.atomic(durable=True):
        record(
            action=(
                AuditAction.REFERRAL_STATUS_VIEWED if status_only else AuditAction.REFERRAL_VIEWED
            ),
            actor=actor,
            **_about(referral),
        )


# The caseworker's decisions, and the statuses each may be taken from.
DECISIONS: dict[str, tuple[ReferralStatus, frozenset[str]]] = {
    "accept": (
        ReferralStatus.AWAITING_TRIAGE,
        frozenset({ReferralStatus.NEW, ReferralStatus.AWAITING_INFORMATION}),
    ),
    "withdraw": (
        ReferralStatus.WITHDRAWN,
        frozenset(
            {
                ReferralStatus.NEW,
                ReferralStatus.AWAITING_INFORMATION,
                ReferralStatus.AWAITING_TRIAGE,
            }
        ),
    ),
}


def referral_decide(*, referral: Referral, actor: User, decision: str) -> Referral:
    """Move a referral on: accept it for triage, ask the referrer for more, or withdraw it."""
    to_status, allowed_from = DECISIONS[decision]
    if decision == "accept" and referral.eligibility != Eligibility.ELIGIBLE:
        raise ReferralRefused(
            {"decision": "Only an eligible referral can go to triage: signpost it instead"}
        )
    with transaction.atomic(durable=True):
        fresh = _lock(
            referral,
            allowed=allowed_from,
            problem={"decision": "This decision cannot be made at this stage"},
        )
        previous = fresh.status
        fresh.status = to_status
        fresh.save(update_fields=["status", "updated_at"])
        record(
            action=AuditAction.REFERRAL_DECIDED,
            actor=actor,
            detail={"decision": decision, "from": previous, "to": str(to_status)},
            **_about(fresh),
        )
    referral.status = to_status
    return referral


def referral_request_information(*, referral: Referral, actor: User, request: str) -> Referral:
    """Ask the referrer for what the team needs to decide; the referral waits for their reply."""
    with transaction.atomic(durable=True):
        fresh = _lock(
            referral,
            allowed=[ReferralStatus.NEW],
            problem={"request": "More information can only be asked for a new referral"},
        )
        fresh.status = ReferralStatus.AWAITING_INFORMATION
        fresh.information_requested = request
        fresh.save(update_fields=["status", "information_requested", "updated_at"])
        record(action=AuditAction.REFERRAL_INFORMATION_REQUESTED, actor=actor, **_about(fresh))
    referral.status, referral.information_requested = fresh.status, request
    return referral


def referral_give_information(*, referral: Referral, actor: User, information: str) -> Referral:
    """The referrer's reply: the referral goes back to the team as new."""
    stamp = timezone.localtime().strftime("%-d %B %Y %H:%M")
    with transaction.atomic(durable=True):
        fresh = _lock(
            referral,
            allowed=[ReferralStatus.AWAITING_INFORMATION],
            problem={"information": "The CIRV team is not waiting for information"},
        )
        fresh.information_given = (
            f"{fresh.information_given}\n\n" if fresh.information_given else ""
        ) + f"{stamp}, {actor.full_name}:\n{information}"
        fresh.status = ReferralStatus.NEW
        fresh.save(update_fields=["status", "information_given", "updated_at"])
        record(action=AuditAction.REFERRAL_INFORMATION_GIVEN, actor=actor, **_about(fresh))
    referral.status, referral.information_given = fresh.status, fresh.information_given
    return referral


def referral_signpost(*, referral: Referral, actor: User, service: Service) -> OnwardReferral:
    """Record where a referral CIRV cannot take was sent; the referrer sees it in the status."""
    if referral.eligibility == Eligibility.ELIGIBLE:
        raise ReferralRefused(
            {"service": "This referral is eligible for CIRV: accept it for triage instead"}
        )
    with transaction.atomic(durable=True):
        fresh = _lock(
            referral,
            allowed=[ReferralStatus.NEW, ReferralStatus.AWAITING_INFORMATION],
            problem={"service": "This referral has already been decided"},
        )
        onward = OnwardReferral.objects.create(referral=fresh, service=service, recorded_by=actor)
        fresh.status = ReferralStatus.SIGNPOSTED
        fresh.save(update_fields=["status", "updated_at"])
        record(
            action=AuditAction.REFERRAL_SIGNPOSTED,
            actor=actor,
            detail={"service_id": service.pk},
            **_about(fresh),
        )
    referral.status = ReferralStatus.SIGNPOSTED
    return onward


def referral_mark_repeat(*, referral: Referral, actor: User, earlier: Referral) -> Referral:
    """A caseworker confirms this referral is of the same person as an earlier one."""
    with transaction.atomic(durable=True):
        fresh = _lock(
            referral,
            allowed=[s for s in ReferralStatus if s != ReferralStatus.DRAFT],
            problem={"repeat": "This referral cannot be linked"},
        )
        if fresh.repeat_of_id is not None:
            raise ReferralRefused({"repeat": "This referral is already linked as a repeat"})
        fresh.repeat_of = earlier
        fresh.save(update_fields=["repeat_of", "updated_at"])
        record(
            action=AuditAction.REFERRAL_REPEAT_MARKED,
            actor=actor,
            detail={"earlier": earlier.reference},
            **_about(fresh),
        )
    referral.repeat_of = earlier
    return referral


def programme_area_update(
    *,
    actor: User,
    area: ProgrammeArea,
    postcode_districts: list[str],
    minimum_age: int,
    maximum_age: int | None,
    required_concerns: list[str],
    is_active: bool,
) -> ProgrammeArea:
    """Change an area's eligibility rules. Referrals already decided keep their decision and
    the reasons given at the time."""
    values = {
        "postcode_districts": postcode_districts,
        "minimum_age": minimum_age,
        "maximum_age": maximum_age,
        "required_concerns": required_concerns,
        "is_active": is_active,
    }
    changed = sorted(k for k, v in values.items() if getattr(area, k) != v)
    if not changed:
        return area
    with transaction.atomic(durable=True):
        for name in changed:
            setattr(area, name, values[name])
        area.save(update_fields=changed)
        record(
            action=AuditAction.PROGRAMME_AREA_UPDATED,
            actor=actor,
            target_type="programme_area",
            target_id=area.pk,
            detail={"changed": changed},
        )
    return area


def service_save(*, actor: User, service: Service | None, **fields: Any) -> Service:
    """Add a service to the directory, or change one."""
    areas = fields.pop("areas")
    with transaction.atomic(durable=True):
        if service is None:
            service = Service.objects.create(**fields)
            action, changed = AuditAction.SERVICE_CREATED, sorted(fields)
        else:
            changed = sorted(k for k, v in fields.items() if getattr(service, k) != v)
            for name in changed:
                setattr(service, name, fields[name])
            service.save()
            action = AuditAction.SERVICE_UPDATED
        if set(service.areas.all()) != set(areas):
            service.areas.set(areas)
            changed.append("areas")
        record(
            action=action,
            actor=actor,
            target_type="service",
            target_id=service.pk,
            detail={"changed": changed},
        )
    return service
