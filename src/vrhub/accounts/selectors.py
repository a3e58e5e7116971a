"""Reads of agencies and users, scoped by the permissions module."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from . import permissions
from .models import Agency, User


def agency_list(*, actor: User) -> QuerySet[Agency]:
    return permissions.administrable_agencies(actor).annotate(user_count=Count("users"))


def user_list(*, actor: User, agency_id: int | None = None) -> QuerySet[User]:
    users = (
        permissions.administrable_users(actor)
        .select_related("agency")
        .prefetch_related("role_assignments")
    )
    if agency_id is not None:
        users = users.filter(agency_id=agency_id)
    return users
