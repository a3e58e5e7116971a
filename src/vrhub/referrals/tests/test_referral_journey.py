"""A referrer answers the question pages, checks the answers and sends the referral."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from vrhub.accounts.models import Role
from vrhub.audit.models import AuditAction, AuditEvent
from vrhub.referrals import journey
from vrhub.referrals.models import Eligibility, Referral, ReferralStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def referrer(make_user):
    return make_user(Role.REFERRER)


def _start(client) -> Referral:
    response = client.post(reverse("referrals:start"))
    referral = Referral.objects.get()
    assert response["Location"] == reverse("referrals:step", args=[referral.reference, "name"])
    return referral


def _answer(client, referral, slug, data, **query):
    url = reverse("referrals:step", args=[referral.reference, slug])
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return client.post(url, data)


PAGES = [
    ("name", {"first_name": "Jayden", "last_name": "Clarke", "other_names": "JC"}),
    ("date-of-birth", {"date_of_birth_0": "14", "date_of_birth_1": "3", "date_of_birth_2": "2011"}),
    ("sex", {"sex": "male"}),
    ("ethnicity", {"ethnicity": "black_caribbean"}),
    ("address", {"address": "12 Station Road", "postcode": "cv2 4ab"}),
    ("school-and-phone", {"school": "", "phone": "07700 900982"}),
    ("concerns", {"concerns": ["weapon_carrying", "gang_involvement"], "concern_details": "x"}),
    ("risk-factors", {"risk_factors": ["exclusion"]}),
    ("immediate-risk", {"immediate_risk": "no"}),
    ("person-aware", {"person_aware": "agrees"}),
    ("urgency", {"urgency": "urgent"}),
]


def test_a_referral_goes_through_every_page_to_a_reference(referrer, client_for, coventry_area):
    client = client_for(referrer)
    referral = _start(client)
    for index, (slug, data) in enumerate(PAGES):
        response = _answer(client, referral, slug, data)
        following = PAGES[index + 1][0] if index + 1 < len(PAGES) else None
        expected = (
            reverse("referrals:step", args=[referral.reference, following])
            if following
            else reverse("referrals:check", args=[referral.reference])
        )
        assert response["Location"] == expected, slug
    check = client.get(reverse("referrals:check", args=[referral.reference]))
    assert "Jayden Clarke" in check.text
    assert "CV2 4AB" in check.text  # tidied up
    assert "Carrying a knife or other weapon, Gang involvement" not in check.text
    assert "Gang involvement, Carrying a knife or other weapon" in check.text
    sent = client.post(reverse("referrals:check", args=[referral.reference]))
    assert sent["Location"] == reverse("referrals:sent", args=[referral.reference])
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.NEW
    assert referral.eligibility == Eligibility.ELIGIBLE
    assert referral.area == coventry_area
    assert referral.referral_date == timezone.localdate()
    confirmation = client.get(sent["Location"])
    assert referral.reference in confirmation.text
    assert "today" in confirmation.text  # urgent referrals are looked at the same day


def test_answers_are_audited_by_field_name_never_by_value(referrer, client_for):
    client = client_for(referrer)
    referral = _start(client)
    _answer(client, referral, "name", {"first_name": "Jayden", "last_name": "Clarke"})
    event = AuditEvent.objects.get(action=AuditAction.REFERRAL_UPDATED)
    assert event.detail == {"changed": ["first_name", "last_name"]}
    assert "Jayden" not in str(AuditEvent.objects.values_list())


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("", "", "", "Enter the person&#x27;s date of birth"),
        ("31", "2", "2010", "The person&#x27;s date of birth must be a real date"),
        ("1", "1", str(timezone.localdate().year + 1), "must be in the past"),
        ("1", "", "2010", "must include a month"),
        ("1", "1", "10", "Year must include 4 numbers"),
        ("1", "1", str(timezone.localdate().year - 9), "The person must be 10 or older"),
        ("x", "1", "2010", "must be a real date"),
    ],
)
def test_a_bad_date_of_birth_is_explained_and_keeps_what_was_typed(
    referrer, client_for, day, month, year, message
):
    client = client_for(referrer)
    referral = _start(client)
    response = _answer(
        client,
        referral,
        "date-of-birth",
        {"date_of_birth_0": day, "date_of_birth_1": month, "date_of_birth_2": year},
    )
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert message in response.text
    assert 'href="#id_date_of_birth_0"' in response.text
    if day:
        assert f'value="{day}"' in response.text
    referral.refresh_from_db()
    assert referral.date_of_birth is None


def test_a_postcode_that_is_not_uk_shaped_is_refused(referrer, client_for):
    client = client_for(referrer)
    referral = _start(client)
    response = _answer(client, referral, "address", {"address": "1 Road", "postcode": "NOTAPC"})
    assert "Enter a real postcode, like CV1 2AB" in response.text


def test_immediate_risk_sends_the_referrer_to_safeguarding_first(referrer, client_for):
    client = client_for(referrer)
    referral = _start(client)
    response = _answer(client, referral, "immediate-risk", {"immediate_risk": "yes"})
    assert response["Location"] == reverse("referrals:safeguarding", args=[referral.reference])
    page = client.get(response["Location"])
    assert "Use your safeguarding procedures now" in page.text
    assert reverse("referrals:step", args=[referral.reference, "person-aware"]) in page.text
    referral.refresh_from_db()
    assert referral.immediate_risk is True


def test_a_draft_can_be_left_and_resumed_and_sending_it_unfinished_says_what_is_missing(
    referrer, client_for
):
    client = client_for(referrer)
    referral = _start(client)
    _answer(client, referral, "name", {"first_name": "Jayden", "last_name": "Clarke"})
    mine = client.get(reverse("referrals:mine"))
    assert referral.reference in mine.text
    assert "Draft" in mine.text
    response = client.post(reverse("referrals:check", args=[referral.reference]))
    assert response.status_code == 200
    assert "Enter the person&#x27;s date of birth" in response.text
    assert f"/referrals/{referral.reference}/answer/date-of-birth/?return=check" in response.text
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DRAFT
    # A change from 'Check your answers' comes back there.
    back = _answer(client, referral, "sex", {"sex": "female"}, **{"return": "check"})
    assert back["Location"] == reverse("referrals:check", args=[referral.reference])


def test_nobody_else_can_open_a_draft(referrer, client_for, make_user):
    client = client_for(referrer)
    referral = _start(client)
    other = make_user(Role.REFERRER)
    response = client_for(other).get(reverse("referrals:check", args=[referral.reference]))
    assert response.status_code == 404
    assert AuditEvent.objects.filter(action=AuditAction.ACCESS_DENIED, actor=other).exists()


def test_a_sent_referral_can_no_longer_be_changed(referrer, client_for, coventry_area):
    from vrhub.referrals import services
    from vrhub.referrals.tests.factories import complete_answers

    created = services.referral_create(actor=referrer, answers=complete_answers())
    client = client_for(referrer)
    url = reverse("referrals:step", args=[created.referral.reference, "name"])
    assert client.get(url).status_code == 404


def test_the_steps_cover_every_required_answer():
    from vrhub.referrals.services import REQUIRED_ANSWERS

    assert set(REQUIRED_ANSWERS) <= set(journey.STEP_OF_FIELD)
