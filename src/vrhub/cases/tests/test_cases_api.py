"""The pathway API: cases, their moves (refused with a 409 when the case changed since it was
read) and contacts, the at-risk list and the programme figures, every error a problem."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from vrhub.accounts.models import Role
from vrhub.audit.models import AuditAction, AuditEvent
from vrhub.cases import services
from vrhub.cases.models import AtRiskEntry, AtRiskShare, Contact
from vrhub.cases.pathway import Step
from vrhub.cases.tests.quick import decline_offer, quick_case, quick_listed

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def _client(user) -> APIClient:
    client = APIClient()
    _, key = AuthToken.objects.create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def _case_url(case, tail: str = "") -> str:
    return f"/api/v1/cases/{case.reference}{tail}"


# Cases.


def test_the_case_list_filters_by_step_open_and_my_cases_without_names(
    caseworker, manager, make_case, make_user
):
    # Names no generated staff member could have, so their absence means something.
    at_offer = make_case(Step.OFFER, first_name="Xanthippe", last_name="Quorrington")
    at_moment = make_case(Step.MOMENT, first_name="Ben")
    closed = make_case(Step.OFFER, first_name="Cal")
    decline_offer(closed, caseworker)
    services.caseworker_assign(
        case=at_moment,
        actor=manager,
        caseworker=make_user(Role.CASEWORKER),
        expected_version=at_moment.version,
    )
    client = _client(caseworker)

    def references(query: dict[str, str]) -> set[str]:
        response = client.get("/api/v1/cases", query)
        assert response.status_code == 200, response.json()
        return {case["reference"] for case in response.json()["results"]}

    assert references({}) == {at_offer.reference, at_moment.reference, closed.reference}
    assert references({"step": "4"}) == {at_moment.reference}
    assert references({"open": "true"}) == {at_offer.reference, at_moment.reference}
    assert references({"open": "false"}) == {closed.reference}
    assert references({"caseworker": "me"}) == {at_offer.reference, closed.reference}
    page = client.get("/api/v1/cases", {"limit": 1, "offset": 1}).json()
    assert page["count"] == 3
    assert len(page["results"]) == 1
    listing = client.get("/api/v1/cases").content.decode()
    assert "Xanthippe" not in listing
    assert "Quorrington" not in listing


@pytest.mark.parametrize(
    ("query", "fields"),
    [
        ({"step": "2"}, {"step"}),
        ({"open": "yes"}, {"open"}),
        ({"caseworker": "someone"}, {"caseworker"}),
        ({"limit": "0", "offset": "-1"}, {"limit", "offset"}),
    ],
)
def test_a_bad_case_query_is_a_problem_naming_each_field(caseworker, query, fields):
    response = _client(caseworker).get("/api/v1/cases", query)
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert {e["field"] for e in response.json()["errors"]} == fields


def test_reading_a_case_shows_the_person_and_is_recorded(caseworker, make_case):
    case = make_case(Step.OFFER)
    response = _client(caseworker).get(_case_url(case))
    assert response.status_code == 200
    body = response.json()
    assert body["person"]["first_name"] == "Jayden"
    assert body["version"] == case.version
    assert body["moves_url"].endswith(_case_url(case, "/moves"))
    event = AuditEvent.objects.filter(action=AuditAction.CASE_VIEWED).latest("id")
    assert event.detail == {"view": "api"}
    assert event.person_id == case.referral.reference


def test_a_case_that_does_not_exist_is_a_404_problem(caseworker):
    response = _client(caseworker).get("/api/v1/cases/C-ZZZZZZZZ")
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM
    assert AuditEvent.objects.filter(action=AuditAction.ACCESS_DENIED).exists()


def test_people_outside_the_cirv_team_cannot_read_cases(make_user, make_case):
    case = make_case(Step.OFFER)
    response = _client(make_user(Role.REFERRER)).get(_case_url(case))
    assert response.status_code == 403
    assert response["Content-Type"] == PROBLEM


# Moves.


def test_a_move_returns_the_move_and_the_case_s_new_version(caseworker, make_case):
    case = make_case(Step.MOMENT)
    response = _client(caseworker).post(
        _case_url(case, "/moves"),
        {"to_step": 5, "expected_version": case.version},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["move"]["to_step"] == 5
    assert body["move"]["kind"] == "forward"
    assert body["case"]["step"] == 5
    assert body["case"]["version"] == case.version + 1
    timeline = _client(caseworker).get(_case_url(case, "/moves")).json()
    assert [m["to_step"] for m in timeline] == [1, 2, 3, 4, 5]


def test_a_move_from_an_old_version_is_a_409_naming_who_changed_the_case(
    caseworker, manager, make_case
):
    case = make_case(Step.MOMENT)
    seen = case.version
    services.case_move(
        case=case, actor=manager, to_step=Step.RELATIONSHIP, reason="", expected_version=seen
    )
    response = _client(caseworker).post(
        _case_url(case, "/moves"), {"to_step": 6, "expected_version": seen}, format="json"
    )
    assert response.status_code == 409
    assert response["Content-Type"] == PROBLEM
    assert "changed by Priya Programme-Manager" in response.json()["detail"]


def test_a_move_the_pathway_refuses_is_a_problem_saying_why_at_its_field(caseworker, make_case):
    case = make_case(Step.MOMENT)
    client = _client(caseworker)
    jump = client.post(
        _case_url(case, "/moves"), {"to_step": 7, "expected_version": case.version}, format="json"
    )
    assert jump.status_code == 400
    assert jump["Content-Type"] == PROBLEM
    [error] = jump.json()["errors"]
    assert error["field"] == "to_step"
    assert "cannot move from Teachable or reachable moment to Sequencing" in error["message"]
    case = make_case(Step.RELATIONSHIP)
    back = client.post(
        _case_url(case, "/moves"), {"to_step": 4, "expected_version": case.version}, format="json"
    )
    assert back.json()["errors"] == [
        {"field": "reason", "message": "Say why the case needs to move back"}
    ]


def test_a_move_must_say_the_step_and_version_as_numbers(caseworker, make_case):
    case = make_case(Step.MOMENT)
    response = _client(caseworker).post(
        _case_url(case, "/moves"), {"to_step": "5", "reason": 3}, format="json"
    )
    assert response.status_code == 400
    assert {e["field"] for e in response.json()["errors"]} == {
        "to_step",
        "reason",
        "expected_version",
    }


# Contacts.


def test_the_cirv_team_logs_and_reads_contacts(caseworker, make_case):
    case = make_case(Step.RELATIONSHIP)
    client = _client(caseworker)
    today = timezone.localdate()
    response = client.post(
        _case_url(case, "/contacts"),
        {"method": "phone", "occurred_on": today.isoformat(), "duration_minutes": 20},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["successful"] is True
    assert response.json()["recorded_by"]["full_name"] == "Callum Caseworker"
    listing = client.get(_case_url(case, "/contacts")).json()
    assert listing["count"] == 1
    assert listing["results"][0]["method"] == "phone"
    assert AuditEvent.objects.filter(
        action=AuditAction.CASE_VIEWED, detail__view="api_contacts"
    ).exists()


def test_a_mentor_logs_contacts_for_their_mentees_only(caseworker, mentor, make_case, st_giles):
    from vrhub.accounts.tests.factories import UserFactory

    mentee = make_case(Step.PROGRESS)  # assigned to the mentor on the way
    other = make_case(Step.RELATIONSHIP)
    client = _client(mentor)
    body = {"method": "face_to_face", "occurred_on": timezone.localdate().isoformat()}
    assert client.post(_case_url(mentee, "/contacts"), body, format="json").status_code == 201
    assert client.get(_case_url(mentee, "/contacts")).json()["count"] == 2
    refused = client.post(_case_url(other, "/contacts"), body, format="json")
    assert refused.status_code == 404
    assert refused["Content-Type"] == PROBLEM
    another = UserFactory(agency=st_giles, roles=[Role.MENTOR])
    assert _client(another).get(_case_url(mentee, "/contacts")).status_code == 404
    assert Contact.objects.filter(case=other).count() == 0


def test_a_contact_in_the_future_or_on_a_closed_case_is_refused(caseworker, make_case):
    case = make_case(Step.RELATIONSHIP)
    client = _client(caseworker)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    future = client.post(
        _case_url(case, "/contacts"), {"method": "phone", "occurred_on": tomorrow}, format="json"
    )
    assert future.status_code == 400
    assert future.json()["errors"] == [
        {"field": "occurred_on", "message": "The date of the contact must be today or in the past"}
    ]
    closed = make_case(Step.OFFER)
    decline_offer(closed, caseworker)
    on_closed = client.post(
        _case_url(closed, "/contacts"),
        {"method": "phone", "occurred_on": timezone.localdate().isoformat()},
        format="json",
    )
    assert on_closed.status_code == 400
    assert "This case is closed" in on_closed.json()["errors"][0]["message"]


def test_people_who_neither_work_cases_nor_mentor_cannot_reach_contacts(make_user, make_case):
    case = make_case(Step.OFFER)
    response = _client(make_user(Role.SCRUTINY_MEMBER)).get(_case_url(case, "/contacts"))
    assert response.status_code == 403
    denied = AuditEvent.objects.get(action=AuditAction.ACCESS_DENIED)
    assert denied.detail["capability"] == "work_cases"


# The at-risk list.


def test_the_at_risk_list_shows_current_entries_and_every_read_is_recorded(
    caseworker, manager, make_case
):
    listed = decline_offer(make_case(Step.OFFER, first_name="Ada"), caseworker)
    gone = decline_offer(make_case(Step.OFFER, first_name="Gone"), caseworker)
    assert listed is not None
    assert gone is not None
    today = timezone.localdate()
    AtRiskEntry.objects.filter(pk=gone.pk).update(
        added_on=today - timedelta(days=100), review_on=today - timedelta(days=1)
    )
    # Names leave vrhub through the API only for those who govern the list.
    assert _client(caseworker).get("/api/v1/at-risk").status_code == 403
    response = _client(manager).get("/api/v1/at-risk")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    [entry] = body["results"]
    assert entry["case"] == listed.case.reference
    assert entry["name"] == "Ada Clarke"
    assert entry["reason"] == "offer_declined"
    assert entry["review_due"] is False
    event = AuditEvent.objects.get(action=AuditAction.AT_RISK_LIST_SHARED)
    assert (event.actor, event.detail) == (manager, {"entries": 1, "redacted": False})
    assert AtRiskShare.objects.get().recipient == f"API client of {manager.full_name}"


# Programme figures.


def test_programme_figures_are_exact_for_managers_and_suppressed_for_scrutiny(
    manager, make_user, caseworker, coventry_area
):
    for _ in range(6):
        quick_case(actor=caseworker, area=coventry_area)
    quick_listed(actor=caseworker, area=coventry_area)
    exact = _client(manager).get("/api/v1/programme/summary").json()
    assert exact["exact"] is True
    assert exact["referrals_to_date"] == {"value": 7, "shown": "7", "suppressed": False}
    assert exact["on_at_risk_list"]["value"] == 1
    scrutiny = _client(make_user(Role.SCRUTINY_MEMBER)).get("/api/v1/programme/summary").json()
    assert scrutiny["exact"] is False
    assert scrutiny["being_worked_with"]["value"] == 6
    assert scrutiny["on_at_risk_list"] == {
        "value": None,
        "shown": "fewer than 5",
        "suppressed": True,
    }
    assert (
        AuditEvent.objects.filter(
            action=AuditAction.PROGRAMME_FIGURES_VIEWED, detail__view="api"
        ).count()
        == 2
    )


def test_a_programme_period_that_ends_before_it_starts_is_a_problem(manager):
    response = _client(manager).get(
        "/api/v1/programme/summary", {"start": "2026-05-02", "end": "2026-05-01"}
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "end"


def test_the_case_list_costs_the_same_queries_for_3_or_30_cases(make_user, coventry_area):
    worker = make_user(Role.CASEWORKER)
    client = _client(worker)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/v1/cases").status_code == 200
        return len(captured)

    for _ in range(3):
        quick_case(actor=worker, area=coventry_area)
    few = queries()
    for number in range(27):
        quick_case(
            actor=make_user(Role.CASEWORKER) if number % 3 else worker,
            area=coventry_area if number % 2 else None,
        )
    assert queries() == few
    assert client.get("/api/v1/cases").json()["count"] == 30


def test_a_mentor_reads_only_the_contacts_they_logged(make_case, caseworker, mentor):
    case = make_case(Step.PROGRESS)
    services.contact_log(
        case=case,
        actor=caseworker,
        method="phone",
        occurred_on=timezone.localdate(),
        duration_minutes=10,
        note="Spoke to the school about exclusion",
    )
    body = _client(mentor).get(f"/api/v1/cases/{case.reference}/contacts").json()
    assert body["count"] == 1
    assert [c["note"] for c in body["results"]] == ["First meeting"]
    assert _client(caseworker).get(f"/api/v1/cases/{case.reference}/contacts").json()["count"] == 2
