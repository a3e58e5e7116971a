"""Sign-in, the user's own account, and the administration of agencies and users."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from knox.models import AuthToken

from vrhub.core.requests import posted, signed_in_user

from . import permissions, selectors, services
from .forms import AgencyForm, PasswordChangeForm, PasswordSetForm, SignInForm, UserForm
from .models import Role
from .permissions import Capability, require

LOCKED_MESSAGE = (
    "Your account is locked because the password was entered wrongly too many times. "
    "Try again after {time}, or ask your administrator to unlock it."
)
INVALID_MESSAGE = (
    "Enter a correct email address and password. After {count} wrong attempts in a row "
    "your account will be locked for {minutes} minutes."
)


def _add_problems(form: Form, refused: services.ChangeRefused) -> None:
    for field, message in refused.problems.items():
        form.add_error(field if field in form.fields else None, message)


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("core:home")
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    form = SignInForm(posted(request))
    if request.method == "POST" and form.is_valid():
        outcome = services.sign_in(
            request=request,
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password"],
        )
        if outcome.result is services.SignInResult.SIGNED_IN:
            safe = next_url.startswith("/") and url_has_allowed_host_and_scheme(
                next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            )
            return HttpResponseRedirect(next_url) if safe else redirect("core:home")
        if outcome.result is services.SignInResult.LOCKED and outcome.locked_until:
            until = timezone.localtime(outcome.locked_until)
            form.add_error(None, LOCKED_MESSAGE.format(time=f"{until:%H:%M}"))
        else:
            form.add_error(
                None,
                INVALID_MESSAGE.format(
                    count=settings.VRHUB_SIGN_IN_MAX_FAILURES,
                    minutes=services.lockout_minutes(),
                ),
            )
    return render(request, "accounts/sign_in.html", {"form": form, "next": next_url})


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    services.sign_out(request=request)
    return redirect("accounts:sign-in")


@require_safe
def account(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    return render(
        request,
        "accounts/account.html",
        {"account": user, "has_token": AuthToken.objects.filter(user=user).exists()},
    )


@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    from django.contrib.auth import update_session_auth_hash

    user = signed_in_user(request)
    form = PasswordChangeForm(posted(request), user=user)
    if request.method == "POST" and form.is_valid():
        services.password_change(user=user, new_password=form.cleaned_data["new_password"])
        update_session_auth_hash(request, user)
        messages.success(request, "Your password has been changed")
        return redirect("accounts:account")
    return render(request, "accounts/password_change.html", {"form": form})


@require_POST
@never_cache
def api_token_issue(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    key = services.api_token_issue(user=user)
    # Shown once on this response; never put in a URL, a message store or a log.
    return render(request, "accounts/api_token.html", {"key": key})


@require_POST
def api_token_revoke(request: HttpRequest) -> HttpResponse:
    services.api_token_revoke(user=signed_in_user(request))
    messages.success(request, "Your API token has been revoked")
    return redirect("accounts:account")


# Administration: agencies.


@require(Capability.MANAGE_AGENCIES)
@require_safe
def agency_list(request: HttpRequest) -> HttpResponse:
    actor = signed_in_user(request)
    return render(
        request,
        "accounts/agency_list.html",
        {
            "agencies": selectors.agency_list(actor=actor),
            "can_create": permissions.can_create_agencies(actor),
        },
    )


@require(Capability.MANAGE_AGENCIES)
@require_http_methods(["GET", "POST"])
def agency_create(request: HttpRequest) -> HttpResponse:
    actor = signed_in_user(request)
    if not permissions.can_create_agencies(actor):
        raise permissions.deny(actor, target_type="agency", target_id="new", reason="not_host")
    form = AgencyForm(posted(request))
    if request.method == "POST" and form.is_valid():
        agency = services.agency_create(
            actor=actor,
            name=form.cleaned_data["name"],
            kind=form.cleaned_data["kind"],
            area=form.cleaned_data["area"],
            provides_mentors=form.cleaned_data["provides_mentors"],
        )
        messages.success(request, f"{agency.name} has been added")
        return redirect("accounts:agency-detail", agency_id=agency.pk)
    return render(request, "accounts/agency_form.html", {"form": form, "agency": None})


@require(Capability.MANAGE_AGENCIES)
@require_safe
def agency_detail(request: HttpRequest, agency_id: int) -> HttpResponse:
    actor = signed_in_user(request)
    agency = permissions.access_agency(actor, agency_id)
    return render(
        request,
        "accounts/agency_detail.html",
        {"agency": agency, "users": selectors.user_list(actor=actor, agency_id=agency.pk)},
    )


@require(Capability.MANAGE_AGENCIES)
@require_http_methods(["GET", "POST"])
def agency_edit(request: HttpRequest, agency_id: int) -> HttpResponse:
    actor = signed_in_user(request)
    agency = permissions.access_agency(actor, agency_id)
    form = AgencyForm(posted(request), instance=agency)
    if request.method == "POST" and form.is_valid():
        try:
            services.agency_update(actor=actor, agency=agency, **form.cleaned_data)
        except services.ChangeRefused as refused:
            _add_problems(form, refused)
        else:
            messages.success(request, f"{agency.name} has been updated")
            return redirect("accounts:agency-detail", agency_id=agency.pk)
    return render(request, "accounts/agency_form.html", {"form": form, "agency": agency})


# Administration: users.


@require(Capability.MANAGE_USERS)
@require_safe
def user_list(request: HttpRequest) -> HttpResponse:
    actor = signed_in_user(request)
    page = Paginator(selectors.user_list(actor=actor), 50).get_page(request.GET.get("page"))
    return render(request, "accounts/user_list.html", {"page": page})


@require(Capability.MANAGE_USERS)
@require_http_methods(["GET", "POST"])
def user_create(request: HttpRequest) -> HttpResponse:
    actor = signed_in_user(request)
    form = UserForm(
        posted(request), agencies=permissions.administrable_agencies(actor), actor=actor
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_create(
                actor=actor,
                email=data["email"],
                full_name=data["full_name"],
                agency=data["agency"],
                roles=[Role(r) for r in data["roles"]],
                password=data["password"],
            )
        except services.ChangeRefused as refused:
            _add_problems(form, refused)
        else:
            messages.success(request, f"An account has been created for {user.full_name}")
            return redirect("accounts:user-detail", user_id=user.pk)
    return render(request, "accounts/user_form.html", {"form": form, "account": None})


@require(Capability.MANAGE_USERS)
@require_safe
def user_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    actor = signed_in_user(request)
    user = permissions.access_user(actor, user_id)
    return render(request, "accounts/user_detail.html", {"account": user})


@require(Capability.MANAGE_USERS)
@require_http_methods(["GET", "POST"])
def user_edit(request: HttpRequest, user_id: int) -> HttpResponse:
    actor = signed_in_user(request)
    user = permissions.access_user(actor, user_id)
    form = UserForm(
        posted(request),
        agencies=permissions.administrable_agencies(actor),
        actor=actor,
        instance=user,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.user_update(
                actor=actor,
                user=user,
                full_name=data["full_name"],
                agency=data["agency"],
                roles=[Role(r) for r in data["roles"]],
                is_active=data["is_active"],
            )
        except services.ChangeRefused as refused:
            _add_problems(form, refused)
        else:
            messages.success(request, f"{user.full_name}'s account has been updated")
            return redirect("accounts:user-detail", user_id=user.pk)
    return render(request, "accounts/user_form.html", {"form": form, "account": user})


@require(Capability.MANAGE_USERS)
@require_POST
def user_unlock(request: HttpRequest, user_id: int) -> HttpResponse:
    actor = signed_in_user(request)
    user = permissions.access_user(actor, user_id)
    services.user_unlock(actor=actor, user=user)
    messages.success(request, f"{user.full_name}'s account has been unlocked")
    return redirect("accounts:user-detail", user_id=user.pk)


@require(Capability.MANAGE_USERS)
@require_http_methods(["GET", "POST"])
@never_cache
def user_password_set(request: HttpRequest, user_id: int) -> HttpResponse:
    actor = signed_in_user(request)
    user = permissions.access_user(actor, user_id)
    if user.pk == actor.pk:
        return redirect("accounts:password-change")
    form = PasswordSetForm(posted(request), user=user)
    if request.method == "POST" and form.is_valid():
        services.user_password_set(
            actor=actor, user=user, new_password=form.cleaned_data["new_password"]
        )
        messages.success(request, f"A new password has been set for {user.full_name}")
        return redirect("accounts:user-detail", user_id=user.pk)
    return render(request, "accounts/password_set.html", {"form": form, "account": user})
