"""Pages that belong to no one domain: role homes, errors and the service's own notices."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import redirect, render
from django.template import loader
from django.views.decorators.http import require_safe

from vrhub.accounts.models import User
from vrhub.accounts.permissions import access_role_home

from .navigation import tiles_for


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """Send the user to the home page of their first role."""
    user: User = request.user  # type: ignore[assignment]
    roles = user.sorted_roles
    if not roles:
        return render(request, "core/no_roles.html")
    return redirect("core:role-home", role=roles[0].value)


@require_safe
def role_home(request: HttpRequest, role: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    chosen = access_role_home(user, role)
    return render(
        request,
        "core/home.html",
        {
            "role": chosen,
            "tiles": tiles_for(chosen),
            "other_roles": [r for r in user.sorted_roles if r != chosen],
        },
    )


@login_not_required
@require_safe
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "core/privacy.html")


@login_not_required
@require_safe
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")


def server_error(request: HttpRequest) -> HttpResponse:
    """A 500 page that shows only a reference to quote, rendered without context processors."""
    template = loader.get_template("500.html")
    body = template.render(
        {
            "reference": getattr(request, "request_id", ""),
            "service_name": settings.VRHUB_SERVICE_NAME,
        }
    )
    return HttpResponseServerError(body)
