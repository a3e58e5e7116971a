"""The forms of multi-agency triage: scheduling a panel, an agency's information, the decision."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.utils import timezone

from vrhub.accounts.models import Agency, User
from vrhub.core.forms import GovukDateField, GovukForm
from vrhub.referrals.models import ProgrammeArea, Service

from .models import PanelDecision

# "14:30", "14.30", "9:00", "2:30pm", "2pm": the ways people write a time.
_TIME = re.compile(r"^(?P<hour>\d{1,2})(?:[:.](?P<minute>\d{2}))?\s*(?P<half>am|pm)?$")


def parse_time(typed: str) -> dt.time | None:
    """The time typed, or None if it is not a real time."""
    found = _TIME.match(typed.strip().lower().replace(" ", ""))
    if found is None:
        return None
    hour, minute = int(found["hour"]), int(found["minute"] or 0)
    if found["half"]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if found["half"] == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return dt.time(hour, minute)


class UserChoiceField(forms.ModelChoiceField):
    """A person, shown with their agency so two people with the same name can be told apart."""

    def label_from_instance(self, obj: Any) -> str:
        assert isinstance(obj, User)  # noqa: S101
        return f"{obj.full_name}, {obj.agency.name}"


class LaidOutForm(GovukForm):
    """A form its template lays out field by field (for the radios' conditional reveals)."""

    def laid_out(self) -> dict[str, forms.BoundField]:
        self.get_context()  # gives each widget its GOV.UK classes, errors included
        return {name: self[name] for name in self.fields}


class PanelScheduleForm(GovukForm):
    area = forms.ModelChoiceField(
        label="Area",
        queryset=ProgrammeArea.objects.none(),
        empty_label="Select an area",
        error_messages={
            "required": "Select the area the panel is for",
            "invalid_choice": "Select an area from the list",
        },
    )
    date = GovukDateField(
        label="Date",
        noun="the date of the panel",
        must_be_past=False,
        help_text="For example, 3 12 2026",
    )
    time = forms.CharField(
        label="Time",
        max_length=10,
        help_text="For example, 14:30 or 2:30pm",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "autocomplete": "off"}),
        error_messages={"required": "Enter the time the panel meets"},
    )
    location = forms.CharField(
        label="Location",
        max_length=200,
        help_text="The room, or how to join the meeting online.",
        error_messages={
            "required": "Enter where the panel meets, or how to join it",
            "max_length": "Location must be 200 characters or fewer",
        },
    )
    chair = UserChoiceField(
        label="Chair",
        queryset=User.objects.none(),
        empty_label="Select the chair",
        help_text="A caseworker or programme manager.",
        error_messages={
            "required": "Select who chairs the panel",
            "invalid_choice": "Select a chair from the list",
        },
    )

    def __init__(self, *args: Any, areas: Any, chairs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, queryset in (("area", areas), ("chair", chairs)):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
            field.queryset = queryset

    def clean_time(self) -> dt.time:
        parsed = parse_time(self.cleaned_data["time"])
        if parsed is None:
            raise forms.ValidationError("Enter a real time, like 14:30 or 2:30pm")
        return parsed

    def meets_at(self) -> dt.datetime:
        """The date and time, in the partnership's time zone."""
        day: dt.date = self.cleaned_data["date"]
        at: dt.time = self.cleaned_data["time"]
        return timezone.make_aware(dt.datetime.combine(day, at))


class ContributionForm(GovukForm):
    information = forms.CharField(
        label="What your agency holds about this person",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Everyone on the panel sees this. Share what the panel needs to decide: "
        "your agency's contact with the person, risks and anything in place now.",
        error_messages={
            "required": "Enter what your agency holds about the person",
            "max_length": "Information must be 5,000 characters or fewer",
        },
    )
    criminally_active = forms.BooleanField(
        label="Police record this person as criminally active", required=False
    )

    def __init__(self, *args: Any, agency: Agency, police: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["information"].label = f"What {agency.name} holds about this person"
        if not police:
            # Only police may say so; the service refuses it from anyone else too.
            del self.fields["criminally_active"]


class DecisionForm(LaidOutForm):
    # In the order of the page: the caseworker and onward service are revealed by their
    # decision's radio, the reason follows the radios.
    decision = forms.ChoiceField(
        label="The panel's decision",
        choices=PanelDecision.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the panel's decision",
            "invalid_choice": "Select the panel's decision",
        },
    )
    caseworker = UserChoiceField(
        label="Caseworker, if the panel accepts",
        queryset=User.objects.none(),
        required=False,
        empty_label="Assign a caseworker later",
        help_text="Who makes the CIRV offer to the person.",
        error_messages={"invalid_choice": "Select a caseworker from the list"},
    )
    onward_service = forms.ModelChoiceField(
        label="Service the person is referred on to, if not suitable",
        queryset=Service.objects.none(),
        required=False,
        empty_label="Select a service",
        error_messages={"invalid_choice": "Select a service from the list"},
    )
    reason = forms.CharField(
        label="Reason",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Why the person is not suitable, or what information the panel needs. "
        "Optional if the panel accepts the person.",
        error_messages={"max_length": "Reason must be 1,000 characters or fewer"},
    )

    def __init__(self, *args: Any, caseworkers: Any, services: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, queryset in (("caseworker", caseworkers), ("onward_service", services)):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
            field.queryset = queryset
