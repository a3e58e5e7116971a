"""Reads of the audit trail for the data protection officer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import AuditEvent


@dataclass(frozen=True)
class AuditFilter:
    actor_id: int | None = None
    agency_id: int | None = None
    person_id: str = ""
    action: str = ""
    date_from: date | None = None
    date_to: date | None = None

    def used(self) -> list[str]:
        """The names of the filters in use."""
        return [name for name, value in vars(self).items() if value not in (None, "")]


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def filter_events(events: QuerySet[AuditEvent], criteria: AuditFilter) -> QuerySet[AuditEvent]:
    """Narrow a (permission-scoped) trail by who, which agency, which person, what and when."""
    if criteria.actor_id is not None:
        # What the user did, and what was done to their account (failed sign-ins, changes).
        events = events.filter(
            Q(actor_id=criteria.actor_id) | Q(target_type="user", target_id=str(criteria.actor_id))
        )
    if criteria.agency_id is not None:
        events = events.filter(
            Q(agency_id=criteria.agency_id) | Q(subject_agency_id=criteria.agency_id)
        )
    if criteria.person_id:
        events = events.filter(person_id=criteria.person_id)
    if criteria.action:
        events = events.filter(action=criteria.action)
    if criteria.date_from is not None:
        events = events.filter(occurred_at__gte=_start_of(criteria.date_from))
    if criteria.date_to is not None:
        events = events.filter(occurred_at__lt=_start_of(criteria.date_to + timedelta(days=1)))
    return events.select_related("actor", "agency").order_by("-id")
