"""'Your cases': the caseworker's open cases, what needs attention, by step."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from vrhub.accounts.models import Role
from vrhub.accounts.tests.factories import UserFactory
from vrhub.cases import services
from vrhub.cases.models import Case
from vrhub.cases.pathway import Step

pytestmark = pytest.mark.django_db


def _mine(client, **query):
    return client.get(reverse("cases:mine"), query)


def _rows(response) -> dict[str, object]:
    return {row.case.reference: row for row in response.context["rows"]}


def test_a_caseworker_sees_their_open_cases_with_step_and_time_in_step(
    make_case, caseworker, client_for, police
):
    mine = make_case(Step.MOMENT)
    someone_else = UserFactory(agency=police, roles=[Role.CASEWORKER])
    theirs = make_case(Step.MOMENT)
    Case.objects.filter(pk=theirs.pk).update(caseworker=someone_else)
    Case.objects.filter(pk=mine.pk).update(step_entered_at=timezone.now() - timedelta(days=9))
    response = _mine(client_for(caseworker))
    assert response.status_code == 200
    assert list(_rows(response)) == [mine.reference]
    assert "Jayden Clarke" in response.text
    assert "4. Teachable or reachable moment" in response.text
    assert "9 days" in response.text


def test_cases_that_need_attention_are_flagged(make_case, caseworker, client_for):
    quiet = make_case(Step.RELATIONSHIP)
    Case.objects.filter(pk=quiet.pk).update(
        last_successful_contact_on=timezone.localdate() - timedelta(days=20)
    )
    never = make_case(Step.RELATIONSHIP)
    Case.objects.filter(pk=never.pk).update(opened_at=timezone.now() - timedelta(days=30))
    early = make_case(Step.MOMENT)  # before relationship building: no contact expected yet
    Case.objects.filter(pk=early.pk).update(opened_at=timezone.now() - timedelta(days=30))
    overdue = make_case(Step.PROGRESS)
    Case.objects.filter(pk=overdue.pk).update(
        next_review_on=timezone.localdate() - timedelta(days=1),
        last_successful_contact_on=timezone.localdate(),
    )
    offered = make_case(Step.OFFER)
    services.offer_make(
        case=offered,
        actor=caseworker,
        made_on=timezone.localdate() - timedelta(days=13),
        method="phone",
        expected_version=None,
    )
    response = _mine(client_for(caseworker))
    flags = {ref: [f.text for f in row.flags] for ref, row in _rows(response).items()}
    assert flags[quiet.reference] == ["No successful contact for 20 days"]
    assert flags[never.reference] == ["No successful contact for 30 days"]
    assert flags[early.reference] == []
    assert flags[overdue.reference] == ["Review overdue"]
    assert flags[offered.reference] == ["Offer answer due"]
    assert "No successful contact for 20 days" in response.text
    offered.refresh_from_db()
    assert f"Offer answer by {offered.offer_respond_by:%-d %b %Y}" in response.text
    only_flagged = _mine(client_for(caseworker), flagged="1")
    assert set(_rows(only_flagged)) == {
        quiet.reference,
        never.reference,
        overdue.reference,
        offered.reference,
    }


def test_the_list_filters_by_step(make_case, caseworker, client_for):
    at_offer = make_case(Step.OFFER)
    at_moment = make_case(Step.MOMENT)
    client = client_for(caseworker)
    response = _mine(client, step="4")
    assert list(_rows(response)) == [at_moment.reference]
    tabs = {number: count for number, _, count in response.context["tabs"]}
    assert tabs[3] == 1
    assert tabs[4] == 1
    assert tabs[5] == 0
    everything = _mine(client, step="nonsense")
    assert set(_rows(everything)) == {at_offer.reference, at_moment.reference}


def test_closed_cases_are_not_in_the_list(make_case, caseworker, client_for):
    case = make_case(Step.MOMENT)
    services.case_close(
        case=case,
        actor=caseworker,
        reason="moved_out_of_area",
        placement_outcome="",
        follow_up_on=None,
        note="",
        expected_version=None,
    )
    assert _rows(_mine(client_for(caseworker))) == {}


def test_the_list_costs_the_same_queries_for_3_cases_as_for_30(make_case, caseworker, client_for):
    client = client_for(caseworker)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert _mine(client).status_code == 200
        return len(captured)

    for n in range(3):
        make_case(Step.MOMENT if n % 2 else Step.OFFER)
    few = count()
    for n in range(27):
        make_case(Step.MOMENT if n % 2 else Step.OFFER)
    assert len(_mine(client).context["rows"]) == 30
    assert count() == few


def test_the_list_is_for_the_cirv_team(mentor, client_for, manager):
    assert _mine(client_for(mentor)).status_code == 403
    assert _mine(client_for(manager)).status_code == 200
