"""The referral pages around the referral itself: the programme manager's figures, eligibility
rules and services directory, the caseworker's queue filters, and the administrator's upload of
referrals in a CSV file."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.db.models import Count
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from vrhub.core.demo import DemoWorld
from vrhub.referrals import bulk, services
from vrhub.referrals.models import (
    Eligibility,
    ProgrammeArea,
    Referral,
    ReferralStatus,
    Service,
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
FIGURE_TABLES = {
    # caption: the header row of its CSV file
    "Referrals by month": "Month,Referrals",
    "Referrals by quarter": "Quarter,Referrals",
    "Referrals by referring agency": "Agency,Referrals",
    "Referrals by eligibility outcome": "Outcome,Referrals",
    "Referrals by age band and sex": None,  # a column for each sex: checked by its caption only
}


# Small steps a user takes.


def heading(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def click_and_check(page: Page, locator: Locator) -> None:
    with page.expect_navigation():
        locator.click()
    assert_accessible(page)


def open_from_home(page: Page, tile: str) -> None:
    """Follow a tile's link on the signed-in user's home page."""
    click_and_check(page, main(page).get_by_role("link", name=tile, exact=True))


def open_from_navigation(page: Page, name: str) -> None:
    click_and_check(page, service_navigation(page).get_by_role("link", name=name, exact=True))


def error_summary(page: Page) -> Locator:
    return page.locator(".govuk-error-summary")


def expect_errors(page: Page, title: str, messages: list[str]) -> Locator:
    """The page shows these errors, each at its field (in the order of the fields) and as a link
    in the GOV.UK error summary; returns the summary."""
    expect(page).to_have_title(page_title(f"Error: {title}"))
    summary = error_summary(page)
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(summary.get_by_role("link")).to_have_count(len(messages))
    for message in messages:
        expect(summary.get_by_role("link", name=message, exact=True)).to_have_count(1)
    expect(main(page).locator(".govuk-error-message")).to_have_text(
        [f"Error: {message}" for message in messages]
    )
    return summary


def follow_error(page: Page, message: str, field: Locator) -> None:
    """The summary's link for `message` moves focus to the field that has the mistake."""
    error_summary(page).get_by_role("link", name=message, exact=True).click()
    expect(field).to_be_focused()


def row_headed(table: Locator, name: str) -> Locator:
    """The row of `table` whose row header is `name`."""
    return table.get_by_role("row").filter(
        has=table.page.get_by_role("rowheader", name=name, exact=True)
    )


def row_of(page: Page, reference: str) -> Locator:
    """The row of a table (the queue) whose link is `reference`."""
    return main(page).get_by_role("row").filter(has=page.get_by_role("link", name=reference))


# Referrals made without the browser, for the pages that list them.


def born_aged(years: int) -> date:
    return timezone.localdate() - timedelta(days=round((years + 0.5) * 365.25))


def sent_referral(
    world: DemoWorld,
    first_name: str,
    *,
    postcode: str = "CV2 4AB",
    urgency: str = "routine",
    immediate_risk: bool = False,
) -> Referral:
    """A referral from the demo referrer, made through the services the question pages use."""
    referrer = world.users["referrer"]
    referral = services.referral_start(referrer=referrer)
    services.referral_save_answers(
        referral=referral,
        actor=referrer,
        answers={
            "first_name": first_name,
            "last_name": "Okoro",
            "other_names": "",
            "date_of_birth": born_aged(15),
            "sex": "male",
            "ethnicity": "white_british",
            "address": "14 Stoney Stanton Road\nCoventry",
            "postcode": postcode,
            "school": "",
            "phone": "",
            "concerns": ["weapon_carrying"],
            "risk_factors": [],
            "immediate_risk": immediate_risk,
            "person_aware": "agrees",
            "urgency": urgency,
        },
    )
    services.referral_submit(referral=referral, actor=referrer)
    referral.refresh_from_db()
    return referral


# A CSV file of referrals, as an agency's system would write it.


def csv_row(**overrides: str) -> dict[str, str]:
    row = {
        "first_name": "Jayden",
        "last_name": "Clarke",
        "other_names": "",
        "date_of_birth": "14/03/2010",
        "sex": "male",
        "gender": "",
        "ethnicity": "white_british",
        "address": "12 Station Road, Coventry",
        "postcode": "CV2 4AB",
        "school": "",
        "phone": "",
        "concerns": "weapon_carrying;gang_involvement",
        "risk_factors": "",
        "concern_details": "Seen with a knife at the bus station",
        "immediate_risk": "no",
        "person_aware": "agrees",
        "urgency": "routine",
    }
    row.update(overrides)
    return row


def csv_file(*rows: dict[str, str]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=bulk.COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def upload(page: Page, name: str, content: bytes, mime_type: str = "text/csv") -> None:
    page.get_by_label("Upload a file", exact=True).set_input_files(
        {"name": name, "mimeType": mime_type, "buffer": content}
    )
    click_and_check(page, page.get_by_role("button", name="Check the file"))


# The tests.


def test_the_programme_manager_reads_the_figures_and_changes_an_areas_eligibility_rules(
    page: Page, world: DemoWorld
) -> None:
    sign_in_as(page, world, "manager")
    expect(heading(page)).to_have_text("Programme manager home")

    # Referral figures: a table for each way of counting, each also as a CSV file.
    open_from_home(page, "Referral figures")
    expect(heading(page)).to_have_text("Referral figures")
    expect(page).to_have_title(page_title("Referral figures"))
    for caption in FIGURE_TABLES:
        table = page.get_by_role("table", name=caption, exact=True)
        expect(table).to_be_visible()
        expect(
            main(page).get_by_role("link", name=f"Download {caption.lower()} as CSV", exact=True)
        ).to_have_attribute("href", re.compile(r"^/referrals/figures/[a-z-]+\.csv$"))
    sent = Referral.objects.exclude(status=ReferralStatus.DRAFT).exclude(submitted_at=None)
    outcomes = page.get_by_role("table", name="Referrals by eligibility outcome", exact=True)
    for eligibility in Eligibility:
        expect(row_headed(outcomes, eligibility.label).get_by_role("cell")).to_have_text(
            str(sent.filter(eligibility=eligibility).count())
        )
    agencies = page.get_by_role("table", name="Referrals by referring agency", exact=True)
    by_agency = sent.values("referring_agency__name").annotate(n=Count("id")).order_by()
    expect(agencies.locator("tbody").get_by_role("row")).to_have_count(len(by_agency))
    for counted in by_agency:
        expect(
            row_headed(agencies, counted["referring_agency__name"]).get_by_role("cell")
        ).to_have_text(str(counted["n"]))

    # The download is a CSV file whose first line is the table's header row.
    with page.expect_download() as downloading:
        main(page).get_by_role(
            "link", name="Download referrals by eligibility outcome as CSV"
        ).click()
    download = downloading.value
    assert download.failure() is None
    assert download.suggested_filename.startswith("referrals-by-eligibility-")
    assert download.suggested_filename.endswith(".csv")
    lines = Path(download.path()).read_text(encoding="utf-8").splitlines()
    assert lines[0] == FIGURE_TABLES["Referrals by eligibility outcome"]
    assert lines[1] == f"Eligible,{sent.filter(eligibility=Eligibility.ELIGIBLE).count()}"
    assert_accessible(page)  # still the figures page: a download is not a navigation

    # Eligibility rules: the areas, their postcode districts and ages.
    open_from_navigation(page, "Eligibility rules")
    expect(heading(page)).to_have_text("Eligibility rules")
    areas = page.get_by_role("table", name="Programme areas")
    expect(areas.locator("tbody").get_by_role("row")).to_have_count(2)
    coventry = row_headed(areas, "Coventry")
    expect(coventry.get_by_role("cell").nth(0)).to_have_text("CV1, CV2, CV3, CV4, CV5, CV6")
    expect(coventry.get_by_role("cell").nth(1)).to_have_text("14 and over")

    click_and_check(page, coventry.get_by_role("link", name="Change the rules for Coventry"))
    expect(heading(page)).to_have_text("Eligibility rules for Coventry")
    minimum_age = page.get_by_label("Minimum age", exact=True)
    expect(minimum_age).to_have_value("14")

    # Too young: the error summary names the mistake and leads to the field.
    minimum_age.fill("9")
    click_and_check(page, page.get_by_role("button", name="Save the rules"))
    too_young = "Minimum age must be 10 or more"
    expect_errors(page, "Eligibility rules for Coventry", [too_young])
    expect(minimum_age).to_have_value("9")
    expect(minimum_age).to_have_accessible_description(
        re.compile(r"Age on the date of the referral\.\s+Error:\s+Minimum age must be 10 or more")
    )
    follow_error(page, too_young, minimum_age)
    assert ProgrammeArea.objects.get(name="Coventry").minimum_age == 14

    minimum_age.fill("16")
    click_and_check(page, page.get_by_role("button", name="Save the rules"))
    expect(page).to_have_url(path_is("/referrals/areas/"))
    expect(page.get_by_role("alert")).to_contain_text(
        "The eligibility rules for Coventry have been saved"
    )
    areas = page.get_by_role("table", name="Programme areas")
    expect(row_headed(areas, "Coventry").get_by_role("cell").nth(1)).to_have_text("16 and over")
    expect(row_headed(areas, "Wolverhampton").get_by_role("cell").nth(1)).to_have_text(
        "14 and over"
    )
    assert ProgrammeArea.objects.get(name="Coventry").minimum_age == 16


def test_the_programme_manager_adds_a_service_to_the_directory(
    page: Page, world: DemoWorld
) -> None:
    sign_in_as(page, world, "manager")
    open_from_home(page, "Services directory")
    expect(heading(page)).to_have_text("Services directory")
    listed = Service.objects.count()
    directory = page.get_by_role("table", name=f"{listed} services")
    expect(directory.locator("tbody").get_by_role("row")).to_have_count(listed)
    expect(directory.get_by_role("link", name="Birmingham CIRV", exact=True)).to_be_visible()

    click_and_check(page, page.get_by_role("button", name="Add a service"))
    expect(heading(page)).to_have_text("Add a service")
    expect(page).to_have_title(page_title("Add a service"))

    # Saved empty: one linked error for each required answer.
    click_and_check(page, page.get_by_role("button", name="Save", exact=True))
    no_area = "Select at least one area, or that it takes people from outside the programme areas"
    expect_errors(
        page,
        "Add a service",
        [
            "Enter the service's name",
            "Select the agency that provides the service",
            no_area,
            "Enter the youngest age the service takes",
            "Say what the service offers",
            "Say how to refer someone to the service",
        ],
    )
    provider = page.get_by_label("Provided by", exact=True)
    follow_error(page, "Select the agency that provides the service", provider)
    areas = page.get_by_role("group", name="Areas it serves")
    follow_error(page, no_area, areas.get_by_label("Coventry", exact=True))

    page.get_by_label("Name", exact=True).fill("Positive Futures boxing club")
    provider.select_option(label="St Giles Trust")
    areas.get_by_label("Coventry", exact=True).check()
    page.get_by_label("Youngest age", exact=True).fill("12")
    page.get_by_label("Oldest age (optional)", exact=True).fill("19")
    page.get_by_label("What it offers", exact=True).fill("Boxing sessions and mentoring.")
    page.get_by_label("How to refer", exact=True).fill("Email the club's coach.")
    page.get_by_label("In the directory", exact=True).check()
    click_and_check(page, page.get_by_role("button", name="Save", exact=True))

    expect(page).to_have_url(path_is("/referrals/directory/"))
    expect(page.get_by_role("alert")).to_contain_text(
        "Positive Futures boxing club has been saved in the directory"
    )
    directory = page.get_by_role("table", name=f"{listed + 1} services")
    row = directory.get_by_role("row").filter(
        has=page.get_by_role("link", name="Positive Futures boxing club", exact=True)
    )
    expect(row.get_by_role("cell")).to_have_text(
        ["Positive Futures boxing club", "St Giles Trust", "Coventry", "12 to 19"]
    )
    service = Service.objects.get(name="Positive Futures boxing club")
    assert service.is_active
    assert [a.name for a in service.areas.all()] == ["Coventry"]


def test_the_caseworker_filters_the_queue_and_changes_tab(page: Page, world: DemoWorld) -> None:
    urgent = sent_referral(world, "Urgent", urgency="urgent")
    at_risk = sent_referral(world, "Atrisk", immediate_risk=True)
    routine = sent_referral(world, "Routine")
    elsewhere = sent_referral(world, "Elsewhere", postcode="B6 4AA", urgency="urgent")
    assert urgent.eligibility == at_risk.eligibility == routine.eligibility == Eligibility.ELIGIBLE
    assert elsewhere.eligibility == Eligibility.OUT_OF_AREA

    sign_in_as(page, world, "caseworker")
    open_from_home(page, "Referral queue")
    expect(heading(page)).to_have_text("Referral queue")
    for referral in (urgent, at_risk, routine, elsewhere):
        expect(main(page).get_by_role("link", name=referral.reference)).to_be_visible()

    page.get_by_label("Eligibility", exact=True).select_option(label="Eligible")
    page.get_by_label("Urgent or at immediate risk only", exact=True).check()
    click_and_check(page, page.get_by_role("button", name="Filter"))

    expect(page).to_have_url(re.compile(r"[?&]eligibility=eligible(&|$)"))
    expect(page).to_have_url(re.compile(r"[?&]urgent=1(&|$)"))
    # The filters chosen are still shown, and only what they allow is listed.
    expect(page.get_by_label("Eligibility", exact=True)).to_have_value("eligible")
    expect(page.get_by_label("Urgent or at immediate risk only", exact=True)).to_be_checked()
    expect(main(page).get_by_role("link", name=urgent.reference)).to_be_visible()
    expect(main(page).get_by_role("link", name=at_risk.reference)).to_be_visible()
    expect(main(page).get_by_role("link", name=routine.reference)).to_have_count(0)
    expect(main(page).get_by_role("link", name=elsewhere.reference)).to_have_count(0)
    shown = Referral.objects.filter(status=ReferralStatus.NEW, eligibility=Eligibility.ELIGIBLE)
    shown = shown.filter(urgency="urgent") | shown.filter(immediate_risk=True)
    count = shown.count()
    table = page.get_by_role("table", name=f"{count} referral{'' if count == 1 else 's'}")
    rows = table.locator("tbody").get_by_role("row")
    expect(rows).to_have_count(count)
    expect(rows.locator("td:nth-child(5)")).to_have_text(["Eligible"] * count)
    expect(rows.filter(has_text="Routine")).to_have_count(0)
    expect(row_of(page, at_risk.reference).get_by_role("cell").nth(5)).to_have_text(
        "Immediate risk"
    )
    expect(row_of(page, urgent.reference).get_by_role("cell").nth(5)).to_have_text("Urgent")

    # Another status tab: its queue, without the filters of the last.
    tabs = page.get_by_role("navigation", name="Queues").get_by_role("link")
    click_and_check(page, tabs.filter(has_text="Eligible, awaiting triage"))
    expect(page).to_have_url(path_is("/referrals/queue/"))
    expect(page).to_have_url(re.compile(r"\?status=awaiting_triage$"))
    expect(tabs.filter(has_text="Eligible, awaiting triage")).to_have_attribute(
        "aria-current", "page"
    )
    expect(tabs.filter(has_text=re.compile(r"^New\b"))).not_to_have_attribute(
        "aria-current", "page"
    )
    expect(page.get_by_label("Eligibility", exact=True)).to_have_value("")
    expect(page.get_by_label("Urgent or at immediate risk only", exact=True)).not_to_be_checked()
    waiting = Referral.objects.filter(status=ReferralStatus.AWAITING_TRIAGE).count()
    expect(
        page.get_by_role("table", name=f"{waiting} referral{'' if waiting == 1 else 's'}")
    ).to_be_visible()
    expect(main(page).get_by_role("link", name=urgent.reference)).to_have_count(0)


def test_the_administrator_sends_the_good_rows_of_a_file(page: Page, world: DemoWorld) -> None:
    before = Referral.objects.count()
    sign_in_as(page, world, "admin")
    open_from_home(page, "Send referrals in a file")
    expect(heading(page)).to_have_text("Send referrals in a CSV file")
    expect(page).to_have_title(page_title("Send referrals in a CSV file"))
    expect(
        page.get_by_role("table", name="Columns").locator("tbody").get_by_role("row")
    ).to_have_count(len(bulk.COLUMNS))

    # A file with one good row (row 2) and one whose postcode is wrong (row 3).
    content = csv_file(csv_row(), csv_row(first_name="Mia", sex="female", postcode="nowhere"))
    upload(page, "referrals.csv", content)
    expect(heading(page)).to_have_text("There is a problem with 1 row")
    expect(main(page)).to_contain_text("Nothing has been sent yet.")
    report = page.get_by_role("table", name="Each row of your file (row 1 is the header row)")
    expect(row_headed(report, "2").get_by_role("cell")).to_have_text("OK")
    expect(row_headed(report, "3").get_by_role("cell")).to_have_text(
        "Enter a real postcode, like CV1 2AB"
    )
    expect(main(page)).not_to_contain_text("Jayden")  # rows by number, not by name
    assert Referral.objects.count() == before

    # Nothing of the file was kept: to send the good row, choose the file again and tick.
    choice = page.get_by_label("Send the 1 good row only", exact=True)
    expect(choice).not_to_be_checked()
    page.get_by_label("Choose the same file again").set_input_files(
        {"name": "referrals.csv", "mimeType": "text/csv", "buffer": content}
    )
    choice.check()
    click_and_check(page, page.get_by_role("button", name="Send the good rows"))
    expect(page).to_have_url(path_is("/referrals/upload/sent/"))
    expect(heading(page)).to_have_text("1 referral sent")
    expect(main(page)).to_contain_text("1 row was not sent: row 3.")
    sent = page.get_by_role("table", name="The referrals sent")
    row = row_headed(sent, "2")
    expect(row.get_by_role("cell").nth(0)).to_have_text(REFERENCE)
    expect(row.get_by_role("cell").nth(1)).to_have_text("Eligible")
    reference = row.get_by_role("cell").nth(0).inner_text().strip()
    referral = Referral.objects.get(reference=reference)
    assert referral.first_name == "Jayden"
    assert referral.referred_by == world.users["admin"]
    assert Referral.objects.count() == before + 1


def test_a_file_that_is_not_a_csv_is_refused(page: Page, world: DemoWorld) -> None:
    sign_in_as(page, world, "admin")
    open_from_home(page, "Send referrals in a file")

    upload(
        page,
        "referrals.xlsx",
        b"PK\x03\x04\x00\x00",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    expect(page).to_have_url(path_is("/referrals/upload/"))
    not_csv = "The selected file must be a CSV"
    expect_errors(page, "Send referrals in a CSV file", [not_csv])
    file_input = page.get_by_label("Upload a file", exact=True)
    expect(file_input).to_have_accessible_description(
        re.compile(r"A CSV file saved as UTF-8.*Error:\s+The selected file must be a CSV")
    )
    follow_error(page, not_csv, file_input)

    # Nothing chosen at all.
    click_and_check(page, page.get_by_role("button", name="Check the file"))
    expect_errors(page, "Send referrals in a CSV file", ["Select a CSV file"])
