"""Disruption: police only, for a criminally active adult who refused the CIRV offer, and
invisible to everyone outside the police: no page, link, count or audit row gives it away."""

from __future__ import annotations

import pytest
from django.urls import reverse
from knox.models import AuthToken
from rest_framework.test import APIClient

from vrhub.accounts.models import Role
from vrhub.accounts.permissions import DISRUPTION_TARGET
from vrhub.audit.models import AuditAction, AuditEvent
from vrhub.cases import services
from vrhub.cases.models import DisruptionPlan
from vrhub.cases.pathway import Step
from vrhub.cases.tests.factories import adult_birth_date
from vrhub.cases.tests.quick import decline_offer

pytestmark = pytest.mark.django_db

BASIS = "Intelligence report 4471: supplying knives"


def _page(case) -> str:
    return reverse("cases:disruption", kwargs={"reference": case.reference})


def _close(case, plan) -> str:
    return reverse(
        "cases:disruption-close", kwargs={"reference": case.reference, "plan_id": plan.pk}
    )


@pytest.fixture
def refused_adult(make_case, caseworker):
    case = make_case(Step.OFFER, date_of_birth=adult_birth_date(20))
    decline_offer(case, caseworker)
    case.refresh_from_db()
    return case


@pytest.fixture
def plan(refused_adult, caseworker) -> DisruptionPlan:
    return services.disruption_open(
        case=refused_adult,
        actor=caseworker,
        basis=BASIS,
        actions="Stop and search; licensing visits",
        criminally_active=True,
    )


def _disruption_events():
    return AuditEvent.objects.filter(target_type=DISRUPTION_TARGET)


def test_a_police_caseworker_opens_a_plan_for_an_adult_who_refused_the_offer(
    client_for, caseworker, refused_adult
):
    client = client_for(caseworker)
    form = client.get(_page(refused_adult))
    assert form.status_code == 200
    assert "Open a disruption plan" in form.text
    response = client.post(
        _page(refused_adult),
        {"criminally_active": "on", "basis": BASIS, "actions": "Stop and search"},
    )
    assert response.status_code == 302
    plan = DisruptionPlan.objects.get(case=refused_adult)
    assert plan.opened_by == caseworker
    assert plan.closed_on is None
    assert _disruption_events().filter(action=AuditAction.DISRUPTION_OPENED).count() == 1


def test_opening_needs_the_confirmation_a_basis_and_actions(client_for, caseworker, refused_adult):
    response = client_for(caseworker).post(_page(refused_adult), {})
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "Confirm that police record the person as criminally active" in response.text
    assert "Describe the disruption actions" in response.text
    assert not DisruptionPlan.objects.exists()


def test_a_police_caseworker_sees_the_plans_and_each_look_is_recorded(
    client_for, caseworker, refused_adult, plan
):
    response = client_for(caseworker).get(_page(refused_adult))
    assert BASIS in response.text
    assert "Open a disruption plan" not in response.text  # one is open already
    viewed = _disruption_events().get(action=AuditAction.DISRUPTION_VIEWED)
    assert viewed.actor == caseworker
    assert viewed.person_id == refused_adult.referral.reference


def test_a_police_panel_member_may_work_disruption_too(
    client_for, make_user, police, refused_adult, plan
):
    member = make_user(Role.TRIAGE_PANEL_MEMBER, agency=police)
    assert BASIS in client_for(member).get(_page(refused_adult)).text


def test_disruption_is_refused_for_someone_under_18(client_for, caseworker, make_case):
    child = make_case(Step.OFFER)  # aged 15
    decline_offer(child, caseworker)
    client = client_for(caseworker)
    page = client.get(_page(child))
    assert "Disruption is only for people aged 18 or over" in page.text
    assert "Open a disruption plan" not in page.text
    client.post(_page(child), {"criminally_active": "on", "basis": BASIS, "actions": "Patrols"})
    assert not DisruptionPlan.objects.exists()


def test_disruption_is_refused_for_someone_who_did_not_refuse_the_offer(
    client_for, caseworker, make_case
):
    engaged = make_case(Step.MOMENT, date_of_birth=adult_birth_date(22))
    page = client_for(caseworker).get(_page(engaged))
    assert "Disruption is only for people who refused the CIRV offer" in page.text


def test_a_police_caseworker_closes_a_plan(client_for, caseworker, refused_adult, plan):
    response = client_for(caseworker).post(_close(refused_adult, plan))
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.closed_on is not None
    assert _disruption_events().filter(action=AuditAction.DISRUPTION_CLOSED).exists()


@pytest.fixture
def outsiders(make_user, mentor):
    """Everyone outside the police who might stumble on a plan."""
    return {
        "caseworker": make_user(Role.CASEWORKER),
        "programme manager": make_user(Role.PROGRAMME_MANAGER),
        "mentor": mentor,
        "scrutiny member": make_user(Role.SCRUTINY_MEMBER),
        "data protection officer": make_user(Role.DATA_PROTECTION_OFFICER),
    }


def test_outside_the_police_the_page_is_the_same_404_as_a_case_that_does_not_exist(
    client_for, outsiders, refused_adult, plan
):
    for who, user in outsiders.items():
        client = client_for(user)
        response = client.get(_page(refused_adult))
        missing = client.get(reverse("cases:disruption", kwargs={"reference": "C-ZZZZZZZZ"}))
        assert response.status_code == missing.status_code == 404, who
        assert BASIS not in response.text, who
        assert "isruption" not in response.text, who
        refusals = AuditEvent.objects.filter(action=AuditAction.ACCESS_DENIED, actor=user)
        assert [(e.target_type, e.detail) for e in refusals] == [
            ("case", {"reason": "out_of_scope"}),
            ("case", {"reason": "out_of_scope"}),
        ], who


def test_outside_the_police_a_post_opens_or_closes_nothing(
    client_for, outsiders, refused_adult, plan
):
    client = client_for(outsiders["caseworker"])
    opened = client.post(
        _page(refused_adult), {"criminally_active": "on", "basis": "x", "actions": "y"}
    )
    closed = client.post(_close(refused_adult, plan))
    assert opened.status_code == closed.status_code == 404
    assert DisruptionPlan.objects.count() == 1
    plan.refresh_from_db()
    assert plan.closed_on is None
    assert not _disruption_events().filter(actor=outsiders["caseworker"]).exists()


def test_no_page_of_the_list_or_the_figures_shows_a_trace_of_a_plan(
    client_for, outsiders, refused_adult, plan
):
    entry = refused_adult.at_risk_entries.get()
    pages = {
        "caseworker": [
            reverse("cases:detail", kwargs={"reference": refused_adult.reference}),
            reverse("cases:at-risk"),
            reverse("cases:at-risk-entry", kwargs={"entry_id": entry.pk}),
        ],
        "programme manager": [reverse("cases:at-risk"), reverse("cases:programme")],
        "scrutiny member": [reverse("cases:programme")],
    }
    for who, urls in pages.items():
        client = client_for(outsiders[who])
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (who, url)
            assert "isruption" not in response.text, (who, url)
            assert _page(refused_adult) not in response.text, (who, url)


def test_the_host_data_protection_officer_finds_no_trace_of_a_plan_in_the_trail(
    client_for, outsiders, refused_adult, plan, caseworker
):
    client_for(caseworker).get(_page(refused_adult))  # a police look at the plan
    officer = outsiders["data protection officer"]
    person = refused_adult.referral.reference
    page = client_for(officer).get(reverse("audit:trail"), {"person": person})
    events = list(page.context["page"].object_list)
    assert events, "the person's other events are in the trail"
    assert not [e for e in events if e.target_type == DISRUPTION_TARGET]
    assert not [e for e in events if e.action.startswith("disruption.")]
    assert BASIS not in page.text

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {AuthToken.objects.create(user=officer)[1]}")
    every = api.get("/api/v1/audit-events", {"limit": 500}).json()["results"]
    assert every
    assert not [e for e in every if e["target_type"] == DISRUPTION_TARGET]
    assert not [e for e in every if e["action"].startswith("disruption.")]
    asked = api.get("/api/v1/audit-events", {"action": AuditAction.DISRUPTION_OPENED}).json()
    assert asked["count"] == 0


def test_a_police_caseworker_sees_the_trace_the_others_do_not(
    client_for, caseworker, refused_adult, plan
):
    client = client_for(caseworker)
    case_page = client.get(reverse("cases:detail", kwargs={"reference": refused_adult.reference}))
    assert _page(refused_adult) in case_page.text  # the link, for police only
    client.get(_page(refused_adult))
    assert set(_disruption_events().values_list("action", flat=True)) == {
        AuditAction.DISRUPTION_OPENED,
        AuditAction.DISRUPTION_VIEWED,
    }
