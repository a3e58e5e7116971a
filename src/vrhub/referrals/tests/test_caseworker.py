"""The caseworker's queue and decisions, onward referral, and what the referrer then sees."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from vrhub.accounts.models import Role
from vrhub.audit.models import AuditAction, AuditEvent
from vrhub.referrals import services
from vrhub.referrals.eligibility import age_on
from vrhub.referrals.models import Eligibility, OnwardReferral, ProgrammeArea, ReferralStatus
from vrhub.referrals.tests.factories import complete_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def referrer(make_user):
    return make_user(Role.REFERRER)


@pytest.fixture
def caseworker(make_user, police):
    return make_user(Role.CASEWORKER, agency=police)


def _refer(referrer, **answers):
    return services.referral_create(actor=referrer, answers=complete_answers(**answers)).referral


def test_the_queue_counts_each_status_and_lists_the_new(
    referrer, caseworker, client_for, coventry_area
):
    eligible = _refer(referrer)
    out_of_area = _refer(referrer, postcode="B6 4AA")
    services.referral_decide(referral=eligible, actor=caseworker, decision="accept")
    response = client_for(caseworker).get(reverse("referrals:queue"))
    tabs = dict(response.context["tabs"])
    assert tabs[ReferralStatus.NEW] == 1
    assert tabs[ReferralStatus.AWAITING_TRIAGE] == 1
    assert [r.reference for r in response.context["page"]] == [out_of_area.reference]
    assert "Out of area" in response.text
    assert out_of_area.full_name not in response.text  # names only on the record itself


def test_queue_filters(referrer, caseworker, client_for, coventry_area):
    _refer(referrer, urgency="urgent")
    _refer(referrer, date_of_birth=date(2013, 1, 1))  # 13: not eligible
    client = client_for(caseworker)
    eligible_only = client.get(reverse("referrals:queue"), {"eligibility": "not_eligible"})
    assert eligible_only.context["page"].paginator.count == 1
    urgent = client.get(reverse("referrals:queue"), {"urgent": "1"})
    assert urgent.context["page"].paginator.count == 1
    junk = client.get(reverse("referrals:queue"), {"status": "nonsense", "area": "x"})
    assert junk.status_code == 200
    assert junk.context["criteria"].status == ReferralStatus.NEW


def test_the_queue_costs_the_same_queries_however_many_referrals(
    referrer, caseworker, client_for, coventry_area, police, make_user
):
    other_referrer = make_user(Role.REFERRER, agency=police)
    client = client_for(caseworker)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("referrals:queue")).status_code == 200
        return len(captured)

    _refer(referrer)
    few = count()
    ProgrammeArea.objects.create(
        name="Wolverhampton", local_authority=police, postcode_districts=["WV1"]
    )
    for n in range(30):
        who = [referrer, other_referrer][n % 2]
        _refer(who, postcode=["CV2 4AB", "WV1 1AA", "B6 4AA"][n % 3])
    assert count() == few


def test_opening_a_referral_is_audited_and_shows_why_it_is_eligible(
    referrer, caseworker, client_for, coventry_area
):
    referral = _refer(referrer)
    response = client_for(caseworker).get(reverse("referrals:detail", args=[referral.reference]))
    assert "Jayden Clarke" in response.text
    age = age_on(referral.date_of_birth, referral.referral_date)
    assert f"Eligible: aged {age} on the referral date, lives in Coventry (CV2)" in response.text
    viewed = AuditEvent.objects.get(action=AuditAction.REFERRAL_VIEWED)
    assert (viewed.actor, viewed.target_id) == (caseworker, referral.reference)
    assert viewed.subject_agency == referrer.agency


def test_accepting_moves_an_eligible_referral_to_triage_and_the_referrer_sees_only_status(
    referrer, caseworker, client_for, coventry_area
):
    referral = _refer(referrer)
    referrer_client = client_for(referrer)
    status_url = reverse("referrals:status", args=[referral.reference])
    assert "Jayden Clarke" in referrer_client.get(status_url).text  # still at referral stage
    response = client_for(caseworker).post(
        reverse("referrals:decide", args=[referral.reference]), {"decision": "accept"}
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.AWAITING_TRIAGE
    page = referrer_client.get(status_url)
    assert "Eligible, awaiting triage" in page.text
    assert "Jayden Clarke" not in page.text
    # Seen whole while at the referral stage, then only its status: each recorded as such.
    seen = AuditEvent.objects.filter(actor=referrer, target_id=referral.reference)
    assert [e.action for e in seen.order_by("id")] == [
        AuditAction.REFERRAL_STARTED,
        AuditAction.REFERRAL_SUBMITTED,
        AuditAction.REFERRAL_VIEWED,
        AuditAction.REFERRAL_STATUS_VIEWED,
    ]


def test_an_ineligible_referral_cannot_go_to_triage(
    referrer, caseworker, client_for, coventry_area
):
    referral = _refer(referrer, date_of_birth=date(2013, 6, 1))
    response = client_for(caseworker).post(
        reverse("referrals:decide", args=[referral.reference]), {"decision": "accept"}
    )
    assert response.status_code == 400
    assert "Only an eligible referral can go to triage" in response.text
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.NEW


def test_out_of_area_is_signposted_to_a_suggested_service_and_the_referrer_is_told(
    referrer, caseworker, client_for, directory
):
    referral = _refer(referrer, postcode="B6 4AA")
    assert referral.eligibility == Eligibility.OUT_OF_AREA
    client = client_for(caseworker)
    page = client.get(reverse("referrals:detail", args=[referral.reference]))
    assert [s.name for s in page.context["suggested"]] == ["Birmingham CIRV"]
    empty = client.post(reverse("referrals:signpost", args=[referral.reference]), {})
    assert empty.status_code == 400
    assert "Select the service the person was referred to" in empty.text
    client.post(
        reverse("referrals:signpost", args=[referral.reference]),
        {"service": directory["neighbours"].pk},
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SIGNPOSTED
    assert OnwardReferral.objects.get(referral=referral).recorded_by == caseworker
    status = client_for(referrer).get(reverse("referrals:status", args=[referral.reference]))
    assert "Not eligible, signposted" in status.text
    assert "Birmingham CIRV" in status.text


def test_suggestions_fit_the_persons_age_and_area(referrer, directory):
    too_young = _refer(referrer, date_of_birth=date(2013, 6, 1))
    from vrhub.referrals.selectors import suggested_services

    assert [s.name for s in suggested_services(too_young)] == ["Early Help"]


def test_a_repeat_referral_is_offered_and_recorded(referrer, caseworker, client_for, coventry_area):
    first = _refer(referrer)
    second = _refer(referrer, first_name="JAYDEN")
    assert second.possibly_known_as == first
    client = client_for(caseworker)
    page = client.get(reverse("referrals:detail", args=[second.reference]))
    assert "Possibly already known" in page.text
    client.post(reverse("referrals:repeat", args=[second.reference]))
    second.refresh_from_db()
    assert second.repeat_of == first
    assert not _refer(referrer, first_name="Jay").possibly_known_as


def test_another_referrer_cannot_see_a_referral(referrer, make_user, client_for, coventry_area):
    referral = _refer(referrer)
    stranger = make_user(Role.REFERRER)
    response = client_for(stranger).get(reverse("referrals:status", args=[referral.reference]))
    assert response.status_code == 404
    assert AuditEvent.objects.filter(action=AuditAction.ACCESS_DENIED, actor=stranger).exists()


def test_an_eligible_referral_cannot_be_signposted_nor_to_a_service_that_does_not_fit(
    referrer, caseworker, client_for, directory
):
    eligible = _refer(referrer)
    client = client_for(caseworker)
    response = client.post(
        reverse("referrals:signpost", args=[eligible.reference]),
        {"service": directory["early_help"].pk},
    )
    assert response.status_code == 400
    assert "eligible for CIRV: accept it for triage instead" in response.text
    too_young = _refer(referrer, date_of_birth=date(2013, 6, 1))
    adults_only = client.post(
        reverse("referrals:signpost", args=[too_young.reference]),
        {"service": directory["adults"].pk},
    )
    assert adults_only.status_code == 400
    assert "Select a service from the list" in adults_only.text
    for referral in (eligible, too_young):
        referral.refresh_from_db()
        assert referral.status == ReferralStatus.NEW


def test_a_decision_already_taken_elsewhere_is_not_taken_twice(referrer, caseworker, coventry_area):
    referral = _refer(referrer)
    stale = type(referral).objects.get(pk=referral.pk)  # another caseworker's open page
    services.referral_decide(referral=referral, actor=caseworker, decision="withdraw")
    with pytest.raises(services.ReferralRefused):
        services.referral_decide(referral=stale, actor=caseworker, decision="accept")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.WITHDRAWN
    decided = AuditEvent.objects.filter(action=AuditAction.REFERRAL_DECIDED)
    assert decided.count() == 1


def test_a_repeat_is_recorded_once(referrer, caseworker, client_for, coventry_area):
    _refer(referrer)
    second = _refer(referrer)
    client = client_for(caseworker)
    client.post(reverse("referrals:repeat", args=[second.reference]))
    again = client.post(reverse("referrals:repeat", args=[second.reference]))
    assert again.status_code == 400
    assert "already linked" in again.text
    assert AuditEvent.objects.filter(action=AuditAction.REFERRAL_REPEAT_MARKED).count() == 1


def test_the_queue_puts_immediate_risk_then_urgent_first(
    referrer, caseworker, client_for, coventry_area
):
    routine = _refer(referrer)
    urgent = _refer(referrer, urgency="urgent")
    at_risk = _refer(referrer, immediate_risk=True)
    newest = _refer(referrer)
    response = client_for(caseworker).get(reverse("referrals:queue"))
    assert [r.reference for r in response.context["page"]] == [
        at_risk.reference,
        urgent.reference,
        newest.reference,
        routine.reference,
    ]


def test_every_showing_of_the_record_is_audited_even_with_an_error(
    referrer, caseworker, client_for, coventry_area
):
    referral = _refer(referrer)
    client_for(caseworker).post(
        reverse("referrals:decide", args=[referral.reference]), {"decision": "nonsense"}
    )
    assert (
        AuditEvent.objects.filter(
            action=AuditAction.REFERRAL_VIEWED, actor=caseworker, target_id=referral.reference
        ).count()
        == 1
    )


def test_the_team_asks_for_more_and_the_referrer_answers(
    referrer, caseworker, client_for, coventry_area
):
    referral = _refer(referrer)
    team = client_for(caseworker)
    empty = team.post(reverse("referrals:ask", args=[referral.reference]), {"request": ""})
    assert empty.status_code == 400
    assert "Say what information you need from the referrer" in empty.text
    team.post(
        reverse("referrals:ask", args=[referral.reference]),
        {"request": "Which school does he go to?"},
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.AWAITING_INFORMATION

    them = client_for(referrer)
    page = them.get(reverse("referrals:status", args=[referral.reference]))
    assert "The CIRV team needs more information" in page.text
    assert "Which school does he go to?" in page.text
    blank = them.post(reverse("referrals:reply", args=[referral.reference]), {"information": ""})
    assert "Enter the information the CIRV team asked for" in blank.text
    them.post(
        reverse("referrals:reply", args=[referral.reference]), {"information": "Riverside Academy"}
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.NEW
    assert "Riverside Academy" in referral.information_given
    record = team.get(reverse("referrals:detail", args=[referral.reference]))
    assert "Riverside Academy" in record.text
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        AuditAction.REFERRAL_INFORMATION_REQUESTED,
        AuditAction.REFERRAL_INFORMATION_GIVEN,
    } <= actions
    # Neither text reaches the audit trail.
    assert "Riverside" not in str(AuditEvent.objects.values_list("detail"))


def test_only_the_referrer_answers_and_only_when_asked(
    referrer, caseworker, client_for, make_user, coventry_area
):
    referral = _refer(referrer)
    not_asked = client_for(referrer).post(
        reverse("referrals:reply", args=[referral.reference]), {"information": "x"}
    )
    assert not_asked.status_code == 400
    services.referral_request_information(referral=referral, actor=caseworker, request="?")
    stranger = client_for(make_user(Role.REFERRER)).post(
        reverse("referrals:reply", args=[referral.reference]), {"information": "x"}
    )
    assert stranger.status_code == 404
