"""Forms of the measures pages: the choices above each page's figures, and the import uploads.

The choices are GET forms: an area, a period or a measure is not personal data, so a page of
figures can be bookmarked and shared by its address.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import PurePosixPath
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.forms.utils import flatatt
from django.http import QueryDict
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from vrhub.core.forms import GovukForm

from .analysis.areas import LEVEL_NAMES, LEVELS, PARTNERSHIP, Area
from .analysis.periods import Granularity
from .models import ImportKind

GRANULARITIES = [(g.value, g.label) for g in Granularity]


def area_value(area: Area) -> str:
    """How an area is written in a page's address: `la:E08000026`, or `partnership`."""
    return PARTNERSHIP if area.level == PARTNERSHIP else f"{area.level}:{area.code}"


def parse_area_value(value: str) -> tuple[str, str]:
    if value == PARTNERSHIP:
        return PARTNERSHIP, PARTNERSHIP
    level, _, code = value.partition(":")
    return level, code


def grouped_area_choices(areas: Sequence[Area]) -> list[Any]:
    """The areas as a select shows them: the partnership, then one group per level."""
    choices: list[Any] = []
    for level in LEVELS:
        options = [(area_value(a), a.name) for a in areas if a.level == level]
        if not options:
            continue
        if level == PARTNERSHIP:
            choices.extend(options)
        else:
            choices.append((LEVEL_NAMES[level], options))
    return choices


class Select(forms.Select):
    """A select that writes its own options.

    Django renders each option through a template, which takes most of a second for the
    hundreds of wards of a large partnership; this writes the same markup directly. The class
    keeps the name `Select` so GOV.UK classes are applied to it as to any select.
    """

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        chosen = set(self.format_value(value))
        final = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        parts = [format_html("<select{}>", flatatt(final))]

        def options(pairs: Sequence[tuple[Any, Any]]) -> None:
            for option_value, label in pairs:
                text = str(option_value)
                parts.append(
                    format_html(
                        '<option value="{}"{}>{}</option>',
                        text,
                        mark_safe(" selected") if text in chosen else "",
                        label,
                    )
                )

        for group_value, group_label in self.choices:
            if isinstance(group_label, list | tuple):
                parts.append(format_html('<optgroup label="{}">', group_value))
                options(group_label)
                parts.append(mark_safe("</optgroup>"))
            else:
                options([(group_value, group_label)])
        parts.append(mark_safe("</select>"))
        return mark_safe("".join(parts))  # noqa: S308 - every part is escaped above


def with_defaults(query: QueryDict, defaults: dict[str, str]) -> dict[str, Any]:
    """The page's choices: what the address says, else the defaults."""
    return {**defaults, **query.dict()}


class ChoicesForm(GovukForm):
    """A page's choices. `find_area` looks up an area typed into the address that the select
    does not list (a ward outside the partnership, say)."""

    DEFAULTS: dict[str, str] = {}

    def __init__(
        self,
        query: QueryDict,
        *,
        areas: Sequence[Area] = (),
        find_area: Callable[[str, str], Area | None] | None = None,
        defaults: dict[str, str] | None = None,
        **choices: Sequence[tuple[str, str]],
    ) -> None:
        super().__init__(with_defaults(query, self.DEFAULTS | (defaults or {})))
        self.find_area = find_area
        if "area" in self.fields:
            area_field = self.fields["area"]
            assert isinstance(area_field, forms.ChoiceField)  # noqa: S101
            listed = grouped_area_choices(areas)
            chosen = str(self.data.get("area", ""))
            if find_area is not None and chosen not in {area_value(a) for a in areas}:
                extra = find_area(*parse_area_value(chosen))
                if extra is not None:
                    listed.append((extra.level_name, [(area_value(extra), extra.name)]))
            area_field.choices = listed
        for name, options in choices.items():
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)  # noqa: S101
            field.choices = list(options)
            # Nothing to choose from yet (no deflators imported, say): the page says why.
            field.required = bool(options)

    def clean_area(self) -> Area:
        level, code = parse_area_value(self.cleaned_data["area"])
        found = self.find_area(level, code) if self.find_area else None
        if found is None:
            raise forms.ValidationError("Select an area from the list")
        return found

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        code = str(cleaned.get("lsoa") or "").strip().upper()
        if code and "area" in self.fields:
            found = self.find_area("lsoa", code) if self.find_area else None
            if found is None:
                self.add_error("lsoa", "Enter an LSOA code from the areas table, like E01009564")
            else:
                cleaned["area"] = found
        return cleaned


def _lsoa_field() -> forms.CharField:
    return forms.CharField(
        label="Or an LSOA code",
        required=False,
        max_length=9,
        help_text="For example, E01009564",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "spellcheck": "false"}),
    )


def _area_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label="Area",
        widget=Select,
        error_messages={
            "required": "Select an area",
            "invalid_choice": "Select an area from the list",
        },
    )


def _choice(label: str, noun: str, **kwargs: Any) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        error_messages={
            "required": f"Select {noun}",
            "invalid_choice": f"Select {noun} from the list",  # noqa: S608 - not SQL
        },
        **kwargs,
    )


def _under_25() -> forms.BooleanField:
    return forms.BooleanField(
        label="Under-25 victims and patients only",
        required=False,
        help_text="Police.uk does not record age: its crime types have no under-25 figures.",
    )


class SeriesForm(ChoicesForm):
    """The dashboard's and a measure's choices: where, by what period, and whose age."""

    DEFAULTS = {"area": PARTNERSHIP, "granularity": Granularity.FINANCIAL_YEAR.value}

    area = _area_field()
    lsoa = _lsoa_field()
    granularity = _choice("Show figures by", "how to show the figures", choices=GRANULARITIES)
    under_25 = _under_25()


class ConcentrationForm(ChoicesForm):
    DEFAULTS = {"measure": "knife_crime", "area": PARTNERSHIP, "period": "last-12"}

    measure = _choice("Measure", "a measure")
    area = _area_field()
    lsoa = _lsoa_field()
    period = _choice("Period", "a period")


class HotSpotsForm(ChoicesForm):
    DEFAULTS = {"measure": "knife_crime", "area": PARTNERSHIP, "period": "last-12", "size": "8"}

    measure = _choice("Measure", "a measure")
    area = _area_field()
    lsoa = _lsoa_field()
    period = _choice("Period", "a period")
    size = _choice(
        "Hexagon size",
        "a hexagon size",
        choices=[
            ("7", "Large: about 5 square kilometres"),
            ("8", "Medium: about 0.7 square kilometres"),
            ("9", "Small: about 0.1 square kilometres"),
        ],
    )


class SeasonalityForm(ChoicesForm):
    DEFAULTS = {"measure": "knife_crime", "area": PARTNERSHIP}

    measure = _choice("Measure", "a measure")
    area = _area_field()
    lsoa = _lsoa_field()


class CostForm(ChoicesForm):
    DEFAULTS = {"area": PARTNERSHIP, "period": "last-12", "price_year": ""}

    area = _area_field()
    lsoa = _lsoa_field()
    period = _choice("Period", "a period")
    price_year = _choice(
        "Prices of",
        "the year whose prices to use",
        help_text="Costs are inflated or deflated to this financial year with the GDP deflators.",
    )


# Imports.


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


ACCEPTED = (".csv", ".zip")
# Police.uk's archive holds outcomes and stop-and-search files beside the street files: the
# import skips those, so a folder can be chosen whole.
MANY_FILES = frozenset({ImportKind.POLICE_UK, ImportKind.FORCE_EXTRACT, ImportKind.ISTV})


class ImportForm(GovukForm):
    # Named `file`, not `files`: a form's `files` are the uploads it was given.
    file = MultipleFileField(label="Files", required=False)
    folder = MultipleFileField(label="Or a folder", required=False)
    force = _choice("Which force is the extract from?", "the force the extract is from")

    def __init__(
        self,
        data: QueryDict | None,
        files: Any,
        *,
        kind: ImportKind,
        forces: Sequence[tuple[str, str]] = (),
    ) -> None:
        super().__init__(data, files)
        self.kind = kind
        if kind != ImportKind.POLICE_UK:
            del self.fields["folder"]
        if kind == ImportKind.FORCE_EXTRACT:
            force_field = self.fields["force"]
            assert isinstance(force_field, forms.ChoiceField)  # noqa: S101
            force_field.choices = [("", "Select a force"), *forces]
        else:
            del self.fields["force"]

    @property
    def many(self) -> bool:
        return self.kind in MANY_FILES

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        chosen = [*cleaned.get("file", []), *cleaned.get("folder", [])]
        if not chosen:
            self.add_error(
                "file",
                "Select the files or a folder to import"
                if "folder" in self.fields
                else "Select a file to import",
            )
            return cleaned
        if not self.many and len(chosen) > 1:
            self.add_error("file", "Select one file: this table is replaced by a single file")
        unreadable = [
            f.name
            for f in cleaned.get("file", [])
            if PurePosixPath(f.name or "").suffix.lower() not in ACCEPTED
        ]
        if unreadable:
            self.add_error(
                "file",
                f"{unreadable[0]} is not a CSV or zip file: select CSV files or a zip of them",
            )
        cleaned["uploads"] = [
            f
            for f in chosen
            # A folder holds whatever else was saved in it; only its CSV and zip files count.
            if f in cleaned.get("file", [])
            or PurePosixPath(f.name or "").suffix.lower() in ACCEPTED
        ]
        if not cleaned["uploads"] and not self.errors:
            self.add_error("folder", "The selected folder has no CSV or zip files in it")
        return cleaned
