"""The CIRV pathway in the browser: from triage to placement, mistakes explained in the error
summary, the mentor's narrow view, the scrutiny member's figures and refusals, the at-risk list and
its redacted download, and police-only disruption."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from vrhub.accounts.models import User
from vrhub.cases import services as case_services
from vrhub.cases.at_risk_selectors import current_entries
from vrhub.cases.models import AtRiskEntry, Case, DisruptionPlan, NeedDomain, OfferMethod
from vrhub.cases.pathway import Step
from vrhub.cases.tests.factories import accept_at_panel, advance, awaiting_triage
from vrhub.core.demo import DemoWorld
from vrhub.referrals.models import Concern, ProgrammeArea, Referral, RiskFactor
from vrhub.triage.models import TriagePanel

from .conftest import (
    assert_accessible,
    expect_http_error,
    main,
    page_title,
    path_is,
    service_navigation,
    sign_in_as,
)

pytestmark = pytest.mark.browser

CASE_REFERENCE = re.compile(r"C-[23456789A-HJKMNP-Z]{8}")
FORBIDDEN = "You do not have access to this page"
NOT_FOUND = "Page not found"
# The at-risk list's download without names (cases.at_risk_views.REDACTED_HEADER).
REDACTED_HEADER = [
    "Case reference",
    "Initials",
    "Age band",
    "Sex",
    "Ethnic group",
    "Reason",
    "Added",
    "Review date",
]


# Small steps a user takes.


def heading(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def click_and_check(page: Page, locator: Locator) -> None:
    with page.expect_navigation():
        locator.click()
    assert_accessible(page)


def visit(page: Page, path: str, status: int = 200) -> None:
    """Open `path` by its address (a page no link leads to, or one the user may not see)."""
    if status != 200:
        expect_http_error(page, path, status)
    response = page.goto(path)
    assert response is not None
    assert response.status == status, f"{path} answered {response.status}, not {status}"
    assert_accessible(page)


def open_from_navigation(page: Page, name: str) -> None:
    click_and_check(page, service_navigation(page).get_by_role("link", name=name, exact=True))


def sign_out(page: Page) -> None:
    click_and_check(page, service_navigation(page).get_by_role("button", name="Sign out"))
    expect(heading(page)).to_have_text("Sign in")


def banner(page: Page) -> Locator:
    """The success message shown after a change."""
    return page.locator(".govuk-notification-banner--success")


def error_summary(page: Page) -> Locator:
    return page.locator(".govuk-error-summary")


def form_with_button(page: Page, button: str) -> Locator:
    """The form on the page whose submit button is `button`."""
    return (
        main(page).locator("form").filter(has=page.get_by_role("button", name=button, exact=True))
    )


def reveal(page: Page, summary: str) -> Locator:
    """Open the details (a form kept folded away on the case page) whose summary is `summary`,
    and return it."""
    details = (
        main(page)
        .locator("details")
        .filter(has=page.locator("summary", has_text=re.compile(rf"^\s*{re.escape(summary)}\s*$")))
    )
    expect(details).to_have_count(1)
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    expect(details.locator(".govuk-details__text")).to_be_visible()
    return details


def fill_date(scope: Locator, group: str, day: date) -> None:
    """Type a date in the GOV.UK date input whose legend is `group`."""
    boxes = scope.get_by_role("group", name=group, exact=True)
    boxes.get_by_label("Day", exact=True).fill(str(day.day))
    boxes.get_by_label("Month", exact=True).fill(str(day.month))
    boxes.get_by_label("Year", exact=True).fill(str(day.year))


def choose(scope: Locator, group: str, option: str) -> None:
    """Check the radio `option` in the radios whose legend is `group`."""
    scope.get_by_role("group", name=group, exact=True).get_by_label(option, exact=True).check()


def submit(page: Page, form: Locator, button: str) -> None:
    click_and_check(page, form.get_by_role("button", name=button, exact=True))


def submit_refused(page: Page, form: Locator, button: str) -> None:
    """Submit a form the service will refuse: the page comes back with "400 Bad Request" (its
    console line about that status is expected), showing what is wrong."""
    sent = form.get_by_role("button", name=button, exact=True).locator("xpath=ancestor::form[1]")
    action = sent.get_attribute("action")
    assert action, "the form names where it is sent"
    expect_http_error(page, action, 400)
    submit(page, form, button)


def move_case(page: Page, to: str) -> None:
    """Move the case forward with the pathway form, and see that it moved."""
    form = form_with_button(page, "Move the case")
    choose(form, "Move the case to", f"On to {to}")
    submit(page, form, "Move the case")
    expect(banner(page)).to_contain_text(re.compile(rf"The case is now at step \d, {to}"))


def row_with(page: Page, text: str) -> Locator:
    """The row of a table in the main content that mentions `text`."""
    return main(page).get_by_role("row").filter(has_text=text)


def summary_value(scope: Locator, key: str) -> Locator:
    row = scope.locator(".govuk-summary-list__row").filter(
        has=scope.page.locator("dt", has_text=re.compile(rf"^\s*{re.escape(key)}\s*$"))
    )
    return row.locator(".govuk-summary-list__value")


def expect_refusal_page(page: Page, status: int, *, private: list[str]) -> None:
    """A 403 or 404 page in the service's style, with nothing about the record asked for."""
    title = FORBIDDEN if status == 403 else NOT_FOUND
    expect(page).to_have_title(page_title(title))
    expect(heading(page)).to_have_text(title)
    expect(main(page).get_by_role("link", name="Go to your home page")).to_be_visible()
    body = page.locator("body")
    for text in private:
        expect(body).not_to_contain_text(text)


# People and cases made through the services, as the pages would make them.


def born_aged(years: int) -> date:
    return timezone.localdate() - timedelta(days=round((years + 0.5) * 365.25))


def coventry() -> ProgrammeArea:
    return ProgrammeArea.objects.get(name="Coventry")


def referred(world: DemoWorld, first_name: str, last_name: str, **answers: Any) -> Referral:
    """An eligible Coventry referral the CIRV team has accepted for triage."""
    answers.setdefault("date_of_birth", born_aged(15))
    return awaiting_triage(
        world.users["caseworker"], first_name=first_name, last_name=last_name, **answers
    )


def case_for(world: DemoWorld, first_name: str, last_name: str, **answers: Any) -> Case:
    """A case opened at triage for the demo caseworker, at step 3."""
    referral = referred(world, first_name, last_name, **answers)
    return accept_at_panel(world.users["caseworker"], referral, coventry())


def declined(world: DemoWorld, case: Case) -> Case:
    """The person declined the CIRV offer: the case closes and they go on the at-risk list."""
    caseworker, today = world.users["caseworker"], timezone.localdate()
    case_services.offer_make(
        case=case,
        actor=caseworker,
        made_on=today,
        method=OfferMethod.IN_PERSON,
        expected_version=case.version,
    )
    case_services.offer_answer(
        case=case,
        actor=caseworker,
        answer="declined",
        answered_on=today,
        expected_version=case.version,
    )
    return case


def case_path(case: Case) -> str:
    return reverse("cases:detail", args=[case.reference])


# 1. From triage to placement.


def schedule_panel_through_the_page(page: Page, meets_on: date) -> None:
    open_from_navigation(page, "Triage panels")
    click_and_check(page, main(page).get_by_role("button", name="Schedule a panel"))
    expect(heading(page)).to_have_text("Schedule a triage panel")
    form = form_with_button(page, "Schedule the panel")
    form.get_by_label("Area", exact=True).select_option(label="Coventry")
    fill_date(form, "Date", meets_on)
    form.get_by_label("Time", exact=True).fill("2:30pm")
    form.get_by_label("Location", exact=True).fill("Council House, Committee Room 3")
    form.get_by_label("Chair", exact=True).select_option(
        label="Priya Programme-Manager, Coventry City Council"
    )
    submit(page, form, "Schedule the panel")


def open_panel(page: Page, meets_on: date) -> None:
    """From the triage panels page, the upcoming panel meeting on `meets_on` at 14:30."""
    open_from_navigation(page, "Triage panels")
    upcoming = page.get_by_role("table", name="Upcoming panels")
    click_and_check(
        page, upcoming.get_by_role("link", name=f"{meets_on:%-d %B %Y}, 14:30", exact=True)
    )
    expect(heading(page)).to_have_text(f"Triage panel, {meets_on:%-d %B %Y}")


def test_a_person_goes_from_triage_to_placement(page: Page, world: DemoWorld) -> None:
    referral = referred(
        world,
        "Kwame",
        "Asante-Bell",
        concerns=[Concern.WEAPON_CARRYING],
        concern_details="Seen carrying a knife near the bus station.",
    )
    name = referral.full_name
    meets_on = timezone.localdate() + timedelta(days=3)
    yjs = world.users["triage"].agency.name

    # The programme manager schedules the panel: the person is on its agenda.
    sign_in_as(page, world, "manager")
    schedule_panel_through_the_page(page, meets_on)
    expect(banner(page)).to_contain_text(
        re.compile(r"Panel scheduled with \d+ (person|people) on the agenda")
    )
    expect(heading(page)).to_have_text(f"Triage panel, {meets_on:%-d %B %Y}")
    details = main(page).locator(".govuk-summary-list").first
    expect(summary_value(details, "Date and time")).to_contain_text("14:30")
    expect(summary_value(details, "Location")).to_have_text("Council House, Committee Room 3")
    expect(summary_value(details, "Chair")).to_have_text("Priya Programme-Manager")
    on_agenda = row_with(page, name)
    expect(on_agenda).to_have_count(1)
    expect(on_agenda).to_contain_text(referral.reference)
    expect(on_agenda).to_contain_text("No agency yet")
    expect(on_agenda).to_contain_text("Not decided")
    sign_out(page)

    # The youth justice member of the panel adds what their agency holds.
    sign_in_as(page, world, "triage")
    open_panel(page, meets_on)
    click_and_check(page, row_with(page, name).get_by_role("link", name=name))
    expect(heading(page)).to_have_text(name)
    expect(main(page)).to_contain_text("No agency has added information yet.")
    expect(page.get_by_role("button", name="Record the decision")).to_have_count(0)
    page.get_by_label(f"What {yjs} holds about this person").fill(
        "Open to the youth justice service on a referral order; attends most weeks."
    )
    submit(page, form_with_button(page, "Add information"), "Add information")
    expect(banner(page)).to_contain_text(f"The panel can now see what {yjs} holds")
    expect(main(page).get_by_role("heading", name=yjs, level=3)).to_be_visible()
    expect(main(page)).to_contain_text("Open to the youth justice service on a referral order")
    click_and_check(page, page.get_by_role("link", name="Back to the agenda"))
    expect(row_with(page, name)).to_contain_text(yjs)
    sign_out(page)

    # The programme manager records the panel's decision: accept, with a caseworker.
    sign_in_as(page, world, "manager")
    open_panel(page, meets_on)
    click_and_check(page, row_with(page, name).get_by_role("link", name=name))
    expect(main(page)).to_contain_text("Open to the youth justice service on a referral order")
    decision = form_with_button(page, "Record the decision")
    choose(decision, "The panel's decision", "Accept for the CIRV offer")
    decision.get_by_label("Caseworker, if the panel accepts", exact=True).select_option(
        label="Callum Caseworker, West Midlands Police"
    )
    submit(page, decision, "Record the decision")
    accepted = banner(page)
    expect(accepted).to_contain_text(
        re.compile(
            rf"Referral {referral.reference} accepted for the CIRV offer: "
            rf"case {CASE_REFERENCE.pattern} opened"
        )
    )
    found = CASE_REFERENCE.search(accepted.inner_text())
    assert found is not None
    reference = found.group(0)
    expect(row_with(page, name)).to_contain_text("Accept for the CIRV offer")

    # The printable record of the meeting shows the decision, not what the agencies said.
    click_and_check(page, page.get_by_role("link", name="Record of the meeting, to print"))
    expect(heading(page)).to_have_text(f"Record of the triage panel, {meets_on:%-d %B %Y}")
    expect(main(page)).to_contain_text(f"{yjs} (Youth justice")
    person = main(page).locator("h3", has_text=name).locator("xpath=following-sibling::dl[1]")
    expect(summary_value(person, "Referral")).to_contain_text(referral.reference)
    expect(summary_value(person, "Decision")).to_have_text("Accept for the CIRV offer")
    expect(summary_value(person, "Decided by")).to_contain_text("Priya Programme-Manager")
    expect(main(page)).not_to_contain_text("referral order")
    sign_out(page)

    # The caseworker finds the new case in their cases.
    sign_in_as(page, world, "caseworker")
    open_from_navigation(page, "Your cases")
    expect(heading(page)).to_have_text("Your cases")
    mine = row_with(page, name)
    expect(mine).to_contain_text(reference)
    expect(mine).to_contain_text("3. CIRV offer")
    click_and_check(page, mine.get_by_role("link", name=name))
    expect(page).to_have_url(path_is(f"/cases/{reference}/"))
    expect(page).to_have_title(page_title(f"Case {reference}"))
    expect(heading(page)).to_have_text(name)
    expect(main(page).locator("h1 + p .govuk-tag").first).to_have_text("Step 3: CIRV offer")

    # Step 3: the offer, made and accepted.
    today = timezone.localdate()
    offer = form_with_button(page, "Record the offer")
    fill_date(offer, "When was the offer made?", today)
    choose(offer, "How was it made?", "In person")
    submit(page, offer, "Record the offer")
    expect(banner(page)).to_contain_text("Offer recorded: an answer is due by")
    answer = form_with_button(page, "Record the answer")
    choose(answer, "What did the person answer?", "Accepted")
    fill_date(answer, "When did they answer?", today)
    submit(page, answer, "Record the answer")
    expect(banner(page)).to_contain_text(
        "Offer accepted: the case is now at step 4, Teachable or reachable moment"
    )

    # Step 4: a reachable moment, then on to relationship building.
    moment = reveal(page, "Record a reachable moment")
    choose(moment, "What happened?", "A court appearance")
    fill_date(moment, "When did it happen?", today - timedelta(days=2))
    fill_date(moment, "When did the team reach the person? (optional)", today)
    moment.get_by_label("How were they reached? (optional)").select_option(label="Face to face")
    submit(page, moment, "Record the moment")
    expect(banner(page)).to_contain_text("Reachable moment recorded")
    expect(row_with(page, "A court appearance")).to_contain_text("Contact 2 days after")
    move_case(page, "Relationship building")

    # Step 5: the mentor, and a first contact.
    mentor = reveal(page, "Assign a mentor")
    mentor.get_by_label("Mentor", exact=True).select_option(label="Maya Mentor, St Giles Trust")
    fill_date(mentor, "Starting on", today)
    submit(page, mentor, "Assign the mentor")
    expect(banner(page)).to_contain_text("Maya Mentor is now the mentor")
    expect(main(page)).to_contain_text("Maya Mentor, St Giles Trust, since")
    contact = reveal(page, "Log a contact")
    choose(contact, "How was the contact?", "Face to face")
    fill_date(contact, "Date of the contact", today)
    contact.get_by_label("How long, in minutes (optional)").fill("45")
    contact.get_by_label("Short note (optional)").fill("Met at the community centre")
    submit(page, contact, "Log the contact")
    expect(banner(page)).to_contain_text("Contact logged")
    expect(row_with(page, "Met at the community centre")).to_contain_text("Face to face")
    move_case(page, "Progress")

    # Step 6: a needs assessment, a score for every area of need.
    needs = reveal(page, "Record a needs assessment")
    for position, domain in enumerate(NeedDomain):
        choose(needs, str(domain.label), str(position % 5 + 1))
    fill_date(needs, "Date of the assessment", today)
    submit(page, needs, "Record the assessment")
    expect(banner(page)).to_contain_text("Needs assessment recorded: next review by")
    scores = page.get_by_role("table", name=re.compile("Scores from 1"))
    for position, domain in enumerate(NeedDomain):
        row = scores.get_by_role("row", name=str(domain.label), exact=False)
        expect(row.get_by_role("cell")).to_have_text([str(position % 5 + 1)])
    move_case(page, "Sequencing")

    # Step 7: a service on the plan.
    plan = reveal(page, "Add a service to the plan")
    service = plan.get_by_label("Service", exact=True)
    chosen = service.locator("option").nth(1).inner_text().strip()
    service.select_option(label=chosen)
    submit(page, plan, "Add the service")
    expect(banner(page)).to_contain_text(f"{chosen} added to the plan")
    expect(
        page.get_by_role("table", name="Services in the order they should come")
    ).to_contain_text(chosen)
    move_case(page, "Placement and deselection")

    # Step 8: closed as completed, with the placement.
    closing = reveal(page, "Close the case")
    choose(closing, "Why is the case closing?", "Completed the programme")
    choose(closing, "Placement outcome", "Education")
    submit(page, closing, "Close the case")
    expect(banner(page)).to_contain_text("The case is closed")
    expect(main(page).locator("h1 + p .govuk-tag").first).to_have_text("Closed")
    expect(summary_value(main(page), "Reason")).to_have_text("Completed the programme")
    expect(summary_value(main(page), "Placement")).to_have_text("Education")
    expect(page.get_by_role("button", name="Reopen the case")).to_be_visible()
    # Every step of the pathway is in the timeline, in order, then the closure.
    timeline = page.get_by_role("table", name="Timeline")
    expect(timeline.locator("tbody tr td:first-child")).to_have_text(
        [f"{int(step)}. {step.label}" for step in Step] + ["Closed"]
    )
    expect(timeline).to_contain_text("Accepted at the multi-agency triage panel")
    # Closed: nothing more is recorded on it.
    expect(page.get_by_role("button", name="Move the case")).to_have_count(0)
    expect(main(page).locator("summary", has_text="Log a contact")).to_have_count(0)


# 2. Mistakes and moves the pathway does not allow.


def test_a_refused_move_and_a_contact_in_the_future_are_explained(
    page: Page, world: DemoWorld
) -> None:
    case = advance(case_for(world, "Nia", "Okonkwo"), world.users["caseworker"], Step.RELATIONSHIP)
    name = case.referral.full_name
    # Titles stay in browser history: they name the case, not the person.
    title = f"Case {case.reference}"
    sign_in_as(page, world, "caseworker")
    open_from_navigation(page, "Your cases")
    click_and_check(page, row_with(page, name).get_by_role("link", name=name))
    expect(page).to_have_title(page_title(title))
    expect(main(page).locator(".govuk-inset-text")).to_contain_text(
        "Assign a mentor before moving on from relationship building"
    )

    # On to progress without a mentor: the pathway's table refuses, and says what to do.
    mover = form_with_button(page, "Move the case")
    choose(mover, "Move the case to", "On to Progress")
    submit_refused(page, mover, "Move the case")
    expect(page).to_have_title(page_title(f"Error: {title}"))
    summary = error_summary(page)
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    link = summary.get_by_role("link")
    expect(link).to_have_text(["Assign a mentor before moving on from relationship building"])
    expect(main(page).locator("h1 + p .govuk-tag").first).to_have_text(
        "Step 5: Relationship building"
    )
    link.click()
    expect(
        page.get_by_role("group", name="Move the case to").get_by_role("radio").first
    ).to_be_focused()

    # A contact dated tomorrow: refused, what was typed is kept, the link leads to the date.
    tomorrow = timezone.localdate() + timedelta(days=1)
    contact = reveal(page, "Log a contact")
    choose(contact, "How was the contact?", "Phone")
    fill_date(contact, "Date of the contact", tomorrow)
    contact.get_by_label("Short note (optional)").fill("Rang about Thursday")
    submit_refused(page, contact, "Log the contact")
    expect(page).to_have_title(page_title(f"Error: {title}"))
    message = "The date of the contact must be today or in the past"
    link = error_summary(page).get_by_role("link")
    expect(link).to_have_text([message])
    contact = reveal(page, "Log a contact")  # open again, with the mistake
    date_group = contact.get_by_role("group", name="Date of the contact", exact=True)
    expect(contact.locator(".govuk-error-message")).to_have_text(f"Error: {message}")
    expect(date_group.get_by_label("Day", exact=True)).to_have_value(str(tomorrow.day))
    expect(contact.get_by_label("Short note (optional)")).to_have_value("Rang about Thursday")
    expect(contact.get_by_label("Phone", exact=True)).to_be_checked()
    link.click()
    expect(date_group.get_by_label("Day", exact=True)).to_be_focused()
    expect(main(page)).to_contain_text("No contacts logged yet.")

    # Put right, it is logged.
    fill_date(contact, "Date of the contact", timezone.localdate())
    submit(page, contact, "Log the contact")
    expect(banner(page)).to_contain_text("Contact logged")
    expect(row_with(page, "Rang about Thursday")).to_contain_text("Phone")


# 3. The mentor's view.


def test_the_mentor_sees_only_their_mentees_and_logs_a_contact(
    page: Page, world: DemoWorld
) -> None:
    mentor = world.users["mentor"]
    details = "Seen with older males outside the youth club, carrying a blade."
    case = advance(
        case_for(
            world,
            "Tobias",
            "Quansah",
            concerns=[Concern.WEAPON_CARRYING, Concern.GANG_INVOLVEMENT],
            risk_factors=[RiskFactor.EXCLUSION, RiskFactor.SUBSTANCE_MISUSE],
            concern_details=details,
            phone="07700 900 123",
        ),
        world.users["caseworker"],
        Step.PROGRESS,
        mentor=mentor,
    )
    # Someone else's mentee, on the same pathway.
    other = advance(
        case_for(world, "Ruby", "Hargreaves"),
        world.users["caseworker"],
        Step.PROGRESS,
        mentor=world.users["mentor2"],
    )

    sign_in_as(page, world, "mentor")
    expect(heading(page)).to_have_text("Mentor home")
    open_from_navigation(page, "Your mentees")
    expect(heading(page)).to_have_text("Your mentees")
    mine = row_with(page, "Quansah")
    expect(mine).to_have_count(1)
    expect(mine).to_contain_text("6. Progress")
    expect(main(page)).not_to_contain_text("Hargreaves")
    click_and_check(page, mine.get_by_role("link", name="Tobias"))
    expect(page).to_have_url(path_is(f"/mentees/{case.reference}/"))
    expect(heading(page)).to_have_text("Tobias Quansah")
    expect(summary_value(main(page), "Phone")).to_have_text("07700 900 123")
    # Only what a mentor needs: no concerns, risk factors, at-risk list or disruption.
    content = main(page)
    for hidden in [
        details,
        "Concerns",
        "Carrying a knife",
        "Gang",
        "Risk factors",
        "Excluded from school",
        "Substance misuse",
        "At-risk",
        "at-risk",
        "Disruption",
        "disruption",
        "What the referrer said",
        case.referral.postcode,
    ]:
        expect(content).not_to_contain_text(hidden)
    expect(row_with(page, "First meeting")).to_have_count(1)

    # The mentor logs a call from the mentee page.
    form = form_with_button(page, "Log the contact")
    choose(form, "How was the contact?", "Phone")
    fill_date(form, "Date of the contact", timezone.localdate())
    form.get_by_label("How long, in minutes (optional)").fill("20")
    form.get_by_label("Short note (optional)").fill("Talked about the boxing club")
    submit(page, form, "Log the contact")
    expect(banner(page)).to_contain_text("Contact logged")
    expect(page).to_have_url(path_is(f"/mentees/{case.reference}/"))
    expect(row_with(page, "Talked about the boxing club")).to_contain_text("Phone")
    expect(summary_value(main(page), "Last successful contact")).to_have_text(
        f"{timezone.localdate():%-d %B %Y}"
    )

    # The whole case is not theirs to open, nor is another mentor's mentee.
    visit(page, case_path(case), 403)
    expect_refusal_page(page, 403, private=[details, "Tobias", case.reference])
    visit(page, reverse("cases:mentee", args=[other.reference]), 404)
    expect_refusal_page(page, 404, private=["Ruby", "Hargreaves", other.reference])


# 4. Scrutiny: figures, never a person.


def test_the_scrutiny_member_sees_figures_with_small_numbers_hidden_and_no_records(
    page: Page, world: DemoWorld
) -> None:
    case = case_for(world, "Elijah", "Boateng")
    panel = TriagePanel.objects.filter(items__referral=case.referral).get()
    declined(world, case_for(world, "Hope", "Mwangi"))

    sign_in_as(page, world, "scrutiny")
    expect(heading(page)).to_have_text("Scrutiny member home")
    visit(page, reverse("cases:programme"))
    expect(heading(page)).to_have_text("Programme figures")
    expect(main(page)).to_contain_text('Numbers under 5 are shown as "fewer than 5"')
    # Every count is 5 or more, or "fewer than 5": the few people on the at-risk list, say.
    assert 0 < current_entries(timezone.localdate()).count() < 5
    expect(page.locator("#headline-at-risk")).to_have_text("fewer than 5")
    counts = main(page).locator(".vrhub-headline-figures .govuk-heading-l, td.govuk-table__cell")
    expect(counts.first).to_be_visible()
    shown = [text.strip() for text in counts.all_inner_texts()]
    assert "fewer than 5" in shown
    small = [text for text in shown if text.isdigit() and int(text) < 5]
    assert small == [], f"small counts shown to scrutiny: {small}"
    for name in ["Elijah", "Boateng", "Hope", "Mwangi", case.reference]:
        expect(page.locator("body")).not_to_contain_text(name)

    # A case, the at-risk list and a triage panel: refused, naming nobody.
    private = ["Elijah", "Boateng", "Hope", "Mwangi"]
    for path in [
        case_path(case),
        reverse("cases:at-risk"),
        reverse("triage:panel", args=[panel.pk]),
        reverse("triage:record", args=[panel.pk]),
    ]:
        visit(page, path, 403)
        expect_refusal_page(page, 403, private=private)
    expect(service_navigation(page).get_by_role("link", name="Triage panels")).to_have_count(0)


# 5. The at-risk list.


def test_the_programme_manager_reads_the_at_risk_list_and_downloads_it_without_names(
    page: Page, world: DemoWorld, tmp_path: Any
) -> None:
    listed = declined(world, case_for(world, "Imani", "Reece", date_of_birth=born_aged(17)))
    gone = declined(world, case_for(world, "Kofi", "Danso"))
    # Kofi's entry was not re-justified by its review date: it has left the list.
    today = timezone.localdate()
    AtRiskEntry.objects.filter(case=gone).update(
        added_on=today - timedelta(days=100), review_on=today - timedelta(days=8)
    )
    assert case_services.at_risk_expire_due() >= 1
    current = AtRiskEntry.objects.get(case=listed)

    sign_in_as(page, world, "manager")
    visit(page, reverse("cases:at-risk"))
    expect(heading(page)).to_have_text("At-risk list")
    table = page.locator("#at-risk-list")
    entry = table.get_by_role("row").filter(has=page.get_by_role("link", name="Imani Reece"))
    expect(entry).to_contain_text(listed.reference)
    expect(entry).to_contain_text("Callum Caseworker")
    expect(entry).to_contain_text(f"{current.review_on:%-d %b %Y}")
    # Who left the list is counted, never named.
    expect(page.locator("#departed")).to_contain_text(
        re.compile(r"[1-9]\d* entr(y|ies) expired in the last 3 months")
    )
    expect(page.locator("#departed")).to_contain_text("People who have left the list are not named")
    for private in ["Kofi", "Danso", gone.reference]:
        expect(page.locator("body")).not_to_contain_text(private)

    # The list beside the area's population.
    expect(
        page.get_by_role("heading", name="The list beside the area's population")
    ).to_be_visible()
    for title in ["Ethnic group", "Sex", "Age band"]:
        comparison = page.get_by_role("table", name=title, exact=True)
        expect(comparison.get_by_role("columnheader")).to_have_text(
            [
                title,
                "On the list",
                "Share of the list",
                "Share of the population",
                "Difference (percentage points)",
            ]
        )
    sexes = page.get_by_role("table", name="Sex", exact=True)
    expect(sexes.get_by_role("row", name=re.compile("^Male"))).to_contain_text("49.6")

    # The entry itself, then the download: without names unless the user says otherwise.
    click_and_check(page, entry.get_by_role("link", name="Imani Reece"))
    expect(heading(page)).to_contain_text("Imani Reece")
    click_and_check(page, page.get_by_role("link", name="Back to the at-risk list"))
    click_and_check(page, main(page).get_by_role("link", name="Download the list"))
    expect(heading(page)).to_have_text("Download the at-risk list")
    versions = page.get_by_role("group", name="Which version do you need?")
    expect(versions.get_by_label(re.compile("^Without names"))).to_be_checked()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download", exact=True).click()
    download = download_info.value
    assert re.fullmatch(
        r"at-risk-list-redacted-\d{4}-\d{2}-\d{2}\.csv", download.suggested_filename
    )
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    text = saved.read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == REDACTED_HEADER
    mine = [row for row in rows[1:] if row[0] == listed.reference]
    assert mine == [
        [
            listed.reference,
            "IR",
            "14-17",
            "Male",
            listed.referral.get_ethnicity_display(),
            current.get_reason_display(),
            current.added_on.isoformat(),
            current.review_on.isoformat(),
        ]
    ]
    for private in ["Imani", "Reece", "Kofi", "Danso", gone.reference]:
        assert private not in text
    # The page did not change: still the download page, already checked.
    expect(heading(page)).to_have_text("Download the at-risk list")


# 6. Disruption: police only, invisible to everyone else.


def disruption_case(world: DemoWorld) -> tuple[Case, DisruptionPlan]:
    """The demo's person with an open disruption plan; made through the services if the demo
    drew nobody for it (it picks an adult who declined the offer with a violence concern)."""
    plan = (
        DisruptionPlan.objects.filter(closed_on__isnull=True)
        .select_related("case__referral")
        .first()
    )
    if plan is None:
        case = declined(
            world,
            case_for(world, "Dwayne", "Marsh", date_of_birth=born_aged(20)),
        )
        plan = case_services.disruption_open(
            case=case,
            actor=world.users["caseworker"],
            basis="Charged with affray in the summer; intelligence links him to knife incidents.",
            actions="Targeted patrols; bail conditions enforced.",
            criminally_active=True,
        )
    return plan.case, plan


def test_police_see_the_disruption_plan_and_no_one_else_learns_it_exists(
    page: Page, world: DemoWorld
) -> None:
    case, plan = disruption_case(world)
    name = case.referral.full_name
    police_caseworker: User = world.users["caseworker"]
    assert police_caseworker.agency.kind == "police"

    sign_in_as(page, world, "caseworker")
    visit(page, case_path(case))
    expect(heading(page)).to_have_text(name)
    click_and_check(page, main(page).get_by_role("link", name=re.compile("^Disruption")))
    expect(page).to_have_url(path_is(f"/cases/{case.reference}/disruption/"))
    expect(heading(page)).to_have_text("Disruption")
    expect(main(page).locator(".govuk-warning-text")).to_contain_text("Police only")
    card = main(page).locator(f"#plan-{plan.pk}")
    expect(card.get_by_role("heading")).to_have_text(f"Open plan, from {plan.opened_on:%-d %B %Y}")
    expect(summary_value(card, "Basis")).to_have_text(plan.basis)
    expect(card.get_by_role("button", name="Close this plan")).to_be_visible()
    sign_out(page)

    # The programme manager (council) works the same case: no link, and "not found" at the
    # plan's address, with nothing about it.
    sign_in_as(page, world, "manager")
    visit(page, case_path(case))
    expect(heading(page)).to_have_text(name)
    expect(main(page).get_by_role("link", name=re.compile("disruption", re.I))).to_have_count(0)
    expect(main(page)).not_to_contain_text("Disruption")
    visit(page, reverse("cases:disruption", args=[case.reference]), 404)
    expect_refusal_page(
        page, 404, private=[name, plan.basis, "Disruption", "disruption", "Police only"]
    )
