"""The user's own account, the service's notices and the API documentation."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from vrhub.core.demo import DemoWorld

from .conftest import (
    assert_accessible,
    main,
    service_navigation,
    sign_in_as,
    skip_accessibility_check,
)

pytestmark = pytest.mark.browser


def follow(page: Page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("link", name=name, exact=True).click()
    assert_accessible(page)


def test_your_account_change_password_and_the_notices(page: Page, world: DemoWorld) -> None:
    user = world.users["caseworker"]
    sign_in_as(page, world, "caseworker")

    with page.expect_navigation():
        service_navigation(page).get_by_role("link", name="Your account").click()
    assert_accessible(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    details = main(page).locator("dl")
    expect(details).to_contain_text(user.full_name)
    expect(details).to_contain_text(user.email)
    expect(details).to_contain_text("West Midlands Police")
    expect(details).to_contain_text("Caseworker")
    expect(page.get_by_role("button", name="Create an API token")).to_be_visible()

    follow(page, "Change your password")
    expect(page.get_by_role("heading", level=1)).to_have_text("Change your password")
    expect(page.get_by_label("Current password")).to_be_visible()
    expect(page.get_by_label("New password")).to_have_accessible_description(
        re.compile("At least 12 characters")
    )
    expect(page.get_by_role("button", name="Change password")).to_be_visible()

    follow(page, "Privacy notice")
    expect(page.get_by_role("heading", level=1)).to_have_text("Privacy notice")

    follow(page, "Accessibility statement")
    expect(page.get_by_role("heading", level=1)).to_have_text("Accessibility statement")


@pytest.mark.parametrize(
    ("path", "heading"),
    [("/privacy/", "Privacy notice"), ("/accessibility/", "Accessibility statement")],
)
def test_the_notices_are_open_to_people_who_are_not_signed_in(
    page: Page, path: str, heading: str
) -> None:
    response = page.goto(path)
    assert response is not None
    assert response.status == 200
    assert_accessible(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(service_navigation(page)).to_have_count(0)


def test_the_api_documentation_renders(page: Page, world: DemoWorld) -> None:
    sign_in_as(page, world, "analyst")
    with page.expect_navigation():
        service_navigation(page).get_by_role("link", name="Your account").click()
    assert_accessible(page)

    with page.expect_navigation():
        main(page).get_by_role("link", name="vrhub API").click()
    # Swagger UI is third-party: not checked with axe, but any console error or CSP violation
    # on it still fails the test.
    expect(page.get_by_role("heading", name=re.compile("vrhub API"))).to_be_visible()
    expect(page.get_by_text("/api/v1/me", exact=True)).to_be_visible()
    skip_accessibility_check(page, "Swagger UI is third-party")
