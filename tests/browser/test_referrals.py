"""Referrals: the referrer's question pages, check your answers and confirmation, drafts kept and
resumed, and the caseworker's decision on what arrives in the referral queue."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

import pytest
from django.db.models import TextChoices
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from vrhub.core.demo import DemoWorld
from vrhub.referrals import services
from vrhub.referrals.models import (
    Concern,
    Ethnicity,
    PersonAware,
    Referral,
    ReferralStatus,
    RiskFactor,
    Sex,
    Urgency,
)

from .conftest import (
    assert_accessible,
    main,
    page_title,
    path_is,
    service_navigation,
    sign_in_as,
)

pytestmark = pytest.mark.browser

REFERENCE = re.compile(r"^R-[23456789A-HJKMNP-Z]{8}$")
QUESTIONS = 11
CHECK_TITLE = "Check your answers before sending the referral"


def born_aged(years: int) -> date:
    """A date of birth for someone `years` old today, half a year from a birthday."""
    return timezone.localdate() - timedelta(days=round((years + 0.5) * 365.25))


@dataclass(frozen=True)
class Person:
    """The answers a referrer gives on the question pages, as the labels they choose."""

    first_name: str = "Jordan"
    last_name: str = "Okoro"
    other_names: str = "JJ"
    born: date = field(default_factory=lambda: born_aged(15))
    sex: str = "Male"
    ethnicity: str = "Black, Black British, Caribbean or African: Caribbean"
    address: tuple[str, ...] = ("14 Stoney Stanton Road", "Coventry")
    postcode: str = "CV2 4AB"
    school: str = "Caludon Castle School"
    phone: str = "07700 900 982"
    concerns: tuple[str, ...] = ("Carrying a knife or other weapon",)
    risk_factors: tuple[str, ...] = ("Excluded from school", "Substance misuse")
    immediate_risk: bool = False
    person_aware: str = "Yes, but they have not decided"
    urgency: str = "Routine"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


# Small steps a user takes.


def heading(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def click_and_check(page: Page, locator: Locator) -> None:
    with page.expect_navigation():
        locator.click()
    assert_accessible(page)


def press_continue(page: Page) -> None:
    click_and_check(page, page.get_by_role("button", name="Continue", exact=True))


def go_back(page: Page) -> None:
    click_and_check(page, page.get_by_role("link", name="Back", exact=True))


def open_from_navigation(page: Page, name: str) -> None:
    click_and_check(page, service_navigation(page).get_by_role("link", name=name, exact=True))


def sign_out(page: Page) -> None:
    click_and_check(page, service_navigation(page).get_by_role("button", name="Sign out"))
    expect(heading(page)).to_have_text("Sign in")


def error_summary(page: Page) -> Locator:
    return page.locator(".govuk-error-summary")


def expect_one_error(page: Page, message: str | re.Pattern[str], title: str) -> Locator:
    """The page shows one error, in the summary and at its field; returns the summary link."""
    expect(page).to_have_title(page_title(f"Error: {title}"))
    summary = error_summary(page)
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    links = summary.get_by_role("link")
    expect(links).to_have_count(1)
    expect(links).to_have_text(message)
    expect(main(page).locator(".govuk-error-message")).to_have_text(
        message if isinstance(message, re.Pattern) else f"Error: {message}"
    )
    return links


def on_question(page: Page, number: int, title: str) -> None:
    expect(heading(page)).to_have_text(title)
    expect(page).to_have_title(page_title(title))
    expect(main(page)).to_contain_text(f"question {number} of {QUESTIONS}")


def date_box(page: Page, part: str) -> Locator:
    return page.get_by_role("group", name="Date of birth").get_by_label(part, exact=True)


def fill_date_of_birth(page: Page, day: str, month: str, year: str) -> None:
    date_box(page, "Day").fill(day)
    date_box(page, "Month").fill(month)
    date_box(page, "Year").fill(year)


def fill_date(page: Page, when: date) -> None:
    fill_date_of_birth(page, str(when.day), str(when.month), str(when.year))


# The question pages, in order: each checks it is on its page, answers and continues.


def answer_name(page: Page, p: Person) -> None:
    on_question(page, 1, "What is the person's name?")
    page.get_by_label("First name", exact=True).fill(p.first_name)
    page.get_by_label("Last name", exact=True).fill(p.last_name)
    page.get_by_label("Other names they are known by (optional)").fill(p.other_names)
    press_continue(page)


def answer_date_of_birth(page: Page, p: Person) -> None:
    on_question(page, 2, "What is their date of birth?")
    fill_date(page, p.born)
    press_continue(page)


def answer_sex(page: Page, p: Person) -> None:
    on_question(page, 3, "What is their sex?")
    page.get_by_label(p.sex, exact=True).check()
    press_continue(page)


def answer_ethnicity(page: Page, p: Person) -> None:
    on_question(page, 4, "What is their ethnic group?")
    page.get_by_label(p.ethnicity, exact=True).check()
    press_continue(page)


def answer_address(page: Page, p: Person) -> None:
    on_question(page, 5, "Where do they live?")
    page.get_by_label("Address", exact=True).fill("\n".join(p.address))
    page.get_by_label("Postcode", exact=True).fill(p.postcode)
    press_continue(page)


def answer_school_and_phone(page: Page, p: Person) -> None:
    on_question(page, 6, "School and phone")
    page.get_by_label("School or college (optional)").fill(p.school)
    page.get_by_label("Phone number (optional)").fill(p.phone)
    press_continue(page)


def answer_concerns(page: Page, p: Person) -> None:
    on_question(page, 7, "What are you worried about?")
    for concern in p.concerns:
        page.get_by_label(concern, exact=True).check()
    press_continue(page)


def answer_risk_factors(page: Page, p: Person) -> None:
    on_question(page, 8, "Risk factors")
    for factor in p.risk_factors:
        page.get_by_label(factor, exact=True).check()
    press_continue(page)


def answer_immediate_risk(page: Page, p: Person) -> None:
    on_question(page, 9, "Immediate risk of harm")
    page.get_by_label("Yes" if p.immediate_risk else "No", exact=True).check()
    press_continue(page)
    if p.immediate_risk:
        # The interruption: act now, then carry on with the referral.
        expect(heading(page)).to_have_text("Use your safeguarding procedures now")
        expect(page).to_have_title(page_title("Use your safeguarding procedures now"))
        expect(main(page)).to_contain_text("call 999")
        click_and_check(
            page, page.get_by_role("button", name="I have done this, continue the referral")
        )


def answer_person_aware(page: Page, p: Person) -> None:
    on_question(page, 10, "What the person knows")
    page.get_by_label(p.person_aware, exact=True).check()
    press_continue(page)


def answer_urgency(page: Page, p: Person) -> None:
    on_question(page, 11, "Urgency")
    page.get_by_label(p.urgency, exact=True).check()
    press_continue(page)


ANSWERS = [
    answer_name,
    answer_date_of_birth,
    answer_sex,
    answer_ethnicity,
    answer_address,
    answer_school_and_phone,
    answer_concerns,
    answer_risk_factors,
    answer_immediate_risk,
    answer_person_aware,
    answer_urgency,
]


def start_referral(page: Page) -> str:
    """From the referrer's home page: 'Make a referral', 'Start now'; returns the reference."""
    click_and_check(page, main(page).get_by_role("link", name="Make a referral", exact=True))
    expect(heading(page)).to_have_text("Refer someone to CIRV")
    click_and_check(page, page.get_by_role("button", name="Start now"))
    expect(page).to_have_url(re.compile(r"/referrals/R-[0-9A-Z]{8}/answer/name/$"))
    match = re.search(r"/referrals/(R-[0-9A-Z]{8})/", page.url)
    assert match is not None
    return match.group(1)


def answer_questions(page: Page, person: Person, count: int = QUESTIONS) -> None:
    for answer in ANSWERS[:count]:
        answer(page, person)


def accept_and_send(page: Page, reference: str) -> None:
    expect(heading(page)).to_have_text(CHECK_TITLE)
    click_and_check(page, page.get_by_role("button", name="Accept and send"))
    expect(page).to_have_title(page_title("Referral sent"))
    panel = page.locator(".govuk-panel--confirmation")
    expect(panel.get_by_role("heading", level=1)).to_have_text("Referral sent")
    expect(panel).to_contain_text("Your reference")
    expect(panel.locator("strong")).to_have_text(REFERENCE)
    expect(panel.locator("strong")).to_have_text(reference)


def make_referral(page: Page, world: DemoWorld, person: Person) -> str:
    """The referrer signs in, makes the referral through every question page and signs out."""
    sign_in_as(page, world, "referrer")
    reference = start_referral(page)
    answer_questions(page, person)
    accept_and_send(page, reference)
    sign_out(page)
    return reference


def sent_by_the_referrer(world: DemoWorld, person: Person) -> str:
    """The referral the question pages make for `person`, made through the same services
    (start, save the answers, submit) without the browser: for tests about what comes after."""
    referrer = world.users["referrer"]

    def value(choices: type[TextChoices], label: str) -> str:
        return next(str(c.value) for c in choices if c.label == label)

    referral = services.referral_start(referrer=referrer)
    services.referral_save_answers(
        referral=referral,
        actor=referrer,
        answers={
            "first_name": person.first_name,
            "last_name": person.last_name,
            "other_names": person.other_names,
            "date_of_birth": person.born,
            "sex": value(Sex, person.sex),
            "ethnicity": value(Ethnicity, person.ethnicity),
            "address": "\n".join(person.address),
            "postcode": person.postcode,
            "school": person.school,
            "phone": person.phone,
            "concerns": [value(Concern, c) for c in person.concerns],
            "risk_factors": [value(RiskFactor, r) for r in person.risk_factors],
            "immediate_risk": person.immediate_risk,
            "person_aware": value(PersonAware, person.person_aware),
            "urgency": value(Urgency, person.urgency),
        },
    )
    services.referral_submit(referral=referral, actor=referrer)
    return referral.reference


# Reading pages.


def answer_of(page: Page, question: str) -> Locator:
    """The answer to `question` in a summary list (check your answers, a referral)."""
    row = (
        main(page)
        .locator(".govuk-summary-list__row")
        .filter(has=page.locator("dt", has_text=re.compile(rf"^\s*{re.escape(question)}\s*$")))
    )
    return row.locator(".govuk-summary-list__value")


def change_link(page: Page, question: str) -> Locator:
    return main(page).get_by_role("link", name=f"Change {question.lower()}", exact=True)


def referral_row(page: Page, reference: str) -> Locator:
    """The row of a table (your referrals, the queue) whose link is `reference`."""
    return main(page).get_by_role("row").filter(has=page.get_by_role("link", name=reference))


def expect_status_in_your_referrals(page: Page, reference: str, status: str) -> None:
    row = referral_row(page, reference)
    expect(row).to_have_count(1)
    expect(row.get_by_role("cell").nth(2)).to_have_text(status)


def queue_tabs(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Queues").get_by_role("link")


def expected_tabs() -> list[str]:
    """What the caseworker should see on the queue tabs: each status with its count."""
    return [
        f"{status.label} {Referral.objects.filter(status=status).count()}"
        for status in ReferralStatus
        if status != ReferralStatus.DRAFT
    ]


# The tests.


def test_a_referrer_answers_every_question_changes_an_answer_and_sends_the_referral(
    page: Page, world: DemoWorld
) -> None:
    person = Person()
    sign_in_as(page, world, "referrer")
    expect(heading(page)).to_have_text("Referrer home")

    reference = start_referral(page)
    expect(main(page)).to_contain_text(f"Referral {reference}, question 1 of {QUESTIONS}")
    answer_questions(page, person)

    # Check your answers: each answer as given, in the words the referrer chose.
    expect(heading(page)).to_have_text(CHECK_TITLE)
    expect(page).to_have_title(page_title(CHECK_TITLE))
    expect(page).to_have_url(path_is(f"/referrals/{reference}/check/"))
    expected = {
        "Name": person.full_name,
        "Other names": person.other_names,
        "Date of birth": f"{person.born:%-d %B %Y}",
        "Sex": "Male",
        "Gender, if different": "Not different",
        "Ethnic group": person.ethnicity,
        "School or college": person.school,
        "Phone": person.phone,
        "Concerns": "Carrying a knife or other weapon",
        "Risk factors": "Excluded from school, Substance misuse",
        "Immediate risk of harm": "No",
        "Person knows about the referral": person.person_aware,
        "Urgency": "Routine",
    }
    for question, answer in expected.items():
        expect(answer_of(page, question)).to_have_text(answer)
    for line in [*person.address, "CV2 4AB"]:
        expect(answer_of(page, "Address")).to_contain_text(line)

    # Change the last name: the question page shows the answers given, and leads back here.
    click_and_check(page, change_link(page, "Name"))
    expect(heading(page)).to_have_text("What is the person's name?")
    expect(page.get_by_label("First name", exact=True)).to_have_value(person.first_name)
    expect(page.get_by_label("Last name", exact=True)).to_have_value(person.last_name)
    page.get_by_label("Last name", exact=True).fill("Okoro-Mills")
    press_continue(page)
    expect(heading(page)).to_have_text(CHECK_TITLE)
    expect(answer_of(page, "Name")).to_have_text("Jordan Okoro-Mills")
    expect(answer_of(page, "Urgency")).to_have_text("Routine")

    accept_and_send(page, reference)
    expect(main(page)).to_contain_text("within 5 working days")

    click_and_check(page, main(page).get_by_role("link", name="your referrals"))
    expect(heading(page)).to_have_text("Your referrals")
    expect_status_in_your_referrals(page, reference, "New")


def test_question_pages_explain_each_mistake_and_lose_nothing(page: Page, world: DemoWorld) -> None:
    person = Person(first_name="Amara", last_name="Nwosu", sex="Female")
    sign_in_as(page, world, "referrer")
    start_referral(page)
    answer_name(page, person)

    dob_title = "What is their date of birth?"
    on_question(page, 2, dob_title)
    day = date_box(page, "Day")

    # Nothing entered.
    press_continue(page)
    link = expect_one_error(page, "Enter the person's date of birth", dob_title)
    expect(page.get_by_role("group", name="Date of birth")).to_have_accessible_description(
        re.compile(r"For example, 27 3 2010\s+Error:\s+Enter the person's date of birth")
    )
    link.click()
    expect(day).to_be_focused()

    # A date that does not exist: the message says so, and what was typed is still there.
    fill_date_of_birth(page, "31", "2", "2010")
    press_continue(page)
    link = expect_one_error(page, "The person's date of birth must be a real date", dob_title)
    expect(day).to_have_value("31")
    expect(date_box(page, "Month")).to_have_value("2")
    expect(date_box(page, "Year")).to_have_value("2010")
    link.click()
    expect(day).to_be_focused()

    # Too young for CIRV.
    fill_date(page, born_aged(9))
    press_continue(page)
    link = expect_one_error(
        page,
        "The person must be 10 or older: for a younger child, use your safeguarding procedures",
        dob_title,
    )
    link.click()
    expect(day).to_be_focused()

    # Not born yet.
    fill_date(page, timezone.localdate() + timedelta(days=30))
    press_continue(page)
    link = expect_one_error(page, "The person's date of birth must be in the past", dob_title)
    link.click()
    expect(day).to_be_focused()

    fill_date(page, person.born)
    press_continue(page)
    answer_sex(page, person)
    answer_ethnicity(page, person)

    # A postcode that is not UK-shaped; the address typed is kept.
    address_title = "Where do they live?"
    on_question(page, 5, address_title)
    page.get_by_label("Address", exact=True).fill("\n".join(person.address))
    page.get_by_label("Postcode", exact=True).fill("NOT A POSTCODE")
    press_continue(page)
    link = expect_one_error(page, "Enter a real postcode, like CV1 2AB", address_title)
    # What was typed comes back as typed, not cut short, so the user sees what was wrong.
    expect(page.get_by_label("Postcode", exact=True)).to_have_value("NOT A POSTCODE")
    expect(page.get_by_label("Postcode", exact=True)).to_have_accessible_description(
        "Error: Enter a real postcode, like CV1 2AB"
    )
    expect(page.get_by_label("Address", exact=True)).to_have_value("\n".join(person.address))
    link.click()
    expect(page.get_by_label("Postcode", exact=True)).to_be_focused()

    # Typed in lower case without a space, it is understood and tidied.
    page.get_by_label("Postcode", exact=True).fill("cv24ab")
    press_continue(page)
    on_question(page, 6, "School and phone")

    # Back through the pages: every answer is still there.
    go_back(page)
    on_question(page, 5, address_title)
    expect(page.get_by_label("Postcode", exact=True)).to_have_value("CV2 4AB")
    expect(page.get_by_label("Address", exact=True)).to_have_value(
        re.compile(r"^14 Stoney Stanton Road\r?\nCoventry$")
    )
    go_back(page)
    on_question(page, 4, "What is their ethnic group?")
    expect(page.get_by_label(person.ethnicity, exact=True)).to_be_checked()
    go_back(page)
    on_question(page, 3, "What is their sex?")
    expect(page.get_by_label("Female", exact=True)).to_be_checked()
    expect(page.get_by_label("Male", exact=True)).not_to_be_checked()
    go_back(page)
    on_question(page, 2, dob_title)
    expect(day).to_have_value(str(person.born.day))
    expect(date_box(page, "Month")).to_have_value(str(person.born.month))
    expect(date_box(page, "Year")).to_have_value(str(person.born.year))
    go_back(page)
    on_question(page, 1, "What is the person's name?")
    expect(page.get_by_label("First name", exact=True)).to_have_value("Amara")
    expect(page.get_by_label("Last name", exact=True)).to_have_value("Nwosu")
    expect(page.get_by_label("Other names they are known by (optional)")).to_have_value("JJ")


def test_immediate_risk_sends_the_referrer_to_safeguarding_and_still_records_the_referral(
    page: Page, world: DemoWorld
) -> None:
    person = Person(
        first_name="Tariq",
        last_name="Osei",
        immediate_risk=True,
        urgency="Urgent: contact within 2 working days",
    )
    sign_in_as(page, world, "referrer")
    reference = start_referral(page)
    # answer_immediate_risk checks the safeguarding page and continues from it to question 10.
    answer_questions(page, person)

    expect(answer_of(page, "Immediate risk of harm")).to_have_text("Yes")
    accept_and_send(page, reference)
    expect(main(page)).to_contain_text("The CIRV team will look at the referral today")

    click_and_check(page, main(page).get_by_role("link", name="your referrals"))
    expect_status_in_your_referrals(page, reference, "New")
    assert Referral.objects.get(reference=reference).immediate_risk is True


def test_a_draft_is_kept_and_resumed_from_your_referrals(page: Page, world: DemoWorld) -> None:
    person = Person(first_name="Keisha", last_name="Ambrose", sex="Female")
    sign_in_as(page, world, "referrer")
    reference = start_referral(page)
    answer_questions(page, person, count=5)  # name to address
    on_question(page, 6, "School and phone")
    sign_out(page)

    sign_in_as(page, world, "referrer")
    open_from_navigation(page, "Your referrals")
    expect(heading(page)).to_have_text("Your referrals")
    # The draft is the referral they are most likely to want: it is listed first, not after
    # every referral they have sent.
    expect_status_in_your_referrals(page, reference, "Draft")
    click_and_check(
        page,
        referral_row(page, reference).get_by_role(
            "link", name=re.compile(rf"^{reference} \(continue this draft\)$")
        ),
    )

    # Check your answers, with the answers so far ...
    expect(heading(page)).to_have_text(CHECK_TITLE)
    expect(page).to_have_url(path_is(f"/referrals/{reference}/check/"))
    expect(answer_of(page, "Name")).to_have_text("Keisha Ambrose")
    expect(answer_of(page, "Date of birth")).to_have_text(f"{person.born:%-d %B %Y}")
    expect(answer_of(page, "Sex")).to_have_text("Female")
    expect(answer_of(page, "Ethnic group")).to_have_text(person.ethnicity)
    expect(answer_of(page, "Address")).to_contain_text("CV2 4AB")
    # ... and a link to enter each required answer still missing.
    for question in ["Immediate risk of harm", "Person knows about the referral", "Urgency"]:
        expect(answer_of(page, question).get_by_role("link")).to_have_text(
            f"Enter {question.lower()}"
        )

    # Sent too soon: each missing answer is named, and its link leads to its question.
    click_and_check(page, page.get_by_role("button", name="Accept and send"))
    expect(page).to_have_title(page_title(f"Error: {CHECK_TITLE}"))
    expect(error_summary(page).get_by_role("link")).to_have_text(
        [
            "Select at least one concern",
            "Say whether the person is at immediate risk of harm",
            "Say whether the person knows about the referral",
            "Select how urgent the referral is",
        ]
    )
    click_and_check(page, error_summary(page).get_by_role("link", name="Select how urgent"))
    answer_urgency(page, person)
    expect(heading(page)).to_have_text(CHECK_TITLE)
    expect(answer_of(page, "Urgency")).to_have_text("Routine")
    assert Referral.objects.get(reference=reference).status == ReferralStatus.DRAFT

    # The concerns were never asked: they are missing, not "None".
    expect(answer_of(page, "Concerns").get_by_role("link")).to_have_text("Enter concerns")


def test_the_caseworker_accepts_an_eligible_referral_and_the_referrer_sees_only_its_status(
    page: Page, world: DemoWorld
) -> None:
    # The referral of the first test: the question pages are walked there.
    person = replace(Person(), last_name="Okoro-Mills")
    reference = sent_by_the_referrer(world, person)

    sign_in_as(page, world, "caseworker")
    open_from_navigation(page, "Referral queue")
    expect(heading(page)).to_have_text("Referral queue")
    expect(queue_tabs(page)).to_have_text(expected_tabs())
    expect(queue_tabs(page).first).to_have_attribute("aria-current", "page")
    row = referral_row(page, reference)
    expect(row).to_contain_text("Coventry")
    expect(row).to_contain_text("Eligible")

    click_and_check(page, row.get_by_role("link", name=reference))
    expect(heading(page)).to_have_text(person.full_name)
    expect(page).to_have_title(page_title(f"Referral {reference}"))
    decision = main(page).locator(".govuk-inset-text")
    expect(decision.get_by_role("heading")).to_have_text("Eligible")
    expect(decision).to_contain_text("aged 15 on the referral date")
    expect(decision).to_contain_text("Coventry (CV2)")
    expect(answer_of(page, "Concerns")).to_have_text("Carrying a knife or other weapon")

    click_and_check(page, page.get_by_role("button", name="Accept for triage"))
    expect(page.get_by_role("alert")).to_contain_text(
        f"{reference} is now: Eligible, awaiting triage"
    )
    expect(main(page).locator("h1 + p .govuk-tag").first).to_have_text("Eligible, awaiting triage")
    expect(page.get_by_role("button", name="Accept for triage")).to_have_count(0)

    # Back in the queue, it has moved to the eligible tab and the counts follow.
    click_and_check(page, page.get_by_role("link", name="Back to the queue"))
    expect(queue_tabs(page)).to_have_text(expected_tabs())
    expect(queue_tabs(page).filter(has_text="Eligible, awaiting triage")).to_have_attribute(
        "aria-current", "page"
    )
    expect(referral_row(page, reference)).to_have_count(1)
    sign_out(page)

    # The referrer sees the new status, and no longer what they sent.
    sign_in_as(page, world, "referrer")
    open_from_navigation(page, "Your referrals")
    expect_status_in_your_referrals(page, reference, "Eligible, awaiting triage")
    click_and_check(page, referral_row(page, reference).get_by_role("link", name=reference))
    expect(heading(page)).to_have_text(f"Referral {reference}")
    expect(answer_of(page, "Status")).to_have_text("Eligible, awaiting triage")
    expect(page.get_by_role("heading", name="What you sent")).to_have_count(0)
    expect(main(page)).not_to_contain_text(person.first_name)
    expect(main(page)).not_to_contain_text("CV2 4AB")
    expect(main(page)).to_contain_text("only its status is shown")


def test_an_out_of_area_referral_is_signposted_and_the_referrer_told_where(
    page: Page, world: DemoWorld
) -> None:
    person = replace(
        Person(first_name="Ellis", last_name="Maguire"),
        address=("22 Aston Lane", "Birmingham"),
        postcode="B6 4AA",
    )
    reference = make_referral(page, world, person)

    sign_in_as(page, world, "caseworker")
    open_from_navigation(page, "Referral queue")
    row = referral_row(page, reference)
    expect(row.get_by_role("cell").nth(3)).to_have_text("Out of area")
    expect(row.get_by_role("cell").nth(4)).to_have_text("Out of area")

    click_and_check(page, row.get_by_role("link", name=reference))
    expect(heading(page)).to_have_text("Ellis Maguire")
    decision = main(page).locator(".govuk-inset-text")
    expect(decision.get_by_role("heading")).to_have_text("Out of area")
    expect(decision).to_contain_text("postcode district B6 is not served")
    expect(page.get_by_role("button", name="Accept for triage")).to_have_count(0)

    # The directory suggests the services that take people from outside the area at 15.
    services = page.get_by_role("group", name="Where was the person referred instead?")
    expect(services.get_by_role("radio")).to_have_count(1)
    services.get_by_label("Birmingham CIRV", exact=True).check()
    click_and_check(page, page.get_by_role("button", name="Record onward referral"))
    expect(page.get_by_role("alert")).to_contain_text("Onward referral to Birmingham CIRV recorded")
    expect(main(page)).to_contain_text(
        f"Referred on to Birmingham CIRV by {world.users['caseworker'].full_name}"
    )
    expect(main(page).locator("h1 + p .govuk-tag").first).to_have_text("Not eligible, signposted")
    sign_out(page)

    sign_in_as(page, world, "referrer")
    open_from_navigation(page, "Your referrals")
    expect_status_in_your_referrals(page, reference, "Not eligible, signposted")
    click_and_check(page, referral_row(page, reference).get_by_role("link", name=reference))
    expect(answer_of(page, "Status")).to_have_text("Not eligible, signposted")
    expect(answer_of(page, "Referred on to")).to_contain_text(
        "Birmingham CIRV (West Midlands Police)"
    )
    expect(answer_of(page, "Referred on to")).to_contain_text(
        "Referral to the Birmingham CIRV team."
    )
