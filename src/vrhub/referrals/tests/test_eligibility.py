"""Eligibility decisions and the reasons given for them."""

from __future__ import annotations

from datetime import date

import pytest

from vrhub.accounts.models import Agency
from vrhub.referrals.eligibility import age_on, decide, normalise_postcode
from vrhub.referrals.models import Concern, Eligibility, ProgrammeArea


@pytest.fixture
def coventry() -> ProgrammeArea:
    return ProgrammeArea(
        name="Coventry",
        local_authority=Agency(name="Coventry City Council"),
        postcode_districts=["CV1", "CV2", "CV6"],
        minimum_age=14,
        maximum_age=25,
        required_concerns=[Concern.WEAPON_CARRYING, Concern.GANG_INVOLVEMENT],
    )


def _decide(coventry, **overrides):
    values = {
        "date_of_birth": date(2010, 6, 1),
        "postcode": "CV2 4AB",
        "concerns": [Concern.WEAPON_CARRYING],
        "referral_date": date(2026, 6, 1),
    }
    values.update(overrides)
    return decide(areas=[coventry], **values)


def test_a_person_who_meets_every_rule_is_eligible(coventry):
    decision = _decide(coventry)
    assert decision.outcome is Eligibility.ELIGIBLE
    assert decision.area is coventry
    assert decision.reasons == [
        "eligible: aged 16 on the referral date, lives in Coventry (CV2), "
        "concerns: carrying a knife or other weapon"
    ]


def test_age_is_counted_on_the_referral_date(coventry):
    day_before_14th_birthday = _decide(coventry, date_of_birth=date(2012, 6, 2))
    assert day_before_14th_birthday.outcome is Eligibility.NOT_ELIGIBLE
    assert day_before_14th_birthday.reasons == [
        "not eligible: aged 13 on the referral date; minimum age 14"
    ]
    assert _decide(coventry, date_of_birth=date(2012, 6, 1)).outcome is Eligibility.ELIGIBLE


def test_the_optional_maximum_age_applies(coventry):
    decision = _decide(coventry, date_of_birth=date(2000, 1, 1))
    assert decision.reasons == ["not eligible: aged 26 on the referral date; maximum age 25"]
    coventry.maximum_age = None
    assert _decide(coventry, date_of_birth=date(2000, 1, 1)).outcome is Eligibility.ELIGIBLE


def test_a_postcode_outside_the_districts_served_is_out_of_area(coventry):
    decision = _decide(coventry, postcode="B1 1AA")
    assert decision.outcome is Eligibility.OUT_OF_AREA
    assert decision.area is None
    assert decision.reasons == [
        "out of area: postcode district B1 is not served (CIRV serves Coventry)"
    ]


def test_at_least_one_required_concern_must_be_present(coventry):
    decision = _decide(coventry, concerns=[Concern.VIOLENCE_VICTIM])
    assert decision.outcome is Eligibility.NOT_ELIGIBLE
    assert "none of the concerns Coventry CIRV works with" in decision.reasons[0]


def test_every_failed_rule_is_given_as_a_reason(coventry):
    decision = _decide(coventry, date_of_birth=date(2014, 1, 1), concerns=[])
    assert len(decision.reasons) == 2


def test_leap_day_birthdays():
    assert age_on(date(2012, 2, 29), date(2026, 2, 28)) == 13
    assert age_on(date(2012, 2, 29), date(2026, 3, 1)) == 14


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("cv1 2ab", "CV1 2AB"),
        (" WV10  6QP ", "WV10 6QP"),
        ("EC1A1BB", "EC1A 1BB"),
        ("CV1", None),
        ("12345", None),
        ("CV1 2A", None),
        ("", None),
    ],
)
def test_postcodes_must_be_uk_shaped(typed, expected):
    assert normalise_postcode(typed) == expected
