"""Permission matrix part: casework: cases, caseloads and mentees."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone

from vrhub.accounts.models import Role, User
from vrhub.cases import services
from vrhub.cases.models import Case
from vrhub.referrals.models import Referral, ReferralStatus

from .base import Part, Rule

# Caseworkers and programme managers work cases; programme managers balance caseloads; mentors
# see their own mentees. Everyone else, and the other agency's users, are refused by role.
WORKERS = frozenset({Role.CASEWORKER.value, Role.PROGRAMME_MANAGER.value})
MANAGERS = frozenset({Role.PROGRAMME_MANAGER.value})
MENTORS = frozenset({Role.MENTOR.value})

# The case page's changes are POSTed from it: a GET is not allowed where the POST would be.
POSTED = [
    "move",
    "close",
    "reopen",
    "offer",
    "offer-answer",
    "moment",
    "mentor",
    "contact",
    "needs",
    "goal",
    "goal-status",
    "service-add",
    "service-status",
    "service-raise",
    "release",
    "family-add",
    "family-link",
    "family-involved",
]

RULES: dict[str, Rule] = {
    "cases:mine": Rule(WORKERS),
    "cases:caseloads": Rule(MANAGERS),
    "cases:detail": Rule(WORKERS),
    "cases:reassign": Rule(MANAGERS),
    **{f"cases:{name}": Rule(WORKERS, ok=405) for name in POSTED},
    "cases:mentees": Rule(MENTORS),
    "cases:mentee": Rule(MENTORS),
    "cases:mentee-contact": Rule(MENTORS, ok=405),
}

KEY = "casework"


def build(world: dict[str, Any]) -> None:
    """A case at step 3 with the matrix's caseworker, the matrix's mentor assigned, a goal, a
    planned service and a family member: every URL of the part has a record to point at."""
    users: dict[str, User] = world["users"]
    council = world["council"]
    caseworker = users[Role.CASEWORKER.value]
    mentor = users[Role.MENTOR.value]
    council.provides_mentors = True
    council.save(update_fields=["provides_mentors"])
    referral = Referral.objects.create(
        reference="R-CASEWK22",
        referred_by=caseworker,
        referring_agency=council,
        status=ReferralStatus.ACCEPTED,
        first_name="Casey",
        last_name="Matrix",
        date_of_birth=date(2010, 5, 1),
        concerns=["weapon_carrying"],
        area=world["area"],
        submitted_at=timezone.now(),
    )
    case: Case = services.case_open(
        referral=referral, actor=caseworker, caseworker=caseworker, triage_started=timezone.now()
    )
    today = timezone.localdate()
    services.mentor_assign(
        case=case, actor=caseworker, mentor=mentor, starts_on=today, expected_version=None
    )
    goal = services.goal_set(
        case=case, actor=caseworker, domain="ete", description="Back to college", target_on=None
    )
    planned = services.service_plan_add(
        case=case, actor=caseworker, service=world["service"], expected_version=None
    )
    member = services.family_member_add(
        case=case,
        actor=caseworker,
        first_name="Sam",
        last_name="Matrix",
        date_of_birth=None,
        role="child",
        same_household=True,
        involved_in_serious_violence=False,
    )
    world[KEY] = {"case": case, "goal": goal, "planned": planned, "member": member}


def kwargs(world: dict[str, Any]) -> dict[str, dict[str, Any]]:
    built = world[KEY]
    reference = {"reference": built["case"].reference}
    found: dict[str, dict[str, Any]] = {
        f"cases:{name}": reference
        for name in ("detail", "reassign", "mentee", "mentee-contact", *POSTED)
    }
    found["cases:goal-status"] = {**reference, "goal_id": built["goal"].pk}
    found["cases:service-status"] = {**reference, "planned_id": built["planned"].pk}
    found["cases:service-raise"] = {**reference, "planned_id": built["planned"].pk}
    found["cases:family-involved"] = {**reference, "member_id": built["member"].pk}
    return found


PART = Part(rules=RULES, build=build, kwargs=kwargs, forms=["cases:reassign"])
