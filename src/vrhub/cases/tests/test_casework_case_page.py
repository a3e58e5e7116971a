"""The case page: the person, the pathway and its timeline, moving, closing and reopening."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from vrhub.audit.models import AuditAction, AuditEvent
from vrhub.cases import services
from vrhub.cases.models import Case, CaseMove, ContactMethod
from vrhub.cases.pathway import Step

pytestmark = pytest.mark.django_db


def _page(client, case: Case):
    return client.get(reverse("cases:detail", args=[case.reference]))


def _move(client, case: Case, to: int, reason: str = "", version: int | None = None):
    return client.post(
        reverse("cases:move", args=[case.reference]),
        {
            "move-to_step": str(to),
            "move-reason": reason,
            "move-expected_version": str(case.version if version is None else version),
        },
    )


def test_the_case_page_shows_the_person_and_where_they_are_on_the_pathway(
    make_case, caseworker, client_for
):
    case = make_case(Step.MOMENT)
    response = _page(client_for(caseworker), case)
    assert response.status_code == 200
    text = response.text
    assert "Jayden Clarke" in text
    assert case.referral.reference in text
    assert "West Midlands Police" in text  # the referring agency
    assert "Carrying a knife or other weapon" in text
    assert "CV2 4AB" in text
    steps = response.context["page"].steps
    assert [s.state for s in steps] == ["done"] * 3 + ["current"] + ["later"] * 4
    assert "Current step" in text


def test_reading_a_case_is_audited_with_the_person_it_is_about(make_case, caseworker, client_for):
    case = make_case(Step.OFFER)
    _page(client_for(caseworker), case)
    viewed = AuditEvent.objects.get(action=AuditAction.CASE_VIEWED)
    assert viewed.actor == caseworker
    assert viewed.target_id == case.reference
    assert viewed.person_id == case.referral.reference
    assert viewed.detail == {"view": "case"}


def test_a_caseworker_moves_a_case_and_sees_it_in_the_timeline(make_case, caseworker, client_for):
    case = make_case(Step.MOMENT)
    client = client_for(caseworker)
    response = _move(client, case, Step.RELATIONSHIP)
    assert response.status_code == 302
    assert response["Location"].endswith(f"{reverse('cases:detail', args=[case.reference])}#next")
    page = client.get(response["Location"])
    assert "The case is now at step 5, Relationship building" in page.text
    timeline = page.context["page"].timeline
    assert [entry.step_label for entry in timeline][-1] == "5. Relationship building"
    assert timeline[-1].move.by == caseworker
    assert timeline[-1].so_far
    case.refresh_from_db()
    assert case.step == Step.RELATIONSHIP


def test_the_timeline_says_how_long_the_case_spent_in_each_step(make_case, caseworker, client_for):
    case = make_case(Step.MOMENT)
    now = timezone.now()
    for step, days_ago in [(1, 20), (2, 19), (3, 15), (4, 12)]:
        CaseMove.objects.filter(case=case, to_step=step).update(at=now - timedelta(days=days_ago))
    response = _page(client_for(caseworker), case)
    timeline = {entry.step_label: entry for entry in response.context["page"].timeline}
    assert timeline["3. CIRV offer"].spent == "3 days"
    assert timeline["4. Teachable or reachable moment"].spent == "12 days"
    assert "12 days so far" in response.text


def test_a_move_the_table_does_not_allow_shows_the_tables_message(
    make_case, caseworker, client_for
):
    case = make_case(Step.MOMENT)
    response = _move(client_for(caseworker), case, Step.SEQUENCING)
    assert response.status_code == 400
    assert "There is a problem" in response.text
    assert "A case cannot move from Teachable or reachable moment to Sequencing" in response.text
    assert 'href="#id_move-to_step_0"' in response.text  # the summary links to the field
    assert "govuk-form-group--error" in response.text
    case.refresh_from_db()
    assert case.step == Step.MOMENT


def test_a_move_whose_condition_is_unmet_says_what_to_do_first(make_case, caseworker, client_for):
    case = make_case(Step.RELATIONSHIP)  # the factory assigns no mentor until moving on
    client = client_for(caseworker)
    page = _page(client, case)
    assert "Assign a mentor before moving on from relationship building" in page.text
    response = _move(client, case, Step.PROGRESS)
    assert response.status_code == 400
    assert "Assign a mentor before moving on from relationship building" in response.text


def test_a_move_back_shows_why_and_needs_a_reason(make_case, caseworker, client_for):
    case = make_case(Step.RELATIONSHIP)
    client = client_for(caseworker)
    page = _page(client, case)
    assert "Back to Teachable or reachable moment: a new crisis opens a new teachable moment" in (
        page.text
    )
    refused = _move(client, case, Step.MOMENT)
    assert refused.status_code == 400
    assert "Say why the case needs to move back" in refused.text
    assert 'value="4" checked' in refused.text  # what the user chose is kept
    moved = _move(client, case, Step.MOMENT, reason="Stabbed on Friday")
    assert moved.status_code == 302
    timeline = _page(client, case).context["page"].timeline
    assert timeline[-1].move.reason == "Stabbed on Friday"


def test_a_form_from_an_old_page_says_who_changed_the_case(
    make_case, caseworker, manager, client_for
):
    case = make_case(Step.MOMENT)
    seen = case.version
    services.case_move(
        case=case, actor=manager, to_step=Step.RELATIONSHIP, reason="", expected_version=seen
    )
    response = _move(client_for(caseworker), case, Step.MOMENT, reason="Crisis", version=seen)
    assert response.status_code == 400
    assert "This case was changed by Priya Programme-Manager on" in response.text
    assert "review the changes and try again" in response.text
    # The user has now seen the change: sending the form again applies to the current version.
    assert f'name="move-expected_version" value="{case.version}"' in response.text
    case.refresh_from_db()
    assert case.step == Step.RELATIONSHIP


def test_closing_a_case_and_reopening_it(make_case, caseworker, client_for):
    case = make_case(Step.PROGRESS)
    client = client_for(caseworker)
    closed = client.post(
        reverse("cases:close", args=[case.reference]),
        {
            "close-reason": "moved_out_of_area",
            "close-note": "Family moved to Leeds",
            "close-expected_version": case.version,
        },
    )
    assert closed.status_code == 302
    page = _page(client, case)
    assert "Moved out of the area" in page.text
    assert "Reopen the case" in page.text
    case.refresh_from_db()
    assert not case.is_open
    reopened = client.post(
        reverse("cases:reopen", args=[case.reference]),
        {
            "reopen-to_step": "5",
            "reopen-reason": "Back in Coventry",
            "reopen-expected_version": case.version,
        },
    )
    assert reopened.status_code == 302
    case.refresh_from_db()
    assert case.is_open
    assert case.step == Step.RELATIONSHIP


def test_the_close_form_offers_no_offer_reasons_and_a_placement_only_at_step_8(
    make_case, caseworker, client_for
):
    client = client_for(caseworker)
    early = _page(client, make_case(Step.MOMENT)).context["f"]["close"]
    reasons = [value for value, _ in early.fields["reason"].choices]
    assert "offer_declined" not in reasons
    assert "no_response" not in reasons
    assert "placement_outcome" not in early.fields
    late = _page(client, make_case(Step.PLACEMENT)).context["f"]["close"]
    assert "placement_outcome" in late.fields


def test_a_case_completes_only_from_placement(make_case, caseworker, client_for):
    case = make_case(Step.PROGRESS)
    response = client_for(caseworker).post(
        reverse("cases:close", args=[case.reference]),
        {"close-reason": "completed", "close-expected_version": case.version},
    )
    assert response.status_code == 400
    assert "A case completes the programme at step 8" in response.text
    case.refresh_from_db()
    assert case.is_open


def test_completing_a_case_at_placement_needs_the_placement_outcome(
    make_case, caseworker, client_for
):
    case = make_case(Step.PLACEMENT)
    client = client_for(caseworker)
    url = reverse("cases:close", args=[case.reference])
    data = {"close-reason": "completed", "close-expected_version": case.version}
    refused = client.post(url, data)
    assert refused.status_code == 400
    assert "Select the placement outcome of a completed case" in refused.text
    done = client.post(url, {**data, "close-placement_outcome": "employment"})
    assert done.status_code == 302
    case.refresh_from_db()
    assert case.placement_outcome == "employment"


def test_an_empty_form_is_answered_with_its_errors(make_case, caseworker, client_for):
    case = make_case(Step.MOMENT)
    response = client_for(caseworker).post(reverse("cases:move", args=[case.reference]), {})
    assert response.status_code == 400
    assert "Select where the case moves to" in response.text
    assert "This page is out of date" in response.text
    assert response.text.count("govuk-error-summary__list") == 1
    assert "<title>Error:" in response.text


def test_the_case_page_costs_the_same_queries_however_much_the_case_holds(
    make_case, caseworker, mentor, client_for
):
    client = client_for(caseworker)
    small = make_case(Step.RELATIONSHIP)
    services.mentor_assign(
        case=small,
        actor=caseworker,
        mentor=mentor,
        starts_on=timezone.localdate(),
        expected_version=small.version,
    )
    big = make_case(Step.RELATIONSHIP)
    services.mentor_assign(
        case=big,
        actor=caseworker,
        mentor=mentor,
        starts_on=timezone.localdate(),
        expected_version=big.version,
    )

    def work(case: Case, contacts: int, moves: int) -> None:
        for n in range(contacts):
            services.contact_log(
                case=case,
                actor=caseworker,
                method=ContactMethod.PHONE,
                occurred_on=timezone.localdate() - timedelta(days=n),
                duration_minutes=10,
                note=f"Call {n}",
            )
        for _ in range(moves):
            services.case_move(
                case=case,
                actor=caseworker,
                to_step=Step.MOMENT,
                reason="A new crisis",
                expected_version=case.version,
            )
            services.case_move(
                case=case,
                actor=caseworker,
                to_step=Step.RELATIONSHIP,
                reason="",
                expected_version=case.version,
            )

    def count(case: Case) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert _page(client, case).status_code == 200
        return len(captured)

    work(small, 1, 1)
    work(big, 25, 20)
    assert count(big) == count(small)
    shown = _page(client, big)
    assert len(shown.context["page"].contacts) == 20
    assert "And 5 earlier contacts." in shown.text
    assert len(shown.context["page"].timeline) == 5 + 40


def test_only_the_cirv_team_reaches_the_case_page(make_case, mentor, client_for, make_user):
    case = make_case(Step.OFFER)
    assert _page(client_for(mentor), case).status_code == 403
    missing = client_for(make_user()).get(reverse("cases:detail", args=["C-22222222"]))
    assert missing.status_code == 403
