"""Fixtures shared by every test: a host agency (the council that runs vrhub), another agency,
and users with the roles a test asks for."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.test import Client

from vrhub.accounts.models import Agency, AgencyKind, Role, User
from vrhub.accounts.tests.factories import AgencyFactory, UserFactory


@pytest.fixture
def council(db: None) -> Agency:
    return AgencyFactory(
        name="Coventry City Council", kind=AgencyKind.LOCAL_AUTHORITY, hosts_partnership=True
    )


@pytest.fixture
def police(db: None) -> Agency:
    return AgencyFactory(name="West Midlands Police", kind=AgencyKind.POLICE, area="West Midlands")


@pytest.fixture
def make_user(council: Agency) -> Callable[..., User]:
    def make(*roles: Role, agency: Agency | None = None, **fields: object) -> User:
        return UserFactory(agency=agency or council, roles=list(roles), **fields)

    return make


@pytest.fixture
def client_for() -> Callable[[User], Client]:
    def make(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


def pytest_report_header(config: pytest.Config) -> str:
    from django.conf import settings

    database = settings.DATABASES["default"]
    engine = database["ENGINE"].rsplit(".", 1)[-1]
    return f"vrhub database: {engine} ({database.get('HOST') or 'file'})"


@pytest.fixture(autouse=True)
def measures_store(settings: object, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Each test gets an analytical store of its own, and imports run inline."""
    from vrhub.measures import store

    directory = tmp_path_factory.mktemp("measures")
    settings.VRHUB_MEASURES_DIR = directory  # type: ignore[attr-defined]
    settings.VRHUB_IMPORTS_INLINE = True  # type: ignore[attr-defined]
    yield directory
    store.close_all()
