"""Administrators manage agencies and users; each administrator only within their reach."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken

from vrhub.accounts.models import Agency, AgencyKind, Role, User
from vrhub.audit.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(make_user):
    return make_user(Role.ADMINISTRATOR, full_name="Ada Administrator")


@pytest.fixture
def police_admin(make_user, police):
    return make_user(Role.ADMINISTRATOR, agency=police, full_name="Pat Police")


def test_the_host_administrator_adds_an_agency(admin, client_for):
    response = client_for(admin).post(
        reverse("accounts:agency-create"),
        {
            "name": "Coventry Youth Justice Service",
            "kind": AgencyKind.YOUTH_JUSTICE,
            "area": "Coventry",
            "is_active": "on",
        },
    )
    agency = Agency.objects.get(name="Coventry Youth Justice Service")
    assert response["Location"] == reverse("accounts:agency-detail", args=[agency.pk])
    assert agency.kind == AgencyKind.YOUTH_JUSTICE
    event = AuditEvent.objects.get(action=AuditAction.AGENCY_CREATED)
    assert (event.actor, event.target_id) == (admin, str(agency.pk))


def test_an_agency_form_with_nothing_in_it_says_what_is_missing(admin, client_for):
    response = client_for(admin).post(reverse("accounts:agency-create"), {})
    assert response.status_code == 200
    assert "Enter the agency&#x27;s name" in response.text
    assert "Select the kind of agency" in response.text
    assert 'href="#id_kind_0"' in response.text
    assert Agency.objects.count() == 1


def test_agency_names_are_unique_whatever_the_case(admin, client_for, police):
    response = client_for(admin).post(
        reverse("accounts:agency-create"), {"name": "west midlands POLICE", "kind": "police"}
    )
    assert "An agency with this name already exists" in response.text


def test_an_agency_is_renamed_and_the_change_recorded(admin, client_for, police):
    response = client_for(admin).post(
        reverse("accounts:agency-edit", args=[police.pk]),
        {
            "name": "West Midlands Police Force",
            "kind": "police",
            "area": "West Midlands",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    police.refresh_from_db()
    assert police.name == "West Midlands Police Force"
    assert AuditEvent.objects.get(action=AuditAction.AGENCY_UPDATED).detail == {"changed": ["name"]}


def test_the_host_administrator_creates_a_user_who_can_then_sign_in(admin, client_for, police):
    response = client_for(admin).post(
        reverse("accounts:user-create"),
        {
            "full_name": "Callum Caseworker",
            "email": "Callum@Police.example",
            "agency": police.pk,
            "roles": [Role.CASEWORKER, Role.TRIAGE_PANEL_MEMBER],
            "is_active": "on",
            "password": "orchard-lantern-ribbon-7",
        },
    )
    user = User.objects.get(email="callum@police.example")
    assert response["Location"] == reverse("accounts:user-detail", args=[user.pk])
    assert user.roles == {Role.CASEWORKER, Role.TRIAGE_PANEL_MEMBER}
    event = AuditEvent.objects.get(action=AuditAction.USER_CREATED)
    assert event.detail == {"roles": ["caseworker", "triage_panel_member"]}
    from django.test import Client

    signed_in = Client().post(
        "/sign-in/", {"email": "callum@police.example", "password": "orchard-lantern-ribbon-7"}
    )
    assert signed_in.status_code == 302


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"email": "taken@partner.example"}, "A user with this email address already exists"),
        ({"password": "password123"}, "This password is too common"),
        ({"roles": []}, "Select at least one role"),
        ({"email": "not-an-email"}, "Enter an email address in the correct format"),
        ({"full_name": ""}, "Enter the user&#x27;s full name"),
    ],
)
def test_a_bad_user_form_is_explained_and_creates_nothing(
    admin, client_for, make_user, change, message
):
    make_user(Role.MENTOR, email="taken@partner.example")
    before = User.objects.count()
    data = {
        "full_name": "New Person",
        "email": "new@partner.example",
        "agency": admin.agency_id,
        "roles": [Role.MENTOR],
        "is_active": "on",
        "password": "orchard-lantern-ribbon-7",
    }
    data.update(change)
    response = client_for(admin).post(reverse("accounts:user-create"), data)
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert message in response.text
    assert User.objects.count() == before


def test_changing_roles_and_deactivating_is_recorded_and_ends_api_access(
    admin, client_for, make_user
):
    user = make_user(Role.MENTOR)
    AuthToken.objects.create(user=user)
    response = client_for(admin).post(
        reverse("accounts:user-edit", args=[user.pk]),
        {
            "full_name": user.full_name,
            "agency": user.agency_id,
            "roles": [Role.MENTOR, Role.CASEWORKER],
        },
    )
    assert response.status_code == 302
    user = User.objects.get(pk=user.pk)
    assert user.roles == {Role.MENTOR, Role.CASEWORKER}
    assert not user.is_active
    assert not AuthToken.objects.filter(user=user).exists()
    event = AuditEvent.objects.get(action=AuditAction.USER_UPDATED)
    assert event.detail == {"changed": ["is_active", "roles"], "roles": ["caseworker", "mentor"]}


def test_an_administrator_unlocks_a_locked_account(admin, client_for, make_user):
    user = make_user(Role.MENTOR, locked_until=timezone.now() + timezone.timedelta(minutes=10))
    client = client_for(admin)
    assert "Unlock account" in client.get(reverse("accounts:user-detail", args=[user.pk])).text
    client.post(reverse("accounts:user-unlock", args=[user.pk]))
    user.refresh_from_db()
    assert not user.is_locked()
    assert AuditEvent.objects.filter(action=AuditAction.USER_UNLOCKED, target_id=user.pk).exists()


def test_an_agency_administrator_sees_only_their_agency(
    police_admin, client_for, make_user, police
):
    make_user(Role.CASEWORKER, full_name="Council Colleague")
    make_user(Role.CASEWORKER, agency=police, full_name="Police Colleague")
    client = client_for(police_admin)
    users = client.get(reverse("accounts:user-list")).text
    assert "Police Colleague" in users
    assert "Council Colleague" not in users
    agencies = client.get(reverse("accounts:agency-list"))
    assert [a.name for a in agencies.context["agencies"]] == ["West Midlands Police"]
    assert "Add an agency" not in agencies.text


def test_another_agencys_records_are_not_found_and_the_attempt_recorded(
    police_admin, client_for, make_user, council
):
    colleague = make_user(Role.CASEWORKER)
    client = client_for(police_admin)
    urls = [
        reverse("accounts:agency-detail", args=[council.pk]),
        reverse("accounts:agency-edit", args=[council.pk]),
        reverse("accounts:user-detail", args=[colleague.pk]),
        reverse("accounts:user-edit", args=[colleague.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Page not found" in response.text
    assert client.post(reverse("accounts:user-unlock", args=[colleague.pk])).status_code == 404
    denied = AuditEvent.objects.filter(action=AuditAction.ACCESS_DENIED, actor=police_admin)
    assert denied.count() == 5
    assert {e.detail["reason"] for e in denied} == {"out_of_scope"}


def test_an_agency_administrator_cannot_move_a_user_into_another_agency(
    police_admin, client_for, make_user, police, council
):
    officer = make_user(Role.MENTOR, agency=police)
    response = client_for(police_admin).post(
        reverse("accounts:user-edit", args=[officer.pk]),
        {
            "full_name": officer.full_name,
            "agency": council.pk,
            "roles": [Role.MENTOR],
            "is_active": "on",
        },
    )
    assert "Select an agency from the list" in response.text
    officer.refresh_from_db()
    assert officer.agency == police


def test_only_the_host_adds_agencies(police_admin, client_for):
    response = client_for(police_admin).post(
        reverse("accounts:agency-create"), {"name": "Rogue Agency", "kind": "police"}
    )
    assert response.status_code == 404
    assert not Agency.objects.filter(name="Rogue Agency").exists()


def test_the_user_list_costs_the_same_queries_however_many_users(admin, client_for, make_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(admin)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("accounts:user-list")).status_code == 200
        return len(captured)

    few = count()
    for _ in range(60):
        make_user(Role.MENTOR, Role.CASEWORKER)
    assert count() == few
    second = client.get(reverse("accounts:user-list"), {"page": 2})
    assert len(second.context["page"].object_list) == 61 - 50


def test_a_user_issues_and_revokes_their_api_token(make_user, client_for):
    user = make_user(Role.ANALYST)
    client = client_for(user)
    response = client.post(reverse("accounts:api-token-issue"))
    key = response.context["key"]
    assert len(key) == 64
    assert key in response.text
    stored = AuthToken.objects.get(user=user)
    assert key not in (stored.digest, stored.token_key)  # only a hash is kept
    assert "no-cache" in response["Cache-Control"]
    assert key not in client.get(reverse("accounts:account")).text
    client.post(reverse("accounts:api-token-revoke"))
    assert not AuthToken.objects.filter(user=user).exists()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {AuditAction.API_TOKEN_ISSUED, AuditAction.API_TOKEN_REVOKED} <= actions


def test_an_administrator_sets_a_forgotten_password_which_also_unlocks(
    admin, client_for, make_user
):
    user = make_user(Role.MENTOR, locked_until=timezone.now() + timezone.timedelta(minutes=10))
    client = client_for(admin)
    url = reverse("accounts:user-password-set", args=[user.pk])
    weak = client.post(url, {"new_password": "short"})
    assert "This password is too short" in weak.text
    assert client.post(url, {"new_password": "meadow-quartz-saddle-61"}).status_code == 302
    from django.test import Client

    response = Client().post(
        "/sign-in/", {"email": user.email, "password": "meadow-quartz-saddle-61"}
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action=AuditAction.USER_PASSWORD_SET)
    assert (event.actor, event.target_id, event.detail) == (admin, str(user.pk), {})


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda police: {"roles": [Role.MENTOR]}, "You cannot change your own roles"),
        (
            lambda police: {"roles": [Role.ADMINISTRATOR, Role.DATA_PROTECTION_OFFICER]},
            "You cannot change your own roles",
        ),
        (lambda police: {"is_active": None}, "You cannot deactivate your own account"),
        (lambda police: {"agency": police.pk}, "You cannot move yourself to another agency"),
    ],
)
def test_an_administrator_cannot_change_their_own_access(
    admin, client_for, police, change, message
):
    data = {
        "full_name": admin.full_name,
        "agency": admin.agency_id,
        "roles": [Role.ADMINISTRATOR],
        "is_active": "on",
        **change(police),
    }
    data = {k: v for k, v in data.items() if v is not None}
    response = client_for(admin).post(reverse("accounts:user-edit", args=[admin.pk]), data)
    assert message in response.text
    admin = User.objects.get(pk=admin.pk)
    assert (admin.is_active, admin.roles, admin.agency_id) == (
        True,
        {Role.ADMINISTRATOR},
        data.get("agency") if "agency" not in change(police) else admin.agency_id,
    )


def _token_works(key: str) -> int:
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get("/api/v1/me").status_code


def test_a_new_password_ends_the_old_api_tokens(admin, client_for, make_user):
    user = make_user(Role.ANALYST)
    _, key = AuthToken.objects.create(user=user)
    assert _token_works(key) == 200
    client_for(admin).post(
        reverse("accounts:user-password-set", args=[user.pk]),
        {"new_password": "meadow-quartz-saddle-61"},
    )
    assert _token_works(key) == 401
    _, key = AuthToken.objects.create(user=user)
    user.refresh_from_db()  # the reset also ended the sessions signed in with the old password
    client_for(user).post(
        reverse("accounts:password-change"),
        {"current_password": "meadow-quartz-saddle-61", "new_password": "a-brand-new-passphrase"},
    )
    assert _token_works(key) == 401


def test_tokens_expire_and_die_with_their_agency(make_user, police):
    from datetime import timedelta

    user = make_user(Role.ANALYST, agency=police)
    _, old = AuthToken.objects.create(user=user, expiry=timedelta(seconds=-1))
    assert _token_works(old) == 401
    _, key = AuthToken.objects.create(user=user)
    assert _token_works(key) == 200
    police.is_active = False
    police.save()
    assert _token_works(key) == 401


def test_an_administrator_cannot_set_their_own_password_without_the_current_one(admin, client_for):
    response = client_for(admin).get(reverse("accounts:user-password-set", args=[admin.pk]))
    assert response["Location"] == reverse("accounts:password-change")


def test_the_agency_that_runs_vrhub_cannot_be_deactivated(admin, client_for, council):
    response = client_for(admin).post(
        reverse("accounts:agency-edit", args=[council.pk]),
        {"name": council.name, "kind": council.kind, "area": council.area},
    )
    assert "cannot be deactivated" in response.text
    council.refresh_from_db()
    assert council.is_active


def test_a_new_agency_is_active_and_inactive_agencies_get_no_new_users(admin, client_for, police):
    client = client_for(admin)
    form = client.get(reverse("accounts:agency-create"))
    assert 'name="is_active"' not in form.text
    police.is_active = False
    police.save()
    response = client.get(reverse("accounts:user-create"))
    assert "West Midlands Police" not in response.text


@pytest.mark.parametrize(
    "role",
    [Role.DATA_PROTECTION_OFFICER, Role.ADMINISTRATOR, Role.CASEWORKER, Role.PROGRAMME_MANAGER],
)
def test_only_the_host_gives_roles_that_oversee_others(
    police_admin, client_for, make_user, police, role
):
    client = client_for(police_admin)
    response = client.post(
        reverse("accounts:user-create"),
        {
            "full_name": "New Officer",
            "email": "new@police.example",
            "agency": police.pk,
            "roles": [role],
            "is_active": "on",
            "password": "orchard-lantern-ribbon-7",
        },
    )
    assert f"Only the partnership&#x27;s administrators can give the {role.label.lower()} role" in (
        response.text
    )
    assert not User.objects.filter(email="new@police.example").exists()
    # An existing holder keeps the role when the agency's administrator edits them.
    holder = make_user(role, agency=police)
    response = client.post(
        reverse("accounts:user-edit", args=[holder.pk]),
        {"full_name": "Renamed", "agency": police.pk, "roles": [role], "is_active": "on"},
    )
    assert response.status_code == 302
    assert User.objects.get(pk=holder.pk).roles == {role}


def test_an_agencys_dpo_sees_what_the_host_did_to_its_staff(admin, client_for, make_user, police):
    officer = make_user(Role.MENTOR, agency=police)
    police_dpo = make_user(Role.DATA_PROTECTION_OFFICER, agency=police)
    client_for(admin).post(reverse("accounts:user-unlock", args=[officer.pk]))
    response = client_for(police_dpo).get(reverse("audit:trail"))
    actions = [(e.action, e.actor) for e in response.context["page"]]
    assert (AuditAction.USER_UNLOCKED, admin) in actions


def test_an_agency_cannot_declare_itself_police_or_a_mentor_provider(make_user, client_for):
    """What an agency is decides who sees police-only records: only the host changes it."""
    school = Agency.objects.create(name="Riverside Academy", kind=AgencyKind.EDUCATION)
    school_admin = make_user(Role.ADMINISTRATOR, agency=school)
    response = client_for(school_admin).post(
        reverse("accounts:agency-edit", args=[school.pk]),
        {
            "name": "Riverside Academy",
            "kind": "police",
            "area": "",
            "provides_mentors": "on",
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert "Only the partnership&#x27;s administrators can change an agency&#x27;s kind" in (
        response.text
    )
    school.refresh_from_db()
    assert (school.kind, school.provides_mentors) == (AgencyKind.EDUCATION, False)
