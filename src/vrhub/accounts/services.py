"""Every change to agencies, users and sign-in state, each audited in the same transaction."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import TypedDict

from django.conf import settings
from django.contrib.auth import login, logout
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from knox.models import AuthToken

from vrhub.audit.models import AuditAction
from vrhub.audit.services import record

from . import permissions
from .backends import PartnershipBackend
from .models import Agency, Role, RoleAssignment, User


class ChangeRefused(Exception):
    """A change that the partnership's rules forbid, with a message for each field."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(problems.values()))
        self.problems = problems


class SignInResult(Enum):
    SIGNED_IN = "signed_in"
    INVALID = "invalid"
    LOCKED = "locked"


@dataclass(frozen=True)
class SignInOutcome:
    result: SignInResult
    locked_until: datetime | None = None


class _Subject(TypedDict):
    target_type: str
    target_id: int
    subject_agency: Agency


def _about(user: User) -> _Subject:
    """Audit fields for an event whose subject is a user account."""
    return {"target_type": "user", "target_id": user.pk, "subject_agency": user.agency}


def sign_in(*, request: HttpRequest, email: str, password: str) -> SignInOutcome:
    """Check the email and password, lock the account after repeated failures, audit it all.

    The password is hashed outside any transaction (it takes a quarter of a second by design),
    so one slow sign-in never holds the database's write lock. Every path hashes once, so the
    time taken does not reveal whether an account exists. Failed attempts are recorded against
    the account, not as its owner's actions, and the typed email is never stored.
    """
    now = timezone.now()
    user = User.objects.select_related("agency").filter(email__iexact=email.strip()).first()
    if user is None or user.is_locked(at=now):
        make_password(password)  # the same work as checking a real password
        with transaction.atomic(durable=True):
            if user is None:
                record(
                    action=AuditAction.SIGN_IN_FAILED,
                    actor=None,
                    detail={"reason": "unknown_account"},
                )
                return SignInOutcome(SignInResult.INVALID)
            record(
                action=AuditAction.SIGN_IN_LOCKED, actor=None, agency=user.agency, **_about(user)
            )
            return SignInOutcome(SignInResult.LOCKED, user.locked_until)

    password_ok = user.check_password(password)
    if password_ok and PartnershipBackend().user_can_authenticate(user):
        with transaction.atomic(durable=True):
            User.objects.filter(pk=user.pk).update(failed_sign_in_count=0, locked_until=None)
            login(request, user)
            record(action=AuditAction.SIGN_IN, actor=user, target_type="user", target_id=user.pk)
        return SignInOutcome(SignInResult.SIGNED_IN)

    with transaction.atomic(durable=True):
        if password_ok:
            reason = "inactive_account" if not user.is_active else "inactive_agency"
            record(
                action=AuditAction.SIGN_IN_FAILED,
                actor=None,
                agency=user.agency,
                detail={"reason": reason},
                **_about(user),
            )
            return SignInOutcome(SignInResult.INVALID)
        # Wrong password: count it, and lock after too many in a row.
        fresh = User.objects.select_for_update().get(pk=user.pk)
        fresh.failed_sign_in_count += 1
        record(
            action=AuditAction.SIGN_IN_FAILED,
            actor=None,
            agency=user.agency,
            detail={"reason": "wrong_password", "failures_in_a_row": fresh.failed_sign_in_count},
            **_about(user),
        )
        if fresh.failed_sign_in_count >= settings.VRHUB_SIGN_IN_MAX_FAILURES:
            fresh.locked_until = now + settings.VRHUB_SIGN_IN_LOCKOUT
            fresh.failed_sign_in_count = 0
            record(
                action=AuditAction.ACCOUNT_LOCKED,
                actor=None,
                agency=user.agency,
                detail={"minutes": lockout_minutes()},
                **_about(user),
            )
        fresh.save(update_fields=["failed_sign_in_count", "locked_until", "updated_at"])
        if fresh.locked_until is not None and fresh.locked_until > now:
            return SignInOutcome(SignInResult.LOCKED, fresh.locked_until)
        return SignInOutcome(SignInResult.INVALID)


def lockout_minutes() -> int:
    return int(settings.VRHUB_SIGN_IN_LOCKOUT.total_seconds() // 60)


def sign_out(*, request: HttpRequest) -> None:
    user = request.user
    with transaction.atomic(durable=True):
        if isinstance(user, User):
            record(action=AuditAction.SIGN_OUT, actor=user, target_type="user", target_id=user.pk)
        logout(request)


def password_change(*, user: User, new_password: str) -> None:
    """The user's own new password. Their API tokens end with the old password."""
    validate_password(new_password, user)
    with transaction.atomic(durable=True):
        user.set_password(new_password)
        user.save(update_fields=["password", "updated_at"])
        AuthToken.objects.filter(user=user).delete()
        record(
            action=AuditAction.USER_UPDATED,
            actor=user,
            target_type="user",
            target_id=user.pk,
            detail={"changed": ["password"]},
        )


def user_password_set(*, actor: User, user: User, new_password: str) -> None:
    """An administrator sets a new password for a user who has forgotten theirs. It lifts any
    lock and ends the user's API tokens, in case the account was taken over."""
    if actor.pk == user.pk:
        raise ChangeRefused({"new_password": "Change your own password from 'Your account'"})
    validate_password(new_password, user)
    with transaction.atomic(durable=True):
        user.set_password(new_password)
        user.failed_sign_in_count = 0
        user.locked_until = None
        user.save(update_fields=["password", "failed_sign_in_count", "locked_until", "updated_at"])
        AuthToken.objects.filter(user=user).delete()
        record(action=AuditAction.USER_PASSWORD_SET, actor=actor, **_about(user))


def agency_change_problems(agency: Agency | None, *, is_active: bool) -> dict[str, str]:
    if agency is not None and agency.hosts_partnership and not is_active:
        return {"is_active": "The agency that runs vrhub for the partnership cannot be deactivated"}
    return {}


def agency_create(
    *,
    actor: User | None,
    name: str,
    kind: str,
    area: str = "",
    hosts_partnership: bool = False,
    provides_mentors: bool = False,
) -> Agency:
    """Add an agency. `actor` is None only when vrhub builds its own demo world."""
    with transaction.atomic(durable=True):
        agency = Agency.objects.create(
            name=name,
            kind=kind,
            area=area,
            hosts_partnership=hosts_partnership,
            provides_mentors=provides_mentors,
        )
        record(
            action=AuditAction.AGENCY_CREATED,
            actor=actor,
            target_type="agency",
            target_id=agency.pk,
            subject_agency=agency,
            detail={"kind": kind},
        )
    return agency


def agency_update(
    *,
    actor: User,
    agency: Agency,
    name: str,
    kind: str,
    area: str,
    is_active: bool,
    provides_mentors: bool = False,
) -> Agency:
    """Change an agency. Deactivating it ends its users' sessions and API access at once."""
    problems = agency_change_problems(agency, is_active=is_active)
    if not actor.agency.hosts_partnership:
        # What an agency is decides what its users may see (police-only disruption, the
        # criminally-active flag) and do (mentoring): only the host's administrators change it.
        if kind != agency.kind:
            problems["kind"] = "Only the partnership's administrators can change an agency's kind"
        if provides_mentors != agency.provides_mentors:
            problems["provides_mentors"] = (
                "Only the partnership's administrators can change whether an agency "
                "provides mentors"
            )
    if problems:
        raise ChangeRefused(problems)
    changes = {
        field: value
        for field, value in {
            "name": name,
            "kind": kind,
            "area": area,
            "provides_mentors": provides_mentors,
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
            subject_agency=agency,
            detail={"changed": sorted(changes)},
        )
    return agency


def account_change_problems(
    *,
    actor: User | None,
    user: User | None,
    agency: Agency | None,
    roles: Iterable[Role],
    is_active: bool,
) -> dict[str, str]:
    """What the partnership's rules forbid in creating or changing a user account.

    Nobody changes their own roles, agency or status (no one locks the partnership out of its
    administration, or raises their own access); only the host's administrators give the roles
    that oversee others.
    """
    if actor is None:  # vrhub building its own demo world
        return {}
    wanted = frozenset(Role(r) for r in roles)
    problems: dict[str, str] = {}
    if user is not None and user.pk == actor.pk:
        if wanted != user.roles:
            problems["roles"] = "You cannot change your own roles"
        if agency is not None and agency.pk != user.agency_id:
            problems["agency"] = "You cannot move yourself to another agency"
        if not is_active:
            problems["is_active"] = "You cannot deactivate your own account"
        return problems
    added = wanted - (user.roles if user is not None else frozenset())
    refused = sorted(added - permissions.grantable_roles(actor), key=list(Role).index)
    if refused:
        names = " or ".join(str(r.label).lower() for r in refused)
        problems["roles"] = f"Only the partnership's administrators can give the {names} role"
    return problems


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
    problems = account_change_problems(
        actor=actor, user=None, agency=agency, roles=roles, is_active=True
    )
    if problems:
        raise ChangeRefused(problems)
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
            detail={"roles": [str(r) for r in roles]},
            **_about(user),
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
    problems = account_change_problems(
        actor=actor, user=user, agency=agency, roles=new_roles, is_active=is_active
    )
    if problems:
        raise ChangeRefused(problems)
    changed = [
        field
        for field, value in (("full_name", full_name), ("agency", agency), ("is_active", is_active))
        if getattr(user, field) != value
    ]
    roles_changed = new_roles != user.roles
    if not changed and not roles_changed:
        return user
    with transaction.atomic(durable=True):
        previous_agency = user.agency
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
            subject_agency=previous_agency,
            detail=detail,
        )
        if not is_active:
            AuthToken.objects.filter(user=user).delete()
    return user


def user_unlock(*, actor: User, user: User) -> None:
    with transaction.atomic(durable=True):
        user.locked_until = None
        user.failed_sign_in_count = 0
        user.save(update_fields=["locked_until", "failed_sign_in_count", "updated_at"])
        record(action=AuditAction.USER_UNLOCKED, actor=actor, **_about(user))


def api_token_issue(*, user: User) -> str:
    """A new API token for the user, replacing any they had. Only its hash is kept: the key is
    shown once and cannot be recovered."""
    with transaction.atomic(durable=True):
        AuthToken.objects.filter(user=user).delete()
        _, key = AuthToken.objects.create(user=user)
        record(
            action=AuditAction.API_TOKEN_ISSUED, actor=user, target_type="user", target_id=user.pk
        )
    return str(key)


def api_token_revoke(*, user: User) -> None:
    with transaction.atomic(durable=True):
        deleted, _ = AuthToken.objects.filter(user=user).delete()
        if deleted:
            record(
                action=AuditAction.API_TOKEN_REVOKED,
                actor=user,
                target_type="user",
                target_id=user.pk,
            )
