"""A data protection officer finds who did what: by user, agency, person, action and date."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from vrhub.accounts.models import Role
from vrhub.audit.models import AuditAction, AuditEvent
from vrhub.audit.services import record

pytestmark = pytest.mark.django_db


@pytest.fixture
def trail(make_user, police):
    council_worker = make_user(Role.CASEWORKER, full_name="Callum Caseworker")
    officer = make_user(Role.MENTOR, agency=police, full_name="Olive Officer")
    record(action=AuditAction.SIGN_IN, actor=council_worker)
    record(action=AuditAction.USER_UPDATED, actor=council_worker, person_id="P-42")
    record(action=AuditAction.SIGN_IN, actor=officer)
    record(action=AuditAction.SIGN_IN_FAILED, actor=None, detail={"reason": "unknown_account"})
    return {"council_worker": council_worker, "officer": officer}


def _rows(response) -> int:
    return response.context["page"].paginator.count


def test_the_trail_lists_events_newest_first(make_user, client_for, trail):
    dpo = make_user(Role.DATA_PROTECTION_OFFICER)
    response = client_for(dpo).get(reverse("audit:trail"))
    assert response.status_code == 200
    actions = [e.action for e in response.context["page"]]
    assert actions[:4] == [
        AuditAction.SIGN_IN_FAILED,
        AuditAction.SIGN_IN,
        AuditAction.USER_UPDATED,
        AuditAction.SIGN_IN,
    ]
    assert "Unknown account" in response.text
    assert "Failed sign-in" in response.text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (lambda t: {"user": t["officer"].pk}, 1),
        (lambda t: {"agency": t["officer"].agency_id}, 1),
        (lambda t: {"person": "P-42"}, 1),
        (lambda t: {"action": AuditAction.SIGN_IN}, 2),
        (lambda t: {"action": AuditAction.SIGN_IN, "user": t["council_worker"].pk}, 1),
    ],
)
def test_filters_narrow_the_trail(make_user, client_for, trail, query, expected):
    dpo = make_user(Role.DATA_PROTECTION_OFFICER)
    response = client_for(dpo).get(reverse("audit:trail"), query(trail))
    assert response.status_code == 200
    assert _rows(response) == expected


def test_date_filters_include_the_whole_of_the_last_day(make_user, client_for, trail):
    dpo = make_user(Role.DATA_PROTECTION_OFFICER)
    today = timezone.localdate()
    client = client_for(dpo)
    todays = client.get(
        reverse("audit:trail"), {"date_from": f"{today:%d/%m/%Y}", "date_to": f"{today:%d/%m/%Y}"}
    )
    assert _rows(todays) == 4
    tomorrow = today + timedelta(days=1)
    future = client.get(reverse("audit:trail"), {"date_from": f"{tomorrow:%d/%m/%Y}"})
    assert _rows(future) == 0


def test_a_bad_date_is_explained_and_the_trail_still_shows(make_user, client_for, trail):
    dpo = make_user(Role.DATA_PROTECTION_OFFICER)
    response = client_for(dpo).get(reverse("audit:trail"), {"date_from": "32/13/2026"})
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "Enter the start date as a real date" in response.text
    assert response.text.count('href="#id_date_from"') == 1


def test_an_end_date_before_the_start_is_refused(make_user, client_for, trail):
    dpo = make_user(Role.DATA_PROTECTION_OFFICER)
    response = client_for(dpo).get(
        reverse("audit:trail"), {"date_from": "2/3/2026", "date_to": "1/3/2026"}
    )
    assert "The end date must be the same as or after the start date" in response.text


def test_looking_at_the_trail_is_itself_recorded(make_user, client_for, trail):
    dpo = make_user(Role.DATA_PROTECTION_OFFICER)
    client_for(dpo).get(reverse("audit:trail"), {"person": "P-42"})
    viewed = AuditEvent.objects.filter(action=AuditAction.AUDIT_TRAIL_VIEWED).get()
    assert viewed.actor == dpo
    assert viewed.person_id == "P-42"
    assert viewed.detail["filtered_by"] == ["person_id"]


def test_a_dpo_of_another_agency_sees_only_that_agencys_events(
    make_user, client_for, trail, police
):
    police_dpo = make_user(Role.DATA_PROTECTION_OFFICER, agency=police)
    response = client_for(police_dpo).get(reverse("audit:trail"))
    agencies = {e.agency_id for e in response.context["page"]}
    assert agencies == {police.pk}
    # And cannot filter their way into the council's events.
    council_id = trail["council_worker"].agency_id
    response = client_for(police_dpo).get(reverse("audit:trail"), {"agency": council_id})
    assert "Select an agency from the list" in response.text


def test_the_page_costs_the_same_queries_however_many_events(make_user, client_for, trail):
    dpo = make_user(Role.DATA_PROTECTION_OFFICER)
    client = client_for(dpo)

    def queries_for_first_page() -> int:
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("audit:trail"))
        return len(captured)

    few = queries_for_first_page()
    for _ in range(60):
        record(action=AuditAction.SIGN_IN, actor=trail["officer"])
    many = queries_for_first_page()
    assert many == few
    response = client.get(reverse("audit:trail"))
    assert len(response.context["page"].object_list) == 50


def test_events_carry_the_request_id_the_user_sees(make_user, client_for):
    dpo = make_user(Role.DATA_PROTECTION_OFFICER)
    response = client_for(dpo).get(reverse("audit:trail"))
    viewed = AuditEvent.objects.get(action=AuditAction.AUDIT_TRAIL_VIEWED)
    assert viewed.request_id == response["X-Request-ID"]
    assert len(viewed.request_id) == 32


def test_the_filtered_trail_downloads_as_csv_and_the_download_is_recorded(
    make_user, client_for, trail
):
    dpo = make_user(Role.DATA_PROTECTION_OFFICER)
    record(action=AuditAction.SIGN_IN, actor=trail["officer"], target_id="=HYPERLINK(1)")
    response = client_for(dpo).get(reverse("audit:export"), {"action": AuditAction.SIGN_IN})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="audit-trail-')
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:5] == ["When (UTC)", "User", "User email", "Agency", "Action"]
    assert len(rows) == 1 + 3
    assert {r[5] for r in rows[1:]} == {AuditAction.SIGN_IN}
    assert rows[1][7] == "'=HYPERLINK(1)"  # a spreadsheet shows it, never runs it
    exported = AuditEvent.objects.get(action=AuditAction.AUDIT_TRAIL_EXPORTED)
    assert exported.actor == dpo
    assert exported.detail == {"filtered_by": ["action"]}


def test_a_download_with_a_bad_filter_explains_instead(make_user, client_for, trail):
    dpo = make_user(Role.DATA_PROTECTION_OFFICER)
    response = client_for(dpo).get(reverse("audit:export"), {"date_to": "soon"})
    assert response.status_code == 400
    assert "Enter the end date as a real date" in response.text
    assert not AuditEvent.objects.filter(action=AuditAction.AUDIT_TRAIL_EXPORTED).exists()


def test_dates_are_days_in_the_uk_even_in_summer_time(make_user, client_for):
    from datetime import UTC, datetime
    from unittest import mock

    worker = make_user(Role.CASEWORKER)
    half_past_midnight_bst = datetime(2026, 7, 14, 23, 30, tzinfo=UTC)
    with mock.patch("vrhub.audit.services.timezone.now", return_value=half_past_midnight_bst):
        record(action=AuditAction.SIGN_IN, actor=worker)
    client = client_for(make_user(Role.DATA_PROTECTION_OFFICER))
    query = {"action": AuditAction.SIGN_IN}
    on_15th = client.get(
        reverse("audit:trail"), {**query, "date_from": "15/7/2026", "date_to": "15/7/2026"}
    )
    on_14th = client.get(
        reverse("audit:trail"), {**query, "date_from": "14/7/2026", "date_to": "14/7/2026"}
    )
    assert (_rows(on_15th), _rows(on_14th)) == (1, 0)
    assert "15 Jul 2026 00:30" in on_15th.text


def test_filtering_by_a_user_shows_what_was_done_to_their_account(make_user, client_for):
    from django.test import Client

    victim = make_user(Role.CASEWORKER)
    Client().post("/sign-in/", {"email": victim.email, "password": "a-guess"})
    client = client_for(make_user(Role.DATA_PROTECTION_OFFICER))
    response = client.get(reverse("audit:trail"), {"user": victim.pk})
    assert [e.action for e in response.context["page"]] == [AuditAction.SIGN_IN_FAILED]
    assert "Unknown account" in response.text  # the guesser, not the account's owner


def test_records_acted_on_are_named_for_people_to_read(make_user, client_for):
    worker = make_user(Role.CASEWORKER, full_name="Callum Caseworker")
    record(action=AuditAction.USER_UNLOCKED, actor=None, target_type="user", target_id=worker.pk)
    record(action=AuditAction.AGENCY_UPDATED, actor=None, target_type="agency", target_id=3)
    response = client_for(make_user(Role.DATA_PROTECTION_OFFICER)).get(reverse("audit:trail"))
    assert "Account of Callum Caseworker" in response.text
    assert "Agency 3" in response.text
