"""Small helpers every view uses to read a request."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, QueryDict

from vrhub.accounts.models import User


def posted(request: HttpRequest) -> QueryDict | None:
    """The submitted data, or None for a GET: an empty submission is still a submission."""
    return request.POST if request.method == "POST" else None


def signed_in_user(request: HttpRequest | Any) -> User:
    """The signed-in user; sign-in is required everywhere (LoginRequiredMiddleware, and the
    API's permission classes), so a view never sees anyone else."""
    user = request.user
    assert isinstance(user, User)  # noqa: S101
    return user
