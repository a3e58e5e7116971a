"""Forms of the at-risk list, disruption and programme figures pages."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from vrhub.core.forms import GovukDateField, GovukForm

from .services import CaseRefused


def add_problems(form: forms.Form, refused: CaseRefused) -> None:
    """Show a service's refusal on the form, each message at its field."""
    for name, message in refused.problems.items():
        form.add_error(name if name in form.fields else None, message)


class RejustifyForm(GovukForm):
    justification = forms.CharField(
        label="Why must the person stay on the list?",
        help_text="What has happened since the last review. Do not copy the last reason.",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Say why the person must stay on the list",
            "max_length": "The reason must be 500 characters or fewer",
        },
    )
    next_review_on = GovukDateField(
        noun="the next review date",
        must_be_past=False,
        label="Next review date",
        help_text="Within 3 months of today, for example 27 3 2027.",
    )


class ExportForm(GovukForm):
    REDACTED = "redacted"
    NAMES = "names"

    version = forms.ChoiceField(
        label="Which version do you need?",
        widget=forms.RadioSelect,
        choices=[
            (REDACTED, "Without names: case references, initials and age bands"),
            (NAMES, "With names and dates of birth: a share, recorded in the share log"),
        ],
        error_messages={"required": "Select which version to download"},
    )
    recipient = forms.CharField(
        label="Who is it for?",
        help_text="The person and organisation. Needed for a version with names.",
        max_length=200,
        required=False,
        error_messages={"max_length": "Who it is for must be 200 characters or fewer"},
    )
    purpose = forms.CharField(
        label="Why do they need it?",
        help_text="Needed for a version with names.",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "Why they need it must be 500 characters or fewer"},
    )

    @property
    def redacted(self) -> bool:
        return self.cleaned_data.get("version") != self.NAMES


class PopulationUploadForm(GovukForm):
    file = forms.FileField(
        label="Upload a file",
        required=False,
        help_text="A CSV file with the columns dimension, category, percent and source.",
        error_messages={"empty": "The selected file is empty"},
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if upload is None:
            raise forms.ValidationError("Select a CSV file")
        if not (upload.name or "").lower().endswith(".csv"):
            raise forms.ValidationError("The selected file must be a CSV")
        return upload


class DisruptionForm(GovukForm):
    criminally_active = forms.BooleanField(
        label="Police record the person as criminally active",
        required=False,
    )
    basis = forms.CharField(
        label="What shows that the person is criminally active?",
        help_text="The police information this rests on, with its reference.",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "The basis must be 500 characters or fewer"},
    )
    actions = forms.CharField(
        label="Disruption actions",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"max_length": "The actions must be 5000 characters or fewer"},
    )


class PeriodForm(GovukForm):
    start = GovukDateField(noun="the start date", must_be_past=False, label="From", required=False)
    end = GovukDateField(noun="the end date", must_be_past=False, label="To", required=False)

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        start: date | None = cleaned.get("start")
        end: date | None = cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", "The end date must be the same as or after the start date")
        return cleaned
