from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from vrhub.accounts.models import Agency, User
from vrhub.core.forms import GovukForm

from .models import AuditAction
from .selectors import AuditFilter

DATE_FORMATS = ["%d/%m/%Y", "%d %m %Y", "%Y-%m-%d", "%d-%m-%Y"]


class AuditFilterForm(GovukForm):
    user = forms.ModelChoiceField(
        label="User",
        queryset=User.objects.none(),
        required=False,
        empty_label="Any user",
        error_messages={"invalid_choice": "Select a user from the list"},
    )
    agency = forms.ModelChoiceField(
        label="Agency",
        queryset=Agency.objects.none(),
        required=False,
        empty_label="Any agency",
        error_messages={"invalid_choice": "Select an agency from the list"},
    )
    person = forms.CharField(
        label="Person ID",
        required=False,
        max_length=64,
        help_text="The ID of the person whose record was touched.",
    )
    action = forms.ChoiceField(
        label="Action",
        required=False,
        choices=[("", "Any action"), *AuditAction.choices],
        error_messages={"invalid_choice": "Select an action from the list"},
    )
    date_from = forms.DateField(
        label="From",
        required=False,
        input_formats=DATE_FORMATS,
        help_text="For example, 27/3/2026",
        error_messages={"invalid": "Enter the start date as a real date, like 27/3/2026"},
    )
    date_to = forms.DateField(
        label="To",
        required=False,
        input_formats=DATE_FORMATS,
        help_text="For example, 31/3/2026",
        error_messages={"invalid": "Enter the end date as a real date, like 31/3/2026"},
    )

    def __init__(
        self,
        *args: Any,
        users: QuerySet[User],
        agencies: QuerySet[Agency],
        actions: list[tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if actions is not None:
            action = self.fields["action"]
            assert isinstance(action, forms.ChoiceField)  # noqa: S101
            action.choices = [("", "Any action"), *actions]
        for name, queryset in (("user", users), ("agency", agencies)):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
            field.queryset = queryset

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The end date must be the same as or after the start date")
        return cleaned

    def criteria(self) -> AuditFilter:
        data = self.cleaned_data
        return AuditFilter(
            actor_id=data["user"].pk if data.get("user") else None,
            agency_id=data["agency"].pk if data.get("agency") else None,
            person_id=(data.get("person") or "").strip(),
            action=data.get("action") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )
