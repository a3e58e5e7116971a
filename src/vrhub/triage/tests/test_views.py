"""The triage pages as panel members, caseworkers and programme managers use them."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from vrhub.accounts.models import AgencyKind, Role
from vrhub.accounts.tests.factories import AgencyFactory, UserFactory
from vrhub.audit.models import AuditAction, AuditEvent
from vrhub.cases.models import Case
from vrhub.cases.tests.factories import awaiting_triage, schedule_panel
from vrhub.referrals.models import Concern, ReferralStatus
from vrhub.triage import services
from vrhub.triage.forms import parse_time
from vrhub.triage.models import AgendaItem, PanelDecision, TriagePanel

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
def police_member(police):
    return UserFactory(agency=police, roles=[Role.TRIAGE_PANEL_MEMBER], full_name="Pat Police")


@pytest.fixture
def on_agenda(caseworker, manager, coventry_area):
    """A panel next week with Jayden Clarke on its agenda."""
    referral = awaiting_triage(caseworker, concerns=[Concern.WEAPON_CARRYING, Concern.FIREARMS])
    panel = schedule_panel(manager, coventry_area)
    return panel, panel.items.get(referral=referral)


def _item_url(name: str, item: AgendaItem) -> str:
    return reverse(name, kwargs={"panel_id": item.panel_id, "item_id": item.pk})


def _title(response) -> str:
    found = re.search(r"<title>(.*?)</title>", response.text, re.S)
    assert found is not None
    return " ".join(found.group(1).split())


def _schedule_form(coventry_area, chair, **changes):
    next_week = timezone.localdate() + timedelta(days=7)
    data = {
        "area": coventry_area.pk,
        "date_0": next_week.day,
        "date_1": next_week.month,
        "date_2": next_week.year,
        "time": "14:30",
        "location": "Council House, Room 2",
        "chair": chair.pk,
    }
    data.update(changes)
    return data


# Panels and scheduling.


def test_the_panels_page_lists_upcoming_and_past_panels(
    manager, panel_member, client_for, coventry_area, on_agenda
):
    panel, _ = on_agenda
    past = TriagePanel.objects.create(
        area=coventry_area,
        meets_at=timezone.now() - timedelta(days=30),
        location="Old room",
        chair=manager,
        scheduled_by=manager,
    )
    response = client_for(panel_member).get(reverse("triage:panels"))
    assert list(response.context["upcoming"]) == [panel]
    assert list(response.context["page"]) == [past]
    assert "Council House, Room 2" in response.text
    assert manager.full_name in response.text
    assert "Schedule a panel" not in response.text
    assert "Schedule a panel" in client_for(manager).get(reverse("triage:panels")).text


def test_scheduling_shows_what_is_wrong(manager, client_for, coventry_area):
    client = client_for(manager)
    url = reverse("triage:schedule")
    empty = client.post(url, {})
    assert empty.status_code == 200
    assert _title(empty).startswith("Error: Schedule a triage panel")
    for message in [
        "There is a problem",
        "Select the area the panel is for",
        "Enter the date of the panel",
        "Enter the time the panel meets",
        "Enter where the panel meets, or how to join it",
        "Select who chairs the panel",
    ]:
        assert message in empty.text
    assert 'href="#id_date_0"' in empty.text
    wrong_time = client.post(url, _schedule_form(coventry_area, manager, time="25:70"))
    assert "Enter a real time, like 14:30 or 2:30pm" in wrong_time.text
    last_week = timezone.localdate() - timedelta(days=7)
    past = client.post(
        url,
        _schedule_form(coventry_area, manager, date_0=last_week.day, date_1=last_week.month)
        | {"date_2": last_week.year},
    )
    assert "The meeting must be in the future" in past.text
    assert 'href="#id_date_0"' in past.text
    assert not TriagePanel.objects.exists()


def test_scheduling_a_panel_builds_its_agenda(manager, caseworker, client_for, coventry_area):
    awaiting_triage(caseworker)
    client = client_for(manager)
    form = client.get(reverse("triage:schedule"))
    assert form.context["form"]["chair"].value() == manager.pk  # the manager chairs by default
    response = client.post(
        reverse("triage:schedule"), _schedule_form(coventry_area, caseworker, time="2:30pm")
    )
    panel = TriagePanel.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("triage:panel", args=[panel.pk])
    assert timezone.localtime(panel.meets_at).strftime("%H:%M") == "14:30"
    assert panel.chair == caseworker
    page = client.get(response["Location"])
    assert "Panel scheduled with 1 person on the agenda" in page.text


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("14:30", (14, 30)),
        ("9.05", (9, 5)),
        ("2pm", (14, 0)),
        ("12am", (0, 0)),
        ("12:15 PM", (12, 15)),
    ],
)
def test_times_are_read_as_people_write_them(typed, expected):
    parsed = parse_time(typed)
    assert parsed is not None
    assert (parsed.hour, parsed.minute) == expected


@pytest.mark.parametrize("typed", ["24:00", "13pm", "14:60", "half two", ""])
def test_times_that_are_not_real_are_refused(typed):
    assert parse_time(typed) is None


# The agenda.


def test_the_agenda_lists_the_people_and_reading_it_is_audited(panel_member, client_for, on_agenda):
    panel, item = on_agenda
    response = client_for(panel_member).get(reverse("triage:panel", args=[panel.pk]))
    referral = item.referral
    assert _title(response).startswith(
        f"Triage panel, {timezone.localtime(panel.meets_at):%-d %B %Y}"
    )
    for shown in [
        referral.full_name,
        referral.reference,
        referral.referring_agency.name,
        "Carrying a knife or other weapon, Firearms",
        "Not decided",
        _item_url("triage:item", item),
        reverse("triage:record", args=[panel.pk]),
    ]:
        assert shown in response.text
    assert "Add newly eligible referrals" not in response.text  # panel members do not decide
    viewed = AuditEvent.objects.get(action=AuditAction.PANEL_VIEWED)
    assert (viewed.actor, viewed.target_id) == (panel_member, str(panel.pk))


def test_newly_eligible_referrals_are_added_to_the_agenda(caseworker, client_for, on_agenda):
    panel, _ = on_agenda
    client = client_for(caseworker)
    assert (
        "Add newly eligible referrals" in client.get(reverse("triage:panel", args=[panel.pk])).text
    )
    awaiting_triage(caseworker, first_name="Amara")
    response = client.post(reverse("triage:refresh", args=[panel.pk]), follow=True)
    assert "1 added to the agenda" in response.text
    assert "Amara Clarke" in response.text
    assert panel.items.count() == 2


def test_the_panel_page_costs_the_same_queries_however_long_the_agenda(
    caseworker, manager, panel_member, client_for, coventry_area, directory
):
    def fill(panel: TriagePanel, people: int) -> None:
        for n in range(people):
            awaiting_triage(caseworker, first_name=f"Person{n}")
        services.agenda_refresh(panel=panel, actor=manager)
        for n, item in enumerate(panel.items.select_related("referral")):
            services.contribution_save(
                item=item, actor=panel_member, information="Known", criminally_active=False
            )
            services.contribution_save(
                item=item, actor=caseworker, information="Known", criminally_active=n % 2 == 0
            )
            if n % 3 == 0:
                services.decision_record(
                    item=item,
                    actor=manager,
                    decision=PanelDecision.NOT_SUITABLE,
                    reason="Elsewhere",
                    onward_service=directory["early_help"],
                )

    client = client_for(panel_member)

    def count(panel: TriagePanel) -> int:
        for page in ("triage:panel", "triage:record"):
            client.get(reverse(page, args=[panel.pk]))  # warm caches (session, user)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("triage:panel", args=[panel.pk])).status_code == 200
        with CaptureQueriesContext(connection) as printed:
            assert client.get(reverse("triage:record", args=[panel.pk])).status_code == 200
        return len(captured) + len(printed)

    short = schedule_panel(manager, coventry_area, days=7)
    fill(short, 3)
    long = schedule_panel(manager, coventry_area, days=14)
    fill(long, 30)
    assert long.items.count() == 30
    assert count(long) == count(short)


# One person: what the agencies hold, and the decision.


def test_a_youth_justice_panel_member_adds_what_they_hold_and_sees_it(
    panel_member, client_for, on_agenda
):
    _, item = on_agenda
    client = client_for(panel_member)
    page = client.get(_item_url("triage:item", item))
    assert "Add what Coventry Youth Justice Service holds" in page.text
    assert "criminally_active" not in page.text  # only police may say so
    assert 'name="decision"' not in page.text  # panel members do not decide
    response = client.post(
        _item_url("triage:contribute", item),
        {"information": "Referral order since March; attends appointments"},
    )
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert "The panel can now see what Coventry Youth Justice Service holds" in page.text
    assert "Referral order since March; attends appointments" in page.text
    assert "Youth justice service" in page.text  # the agency's kind
    assert "Yusuf Youth-Justice" in page.text
    assert "Change what Coventry Youth Justice Service holds" in page.text
    assert page.context["contribution"]["information"].value() == (
        "Referral order since March; attends appointments"
    )
    saved = AuditEvent.objects.get(action=AuditAction.CONTRIBUTION_SAVED)
    assert saved.person_id == item.referral.reference


def test_police_can_record_the_person_as_criminally_active(police_member, client_for, on_agenda):
    _, item = on_agenda
    client = client_for(police_member)
    assert 'name="criminally_active"' in client.get(_item_url("triage:item", item)).text
    client.post(
        _item_url("triage:contribute", item),
        {"information": "Two arrests for possession", "criminally_active": "on"},
    )
    page = client.get(_item_url("triage:item", item))
    assert "Police record this person as criminally active" in page.text


def test_a_contribution_without_information_shows_the_error(panel_member, client_for, on_agenda):
    _, item = on_agenda
    response = client_for(panel_member).post(_item_url("triage:contribute", item), {})
    assert response.status_code == 400
    assert _title(response).startswith("Error: ")
    assert "There is a problem" in response.text
    assert 'href="#id_information"' in response.text
    assert "Enter what your agency holds about the person" in response.text


def test_the_item_page_shows_the_referral_and_is_audited(panel_member, client_for, on_agenda):
    _, item = on_agenda
    response = client_for(panel_member).get(_item_url("triage:item", item))
    referral = item.referral
    for shown in [
        referral.full_name,
        "14 March 2011",
        "Male",
        "White: English, Welsh, Scottish, Northern Irish or British",
        "CV2 4AB",
        "Carrying a knife or other weapon, Firearms",
        referral.referring_agency.name,
        "Eligible: aged",
        "No agency has added information yet.",
    ]:
        assert shown in response.text
    assert "12 Station Road" not in response.text  # the panel needs the postcode, not the address
    viewed = AuditEvent.objects.get(action=AuditAction.AGENDA_ITEM_VIEWED)
    assert (viewed.actor, viewed.person_id) == (panel_member, referral.reference)


def test_an_item_is_only_found_on_its_own_panel(
    manager, caseworker, panel_member, client_for, coventry_area, on_agenda
):
    _, item = on_agenda
    other = schedule_panel(manager, coventry_area, days=14)
    url = reverse("triage:item", kwargs={"panel_id": other.pk, "item_id": item.pk})
    assert client_for(panel_member).get(url).status_code == 404
    denied = AuditEvent.objects.get(action=AuditAction.ACCESS_DENIED)
    assert (denied.actor, denied.target_id) == (panel_member, str(item.pk))


def test_a_decision_is_recorded_and_shown(manager, client_for, on_agenda, directory):
    panel, item = on_agenda
    client = client_for(manager)
    page = client.get(_item_url("triage:item", item))
    assert 'data-module="govuk-radios"' in page.text
    assert "Caseworker, if the panel accepts" in page.text
    response = client.post(
        _item_url("triage:decide", item),
        {
            "decision": PanelDecision.NOT_SUITABLE,
            "reason": "Early Help already works with the family",
            "onward_service": directory["early_help"].pk,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("triage:panel", args=[panel.pk])
    agenda = client.get(response["Location"])
    assert f"Referral {item.referral.reference} not suitable: referred on to Early Help" in (
        agenda.text
    )
    assert "Not suitable: refer elsewhere" in agenda.text
    detail = client.get(_item_url("triage:item", item))
    for shown in ["Early Help already works with the family", "Early Help", manager.full_name]:
        assert shown in detail.text
    assert 'name="decision"' not in detail.text
    item.referral.refresh_from_db()
    assert item.referral.status == ReferralStatus.NOT_SUITABLE


def test_accepting_names_the_new_case(caseworker, client_for, on_agenda):
    _, item = on_agenda
    client = client_for(caseworker)
    page = client.get(_item_url("triage:item", item))
    assert page.context["decision"]["caseworker"].value() == caseworker.pk
    response = client.post(
        _item_url("triage:decide", item),
        {"decision": PanelDecision.ACCEPT, "caseworker": caseworker.pk, "reason": ""},
        follow=True,
    )
    case = Case.objects.get(referral=item.referral)
    assert case.caseworker == caseworker
    assert f"case {case.reference} opened" in response.text


def test_a_decision_that_is_not_complete_shows_what_is_missing(manager, client_for, on_agenda):
    _, item = on_agenda
    client = client_for(manager)
    nothing = client.post(_item_url("triage:decide", item), {})
    assert nothing.status_code == 400
    assert _title(nothing).startswith("Error: ")
    assert 'href="#id_decision_0"' in nothing.text
    assert "Select the panel&#x27;s decision" in nothing.text
    no_reason = client.post(
        _item_url("triage:decide", item), {"decision": PanelDecision.NOT_SUITABLE}
    )
    assert "Say why the person is not suitable" in no_reason.text
    assert "Select the service the person is referred on to" in no_reason.text
    assert 'href="#id_onward_service"' in no_reason.text
    # The chosen decision stays chosen.
    assert 'value="not_suitable" checked' in no_reason.text
    item.refresh_from_db()
    assert item.decision == ""


def test_the_record_shows_the_decisions_and_its_printing_is_audited(
    manager, caseworker, panel_member, client_for, on_agenda
):
    panel, item = on_agenda
    services.contribution_save(
        item=item, actor=panel_member, information="Known to YJS", criminally_active=False
    )
    services.decision_record(
        item=item,
        actor=manager,
        decision=PanelDecision.MORE_INFORMATION,
        reason="Ask the school about attendance",
    )
    response = client_for(panel_member).get(reverse("triage:record", args=[panel.pk]))
    for shown in [
        "Record of the triage panel",
        item.referral.full_name,
        item.referral.reference,
        "More information needed: back on the next agenda",
        "Ask the school about attendance",
        manager.full_name,
        "Coventry Youth Justice Service (Youth justice service)",
        'data-module="vrhub-print"',
    ]:
        assert shown in response.text
    assert "Known to YJS" not in response.text  # decisions on paper, not what agencies said
    printed = AuditEvent.objects.get(action=AuditAction.PANEL_RECORD_PRINTED)
    assert (printed.actor, printed.target_id) == (panel_member, str(panel.pk))


# Who may do what.


def test_a_panel_member_may_not_schedule_or_decide(panel_member, client_for, on_agenda):
    _, item = on_agenda
    client = client_for(panel_member)
    assert client.get(reverse("triage:schedule")).status_code == 403
    decided = client.post(
        _item_url("triage:decide", item),
        {"decision": PanelDecision.MORE_INFORMATION, "reason": "x"},
    )
    assert decided.status_code == 403
    assert client.post(reverse("triage:refresh", args=[item.panel_id])).status_code == 403
    item.refresh_from_db()
    assert item.decision == ""
    assert (
        AuditEvent.objects.filter(action=AuditAction.ACCESS_DENIED, actor=panel_member).count() == 3
    )
