"""Every change to agencies, users and sign-in state, each audited in the same transaction."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from rest_framework.authtoken.models import Token

from vrhub.audit.models import AuditAction
from vrhub.audit.services import record

from .models import Agency, Role, RoleAssignment, User


class SignInResult(Enum):
    SIGNED_IN = "signed_in"
    INVALID = "invalid"
    LOCKED = "locked"


@dataclass(frozen=True)
class SignInOutcome:
    result: SignInResult
    locked_until: datetime | None = None


def sign_in(*, request: HttpRequest, email: str, password: str) -> SignInOutcome:
    """Check the email and password, lock the account after repeated failures, and audit it all.

    The typed email is never written to the trail: a mistyped password pasted into the email box
    would otherwise be kept for ever.
    """
    now = timezone.now()
    with transaction.atomic(durable=True):
        user = User.objects.select_for_update().filter(email__iexact=email.strip()).first()
        if user is not None and user.is_locked(at=now):
            record(
                action=AuditAction.SIGN_IN_LOCKED, actor=user, target_type="user", target_id=user.pk
            )
            return SignInOutcome(SignInResult.LOCKED, user.locked_until)

        authenticated = authenticate(request, username=email.strip(), password=password)
        # The backend finds accounts by the same case-insensitive email, so a success is `user`.
        if authenticated is not None and user is not None:
            user.failed_sign_in_count = 0
            user.locked_until = None
            user.save(update_fields=["failed_sign_in_count", "locked_until", "updated_at"])
            login(request, user)
            record(action=AuditAction.SIGN_IN, actor=user, target_type="user", target_id=user.pk)
            return SignInOutcome(SignInResult.SIGNED_IN)

        if user is None:
            record(
                action=AuditAction.SIGN_IN_FAILED, actor=None, detail={"reason": "unknown_account"}
            )
            return SignInOutcome(SignInResult.INVALID)

        user.failed_sign_in_count += 1
        reason = "wrong_password" if user.is_active else "inactive_account"
        record(
            action=AuditAction.SIGN_IN_FAILED,
            actor=user,
            target_type="user",
            target_id=user.pk,
            detail={"reason": reason, "failures_in_a_row": user.failed_sign_in_count},
        )
        if user.failed_sign_in_count >= settings.VRHUB_SIGN_IN_MAX_FAILURES:
            user.locked_until = now + settings.VRHUB_SIGN_IN_LOCKOUT
            user.failed_sign_in_count = 0
            record(
                action=AuditAction.ACCOUNT_LOCKED,
                actor=user,
                target_type="user",
                target_id=user.pk,
                detail={"minutes": int(settings.VRHUB_SIGN_IN_LOCKOUT.total_seconds() // 60)},
            )
        user.save(update_fields=["failed_sign_in_count", "locked_until", "updated_at"])
        if user.locked_until is not None and user.locked_until > now:
            return SignInOutcome(SignInResult.LOCKED, user.locked_until)
        return SignInOutcome(SignInResult.INVALID)


def sign_out(*, request: HttpRequest) -> None:
    user = request.user
    with transaction.atomic(durable=True):
        if isinstance(user, User):
            record(action=AuditAction.SIGN_OUT, actor=user, target_type="user", target_id=user.pk)
        logout(request)


def password_change(*, user: User, new_password: str) -> None:
    validate_password(new_password, user)
    with transaction.atomic(durable=True):
        user.set_password(new_password)
        user.save(update_fields=["password", "updated_at"])
        record(
            action=AuditAction.USER_UPDATED,
            actor=user,
            target_type="user",
            target_id=user.pk,
            detail={"changed": ["password"]},
        )


def agency_create(
    *, actor: User | None, name: str, kind: str, area: str = "", hosts_partnership: bool = False
) -> Agency:
    """Add an agency. `actor` is None only when vrhub builds its own demo world."""
    with transaction.atomic(durable=True):
        agency = Agency.objects.create(
            name=name, kind=kind, area=area, hosts_partnership=hosts_partnership
        )
        record(
            action=AuditAction.AGENCY_CREATED,
            actor=actor,
            target_type="agency",
            target_id=agency.pk,
            detail={"kind": kind},
        )
    return agency


def agency_update(
    *, actor: User, agency: Agency, name: str, kind: str, area: str, is_active: bool
) -> Agency:
    changes = {
        field: value
        for field, value in {
            "name": name,
            "kind": kind,
            "area": area,
            "is_active": is_active,
        }.items()
        if getattr(agency, field) != value
    }
    if not changes:
        return agency
    with transaction.atomic(durable=True):
        for field, value in changes.items():
            setattr(agency, field, value)
        agency.save(update_fields=[*changes, "updated_at"])
        record(
            action=AuditAction.AGENCY_UPDATED,
            actor=actor,
            target_type="agency",
            target_id=agency.pk,
            detail={"changed": sorted(changes)},
        )
    return agency


def _set_roles(user: User, roles: Iterable[Role]) -> None:
    wanted = {Role(r) for r in roles}
    RoleAssignment.objects.filter(user=user).exclude(role__in=wanted).delete()
    have = set(RoleAssignment.objects.filter(user=user).values_list("role", flat=True))
    RoleAssignment.objects.bulk_create(
        RoleAssignment(user=user, role=r) for r in sorted(wanted - have)
    )
    user._roles_cache = frozenset(wanted)


def user_create(
    *,
    actor: User | None,
    email: str,
    full_name: str,
    agency: Agency,
    roles: Iterable[Role],
    password: str | None = None,
) -> User:
    """Create a user account. `actor` is None only when vrhub builds its own demo world."""
    roles = sorted({Role(r) for r in roles})
    with transaction.atomic(durable=True):
        user = User.objects.create_user(
            email=email, password=None, full_name=full_name, agency=agency
        )
        if password:
            validate_password(password, user)
            user.set_password(password)
            user.save(update_fields=["password"])
        _set_roles(user, roles)
        record(
            action=AuditAction.USER_CREATED,
            actor=actor,
            agency=agency,
            target_type="user",
            target_id=user.pk,
            detail={"roles": [str(r) for r in roles]},
        )
    return user


def user_update(
    *,
    actor: User,
    user: User,
    full_name: str,
    agency: Agency,
    roles: Iterable[Role],
    is_active: bool,
) -> User:
    new_roles = frozenset(Role(r) for r in roles)
    changed = [
        field
        for field, value in (("full_name", full_name), ("agency", agency), ("is_active", is_active))
        if getattr(user, field) != value
    ]
    roles_changed = new_roles != user.roles
    if not changed and not roles_changed:
        return user
    with transaction.atomic(durable=True):
        user.full_name, user.agency, user.is_active = full_name, agency, is_active
        user.save(update_fields=[*changed, "updated_at"])
        if roles_changed:
            _set_roles(user, new_roles)
        detail: dict[str, list[str]] = {"changed": changed + (["roles"] if roles_changed else [])}
        if roles_changed:
            detail["roles"] = sorted(str(r) for r in new_roles)
        record(
            action=AuditAction.USER_UPDATED,
            actor=actor,
            target_type="user",
            target_id=user.pk,
            detail=detail,
        )
        if not is_active:
            Token.objects.filter(user=user).delete()
    return user


def user_unlock(*, actor: User, user: User) -> None:
    with transaction.atomic(durable=True):
        user.locked_until = None
        user.failed_sign_in_count = 0
        user.save(update_fields=["locked_until", "failed_sign_in_count", "updated_at"])
        record(action=AuditAction.USER_UNLOCKED, actor=actor, target_type="user", target_id=user.pk)


def user_password_set(*, actor: User, user: User, new_password: str) -> None:
    """An administrator sets a new password for a user who has forgotten theirs; it also lifts
    any lock, since the user has proved who they are to the administrator."""
    validate_password(new_password, user)
    with transaction.atomic(durable=True):
        user.set_password(new_password)
        user.failed_sign_in_count = 0
        user.locked_until = None
        user.save(update_fields=["password", "failed_sign_in_count", "locked_until", "updated_at"])
        record(
            action=AuditAction.USER_PASSWORD_SET, actor=actor, target_type="user", target_id=user.pk
        )


def api_token_issue(*, user: User) -> str:
    """A new API token for the user, replacing any old one. Shown once, never stored in clear
    anywhere but the token table."""
    with transaction.atomic(durable=True):
        Token.objects.filter(user=user).delete()
        token = Token.objects.create(user=user)
        record(
            action=AuditAction.API_TOKEN_ISSUED, actor=user, target_type="user", target_id=user.pk
        )
    return str(token.key)


def api_token_revoke(*, user: User) -> None:
    with transaction.atomic(durable=True):
        deleted, _ = Token.objects.filter(user=user).delete()
        if deleted:
            record(
                action=AuditAction.API_TOKEN_REVOKED,
                actor=user,
                target_type="user",
                target_id=user.pk,
            )
