"""Signing in and out, lockout after repeated failures, and sessions that end when idle."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from vrhub.accounts.models import Role, User
from vrhub.accounts.tests.factories import PASSWORD
from vrhub.audit.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db

SIGN_IN = "/sign-in/"


def _sign_in(client: Client, email: str, password: str, **extra: str):
    return client.post(SIGN_IN, {"email": email, "password": password, **extra})


def test_a_user_signs_in_and_lands_on_their_role_home(make_user):
    user = make_user(Role.CASEWORKER, email="cw@partner.example")
    client = Client()
    response = _sign_in(client, "CW@partner.example", PASSWORD)
    assert response.status_code == 302
    response = client.get(response["Location"], follow=True)
    assert response.redirect_chain[-1][0] == "/home/caseworker/"
    assert "Caseworker home" in response.text
    event = AuditEvent.objects.get(action=AuditAction.SIGN_IN)
    assert event.actor == user
    assert event.agency == user.agency


def test_a_wrong_password_is_explained_and_recorded(make_user):
    user = make_user(Role.CASEWORKER)
    client = Client()
    response = _sign_in(client, user.email, "not-the-password")
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "Enter a correct email address and password" in response.text
    assert "<title>Error: Sign in" in response.text
    assert "_auth_user_id" not in client.session
    assert client.get("/account/").status_code == 302
    event = AuditEvent.objects.get(action=AuditAction.SIGN_IN_FAILED)
    # Someone else's guess is recorded against the account, not as its owner's action.
    assert event.actor is None
    assert (event.target_type, event.target_id, event.agency) == ("user", str(user.pk), user.agency)
    assert event.detail == {"reason": "wrong_password", "failures_in_a_row": 1}


def test_an_unknown_email_is_recorded_without_the_email(db):
    typed = "someone.else@nowhere.example"
    response = _sign_in(Client(), typed, "whatever-they-typed")
    assert "Enter a correct email address and password" in response.text
    event = AuditEvent.objects.get(action=AuditAction.SIGN_IN_FAILED)
    assert event.actor is None
    assert event.detail == {"reason": "unknown_account"}
    stored = " ".join(str(v) for v in AuditEvent.objects.values_list()[0])
    assert typed not in stored
    assert "whatever-they-typed" not in stored


def test_an_empty_form_says_what_to_enter(db):
    response = _sign_in(Client(), "", "")
    assert "Enter your email address" in response.text
    assert "Enter your password" in response.text
    assert 'href="#id_email"' in response.text
    assert not AuditEvent.objects.exists()


@override_settings(VRHUB_SIGN_IN_MAX_FAILURES=5, VRHUB_SIGN_IN_LOCKOUT=timedelta(minutes=15))
def test_five_failures_lock_the_account_even_against_the_right_password(make_user):
    user = make_user(Role.MENTOR)
    client = Client()
    for attempt in range(4):
        response = _sign_in(client, user.email, f"wrong-{attempt}")
        assert "Your account is locked" not in response.text
    response = _sign_in(client, user.email, "wrong-5")
    assert "Your account is locked" in response.text
    response = _sign_in(client, user.email, PASSWORD)
    assert "Your account is locked" in response.text
    assert "_auth_user_id" not in client.session
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions.count(AuditAction.SIGN_IN_FAILED) == 5
    assert AuditAction.ACCOUNT_LOCKED in actions
    assert actions[-1] == AuditAction.SIGN_IN_LOCKED


def test_the_lock_lifts_after_its_time(make_user):
    user = make_user(Role.MENTOR)
    User.objects.filter(pk=user.pk).update(locked_until=timezone.now() - timedelta(seconds=1))
    response = _sign_in(Client(), user.email, PASSWORD)
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.locked_until is None


def test_a_success_resets_the_count_of_failures(make_user):
    user = make_user(Role.MENTOR)
    client = Client()
    for _ in range(4):
        _sign_in(client, user.email, "wrong")
    _sign_in(client, user.email, PASSWORD)
    user.refresh_from_db()
    assert user.failed_sign_in_count == 0


def test_an_inactive_user_cannot_sign_in(make_user):
    user = make_user(Role.MENTOR, is_active=False)
    response = _sign_in(Client(), user.email, PASSWORD)
    assert "Enter a correct email address and password" in response.text
    assert AuditEvent.objects.get().detail["reason"] == "inactive_account"


def test_users_of_a_deactivated_agency_are_signed_out_and_kept_out(make_user, police):
    user = make_user(Role.MENTOR, agency=police)
    client = Client()
    _sign_in(client, user.email, PASSWORD)
    assert client.get("/account/").status_code == 200
    police.is_active = False
    police.save()
    assert client.get("/account/").status_code == 302
    response = _sign_in(Client(), user.email, PASSWORD)
    assert "Enter a correct email address and password" in response.text
    assert AuditEvent.objects.filter(detail__reason="inactive_agency").count() == 1


@override_settings(VRHUB_SIGN_IN_MAX_FAILURES=2, VRHUB_SIGN_IN_LOCKOUT=timedelta(minutes=7))
def test_the_warning_states_the_configured_limits(make_user):
    user = make_user(Role.MENTOR)
    response = _sign_in(Client(), user.email, "wrong")
    assert "After 2 wrong attempts in a row your account will be locked for 7 minutes" in (
        response.text
    )


def test_only_a_local_next_address_is_followed(make_user):
    user = make_user(Role.ANALYST)
    assert _sign_in(Client(), user.email, PASSWORD, next="/account/")["Location"] == "/account/"
    evil = _sign_in(Client(), user.email, PASSWORD, next="https://evil.example/")
    assert evil["Location"] == "/"
    not_a_path = _sign_in(Client(), user.email, PASSWORD, next="account")
    assert not_a_path["Location"] == "/"


def test_every_page_needs_sign_in(db):
    response = Client().get("/account/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/?next=")


def test_a_session_ends_after_inactivity(make_user):
    user = make_user(Role.ANALYST)
    client = Client()
    _sign_in(client, user.email, PASSWORD)
    assert client.get("/account/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/account/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")


def test_sessions_expire_after_thirty_idle_minutes(settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST


def test_signing_out_ends_the_session_and_is_recorded(make_user):
    user = make_user(Role.ANALYST)
    client = Client()
    _sign_in(client, user.email, PASSWORD)
    assert client.get("/sign-out/").status_code == 405
    response = client.post("/sign-out/")
    assert response["Location"] == reverse("accounts:sign-in")
    assert client.get("/account/").status_code == 302
    assert AuditEvent.objects.filter(action=AuditAction.SIGN_OUT, actor=user).exists()


def test_sign_in_logs_hold_no_email_or_password(make_user, caplog):
    user = make_user(Role.ANALYST)
    with caplog.at_level(logging.DEBUG):
        _sign_in(Client(), user.email, "a-wrong-password")
        _sign_in(Client(), "stranger@nowhere.example", "another-password")
    text = " ".join(r.getMessage() for r in caplog.records)
    for secret in (user.email, "a-wrong-password", "stranger@nowhere.example"):
        assert secret not in text


def test_a_user_changes_their_password_within_the_rules(make_user, client_for):
    user = make_user(Role.ANALYST)
    client = client_for(user)
    url = reverse("accounts:password-change")
    short = client.post(url, {"current_password": PASSWORD, "new_password": "short"})
    assert "This password is too short" in short.text
    wrong = client.post(url, {"current_password": "nope", "new_password": "a-brand-new-passphrase"})
    assert "Your current password is not correct" in wrong.text
    ok = client.post(url, {"current_password": PASSWORD, "new_password": "a-brand-new-passphrase"})
    assert ok.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a-brand-new-passphrase")
    assert client.get("/account/").status_code == 200  # still signed in
