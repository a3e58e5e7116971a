"""The person index in the browser: the review queue's possible duplicates merged and the merge
undone, a referral not yet linked given its person, an automatic link checked, the whole index
checked for duplicates, and an analyst's list linked to the index and sent back as a CSV."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from vrhub.core.demo import DemoWorld
from vrhub.people import services as people_services
from vrhub.people.matching.candidates import rank
from vrhub.people.models import Person, SourceRecord

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

PERSON_REFERENCE = r"P-[23456789A-HJKMNP-Z]{8}"
REFERRAL_REFERENCE = r"R-[23456789A-HJKMNP-Z]{8}"
PROBABILITY = r"(over 99\.9%|under 0\.1%|\d{1,2}\.\d%)"
FORBIDDEN = "You do not have access to this page"
QUEUE_TABS = ["Possible duplicates", "Automatic links to check", "Referrals not yet linked"]
# What the list download starts with (people.lists.LinkedList.as_csv).
LINKED_LIST_HEADER = ["line", "id", "person_reference", "outcome"]


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


def banner(page: Page) -> Locator:
    """The success message shown after a change."""
    return page.locator(".govuk-notification-banner--success")


def error_summary(page: Page) -> Locator:
    return page.locator(".govuk-error-summary")


def expect_one_error(page: Page, message: str, title: str, wrong_titles: list[str]) -> None:
    """The page shows one error, in the summary and at its field, and says so in its title.

    A wrong title is noted in `wrong_titles`, for the test to fail on at its end, so the rest of
    the journey is still checked."""
    expected = page_title(f"Error: {title}")
    if page.title() != expected:
        wrong_titles.append(f"{page.url}: title {page.title()!r}, not {expected!r}")
    summary = error_summary(page)
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(summary.get_by_role("link")).to_have_text([message])
    expect(main(page).locator(".govuk-error-message")).to_have_text([f"Error: {message}"])


def form_with_button(page: Page, button: str) -> Locator:
    """The form on the page whose submit button is `button`."""
    return (
        main(page).locator("form").filter(has=page.get_by_role("button", name=button, exact=True))
    )


def choose(scope: Locator, group: str, option: str | re.Pattern[str]) -> None:
    """Check the radio `option` in the radios whose legend is `group`."""
    radios = scope.get_by_role("group", name=group, exact=True)
    radios.get_by_label(option, exact=True).check()


def submit(page: Page, form: Locator, button: str) -> None:
    click_and_check(page, form.get_by_role("button", name=button, exact=True))


def row_with(scope: Locator, text: str) -> Locator:
    """The row of a table in `scope` that mentions `text`."""
    return scope.get_by_role("row").filter(has_text=text)


def queue_tabs(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Review lists")


def tab_link(page: Page, label: str) -> Locator:
    return queue_tabs(page).get_by_role("link", name=re.compile(rf"^{re.escape(label)} \d+$"))


def tab_count(page: Page, label: str) -> int:
    """The number the queue shows beside the tab `label`."""
    return int(tab_link(page, label).locator(".govuk-tag").inner_text().strip())


def open_tab(page: Page, label: str) -> None:
    click_and_check(page, tab_link(page, label))
    expect(tab_link(page, label)).to_have_attribute("aria-current", "page")


def open_person_index(page: Page) -> None:
    open_from_navigation(page, "Person index")
    expect(page).to_have_url(path_is("/people/"))
    expect(heading(page)).to_have_text("Person index")
    expect(queue_tabs(page).get_by_role("link")).to_have_count(len(QUEUE_TABS))
    for label in QUEUE_TABS:
        expect(tab_link(page, label)).to_be_visible()


def records_table(page: Page, person: str) -> Locator:
    """The person page's table of the records that point at `person`."""
    return page.get_by_role("table", name=f"Records that point at {person}", exact=True)


def expect_person_page(page: Page, person: str) -> None:
    expect(page).to_have_url(path_is(f"/people/{person}/"))
    expect(page).to_have_title(page_title(f"Person {person}"))
    expect(heading(page)).to_have_text(person)


def referrals_of(person: str) -> list[str]:
    """The references of the referrals the index holds for `person`, as the demo built them."""
    return list(
        SourceRecord.objects.filter(person__reference=person, referral__isnull=False)
        .order_by("created_at", "id")
        .values_list("referral__reference", flat=True)
    )


# 1. A possible duplicate merged, and the merge undone.


def test_a_caseworker_merges_a_possible_duplicate_and_undoes_the_merge(
    page: Page, world: DemoWorld
) -> None:
    wrong_titles: list[str] = []
    sign_in_as(page, world, "caseworker")
    open_person_index(page)
    # The caseworker works the queue; checking the whole index is the programme manager's.
    expect(
        main(page).get_by_role("button", name=re.compile("Check the whole index"))
    ).to_have_count(0)
    expect(tab_link(page, "Possible duplicates")).to_have_attribute("aria-current", "page")
    assert tab_count(page, "Possible duplicates") >= 1
    pairs = main(page).get_by_role("table", name=re.compile(r"^\d+ possible duplicates?$"))
    first = pairs.get_by_role("link").first
    pair_name = first.inner_text().strip()
    found = re.fullmatch(rf"({PERSON_REFERENCE}) and ({PERSON_REFERENCE})", pair_name)
    assert found, f"a pair of people in the queue, not {pair_name!r}"
    one, other = found.groups()
    before = {one: referrals_of(one), other: referrals_of(other)}
    assert before[one], one
    assert before[other], other

    # The pair side by side, and why the model thinks they may be one person.
    click_and_check(page, first)
    title = f"Possible duplicate: {one} and {other}"
    expect(page).to_have_title(page_title(title))
    expect(heading(page)).to_have_text(f"Are {one} and {other} the same person?")
    expect(main(page)).to_contain_text(re.compile(rf"match probability {PROBABILITY}"))
    for person in (one, other):
        expect(main(page).get_by_role("heading", name=person, level=2)).to_be_visible()
    reasons = page.get_by_role("table", name="Why: field by field")
    expect(reasons.get_by_role("columnheader")).to_have_text(
        ["Field", "What the model found", "Effect"]
    )
    expect(reasons.locator("tbody tr").first).to_be_visible()
    expect(reasons).to_contain_text(
        re.compile("Points to the same person|Points to different people|Tells little")
    )

    # Saved without an answer: the error summary says what is missing.
    decision = form_with_button(page, "Save decision")
    submit(page, decision, "Save decision")
    expect_one_error(page, "Select whether they are the same person", title, wrong_titles)
    error_summary(page).get_by_role("link").click()
    expect(
        page.get_by_role("group", name="Are they the same person?").get_by_role("radio").first
    ).to_be_focused()

    # Merged, with a reason: the survivor's page, with the merge on it.
    decision = form_with_button(page, "Save decision")
    choose(decision, "Are they the same person?", "Yes: merge them into one person")
    decision.get_by_label("Why are these the same person? (optional)").fill(
        "The referring school confirmed it is one pupil."
    )
    submit(page, decision, "Save decision")
    merged = banner(page)
    expect(merged).to_contain_text(
        re.compile(rf"({PERSON_REFERENCE}) merged into ({PERSON_REFERENCE})")
    )
    said = re.search(rf"({PERSON_REFERENCE}) merged into ({PERSON_REFERENCE})", merged.inner_text())
    assert said is not None
    absorbed, survivor = said.groups()
    assert {absorbed, survivor} == {one, other}
    expect_person_page(page, survivor)
    records = records_table(page, survivor)
    for reference in before[survivor] + before[absorbed]:
        expect(row_with(records, reference)).to_have_count(1)
    card = (
        main(page)
        .locator(".govuk-summary-card")
        .filter(has=page.get_by_role("heading", name=re.compile(rf"^{absorbed} merged in, ")))
    )
    expect(card).to_have_count(1)
    expect(card).to_contain_text(world.users["caseworker"].full_name)
    expect(card).to_contain_text("The referring school confirmed it is one pupil.")

    # The absorbed person's page says where their records went.
    visit(page, f"/people/{absorbed}/")
    expect_person_page(page, absorbed)
    expect(main(page).locator(".govuk-inset-text")).to_contain_text(f"Merged into {survivor}")
    expect(records_table(page, absorbed)).to_contain_text("No records point here now.")
    click_and_check(page, main(page).get_by_role("link", name=survivor, exact=True))
    expect_person_page(page, survivor)

    # Undone: first without a reason, refused; then with one.
    click_and_check(
        page, card.get_by_role("link", name=f"Undo this merge of {absorbed}", exact=True)
    )
    expect(page).to_have_url(re.compile(r"/people/merges/\d+/undo/$"))
    undo_title = f"Undo the merge of {absorbed} into {survivor}"
    expect(page).to_have_title(page_title(undo_title))
    expect(heading(page)).to_have_text(undo_title)
    form = form_with_button(page, "Undo the merge")
    submit(page, form, "Undo the merge")
    expect_one_error(page, "Enter why the merge is being undone", undo_title, wrong_titles)
    error_summary(page).get_by_role("link").click()
    expect(page.get_by_label("Why is the merge being undone?")).to_be_focused()
    form = form_with_button(page, "Undo the merge")
    form.get_by_label("Why is the merge being undone?").fill(
        "The GP holds different dates of birth for the two of them."
    )
    submit(page, form, "Undo the merge")
    expect(banner(page)).to_contain_text(f"Merge undone: {absorbed} is a person of their own again")
    expect_person_page(page, survivor)
    records = records_table(page, survivor)
    for reference in before[survivor]:
        expect(row_with(records, reference)).to_have_count(1)
    for reference in before[absorbed]:
        expect(row_with(records, reference)).to_have_count(0)
    expect(card).to_contain_text("The GP holds different dates of birth")
    expect(card.get_by_role("link", name=re.compile("Undo this merge"))).to_have_count(0)

    # The absorbed person is a person of their own again, with their own records.
    visit(page, f"/people/{absorbed}/")
    expect_person_page(page, absorbed)
    expect(main(page).locator(".govuk-inset-text")).to_have_count(0)
    records = records_table(page, absorbed)
    for reference in before[absorbed]:
        expect(row_with(records, reference)).to_have_count(1)
    for reference in before[survivor]:
        expect(row_with(records, reference)).to_have_count(0)
    assert not wrong_titles, "\n".join(wrong_titles)


# 2. Referrals not yet linked get their person.


def waiting_referrals() -> tuple[str, str, str]:
    """Two referrals the demo left for a caseworker: one with the person the index suggests for
    it, and another."""
    waiting = list(
        SourceRecord.objects.filter(person__isnull=True, referral__isnull=False)
        .select_related("referral")
        .order_by("created_at", "id")
    )
    suggested = {
        source.pk: rank(people_services.match_record_of(source), exclude=[source.pk])
        for source in waiting
    }
    with_one = next(source for source in waiting if suggested[source.pk])
    another = next(source for source in waiting if source.pk != with_one.pk)
    best = Person.objects.get(pk=suggested[with_one.pk][0].person_id)
    assert with_one.referral is not None
    assert another.referral is not None
    return with_one.referral.reference, best.reference, another.referral.reference


def open_waiting_referral(page: Page, reference: str) -> None:
    """From the person index, the tab of referrals not yet linked, then the referral."""
    open_tab(page, "Referrals not yet linked")
    click_and_check(page, main(page).get_by_role("link", name=reference, exact=True))
    expect(page).to_have_url(path_is(f"/people/referrals/{reference}/"))
    expect(page).to_have_title(page_title(f"Who is referral {reference} about?"))
    expect(heading(page)).to_have_text("Who is this referral about?")
    expect(main(page)).to_contain_text(f"Referral {reference}")


def back_to_the_index(page: Page) -> None:
    click_and_check(page, service_navigation(page).get_by_role("link", name="Person index"))
    expect(heading(page)).to_have_text("Person index")


def test_a_caseworker_finds_who_referrals_not_yet_linked_are_about(
    page: Page, world: DemoWorld
) -> None:
    wrong_titles: list[str] = []
    reference, candidate, other = waiting_referrals()
    sign_in_as(page, world, "caseworker")
    open_person_index(page)
    waiting = tab_count(page, "Referrals not yet linked")
    assert waiting >= 2
    open_tab(page, "Referrals not yet linked")
    unlinked = main(page).get_by_role("table", name=f"{waiting} referrals", exact=True)
    expect(unlinked.get_by_role("columnheader")).to_have_text(["Referral", "Received"])
    expect(unlinked.locator("tbody tr")).to_have_count(waiting)

    # The referral's details, and the people it may be, each with a probability and the reasons.
    open_waiting_referral(page, reference)
    title = f"Who is referral {reference} about?"
    expect(main(page).get_by_role("heading", name="The referral says")).to_be_visible()
    cards = main(page).locator(".govuk-summary-card")
    best = cards.first
    expect(best.get_by_role("heading", level=3)).to_have_text(
        re.compile(rf"^{candidate}: match probability {PROBABILITY}$")
    )
    reasons = best.get_by_role("table", name="Why: field by field")
    expect(reasons.get_by_role("columnheader")).to_have_text(
        ["Field", "What the model found", "Effect"]
    )
    expect(reasons.locator("tbody tr").first).to_be_visible()
    expect(
        best.get_by_role("link", name=f"See everything known about {candidate}", exact=True)
    ).to_be_visible()

    # Continue without an answer: the error summary says what is missing.
    who = form_with_button(page, "Continue")
    options = who.get_by_role("group", name="Who is this referral about?").get_by_role("radio")
    expect(options).to_have_count(cards.count() + 1)
    expect(options.last).to_have_accessible_name("None of these: this is a new person")
    submit(page, who, "Continue")
    expect_one_error(page, "Select who this referral is about", title, wrong_titles)

    # The index's best suggestion is the person.
    who = form_with_button(page, "Continue")
    choose(
        who,
        "Who is this referral about?",
        re.compile(rf"^{candidate}: match probability {PROBABILITY}$"),
    )
    submit(page, who, "Continue")
    expect(banner(page)).to_contain_text(f"Linked to {candidate}")
    expect(page).to_have_title(page_title(title))
    said = main(page).locator(".govuk-inset-text")
    expect(said).to_contain_text(f"This referral is about {candidate}: linked by a caseworker")
    expect(said).to_contain_text(world.users["caseworker"].full_name)
    expect(page.get_by_role("button", name="Continue")).to_have_count(0)

    # The person's page lists the referral among their records.
    click_and_check(page, said.get_by_role("link", name=candidate, exact=True))
    expect_person_page(page, candidate)
    expect(row_with(records_table(page, candidate), reference)).to_contain_text(
        "Linked by a caseworker"
    )

    # Back in the queue: one referral fewer waits, and this one is not among them.
    back_to_the_index(page)
    assert tab_count(page, "Referrals not yet linked") == waiting - 1

    # Another is someone the index does not know yet.
    open_waiting_referral(page, other)
    expect(main(page).get_by_role("link", name=reference, exact=True)).to_have_count(0)
    who = form_with_button(page, "Continue")
    choose(who, "Who is this referral about?", "None of these: this is a new person")
    submit(page, who, "Continue")
    confirmed = banner(page)
    expect(confirmed).to_contain_text(re.compile(rf"Recorded as a new person, {PERSON_REFERENCE}"))
    found = re.search(PERSON_REFERENCE, confirmed.inner_text())
    assert found is not None
    new_person = found.group(0)
    expect(main(page).locator(".govuk-inset-text")).to_contain_text(
        f"This referral is about {new_person}: confirmed as a new person"
    )
    click_and_check(
        page, main(page).locator(".govuk-inset-text").get_by_role("link", name=new_person)
    )
    expect_person_page(page, new_person)
    expect(row_with(records_table(page, new_person), other)).to_contain_text(
        "Confirmed as a new person"
    )
    back_to_the_index(page)
    assert tab_count(page, "Referrals not yet linked") == waiting - 2
    assert not wrong_titles, "\n".join(wrong_titles)


# 3. An automatic link checked.


def test_a_caseworker_confirms_an_automatic_link_from_the_referral(
    page: Page, world: DemoWorld
) -> None:
    sign_in_as(page, world, "caseworker")
    open_person_index(page)
    to_check = tab_count(page, "Automatic links to check")
    assert to_check >= 1
    open_tab(page, "Automatic links to check")
    automatic = main(page).get_by_role("table", name=re.compile(r"^\d+ referrals?$"))
    expect(automatic.get_by_role("columnheader")).to_have_text(
        ["Referral", "Linked to", "Match probability"]
    )
    row = automatic.locator("tbody tr").first
    expect(row.get_by_role("cell").nth(1)).to_have_text(re.compile(rf"^{PERSON_REFERENCE}$"))
    expect(row.get_by_role("cell").nth(2)).to_have_text(re.compile(rf"^{PROBABILITY}$"))
    person = row.get_by_role("cell").nth(1).inner_text().strip()
    link = row.get_by_role("link")
    reference = link.inner_text().strip()

    # The link vrhub made, to check; the referral's own page says so too, and leads back.
    click_and_check(page, link)
    title = f"Who is referral {reference} about?"
    expect(page).to_have_title(page_title(title))
    click_and_check(page, page.get_by_role("link", name="Back to the referral"))
    expect(page).to_have_url(path_is(f"/referrals/{reference}/"))
    expect(main(page).get_by_role("heading", name="Person", exact=True, level=2)).to_be_visible()
    expect(main(page)).to_contain_text(f"Linked automatically to {person}.")
    click_and_check(
        page, main(page).get_by_role("link", name="Check who this referral is about", exact=True)
    )
    expect(page).to_have_url(path_is(f"/people/referrals/{reference}/"))
    expect(page).to_have_title(page_title(title))
    expect(main(page).locator(".govuk-warning-text")).to_contain_text(
        re.compile(
            rf"vrhub linked this referral to {person} automatically, "
            rf"with a match probability of {PROBABILITY}\. Check the link\."
        )
    )
    check = form_with_button(page, "Continue")
    answers = check.get_by_role("group", name="Is this the same person?").get_by_role("radio")
    expect(answers).to_have_count(2)
    choose(check, "Is this the same person?", "Yes, the link is right")
    submit(page, check, "Continue")
    expect(banner(page)).to_contain_text("Automatic link confirmed")
    expect(main(page).locator(".govuk-warning-text")).to_have_count(0)
    expect(main(page).locator(".govuk-inset-text")).to_contain_text(
        f"This referral is about {person}"
    )
    expect(page.get_by_role("button", name="Continue")).to_have_count(0)

    # The referral's own page says who it is about.
    click_and_check(page, page.get_by_role("link", name="Back to the referral"))
    expect(page).to_have_url(path_is(f"/referrals/{reference}/"))
    expect(main(page)).to_contain_text(f"This referral is about {person} in the person index.")
    expect(main(page).get_by_role("link", name="Check who this referral is about")).to_have_count(0)

    # It has left the list of automatic links to check.
    open_person_index(page)
    assert tab_count(page, "Automatic links to check") == to_check - 1
    open_tab(page, "Automatic links to check")
    expect(main(page).get_by_role("link", name=reference, exact=True)).to_have_count(0)


# 4. The whole index checked.


def test_the_programme_manager_checks_the_whole_index_for_duplicates(
    page: Page, world: DemoWorld
) -> None:
    # The check compares the records linked to a person.
    records = SourceRecord.objects.filter(person__isnull=False).count()
    sign_in_as(page, world, "manager")
    open_person_index(page)
    pairs = tab_count(page, "Possible duplicates")
    check = form_with_button(page, "Check the whole index for duplicates now")
    submit(page, check, "Check the whole index for duplicates now")
    expect(page).to_have_url(path_is("/people/"))
    expect(heading(page)).to_have_text("Person index")
    # The demo checked the index already: the pairs it found are not found twice.
    expect(banner(page)).to_contain_text(
        re.compile(
            rf"Index checked: {records:,} records, [1-9][\d,]* pairs compared, "
            r"0 new possible duplicates to review\."
        )
    )
    assert tab_count(page, "Possible duplicates") == pairs


# 5. A list linked to the index.


def upload(page: Page, name: str, text: str) -> None:
    page.get_by_label("Upload a list (CSV)").set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": text.encode("utf-8")}]
    )


def test_an_analyst_links_a_list_to_the_index_and_may_not_see_the_queue(
    page: Page, world: DemoWorld, tmp_path: Path
) -> None:
    wrong_titles: list[str] = []
    # Someone known to the index under one referral only.
    known = next(
        source
        for source in SourceRecord.objects.filter(
            person__isnull=False, referral__isnull=False, needs_review=False
        )
        .select_related("referral", "person")
        .order_by("created_at", "id")
        if Person.objects.get(pk=source.person_id).records.count() == 1
    )
    referral = known.referral
    assert referral is not None
    assert referral.date_of_birth is not None
    person = known.person
    assert person is not None
    listed = io.StringIO()
    writer = csv.writer(listed)
    writer.writerow(["id", "forename", "surname", "date_of_birth"])
    writer.writerow(
        ["EX-001", referral.first_name, referral.last_name, f"{referral.date_of_birth:%Y-%m-%d}"]
    )
    writer.writerow(["EX-002", "Zebedee", "Quartermaine-Oyelaran", "1990-12-31"])

    sign_in_as(page, world, "analyst")
    expect(service_navigation(page).get_by_role("link", name="Person index")).to_have_count(0)
    open_from_navigation(page, "Link a list")
    expect(page).to_have_url(path_is("/people/link-list/"))
    title = "Link a list to the person index"
    expect(page).to_have_title(page_title(title))
    expect(heading(page)).to_have_text(title)

    # The list goes in; the CSV comes back, with no names in it.
    upload(page, "exclusions.csv", listed.getvalue())
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Link and download", exact=True).click()
    download = download_info.value
    assert download.suggested_filename == "linked-list.csv"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    text = saved.read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == LINKED_LIST_HEADER
    assert len(rows) == 3, rows
    found, not_found = rows[1], rows[2]
    assert found[:3] == ["2", "EX-001", person.reference], found
    assert found[3] == "matched", found
    assert not_found == ["3", "EX-002", "", "not found"]
    for private in [referral.first_name, referral.last_name, "Zebedee"]:
        assert private not in text
    # The page did not change: still the upload page, already checked.
    expect(heading(page)).to_have_text(title)

    # A column vrhub does not know: refused, saying which (by place: a heading may be a name).
    upload(page, "cohort.csv", "id,forename,surname,nickname\nEV-1,Ana,Silva,Nan\n")
    submit(page, form_with_button(page, "Link and download"), "Link and download")
    expect_one_error(
        page,
        "Column 4 of the header is not one vrhub knows. The first row must be a header with "
        "these columns: id, forename, surname, date_of_birth, postcode, sex",
        title,
        wrong_titles,
    )

    # The review queue is not the analyst's.
    visit(page, "/people/", 403)
    expect(page).to_have_title(page_title(FORBIDDEN))
    expect(heading(page)).to_have_text(FORBIDDEN)
    expect(main(page)).not_to_contain_text("Possible duplicates")
    assert not wrong_titles, "\n".join(wrong_titles)
