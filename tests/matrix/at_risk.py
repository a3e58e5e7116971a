"""Permission matrix part: the at-risk list, disruption, programme figures and the pathway API."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from vrhub.accounts.models import Role
from vrhub.cases.models import AtRiskEntry, AtRiskReason, Case, DisruptionPlan, MentorAssignment
from vrhub.referrals.models import Concern, Referral, ReferralStatus

from .base import Part, Rule

WORKERS = frozenset({Role.CASEWORKER.value, Role.PROGRAMME_MANAGER.value})
MANAGER = frozenset({Role.PROGRAMME_MANAGER.value})
FIGURES = frozenset({Role.PROGRAMME_MANAGER.value, Role.SCRUTINY_MEMBER.value})

CASE_REFERENCE = "C-ATRSK234"
REFERRAL_REFERENCE = "R-ATRSK234"

RULES: dict[str, Rule] = {
    "cases:at-risk": Rule(WORKERS),
    "cases:at-risk-entry": Rule(WORKERS),
    "cases:at-risk-export": Rule(MANAGER),
    "cases:at-risk-shares": Rule(MANAGER),
    "cases:population-shares": Rule(MANAGER),
    # Police only, and every user of the matrix is in the council: for all of them the page is
    # the same audited 404 as a case that does not exist, naming no capability.
    "cases:disruption": Rule(frozenset(), denied=404),
    "cases:disruption-close": Rule(frozenset(), denied=405),  # POST only
    "cases:programme": Rule(FIGURES),
    "cases:programme-csv": Rule(FIGURES),
    "api:cases": Rule(WORKERS, anonymous=401),
    "api:case": Rule(WORKERS, anonymous=401),
    "api:case-moves": Rule(WORKERS, anonymous=401),
    # The CIRV team for any case; the mentor, because the case's person is assigned to them.
    "api:case-contacts": Rule(WORKERS | {Role.MENTOR.value}, anonymous=401),
    "api:at-risk": Rule(MANAGER, anonymous=401),
    "api:programme-summary": Rule(FIGURES, anonymous=401),
}


def build(world: dict[str, Any]) -> None:
    """A person who declined the offer: a closed case, on the at-risk list, with a mentor (from
    before) and a disruption plan nobody in the council may learn of."""
    users = world["users"]
    caseworker = users[Role.CASEWORKER.value]
    now = timezone.now()
    today = timezone.localdate()
    referral = Referral.objects.create(
        reference=REFERRAL_REFERENCE,
        referred_by=users[Role.REFERRER.value],
        referring_agency=world["council"],
        status=ReferralStatus.ACCEPTED,
        first_name="Tyrell",
        last_name="Matrix",
        date_of_birth=today.replace(year=today.year - 20, month=1, day=1),
        sex="male",
        ethnicity="black_caribbean",
        concerns=[Concern.WEAPON_CARRYING],
        area=world["area"],
        referral_date=today,
        submitted_at=now,
    )
    case = Case.objects.create(
        reference=CASE_REFERENCE,
        referral=referral,
        caseworker=caseworker,
        step_entered_at=now,
        opened_at=now,
        changed_at=now,
        changed_by=caseworker,
    )
    MentorAssignment.objects.create(
        case=case, mentor=users[Role.MENTOR.value], starts_on=today, assigned_by=caseworker
    )
    world["at_risk_entry"] = AtRiskEntry.objects.create(
        case=case,
        reason=AtRiskReason.OFFER_DECLINED,
        owner=caseworker,
        added_on=today,
        review_on=today + timedelta(days=30),
    )
    world["disruption_plan"] = DisruptionPlan.objects.create(
        case=case,
        opened_by=caseworker,
        opened_on=today,
        basis="Held by police",
        actions="Patrols",
    )


def kwargs(world: dict[str, Any]) -> dict[str, dict[str, Any]]:
    case = {"reference": CASE_REFERENCE}
    return {
        "cases:at-risk-entry": {"entry_id": world["at_risk_entry"].pk},
        "cases:disruption": case,
        "cases:disruption-close": {**case, "plan_id": world["disruption_plan"].pk},
        "cases:programme-csv": {"table": "pathway"},
        "api:case": case,
        "api:case-moves": case,
        "api:case-contacts": case,
    }


PART = Part(
    rules=RULES,
    build=build,
    kwargs=kwargs,
    forms=[
        "cases:at-risk-entry",
        "cases:at-risk-export",
        "cases:population-shares",
        "cases:disruption",
    ],
)
