from __future__ import annotations

from typing import Any

from django import forms, template

from vrhub.core.forms import error_target_id

register = template.Library()


@register.inclusion_tag("govuk/error_summary.html")
def govuk_error_summary(*forms_: forms.BaseForm) -> dict[str, Any]:
    """One summary for all the forms on a page, each error linked to its field."""
    errors: list[tuple[str, str]] = []
    for form in forms_:
        if not form or not form.is_bound:
            continue
        # In the order of the page: errors about the whole form first, then field by field.
        order = {name: position for position, name in enumerate(form.fields)}
        for name, messages in sorted(form.errors.items(), key=lambda e: order.get(e[0], -1)):
            target = error_target_id(form, None if name == "__all__" else name)
            errors.extend((target, str(m)) for m in messages)
    return {"errors": errors}
