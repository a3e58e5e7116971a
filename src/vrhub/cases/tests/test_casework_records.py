"""What is recorded at each step, through the case page's forms: the offer, reachable moments,
the mentor, contacts, needs, goals, the service plan, releases and the family."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from vrhub.accounts.models import Role
from vrhub.accounts.tests.factories import AgencyFactory, UserFactory
from vrhub.cases import services
from vrhub.cases.models import (
    AtRiskEntry,
    Case,
    Contact,
    FamilyMember,
    MentorAssignment,
    NeedDomain,
    PlannedService,
)
from vrhub.cases.pathway import Step
from vrhub.referrals.models import Concern

pytestmark = pytest.mark.django_db


def _date(prefix: str, day: date) -> dict[str, str]:
    return {
        f"{prefix}_0": str(day.day),
        f"{prefix}_1": str(day.month),
        f"{prefix}_2": str(day.year),
    }


def _url(name: str, case: Case, *extra: int) -> str:
    return reverse(f"cases:{name}", args=[case.reference, *extra])


def _page(client, case: Case):
    return client.get(_url("detail", case))


TODAY = timezone.localdate


# Step 3: the offer.


def test_the_offer_is_made_then_accepted_and_the_case_moves_on(make_case, caseworker, client_for):
    case = make_case(Step.OFFER)
    client = client_for(caseworker)
    made = client.post(
        _url("offer", case),
        {
            **_date("offer-made_on", TODAY()),
            "offer-method": "phone",
            "offer-expected_version": case.version,
        },
    )
    assert made.status_code == 302
    page = _page(client, case)
    assert "Record the answer" in page.text
    assert "If the person declines, the case closes and they go on the at-risk list" in page.text
    case.refresh_from_db()
    answered = client.post(
        _url("offer-answer", case),
        {
            "answer-answer": "accepted",
            **_date("answer-answered_on", TODAY()),
            "answer-expected_version": case.version,
        },
    )
    assert answered.status_code == 302
    case.refresh_from_db()
    assert case.step == Step.MOMENT


def test_declining_closes_the_case_and_lists_the_person_at_risk(make_case, caseworker, client_for):
    case = make_case(Step.OFFER)
    services.offer_make(
        case=case, actor=caseworker, made_on=TODAY(), method="phone", expected_version=None
    )
    client = client_for(caseworker)
    client.post(
        _url("offer-answer", case),
        {
            "answer-answer": "declined",
            **_date("answer-answered_on", TODAY()),
            "answer-expected_version": case.version,
        },
    )
    page = _page(client, case)
    assert "Declined the CIRV offer" in page.text
    assert "On the list" in page.text  # the at-risk section of the case
    assert AtRiskEntry.objects.filter(case=case).exists()


def test_the_answer_form_says_a_victim_only_will_not_be_listed(make_case, caseworker, client_for):
    case = make_case(Step.OFFER, concerns=[Concern.VIOLENCE_VICTIM])
    services.offer_make(
        case=case, actor=caseworker, made_on=TODAY(), method="phone", expected_version=None
    )
    page = _page(client_for(caseworker), case)
    assert "recorded only as a victim of violence, so they will not go on the at-risk list" in (
        page.text
    )


def test_an_offer_dated_in_the_future_is_refused(make_case, caseworker, client_for):
    case = make_case(Step.OFFER)
    response = client_for(caseworker).post(
        _url("offer", case),
        {
            **_date("offer-made_on", TODAY() + timedelta(days=2)),
            "offer-method": "phone",
            "offer-expected_version": case.version,
        },
    )
    assert response.status_code == 400
    assert "The date the offer was made must be today or in the past" in response.text
    assert not case.offers.exists()


# Step 4: reachable moments.


def test_a_reachable_moment_shows_how_soon_the_person_was_reached(
    make_case, caseworker, client_for
):
    case = make_case(Step.MOMENT)
    client = client_for(caseworker)
    response = client.post(
        _url("moment", case),
        {
            "moment-kind": "injury",
            **_date("moment-occurred_on", TODAY() - timedelta(days=5)),
            **_date("moment-contacted_on", TODAY() - timedelta(days=3)),
            "moment-contact_method": "face_to_face",
        },
    )
    assert response.status_code == 302
    assert "Contact 2 days after" in _page(client, case).text


def test_a_moment_reached_before_it_happened_is_refused(make_case, caseworker, client_for):
    case = make_case(Step.MOMENT)
    response = client_for(caseworker).post(
        _url("moment", case),
        {
            "moment-kind": "arrest",
            **_date("moment-occurred_on", TODAY()),
            **_date("moment-contacted_on", TODAY() - timedelta(days=1)),
            "moment-contact_method": "phone",
        },
    )
    assert response.status_code == 400
    assert "The contact cannot come before the moment" in response.text
    assert not case.moments.exists()


# Step 5: mentor and contacts.


def test_a_mentor_is_assigned_from_those_available(make_case, caseworker, mentor, client_for):
    case = make_case(Step.RELATIONSHIP)
    client = client_for(caseworker)
    page = _page(client, case)
    assert "Maya Mentor, St Giles Trust" in page.text
    response = client.post(
        _url("mentor", case),
        {
            "mentor-mentor": mentor.pk,
            **_date("mentor-starts_on", TODAY()),
            "mentor-expected_version": case.version,
        },
    )
    assert response.status_code == 302
    assert "Maya Mentor, St Giles Trust, since" in _page(client, case).text


def test_a_mentor_from_an_agency_that_provides_none_is_refused(make_case, caseworker, client_for):
    case = make_case(Step.RELATIONSHIP)
    youth_club = AgencyFactory(name="Hillfields Youth Club", provides_mentors=False)
    volunteer = UserFactory(agency=youth_club, roles=[Role.MENTOR], full_name="Val Volunteer")
    client = client_for(caseworker)
    assert "Val Volunteer" not in _page(client, case).text  # not offered
    response = client.post(
        _url("mentor", case),
        {
            "mentor-mentor": volunteer.pk,
            **_date("mentor-starts_on", TODAY()),
            "mentor-expected_version": case.version,
        },
    )
    assert response.status_code == 400
    assert "Hillfields Youth Club does not provide mentors for the CIRV pathway" in response.text
    assert not MentorAssignment.objects.filter(case=case).exists()


def test_a_contact_is_logged_and_listed_newest_first(make_case, caseworker, client_for):
    case = make_case(Step.RELATIONSHIP)
    client = client_for(caseworker)
    for days_ago, note in [(3, "Older call"), (1, "Newer meeting")]:
        response = client.post(
            _url("contact", case),
            {
                "contact-method": "face_to_face",
                **_date("contact-occurred_on", TODAY() - timedelta(days=days_ago)),
                "contact-duration_minutes": "40",
                "contact-note": note,
            },
        )
        assert response.status_code == 302
    text = _page(client, case).text
    assert text.index("Newer meeting") < text.index("Older call")
    case.refresh_from_db()
    assert case.last_successful_contact_on == TODAY() - timedelta(days=1)


def test_a_contact_dated_in_the_future_is_refused_and_nothing_is_saved(
    make_case, caseworker, client_for
):
    case = make_case(Step.RELATIONSHIP)
    before = Contact.objects.filter(case=case).count()
    response = client_for(caseworker).post(
        _url("contact", case),
        {
            "contact-method": "phone",
            **_date("contact-occurred_on", TODAY() + timedelta(days=1)),
            "contact-note": "Tomorrow",
        },
    )
    assert response.status_code == 400
    assert "There is a problem" in response.text
    assert "The date of the contact must be today or in the past" in response.text
    assert 'href="#id_contact-occurred_on_0"' in response.text
    assert "Tomorrow</textarea>" in response.text  # what the user typed is kept
    tomorrow = TODAY() + timedelta(days=1)
    assert (
        f'name="contact-occurred_on_0" type="text" inputmode="numeric" value="{tomorrow.day}"'
        in (response.text)
    )
    assert Contact.objects.filter(case=case).count() == before


# Step 6: needs and goals.


def _needs(prefix: str, score: int, day: date, version: int) -> dict[str, str]:
    return {
        **{f"{prefix}-{d.value}": str(score) for d in NeedDomain},
        **_date(f"{prefix}-assessed_on", day),
        f"{prefix}-expected_version": str(version),
    }


def test_the_needs_table_shows_the_scores_over_time(make_case, caseworker, client_for):
    case = make_case(Step.PROGRESS)
    client = client_for(caseworker)
    first = client.post(
        _url("needs", case), _needs("needs", 2, TODAY() - timedelta(days=42), case.version)
    )
    assert first.status_code == 302
    case.refresh_from_db()
    second = client.post(_url("needs", case), _needs("needs", 4, TODAY(), case.version))
    assert second.status_code == 302
    page = _page(client, case)
    rows = {row.domain: row.scores for row in page.context["page"].needs}
    assert rows["Accommodation"] == [2, 4]
    assert rows["Substance misuse"] == [2, 4]
    assert "review" in page.text
    case.refresh_from_db()
    assert case.next_review_on == TODAY() + timedelta(days=42)


def test_a_needs_assessment_needs_every_score(make_case, caseworker, client_for):
    case = make_case(Step.PROGRESS)
    data = _needs("needs", 3, TODAY(), case.version)
    del data["needs-accommodation"]
    response = client_for(caseworker).post(_url("needs", case), data)
    assert response.status_code == 400
    assert "Score accommodation from 1 to 5" in response.text
    assert 'href="#id_needs-accommodation_0"' in response.text
    assert not case.assessments.exists()


def test_a_goal_is_set_and_its_status_changed(make_case, caseworker, client_for):
    case = make_case(Step.PROGRESS)
    client = client_for(caseworker)
    client.post(
        _url("goal", case), {"goal-domain": "ete", "goal-description": "Start a college course"}
    )
    goal = case.goals.get()
    response = client.post(
        _url("goal-status", case, goal.pk), {f"goal-{goal.pk}-status": "achieved"}
    )
    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.status == "achieved"
    assert "Start a college course" in _page(client, case).text


# Step 7: the sequenced service plan.


def test_services_are_planned_in_order_and_can_move_up(
    make_case, caseworker, client_for, directory
):
    case = make_case(Step.SEQUENCING)
    client = client_for(caseworker)
    for service in (directory["early_help"], directory["neighbours"]):
        response = client.post(
            _url("service-add", case),
            {"service-service": service.pk, "service-expected_version": case.version},
        )
        assert response.status_code == 302
        case.refresh_from_db()
    plan = list(PlannedService.objects.filter(case=case))
    assert [p.service for p in plan] == [directory["early_help"], directory["neighbours"]]
    raised = client.post(
        _url("service-raise", case, plan[1].pk),
        {f"raise-{plan[1].pk}-expected_version": case.version},
    )
    assert raised.status_code == 302
    shown = [p.service.name for p, _, _ in _page(client, case).context["plan"]]
    assert shown == ["Birmingham CIRV", "Early Help"]


def test_a_service_status_change_from_an_old_page_is_refused(
    make_case, caseworker, manager, client_for, directory
):
    case = make_case(Step.SEQUENCING)
    services.service_plan_add(
        case=case, actor=caseworker, service=directory["early_help"], expected_version=None
    )
    planned = PlannedService.objects.get(case=case)
    seen = case.version
    services.goal_set(case=case, actor=manager, domain="ete", description="x", target_on=None)
    services.service_plan_update(
        planned=planned, actor=manager, status="referred", status_on=TODAY(), expected_version=None
    )
    response = client_for(caseworker).post(
        _url("service-status", case, planned.pk),
        {
            f"service-{planned.pk}-status": "started",
            **_date(f"service-{planned.pk}-status_on", TODAY()),
            f"service-{planned.pk}-expected_version": seen,
        },
    )
    assert response.status_code == 400
    assert "This case was changed by Priya Programme-Manager" in response.text
    planned.refresh_from_db()
    assert planned.status == "referred"


# Post-release.


def test_a_release_shows_whether_a_mentor_was_assigned_before_it(
    make_case, caseworker, mentor, client_for
):
    case = make_case(Step.RELATIONSHIP)
    client = client_for(caseworker)
    response = client.post(
        _url("release", case),
        {
            **_date("release-release_on", TODAY() + timedelta(days=10)),
            "release-establishment": "HMYOI Werrington",
        },
    )
    assert response.status_code == 302
    before = _page(client, case).context["page"].releases[0]
    assert before.mentor_before is None
    services.mentor_assign(
        case=case, actor=caseworker, mentor=mentor, starts_on=TODAY(), expected_version=None
    )
    page = _page(client, case)
    assert page.context["page"].releases[0].mentor_before.mentor == mentor
    assert "HMYOI Werrington" in page.text


# The whole family approach.


def _member(client, case: Case, first: str, born: date | None, role: str, involved: bool):
    data = {
        "family-first_name": first,
        "family-last_name": "Clarke",
        "family-role": role,
        "family-same_household": "on",
    }
    if born:
        data.update(_date("family-date_of_birth", born))
    if involved:
        data["family-involved_in_serious_violence"] = "on"
    return client.post(_url("family-add", case), data)


def test_siblings_are_suggested_a_family_offer_or_early_help(make_case, caseworker, client_for):
    # The person carries a knife: involved in serious violence, so their siblings need support.
    case = make_case(Step.RELATIONSHIP)
    client = client_for(caseworker)
    today = TODAY()
    assert (
        _member(client, case, "Tyler", date(today.year - 16, 1, 1), "child", False).status_code
        == 302
    )
    assert (
        _member(client, case, "Mia", date(today.year - 9, 1, 1), "child", False).status_code == 302
    )
    assert (
        _member(client, case, "Donna", date(today.year - 40, 1, 1), "parent", False).status_code
        == 302
    )
    rows = {row.member.first_name: row for row in _page(client, case).context["page"].family}
    assert rows["Tyler"].suggestion == "Consider a family offer"
    assert rows["Mia"].suggestion == "Consider an Early Help referral"
    assert rows["Donna"].suggestion == ""
    assert rows["Jayden"].suggestion == ""
    assert rows["Jayden"].is_this_person
    text = _page(client, case).text
    assert "Consider a family offer" in text
    assert "Consider an Early Help referral" in text


def test_no_suggestions_while_nobody_in_the_family_is_involved(make_case, caseworker, client_for):
    case = make_case(Step.RELATIONSHIP, concerns=[Concern.VIOLENCE_VICTIM])
    client = client_for(caseworker)
    _member(client, case, "Tyler", date(TODAY().year - 16, 1, 1), "child", False)
    assert "Consider a family offer" not in _page(client, case).text
    tyler = FamilyMember.objects.get(first_name="Tyler")
    marked = client.post(_url("family-involved", case, tyler.pk), {"involved": "1"})
    assert marked.status_code == 302
    tyler.refresh_from_db()
    assert tyler.involved_in_serious_violence
    # Tyler himself is a sibling of the person: he is suggested the family offer too.
    assert "Consider a family offer" in _page(client, case).text


def test_families_are_linked_by_case_reference(make_case, caseworker, client_for):
    case = make_case(Step.RELATIONSHIP)
    brother = make_case(Step.OFFER, first_name="Tyler")
    client = client_for(caseworker)
    unknown = client.post(_url("family-link", case), {"link-other": "C-22222222"})
    assert unknown.status_code == 400
    assert "There is no case C-22222222: check the reference" in unknown.text
    bad = client.post(_url("family-link", case), {"link-other": "nonsense"})
    assert "Enter a case reference like C-4K7RT2WQ" in bad.text
    linked = client.post(_url("family-link", case), {"link-other": brother.reference.lower()})
    assert linked.status_code == 302
    rows = {row.member.first_name: row for row in _page(client, case).context["page"].family}
    assert set(rows) == {"Jayden", "Tyler"}
    assert rows["Tyler"].suggestion == "Consider a family offer"


def test_a_family_member_of_another_case_cannot_be_changed_from_this_one(
    make_case, caseworker, client_for
):
    case = make_case(Step.OFFER)
    other = make_case(Step.OFFER, first_name="Other")
    stranger = services.family_member_add(
        case=other,
        actor=caseworker,
        first_name="Stranger",
        last_name="",
        date_of_birth=None,
        role="child",
        same_household=True,
        involved_in_serious_violence=False,
    )
    response = client_for(caseworker).post(
        _url("family-involved", case, stranger.pk), {"involved": "1"}
    )
    assert response.status_code == 404


def test_confirmations_name_no_one_in_the_cookie_they_travel_in(make_case, caseworker, client_for):
    case = make_case(Step.RELATIONSHIP)
    client = client_for(caseworker)
    response = _member(client, case, "Tyler", date(TODAY().year - 16, 1, 1), "child", False)
    assert response.status_code == 302
    stored = CookieStorage(HttpRequest())._decode(response.cookies["messages"].value)
    texts = [str(message) for message in stored]
    assert texts == ["Family member added (child or young person)"]
    assert not any("Tyler" in t or case.referral.first_name in t for t in texts)
