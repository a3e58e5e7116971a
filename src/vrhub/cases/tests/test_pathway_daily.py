"""The daily command: offers with no answer lapse, unjustified at-risk entries expire."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from vrhub.audit.models import AuditAction, AuditEvent
from vrhub.cases import services
from vrhub.cases.models import AtRiskEntry, AtRiskStatus, OfferAnswer, OfferMethod
from vrhub.cases.pathway import ClosureReason, Step
from vrhub.cases.tests.quick import decline_offer

pytestmark = pytest.mark.django_db


def _run() -> str:
    out = io.StringIO()
    call_command("pathway_daily", stdout=out)
    return out.getvalue()


def test_the_daily_run_lapses_overdue_offers_and_expires_overdue_entries(make_case, caseworker):
    today = timezone.localdate()
    waiting = make_case(Step.OFFER, first_name="Wes")
    services.offer_make(
        case=waiting,
        actor=caseworker,
        made_on=today - timedelta(days=30),
        method=OfferMethod.LETTER,
        expected_version=waiting.version,
    )
    in_time = make_case(Step.OFFER, first_name="Tia")
    services.offer_make(
        case=in_time,
        actor=caseworker,
        made_on=today,
        method=OfferMethod.PHONE,
        expected_version=in_time.version,
    )
    overdue = decline_offer(make_case(Step.OFFER, first_name="Oli"), caseworker)
    assert overdue is not None
    AtRiskEntry.objects.filter(pk=overdue.pk).update(
        added_on=today - timedelta(days=95), review_on=today - timedelta(days=1)
    )

    output = _run()

    assert "Offers lapsed without an answer: 1" in output
    assert "At-risk entries expired: 1" in output
    waiting.refresh_from_db()
    assert not waiting.is_open
    assert waiting.closure_reason == ClosureReason.NO_RESPONSE
    assert waiting.offers.get().answer == OfferAnswer.NO_RESPONSE
    assert AtRiskEntry.objects.get(case=waiting).status == AtRiskStatus.ACTIVE
    in_time.refresh_from_db()
    assert in_time.is_open
    overdue.refresh_from_db()
    assert overdue.status == AtRiskStatus.EXPIRED
    assert overdue.ended_on == today
    assert AuditEvent.objects.filter(action=AuditAction.OFFER_LAPSED).count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.AT_RISK_EXPIRED).count() == 1


def test_a_second_run_the_same_day_finds_nothing_to_do(make_case, caseworker):
    overdue = decline_offer(make_case(Step.OFFER), caseworker)
    assert overdue is not None
    today = timezone.localdate()
    AtRiskEntry.objects.filter(pk=overdue.pk).update(
        added_on=today - timedelta(days=95), review_on=today - timedelta(days=1)
    )
    assert "At-risk entries expired: 1" in _run()
    assert _run() == "Offers lapsed without an answer: 0\nAt-risk entries expired: 0\n"


def test_its_help_says_to_run_it_daily():
    from vrhub.cases.management.commands.pathway_daily import Command

    assert "once a day" in Command.help
