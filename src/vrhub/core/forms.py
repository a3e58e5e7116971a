"""Forms that render the GOV.UK Design System way: labels, hints, error messages and summary."""

from __future__ import annotations

from typing import Any

from django import forms

_INPUT_CLASSES = {
    "select": "govuk-select",
    "textarea": "govuk-textarea",
    "checkbox": "govuk-checkboxes__input",
    "checkboxselectmultiple": "",
    "radioselect": "",
}
_ERROR_CLASSES = {"select": "govuk-select--error", "textarea": "govuk-textarea--error"}


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
                classes.append(_ERROR_CLASSES.get(widget_type, "govuk-input--error"))
            attrs = field.widget.attrs
            if classes:
                attrs["class"] = " ".join(dict.fromkeys(" ".join(classes).split()))
            if described_by and widget_type not in ("checkboxselectmultiple", "radioselect"):
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
    if bound.widget_type in ("checkboxselectmultiple", "radioselect"):
        return f"{bound.auto_id}_0"
    return str(bound.auto_id)
