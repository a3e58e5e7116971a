"""The referral API's shapes. The answers serializer is also how a CSV upload checks each row,
so a partner system and an uploaded spreadsheet are held to the rules of the question pages."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from vrhub.accounts.serializers import AgencySummarySerializer
from vrhub.audit.serializers import MAX_ID

from .models import (
    Concern,
    Eligibility,
    Ethnicity,
    PersonAware,
    ReferralStatus,
    RiskFactor,
    Sex,
    Urgency,
)
from .services import REQUIRED_ANSWERS
from .validation import check_date_of_birth, check_phone, check_postcode

ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
IDEMPOTENCY_KEY_MAX_LENGTH = 100  # the length of Referral.idempotency_key


T = TypeVar("T")


def _api(check: Callable[[T], T], value: T) -> T:
    """Run a shared check, answering as REST framework expects."""
    try:
        return check(value)
    except DjangoValidationError as error:
        raise serializers.ValidationError(error.messages) from None


class StrictCharField(serializers.CharField):
    """Text and only text. REST framework would turn 12 into "12" and check the length after
    trimming spaces; the schema promises a string of at most max_length, so hold to that."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        if self.max_length is not None and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return str(super().to_internal_value(data))


class StrictBooleanField(serializers.BooleanField):
    """true or false, not "yes", 1 or "on"."""

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


class StrictDateField(serializers.DateField):
    """A date written YYYY-MM-DD, as the schema's `format: date` says; nothing looser."""

    def to_internal_value(self, value: Any) -> date:
        if not isinstance(value, str) or not ISO_DATE.fullmatch(value):
            self.fail("invalid", format="YYYY-MM-DD")
        result: date = super().to_internal_value(value)
        return result


def _required(name: str) -> dict[str, Any]:
    message = REQUIRED_ANSWERS[name]
    return {"required": message, "blank": message, "null": message}


def _text(name: str, label: str, max_length: int, *, required: bool = False) -> StrictCharField:
    messages: dict[str, Any] = {
        "invalid": f"{label} must be text",
        "max_length": f"{label} must be {max_length} characters or fewer",
        "null": f"{label} must be text: leave it out rather than send null",
    }
    if required:
        return StrictCharField(max_length=max_length, error_messages=messages | _required(name))
    return StrictCharField(
        max_length=max_length,
        required=False,
        allow_blank=True,
        default="",
        error_messages=messages,
    )


def _choice(name: str, choices: Any, invalid: str) -> serializers.ChoiceField:
    return serializers.ChoiceField(
        choices=choices, error_messages={"invalid_choice": invalid} | _required(name)
    )


def _codes(choices: Any) -> str:
    values = [str(value) for value, _ in choices]
    return ", ".join(values[:-1]) + " or " + values[-1]


class ReferralAnswersSerializer(serializers.Serializer):
    """A referral as a partner system or a CSV row sends it."""

    first_name = _text("first_name", "First name", 100, required=True)
    last_name = _text("last_name", "Last name", 100, required=True)
    other_names = _text("other_names", "Other names", 200)
    date_of_birth = StrictDateField(
        error_messages={
            "invalid": "Date of birth must be a real date, like 2010-03-27",
            **_required("date_of_birth"),
        }
    )
    sex = _choice("sex", Sex.choices, f"Sex must be {_codes(Sex.choices)}")
    gender = _text("gender", "Gender", 100)
    ethnicity = _choice(
        "ethnicity",
        Ethnicity.choices,
        "Ethnic group must be one of the 2021 census codes, like white_british or not_known",
    )
    address = _text("address", "Address", 500, required=True)
    postcode = _text("postcode", "Postcode", 10, required=True)
    school = _text("school", "School or college", 200)
    phone = _text("phone", "Phone number", 30)
    concerns = serializers.ListField(
        child=serializers.ChoiceField(
            choices=Concern.choices,
            error_messages={"invalid_choice": f"Each concern must be {_codes(Concern.choices)}"},
        ),
        allow_empty=False,
        min_length=1,
        error_messages={
            "empty": REQUIRED_ANSWERS["concerns"],
            "min_length": REQUIRED_ANSWERS["concerns"],
            "not_a_list": "Concerns must be a list of codes",
            **_required("concerns"),
        },
    )
    risk_factors = serializers.ListField(
        child=serializers.ChoiceField(
            choices=RiskFactor.choices,
            error_messages={
                "invalid_choice": f"Each risk factor must be {_codes(RiskFactor.choices)}"
            },
        ),
        required=False,
        default=list,
        error_messages={
            "not_a_list": "Risk factors must be a list of codes",
            "null": "Risk factors must be a list of codes: an empty list for none",
        },
    )
    concern_details = _text("concern_details", "What has happened", 5000)
    immediate_risk = StrictBooleanField(
        error_messages={
            "invalid": "Say whether the person is at immediate risk of harm: yes (true) or "
            "no (false)",
            **_required("immediate_risk"),
        }
    )
    person_aware = _choice(
        "person_aware",
        PersonAware.choices,
        f"Whether the person knows must be {_codes(PersonAware.choices)}",
    )
    urgency = _choice("urgency", Urgency.choices, f"Urgency must be {_codes(Urgency.choices)}")

    def validate_date_of_birth(self, born: date) -> date:
        return _api(check_date_of_birth, born)

    def validate_postcode(self, postcode: str) -> str:
        return _api(check_postcode, postcode)

    def validate_phone(self, phone: str) -> str:
        return _api(check_phone, phone)

    def validate_concerns(self, concerns: list[str]) -> list[str]:
        return list(dict.fromkeys(concerns))  # each once, in the order given

    def validate_risk_factors(self, risk_factors: list[str]) -> list[str]:
        return list(dict.fromkeys(risk_factors))


class OnwardReferralSerializer(serializers.Serializer):
    service = serializers.CharField(help_text="The service the person was referred on to.")
    provider = serializers.CharField(help_text="The agency that runs it.")
    how_to_refer = serializers.CharField()


class ReferralStatusSerializer(serializers.Serializer):
    """What the referrer may know about a referral they made, at any stage."""

    reference = serializers.CharField()
    status = serializers.ChoiceField(choices=ReferralStatus.choices)
    eligibility = serializers.ChoiceField(
        choices=Eligibility.choices,
        allow_null=True,
        help_text="Decided when the referral is sent; null for a draft.",
    )
    eligibility_reasons = serializers.ListField(child=serializers.CharField())
    submitted_at = serializers.DateTimeField(allow_null=True)
    onward_referral = OnwardReferralSerializer(
        allow_null=True,
        help_text="Where the person was referred instead, if CIRV could not take them.",
    )
    status_url = serializers.URLField(help_text="Where to read this status again.")


class ReferralQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(required=False, choices=ReferralStatus.choices)
    eligibility = serializers.ChoiceField(required=False, choices=Eligibility.choices)
    area = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="A programme area's id."
    )
    limit = serializers.IntegerField(required=False, min_value=1, max_value=500, default=100)
    offset = serializers.IntegerField(required=False, min_value=0, max_value=MAX_ID, default=0)


class AreaSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ReferralSummarySerializer(serializers.Serializer):
    """A row of the queue: no names, addresses or what happened, only what sorts the work."""

    reference = serializers.CharField()
    status = serializers.ChoiceField(choices=ReferralStatus.choices)
    eligibility = serializers.ChoiceField(choices=Eligibility.choices)
    area = AreaSummarySerializer(allow_null=True, help_text="Null when out of area.")
    referring_agency = AgencySummarySerializer()
    submitted_at = serializers.DateTimeField()
    urgency = serializers.ChoiceField(choices=Urgency.choices)
    immediate_risk = serializers.BooleanField()


class ReferralPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    limit = serializers.IntegerField()
    offset = serializers.IntegerField()
    results = ReferralSummarySerializer(many=True)
