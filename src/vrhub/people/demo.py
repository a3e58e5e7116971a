"""The demo's person index: everyone referred so far, and some referred again under other details.

Every earlier referral is a person of its own. Then a handful of those people are referred again
the way agencies really write them down: a spelling variant and the day and month swapped, a
nickname at a new address, a double-barrelled surname, initials, a new surname. Some arrive so
clearly matched that vrhub links them and flags the link for checking; some wait for a caseworker
with their candidates; and two that a busy caseworker recorded as new people (one of them after
undoing vrhub's automatic link) are found by the index check and wait in the review queue as
possible duplicates.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from vrhub.core.demo import DemoWorld
from vrhub.referrals import services as referral_services
from vrhub.referrals.models import Concern, Referral, ReferralStatus

from . import services
from .models import MatchCandidate, SourceRecord


def _swap_day_month(born: date) -> date:
    return born.replace(month=born.day, day=born.month) if born.day <= 12 else born


# How each repeat referral differs from the first one, and what the demo does with it:
# "arrives" leaves it to vrhub on arrival; "new" records it as a new person, for the index check.
VARIANTS: list[tuple[str, dict[str, Any]]] = [
    ("arrives", {"postcode_only": True}),
    ("arrives", {"first_name": lambda n: n[:-1] if len(n) > 4 else n + "e", "swap": True}),
    # A new surname: everything else agrees, but a name of who they are points away, so vrhub
    # never links it by itself; it waits, with its likely person, for a caseworker.
    ("arrives", {"last_name": lambda n: "Okonkwo" if n != "Okonkwo" else "Reid"}),
    ("arrives", {"first_name": lambda n: n[0], "address": "Flat 2, 41 Far Gosford Street"}),
    (
        "arrives",
        {"first_name": lambda n: n[:3], "address": "12 Holyhead Road", "postcode": "CV1 3AY"},
    ),
    ("new", {"first_name": lambda n: n.upper(), "swap": True, "postcode": "CV6 5LR"}),
    ("new", {"last_name": lambda n: n + "-Clarke", "address": "9 Holbrook Lane"}),
    ("new", {"first_name": lambda n: n[:3], "year": 1, "postcode": "CV2 4HN"}),
]


def _variant(first: Referral, change: dict[str, Any]) -> dict[str, Any]:
    born = first.date_of_birth or timezone.localdate() - timedelta(days=16 * 365)
    if change.get("swap"):
        born = _swap_day_month(born)
    if change.get("year"):
        born = born.replace(year=born.year + change["year"])
    first_name = change.get("first_name", lambda n: n)(first.first_name)
    last_name = change.get("last_name", lambda n: n)(first.last_name)
    postcode = first.postcode
    if change.get("postcode_only"):
        postcode = first.postcode[:-2] + ("ZZ" if not first.postcode.endswith("ZZ") else "YY")
    return {
        "first_name": first_name,
        "last_name": last_name,
        "date_of_birth": born,
        "sex": first.sex,
        "ethnicity": first.ethnicity,
        "address": change.get("address", first.address),
        "postcode": change.get("postcode", postcode),
        "concerns": first.concerns or [Concern.VIOLENCE_VICTIM.value],
        "risk_factors": first.risk_factors,
        "immediate_risk": False,
        "person_aware": first.person_aware,
        "urgency": first.urgency or "routine",
    }


def build(world: DemoWorld) -> None:
    if SourceRecord.objects.exclude(person=None).exists():
        return
    caseworker = world.users["caseworker"]
    referrer = world.users["referrer"]
    # Everyone referred so far is one person each.
    for source in SourceRecord.objects.filter(person=None).select_related("referral"):
        services.confirm_new_person(actor=caseworker, source=source)
        world.count("people")
    firsts = list(
        Referral.objects.filter(status=ReferralStatus.ACCEPTED, area__isnull=False)
        .exclude(first_name="")
        .order_by("submitted_at")[: len(VARIANTS)]
    )
    for (what, change), first in zip(VARIANTS, firsts, strict=False):
        made = referral_services.referral_create(
            actor=referrer, answers=_variant(first, change), on=timezone.localdate()
        )
        world.count("repeat referrals")
        if what == "new":
            # A busy caseworker records them as someone new (undoing vrhub's link if it made one).
            source = SourceRecord.objects.get(referral=made.referral)
            if source.person_id is None:
                services.confirm_new_person(actor=caseworker, source=source)
            elif source.needs_review:
                services.undo_automatic_link(actor=caseworker, source=source)
    services.check_index(actor=caseworker)
    world.created["possible duplicates"] = MatchCandidate.objects.count()
