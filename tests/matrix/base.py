"""The actors the permission matrix signs in as, the rule each URL is held to, and a part of
the matrix (one capability's URLs)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from vrhub.accounts.models import Role

ANON = "anonymous"
NO_ROLES = "user with no roles"
OTHER_ADMIN = "administrator of another agency"
OTHER_DPO = "data protection officer of another agency"
ACTORS = [ANON, NO_ROLES, *[r.value for r in Role], OTHER_ADMIN, OTHER_DPO]
SIGNED_IN = frozenset(ACTORS) - {ANON}
ADMINS = frozenset({Role.ADMINISTRATOR.value, OTHER_ADMIN})
DPOS = frozenset({Role.DATA_PROTECTION_OFFICER.value, OTHER_DPO})


@dataclass(frozen=True)
class Rule:
    """Expected status for GET: `allowed` for the listed actors, `denied` for everyone else."""

    allowed: frozenset[str]
    ok: int = 200
    denied: int = 403
    anonymous: int = 302
    overrides: tuple[tuple[str, int], ...] = ()

    def expected(self, actor: str) -> int:
        special = dict(self.overrides)
        if actor in special:
            return special[actor]
        if actor == ANON:
            return self.anonymous
        return self.ok if actor in self.allowed else self.denied


def _nothing(world: dict[str, Any]) -> None:
    return None


def _no_kwargs(world: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {}


@dataclass(frozen=True)
class Part:
    rules: dict[str, Rule]
    # Adds the records the part's URLs need to the matrix's world (users, agencies, referrals).
    build: Callable[[dict[str, Any]], None] = _nothing
    # URL name -> the kwargs to reverse it with, given the world (after build).
    kwargs: Callable[[dict[str, Any]], dict[str, dict[str, Any]]] = _no_kwargs
    # Forms that write: a POST is refused where the GET is, and an empty POST shows errors.
    forms: list[str] = field(default_factory=list)
