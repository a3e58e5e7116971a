"""The API: token or session sign-in, problem+json errors, a schema listing every endpoint."""

from __future__ import annotations

import re

import pytest
import yaml
from django.urls import URLPattern, URLResolver, get_resolver
from knox.models import AuthToken
from rest_framework.test import APIClient

from vrhub.accounts.models import Role
from vrhub.audit.models import AuditAction, AuditEvent
from vrhub.audit.services import record

pytestmark = pytest.mark.django_db


def _token_client(user) -> APIClient:
    client = APIClient()
    _, key = AuthToken.objects.create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_me_answers_who_the_token_belongs_to(make_user):
    user = make_user(Role.CASEWORKER, Role.MENTOR, full_name="Callum Caseworker")
    response = _token_client(user).get("/api/v1/me")
    assert response.status_code == 200
    body = response.json()
    assert body["full_name"] == "Callum Caseworker"
    assert body["roles"] == ["caseworker", "mentor"]
    assert body["agency"] == {
        "id": user.agency_id,
        "name": "Coventry City Council",
        "kind": "local_authority",
    }
    assert body["capabilities"] == [
        "decide_at_panels",
        "make_referrals",
        "match_people",
        "mentor_people",
        "sit_on_panels",
        "view_at_risk_list",
        "work_cases",
        "work_referrals",
    ]


def test_a_bad_token_gets_a_problem_not_a_page(db):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["title"] == "You are not signed in"


def test_a_missing_role_gets_403_and_is_recorded(make_user):
    analyst = make_user(Role.ANALYST)
    response = _token_client(analyst).get("/api/v1/audit-events")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    denied = AuditEvent.objects.get(action=AuditAction.ACCESS_DENIED)
    assert denied.detail == {"reason": "missing_capability", "capability": "view_audit_trail"}


def test_the_audit_api_filters_and_pages(make_user):
    dpo = make_user(Role.DATA_PROTECTION_OFFICER)
    worker = make_user(Role.CASEWORKER)
    for _ in range(3):
        record(action=AuditAction.SIGN_IN, actor=worker)
    record(action=AuditAction.USER_UPDATED, actor=worker, person_id="P-7")
    client = _token_client(dpo)
    body = client.get("/api/v1/audit-events", {"action": "auth.sign_in", "limit": 2}).json()
    assert body["count"] == 3
    assert len(body["results"]) == 2
    assert {r["action"] for r in body["results"]} == {"auth.sign_in"}
    person = client.get("/api/v1/audit-events", {"person": "P-7"}).json()
    assert [r["action"] for r in person["results"]] == ["user.updated"]


def test_malformed_query_is_a_400_problem_naming_each_field(make_user):
    dpo = make_user(Role.DATA_PROTECTION_OFFICER)
    response = _token_client(dpo).get(
        "/api/v1/audit-events", {"date_from": "yesterday", "limit": "0", "action": "nonsense"}
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 400
    assert {e["field"] for e in body["errors"]} == {"date_from", "limit", "action"}
    assert "date_from" in body["detail"]
    assert body["request_id"] == response["X-Request-ID"]


def test_an_unknown_endpoint_is_a_404_problem(db):
    response = APIClient().get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def _api_routes() -> set[str]:
    routes = set()

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                route = prefix + str(p.pattern)
                if route.startswith("api/v1/"):
                    # Django's <converter:name> is OpenAPI's {name}.
                    routes.add("/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route))

    walk(get_resolver().url_patterns)
    return routes


def test_every_endpoint_is_in_the_openapi_schema(make_user, client_for):
    response = client_for(make_user(Role.ANALYST)).get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    documented = set(schema["paths"])
    assert _api_routes()
    assert _api_routes() <= documented
    for path, operations in schema["paths"].items():
        for operation in operations.values():
            assert operation.get("summary"), f"{path} has no summary"
    assert "tokenAuth" in schema["components"]["securitySchemes"]


@pytest.mark.parametrize(
    "query",
    [
        {"user": str(2**64)},
        {"agency": "99999999999999999999999"},
        {"offset": str(2**63 - 1), "limit": "500"},
        {"person": "x" * 65},
    ],
)
def test_huge_or_long_values_get_a_400_or_an_empty_page_never_a_500(make_user, query):
    dpo = make_user(Role.DATA_PROTECTION_OFFICER)
    response = _token_client(dpo).get("/api/v1/audit-events", query)
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert response.json()["results"] == []
