"""The mentor's pages: only the people assigned to them, and only what a mentor needs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from vrhub.accounts.models import Role
from vrhub.accounts.tests.factories import UserFactory
from vrhub.audit.models import AuditAction, AuditEvent
from vrhub.cases import services
from vrhub.cases.models import Case, Contact
from vrhub.cases.pathway import Step
from vrhub.referrals.models import RiskFactor

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_mentor(st_giles):
    return UserFactory(agency=st_giles, roles=[Role.MENTOR], full_name="Omar Other-Mentor")


def _assign(case: Case, caseworker, mentor) -> Case:
    services.mentor_assign(
        case=case,
        actor=caseworker,
        mentor=mentor,
        starts_on=timezone.localdate(),
        expected_version=None,
    )
    return case


def test_a_mentor_sees_only_the_people_assigned_to_them(
    make_case, caseworker, mentor, other_mentor, client_for
):
    mine = _assign(make_case(Step.RELATIONSHIP, first_name="Jayden"), caseworker, mentor)
    _assign(make_case(Step.RELATIONSHIP, first_name="Kyle"), caseworker, other_mentor)
    make_case(Step.MOMENT, first_name="Liam")  # no mentor yet
    response = client_for(mentor).get(reverse("cases:mentees"))
    assert response.status_code == 200
    assert [row.case for row in response.context["rows"]] == [mine]
    assert "Jayden" in response.text
    assert "Clarke" in response.text
    assert "Kyle" not in response.text
    assert "Liam" not in response.text
    assert "5. Relationship building" in response.text


def test_a_mentor_no_longer_assigned_loses_the_person(
    make_case, caseworker, mentor, other_mentor, client_for
):
    case = _assign(make_case(Step.RELATIONSHIP), caseworker, mentor)
    _assign(case, caseworker, other_mentor)
    client = client_for(mentor)
    assert client.get(reverse("cases:mentees")).context["rows"] == []
    assert client.get(reverse("cases:mentee", args=[case.reference])).status_code == 404


def test_the_mentee_page_shows_what_a_mentor_needs_and_nothing_more(
    make_case, caseworker, mentor, client_for
):
    case = make_case(
        Step.RELATIONSHIP,
        phone="07700 900123",
        concern_details="Seen with a machete outside the chip shop",
        risk_factors=[RiskFactor.EXCLUSION],
    )
    _assign(case, caseworker, mentor)
    services.goal_set(
        case=case,
        actor=caseworker,
        domain="ete",
        description="Join the boxing club",
        target_on=None,
    )
    services.contact_log(
        case=case,
        actor=caseworker,
        method="phone",
        occurred_on=timezone.localdate(),
        duration_minutes=5,
        note="Caseworker's own note about the family",
    )
    response = client_for(mentor).get(reverse("cases:mentee", args=[case.reference]))
    assert response.status_code == 200
    text = response.text
    assert "Jayden Clarke" in text
    assert "07700 900123" in text
    assert "Join the boxing club" in text
    assert "Log a contact" in text
    for hidden in [
        "machete",  # concern details
        "Carrying a knife",  # concerns
        "Excluded from school",  # risk factors
        "West Midlands Police",  # the referring agency
        case.referral.reference,
        "at-risk",
        "At-risk",
        "Disruption",
        "Caseworker's own note",  # another worker's contact notes
    ]:
        assert hidden not in text, hidden


def test_reading_a_mentee_is_audited_as_the_mentors_view(make_case, caseworker, mentor, client_for):
    case = _assign(make_case(Step.RELATIONSHIP), caseworker, mentor)
    client_for(mentor).get(reverse("cases:mentee", args=[case.reference]))
    viewed = AuditEvent.objects.get(action=AuditAction.CASE_VIEWED)
    assert (viewed.actor, viewed.person_id, viewed.detail) == (
        mentor,
        case.referral.reference,
        {"view": "mentor"},
    )


def test_a_mentor_asking_for_someone_elses_mentee_gets_an_audited_404(
    make_case, caseworker, mentor, other_mentor, client_for
):
    case = _assign(make_case(Step.RELATIONSHIP), caseworker, other_mentor)
    client = client_for(mentor)
    assert client.get(reverse("cases:mentee", args=[case.reference])).status_code == 404
    posted = client.post(
        reverse("cases:mentee-contact", args=[case.reference]), {"contact-method": "phone"}
    )
    assert posted.status_code == 404
    denied = AuditEvent.objects.filter(action=AuditAction.ACCESS_DENIED, actor=mentor)
    assert denied.count() == 2
    assert denied.first().detail == {"reason": "not_their_mentee"}
    assert not Contact.objects.filter(case=case, recorded_by=mentor).exists()


def test_a_mentor_cannot_open_the_whole_case(make_case, caseworker, mentor, client_for):
    case = _assign(make_case(Step.RELATIONSHIP), caseworker, mentor)
    assert client_for(mentor).get(reverse("cases:detail", args=[case.reference])).status_code == 403


def test_a_mentor_logs_a_contact(make_case, caseworker, mentor, client_for):
    case = _assign(make_case(Step.RELATIONSHIP), caseworker, mentor)
    client = client_for(mentor)
    yesterday = timezone.localdate() - timedelta(days=1)
    response = client.post(
        reverse("cases:mentee-contact", args=[case.reference]),
        {
            "contact-method": "face_to_face",
            "contact-occurred_on_0": yesterday.day,
            "contact-occurred_on_1": yesterday.month,
            "contact-occurred_on_2": yesterday.year,
            "contact-duration_minutes": "60",
            "contact-note": "Gym session",
        },
    )
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert "Contact logged" in page.text
    assert "Gym session" in page.text
    case.refresh_from_db()
    assert case.last_successful_contact_on == yesterday


def test_a_mentors_contact_dated_in_the_future_is_refused(
    make_case, caseworker, mentor, client_for
):
    case = _assign(make_case(Step.RELATIONSHIP), caseworker, mentor)
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client_for(mentor).post(
        reverse("cases:mentee-contact", args=[case.reference]),
        {
            "contact-method": "phone",
            "contact-occurred_on_0": tomorrow.day,
            "contact-occurred_on_1": tomorrow.month,
            "contact-occurred_on_2": tomorrow.year,
            "contact-note": "Planned call",
        },
    )
    assert response.status_code == 400
    assert "There is a problem" in response.text
    assert "The date of the contact must be today or in the past" in response.text
    assert "Planned call</textarea>" in response.text
    assert not Contact.objects.filter(case=case, recorded_by=mentor).exists()


def test_only_mentors_have_mentees(caseworker, client_for):
    assert client_for(caseworker).get(reverse("cases:mentees")).status_code == 403
