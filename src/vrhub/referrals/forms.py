"""The question pages of a referral: one thing per page, GOV.UK error messages."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django import forms

from vrhub.accounts.models import Agency
from vrhub.core.forms import GovukDateField, GovukForm

from .models import (
    Concern,
    Ethnicity,
    PersonAware,
    ProgrammeArea,
    RiskFactor,
    Service,
    Sex,
    Urgency,
)
from .validation import check_date_of_birth, check_phone, check_postcode

YES_NO = [("yes", "Yes"), ("no", "No")]


class NameForm(GovukForm):
    first_name = forms.CharField(
        label="First name",
        max_length=100,
        error_messages={"required": "Enter the person's first name"},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    last_name = forms.CharField(
        label="Last name",
        max_length=100,
        error_messages={"required": "Enter the person's last name"},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    other_names = forms.CharField(
        label="Other names they are known by (optional)",
        max_length=200,
        required=False,
        help_text="Nicknames, street names or previous names, separated by commas.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class DateOfBirthForm(GovukForm):
    date_of_birth = GovukDateField(
        label="Date of birth", noun="the person's date of birth", help_text="For example, 27 3 2010"
    )

    def clean_date_of_birth(self) -> date:
        born: date = self.cleaned_data["date_of_birth"]
        return check_date_of_birth(born)


class SexForm(GovukForm):
    sex = forms.ChoiceField(
        label="Sex",
        choices=Sex.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the person's sex"},
    )
    gender = forms.CharField(
        label="Gender, if different from sex (optional)",
        max_length=100,
        required=False,
        help_text="In the person's own words, if you know them.",
    )


class EthnicityForm(GovukForm):
    ethnicity = forms.ChoiceField(
        label="Ethnic group",
        choices=Ethnicity.choices,
        widget=forms.RadioSelect,
        help_text="The person's own description, using the 2021 census groups. Select 'Not known' "
        "if you do not know.",
        error_messages={"required": "Select the person's ethnic group, or 'Not known'"},
    )


class AddressForm(GovukForm):
    address = forms.CharField(
        label="Address",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off"}),
        error_messages={"required": "Enter the person's address"},
    )
    postcode = forms.CharField(
        label="Postcode",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "autocomplete": "off"}),
        error_messages={"required": "Enter the person's postcode"},
    )

    def clean_postcode(self) -> str:
        return check_postcode(self.cleaned_data["postcode"])


class SchoolAndPhoneForm(GovukForm):
    school = forms.CharField(
        label="School or college (optional)",
        max_length=200,
        required=False,
    )
    phone = forms.CharField(
        label="Phone number (optional)",
        max_length=30,
        required=False,
        help_text="The person's own number, if they are happy to be called.",
        widget=forms.TextInput(attrs={"type": "tel", "class": "govuk-input--width-20"}),
    )

    def clean_phone(self) -> str:
        return check_phone(self.cleaned_data["phone"])


class ConcernsForm(GovukForm):
    concerns = forms.MultipleChoiceField(
        label="What are you worried about?",
        choices=Concern.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply.",
        error_messages={"required": "Select at least one concern"},
    )
    concern_details = forms.CharField(
        label="Tell us what has happened (optional)",
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What you have seen or been told, and when.",
    )


class RiskFactorsForm(GovukForm):
    risk_factors = forms.MultipleChoiceField(
        label="Which of these apply to the person? (optional)",
        choices=RiskFactor.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Select all that apply, or none.",
    )


class ImmediateRiskForm(GovukForm):
    immediate_risk = forms.TypedChoiceField(
        label="Is the person at immediate risk of harm?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        coerce=lambda v: v == "yes",
        error_messages={"required": "Select yes if the person is at immediate risk of harm"},
    )


class PersonAwareForm(GovukForm):
    person_aware = forms.ChoiceField(
        label="Does the person know about this referral?",
        choices=PersonAware.choices,
        widget=forms.RadioSelect,
        help_text="CIRV is voluntary: the person decides whether to take part.",
        error_messages={"required": "Select whether the person knows about the referral"},
    )


class UrgencyForm(GovukForm):
    urgency = forms.ChoiceField(
        label="How urgent is this referral?",
        choices=Urgency.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how urgent the referral is"},
    )


class SignpostForm(GovukForm):
    service = forms.ModelChoiceField(
        label="Where was the person referred instead?",
        queryset=Service.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": "Select the service the person was referred to",
            "invalid_choice": "Select a service from the list",
        },
    )

    def __init__(self, *args: Any, services: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["service"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
        field.queryset = services


DISTRICT = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")


class ProgrammeAreaForm(GovukForm):
    postcode_districts = forms.CharField(
        label="Postcode districts served",
        help_text="The first part of the postcode, separated by commas or spaces, like CV1, CV2.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter at least one postcode district"},
    )
    minimum_age = forms.IntegerField(
        label="Minimum age",
        min_value=10,
        max_value=99,
        help_text="Age on the date of the referral.",
        error_messages={
            "required": "Enter the minimum age",
            "invalid": "Minimum age must be a whole number, like 14",
            "min_value": "Minimum age must be 10 or more",
            "max_value": "Minimum age must be 99 or less",
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-2"}),
    )
    maximum_age = forms.IntegerField(
        label="Maximum age (optional)",
        min_value=10,
        max_value=99,
        required=False,
        error_messages={
            "invalid": "Maximum age must be a whole number, like 25",
            "min_value": "Maximum age must be 10 or more",
            "max_value": "Maximum age must be 99 or less",
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-2"}),
    )
    required_concerns = forms.MultipleChoiceField(
        label="Concerns CIRV works with in this area",
        choices=Concern.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="A referral must have at least one of these. Select none to accept any.",
    )
    is_active = forms.BooleanField(
        label="CIRV takes referrals in this area",
        required=False,
        help_text="If not, referrals from here are out of area.",
    )

    def clean_postcode_districts(self) -> list[str]:
        typed = self.cleaned_data["postcode_districts"].upper()
        districts = [d for d in re.split(r"[\s,]+", typed) if d]
        wrong = [d for d in districts if not DISTRICT.match(d)]
        if wrong:
            raise forms.ValidationError(
                f"These are not postcode districts: {', '.join(wrong)}. Enter districts like CV1"
            )
        return sorted(set(districts), key=districts.index)

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        low, high = cleaned.get("minimum_age"), cleaned.get("maximum_age")
        if low is not None and high is not None and high < low:
            self.add_error(
                "maximum_age", "Maximum age must be the same as or more than the minimum"
            )
        return cleaned


class ServiceForm(GovukForm):
    name = forms.CharField(
        label="Name", max_length=200, error_messages={"required": "Enter the service's name"}
    )
    provider = forms.ModelChoiceField(
        label="Provided by",
        queryset=Agency.objects.none(),
        empty_label="Select an agency",
        error_messages={
            "required": "Select the agency that provides the service",
            "invalid_choice": "Select an agency from the list",
        },
    )
    areas = forms.ModelMultipleChoiceField(
        label="Areas it serves",
        queryset=ProgrammeArea.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    serves_out_of_area = forms.BooleanField(
        label="Also takes people from outside the programme areas", required=False
    )
    minimum_age = forms.IntegerField(
        label="Youngest age",
        min_value=0,
        max_value=99,
        error_messages={
            "required": "Enter the youngest age the service takes",
            "invalid": "Enter a whole number, like 11",
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-2"}),
    )
    maximum_age = forms.IntegerField(
        label="Oldest age (optional)",
        min_value=0,
        max_value=120,
        required=False,
        error_messages={"invalid": "Enter a whole number, like 25"},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-2"}),
    )
    offers = forms.CharField(
        label="What it offers",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say what the service offers"},
    )
    how_to_refer = forms.CharField(
        label="How to refer",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say how to refer someone to the service"},
    )
    is_active = forms.BooleanField(label="In the directory", required=False, initial=True)

    def __init__(self, *args: Any, instance: Service | None = None, **kwargs: Any) -> None:
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": instance.name,
                "provider": instance.provider_id,
                "areas": list(instance.areas.values_list("pk", flat=True)),
                "serves_out_of_area": instance.serves_out_of_area,
                "minimum_age": instance.minimum_age,
                "maximum_age": instance.maximum_age,
                "offers": instance.offers,
                "how_to_refer": instance.how_to_refer,
                "is_active": instance.is_active,
            }
        super().__init__(*args, **kwargs)
        self.instance = instance
        field = self.fields["provider"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
        field.queryset = Agency.objects.filter(is_active=True)

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        others = Service.objects.filter(name__iexact=name)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError("A service with this name is already in the directory")
        return name

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        low, high = cleaned.get("minimum_age"), cleaned.get("maximum_age")
        if low is not None and high is not None and high < low:
            self.add_error("maximum_age", "Oldest age must be the same as or more than youngest")
        if not cleaned.get("areas") and not cleaned.get("serves_out_of_area"):
            self.add_error(
                "areas",
                "Select at least one area, or that it takes people from "
                "outside the programme areas",
            )
        return cleaned


class InformationRequestForm(GovukForm):
    request = forms.CharField(
        label="What do you need to know?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The referrer sees this and answers it in vrhub.",
        error_messages={"required": "Say what information you need from the referrer"},
    )


class InformationForm(GovukForm):
    information = forms.CharField(
        label="Your answer",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter the information the CIRV team asked for"},
    )
