"""Reads of referrals: the queue, a referrer's own, suggestions from the services directory."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q, QuerySet

from vrhub.accounts import permissions
from vrhub.accounts.models import User

from .eligibility import age_on
from .models import Eligibility, Referral, ReferralStatus, Service

QUEUE_STATUSES = [s for s in ReferralStatus if s != ReferralStatus.DRAFT]


@dataclass(frozen=True)
class QueueFilter:
    status: str = ReferralStatus.NEW
    eligibility: str = ""
    area_id: int | None = None
    urgent_only: bool = False


def queue(*, actor: User, criteria: QueueFilter) -> QuerySet[Referral]:
    referrals = permissions.referrals_visible_to(actor).select_related("referring_agency", "area")
    if criteria.status:
        referrals = referrals.filter(status=criteria.status)
    if criteria.eligibility:
        referrals = referrals.filter(eligibility=criteria.eligibility)
    if criteria.area_id is not None:
        referrals = referrals.filter(area_id=criteria.area_id)
    if criteria.urgent_only:
        referrals = referrals.filter(Q(urgency="urgent") | Q(immediate_risk=True))
    # Immediate risk first, then urgent, then the newest: the order the team works in.
    return referrals.order_by(
        F("immediate_risk").desc(nulls_last=True), "-urgency", "-submitted_at", "-id"
    )


def queue_counts(*, actor: User) -> dict[str, int]:
    """How many referrals are in each queue, in one query."""
    rows = (
        permissions.referrals_visible_to(actor).values("status").annotate(n=Count("id")).order_by()
    )
    counts = {str(s): 0 for s in QUEUE_STATUSES}
    counts.update({row["status"]: row["n"] for row in rows if row["status"] in counts})
    return counts


def my_referrals(*, actor: User) -> QuerySet[Referral]:
    """Drafts first (there is still something to do), then the newest sent."""
    return Referral.objects.filter(referred_by=actor).order_by(
        F("submitted_at").desc(nulls_first=True), "-created_at", "-id"
    )


def suggested_services(referral: Referral) -> QuerySet[Service]:
    """Services that fit the person: their area (or out of area), and their age."""
    services = Service.objects.filter(is_active=True).select_related("provider")
    if referral.eligibility == Eligibility.OUT_OF_AREA or referral.area is None:
        services = services.filter(serves_out_of_area=True)
    else:
        services = services.filter(areas=referral.area)
    if referral.date_of_birth and referral.referral_date:
        age = age_on(referral.date_of_birth, referral.referral_date)
        services = services.filter(minimum_age__lte=age).filter(
            Q(maximum_age__isnull=True) | Q(maximum_age__gte=age)
        )
    return services.distinct()


def agenda_items_of(referral: Referral) -> list[Any]:
    """The triage panels that have had this referral on their agenda, latest first."""
    return list(
        referral.agenda_items.select_related("panel", "panel__area").order_by("-panel__meets_at")
    )


def person_record_of(referral: Referral) -> Any:
    """The referral's record in the person index, with the person it is linked to, if any."""
    from vrhub.people.models import SourceRecord

    return SourceRecord.objects.select_related("person").filter(referral=referral).first()
