"""Many cases at once, straight into the database, for tests that count queries over 3 and 30
rows. Tests of behaviour build their cases through the services (factories.make_case)."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import count
from typing import Any

from django.utils import timezone

from vrhub.accounts.models import User
from vrhub.cases.models import AtRiskEntry, AtRiskReason, Case
from vrhub.cases.pathway import Step
from vrhub.cases.services import REFERENCE_ALPHABET
from vrhub.referrals.eligibility import age_on
from vrhub.referrals.models import Concern, ProgrammeArea, Referral, ReferralStatus

_numbers = count(1)


def _code(number: int) -> str:
    digits = []
    for _ in range(8):
        number, digit = divmod(number, len(REFERENCE_ALPHABET))
        digits.append(REFERENCE_ALPHABET[digit])
    return "".join(reversed(digits))


def quick_case(
    *,
    actor: User,
    area: ProgrammeArea | None,
    step: Step = Step.OFFER,
    is_open: bool = True,
    closure_reason: str = "",
    born: date | None = date(2011, 3, 14),
    **person: Any,
) -> Case:
    number = next(_numbers) + 7_000_000
    now = timezone.now()
    referral = Referral.objects.create(
        reference=f"R-{_code(number)}",
        referred_by=actor,
        referring_agency=actor.agency,
        status=ReferralStatus.ACCEPTED,
        first_name=person.pop("first_name", f"Person{number}"),
        last_name=person.pop("last_name", "Quick"),
        date_of_birth=born,
        sex=person.pop("sex", "male"),
        ethnicity=person.pop("ethnicity", "white_british"),
        concerns=person.pop("concerns", [Concern.WEAPON_CARRYING]),
        area=area,
        referral_date=timezone.localdate(),
        age_at_referral=age_on(born, timezone.localdate()) if born else None,
        submitted_at=now,
        **person,
    )
    return Case.objects.create(
        reference=f"C-{_code(number)}",
        referral=referral,
        caseworker=actor,
        step=step,
        step_entered_at=now,
        is_open=is_open,
        opened_at=now,
        closed_at=None if is_open else now,
        closure_reason=closure_reason,
        changed_at=now,
        changed_by=actor,
    )


def quick_listed(*, actor: User, area: ProgrammeArea | None, **person: Any) -> AtRiskEntry:
    """A person who declined the offer and is on the at-risk list."""
    case = quick_case(
        actor=actor, area=area, is_open=False, closure_reason="offer_declined", **person
    )
    today = timezone.localdate()
    return AtRiskEntry.objects.create(
        case=case,
        reason=AtRiskReason.OFFER_DECLINED,
        owner=actor,
        added_on=today,
        review_on=today + timedelta(days=60),
    )


def decline_offer(case: Case, actor: User) -> AtRiskEntry | None:
    """Make the CIRV offer and record that the person declined it, through the services: the
    case closes and the person goes on the at-risk list (unless recorded as a victim only)."""
    from vrhub.cases import services
    from vrhub.cases.models import OfferMethod

    today = timezone.localdate()
    services.offer_make(
        case=case,
        actor=actor,
        made_on=today,
        method=OfferMethod.PHONE,
        expected_version=case.version,
    )
    services.offer_answer(
        case=case,
        actor=actor,
        answer="declined",
        answered_on=today,
        expected_version=case.version,
    )
    return AtRiskEntry.objects.filter(case=case).order_by("-id").first()
