"""Permission matrix part: the person index (matching, review, merges) and linking a list."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from vrhub.accounts.models import Role
from vrhub.people.models import MatchCandidate, Merge, Person, RecordSource, SourceRecord
from vrhub.referrals.models import Referral

from .base import Part, Rule

TEAM = frozenset({Role.CASEWORKER.value, Role.PROGRAMME_MANAGER.value})
MANAGER = frozenset({Role.PROGRAMME_MANAGER.value})
LISTS = frozenset({Role.PROGRAMME_MANAGER.value, Role.ANALYST.value})

RULES: dict[str, Rule] = {
    "people:queue": Rule(TEAM),
    "people:check": Rule(MANAGER, ok=405),  # POST only
    "people:link-list": Rule(LISTS),
    "people:pair": Rule(TEAM),
    "people:undo-merge": Rule(TEAM),
    # The referral's record is the CIRV team's; for anyone else the same 404 as a missing one.
    "people:referral": Rule(TEAM),
    "people:person": Rule(TEAM),
    "api:people-matches": Rule(TEAM, ok=405, anonymous=401),  # POST only
    "api:people-merges": Rule(TEAM, ok=405, anonymous=401),  # POST only
    "api:people-merge-undo": Rule(TEAM, ok=405, anonymous=401),  # POST only
    "api:person": Rule(TEAM, anonymous=401),
}


def build(world: dict[str, Any]) -> None:
    """The sent referral's record, waiting for a decision; two people in the review queue; and
    a third merged into the first."""
    now = timezone.now()
    actor = world["users"][Role.CASEWORKER.value]
    sent: Referral = world["sent"]
    SourceRecord.objects.create(
        referral=sent, source=RecordSource.REFERRAL, surname="matrix", created_at=now
    )
    first, second, third = (
        Person.objects.create(reference=f"P-MATRX22{n}", created_at=now) for n in (2, 3, 4)
    )
    world["candidate"] = MatchCandidate.objects.create(
        person_a=first, person_b=second, probability=0.9, weight=3.2, found_at=now
    )
    third.merged_into = first
    third.save()
    world["merge"] = Merge.objects.create(
        survivor=first, absorbed=third, merged_by=actor, merged_at=now
    )
    world["person"] = first


def kwargs(world: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        "people:pair": {"candidate_id": world["candidate"].pk},
        "people:undo-merge": {"merge_id": world["merge"].pk},
        "people:referral": {"reference": world["sent"].reference},
        "people:person": {"reference": world["person"].reference},
        "api:people-merge-undo": {"merge_id": world["merge"].pk},
        "api:person": {"reference": world["person"].reference},
    }


PART = Part(
    rules=RULES,
    build=build,
    kwargs=kwargs,
    forms=["people:link-list", "people:pair", "people:undo-merge", "people:referral"],
)
