"""Every URL in vrhub, for every role and for users of another agency, allows or denies as it must.

A new URL fails this test until it is added to MATRIX: nobody ships a page without deciding who
may reach it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from vrhub.accounts.models import Agency, AgencyKind, Role, User
from vrhub.accounts.tests.factories import AgencyFactory, UserFactory
from vrhub.audit.models import AuditAction, AuditEvent
from vrhub.referrals.models import ProgrammeArea, Referral, ReferralStatus, Service

from .matrix import PARTS, Rule
from .matrix.base import ACTORS, ADMINS, ANON, DPOS, NO_ROLES, OTHER_ADMIN, OTHER_DPO, SIGNED_IN

pytestmark = pytest.mark.django_db

HOST_ADMIN = frozenset({Role.ADMINISTRATOR.value})
MAKERS = frozenset({Role.REFERRER.value, Role.CASEWORKER.value})
WORKERS = frozenset({Role.CASEWORKER.value, Role.PROGRAMME_MANAGER.value})
# The referrer's own referrals: a draft (question pages) and a sent one (confirmation, status).
DRAFT_AUTHOR = frozenset({Role.REFERRER.value})
SUBMITTED_AUTHOR = frozenset({Role.REFERRER.value})
NOT_MAKERS_403 = tuple(
    (actor, 403)
    for actor in [NO_ROLES, *[r.value for r in Role], OTHER_ADMIN, OTHER_DPO]
    if actor not in MAKERS
)

MATRIX: dict[str, Rule] = {
    # Home sends each user to their role's home; a user with no roles is told to ask for one.
    "core:home": Rule(SIGNED_IN, ok=302, overrides=((NO_ROLES, 200),)),
    "core:role-home": Rule(  # the administrator's home page
        frozenset({Role.ADMINISTRATOR.value, OTHER_ADMIN}), denied=404
    ),
    "core:privacy": Rule(frozenset(ACTORS), anonymous=200),
    "core:accessibility": Rule(frozenset(ACTORS), anonymous=200),
    "accounts:sign-in": Rule(frozenset(), denied=302, anonymous=200),
    "accounts:sign-out": Rule(frozenset(), denied=405),
    "accounts:account": Rule(SIGNED_IN),
    "accounts:password-change": Rule(SIGNED_IN),
    "accounts:api-token-issue": Rule(frozenset(), denied=405),
    "accounts:api-token-revoke": Rule(frozenset(), denied=405),
    "accounts:agency-list": Rule(ADMINS),
    "accounts:agency-create": Rule(HOST_ADMIN, overrides=((OTHER_ADMIN, 404),)),
    "accounts:agency-detail": Rule(HOST_ADMIN, overrides=((OTHER_ADMIN, 404),)),
    "accounts:agency-edit": Rule(HOST_ADMIN, overrides=((OTHER_ADMIN, 404),)),
    "accounts:user-list": Rule(ADMINS),
    "accounts:user-create": Rule(ADMINS),
    "accounts:user-detail": Rule(HOST_ADMIN, overrides=((OTHER_ADMIN, 404),)),
    "accounts:user-edit": Rule(HOST_ADMIN, overrides=((OTHER_ADMIN, 404),)),
    "accounts:user-unlock": Rule(ADMINS, ok=405),  # POST only; the POST is checked below
    "accounts:user-password-set": Rule(HOST_ADMIN, overrides=((OTHER_ADMIN, 404),)),
    "audit:trail": Rule(DPOS),
    # Referrals: made by referrers and caseworkers, worked by caseworkers and programme managers.
    "referrals:start": Rule(MAKERS),
    "referrals:mine": Rule(MAKERS),
    "referrals:step": Rule(DRAFT_AUTHOR, denied=404, overrides=NOT_MAKERS_403),
    "referrals:safeguarding": Rule(DRAFT_AUTHOR, denied=404, overrides=NOT_MAKERS_403),
    "referrals:check": Rule(DRAFT_AUTHOR, denied=404, overrides=NOT_MAKERS_403),
    "referrals:sent": Rule(SUBMITTED_AUTHOR, denied=404, overrides=NOT_MAKERS_403),
    "referrals:status": Rule(
        SUBMITTED_AUTHOR | {Role.CASEWORKER.value}, denied=404, overrides=NOT_MAKERS_403
    ),
    "referrals:queue": Rule(WORKERS),
    "referrals:figures": Rule(frozenset({Role.PROGRAMME_MANAGER.value})),
    "referrals:areas": Rule(frozenset({Role.PROGRAMME_MANAGER.value})),
    "referrals:area-edit": Rule(frozenset({Role.PROGRAMME_MANAGER.value})),
    "referrals:directory": Rule(frozenset({Role.PROGRAMME_MANAGER.value})),
    "referrals:service-create": Rule(frozenset({Role.PROGRAMME_MANAGER.value})),
    "referrals:service-edit": Rule(frozenset({Role.PROGRAMME_MANAGER.value})),
    "referrals:figures-csv": Rule(frozenset({Role.PROGRAMME_MANAGER.value})),
    "referrals:detail": Rule(WORKERS),
    "referrals:decide": Rule(WORKERS, ok=405),
    "referrals:signpost": Rule(WORKERS, ok=405),
    "referrals:repeat": Rule(WORKERS, ok=405),
    "referrals:ask": Rule(WORKERS, ok=405),
    "referrals:reply": Rule(MAKERS, ok=405),
    # An agency's administrator sends its referrals in a CSV file.
    "referrals:upload": Rule(ADMINS),
    "referrals:upload-sent": Rule(ADMINS, ok=302),  # nothing sent yet: back to the upload page
    "audit:export": Rule(DPOS),
    "api:me": Rule(SIGNED_IN, anonymous=401),
    "api:audit-events": Rule(DPOS, anonymous=401),
    "api:referrals": Rule(WORKERS, anonymous=401),  # GET lists; POST (makers) is tested in the app
    "api:referral": Rule(MAKERS, anonymous=401),  # a referral the referrer sent
    "api-schema": Rule(SIGNED_IN, anonymous=401),
    "api-docs": Rule(SIGNED_IN),
    "api-not-found": Rule(frozenset(), denied=404, anonymous=404),
}
for _part in PARTS:
    MATRIX.update(_part.rules)


def _walk(patterns: list, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}{entry.namespace}:"
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else "api-not-found"
            yield name, prefix + str(entry.pattern)


def test_every_url_is_in_the_matrix():
    found = {name for name, _ in _walk(get_resolver().url_patterns)}
    unlisted = found - set(MATRIX)
    assert not unlisted, f"Add these URLs to the permission matrix: {sorted(unlisted)}"
    stale = set(MATRIX) - found
    assert not stale, f"These URLs no longer exist: {sorted(stale)}"


@pytest.fixture
def world(db) -> dict[str, object]:
    council = AgencyFactory(
        name="Coventry City Council", kind=AgencyKind.LOCAL_AUTHORITY, hosts_partnership=True
    )
    police = AgencyFactory(name="West Midlands Police", kind=AgencyKind.POLICE)
    users: dict[str, User] = {
        role.value: UserFactory(agency=council, roles=[role]) for role in Role
    }
    users[NO_ROLES] = UserFactory(agency=council, roles=[])
    users[OTHER_ADMIN] = UserFactory(agency=police, roles=[Role.ADMINISTRATOR])
    users[OTHER_DPO] = UserFactory(agency=police, roles=[Role.DATA_PROTECTION_OFFICER])
    referrer = users[Role.REFERRER.value]
    draft = Referral.objects.create(
        reference="R-22222222", referred_by=referrer, referring_agency=council
    )
    sent = Referral.objects.create(
        reference="R-33333333",
        referred_by=referrer,
        referring_agency=council,
        status=ReferralStatus.NEW,
    )
    area = ProgrammeArea.objects.create(
        name="Coventry", local_authority=council, postcode_districts=["CV1"]
    )
    service = Service.objects.create(
        name="Early Help", provider=council, offers="Support", how_to_refer="Form"
    )
    built: dict[str, object] = {
        "council": council,
        "police": police,
        "users": users,
        "draft": draft,
        "sent": sent,
        "area": area,
        "service": service,
    }
    for part in PARTS:
        part.build(built)
    return built


def _url(name: str, world: dict[str, object]) -> str:
    council: Agency = world["council"]  # type: ignore[assignment]
    users: dict[str, User] = world["users"]  # type: ignore[assignment]
    draft: Referral = world["draft"]  # type: ignore[assignment]
    sent: Referral = world["sent"]  # type: ignore[assignment]
    area: ProgrammeArea = world["area"]  # type: ignore[assignment]
    service: Service = world["service"]  # type: ignore[assignment]
    kwargs: dict[str, Callable[[], object]] = {
        "core:role-home": lambda: {"role": Role.ADMINISTRATOR.value},
        "accounts:agency-detail": lambda: {"agency_id": council.pk},
        "accounts:agency-edit": lambda: {"agency_id": council.pk},
        "accounts:user-detail": lambda: {"user_id": users[Role.CASEWORKER.value].pk},
        "accounts:user-edit": lambda: {"user_id": users[Role.CASEWORKER.value].pk},
        "accounts:user-unlock": lambda: {"user_id": users[Role.CASEWORKER.value].pk},
        "accounts:user-password-set": lambda: {"user_id": users[Role.CASEWORKER.value].pk},
        "referrals:step": lambda: {"reference": draft.reference, "slug": "name"},
        "referrals:safeguarding": lambda: {"reference": draft.reference},
        "referrals:check": lambda: {"reference": draft.reference},
        "referrals:figures-csv": lambda: {"table": "by-month"},
        "referrals:area-edit": lambda: {"area_id": area.pk},
        "referrals:service-edit": lambda: {"service_id": service.pk},
    }
    for page in ("sent", "status", "detail", "decide", "signpost", "repeat", "ask", "reply"):
        kwargs[f"referrals:{page}"] = lambda: {"reference": sent.reference}
    kwargs["api:referral"] = lambda: {"reference": sent.reference}
    for part in PARTS:
        if name in part.rules:
            return reverse(name, kwargs=part.kwargs(world).get(name))  # type: ignore[arg-type]
    if name == "api-not-found":
        return "/api/v1/no-such-endpoint"
    return reverse(name, kwargs=kwargs[name]() if name in kwargs else None)


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_each_url_allows_and_denies_as_it_must(world, name):
    url = _url(name, world)
    users: dict[str, User] = world["users"]  # type: ignore[assignment]
    rule = MATRIX[name]
    outcomes = {}
    for actor in ACTORS:
        client = Client()
        if actor != ANON:
            client.force_login(users[actor])
        outcomes[actor] = client.get(url).status_code
    expected = {actor: rule.expected(actor) for actor in ACTORS}
    assert outcomes == expected
    # Every refusal of a signed-in user is in the audit trail.
    for actor, status in outcomes.items():
        if actor != ANON and status in (403, 404) and not name.startswith("api-not-found"):
            assert AuditEvent.objects.filter(
                action=AuditAction.ACCESS_DENIED, actor=users[actor]
            ).exists(), f"{actor} was refused {url} without an audit event"


API_NAMES = sorted(n for n in MATRIX if n.startswith("api:") or n == "api-schema")


@pytest.mark.parametrize("name", API_NAMES)
def test_api_tokens_get_what_sessions_get(world, name):
    from knox.models import AuthToken
    from rest_framework.test import APIClient

    users: dict[str, User] = world["users"]  # type: ignore[assignment]
    rule = MATRIX[name]
    for actor in ACTORS:
        if actor == ANON:
            continue
        client = APIClient()
        _, key = AuthToken.objects.create(user=users[actor])
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        assert client.get(_url(name, world)).status_code == rule.expected(actor), actor


# Forms that write: a POST is refused exactly where the GET is (403 role, 404 other agency),
# and where allowed an empty POST is answered with the form's errors, never a write.
FORMS = [
    "accounts:agency-create",
    "accounts:agency-edit",
    "accounts:user-create",
    "accounts:user-edit",
    "accounts:user-password-set",
    "accounts:password-change",
    "referrals:step",
    "referrals:upload",
    "referrals:area-edit",
    "referrals:service-create",
    "referrals:service-edit",
    *[name for part in PARTS for name in part.forms],
]


@pytest.mark.parametrize("name", FORMS)
def test_writes_are_refused_where_reading_is(world, name):
    users: dict[str, User] = world["users"]  # type: ignore[assignment]
    rule = MATRIX[name]
    url = _url(name, world)
    for actor in ACTORS:
        client = Client()
        if actor != ANON:
            client.force_login(users[actor])
        status = client.post(url, {}).status_code
        expected = rule.expected(actor)
        assert status == expected, (actor, status, expected)
        if expected == 200:
            assert "There is a problem" in client.post(url, {}).text


def test_writes_to_another_agencys_user_are_not_found(world):
    users: dict[str, User] = world["users"]  # type: ignore[assignment]
    client = Client()
    client.force_login(users[OTHER_ADMIN])
    url = reverse("accounts:user-unlock", kwargs={"user_id": users[Role.CASEWORKER.value].pk})
    assert client.post(url).status_code == 404
    client.force_login(users[Role.MENTOR.value])
    assert client.post(url).status_code == 403
