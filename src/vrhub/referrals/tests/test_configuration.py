"""The programme manager sets each area's eligibility rules and keeps the services directory."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from vrhub.accounts.models import Role
from vrhub.audit.models import AuditAction, AuditEvent
from vrhub.referrals import services
from vrhub.referrals.models import Concern, Eligibility, Service
from vrhub.referrals.tests.factories import complete_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(make_user):
    return make_user(Role.PROGRAMME_MANAGER)


def _rules(**overrides):
    data = {
        "postcode_districts": "cv1, CV2 cv3",
        "minimum_age": "14",
        "maximum_age": "",
        "required_concerns": [Concern.WEAPON_CARRYING],
        "is_active": "on",
    }
    data.update(overrides)
    return data


def test_changed_rules_decide_new_referrals_and_leave_old_decisions_alone(
    manager, client_for, coventry_area, make_user
):
    referrer = make_user(Role.REFERRER)
    before = services.referral_create(actor=referrer, answers=complete_answers()).referral
    response = client_for(manager).post(
        reverse("referrals:area-edit", args=[coventry_area.pk]),
        _rules(minimum_age="16"),
    )
    assert response["Location"] == reverse("referrals:areas")
    coventry_area.refresh_from_db()
    assert coventry_area.postcode_districts == ["CV1", "CV2", "CV3"]
    assert coventry_area.minimum_age == 16
    after = services.referral_create(actor=referrer, answers=complete_answers()).referral
    assert after.eligibility == Eligibility.NOT_ELIGIBLE
    assert "minimum age 16" in after.eligibility_reasons[0]
    before.refresh_from_db()
    assert before.eligibility == Eligibility.ELIGIBLE
    event = AuditEvent.objects.get(action=AuditAction.PROGRAMME_AREA_UPDATED)
    assert event.detail == {"changed": ["minimum_age", "required_concerns"]}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"postcode_districts": "CV1, 12345"}, "These are not postcode districts: 12345"),
        ({"postcode_districts": ""}, "Enter at least one postcode district"),
        ({"minimum_age": "9"}, "Minimum age must be 10 or more"),
        ({"minimum_age": "fourteen"}, "Minimum age must be a whole number"),
        ({"maximum_age": "12"}, "Maximum age must be the same as or more than the minimum"),
    ],
)
def test_bad_rules_are_explained_and_nothing_changes(
    manager, client_for, coventry_area, change, message
):
    response = client_for(manager).post(
        reverse("referrals:area-edit", args=[coventry_area.pk]), _rules(**change)
    )
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert message in response.text
    coventry_area.refresh_from_db()
    assert coventry_area.minimum_age == 14


def _service(**overrides):
    data = {
        "name": "Youth boxing club",
        "provider": "",
        "areas": [],
        "minimum_age": "11",
        "maximum_age": "19",
        "offers": "Boxing and mentoring",
        "how_to_refer": "Phone",
        "is_active": "on",
    }
    data.update(overrides)
    return data


def test_a_service_added_to_the_directory_is_suggested_for_people_it_fits(
    manager, client_for, coventry_area, council, make_user
):
    client = client_for(manager)
    response = client.post(
        reverse("referrals:service-create"),
        _service(provider=council.pk, areas=[coventry_area.pk]),
    )
    assert response["Location"] == reverse("referrals:directory")
    boxing = Service.objects.get(name="Youth boxing club")
    assert list(boxing.areas.all()) == [coventry_area]
    listed = client.get(reverse("referrals:directory"))
    assert "Youth boxing club" in listed.text
    from vrhub.referrals.selectors import suggested_services

    too_young = services.referral_create(
        actor=make_user(Role.REFERRER),
        answers=complete_answers(date_of_birth=date(2013, 6, 1)),
    ).referral
    assert boxing in suggested_services(too_young)
    assert AuditEvent.objects.filter(action=AuditAction.SERVICE_CREATED).exists()


def test_a_service_needs_somewhere_to_serve_and_a_unique_name(
    manager, client_for, directory, council
):
    response = client_for(manager).post(
        reverse("referrals:service-create"), _service(name="early help", provider=council.pk)
    )
    assert "A service with this name is already in the directory" in response.text
    assert "Select at least one area" in response.text
    assert Service.objects.count() == 3


def test_a_service_is_changed_and_the_change_recorded(manager, client_for, directory, council):
    early_help = directory["early_help"]
    client_for(manager).post(
        reverse("referrals:service-edit", args=[early_help.pk]),
        _service(
            name="Early Help",
            provider=council.pk,
            serves_out_of_area="on",
            minimum_age="0",
            maximum_age="18",
            is_active="",
        ),
    )
    early_help.refresh_from_db()
    assert early_help.serves_out_of_area
    assert not early_help.is_active
    event = AuditEvent.objects.get(action=AuditAction.SERVICE_UPDATED)
    assert "is_active" in event.detail["changed"]
    assert "areas" in event.detail["changed"]
