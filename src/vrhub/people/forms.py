from __future__ import annotations

from typing import Any

from django import forms

from vrhub.core.forms import GovukForm


class UnmergeForm(GovukForm):
    reason = forms.CharField(
        label="Why is the merge being undone?",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, the two records have different dates of birth at the GP.",
        error_messages={"required": "Enter why the merge is being undone"},
    )


class WhoForm(GovukForm):
    """Who the referral is about: one of the candidates, or a new person."""

    person = forms.ChoiceField(
        label="Who is this referral about?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select who this referral is about",
            "invalid_choice": "Select who this referral is about",
        },
    )

    def __init__(self, *args: Any, candidates: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [  # type: ignore[attr-defined]
            *candidates,
            ("new", "None of these: this is a new person"),
        ]


class CheckLinkForm(GovukForm):
    answer = forms.ChoiceField(
        label="Is this the same person?",
        widget=forms.RadioSelect,
        choices=[
            ("confirm", "Yes, the link is right"),
            ("undo", "No: record them as a new person"),
        ],
        error_messages={
            "required": "Select whether the link is right",
            "invalid_choice": "Select whether the link is right",
        },
    )


class MergeForm(GovukForm):
    decision = forms.ChoiceField(
        label="Are they the same person?",
        widget=forms.RadioSelect,
        choices=[
            ("merge", "Yes: merge them into one person"),
            ("not_same", "No: they are different people"),
        ],
        error_messages={
            "required": "Select whether they are the same person",
            "invalid_choice": "Select whether they are the same person",
        },
    )
    reason = forms.CharField(
        label="Why are these the same person? (optional)",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Do not include details of the person's circumstances.",
    )


class ListForm(GovukForm):
    file = forms.FileField(
        label="Upload a list (CSV)",
        help_text=(
            "One row per person, with a header row: id, forename, surname, date_of_birth, "
            "postcode, sex. Only forename or surname, or a date of birth, is needed on each row."
        ),
        error_messages={"required": "Select a CSV file"},
    )
