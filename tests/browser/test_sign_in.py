"""Signing in and out, what each role sees on arrival, and the sign-in lockout."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from vrhub.core.demo import DemoWorld

from .conftest import (
    ROLE_LABELS,
    assert_accessible,
    main,
    page_title,
    password_of,
    path_is,
    service_navigation,
    sign_in_as,
    sign_in_with,
    submit_sign_in,
)

pytestmark = pytest.mark.browser

WRONG_PASSWORD = "not-the-right-password-1"
INVALID_MESSAGE = "Enter a correct email address and password."
LOCKED_MESSAGE = "Your account is locked"

# Demo user, the tiles on their home page that lead somewhere, the tiles marked "Coming soon",
# and the service navigation between "Home" and "Your account".
ROLE_HOMES = [
    (
        "referrer",
        ["Make a referral", "Your referrals"],
        [],
        ["Make a referral", "Your referrals"],
    ),
    (
        "caseworker",
        [
            "Referral queue",
            "Triage panels",
            "Make a referral",
            "Your cases",
            "At-risk list",
            "Person index",
        ],
        [],
        [
            "Referral queue",
            "Triage panels",
            "Make a referral",
            "Your cases",
            "At-risk list",
            "Person index",
        ],
    ),
    ("mentor", ["Your mentees"], [], ["Your mentees"]),
    ("triage", ["Triage panels"], [], ["Triage panels"]),
    (
        "manager",
        [
            "Referral queue",
            "Triage panels",
            "Referral figures",
            "Eligibility rules",
            "Services directory",
            "Caseloads",
            "At-risk list",
            "Programme figures",
            "Person index",
            "Link a list",
            "Core measures",
            "Hot spots",
        ],
        [],
        [
            "Referral queue",
            "Triage panels",
            "Referral figures",
            "Eligibility rules",
            "Services directory",
            "Caseloads",
            "At-risk list",
            "Programme figures",
            "Person index",
            "Link a list",
            "Core measures",
            "Hot spots",
        ],
    ),
    (
        "analyst",
        ["Core measures", "Hot spots", "Import data", "Link a list"],
        [],
        ["Core measures", "Hot spots", "Import data", "Link a list"],
    ),
    (
        "dpo",
        ["Audit trail"],
        ["Retention and review", "Subject access requests"],
        ["Audit trail"],
    ),
    ("scrutiny", ["Programme figures"], ["Reports"], ["Programme figures"]),
    (
        "admin",
        ["Agencies", "Users", "Send referrals in a file"],
        [],
        ["Agencies", "Users", "Send referrals in a file"],
    ),
]


@pytest.mark.parametrize(
    ("key", "linked_tiles", "coming_soon_tiles", "navigation"),
    ROLE_HOMES,
    ids=[row[0] for row in ROLE_HOMES],
)
def test_each_role_lands_on_its_home_page_with_its_own_navigation(
    page: Page,
    world: DemoWorld,
    key: str,
    linked_tiles: list[str],
    coming_soon_tiles: list[str],
    navigation: list[str],
) -> None:
    user = world.users[key]
    sign_in_as(page, world, key)

    label = ROLE_LABELS[key]
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{label} home")
    expect(page).to_have_title(page_title(f"{label} home"))
    expect(main(page)).to_contain_text(f"{user.full_name}, {user.agency.name}")

    nav = service_navigation(page)
    expect(nav.get_by_role("link")).to_have_text(["Home", *navigation, "Your account"])
    expect(nav.get_by_role("link", name="Home")).to_have_attribute("aria-current", "true")
    expect(nav.get_by_role("button", name="Sign out")).to_be_visible()
    for absent in {"Agencies", "Users", "Audit trail"} - set(navigation):
        expect(nav.get_by_role("link", name=absent)).to_have_count(0)

    tiles = main(page).locator(".vrhub-tile").get_by_role("heading", level=2)
    expect(tiles).to_have_count(len(linked_tiles) + len(coming_soon_tiles))
    for title in linked_tiles:
        tile = main(page).get_by_role("heading", level=2, name=title, exact=True)
        expect(tile.get_by_role("link", name=title, exact=True)).to_be_visible()
        expect(tile).not_to_contain_text("Coming soon")
    for title in coming_soon_tiles:
        tile = main(page).get_by_role("heading", level=2, name=f"{title} Coming soon")
        expect(tile).to_be_visible()
        expect(tile.get_by_role("link")).to_have_count(0)
        expect(main(page).get_by_role("link", name=title, exact=True)).to_have_count(0)


def test_a_wrong_password_shows_an_error_summary_and_signs_no_one_in(
    page: Page, world: DemoWorld
) -> None:
    sign_in_with(page, world.users["caseworker"].email, WRONG_PASSWORD)

    expect(page).to_have_title(page_title("Error: Sign in"))
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    error_link = summary.get_by_role("link", name=INVALID_MESSAGE)
    expect(error_link).to_be_visible()
    # The message is for the form as a whole: its link leads to the first field, the email.
    expect(error_link).to_have_attribute("href", "#id_email")
    error_link.click()
    expect(page.get_by_label("Email address")).to_be_focused()

    # Nothing is signed in: no service navigation, and the service still asks for a sign-in.
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    expect(service_navigation(page)).to_have_count(0)
    assert not [c for c in page.context.cookies() if c["name"] == "sessionid"]
    page.goto("/")
    expect(page).to_have_url(path_is("/sign-in/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    assert_accessible(page)


def test_an_empty_sign_in_form_asks_for_the_email_address_and_password(page: Page) -> None:
    page.goto("/sign-in/")
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    assert_accessible(page)

    expect(page).to_have_title(page_title("Error: Sign in"))
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(summary.get_by_role("link")).to_have_text(
        ["Enter your email address", "Enter your password"]
    )
    # Each field shows its own message too, announced with it.
    expect(page.get_by_label("Email address")).to_have_accessible_description(
        "Error: Enter your email address"
    )
    expect(page.get_by_label("Password", exact=True)).to_have_accessible_description(
        "Error: Enter your password"
    )
    summary.get_by_role("link", name="Enter your password").click()
    expect(page.get_by_label("Password", exact=True)).to_be_focused()
    summary.get_by_role("link", name="Enter your email address").click()
    expect(page.get_by_label("Email address")).to_be_focused()


def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(
    page: Page, world: DemoWorld
) -> None:
    email = world.users["analyst"].email
    page.goto("/sign-in/")
    assert_accessible(page)

    for _attempt in range(4):
        submit_sign_in(page, email, WRONG_PASSWORD)
        summary = page.locator(".govuk-error-summary")
        expect(summary).to_contain_text(INVALID_MESSAGE)
        expect(summary).not_to_contain_text(LOCKED_MESSAGE)

    submit_sign_in(page, email, WRONG_PASSWORD)
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text(LOCKED_MESSAGE)
    expect(summary).to_contain_text("ask your administrator to unlock it")

    submit_sign_in(page, email, password_of(world, "analyst"))
    expect(page.locator(".govuk-error-summary")).to_contain_text(LOCKED_MESSAGE)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)


def test_signing_out_returns_to_sign_in_and_ends_the_session(page: Page, world: DemoWorld) -> None:
    sign_in_as(page, world, "mentor")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mentor home")

    with page.expect_navigation():
        service_navigation(page).get_by_role("button", name="Sign out").click()
    assert_accessible(page)
    expect(page).to_have_url(path_is("/sign-in/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)

    page.goto("/")
    assert_accessible(page)
    expect(page).to_have_url(path_is("/sign-in/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")

    page.goto("/account/")
    assert_accessible(page)
    expect(page).to_have_url(path_is("/sign-in/"))
