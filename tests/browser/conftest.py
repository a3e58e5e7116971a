"""Browser tests: Debian's headless Chromium, driven by Playwright, against pytest-django's live
server, with every page checked by axe-core and the browser console watched for errors.

Run them with `make test-browser`. Each test gets a fresh browser context and page; the demo world
(`world`) gives one signed-in user for each role.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Locator,
    Page,
    expect,
    sync_playwright,
)

from vrhub.core.demo import DemoWorld, build_world

ROOT = Path(__file__).resolve().parents[2]
AXE_SOURCE_PATH = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
AXE_RUN = (
    "async (tags) => await axe.run(document, "
    "{runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})"
)
TIMEOUT_MS = 15_000
SERVICE_NAME = "Violence reduction hub"

# Demo users by their key in world.users: the role label their home page is named after.
ROLE_LABELS = {
    "referrer": "Referrer",
    "caseworker": "Caseworker",
    "mentor": "Mentor",
    "triage": "Triage panel member",
    "manager": "Programme manager",
    "analyst": "Analyst",
    "dpo": "Data protection officer",
    "scrutiny": "Scrutiny member",
    "admin": "Administrator",
    "police-admin": "Administrator",
}


@dataclass
class PageWatch:
    """What the browser reported about one page: console errors, uncaught exceptions, CSP
    violations, and each document loaded, so a test cannot visit a page without checking it."""

    errors: list[str] = field(default_factory=list)
    expected_http_errors: list[tuple[str, int]] = field(default_factory=list)
    loads: list[str] = field(default_factory=list)
    checked_loads: int = 0
    unchecked: list[str] = field(default_factory=list)

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        where = message.location.get("url", "") if message.location else ""
        for path, status in self.expected_http_errors:
            if message.text.startswith(
                f"Failed to load resource: the server responded with a status of {status}"
            ) and where.split("?")[0].endswith(path):
                return
        self.errors.append(f"console error: {message.text} (at {where or 'unknown location'})")

    def on_page_error(self, error: Any) -> None:
        self.errors.append(f"uncaught exception: {error}")

    def on_csp_violation(self, violation: dict[str, Any]) -> None:
        self.errors.append(
            "Content-Security-Policy violation: {directive} blocked {blocked} "
            "(at {document}{line})".format(
                directive=violation.get("violatedDirective"),
                blocked=violation.get("blockedURI") or "inline content",
                document=violation.get("documentURI"),
                line=f", line {violation['lineNumber']}" if violation.get("lineNumber") else "",
            )
        )

    def on_load(self, page: Page) -> None:
        # A new document arrived: the one before it must have been checked with axe.
        if len(self.loads) > self.checked_loads:
            self.unchecked.extend(self.loads[self.checked_loads :])
        self.loads.append(page.url)
        self.checked_loads = len(self.loads) - 1

    def mark_checked(self) -> None:
        self.checked_loads = len(self.loads)

    def take_errors(self) -> list[str]:
        errors, self.errors = self.errors, []
        return errors


# Reports CSP violations through a Playwright binding. Init scripts and bindings run through the
# DevTools protocol, so the page's CSP (no inline script) does not block them.
_CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__vrhubCspViolation({
    violatedDirective: event.violatedDirective,
    blockedURI: event.blockedURI,
    documentURI: event.documentURI,
    lineNumber: event.lineNumber,
  });
});
"""


def watch_of(page: Page) -> PageWatch:
    watch: PageWatch = getattr(page, "_vrhub_watch")  # noqa: B009 - set by the page fixture
    return watch


def expect_http_error(page: Page, path: str, status: int) -> None:
    """`path` answers with `status` on purpose (a 404 page, say): Chromium's console line
    "Failed to load resource: ... status of 404" for it is then not a failure. Any other console
    error still is."""
    watch_of(page).expected_http_errors.append((path, status))


def _assert_no_browser_errors(page: Page) -> None:
    errors = watch_of(page).take_errors()
    assert not errors, f"The browser reported errors on {page.url}:\n" + "\n".join(
        f"  - {e}" for e in errors
    )


def _format_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        nodes = v.get("nodes") or [{}]
        target = nodes[0].get("target", [])
        html = (nodes[0].get("html") or "")[:200]
        lines.append(
            f"  - {v['id']} ({v.get('impact')}): {v.get('help')}\n"
            f"    first of {len(v.get('nodes', []))} node(s): {target} {html}\n"
            f"    {v.get('helpUrl', '')}"
        )
    return "\n".join(lines)


@functools.cache
def axe_source() -> str:
    return AXE_SOURCE_PATH.read_text(encoding="utf-8")


def assert_accessible(page: Page) -> None:
    """Check the page now shown: no browser console errors so far, and no axe-core violations of
    WCAG 2.2 A/AA or axe's best practices."""
    page.wait_for_load_state("load")
    watch_of(page).mark_checked()
    _assert_no_browser_errors(page)
    # Evaluated through the DevTools protocol, which the page's CSP does not apply to; a <script>
    # tag would be (rightly) refused.
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source())
    results = page.evaluate(AXE_RUN, AXE_TAGS)
    violations = results["violations"]
    assert violations == [], (
        f"axe-core found {len(violations)} accessibility violation(s) on {page.url} "
        f"({page.title()!r}):\n{_format_violations(violations)}"
    )
    _assert_no_browser_errors(page)


def skip_accessibility_check(page: Page, reason: str) -> None:
    """For a third-party page the partnership does not write (Swagger UI): not checked with axe,
    but its console errors still fail the test."""
    assert reason
    page.wait_for_load_state("load")
    watch_of(page).mark_checked()
    _assert_no_browser_errors(page)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix: None) -> None:
    """Give the browser tests their own test database, so `make test-browser` can run while
    `make test` is using the usual one (both would otherwise create and drop the same file)."""
    from django.conf import settings

    for database in settings.DATABASES.values():
        test = database.setdefault("TEST", {})
        name = test.get("NAME")
        if database["ENGINE"].endswith("sqlite3"):
            if not name or name == ":memory:" or str(name).startswith("file:"):
                continue  # in memory: this process's own already
            path = Path(name)
            test["NAME"] = str(path.with_name(f"{path.stem}-browser{path.suffix}"))
        else:
            test["NAME"] = f"{name or 'test_' + database['NAME']}_browser"


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make browser-deps` (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; Django's ORM, used by the tests to
    # build data, refuses to run beside one unless told it is safe (it is: nothing is async here).
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()


@pytest.fixture
def page(browser: Browser, live_server: Any) -> Iterator[Page]:
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, locale="en-GB"
    )
    context.set_default_timeout(TIMEOUT_MS)
    expect.set_options(timeout=TIMEOUT_MS)
    watch = PageWatch()
    context.expose_function("__vrhubCspViolation", watch.on_csp_violation)
    context.add_init_script(_CSP_LISTENER)
    browser_page = context.new_page()
    browser_page._vrhub_watch = watch  # type: ignore[attr-defined]
    browser_page.on("console", watch.on_console)
    browser_page.on("pageerror", watch.on_page_error)
    browser_page.on("load", watch.on_load)
    yield browser_page
    try:
        browser_page.wait_for_load_state("load")
    finally:
        context.close()
    problems = watch.take_errors()
    if len(watch.loads) > watch.checked_loads:
        watch.unchecked.extend(watch.loads[watch.checked_loads :])
    if watch.unchecked:
        problems.append(
            "pages visited but never checked with assert_accessible: " + ", ".join(watch.unchecked)
        )
    assert not problems, "\n".join(problems)


@pytest.fixture
def world(live_server: Any, settings: Any) -> DemoWorld:
    """The demo agencies and one user for each role, built through the services, with a few
    referrals rather than the demo's year of them (the tests make the ones they look at)."""
    settings.VRHUB_DEMO_REFERRALS = 12
    return build_world()


def sign_in_as(page: Page, world: DemoWorld, key: str) -> None:
    """Sign in through the form as the demo user `key`, and check the page that follows."""
    sign_in_with(page, world.users[key].email, password_of(world, key))
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def sign_in_with(page: Page, email: str, password: str) -> None:
    """Open the sign-in page, fill in the form and submit it; checks both pages with axe."""
    page.goto("/sign-in/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    assert_accessible(page)
    submit_sign_in(page, email, password)


def submit_sign_in(page: Page, email: str, password: str) -> None:
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    assert_accessible(page)


def page_title(title: str) -> str:
    """The whole <title> of a page whose own title is `title`."""
    return f"{title} \N{EN DASH} {SERVICE_NAME}"


def password_of(world: DemoWorld, key: str) -> str:
    email = world.users[key].email
    return next(s.password for s in world.sign_ins if s.email == email)


def service_navigation(page: Page) -> Locator:
    """The service navigation: Home, the pages the user's roles may use, Your account, Sign out."""
    return page.get_by_role("navigation", name="Menu")


def main(page: Page) -> Locator:
    return page.get_by_role("main")


def path_is(path: str) -> re.Pattern[str]:
    """A URL pattern for `expect(page).to_have_url`: this path, any query string."""
    return re.compile(rf"^https?://[^/]+{re.escape(path)}(\?.*)?$")
