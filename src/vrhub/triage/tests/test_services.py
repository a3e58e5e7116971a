"""Triage's services: the agenda a panel gets, what agencies contribute, the panel's decisions."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from vrhub.accounts.models import AgencyKind, Role
from vrhub.accounts.tests.factories import AgencyFactory, UserFactory
from vrhub.audit.models import AuditAction, AuditEvent
from vrhub.cases.pathway import Step
from vrhub.cases.tests.factories import awaiting_triage, schedule_panel
from vrhub.referrals import services as referral_services
from vrhub.referrals.models import OnwardReferral, ProgrammeArea, Referral, ReferralStatus
from vrhub.referrals.tests.factories import complete_answers
from vrhub.triage import services
from vrhub.triage.models import AgendaItem, Contribution, PanelDecision, TriagePanel

pytestmark = pytest.mark.django_db


@pytest.fixture
def panel_member(db):
    youth_justice = AgencyFactory(
        name="Coventry Youth Justice Service", kind=AgencyKind.YOUTH_JUSTICE
    )
    return UserFactory(
        agency=youth_justice, roles=[Role.TRIAGE_PANEL_MEMBER], full_name="Yusuf Youth-Justice"
    )


@pytest.fixture
def wolverhampton(police) -> ProgrammeArea:
    return ProgrammeArea.objects.create(
        name="Wolverhampton", local_authority=police, postcode_districts=["WV1"], minimum_age=14
    )


def _item(panel, referral) -> AgendaItem:
    return panel.items.get(referral=referral)


def test_scheduling_builds_the_agenda_from_eligible_referrals_awaiting_triage_in_the_area(
    caseworker, manager, coventry_area, wolverhampton
):
    first = awaiting_triage(caseworker)
    second = awaiting_triage(caseworker, first_name="Amara")
    elsewhere = awaiting_triage(caseworker, postcode="WV1 1AA")
    not_sent_on = referral_services.referral_create(
        actor=caseworker, answers=complete_answers(first_name="Nia")
    ).referral  # eligible, but the CIRV team has not accepted it for triage
    too_young = referral_services.referral_create(
        actor=caseworker, answers=complete_answers(date_of_birth=date(2020, 1, 1))
    ).referral
    # Were it ever to be awaiting triage, a referral that is not eligible still stays off.
    Referral.objects.filter(pk=too_young.pk).update(status=ReferralStatus.AWAITING_TRIAGE)

    panel = schedule_panel(manager, coventry_area)

    on_agenda = list(panel.items.order_by("position").values_list("referral", "position"))
    assert on_agenda == [(first.pk, 1), (second.pk, 2)]
    assert elsewhere.area == wolverhampton
    assert not AgendaItem.objects.filter(referral__in=[elsewhere, not_sent_on, too_young])
    event = AuditEvent.objects.get(action=AuditAction.PANEL_SCHEDULED)
    assert (event.target_id, event.detail) == (str(panel.pk), {"agenda": 2})


def test_a_person_waiting_on_one_agenda_is_not_put_on_another(caseworker, manager, coventry_area):
    waiting = awaiting_triage(caseworker)
    first = schedule_panel(manager, coventry_area, days=7)
    newcomer = awaiting_triage(caseworker, first_name="Amara")
    second = schedule_panel(manager, coventry_area, days=14)
    assert list(first.items.values_list("referral", flat=True)) == [waiting.pk]
    assert list(second.items.values_list("referral", flat=True)) == [newcomer.pk]


def test_a_panel_cannot_be_scheduled_in_the_past(manager, coventry_area):
    with pytest.raises(services.TriageRefused) as refused:
        services.panel_schedule(
            actor=manager,
            area=coventry_area,
            meets_at=timezone.now() - timedelta(hours=1),
            location="Council House",
            chair=manager,
        )
    assert refused.value.problems == {"meets_at": "The meeting must be in the future"}


def test_only_the_cirv_team_chairs_a_panel(manager, panel_member, coventry_area):
    with pytest.raises(services.TriageRefused) as refused:
        services.panel_schedule(
            actor=manager,
            area=coventry_area,
            meets_at=timezone.now() + timedelta(days=1),
            location="  ",
            chair=panel_member,
        )
    assert set(refused.value.problems) == {"location", "chair"}


def test_refreshing_adds_referrals_that_became_eligible(caseworker, manager, coventry_area):
    first = awaiting_triage(caseworker)
    panel = schedule_panel(manager, coventry_area)
    later = awaiting_triage(caseworker, first_name="Amara")
    assert services.agenda_refresh(panel=panel, actor=manager) == 1
    assert services.agenda_refresh(panel=panel, actor=manager) == 0
    assert list(panel.items.order_by("position").values_list("referral", "position")) == [
        (first.pk, 1),
        (later.pk, 2),
    ]


def test_more_information_returns_the_referral_to_the_next_agenda(
    caseworker, manager, coventry_area
):
    referral = awaiting_triage(caseworker)
    panel = schedule_panel(manager, coventry_area)
    case = services.decision_record(
        item=_item(panel, referral),
        actor=manager,
        decision=PanelDecision.MORE_INFORMATION,
        reason="School attendance since September",
    )
    assert case is None
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.AWAITING_TRIAGE
    following = schedule_panel(manager, coventry_area, days=14)
    assert list(following.items.values_list("referral", flat=True)) == [referral.pk]


def test_refreshing_after_asking_for_more_information_does_not_re_add_the_person(
    caseworker, manager, coventry_area
):
    referral = awaiting_triage(caseworker)
    panel = schedule_panel(manager, coventry_area)
    services.decision_record(
        item=_item(panel, referral),
        actor=manager,
        decision=PanelDecision.MORE_INFORMATION,
        reason="School attendance",
    )
    assert services.agenda_refresh(panel=panel, actor=manager) == 0


def test_accepting_opens_a_case_at_the_offer_with_its_caseworker(
    caseworker, manager, coventry_area
):
    referral = awaiting_triage(caseworker)
    panel = schedule_panel(manager, coventry_area)
    item = _item(panel, referral)
    case = services.decision_record(
        item=item, actor=manager, decision=PanelDecision.ACCEPT, reason="", caseworker=caseworker
    )
    assert case is not None
    assert (case.step, case.caseworker, case.referral) == (Step.OFFER, caseworker, referral)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    assert (item.decision, item.decided_by) == (PanelDecision.ACCEPT, manager)


def test_only_an_active_caseworker_is_given_the_case(manager, caseworker, coventry_area):
    referral = awaiting_triage(caseworker)
    panel = schedule_panel(manager, coventry_area)
    with pytest.raises(services.TriageRefused) as refused:
        services.decision_record(
            item=_item(panel, referral),
            actor=manager,
            decision=PanelDecision.ACCEPT,
            reason="",
            caseworker=manager,
        )
    assert set(refused.value.problems) == {"caseworker"}


def test_not_suitable_needs_a_reason_and_a_service_and_records_the_onward_referral(
    caseworker, manager, coventry_area, directory
):
    referral = awaiting_triage(caseworker)
    panel = schedule_panel(manager, coventry_area)
    item = _item(panel, referral)
    with pytest.raises(services.TriageRefused) as refused:
        services.decision_record(
            item=item, actor=manager, decision=PanelDecision.NOT_SUITABLE, reason=" "
        )
    assert refused.value.problems == {
        "reason": "Say why the person is not suitable",
        "onward_service": "Select the service the person is referred on to",
    }
    services.decision_record(
        item=item,
        actor=manager,
        decision=PanelDecision.NOT_SUITABLE,
        reason="Early Help is already working with the family",
        onward_service=directory["early_help"],
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.NOT_SUITABLE
    onward = OnwardReferral.objects.get(referral=referral)
    assert (onward.service, onward.recorded_by) == (directory["early_help"], manager)
    assert item.onward_service == directory["early_help"]


def test_a_second_decision_on_the_same_person_is_refused(caseworker, manager, coventry_area):
    referral = awaiting_triage(caseworker)
    panel = schedule_panel(manager, coventry_area)
    item = _item(panel, referral)
    services.decision_record(
        item=item, actor=manager, decision=PanelDecision.ACCEPT, reason="", caseworker=caseworker
    )
    with pytest.raises(services.TriageRefused) as refused:
        services.decision_record(
            item=item, actor=caseworker, decision=PanelDecision.MORE_INFORMATION, reason="x"
        )
    assert "recorded already" in refused.value.problems["decision"]
    item.refresh_from_db()
    assert (item.decision, item.decided_by) == (PanelDecision.ACCEPT, manager)


def test_a_contribution_replaces_the_agencys_earlier_one(
    caseworker, manager, panel_member, coventry_area
):
    referral = awaiting_triage(caseworker)
    item = _item(schedule_panel(manager, coventry_area), referral)
    services.contribution_save(
        item=item, actor=panel_member, information="Known since 2024", criminally_active=False
    )
    colleague = UserFactory(agency=panel_member.agency, roles=[Role.TRIAGE_PANEL_MEMBER])
    services.contribution_save(
        item=item,
        actor=colleague,
        information="Open to YJS: referral order",
        criminally_active=False,
    )
    only = Contribution.objects.get(item=item)
    assert (only.agency, only.author, only.information) == (
        panel_member.agency,
        colleague,
        "Open to YJS: referral order",
    )
    replaced = AuditEvent.objects.filter(action=AuditAction.CONTRIBUTION_SAVED).order_by("id")
    assert [e.detail["replaced"] for e in replaced] == [False, True]


def test_only_police_may_record_a_person_as_criminally_active(
    caseworker, manager, panel_member, coventry_area
):
    referral = awaiting_triage(caseworker)
    item = _item(schedule_panel(manager, coventry_area), referral)
    with pytest.raises(services.TriageRefused) as refused:
        services.contribution_save(
            item=item, actor=panel_member, information="Known", criminally_active=True
        )
    assert set(refused.value.problems) == {"criminally_active"}
    assert not Contribution.objects.exists()
    assert caseworker.agency.kind == AgencyKind.POLICE
    saved = services.contribution_save(
        item=item, actor=caseworker, information="Two arrests this year", criminally_active=True
    )
    assert saved.criminally_active


def test_no_information_is_added_once_the_panel_has_decided(
    caseworker, manager, panel_member, coventry_area
):
    referral = awaiting_triage(caseworker)
    item = _item(schedule_panel(manager, coventry_area), referral)
    services.decision_record(
        item=item, actor=manager, decision=PanelDecision.ACCEPT, reason="", caseworker=caseworker
    )
    with pytest.raises(services.TriageRefused) as refused:
        services.contribution_save(
            item=item, actor=panel_member, information="Late", criminally_active=False
        )
    assert set(refused.value.problems) == {"__all__"}


def test_every_change_about_a_person_is_audited_with_their_reference_and_no_free_text(
    caseworker, manager, panel_member, coventry_area, directory
):
    accepted = awaiting_triage(caseworker)
    declined = awaiting_triage(caseworker, first_name="Amara")
    asked = awaiting_triage(caseworker, first_name="Nia")
    panel = schedule_panel(manager, coventry_area)
    words = {
        "information": "Seen with older males near the station",
        "reason_declined": "Already supported by Early Help",
        "reason_asked": "Ask the school about exclusions",
    }
    services.contribution_save(
        item=_item(panel, accepted),
        actor=panel_member,
        information=words["information"],
        criminally_active=False,
    )
    services.decision_record(
        item=_item(panel, accepted),
        actor=manager,
        decision=PanelDecision.ACCEPT,
        reason="",
        caseworker=caseworker,
    )
    services.decision_record(
        item=_item(panel, declined),
        actor=manager,
        decision=PanelDecision.NOT_SUITABLE,
        reason=words["reason_declined"],
        onward_service=directory["early_help"],
    )
    services.decision_record(
        item=_item(panel, asked),
        actor=manager,
        decision=PanelDecision.MORE_INFORMATION,
        reason=words["reason_asked"],
    )
    services.item_viewed(item=_item(panel, asked), actor=panel_member)

    about_people = AuditEvent.objects.filter(
        action__in=[
            AuditAction.CONTRIBUTION_SAVED,
            AuditAction.PANEL_DECIDED,
            AuditAction.AGENDA_ITEM_VIEWED,
        ]
    ).order_by("id")
    assert [(e.action, e.person_id) for e in about_people] == [
        (AuditAction.CONTRIBUTION_SAVED, accepted.reference),
        (AuditAction.PANEL_DECIDED, accepted.reference),
        (AuditAction.PANEL_DECIDED, declined.reference),
        (AuditAction.PANEL_DECIDED, asked.reference),
        (AuditAction.AGENDA_ITEM_VIEWED, asked.reference),
    ]
    assert about_people[0].subject_agency == caseworker.agency  # the referring agency's record
    for event in AuditEvent.objects.all():
        written = str(event.detail)
        assert not any(text in written for text in words.values()), event.action
        assert "Jayden" not in written
        assert "Clarke" not in written


def test_someone_left_undecided_at_a_panel_that_met_is_on_the_next_agenda(
    caseworker, manager, coventry_area
):
    referral = awaiting_triage(caseworker)
    panel = schedule_panel(manager, coventry_area)
    TriagePanel.objects.filter(pk=panel.pk).update(meets_at=timezone.now() - timedelta(days=3))
    following = schedule_panel(manager, coventry_area, days=14)
    assert list(following.items.values_list("referral", flat=True)) == [referral.pk]
    added = AuditEvent.objects.filter(
        action=AuditAction.AGENDA_ITEM_ADDED, person_id=referral.reference
    )
    assert added.count() == 2
