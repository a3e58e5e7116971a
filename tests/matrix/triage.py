"""Permission matrix part: multi-agency triage panels."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from vrhub.accounts.models import Role
from vrhub.referrals.models import Eligibility, Referral, ReferralStatus
from vrhub.triage import services

from .base import Part, Rule

# Panel members, caseworkers and programme managers sit on panels; the CIRV team decides;
# programme managers schedule. Panels are multi-agency: no agency scope.
SIT = frozenset(
    {Role.TRIAGE_PANEL_MEMBER.value, Role.CASEWORKER.value, Role.PROGRAMME_MANAGER.value}
)
DECIDE = frozenset({Role.CASEWORKER.value, Role.PROGRAMME_MANAGER.value})
SCHEDULE = frozenset({Role.PROGRAMME_MANAGER.value})


def build(world: dict[str, Any]) -> None:
    """A panel with one person on its agenda."""
    users = world["users"]
    manager = users[Role.PROGRAMME_MANAGER.value]
    Referral.objects.create(
        reference="R-TRTRTRTR",
        referred_by=users[Role.REFERRER.value],
        referring_agency=world["council"],
        status=ReferralStatus.AWAITING_TRIAGE,
        eligibility=Eligibility.ELIGIBLE,
        area=world["area"],
        first_name="Tia",
        last_name="Triage",
        date_of_birth=date(2010, 5, 1),
        postcode="CV1 1AA",
        concerns=["weapon_carrying"],
        submitted_at=timezone.now(),
    )
    panel = services.panel_schedule(
        actor=manager,
        area=world["area"],
        meets_at=timezone.now() + timedelta(days=7),
        location="Council House",
        chair=manager,
    )
    world["panel"] = panel
    world["agenda_item"] = panel.items.get()


def kwargs(world: dict[str, Any]) -> dict[str, dict[str, Any]]:
    panel = {"panel_id": world["panel"].pk}
    item = {**panel, "item_id": world["agenda_item"].pk}
    return {
        "triage:panel": panel,
        "triage:refresh": panel,
        "triage:record": panel,
        "triage:item": item,
        "triage:contribute": item,
        "triage:decide": item,
    }


PART = Part(
    rules={
        "triage:panels": Rule(SIT),
        "triage:schedule": Rule(SCHEDULE),
        "triage:panel": Rule(SIT),
        "triage:refresh": Rule(DECIDE, ok=405),  # POST only
        "triage:record": Rule(SIT),
        "triage:item": Rule(SIT),
        "triage:contribute": Rule(SIT, ok=405),  # POST only
        "triage:decide": Rule(DECIDE, ok=405),  # POST only
    },
    build=build,
    kwargs=kwargs,
    forms=["triage:schedule"],
)
