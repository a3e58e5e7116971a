"""The pathway API's shapes: what a client may send (queries and bodies, held to the schema
strictly) and, separately, what it gets back."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from rest_framework import serializers

from vrhub.audit.serializers import MAX_ID
from vrhub.referrals.models import Ethnicity, Sex
from vrhub.referrals.serializers import (
    AreaSummarySerializer,
    StrictCharField,
    StrictDateField,
)

from .at_risk_selectors import review_due
from .models import AtRiskReason, ContactMethod, MoveKind
from .pathway import CASE_STEPS, ClosureReason, PlacementOutcome, Step


class StrictIntegerField(serializers.IntegerField):
    """A JSON number without a fraction, as the schema's `type: integer` says: not "3", 3.0 or
    true."""

    def to_internal_value(self, data: Any) -> int:
        if not isinstance(data, int) or isinstance(data, bool):
            self.fail("invalid")
        result: int = super().to_internal_value(data)
        return result


class QueryBooleanField(serializers.BooleanField):
    """`true` or `false` in a query string, nothing looser."""

    def to_internal_value(self, data: Any) -> bool:
        if data not in ("true", "false"):
            self.fail("invalid")
        return data == "true"


def _limit() -> serializers.IntegerField:
    return serializers.IntegerField(required=False, min_value=1, max_value=500, default=100)


def _offset() -> serializers.IntegerField:
    return serializers.IntegerField(required=False, min_value=0, max_value=MAX_ID, default=0)


def _codes(choices: Any) -> str:
    values = [str(value) for value, _ in choices]
    return ", ".join(values[:-1]) + " or " + values[-1]


STEP_CHOICES = [(int(s), str(s.label)) for s in CASE_STEPS]


# Input.


class CaseQuerySerializer(serializers.Serializer):
    step = serializers.ChoiceField(
        required=False,
        choices=STEP_CHOICES,
        help_text="Only cases at this step of the pathway (3 to 8).",
        error_messages={"invalid_choice": "Step must be a step a case is worked in, 3 to 8"},
    )
    open = QueryBooleanField(
        required=False,
        help_text="true: open cases only; false: closed cases only.",
        error_messages={"invalid": "Open must be true or false"},
    )
    caseworker = serializers.ChoiceField(
        required=False,
        choices=[("me", "me")],
        help_text="`me`: only the cases you are the caseworker of.",
        error_messages={"invalid_choice": "Caseworker can only be me"},
    )
    limit = _limit()
    offset = _offset()


class CaseMoveInputSerializer(serializers.Serializer):
    to_step = StrictIntegerField(
        min_value=int(Step.OFFER),
        max_value=int(Step.PLACEMENT),
        help_text="The step to move the case to, 3 to 8, as the pathway's table allows.",
        error_messages={
            "required": "Select the step to move the case to",
            "invalid": "The step must be a whole number from 3 to 8",
            "min_value": "The step must be a whole number from 3 to 8",
            "max_value": "The step must be a whole number from 3 to 8",
            "null": "Select the step to move the case to",
        },
    )
    reason = StrictCharField(
        max_length=500,
        required=False,
        allow_blank=True,
        default="",
        help_text="Why: needed to move a case back.",
        error_messages={
            "invalid": "The reason must be text",
            "max_length": "The reason must be 500 characters or fewer",
            "null": "The reason must be text: leave it out rather than send null",
        },
    )
    expected_version = StrictIntegerField(
        min_value=1,
        max_value=2**31 - 1,
        help_text="The case's `version` when you read it. If someone changed the case since, "
        "the move is refused with 409 naming who changed it.",
        error_messages={
            "required": "Send the version of the case you read",
            "invalid": "The version must be a whole number",
            "null": "Send the version of the case you read",
        },
    )


class ContactInputSerializer(serializers.Serializer):
    method = serializers.ChoiceField(
        choices=ContactMethod.choices,
        error_messages={
            "required": "Select how the contact was made",
            "invalid_choice": f"Method must be {_codes(ContactMethod.choices)}",
            "null": "Select how the contact was made",
        },
    )
    occurred_on = StrictDateField(
        help_text="The day of the contact, today or earlier.",
        error_messages={
            "required": "Enter the date of the contact",
            "invalid": "The date of the contact must be a real date, like 2027-03-27",
            "null": "Enter the date of the contact",
        },
    )
    duration_minutes = StrictIntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        max_value=600,
        error_messages={
            "invalid": "The duration must be a whole number of minutes",
            "min_value": "The duration must be between 1 and 600 minutes",
            "max_value": "The duration must be between 1 and 600 minutes",
        },
    )
    note = StrictCharField(
        max_length=500,
        required=False,
        allow_blank=True,
        default="",
        error_messages={
            "invalid": "The note must be text",
            "max_length": "The note must be 500 characters or fewer",
            "null": "The note must be text: leave it out rather than send null",
        },
    )


class ContactQuerySerializer(serializers.Serializer):
    limit = _limit()
    offset = _offset()


class AtRiskQuerySerializer(serializers.Serializer):
    reason = serializers.ChoiceField(required=False, choices=AtRiskReason.choices)
    owner = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="The owner's user id."
    )
    limit = _limit()
    offset = _offset()


class ProgrammeQuerySerializer(serializers.Serializer):
    start = StrictDateField(
        required=False,
        help_text="The first day of the period, like 2027-04-01. Leave out for no start.",
        error_messages={"invalid": "The start date must be a real date, like 2027-04-01"},
    )
    end = StrictDateField(
        required=False,
        help_text="The last day of the period. Leave out for no end.",
        error_messages={"invalid": "The end date must be a real date, like 2028-03-31"},
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start, end = attrs.get("start"), attrs.get("end")
        if start and end and end < start:
            raise serializers.ValidationError(
                {"end": "The end date must be the same as or after the start date"}
            )
        return attrs


# Output.


class UserSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    full_name = serializers.CharField()


class CaseSummarySerializer(serializers.Serializer):
    """A case as lists show it: where it is on the pathway, and nothing about the person."""

    reference = serializers.CharField()
    referral = serializers.CharField(source="referral.reference")
    area = AreaSummarySerializer(source="referral.area", allow_null=True)
    step = serializers.ChoiceField(choices=[(int(s), str(s.label)) for s in Step])
    step_label = serializers.CharField()
    is_open = serializers.BooleanField()
    caseworker = UserSummarySerializer(allow_null=True)
    opened_at = serializers.DateTimeField()
    step_entered_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)
    closure_reason = serializers.ChoiceField(
        choices=[*ClosureReason.choices, ("", "Open")], help_text="Empty while the case is open."
    )
    last_successful_contact_on = serializers.DateField(allow_null=True)
    next_review_on = serializers.DateField(allow_null=True)
    version = serializers.IntegerField(
        help_text="Send this as expected_version when you change the case."
    )


class CasePageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    limit = serializers.IntegerField()
    offset = serializers.IntegerField()
    results = CaseSummarySerializer(many=True)


class PersonSerializer(serializers.Serializer):
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    date_of_birth = serializers.DateField(allow_null=True)
    sex = serializers.ChoiceField(choices=[*Sex.choices, ("", "Not recorded")])
    ethnicity = serializers.ChoiceField(choices=[*Ethnicity.choices, ("", "Not recorded")])


class CaseDetailSerializer(CaseSummarySerializer):
    """The whole case, for the CIRV team."""

    person = PersonSerializer(source="referral")
    offer_respond_by = serializers.DateField(allow_null=True)
    placement_outcome = serializers.ChoiceField(
        choices=[*PlacementOutcome.choices, ("", "None")],
        help_text="Empty unless the case closed at placement.",
    )
    follow_up_on = serializers.DateField(allow_null=True)
    changed_at = serializers.DateTimeField()
    moves_url = serializers.SerializerMethodField(help_text="Where to read and make its moves.")
    contacts_url = serializers.SerializerMethodField(help_text="Where to read and log contacts.")

    def _url(self, name: str, case: Any) -> str:
        path = reverse(name, kwargs={"reference": case.reference})
        return str(self.context["request"].build_absolute_uri(path))

    def get_moves_url(self, case: Any) -> str:
        return self._url("api:case-moves", case)

    def get_contacts_url(self, case: Any) -> str:
        return self._url("api:case-contacts", case)


class CaseMoveSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=MoveKind.choices)
    from_step = serializers.IntegerField(allow_null=True)
    to_step = serializers.IntegerField(allow_null=True, help_text="Null when the case closed.")
    reason = serializers.CharField()
    by = UserSummarySerializer()
    at = serializers.DateTimeField()


class CaseMovedSerializer(serializers.Serializer):
    move = CaseMoveSerializer()
    case = CaseSummarySerializer()


class ContactSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    method = serializers.ChoiceField(choices=ContactMethod.choices)
    successful = serializers.BooleanField(help_text="False for an attempt or a missed meeting.")
    occurred_on = serializers.DateField()
    duration_minutes = serializers.IntegerField(allow_null=True)
    note = serializers.CharField()
    recorded_by = UserSummarySerializer()
    recorded_at = serializers.DateTimeField()


class ContactPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    limit = serializers.IntegerField()
    offset = serializers.IntegerField()
    results = ContactSerializer(many=True)


class AtRiskEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case = serializers.CharField(source="case.reference")
    name = serializers.CharField(source="case.referral.full_name")
    reason = serializers.ChoiceField(choices=AtRiskReason.choices)
    owner = UserSummarySerializer()
    added_on = serializers.DateField()
    review_on = serializers.DateField()
    review_due = serializers.SerializerMethodField(help_text="The review falls within 14 days.")

    def get_review_due(self, entry: Any) -> bool:
        return review_due(entry, self.context["today"])


class AtRiskPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    limit = serializers.IntegerField()
    offset = serializers.IntegerField()
    results = AtRiskEntrySerializer(many=True)


class CountSerializer(serializers.Serializer):
    value = serializers.IntegerField(
        allow_null=True,
        help_text="Null when the count is too small to be shown to you, or withheld because "
        "it would give a small count away.",
    )
    shown = serializers.CharField(
        help_text='As the page shows it: "1,234", "fewer than 5" or "withheld".'
    )
    suppressed = serializers.BooleanField()


class FigureSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field, not Field.label
    count = CountSerializer()


class ProgrammeSummarySerializer(serializers.Serializer):
    start = serializers.DateField(allow_null=True)
    end = serializers.DateField(allow_null=True)
    exact = serializers.BooleanField(
        help_text="False when counts under 5 are shown as 'fewer than 5' (scrutiny)."
    )
    referrals_to_date = CountSerializer()
    referrals_in_period = CountSerializer()
    awaiting_triage = CountSerializer()
    accepted_at_triage = CountSerializer(help_text="Cases opened in the period.")
    offers_declined = CountSerializer()
    offers_no_response = CountSerializer()
    being_worked_with = CountSerializer(help_text="Open cases today.")
    on_at_risk_list = CountSerializer(help_text="Entries on the at-risk list today.")
    by_step = FigureSerializer(many=True)
    closed_by_reason = FigureSerializer(many=True)
    open_by_area = FigureSerializer(many=True)
    open_by_sex = FigureSerializer(many=True)
    open_by_age_band = FigureSerializer(many=True)
    referrals_by_area = FigureSerializer(many=True)
    referrals_by_sex = FigureSerializer(many=True)
    referrals_by_age_band = FigureSerializer(many=True)
