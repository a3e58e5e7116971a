"""Forms that render the GOV.UK Design System way: labels, hints, error messages and summary."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone

_INPUT_CLASSES = {
    "select": "govuk-select",
    "textarea": "govuk-textarea",
    "checkbox": "govuk-checkboxes__input",
    "checkboxselectmultiple": "",
    "radioselect": "",
    "govukdate": "",
}
# The error style of each kind of input; choices (checkboxes, radios, dates) show their error on
# the form group and fieldset instead.
_ERROR_CLASSES = {
    "select": "govuk-select--error",
    "textarea": "govuk-textarea--error",
    "checkbox": "",
    "checkboxselectmultiple": "",
    "radioselect": "",
}


# Widgets rendered as a fieldset: their hint and error belong to the fieldset, not an input.
_FIELDSETS = ("checkboxselectmultiple", "radioselect", "govukdate")


class GovukFormMixin:
    """Adds GOV.UK classes and ARIA links to each widget at render time, when errors are known."""

    template_name = "govuk/form.html"
    fields: dict[str, forms.Field]

    def get_context(self) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context()  # type: ignore[misc]
        for name, field in self.fields.items():
            bound = self[name]  # type: ignore[index]
            widget_type = bound.widget_type
            css = _INPUT_CLASSES.get(widget_type, "govuk-input")
            classes = [c for c in [css, field.widget.attrs.get("class", "")] if c]
            described_by = []
            if field.help_text:
                described_by.append(f"{bound.auto_id}-hint")
            if bound.errors:
                described_by.append(f"{bound.auto_id}-error")
                error_class = _ERROR_CLASSES.get(widget_type, "govuk-input--error")
                if error_class:
                    classes.append(error_class)
            attrs = field.widget.attrs
            if classes:
                attrs["class"] = " ".join(dict.fromkeys(" ".join(classes).split()))
            if described_by and widget_type not in _FIELDSETS:
                attrs["aria-describedby"] = " ".join(described_by)
        return context


class GovukForm(GovukFormMixin, forms.Form):
    pass


def error_target_id(form: forms.BaseForm, field_name: str | None) -> str:
    """The id an error summary link points at: the field itself, or its first option."""
    if field_name is None or field_name not in form.fields:
        name = next(iter(form.fields), "")
    else:
        name = field_name
    bound = form[name]
    if bound.widget_type in _FIELDSETS:
        return f"{bound.auto_id}_0"
    return str(bound.auto_id)


class GovukDateWidget(forms.MultiWidget):
    """The GOV.UK date input: day, month and year in three boxes."""

    template_name = "govuk/date_input.html"

    def __init__(self) -> None:
        box = {"inputmode": "numeric"}
        super().__init__(
            [forms.TextInput(attrs=box), forms.TextInput(attrs=box), forms.TextInput(attrs=box)]
        )

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class GovukDateField(forms.MultiValueField):
    """A date typed as day, month and year, with the GOV.UK error messages for each mistake."""

    widget = GovukDateWidget

    def __init__(self, *, noun: str, must_be_past: bool = True, **kwargs: Any) -> None:
        self.noun = noun
        self.must_be_past = must_be_past
        Noun = noun[0].upper() + noun[1:]
        part = {"invalid": f"{Noun} must be a real date"}
        super().__init__(
            fields=(
                forms.IntegerField(required=False, error_messages=part),
                forms.IntegerField(required=False, error_messages=part),
                forms.IntegerField(required=False, error_messages=part),
            ),
            require_all_fields=False,
            error_messages={"required": f"Enter {noun}", "incomplete": f"Enter {noun}"},
            **kwargs,
        )

    def compress(self, data_list: list[Any]) -> date | None:
        if not data_list or all(v in (None, "") for v in data_list):
            return None
        Noun = self.noun[0].upper() + self.noun[1:]
        day, month, year = data_list
        missing = [
            name
            for name, v in zip(("day", "month", "year"), data_list, strict=True)
            if v in (None, "")
        ]
        if missing:
            raise forms.ValidationError(f"{Noun} must include a {' and a '.join(missing)}")
        if year < 1000:
            this_year = timezone.localdate().year
            raise forms.ValidationError(f"Year must include 4 numbers, like {this_year}")
        try:
            value = date(year, month, day)
        except ValueError:
            raise forms.ValidationError(f"{Noun} must be a real date") from None
        if self.must_be_past and value >= timezone.localdate():
            raise forms.ValidationError(f"{Noun} must be in the past")
        return value
