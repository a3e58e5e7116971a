"""Permission matrix part: the measures (core measures, hot spots, seasonality, cost), the data
imports they are worked out from, and the measures API."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from vrhub.accounts.models import Role
from vrhub.measures.models import ImportKind, ImportRun, ImportStatus

from .base import Part, Rule

VIEW = frozenset({Role.ANALYST.value, Role.PROGRAMME_MANAGER.value})
IMPORT = frozenset({Role.ANALYST.value})

RULES: dict[str, Rule] = {
    "measures:dashboard": Rule(VIEW),
    "measures:measure": Rule(VIEW),
    "measures:concentration": Rule(VIEW),
    "measures:hot_spots": Rule(VIEW),
    "measures:seasonality": Rule(VIEW),
    "measures:cost": Rule(VIEW),
    "measures:imports": Rule(VIEW),
    "measures:import_new": Rule(IMPORT),
    "measures:import_detail": Rule(VIEW),
    "measures:import_problems_csv": Rule(VIEW),
    "measures:formats": Rule(VIEW),
    "measures:format": Rule(VIEW),
    "api:measures": Rule(VIEW, anonymous=401),
    "api:measures-series": Rule(VIEW, anonymous=401),
    "api:measures-concentration": Rule(VIEW, anonymous=401),
    "api:measures-hot-spots": Rule(VIEW, anonymous=401),
    "api:measures-import": Rule(VIEW, anonymous=401),
}


def build(world: dict[str, Any]) -> None:
    """An import the analyst ran and vrhub refused."""
    world["import_run"] = ImportRun.objects.create(
        kind=ImportKind.POLICE_UK,
        status=ImportStatus.REFUSED,
        started_by=world["users"][Role.ANALYST.value],
        created_at=timezone.now(),
        files=["2025-01-west-midlands-street.csv"],
        message="The file has no Crime type column.",
    )


def kwargs(world: dict[str, Any]) -> dict[str, dict[str, Any]]:
    run = world["import_run"].pk
    return {
        "measures:measure": {"key": "knife_crime"},
        "measures:import_new": {"kind": ImportKind.POLICE_UK.value},
        "measures:import_detail": {"pk": run},
        "measures:import_problems_csv": {"pk": run},
        "measures:format": {"kind": ImportKind.POLICE_UK.value},
        "api:measures-series": {"key": "knife_crime"},
        "api:measures-import": {"id": run},
    }


PART = Part(rules=RULES, build=build, kwargs=kwargs, forms=["measures:import_new"])
