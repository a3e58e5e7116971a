"""The referral API: partner systems send referrals and read their status; the CIRV team lists
the queue without names."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from knox.models import AuthToken
from rest_framework.test import APIClient

from vrhub.accounts.models import Role
from vrhub.audit.models import AuditAction, AuditEvent
from vrhub.referrals import services
from vrhub.referrals.models import Eligibility, Referral, ReferralStatus
from vrhub.referrals.tests.factories import complete_answers

pytestmark = pytest.mark.django_db

URL = "/api/v1/referrals"


def _token(user) -> str:
    _, key = AuthToken.objects.create(user=user)
    return str(key)


def _client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {_token(user)}")
    return client


def _body(**overrides: Any) -> dict[str, Any]:
    """A referral as a partner system sends it: JSON, so the date is a string."""
    answers = complete_answers(**overrides)
    if isinstance(answers["date_of_birth"], date):
        answers["date_of_birth"] = answers["date_of_birth"].isoformat()
    return answers


def _years_ago(years: int, days: int = 0) -> str:
    today = timezone.localdate()
    return (today.replace(year=today.year - years) - timedelta(days=days)).isoformat()


@pytest.fixture
def referrer(make_user):
    return make_user(Role.REFERRER)


@pytest.fixture
def caseworker(make_user, police):
    return make_user(Role.CASEWORKER, agency=police)


# Sending a referral.


def test_a_partner_system_sends_a_referral_and_is_told_its_eligibility(referrer, coventry_area):
    response = _client(referrer).post(URL, _body(postcode="cv2 4ab"), format="json")
    assert response.status_code == 201
    body = response.json()
    referral = Referral.objects.get()
    assert body["reference"] == referral.reference
    assert body["status"] == "new"
    assert body["eligibility"] == "eligible"
    assert body["eligibility_reasons"][0].startswith("eligible: aged 15 on the referral date")
    assert body["submitted_at"]
    assert body["onward_referral"] is None
    assert body["status_url"] == f"http://testserver/api/v1/referrals/{referral.reference}"
    assert response["Location"] == body["status_url"]
    assert referral.referred_by == referrer
    assert referral.referring_agency == referrer.agency
    assert referral.postcode == "CV2 4AB"
    assert referral.first_name == "Jayden"
    assert set(
        AuditEvent.objects.filter(target_id=referral.reference).values_list("action", flat=True)
    ) == {AuditAction.REFERRAL_STARTED, AuditAction.REFERRAL_SUBMITTED}


def test_the_eligibility_decision_says_why_not(referrer, coventry_area):
    too_young = _client(referrer).post(URL, _body(date_of_birth=_years_ago(13)), format="json")
    assert too_young.json()["eligibility"] == "not_eligible"
    assert too_young.json()["eligibility_reasons"] == [
        "not eligible: aged 13 on the referral date; minimum age 14"
    ]
    far_away = _client(referrer).post(URL, _body(postcode="B6 4AA"), format="json")
    assert far_away.json()["eligibility"] == "out_of_area"


def test_the_same_idempotency_key_makes_one_referral(referrer, make_user, police, coventry_area):
    client = _client(referrer)
    first = client.post(URL, _body(), format="json", HTTP_IDEMPOTENCY_KEY="case-81234")
    again = client.post(URL, _body(), format="json", HTTP_IDEMPOTENCY_KEY="case-81234")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    # A colleague at the same agency retrying the same submission gets the same referral.
    colleague = _client(make_user(Role.REFERRER))
    assert (
        colleague.post(URL, _body(), format="json", HTTP_IDEMPOTENCY_KEY="case-81234").json()
        == first.json()
    )
    assert Referral.objects.count() == 1
    # Another agency's keys are its own.
    other = _client(make_user(Role.REFERRER, agency=police))
    assert (
        other.post(URL, _body(), format="json", HTTP_IDEMPOTENCY_KEY="case-81234").status_code
        == 201
    )
    # Without a key, each request is a new referral.
    assert client.post(URL, _body(), format="json").status_code == 201
    assert Referral.objects.count() == 3


def test_a_different_referral_under_a_used_key_is_refused_not_answered_with_another_child(
    referrer, make_user, coventry_area
):
    client = _client(referrer)
    first = client.post(URL, _body(), format="json", HTTP_IDEMPOTENCY_KEY="case-1")
    colleague = _client(make_user(Role.REFERRER))
    other_child = colleague.post(
        URL, _body(first_name="Mia"), format="json", HTTP_IDEMPOTENCY_KEY="case-1"
    )
    assert other_child.status_code == 409
    assert other_child["Content-Type"] == "application/problem+json"
    assert first.json()["reference"] not in other_child.text
    assert "Jayden" not in other_child.text
    assert Referral.objects.count() == 1


def test_an_idempotency_key_over_100_characters_is_refused(referrer, coventry_area):
    response = _client(referrer).post(
        URL, _body(first_name=""), format="json", HTTP_IDEMPOTENCY_KEY="k" * 101
    )
    assert response.status_code == 400
    assert {e["field"] for e in response.json()["errors"]} == {"Idempotency-Key", "first_name"}
    assert not Referral.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"first_name": ""}, "first_name", "Enter the person's first name"),
        ({"first_name": 12}, "first_name", "First name must be text"),
        ({"last_name": "x" * 101}, "last_name", "Last name must be 100 characters or fewer"),
        ({"postcode": "CV99"}, "postcode", "Enter a real postcode, like CV1 2AB"),
        ({"date_of_birth": "2011-02-30"}, "date_of_birth", "Date of birth must be a real date"),
        ({"date_of_birth": "14/03/2011"}, "date_of_birth", "Date of birth must be a real date"),
        (
            {"date_of_birth": _years_ago(0, -1)},
            "date_of_birth",
            "Date of birth must be in the past",
        ),
        ({"date_of_birth": _years_ago(9)}, "date_of_birth", "The person must be 10 or older"),
        ({"sex": "x"}, "sex", "Sex must be female or male"),
        ({"ethnicity": "british"}, "ethnicity", "Ethnic group must be one of the 2021 census"),
        ({"concerns": []}, "concerns", "Select at least one concern"),
        ({"concerns": "firearms"}, "concerns", "Concerns must be a list of codes"),
        ({"concerns": ["knives"]}, "concerns.0", "Each concern must be gang_involvement"),
        ({"risk_factors": ["poverty"]}, "risk_factors.0", "Each risk factor must be"),
        ({"immediate_risk": "yes"}, "immediate_risk", "Say whether the person is at immediate"),
        ({"phone": "call me"}, "phone", "Enter a phone number, like 07700 900 982"),
        ({"urgency": None}, "urgency", "Select how urgent the referral is"),
    ],
)
def test_a_bad_answer_is_a_400_problem_naming_the_field(
    referrer, coventry_area, overrides, field, message
):
    response = _client(referrer).post(URL, _body(**overrides), format="json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    errors = response.json()["errors"]
    assert [e["field"] for e in errors] == [field]
    assert errors[0]["message"].startswith(message)
    assert not Referral.objects.exists()


def test_every_missing_answer_is_named_at_once(referrer):
    response = _client(referrer).post(URL, {}, format="json")
    assert response.status_code == 400
    named = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert named == services.REQUIRED_ANSWERS


def test_only_those_who_make_referrals_may_send_one(make_user, coventry_area):
    manager = _client(make_user(Role.PROGRAMME_MANAGER))
    assert manager.post(URL, _body(), format="json").status_code == 403
    assert APIClient().post(URL, _body(), format="json").status_code == 401
    assert not Referral.objects.exists()


# Reading its status.


def test_the_referrer_reads_the_status_and_where_it_was_sent_instead(
    referrer, caseworker, directory
):
    client = _client(referrer)
    sent = client.post(URL, _body(date_of_birth=_years_ago(13)), format="json").json()
    referral = Referral.objects.get(reference=sent["reference"])
    services.referral_signpost(referral=referral, actor=caseworker, service=directory["early_help"])
    response = client.get(sent["status_url"])
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == ReferralStatus.SIGNPOSTED
    assert body["eligibility"] == Eligibility.NOT_ELIGIBLE
    assert body["onward_referral"] == {
        "service": "Early Help",
        "provider": "Coventry City Council",
        "how_to_refer": "Online form",
    }
    assert "Jayden" not in response.text  # the status, not the referral
    viewed = AuditEvent.objects.get(action=AuditAction.REFERRAL_STATUS_VIEWED)
    assert (viewed.actor, viewed.target_id) == (referrer, referral.reference)


def test_someone_elses_referral_is_not_found_and_the_attempt_recorded(
    referrer, make_user, coventry_area
):
    sent = _client(referrer).post(URL, _body(), format="json").json()
    nosy = make_user(Role.REFERRER)
    response = _client(nosy).get(sent["status_url"])
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    denied = AuditEvent.objects.get(action=AuditAction.ACCESS_DENIED)
    assert (denied.actor, denied.target_id) == (nosy, sent["reference"])
    assert _client(referrer).get(f"{URL}/R-0000").status_code == 404  # not a reference


# The queue.


def _refer(referrer, **answers) -> Referral:
    return services.referral_create(actor=referrer, answers=complete_answers(**answers)).referral


def test_the_queue_lists_newest_first_without_names(referrer, caseworker, coventry_area):
    older = _refer(referrer, first_name="Aaliyah", address="1 Hidden Lane, Coventry")
    newer = _refer(referrer, postcode="B6 4AA", urgency="urgent")
    response = _client(caseworker).get(URL)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [r["reference"] for r in body["results"]] == [newer.reference, older.reference]
    assert body["results"][1] == {
        "reference": older.reference,
        "status": "new",
        "eligibility": "eligible",
        "area": {"id": coventry_area.pk, "name": "Coventry"},
        "referring_agency": {
            "id": referrer.agency_id,
            "name": "Coventry City Council",
            "kind": "local_authority",
        },
        "submitted_at": older.submitted_at.isoformat().replace("+00:00", "Z"),
        "urgency": "routine",
        "immediate_risk": False,
    }
    assert body["results"][0]["area"] is None  # out of area
    for private in ("Aaliyah", "Jayden", "Clarke", "Hidden Lane", "2011-03-14"):
        assert private not in response.text


def test_queue_filters_and_pages(referrer, caseworker, coventry_area):
    eligible = _refer(referrer)
    _refer(referrer, postcode="B6 4AA")
    too_young = _refer(referrer, date_of_birth=date(timezone.localdate().year - 13, 1, 1))
    services.referral_decide(referral=eligible, actor=caseworker, decision="accept")
    client = _client(caseworker)

    def references(**query: Any) -> list[str]:
        return [r["reference"] for r in client.get(URL, query).json()["results"]]

    assert references(status="awaiting_triage") == [eligible.reference]
    assert references(eligibility="not_eligible") == [too_young.reference]
    assert references(area=coventry_area.pk, status="new") == [too_young.reference]
    assert len(references()) == 3
    page = client.get(URL, {"limit": 1, "offset": 1}).json()
    assert (page["count"], page["limit"], page["offset"], len(page["results"])) == (3, 1, 1, 1)


@pytest.mark.parametrize(
    ("query", "fields"),
    [
        ({"status": ""}, {"status"}),
        ({"status": "lost", "eligibility": "maybe"}, {"status", "eligibility"}),
        ({"area": "coventry"}, {"area"}),
        ({"limit": "0", "offset": "-1"}, {"limit", "offset"}),
        ({"limit": "501", "area": str(2**64)}, {"limit", "area"}),
    ],
)
def test_a_bad_query_is_a_400_naming_each_field(caseworker, query, fields):
    response = _client(caseworker).get(URL, query)
    assert response.status_code == 400
    assert {e["field"] for e in response.json()["errors"]} == fields


def test_referrers_cannot_list_the_queue(referrer):
    assert _client(referrer).get(URL).status_code == 403
    denied = AuditEvent.objects.get(action=AuditAction.ACCESS_DENIED)
    assert denied.detail == {"reason": "missing_capability", "capability": "work_referrals"}


def test_the_queue_costs_the_same_queries_however_many_referrals(
    referrer, caseworker, coventry_area, police
):
    client = _client(caseworker)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(URL)
            assert response.status_code == 200
        return len(captured)

    _refer(referrer)
    few = count()
    for _ in range(20):
        _refer(referrer, postcode="B6 4AA")
    _refer(caseworker)  # from another agency
    assert count() == few
    assert client.get(URL).json()["count"] == 22


# The contract: real answers, not only fuzzed ones, match the published schema.

schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
APP = get_wsgi_application()
schema.app = APP  # the checks' own probes (a request without a token, say) go to vrhub too


@pytest.fixture
def wsgi_app():
    """The real WSGI application, kept from closing the test's database connection."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield APP
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)


def test_real_answers_keep_to_the_schema(make_user, caseworker, directory, wsgi_app):
    maker = make_user(Role.CASEWORKER)  # makes and works referrals
    headers = {"Authorization": f"Token {_token(maker)}", "Host": "testserver"}
    create = schema["/api/v1/referrals"]["POST"]
    for body in (_body(), _body(date_of_birth=_years_ago(12)), _body(postcode="B6 4AA")):
        for _ in range(2):  # made, then answered again for the same key
            create.Case(
                body=body, headers={"Idempotency-Key": body["postcode"] + body["date_of_birth"]}
            ).call_and_validate(app=wsgi_app, headers=headers)
    signposted = Referral.objects.get(eligibility=Eligibility.NOT_ELIGIBLE)
    services.referral_signpost(
        referral=signposted, actor=caseworker, service=directory["early_help"]
    )
    status = schema["/api/v1/referrals/{reference}"]["GET"]
    for referral in Referral.objects.all():
        status.Case(path_parameters={"reference": referral.reference}).call_and_validate(
            app=wsgi_app, headers=headers
        )
    listing = schema["/api/v1/referrals"]["GET"]
    response = listing.Case(query={"limit": 10}).call_and_validate(app=wsgi_app, headers=headers)
    assert len(response.json()["results"]) == 3
