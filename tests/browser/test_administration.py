"""Administrators manage agencies and users; an agency's administrator sees only their agency."""

from __future__ import annotations

import pytest
from playwright.sync_api import Locator, Page, expect

from vrhub.core.demo import DemoWorld

from .conftest import (
    assert_accessible,
    expect_http_error,
    main,
    page_title,
    service_navigation,
    sign_in_as,
    sign_in_with,
)

pytestmark = pytest.mark.browser

NEW_USER_NAME = "Jordan Okafor"
NEW_USER_EMAIL = "jordan.okafor@stgiles.example"
NEW_USER_PASSWORD = "sunlit-harbour-kettle-39"


def open_from_navigation(page: Page, name: str) -> None:
    with page.expect_navigation():
        service_navigation(page).get_by_role("link", name=name, exact=True).click()
    assert_accessible(page)


def click_and_check(page: Page, locator: Locator) -> None:
    with page.expect_navigation():
        locator.click()
    assert_accessible(page)


def test_the_partnership_administrator_manages_agencies_and_adds_a_user(
    page: Page, world: DemoWorld
) -> None:
    sign_in_as(page, world, "admin")
    expect(page.get_by_role("heading", level=1)).to_have_text("Administrator home")

    # Agencies: every partner agency, the host marked, and the host may add more.
    open_from_navigation(page, "Agencies")
    expect(page.get_by_role("heading", level=1)).to_have_text("Agencies")
    nav = service_navigation(page)
    expect(nav.get_by_role("link", name="Agencies")).to_have_attribute("aria-current", "true")
    table = page.get_by_role("table", name="Partner agencies")
    expect(table.locator("tbody").get_by_role("row")).to_have_count(len(world.agencies))
    expect(table.get_by_role("row", name="Coventry City Council")).to_contain_text("Runs vrhub")
    expect(page.get_by_role("button", name="Add an agency")).to_be_visible()

    click_and_check(page, table.get_by_role("link", name="West Midlands Police", exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text("West Midlands Police")
    expect(main(page)).to_contain_text("Police")
    expect(main(page)).to_contain_text("West Midlands")
    people = main(page).get_by_role("list")
    expect(people.get_by_role("link", name="Callum Caseworker")).to_be_visible()
    expect(people.get_by_role("link", name="Pat Police-Administrator")).to_be_visible()
    expect(page.get_by_role("link", name="Back to agencies")).to_be_visible()

    # Users: everyone in every agency.
    open_from_navigation(page, "Users")
    expect(page.get_by_role("heading", level=1)).to_have_text("Users")
    users = page.get_by_role("table", name=f"{len(world.users)} users")
    expect(users.locator("tbody").get_by_role("row")).to_have_count(len(world.users))

    click_and_check(page, page.get_by_role("button", name="Add a user"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a user")

    # Saved empty: one linked error for each required field, each link leading to its field.
    click_and_check(page, page.get_by_role("button", name="Save"))
    expect(page).to_have_title(page_title("Error: Add a user"))
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    errors = [
        ("Enter the user's full name", page.get_by_label("Full name")),
        ("Enter the user's email address", page.get_by_label("Email address")),
        ("Select the user's agency", page.get_by_label("Agency")),
        ("Select at least one role", page.get_by_label("Referrer")),
        ("Enter a first password for the user", page.get_by_label("First password")),
    ]
    expect(summary.get_by_role("link")).to_have_text([message for message, _ in errors])
    for message, field in errors:
        summary.get_by_role("link", name=message).click()
        expect(field).to_be_focused()
    expect(page.get_by_role("group", name="Roles")).to_contain_text("Select at least one role")

    # Filled in properly, the account is made and the administrator is told so.
    page.get_by_label("Full name").fill(NEW_USER_NAME)
    page.get_by_label("Email address").fill(NEW_USER_EMAIL)
    page.get_by_label("Agency").select_option(label="St Giles Trust")
    roles = page.get_by_role("group", name="Roles")
    roles.get_by_label("Mentor", exact=True).check()
    page.get_by_label("First password").fill(NEW_USER_PASSWORD)
    click_and_check(page, page.get_by_role("button", name="Save"))

    banner = page.get_by_role("alert")
    expect(banner).to_contain_text("Success")
    expect(banner).to_contain_text(f"An account has been created for {NEW_USER_NAME}")
    expect(page.get_by_role("heading", level=1)).to_have_text(NEW_USER_NAME)
    details = main(page).locator("dl")
    expect(details).to_contain_text(NEW_USER_EMAIL)
    expect(details).to_contain_text("St Giles Trust")
    expect(details).to_contain_text("Mentor")
    expect(details).to_contain_text("Active")

    open_from_navigation(page, "Users")
    expect(page.get_by_role("table", name=f"{len(world.users) + 1} users")).to_contain_text(
        NEW_USER_NAME
    )

    # The new user can sign in with the first password.
    click_and_check(page, service_navigation(page).get_by_role("button", name="Sign out"))
    sign_in_with(page, NEW_USER_EMAIL, NEW_USER_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Mentor home")


def test_an_agency_administrator_cannot_open_another_agencys_page(
    page: Page, world: DemoWorld
) -> None:
    council = world.agencies["coventry_council"]
    police = world.agencies["police"]
    sign_in_as(page, world, "police-admin")
    expect(page.get_by_role("heading", level=1)).to_have_text("Administrator home")

    # Their own agency only, and no adding agencies.
    open_from_navigation(page, "Agencies")
    table = page.get_by_role("table", name="Partner agencies")
    expect(table.locator("tbody").get_by_role("row")).to_have_count(1)
    expect(table).to_contain_text(police.name)
    expect(page.get_by_role("button", name="Add an agency")).to_have_count(0)

    response = page.goto(f"/manage/agencies/{police.pk}/")
    assert response is not None
    assert response.status == 200
    assert_accessible(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(police.name)

    # The council's page: "not found", so they cannot even learn it exists.
    path = f"/manage/agencies/{council.pk}/"
    expect_http_error(page, path, 404)
    response = page.goto(path)
    assert response is not None
    assert response.status == 404
    assert_accessible(page)
    expect(page).to_have_title(page_title("Page not found"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(main(page)).not_to_contain_text(council.name)
    expect(main(page).get_by_role("link", name="Go to your home page")).to_be_visible()
    # A GOV.UK page like every other: the service's stylesheet, header and navigation.
    font = page.get_by_role("heading", level=1).evaluate("(h1) => getComputedStyle(h1).fontFamily")
    assert "arial" in font.lower()
    expect(page.get_by_role("link", name="Violence reduction hub")).to_be_visible()
    expect(service_navigation(page).get_by_role("button", name="Sign out")).to_be_visible()
