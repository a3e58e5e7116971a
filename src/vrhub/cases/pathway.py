"""The CIRV pathway: its 8 steps and the one table of moves allowed between them.

Pure definitions, no database: every move a case makes is checked here, so the rules can be read,
tested and explained in one place. A case exists from step 3: steps 1 (referral) and 2 (triage)
are lived by the referral and the triage panel, and the case's timeline shows them from there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models


class Step(models.IntegerChoices):
    REFERRAL = 1, "Referral"
    TRIAGE = 2, "Multi-agency triage"
    OFFER = 3, "CIRV offer"
    MOMENT = 4, "Teachable or reachable moment"
    RELATIONSHIP = 5, "Relationship building"
    PROGRESS = 6, "Progress"
    SEQUENCING = 7, "Sequencing"
    PLACEMENT = 8, "Placement and deselection"


# The steps a case is worked in (an open case is always in one of these).
CASE_STEPS = [s for s in Step if s >= Step.OFFER]


class MoveKind(models.TextChoices):
    OPENED = "opened", "Accepted at triage"
    FORWARD = "forward", "Moved on"
    BACK = "back", "Moved back"
    EXIT = "exit", "Closed"
    REOPEN = "reopen", "Reopened"
    HISTORY = "history", "Earlier step"


class ClosureReason(models.TextChoices):
    """Why a case left the pathway (deselection)."""

    COMPLETED = "completed", "Completed the programme"
    DISENGAGED = "disengaged", "Disengaged"
    OFFER_DECLINED = "offer_declined", "Declined the CIRV offer"
    NO_RESPONSE = "no_response", "No response to the CIRV offer"
    MOVED = "moved_out_of_area", "Moved out of the area"
    CUSTODY = "custody", "In custody"
    DECEASED = "deceased", "Deceased"
    OTHER = "other", "Other"


# Reasons recorded by the offer itself, not chosen when closing a case by hand.
OFFER_CLOSURES = frozenset({ClosureReason.OFFER_DECLINED, ClosureReason.NO_RESPONSE})


class PlacementOutcome(models.TextChoices):
    EDUCATION = "education", "Education"
    TRAINING = "training", "Training"
    EMPLOYMENT = "employment", "Employment"
    RELOCATION = "relocation", "Relocation"
    OTHER = "other", "Other"
    NONE = "none", "No placement"


@dataclass(frozen=True)
class CaseFacts:
    """What the table's conditions look at: a snapshot of the case's record."""

    offer_accepted: bool
    has_mentor: bool
    has_needs_assessment: bool
    has_service_plan: bool


@dataclass(frozen=True)
class Condition:
    holds: Callable[[CaseFacts], bool]
    unmet: str  # what to do first, shown to the user when it does not hold


OFFER_ACCEPTED = Condition(
    lambda f: f.offer_accepted,
    "Record that the person accepted the CIRV offer before moving on",
)
MENTOR_ASSIGNED = Condition(
    lambda f: f.has_mentor, "Assign a mentor before moving on from relationship building"
)
NEEDS_ASSESSED = Condition(
    lambda f: f.has_needs_assessment, "Record a needs assessment before moving on to sequencing"
)
SERVICES_PLANNED = Condition(
    lambda f: f.has_service_plan, "Plan at least one service before moving on to placement"
)


@dataclass(frozen=True)
class Move:
    kind: MoveKind
    conditions: tuple[Condition, ...] = ()
    why: str = ""  # for a move back: when the work requires it


# The one table of moves between steps. Anything not here is refused. Exit (closing the case) is
# allowed from every step; reopening a closed case is allowed to the steps in REOPEN_TO.
MOVES: dict[tuple[Step, Step], Move] = {
    (Step.OFFER, Step.MOMENT): Move(MoveKind.FORWARD, (OFFER_ACCEPTED,)),
    (Step.MOMENT, Step.RELATIONSHIP): Move(MoveKind.FORWARD),
    (Step.RELATIONSHIP, Step.PROGRESS): Move(MoveKind.FORWARD, (MENTOR_ASSIGNED,)),
    (Step.PROGRESS, Step.SEQUENCING): Move(MoveKind.FORWARD, (NEEDS_ASSESSED,)),
    (Step.SEQUENCING, Step.PLACEMENT): Move(MoveKind.FORWARD, (SERVICES_PLANNED,)),
    (Step.RELATIONSHIP, Step.MOMENT): Move(
        MoveKind.BACK, why="A new crisis opens a new teachable moment"
    ),
    (Step.PROGRESS, Step.RELATIONSHIP): Move(
        MoveKind.BACK, why="The relationship with the mentor broke down and must be rebuilt"
    ),
    (Step.SEQUENCING, Step.PROGRESS): Move(
        MoveKind.BACK, why="Needs changed and must be assessed again"
    ),
    (Step.PLACEMENT, Step.SEQUENCING): Move(
        MoveKind.BACK, why="The placement fell through and services must be planned again"
    ),
}
# Reopening at the offer lets someone who declined say yes later; past it needs the offer
# accepted (checked by the service, which knows the case's record).
REOPEN_TO = frozenset({Step.OFFER, Step.MOMENT, Step.RELATIONSHIP, Step.PROGRESS})


class MoveRefused(Exception):
    """A move the table does not allow, or whose conditions do not hold yet."""


def check_move(current: Step, target: Step, facts: CaseFacts) -> Move:
    """The table's entry for this move, or MoveRefused saying why it cannot be made."""
    move = MOVES.get((current, target))
    if move is None:
        allowed = ", ".join(Step(t).label for (f, t) in MOVES if f == current) or "none"
        raise MoveRefused(
            f"A case cannot move from {Step(current).label} to {Step(target).label}. "
            f"From {Step(current).label} it can move to: {allowed}, or be closed"
        )
    for condition in move.conditions:
        if not condition.holds(facts):
            raise MoveRefused(condition.unmet)
    return move


def moves_from(current: Step) -> list[tuple[Step, Move]]:
    """Where a case in `current` may go next, forward first."""
    found = [(Step(t), m) for (f, t), m in MOVES.items() if f == current]
    return sorted(found, key=lambda pair: (pair[1].kind != MoveKind.FORWARD, pair[0]))


def check_reopen(target: Step) -> None:
    if target not in REOPEN_TO:
        allowed = ", ".join(s.label for s in sorted(REOPEN_TO))
        raise MoveRefused(f"A closed case can be reopened at: {allowed}")
