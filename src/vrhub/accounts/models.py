"""The partnership's agencies, the people who use vrhub, and the roles they hold."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.utils import timezone


class AgencyKind(models.TextChoices):
    """The kinds of body in a Serious Violence Duty partnership (PCSC Act 2022, Sch. 1 and 2)."""

    POLICE = "police", "Police"
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    HEALTH = "health", "Integrated care board or NHS trust"
    YOUTH_JUSTICE = "youth_justice", "Youth justice service"
    PROBATION = "probation", "Probation"
    FIRE_AND_RESCUE = "fire_and_rescue", "Fire and rescue"
    EDUCATION = "education", "Education (school or college)"
    VOLUNTARY = "voluntary", "Voluntary or community organisation"
    POLICE_AND_CRIME_COMMISSIONER = "pcc", "Police and crime commissioner"


class Role(models.TextChoices):
    REFERRER = "referrer", "Referrer"
    CASEWORKER = "caseworker", "Caseworker"
    MENTOR = "mentor", "Mentor"
    TRIAGE_PANEL_MEMBER = "triage_panel_member", "Triage panel member"
    PROGRAMME_MANAGER = "programme_manager", "Programme manager"
    ANALYST = "analyst", "Analyst"
    DATA_PROTECTION_OFFICER = "data_protection_officer", "Data protection officer"
    SCRUTINY_MEMBER = "scrutiny_member", "Scrutiny member"
    ADMINISTRATOR = "administrator", "Administrator"


class Agency(models.Model):
    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=32, choices=AgencyKind.choices)
    area = models.CharField(
        max_length=100, blank=True, help_text="The area it serves, like Coventry or West Midlands."
    )
    hosts_partnership = models.BooleanField(
        default=False,
        help_text="The agency that runs vrhub for the partnership. Its administrators manage "
        "every agency; other administrators manage their own agency only.",
    )
    provides_mentors = models.BooleanField(
        default=False,
        help_text="Its staff can be assigned as mentors on the CIRV pathway, like St Giles Trust.",
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager["User"]):
    def create_user(self, email: str, password: str | None = None, **extra_fields: Any) -> User:
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=username)


class User(AbstractBaseUser):
    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="users")
    is_active = models.BooleanField(default=True)
    failed_sign_in_count = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["full_name"]

    objects: ClassVar[UserManager] = UserManager()

    class Meta:
        ordering = ["full_name", "email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def roles(self) -> frozenset[Role]:
        """The user's roles, loaded once per request."""
        cached: frozenset[Role] | None = getattr(self, "_roles_cache", None)
        if cached is None:
            cached = frozenset(
                Role(r) for r in self.role_assignments.values_list("role", flat=True)
            )
            self._roles_cache = cached
        return cached

    @property
    def sorted_roles(self) -> list[Role]:
        order = list(Role)
        return sorted(self.roles, key=order.index)

    def is_locked(self, *, at: Any = None) -> bool:
        at = at or timezone.now()
        return self.locked_until is not None and self.locked_until > at


class RoleAssignment(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(max_length=32, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="one_assignment_per_role")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.role}"
