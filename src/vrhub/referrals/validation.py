"""The checks a referral's answers get, however they arrive: question pages, API or CSV file.
Each raises Django's ValidationError with the message the person sees."""

from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone

from .eligibility import age_on, normalise_postcode

YOUNGEST_REFERRAL_AGE = 10  # younger than this is a safeguarding matter, not CIRV


def check_date_of_birth(born: date) -> date:
    today = timezone.localdate()
    if born >= today:
        raise ValidationError("Date of birth must be in the past")
    if age_on(born, today) < YOUNGEST_REFERRAL_AGE:
        raise ValidationError(
            "The person must be 10 or older: for a younger child, use your safeguarding procedures"
        )
    if born.year < 1900:
        raise ValidationError("Date of birth must be after 1900")
    return born


def check_postcode(postcode: str) -> str:
    """The postcode, tidied (`cv1 2ab` -> `CV1 2AB`), if it is UK-shaped."""
    normalised = normalise_postcode(postcode)
    if normalised is None:
        raise ValidationError("Enter a real postcode, like CV1 2AB")
    return normalised


def check_phone(phone: str) -> str:
    phone = phone.strip()
    digits = re.sub(r"[\s()+-]", "", phone)
    if phone and not re.fullmatch(r"[0-9]{10,13}", digits):
        raise ValidationError("Enter a phone number, like 07700 900 982")
    return phone
