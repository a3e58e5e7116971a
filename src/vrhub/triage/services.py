"""Every change at multi-agency triage: scheduling a panel and building its agenda, what each
agency contributes, and the panel's decision per person. Each audited in its transaction."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from vrhub.accounts.models import AgencyKind, Role, User
from vrhub.audit.models import AuditAction
from vrhub.audit.services import record
from vrhub.cases.models import Case
from vrhub.cases.services import case_open
from vrhub.referrals.models import (
    Eligibility,
    OnwardReferral,
    ProgrammeArea,
    Referral,
    ReferralStatus,
    Service,
)

from .models import AgendaItem, Contribution, PanelDecision, TriagePanel


class TriageRefused(Exception):
    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(problems.values()))
        self.problems = problems


def _about_item(item: AgendaItem) -> dict[str, Any]:
    return {
        "target_type": "agenda_item",
        "target_id": item.pk,
        "person_id": item.referral.reference,
        "subject_agency": item.referral.referring_agency,
    }


def awaiting_agenda(area: ProgrammeArea, *, not_on: TriagePanel | None = None) -> list[Referral]:
    """Eligible referrals in the area awaiting triage: the next agenda, oldest first. Left out:
    those waiting for a decision at a panel meeting today or later. Someone left undecided at a
    panel that has met carries over to the next one."""
    today = timezone.make_aware(datetime.combine(timezone.localdate(), time.min))
    pending = AgendaItem.objects.filter(decision="", panel__meets_at__gte=today).values(
        "referral_id"
    )
    referrals = Referral.objects.filter(
        status=ReferralStatus.AWAITING_TRIAGE, eligibility=Eligibility.ELIGIBLE, area=area
    ).exclude(pk__in=pending)
    if not_on is not None:
        # Once on a panel's agenda, a person is not added to it again (more information
        # needed brings them to the next panel, not back to this one).
        referrals = referrals.exclude(agenda_items__panel=not_on)
    return list(referrals.select_related("referring_agency").order_by("submitted_at", "id"))


def _add_to_agenda(panel: TriagePanel, referrals: list[Referral], actor: User) -> int:
    """Add people to the agenda; each addition is recorded against the person, so the trail
    shows every panel that discussed them."""
    last = panel.items.aggregate(last=Max("position"))["last"] or 0
    now = timezone.now()
    items = AgendaItem.objects.bulk_create(
        AgendaItem(panel=panel, referral=referral, position=last + n, added_at=now)
        for n, referral in enumerate(referrals, start=1)
    )
    for item in items:
        record(
            action=AuditAction.AGENDA_ITEM_ADDED,
            actor=actor,
            detail={"panel": panel.pk},
            **_about_item(item),
        )
    return len(referrals)


def panel_schedule(
    *, actor: User, area: ProgrammeArea, meets_at: datetime, location: str, chair: User
) -> TriagePanel:
    """Schedule a panel; its agenda is every eligible referral in the area awaiting triage."""
    problems: dict[str, str] = {}
    if meets_at <= timezone.now():
        problems["meets_at"] = "The meeting must be in the future"
    if not area.is_active:
        problems["area"] = f"{area.name} is not an active programme area"
    if not location.strip():
        problems["location"] = "Enter where the panel meets, or how to join it"
    if not chair.is_active or not ({Role.PROGRAMME_MANAGER, Role.CASEWORKER} & set(chair.roles)):
        problems["chair"] = "The chair must be an active caseworker or programme manager"
    if problems:
        raise TriageRefused(problems)
    with transaction.atomic(durable=True):
        panel = TriagePanel.objects.create(
            area=area, meets_at=meets_at, location=location.strip(), chair=chair, scheduled_by=actor
        )
        added = _add_to_agenda(panel, awaiting_agenda(area), actor)
        record(
            action=AuditAction.PANEL_SCHEDULED,
            actor=actor,
            target_type="triage_panel",
            target_id=panel.pk,
            detail={"agenda": added},
        )
    return panel


def agenda_refresh(*, panel: TriagePanel, actor: User) -> int:
    """Add referrals that became eligible since the agenda was built."""
    with transaction.atomic(durable=True):
        TriagePanel.objects.select_for_update().get(pk=panel.pk)
        added = _add_to_agenda(panel, awaiting_agenda(panel.area, not_on=panel), actor)
        record(
            action=AuditAction.AGENDA_REFRESHED,
            actor=actor,
            target_type="triage_panel",
            target_id=panel.pk,
            detail={"added": added},
        )
    return added


def panel_viewed(*, panel: TriagePanel, actor: User, printed: bool = False) -> None:
    """An agenda names people: reading it, or printing the record, is audited."""
    with transaction.atomic(durable=True):
        record(
            action=AuditAction.PANEL_RECORD_PRINTED if printed else AuditAction.PANEL_VIEWED,
            actor=actor,
            target_type="triage_panel",
            target_id=panel.pk,
        )


def item_viewed(*, item: AgendaItem, actor: User) -> None:
    with transaction.atomic(durable=True):
        record(action=AuditAction.AGENDA_ITEM_VIEWED, actor=actor, **_about_item(item))


def contribution_save(
    *, item: AgendaItem, actor: User, information: str, criminally_active: bool
) -> Contribution:
    """What the actor's agency holds about the person. One per agency: saving again replaces
    it. Only police may record the person as criminally active."""
    problems: dict[str, str] = {}
    if not information.strip():
        problems["information"] = "Enter what your agency holds about the person"
    if criminally_active and actor.agency.kind != AgencyKind.POLICE:
        problems["criminally_active"] = "Only police can record a person as criminally active"
    if item.decision:
        problems["__all__"] = "The panel has decided; information can no longer be added"
    if problems:
        raise TriageRefused(problems)
    with transaction.atomic(durable=True):
        # Under the item's lock, so information cannot land after the decision, and two saves
        # from one agency come one after the other.
        locked = AgendaItem.objects.select_for_update().get(pk=item.pk)
        if locked.decision:
            raise TriageRefused(
                {"__all__": "The panel has decided; information can no longer be added"}
            )
        contribution, created = Contribution.objects.update_or_create(
            item=item,
            agency=actor.agency,
            defaults={
                "author": actor,
                "information": information.strip(),
                "criminally_active": criminally_active,
                "updated_at": timezone.now(),
            },
        )
        record(
            action=AuditAction.CONTRIBUTION_SAVED,
            actor=actor,
            detail={"agency_kind": actor.agency.kind, "replaced": not created},
            **_about_item(item),
        )
    return contribution


def decision_record(
    *,
    item: AgendaItem,
    actor: User,
    decision: str,
    reason: str,
    onward_service: Service | None = None,
    caseworker: User | None = None,
) -> Case | None:
    """The panel's decision on one person. Accept: a case opens at step 3, the CIRV offer.
    Not suitable: the reason and an onward referral. More information: the referral stays
    awaiting triage and comes on the next agenda. Returns the case, if one opened."""
    problems: dict[str, str] = {}
    if decision not in PanelDecision.values:
        problems["decision"] = "Select the panel's decision"
    if decision in (PanelDecision.NOT_SUITABLE, PanelDecision.MORE_INFORMATION) and not (
        reason.strip()
    ):
        problems["reason"] = (
            "Say why the person is not suitable"
            if decision == PanelDecision.NOT_SUITABLE
            else "Say what information the panel needs"
        )
    if decision == PanelDecision.NOT_SUITABLE and onward_service is None:
        problems["onward_service"] = "Select the service the person is referred on to"
    elif decision == PanelDecision.NOT_SUITABLE and onward_service and not onward_service.is_active:
        problems["onward_service"] = f"{onward_service.name} is no longer in the directory"
    if caseworker is not None and (
        not caseworker.is_active or Role.CASEWORKER not in caseworker.roles
    ):
        problems["caseworker"] = "Select an active caseworker"
    if problems:
        raise TriageRefused(problems)
    case: Case | None = None
    with transaction.atomic(durable=True):
        fresh = AgendaItem.objects.select_for_update().select_related("referral").get(pk=item.pk)
        referral = Referral.objects.select_for_update().get(pk=fresh.referral_id)
        if fresh.decision:
            raise TriageRefused(
                {"decision": "The panel's decision on this person is recorded already"}
            )
        if referral.status != ReferralStatus.AWAITING_TRIAGE:
            raise TriageRefused(
                {"decision": "This referral is no longer awaiting triage, so cannot be decided"}
            )
        fresh.decision = decision
        fresh.reason = reason.strip()
        fresh.onward_service = onward_service if decision == PanelDecision.NOT_SUITABLE else None
        fresh.decided_by = actor
        fresh.decided_at = timezone.now()
        fresh.save()
        if decision == PanelDecision.ACCEPT:
            referral.status = ReferralStatus.ACCEPTED
            referral.save(update_fields=["status", "updated_at"])
            case = case_open(
                referral=referral, actor=actor, caseworker=caseworker, triage_started=fresh.added_at
            )
        elif decision == PanelDecision.NOT_SUITABLE:
            assert onward_service is not None  # noqa: S101 - checked above
            referral.status = ReferralStatus.NOT_SUITABLE
            referral.save(update_fields=["status", "updated_at"])
            OnwardReferral.objects.create(
                referral=referral, service=onward_service, recorded_by=actor
            )
        record(
            action=AuditAction.PANEL_DECIDED,
            actor=actor,
            detail={"decision": decision, "panel": fresh.panel_id},
            **_about_item(fresh),
        )
    item.refresh_from_db()
    return case
