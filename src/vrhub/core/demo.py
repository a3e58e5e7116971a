"""The deterministic demo world that `make run` loads: two CIRV areas, their partners and users.

Each domain adds to the world with a builder registered in BUILDERS, run in order. Builders are
idempotent: they look things up by natural key and create only what is missing, so loading twice
changes nothing.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vrhub.accounts.models import Agency, User

SEED = 20231122  # the date of the scrutiny meeting the partnership started from

BUILDERS = [
    "vrhub.accounts.demo.build",
    "vrhub.referrals.demo.build",
    "vrhub.cases.demo.build_staff",
    "vrhub.triage.demo.build",
    "vrhub.cases.demo.build",
    "vrhub.people.demo.build",
    "vrhub.measures.demo.build_for_world",
]


@dataclass
class DemoSignIn:
    role_label: str
    email: str
    password: str
    agency: str


@dataclass
class DemoWorld:
    rng: random.Random = field(default_factory=lambda: random.Random(SEED))  # noqa: S311
    agencies: dict[str, Agency] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    sign_ins: list[DemoSignIn] = field(default_factory=list)
    created: dict[str, int] = field(default_factory=dict)

    def count(self, what: str) -> None:
        self.created[what] = self.created.get(what, 0) + 1


def _resolve(dotted: str) -> Callable[[DemoWorld], None]:
    module, _, name = dotted.rpartition(".")
    builder: Callable[[DemoWorld], None] = getattr(import_module(module), name)
    return builder


def build_world() -> DemoWorld:
    world = DemoWorld()
    for dotted in BUILDERS:
        _resolve(dotted)(world)
    return world
