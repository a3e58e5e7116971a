from __future__ import annotations

import pytest

from vrhub.accounts.models import Agency, Role, User
from vrhub.accounts.tests.factories import UserFactory
from vrhub.cases.tests.factories import caseworker, make_case, manager, mentor, st_giles
from vrhub.people.models import Person
from vrhub.referrals.tests.factories import coventry_area, directory

from .factories import other_people

__all__ = [
    "caseworker",
    "coventry_area",
    "directory",
    "make_case",
    "manager",
    "mentor",
    "st_giles",
]


@pytest.fixture
def colleague(police: Agency) -> User:
    """A second caseworker, working the same queue."""
    return UserFactory(agency=police, roles=[Role.CASEWORKER], full_name="Chloe Colleague")


@pytest.fixture
def analyst(council: Agency) -> User:
    return UserFactory(agency=council, roles=[Role.ANALYST], full_name="Ana Analyst")


@pytest.fixture
def index(db: None) -> list[Person]:
    """An index already holding a few hundred other people."""
    return other_people()
