"""Caseloads: the programme manager sees every caseworker's load and gives cases to others."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from vrhub.accounts.models import Role
from vrhub.accounts.tests.factories import UserFactory
from vrhub.audit.models import AuditAction, AuditEvent
from vrhub.cases import services
from vrhub.cases.models import Case
from vrhub.cases.pathway import Step

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague(police):
    return UserFactory(agency=police, roles=[Role.CASEWORKER], full_name="Chloe Colleague")


def test_the_manager_sees_open_cases_by_step_for_each_caseworker(
    make_case, caseworker, colleague, manager, client_for
):
    make_case(Step.OFFER)
    make_case(Step.MOMENT)
    quiet = make_case(Step.RELATIONSHIP)
    Case.objects.filter(pk=quiet.pk).update(opened_at=timezone.now() - timedelta(days=40))
    nobodys = make_case(Step.MOMENT)
    Case.objects.filter(pk=nobodys.pk).update(caseworker=None)
    response = client_for(manager).get(reverse("cases:caseloads"))
    assert response.status_code == 200
    loads = {load.caseworker.full_name: load for load in response.context["loads"]}
    assert loads["Callum Caseworker"].steps == [1, 1, 1, 0, 0, 0]
    assert loads["Callum Caseworker"].total == 3
    assert loads["Callum Caseworker"].no_contact == 1
    assert loads["Chloe Colleague"].total == 0  # every caseworker is listed, even with no cases
    assert response.context["nobody"].total == 1
    assert f'href="{reverse("cases:mine")}?caseworker={caseworker.pk}"' in response.text
    assert f'href="{reverse("cases:mine")}?caseworker=none"' in response.text


def test_the_manager_sees_one_caseworkers_cases_and_those_nobody_has(
    make_case, caseworker, manager, client_for
):
    theirs = make_case(Step.MOMENT)
    nobodys = make_case(Step.OFFER)
    Case.objects.filter(pk=nobodys.pk).update(caseworker=None)
    client = client_for(manager)
    listed = client.get(reverse("cases:mine"), {"caseworker": caseworker.pk})
    assert "Cases of Callum Caseworker" in listed.text
    assert [row.case for row in listed.context["rows"]] == [theirs]
    assert "Reassign" in listed.text
    unassigned = client.get(reverse("cases:mine"), {"caseworker": "none"})
    assert "Cases with no caseworker" in unassigned.text
    assert [row.case for row in unassigned.context["rows"]] == [nobodys]


def test_a_caseworker_cannot_look_at_anothers_caseload(
    make_case, caseworker, colleague, client_for
):
    make_case(Step.MOMENT)
    response = client_for(colleague).get(reverse("cases:mine"), {"caseworker": caseworker.pk})
    assert "Your cases" in response.text
    assert response.context["rows"] == []
    assert client_for(colleague).get(reverse("cases:caseloads")).status_code == 403


def test_the_manager_reassigns_a_case(make_case, caseworker, colleague, manager, client_for):
    case = make_case(Step.MOMENT)
    client = client_for(manager)
    url = reverse("cases:reassign", args=[case.reference])
    form = client.get(url)
    assert form.status_code == 200
    assert "Chloe Colleague, West Midlands Police" in form.text
    assert AuditEvent.objects.filter(
        action=AuditAction.CASE_VIEWED, person_id=case.referral.reference
    ).exists()
    back = f"{reverse('cases:mine')}?caseworker={caseworker.pk}"
    response = client.post(
        url, {"caseworker": colleague.pk, "expected_version": case.version, "next": back}
    )
    assert response.status_code == 302
    assert response["Location"] == back
    case.refresh_from_db()
    assert case.caseworker == colleague
    assert f"{case.reference} is now with Chloe Colleague" in client.get(back).text
    assert AuditEvent.objects.filter(action=AuditAction.CASE_REASSIGNED).count() == 1


def test_reassigning_refuses_the_same_caseworker_and_an_old_page(
    make_case, caseworker, colleague, manager, client_for
):
    case = make_case(Step.MOMENT)
    client = client_for(manager)
    url = reverse("cases:reassign", args=[case.reference])
    same = client.post(url, {"caseworker": caseworker.pk, "expected_version": case.version})
    assert same.status_code == 200
    assert "Callum Caseworker already has this case" in same.text
    seen = case.version
    services.case_move(
        case=case, actor=caseworker, to_step=Step.RELATIONSHIP, reason="", expected_version=seen
    )
    stale = client.post(url, {"caseworker": colleague.pk, "expected_version": seen})
    assert "This case was changed by Callum Caseworker on" in stale.text
    case.refresh_from_db()
    assert case.caseworker == caseworker


def test_an_external_redirect_after_reassigning_is_ignored(
    make_case, colleague, manager, client_for
):
    case = make_case(Step.MOMENT)
    response = client_for(manager).post(
        reverse("cases:reassign", args=[case.reference]),
        {
            "caseworker": colleague.pk,
            "expected_version": case.version,
            "next": "https://evil.example/",
        },
    )
    assert response["Location"] == reverse("cases:caseloads")
