from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from vrhub.core.forms import GovukForm

from .models import Agency, AgencyKind, Role, User
from .services import account_change_problems, agency_change_problems


class SignInForm(GovukForm):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "username", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        error_messages={"required": "Enter your password"},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class PasswordChangeForm(GovukForm):
    current_password = forms.CharField(
        label="Current password",
        strip=False,
        error_messages={"required": "Enter your current password"},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password = forms.CharField(
        label="New password",
        strip=False,
        help_text="At least 12 characters. Do not use a common password or one like your name.",
        error_messages={"required": "Enter a new password"},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_current_password(self) -> str:
        password: str = self.cleaned_data["current_password"]
        if not self.user.check_password(password):
            raise ValidationError("Your current password is not correct")
        return password

    def clean_new_password(self) -> str:
        password: str = self.cleaned_data["new_password"]
        validate_password(password, self.user)
        return password


class PasswordSetForm(GovukForm):
    new_password = forms.CharField(
        label="New password",
        strip=False,
        help_text="At least 12 characters. Give it to the user in person.",
        error_messages={"required": "Enter a new password"},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_new_password(self) -> str:
        password: str = self.cleaned_data["new_password"]
        validate_password(password, self.user)
        return password


class AgencyForm(GovukForm):
    name = forms.CharField(
        label="Name",
        max_length=200,
        error_messages={"required": "Enter the agency's name"},
    )
    kind = forms.ChoiceField(
        label="Kind of agency",
        choices=AgencyKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the kind of agency"},
    )
    area = forms.CharField(
        label="Area served",
        max_length=100,
        required=False,
        help_text="For example, Coventry or West Midlands.",
    )
    provides_mentors = forms.BooleanField(
        label="Provides mentors for the CIRV pathway",
        required=False,
        help_text="Its users with the mentor role can be assigned to people on the pathway.",
    )
    is_active = forms.BooleanField(
        label="Active",
        required=False,
        initial=True,
        help_text="Users of an inactive agency cannot be given new work.",
    )

    def __init__(self, *args: Any, instance: Agency | None = None, **kwargs: Any) -> None:
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": instance.name,
                "kind": instance.kind,
                "area": instance.area,
                "provides_mentors": instance.provides_mentors,
                "is_active": instance.is_active,
            }
        super().__init__(*args, **kwargs)
        self.instance = instance
        if instance is None:
            # A new agency starts active; deactivating is a change to an existing one.
            del self.fields["is_active"]

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        others = Agency.objects.filter(name__iexact=name)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise ValidationError("An agency with this name already exists")
        return name

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        problems = agency_change_problems(self.instance, is_active=cleaned.get("is_active", True))
        for field, message in problems.items():
            self.add_error(field, message)
        return cleaned


class UserForm(GovukForm):
    full_name = forms.CharField(
        label="Full name", max_length=200, error_messages={"required": "Enter the user's full name"}
    )
    email = forms.EmailField(
        label="Email address",
        error_messages={
            "required": "Enter the user's email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
        widget=forms.EmailInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )
    agency = forms.ModelChoiceField(
        label="Agency",
        queryset=Agency.objects.none(),
        empty_label="Select an agency",
        error_messages={
            "required": "Select the user's agency",
            "invalid_choice": "Select an agency from the list",
        },
    )
    roles = forms.MultipleChoiceField(
        label="Roles",
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply.",
        error_messages={"required": "Select at least one role"},
    )
    is_active = forms.BooleanField(
        label="Account active",
        required=False,
        initial=True,
        help_text="An inactive user cannot sign in and loses any API token.",
    )
    password = forms.CharField(
        label="First password",
        strip=False,
        help_text="Give this to the user in person; they should change it when they first sign in.",
        error_messages={"required": "Enter a first password for the user"},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(
        self,
        *args: Any,
        agencies: QuerySet[Agency],
        actor: User,
        instance: User | None = None,
        **kwargs: Any,
    ) -> None:
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "full_name": instance.full_name,
                "email": instance.email,
                "agency": instance.agency_id,
                "roles": [r.value for r in instance.sorted_roles],
                "is_active": instance.is_active,
            }
        super().__init__(*args, **kwargs)
        self.instance = instance
        self.actor = actor
        agency_field = self.fields["agency"]
        assert isinstance(agency_field, forms.ModelChoiceField)  # noqa: S101
        # New users join active agencies; a user already in an inactive one can stay there.
        current = instance.agency_id if instance is not None else None
        agency_field.queryset = agencies.filter(Q(is_active=True) | Q(pk=current))
        if instance is None:
            # A new account starts active; deactivating is a change to an existing one.
            del self.fields["is_active"]
        else:
            # Email is the sign-in name: it does not change once the account exists.
            del self.fields["email"]
            del self.fields["password"]

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError("A user with this email address already exists")
        return email

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        if "roles" in cleaned:
            problems = account_change_problems(
                actor=self.actor,
                user=self.instance,
                agency=cleaned.get("agency"),
                roles=cleaned["roles"],
                is_active=cleaned.get("is_active", True),
            )
            for field, message in problems.items():
                self.add_error(field, message)
        password = cleaned.get("password")
        if password and "password" in self.fields:
            probe = User(email=cleaned.get("email", ""), full_name=cleaned.get("full_name", ""))
            try:
                validate_password(password, probe)
            except ValidationError as error:
                self.add_error("password", error)
        return cleaned
