"""Reads at multi-agency triage: panels, their agendas with what each agency contributed, and
the choices the panel's forms offer."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from vrhub.accounts import permissions
from vrhub.accounts.models import Agency, Role, User
from vrhub.referrals.models import ProgrammeArea, Service

from .models import AgendaItem, Contribution, TriagePanel


def _panels(actor: User) -> QuerySet[TriagePanel]:
    return (
        permissions.panels_visible_to(actor)
        .select_related("area", "chair")
        .annotate(
            people=Count("items"),
            decided=Count("items", filter=~Q(items__decision="")),
        )
    )


def upcoming_panels(*, actor: User) -> QuerySet[TriagePanel]:
    """Panels still to meet, the soonest first."""
    return _panels(actor).filter(meets_at__gte=timezone.now()).order_by("meets_at", "id")


def past_panels(*, actor: User) -> QuerySet[TriagePanel]:
    """Panels that have met, the latest first."""
    return _panels(actor).filter(meets_at__lt=timezone.now()).order_by("-meets_at", "-id")


def _contributions() -> QuerySet[Contribution]:
    return Contribution.objects.select_related("agency", "author").order_by("agency__name")


def agenda(*, panel: TriagePanel) -> QuerySet[AgendaItem]:
    """The panel's agenda in order, with everything its page and record show, in a fixed
    number of queries however long the agenda."""
    return (
        AgendaItem.objects.filter(panel=panel)
        .select_related("referral", "referral__referring_agency", "decided_by", "onward_service")
        .prefetch_related(Prefetch("contributions", queryset=_contributions()))
        .order_by("position", "id")
    )


def contributions(*, item: AgendaItem) -> QuerySet[Contribution]:
    return _contributions().filter(item=item)


def contributing_agencies(*, panel: TriagePanel) -> QuerySet[Agency]:
    """The agencies that told the panel what they hold about anyone on its agenda."""
    return Agency.objects.filter(
        pk__in=Contribution.objects.filter(item__panel=panel).values("agency_id")
    ).order_by("name")


def earlier_items(*, panel: TriagePanel, item: AgendaItem) -> QuerySet[AgendaItem]:
    """Earlier panels' decisions on the same referral: what they asked for, if anything."""
    return (
        AgendaItem.objects.filter(referral_id=item.referral_id)
        .exclude(pk=item.pk)
        .exclude(decision="")
        .filter(panel__meets_at__lt=panel.meets_at)
        .select_related("panel", "decided_by")
        .order_by("-panel__meets_at")
    )


def schedulable_areas() -> QuerySet[ProgrammeArea]:
    return ProgrammeArea.objects.filter(is_active=True).order_by("name")


def _active_with_roles(*roles: Role) -> QuerySet[User]:
    return (
        User.objects.filter(
            is_active=True, agency__is_active=True, role_assignments__role__in=roles
        )
        .select_related("agency")
        .distinct()
        .order_by("full_name", "email")
    )


def possible_chairs() -> QuerySet[User]:
    """A panel is chaired by someone from the CIRV team: a caseworker or programme manager."""
    return _active_with_roles(Role.CASEWORKER, Role.PROGRAMME_MANAGER)


def caseworkers() -> QuerySet[User]:
    return _active_with_roles(Role.CASEWORKER)


def onward_services() -> QuerySet[Service]:
    """The services directory a person not suitable for CIRV can be referred on to."""
    return Service.objects.filter(is_active=True).select_related("provider").order_by("name")
