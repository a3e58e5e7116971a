"""Demo triage panels: a year of four-weekly panels in each area with their decisions, and the
next panel of each area with its agenda built and partner agencies' contributions.

Everything goes through the triage services, so the audit trail is the one users would leave.
Past panels cannot be scheduled in the past (the service refuses), so they are scheduled now and
then moved back to the day they met with queryset updates: the demo's only shortcut.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from vrhub.accounts.models import User
from vrhub.cases.models import Case, CaseMove
from vrhub.cases.pathway import MoveKind, Step
from vrhub.core.demo import DemoWorld
from vrhub.referrals.eligibility import age_on
from vrhub.referrals.models import (
    Concern,
    OnwardReferral,
    ProgrammeArea,
    Referral,
    ReferralStatus,
    Service,
)
from vrhub.referrals.selectors import suggested_services

from . import services
from .models import AgendaItem, Contribution, PanelDecision, TriagePanel

# Each area's panel meets every four weeks: Coventry on Tuesdays, Wolverhampton on Thursdays.
PANEL_WEEKDAYS = {"Coventry": 1, "Wolverhampton": 3}
PANEL_EVERY = timedelta(days=28)
AGENDA_BUILT_BEFORE = timedelta(days=7)  # the agenda goes out a week before the panel
LOCATIONS = {
    "Coventry": "Council House, Earl Street, Committee Room 2 (or join on Teams)",
    "Wolverhampton": "Civic Centre, St Peter's Square, Room 114 (or join on Teams)",
}
# Serious violence concerns police look at when saying whether someone is criminally active.
VIOLENT = frozenset(
    {
        Concern.VIOLENCE_PERPETRATOR,
        Concern.WEAPON_CARRYING,
        Concern.FIREARMS,
        Concern.GANG_INVOLVEMENT,
    }
)

POLICE_NOTES = [
    "Two stop and search encounters in the last six months, nothing found. Named as an "
    "associate of a group linked to recent disorder in the city centre.",
    "Arrested in the spring for possession of a bladed article; released under investigation.",
    "Reported missing twice this year; found both times in another force area with older males.",
    "Victim of a robbery in the autumn, did not support a prosecution. No offending recorded.",
    "Intelligence suggests they are being used to hold drugs. No arrests.",
    "Known to the neighbourhood team; family has asked police for help twice.",
]
CRIMINALLY_ACTIVE_NOTE = (
    "Charged in the summer with affray (outcome awaited). Recent intelligence links them to two "
    "knife incidents and to the supply of drugs with older associates."
)
YJS_NOTES = [
    "Open to the youth justice service on a referral order; attending appointments most weeks.",
    "Previously worked with on an out-of-court disposal, which they completed.",
    "Not known to youth justice.",
    "Completed a youth rehabilitation order last year; the worker describes good engagement.",
]
SCHOOL_NOTES = [
    "Attendance 62% this term, two fixed-term suspensions for fighting. Enjoys PE and music.",
    "On a reduced timetable at the alternative provision; staff worry about who collects them.",
    "Attendance is good but teachers have noticed new older friends waiting outside the gates.",
]
HEALTH_NOTES = [
    "Attended the emergency department in March with a hand wound, self-discharged.",
    "Two A&E attendances this year, one an assault. The youth worker in A&E spoke to them.",
    "Known to CAMHS in the past; discharged after missed appointments.",
]
NOT_SUITABLE_REASONS = [
    "The youth justice service is already working intensively with them; CIRV would duplicate "
    "that work. Referred on for mentoring instead.",
    "Their needs are about substance use first; the panel referred them to the specialist service.",
    "Whole-family support is the better first step; referred to Early Help.",
]
MORE_INFORMATION = [
    "Ask the school for attendance and any exclusions this year.",
    "Ask the youth justice service whether they hold a current assessment.",
    "Check with children's social care whether there is an open plan.",
]


def build(world: DemoWorld) -> None:
    rng = random.Random(world.rng.random())  # noqa: S311 - demo data
    if TriagePanel.objects.exists():
        return
    areas = {a.name: a for a in ProgrammeArea.objects.filter(name__in=PANEL_WEEKDAYS)}
    if len(areas) < len(PANEL_WEEKDAYS):
        return
    staff = _Staff(world)
    today = timezone.localdate()
    # Each area's next panel is within the coming week.
    upcoming = {
        name: today + timedelta(days=(weekday - today.weekday()) % 7 or 7)
        for name, weekday in PANEL_WEEKDAYS.items()
    }
    past: list[tuple[date, str]] = []
    for name, next_on in upcoming.items():
        day = next_on - PANEL_EVERY
        while day >= today - timedelta(days=365):
            past.append((day, name))
            day -= PANEL_EVERY
    panels = cases = 0
    # Backdating (demo only): the service builds an agenda from everyone awaiting triage now,
    # but a year ago only the referrals sent by then were waiting. So the year is replayed: the
    # referrals awaiting triage are held back (as new) and released to "awaiting triage" panel
    # by panel, as their agenda went out; whoever is left is released for the next panels.
    held = dict(
        Referral.objects.filter(
            status=ReferralStatus.AWAITING_TRIAGE, area__in=areas.values()
        ).values_list("pk", "submitted_at")
    )
    Referral.objects.filter(pk__in=held).update(status=ReferralStatus.NEW)
    try:
        for day, name in sorted(past):
            built_at = _at(day - AGENDA_BUILT_BEFORE, 9)
            due = [pk for pk, sent in held.items() if sent is None or sent <= built_at]
            Referral.objects.filter(pk__in=due).update(status=ReferralStatus.AWAITING_TRIAGE)
            for pk in due:
                del held[pk]
            opened = _past_panel(rng, staff, areas[name], day)
            if opened is not None:
                panels += 1
                cases += opened
    finally:
        Referral.objects.filter(pk__in=held).update(status=ReferralStatus.AWAITING_TRIAGE)
    for name, day in upcoming.items():
        _upcoming_panel(rng, staff, areas[name], day)
        panels += 1
    world.created["triage panels"] = panels
    world.created["cases"] = cases


class _Staff:
    """Who chairs, decides and contributes at the demo panels."""

    def __init__(self, world: DemoWorld) -> None:
        users = world.users
        self.manager = users["manager"]
        self.police = users["caseworker"]
        self.yjs = users["triage"]
        self.school = users.get("panel-school")
        self.health = users.get("panel-health")
        # Coventry's cases go mostly to the demo caseworker; Wolverhampton has its own.
        self.caseworkers: dict[str, list[tuple[User, int]]] = {
            "Coventry": [(users["caseworker"], 65), (users.get("caseworker2", self.police), 35)],
            "Wolverhampton": [
                (users.get("caseworker3", self.police), 60),
                (users["caseworker"], 40),
            ],
        }
        self.chairs = {
            "Coventry": self.manager,
            "Wolverhampton": users.get("caseworker3", self.manager),
        }

    def caseworker(self, rng: random.Random, area: str) -> User:
        people, weights = zip(*self.caseworkers[area], strict=True)
        return rng.choices(people, weights=weights)[0]


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _past_panel(rng: random.Random, staff: _Staff, area: ProgrammeArea, day: date) -> int | None:
    """A panel that met on `day`: its agenda, contributions and decisions. Returns how many
    cases it opened, or None if nothing was waiting for it."""
    built_at = _at(day - AGENDA_BUILT_BEFORE, 9)
    if not services.awaiting_agenda(area):
        return None
    chair = staff.chairs[area.name]
    panel = services.panel_schedule(
        actor=staff.manager,
        area=area,
        meets_at=timezone.now() + timedelta(hours=1),
        location=LOCATIONS[area.name],
        chair=chair,
    )
    # Backdating (demo only): the panel met on `day`, not in an hour.
    TriagePanel.objects.filter(pk=panel.pk).update(meets_at=_at(day, 10), created_at=built_at)
    AgendaItem.objects.filter(panel=panel).update(added_at=built_at)
    opened = 0
    items = list(panel.items.select_related("referral").order_by("position"))
    for item in items:
        flagged = _criminally_active_candidate(item.referral, day) and rng.random() < 0.4
        _contribute(rng, staff, item, day - AGENDA_BUILT_BEFORE, upcoming=False, flagged=flagged)
    for item in items:
        case = _decide(rng, staff, item, chair, area)
        decided_at = _at(day, 10, 5 + 10 * min(item.position, 5))
        AgendaItem.objects.filter(pk=item.pk).update(decided_at=decided_at)
        if case is not None:
            opened += 1
            # Backdating (demo only): the case opened when the panel decided, not today.
            Case.objects.filter(pk=case.pk).update(
                opened_at=decided_at, step_entered_at=decided_at, changed_at=decided_at
            )
            submitted = item.referral.submitted_at or built_at
            CaseMove.objects.filter(case=case, to_step=Step.TRIAGE).update(
                at=max(built_at, submitted)
            )
            CaseMove.objects.filter(case=case, kind=MoveKind.OPENED).update(at=decided_at)
        elif item.decision == PanelDecision.NOT_SUITABLE:
            OnwardReferral.objects.filter(referral=item.referral_id).update(recorded_at=decided_at)
    return opened


def _decide(
    rng: random.Random, staff: _Staff, item: AgendaItem, chair: User, area: ProgrammeArea
) -> Case | None:
    referral = item.referral
    again = AgendaItem.objects.filter(referral=referral).exclude(pk=item.pk).exists()
    weights = [92, 8, 0] if again else [86, 7, 7]
    decision = rng.choices(list(PanelDecision), weights=weights)[0]
    onward: Service | None = None
    if decision == PanelDecision.NOT_SUITABLE:
        options = list(suggested_services(referral).filter(serves_out_of_area=False))
        if options:
            onward = rng.choice(options)
        else:
            decision = PanelDecision.ACCEPT
    reason = {
        PanelDecision.ACCEPT: "",
        PanelDecision.NOT_SUITABLE: rng.choice(NOT_SUITABLE_REASONS),
        PanelDecision.MORE_INFORMATION: rng.choice(MORE_INFORMATION),
    }[decision]
    return services.decision_record(
        item=item,
        actor=chair,
        decision=decision,
        reason=reason,
        onward_service=onward,
        caseworker=staff.caseworker(rng, area.name) if decision == PanelDecision.ACCEPT else None,
    )


def _criminally_active_candidate(referral: Referral, today: date) -> bool:
    return (
        referral.date_of_birth is not None
        and age_on(referral.date_of_birth, today) >= 18
        and bool(VIOLENT & set(referral.concerns))
    )


def _contribute(
    rng: random.Random, staff: _Staff, item: AgendaItem, on: date, *, upcoming: bool, flagged: bool
) -> None:
    """What partner agencies hold about the person on the agenda. At past panels a few agencies
    wrote in; for the next panel, every agency at the table has."""
    referral = item.referral
    coventry = referral.area is not None and referral.area.name == "Coventry"
    under_18 = referral.date_of_birth is not None and age_on(referral.date_of_birth, on) < 18
    writers: list[tuple[User, list[str], bool]] = []
    if upcoming or rng.random() < 0.6:
        writers.append((staff.police, POLICE_NOTES, flagged))
    if coventry and (upcoming or rng.random() < 0.4):
        writers.append((staff.yjs, YJS_NOTES, False))
    if coventry and staff.school is not None and (upcoming or (under_18 and rng.random() < 0.3)):
        writers.append((staff.school, SCHOOL_NOTES, False))
    if staff.health is not None and ((upcoming and coventry) or rng.random() < 0.15):
        writers.append((staff.health, HEALTH_NOTES, False))
    for author, notes, active in writers:
        contribution = services.contribution_save(
            item=item,
            actor=author,
            information=CRIMINALLY_ACTIVE_NOTE if active else rng.choice(notes),
            criminally_active=active,
        )
        if not upcoming:
            # Backdating (demo only): written in the week before the panel met.
            Contribution.objects.filter(pk=contribution.pk).update(
                updated_at=_at(on + timedelta(days=rng.randint(0, 4)), rng.randint(9, 17))
            )


def _upcoming_panel(rng: random.Random, staff: _Staff, area: ProgrammeArea, day: date) -> None:
    """The area's next panel, scheduled as a user would: its agenda is everyone waiting now."""
    panel = services.panel_schedule(
        actor=staff.manager,
        area=area,
        meets_at=_at(day, 10),
        location=LOCATIONS[area.name],
        chair=staff.chairs[area.name],
    )
    items = list(panel.items.select_related("referral", "referral__area").order_by("position"))
    today = timezone.localdate()
    # At Coventry's panel police flag one person as criminally active: an adult with a violence
    # concern if there is one on the agenda.
    flag = None
    if area.name == "Coventry" and items:
        flag = next((i for i in items if _criminally_active_candidate(i.referral, today)), items[0])
    for item in items:
        _contribute(rng, staff, item, today, upcoming=True, flagged=item == flag)
