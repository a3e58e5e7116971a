"""The data protection officer reads and filters the audit trail."""

from __future__ import annotations

import pytest
from playwright.sync_api import Locator, Page, expect

from vrhub.core.demo import DemoWorld

from .conftest import assert_accessible, page_title, service_navigation, sign_in_as, sign_in_with

pytestmark = pytest.mark.browser

ACTION_COLUMN = 3  # When, Who, Agency, Action, Record, Person


def event_rows(page: Page) -> Locator:
    return page.get_by_role("table").locator("tbody").get_by_role("row")


def actions_shown(page: Page) -> list[str]:
    rows = event_rows(page)
    return [
        rows.nth(i).get_by_role("cell").nth(ACTION_COLUMN).inner_text() for i in range(rows.count())
    ]


def apply_filters(page: Page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Apply filters").click()
    assert_accessible(page)


def test_the_data_protection_officer_reads_and_filters_the_audit_trail(
    page: Page, world: DemoWorld
) -> None:
    # Someone gets their password wrong, then the officer signs in.
    sign_in_with(page, world.users["caseworker"].email, "not-the-right-password-1")
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    sign_in_as(page, world, "dpo")

    with page.expect_navigation():
        service_navigation(page).get_by_role("link", name="Audit trail").click()
    assert_accessible(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit trail")
    expect(service_navigation(page).get_by_role("link", name="Audit trail")).to_have_attribute(
        "aria-current", "true"
    )
    shown = actions_shown(page)
    assert "Signed in" in shown
    assert "Failed sign-in" in shown
    failed = event_rows(page).filter(has_text="Failed sign-in")
    expect(failed).to_have_count(1)
    expect(failed).to_contain_text("Callum Caseworker")
    expect(failed).to_contain_text("West Midlands Police")
    signed_in = event_rows(page).filter(has_text="Signed in")
    expect(signed_in).to_contain_text(world.users["dpo"].full_name)

    # Only the failed sign-ins.
    page.get_by_label("Action").select_option(label="Failed sign-in")
    apply_filters(page)
    expect(page.get_by_label("Action")).to_have_value("auth.sign_in_failed")
    expect(page.get_by_role("table", name="1 event")).to_be_visible()
    assert actions_shown(page) == ["Failed sign-in"]

    # Only the sign-ins.
    page.get_by_label("Action").select_option(label="Signed in")
    apply_filters(page)
    shown = actions_shown(page)
    assert shown
    assert set(shown) == {"Signed in"}

    # A date that is not a date.
    page.get_by_label("From", exact=True).fill("not a date")
    apply_filters(page)
    expect(page).to_have_title(page_title("Error: Audit trail"))
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    message = "Enter the start date as a real date, like 27/3/2026"
    expect(summary.get_by_role("link")).to_have_text([message])
    expect(page.get_by_label("From", exact=True)).to_have_accessible_description(
        f"For example, 27/3/2026 Error: {message}"
    )
    summary.get_by_role("link", name=message).click()
    expect(page.get_by_label("From", exact=True)).to_be_focused()

    # Clearing the filters shows the whole trail again.
    with page.expect_navigation():
        page.get_by_role("link", name="Clear filters").click()
    assert_accessible(page)
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    assert "Failed sign-in" in actions_shown(page)
