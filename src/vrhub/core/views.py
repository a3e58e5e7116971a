"""Pages that belong to no one domain: role homes, errors and the service's own notices."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import redirect, render
from django.template import loader
from django.utils import timezone
from django.views.decorators.http import require_safe

from vrhub.accounts.models import Role, User
from vrhub.accounts.permissions import Capability, access_role_home, can, sees_small_numbers
from vrhub.cases import figures
from vrhub.cases.figures import ProgrammeSummary

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
            "summary": _headline_figures(user, chosen),
        },
    )


# The roles whose home page opens with the programme's headline figures.
HEADLINE_ROLES = frozenset({Role.PROGRAMME_MANAGER, Role.SCRUTINY_MEMBER})


def _headline_figures(user: User, role: Role) -> ProgrammeSummary | None:
    """The seed's three figures (referrals to date, being worked with, on the at-risk list),
    with small numbers hidden from those who may not see them."""
    if role not in HEADLINE_ROLES or not can(user, Capability.VIEW_PROGRAMME_FIGURES):
        return None
    today = timezone.localdate()
    period = figures.Period(figures.financial_year_start(today), today)
    exact = sees_small_numbers(user)
    figures.programme_figures_viewed(actor=user, period=period, exact=exact, view="home")
    return figures.programme_summary(start=period.start, end=period.end, exact=exact)


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
