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


def describe_targets(events: list[AuditEvent]) -> list[AuditEvent]:
    """Give each event a readable `target_label` ("Account of Callum Caseworker"), with one
    query for all the user accounts the page mentions."""
    from vrhub.accounts.models import User

    user_ids = {int(e.target_id) for e in events if e.target_type == "user" and e.target_id}
    names = dict(User.objects.filter(pk__in=user_ids).values_list("pk", "full_name"))
    for event in events:
        if event.target_type == "user" and event.target_id:
            name = names.get(int(event.target_id))
            event.target_label = f"Account of {name}" if name else f"User {event.target_id}"
        elif event.target_type:
            event.target_label = (
                f"{event.target_type.replace('_', ' ').capitalize()} {event.target_id}".strip()
            )
        else:
            event.target_label = ""
    return events
