"""Reviewing an entry on the at-risk list: re-justify it for at most 3 months more, or remove
it. An entry that has left the list cannot be reached again."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone

from vrhub.accounts.models import Role
from vrhub.accounts.tests.factories import UserFactory
from vrhub.audit.models import AuditAction, AuditEvent
from vrhub.cases.models import AtRiskEntry, AtRiskReview, AtRiskStatus
from vrhub.cases.pathway import Step
from vrhub.cases.tests.quick import decline_offer

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(make_case, caseworker) -> AtRiskEntry:
    found = decline_offer(make_case(Step.OFFER), caseworker)
    assert found is not None
    return found


def _url(entry: AtRiskEntry) -> str:
    return reverse("cases:at-risk-entry", kwargs={"entry_id": entry.pk})


def _date(prefix: str, day: date) -> dict[str, str]:
    return {
        f"{prefix}_0": str(day.day),
        f"{prefix}_1": str(day.month),
        f"{prefix}_2": str(day.year),
    }


def _rejustify(client, entry: AtRiskEntry, day: date, why: str = "Seen with a knife last week"):
    return client.post(
        _url(entry), {"action": "rejustify", "justification": why, **_date("next_review_on", day)}
    )


def test_the_entry_shows_why_the_person_is_listed_and_looking_is_recorded(
    client_for, caseworker, entry
):
    response = client_for(caseworker).get(_url(entry))
    assert response.status_code == 200
    assert "Jayden Clarke" in response.text
    assert "Declined the CIRV offer" in response.text
    assert "Not reviewed yet" in response.text
    viewed = AuditEvent.objects.filter(action=AuditAction.CASE_VIEWED).latest("id")
    assert viewed.detail == {"view": "at_risk_entry"}
    assert viewed.person_id == entry.case.referral.reference


def test_re_justifying_keeps_the_person_on_the_list_until_the_new_review(
    client_for, manager, entry
):
    next_review = timezone.localdate() + timedelta(days=60)
    response = _rejustify(client_for(manager), entry, next_review)
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.review_on == next_review
    review = AtRiskReview.objects.get(entry=entry)
    assert review.justification == "Seen with a knife last week"
    assert review.reviewed_by == manager
    assert AuditEvent.objects.filter(action=AuditAction.AT_RISK_REJUSTIFIED).exists()
    history = client_for(manager).get(_url(entry))
    assert "Seen with a knife last week" in history.text


def test_re_justifying_beyond_3_months_is_refused(client_for, caseworker, entry):
    too_late = timezone.localdate() + relativedelta(months=3) + timedelta(days=1)
    response = _rejustify(client_for(caseworker), entry, too_late)
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "The next review must be within 3 months" in response.text
    assert not AtRiskReview.objects.exists()
    entry.refresh_from_db()
    assert entry.review_on < too_late


def test_a_review_date_before_the_date_the_person_was_added_is_refused(
    client_for, caseworker, entry
):
    before_added = entry.added_on - timedelta(days=1)
    response = _rejustify(client_for(caseworker), entry, before_added)
    assert "The next review date must be in the future" in response.text
    assert not AtRiskReview.objects.exists()


def test_a_re_justification_needs_a_reason(client_for, caseworker, entry):
    response = _rejustify(
        client_for(caseworker), entry, timezone.localdate() + timedelta(days=9), ""
    )
    assert "Say why the person must stay on the list" in response.text
    assert not AtRiskReview.objects.exists()


def test_removing_takes_the_person_off_the_list_and_their_entry_is_gone(
    client_for, caseworker, entry
):
    client = client_for(caseworker)
    response = client.post(_url(entry), {"action": "remove"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == AtRiskStatus.REMOVED
    assert AuditEvent.objects.filter(action=AuditAction.AT_RISK_REMOVED).exists()
    assert client.get(_url(entry)).status_code == 404
    denied = AuditEvent.objects.filter(action=AuditAction.ACCESS_DENIED).latest("id")
    assert denied.target_type == "at_risk_entry"
    assert denied.target_id == str(entry.pk)


def test_an_entry_past_its_review_date_cannot_be_reached_or_re_justified(
    client_for, caseworker, entry
):
    today = timezone.localdate()
    AtRiskEntry.objects.filter(pk=entry.pk).update(
        added_on=today - timedelta(days=100), review_on=today - timedelta(days=1)
    )
    client = client_for(caseworker)
    assert client.get(_url(entry)).status_code == 404
    assert _rejustify(client, entry, today + timedelta(days=30)).status_code == 404
    assert not AtRiskReview.objects.exists()


def test_only_the_owner_or_a_programme_manager_keeps_someone_on_the_list(
    make_case, caseworker, manager, client_for, police
):
    entry = decline_offer(make_case(Step.OFFER), caseworker)
    assert entry is not None
    colleague = UserFactory(agency=police, roles=[Role.CASEWORKER])
    url = f"/at-risk/{entry.pk}/"
    page = client_for(colleague).get(url)
    assert page.status_code == 200
    assert "Re-justify" not in page.text
    assert client_for(colleague).post(url, {"action": "remove"}).status_code == 403
    assert AuditEvent.objects.filter(action=AuditAction.ACCESS_DENIED, actor=colleague).exists()
    assert client_for(manager).post(url, {"action": "remove"}).status_code == 302
