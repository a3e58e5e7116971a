"""The casework forms. Field names are the ones the services name in their refusals, so a
refusal lands on the field it is about."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from vrhub.accounts.models import User
from vrhub.core.forms import GovukDateField, GovukForm
from vrhub.referrals.models import Service

from .models import (
    ContactMethod,
    FamilyRole,
    GoalStatus,
    MomentKind,
    NeedDomain,
    OfferAnswer,
    OfferMethod,
    PlannedServiceStatus,
)
from .pathway import (
    OFFER_CLOSURES,
    REOPEN_TO,
    ClosureReason,
    MoveKind,
    PlacementOutcome,
    Step,
    moves_from,
)

OUT_OF_DATE = "This page is out of date: open the case again and repeat your change"
CASE_REFERENCE = re.compile(r"^C-[23456789A-HJKMNP-Z]{8}$")


class VersionedForm(GovukForm):
    """A change to the case's state, naming the version of the case the user saw."""

    expected_version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, version: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Last, so an error about the whole form links to the first field the user sees.
        self.fields["expected_version"] = self.fields.pop("expected_version")
        if version is not None:
            self.initial["expected_version"] = version

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        version = str(cleaned.get("expected_version") or "")
        if not version.isdigit():
            self.add_error(None, OUT_OF_DATE)
        else:
            cleaned["expected_version"] = int(version)
        return cleaned


class AnyChoiceField(forms.TypedChoiceField):
    """Offers the listed choices, but lets any value through to the service, which refuses
    what it cannot do with a message that says why (the pathway's table, the mentor's agency)."""

    def valid_value(self, value: Any) -> bool:
        return True


def _date(label: str, noun: str, *, required: bool = True, **kwargs: Any) -> GovukDateField:
    # Today is allowed: the services refuse dates in the future where those make no sense.
    return GovukDateField(label=label, noun=noun, must_be_past=False, required=required, **kwargs)


def _radios(label: str, choices: Any, missing: str, **kwargs: Any) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        error_messages={"required": missing, "invalid_choice": missing},
        **kwargs,
    )


def _select(label: str, choices: Any, missing: str, **kwargs: Any) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        error_messages={"required": missing, "invalid_choice": missing},
        **kwargs,
    )


def _move_label(step: Step, kind: MoveKind, why: str) -> str:
    if kind == MoveKind.BACK:
        return f"Back to {step.label}: {why[0].lower()}{why[1:]}"
    return f"On to {step.label}"


# Moving, closing and reopening.


class MoveForm(VersionedForm):
    to_step = AnyChoiceField(
        label="Move the case to",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select where the case moves to",
            "invalid_choice": "Select where the case moves to",
        },
    )
    reason = forms.CharField(
        label="Why (needed for a move back)",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, step: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to_step"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101
        field.choices = [
            (int(target), _move_label(target, move.kind, move.why))
            for target, move in moves_from(Step(step))
        ]


class CloseForm(VersionedForm):
    reason = _radios(
        "Why is the case closing?",
        [(r.value, r.label) for r in ClosureReason if r not in OFFER_CLOSURES],
        "Select why the case is closing",
        help_text="An answer to the CIRV offer is recorded with the offer, not here.",
    )
    placement_outcome = _radios(
        "Placement outcome",
        PlacementOutcome.choices,
        "Select a placement outcome",
        required=False,
    )
    follow_up_on = _date(
        "Follow-up date (optional)",
        "the follow-up date",
        required=False,
        help_text="When to check how the person is doing. For example, 27 3 2027",
    )
    note = forms.CharField(
        label="Note (optional)",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Do not include details of the person's circumstances.",
    )

    def __init__(self, *args: Any, step: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if step != Step.PLACEMENT:
            # A placement is only recorded from step 8.
            del self.fields["placement_outcome"]

    def clean_placement_outcome(self) -> str:
        return str(self.cleaned_data.get("placement_outcome") or "")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if "placement_outcome" not in self.fields and cleaned.get("reason") == (
            ClosureReason.COMPLETED
        ):
            # Completing needs a placement outcome, which is only recorded at step 8.
            self.add_error(
                "reason",
                "A case completes the programme at step 8, placement and deselection: "
                "move it on first, or choose another reason",
            )
        return cleaned


class ReopenForm(VersionedForm):
    to_step = forms.TypedChoiceField(
        label="Reopen the case at",
        coerce=int,
        choices=[(int(s), f"{int(s)}. {s.label}") for s in sorted(REOPEN_TO)],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the step to reopen the case at",
            "invalid_choice": "Select the step to reopen the case at",
        },
    )
    reason = forms.CharField(
        label="Why is the case reopening?",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say why the case is being reopened"},
    )


class CaseworkerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name}, {obj.agency.name}"


class ReassignForm(VersionedForm):
    caseworker = CaseworkerChoiceField(
        label="Caseworker",
        queryset=User.objects.none(),
        empty_label="Select a caseworker",
        error_messages={
            "required": "Select a caseworker",
            "invalid_choice": "Select a caseworker from the list",
        },
    )

    def __init__(self, *args: Any, caseworkers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["caseworker"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
        field.queryset = caseworkers


# Step 3: the offer.


class OfferForm(VersionedForm):
    made_on = _date(
        "When was the offer made?",
        "the date the offer was made",
        help_text="For example, 27 3 2026",
    )
    method = _radios("How was it made?", OfferMethod.choices, "Select how the offer was made")


class OfferAnswerForm(VersionedForm):
    answer = _radios(
        "What did the person answer?",
        [(OfferAnswer.ACCEPTED.value, "Accepted"), (OfferAnswer.DECLINED.value, "Declined")],
        "Select whether the person accepted or declined",
    )
    answered_on = _date("When did they answer?", "the date of the answer")


# Step 4: reachable moments.


class MomentForm(GovukForm):
    kind = _radios("What happened?", MomentKind.choices, "Select what happened")
    occurred_on = _date("When did it happen?", "the date of the moment")
    contacted_on = _date(
        "When did the team reach the person? (optional)",
        "the date of contact",
        required=False,
        help_text="Leave empty if they have not been reached yet.",
    )
    contact_method = _select(
        "How were they reached? (optional)",
        [("", "Select how"), *ContactMethod.choices],
        "Select how contact was made",
        required=False,
    )


# Step 5: mentor and contacts.


class MentorForm(VersionedForm):
    mentor = AnyChoiceField(
        label="Mentor",
        coerce=int,
        error_messages={
            "required": "Select a mentor",
            "invalid_choice": "Select a mentor from the list",
        },
    )
    starts_on = _date("Starting on", "the date the mentoring starts")

    def __init__(self, *args: Any, mentors: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["mentor"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101
        field.choices = [
            ("", "Select a mentor"),
            *[(m.pk, f"{m.full_name}, {m.agency.name}") for m in mentors],
        ]

    def clean_mentor(self) -> User:
        # Anyone the user names reaches the service, which says why they cannot mentor.
        found = User.objects.select_related("agency").filter(pk=self.cleaned_data["mentor"])
        mentor = found.first()
        if mentor is None:
            raise forms.ValidationError("Select a mentor from the list")
        return mentor


class ContactForm(GovukForm):
    method = _radios("How was the contact?", ContactMethod.choices, "Select how the contact was")
    occurred_on = _date("Date of the contact", "the date of the contact")
    duration_minutes = forms.IntegerField(
        label="How long, in minutes (optional)",
        min_value=1,
        max_value=600,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
        error_messages={
            "invalid": "Enter the minutes as a whole number, like 45",
            "min_value": "Enter at least 1 minute",
            "max_value": "Enter 600 minutes or fewer",
        },
    )
    note = forms.CharField(
        label="Short note (optional)",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="What was agreed or what comes next, in 500 characters or fewer.",
        error_messages={"max_length": "The note must be 500 characters or fewer"},
    )


# Step 6: needs and goals.

SCORES = [(n, str(n)) for n in range(1, 6)]


class NeedsForm(VersionedForm):
    assessed_on = _date("Date of the assessment", "the date of the assessment")
    next_review_on = _date(
        "Next review (optional)",
        "the next review date",
        required=False,
        help_text="If empty, 6 weeks after the assessment.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scores = {
            domain.value: forms.TypedChoiceField(
                label=domain.label,
                coerce=int,
                choices=SCORES,
                widget=forms.RadioSelect,
                error_messages={
                    "required": f"Score {domain.label.lower()} from 1 to 5",
                    "invalid_choice": f"Score {domain.label.lower()} from 1 to 5",
                },
            )
            for domain in NeedDomain
        }
        self.fields = {**scores, **self.fields}

    def score_fields(self) -> list[forms.BoundField]:
        return [self[d.value] for d in NeedDomain]

    def scores(self) -> dict[str, int]:
        return {d.value: self.cleaned_data[d.value] for d in NeedDomain}


class GoalForm(GovukForm):
    domain = _select(
        "Area of need",
        [("", "Select an area"), *NeedDomain.choices],
        "Select the area of need the goal is about",
    )
    description = forms.CharField(
        label="Goal",
        max_length=300,
        error_messages={"required": "Describe the goal"},
    )
    target_on = _date("Target date (optional)", "the target date", required=False)


class GoalStatusForm(GovukForm):
    status = _select("Where the goal stands", GoalStatus.choices, "Select where the goal stands")


# Step 7: the sequenced service plan.


class ServiceAddForm(VersionedForm):
    service = forms.ModelChoiceField(
        label="Service",
        queryset=Service.objects.none(),
        empty_label="Select a service",
        error_messages={
            "required": "Select a service",
            "invalid_choice": "Select a service from the directory",
        },
    )

    def __init__(self, *args: Any, services: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["service"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
        field.queryset = services


class ServiceStatusForm(VersionedForm):
    status = _select("Status", PlannedServiceStatus.choices, "Select the service's status")
    status_on = _date("Since", "the date")


class ServiceRaiseForm(VersionedForm):
    pass


# Post-release and family.


class ReleaseForm(GovukForm):
    release_on = _date(
        "Release date",
        "the release date",
        help_text="It can be in the future: assign a mentor before the person is released.",
    )
    establishment = forms.CharField(
        label="Prison or young offender institution",
        max_length=200,
        error_messages={"required": "Enter the prison or young offender institution"},
    )


class FamilyMemberForm(GovukForm):
    first_name = forms.CharField(
        label="First name",
        max_length=100,
        error_messages={"required": "Enter the family member's first name"},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    last_name = forms.CharField(
        label="Last name (optional)",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    date_of_birth = _date("Date of birth (optional)", "their date of birth", required=False)
    role = _radios("Who are they?", FamilyRole.choices, "Select who they are in the family")
    same_household = forms.BooleanField(
        label="Lives in the same household", required=False, initial=True
    )
    involved_in_serious_violence = forms.BooleanField(
        label="Involved in serious violence",
        required=False,
        help_text="As a perpetrator, or carrying weapons. Siblings are then suggested for support.",
    )


class FamilyLinkForm(GovukForm):
    other = forms.CharField(
        label="Case reference of the other person",
        max_length=20,
        help_text="Their own CIRV case, like C-4K7RT2WQ.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "spellcheck": "false"}),
        error_messages={"required": "Enter the case reference of the other person"},
    )

    def clean_other(self) -> str:
        typed = str(self.cleaned_data["other"]).strip().upper()
        if not CASE_REFERENCE.match(typed):
            raise forms.ValidationError("Enter a case reference like C-4K7RT2WQ")
        return typed
