"""The Serious Violence Duty's measures in the browser: an analyst reads the three core measures,
the hot-spot map, the seasonal peaks, the cost and the concentration, and imports a fresh
police.uk month through the page; a bad file is refused and changes nothing; a programme manager
reads the figures but cannot import."""

from __future__ import annotations

import csv
import hashlib
import re
import threading
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import FilePayload, Locator, Page, expect

from vrhub.core.demo import DemoWorld
from vrhub.measures import services, store
from vrhub.measures.demo import build as build_measures

from .conftest import (
    assert_accessible,
    expect_http_error,
    main,
    page_title,
    service_navigation,
    sign_in_as,
)

pytestmark = pytest.mark.browser

CORE = ["Homicides", "Police-recorded knife crime", "A&E presentations for sharp-object injuries"]
MONTHS = [date(2000, m, 1).strftime("%B") for m in range(1, 13)]
HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,"
    "Crime type,Last outcome category,Context"
)
POLICE_UK_COVERAGE = "police.uk street-level crime, by force: rows loaded each month, or no data"
FORBIDDEN = "You do not have access to this page"
# A change statement's figures: "371 offences from April to September 2026, against 421 in the
# same months of 2025"; "40 offences in April 2026, against 52 in April 2025".
FIGURES = re.compile(
    r"(\d[\d,]*) [a-z]+ (?:from|in) ([A-Z][a-z]+(?: \d{4})?(?: to [A-Z][a-z]+ \d{4})?), "
    r"against (\d[\d,]*) in "
)
CHANGE = re.compile(r"^(Since|In) [A-Z][a-z]+ \d{4}, .* (up|down) (\d+(\.\d)?%|less than 1%): ")
LOWER_CASE_MONTH = re.compile(r"\b({}) \d{{4}}".format("|".join(m.lower() for m in MONTHS)))


# The data.


def load_measures(world: DemoWorld) -> None:
    build_measures(today=timezone.localdate(), actor=world.users["analyst"])


def fresh_month() -> date:
    """The month before this one: the demo's data ends the month before that, so it is a gap."""
    return (timezone.localdate().replace(day=1) - date.resolution).replace(day=1)


def street_file(header: str = HEADER) -> FilePayload:
    """A police.uk street file for West Midlands and `fresh_month()`, as the browser uploads it:
    two rows without coordinates (one of them without an LSOA either), an anti-social behaviour
    row (no Crime ID) and, on line 7, line 3's Crime ID again."""
    month = fresh_month()
    con = store.connect()
    try:  # the first LSOA of each city
        coventry, wolverhampton = con.execute(
            "select lsoa_code, lsoa_name, latitude, longitude from area where lsoa_code in "
            "(select min(lsoa_code) from area group by la_name) order by lsoa_name"
        ).fetchall()
    finally:
        con.close()

    def row(n: int, crime: str, place: tuple[Any, ...] | None, located: bool = True) -> str:
        crime_id = hashlib.sha256(f"vrhub {n}".encode()).hexdigest() if n else ""
        code, name, lat, lon = place or ("", "", None, None)
        where = f"{lon:.6f},{lat:.6f}" if located and lat is not None else ","
        return (
            f"{crime_id},{month:%Y-%m},West Midlands Police,West Midlands Police,{where},"
            f'"On or near Hertford Street, Coventry",{code},{name},{crime},Under investigation,'
        )

    lines = [
        header,
        row(1, "Possession of weapons", coventry),
        row(2, "Violence and sexual offences", coventry),
        row(3, "Robbery", wolverhampton, located=False),
        row(4, "Possession of weapons", None),
        row(0, "Anti-social behaviour", wolverhampton),
        row(2, "Violence and sexual offences", coventry),
    ]
    return {
        "name": f"{month:%Y-%m}-west-midlands-street.csv",
        "mimeType": "text/csv",
        "buffer": ("\r\n".join(lines) + "\r\n").encode(),
    }


# Small steps a user takes.


def with_hidden_words(shown: str, hidden: str) -> re.Pattern[str]:
    """The name of a link or button whose visually hidden words say what it acts on."""
    return re.compile(rf"^{re.escape(shown)}\s*:\s*{re.escape(hidden)}$")


def heading(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def click_and_check(page: Page, locator: Locator) -> None:
    with page.expect_navigation():
        locator.click()
    assert_accessible(page)


def open_tile(page: Page, name: str) -> None:
    click_and_check(page, main(page).get_by_role("link", name=name, exact=True))


def open_from_navigation(page: Page, name: str) -> None:
    click_and_check(page, service_navigation(page).get_by_role("link", name=name, exact=True))


def open_measures_page(page: Page, name: str) -> None:
    nav = page.get_by_role("navigation", name="Measures")
    click_and_check(page, nav.get_by_role("link", name=name, exact=True))


def show(page: Page, **choices: str) -> None:
    """Choose options above the figures (by their labels) and show the figures."""
    for label, option in choices.items():
        page.get_by_label(label, exact=True).select_option(label=option)
    click_and_check(page, main(page).get_by_role("button", name="Show the figures"))


def cells(table: Locator) -> list[list[str]]:
    """The body of a table, as the user reads it."""
    rows: list[list[str]] = table.evaluate(
        "t => [...t.tBodies[0].rows].map(r => [...r.cells].map(c => c.innerText.trim()))"
    )
    return rows


def number(text: str) -> float:
    return float(re.sub(r"[£,%+\s]", "", text.replace("\u2212", "-")))


def coverage_cell(page: Page, month: date) -> Locator:
    row = (
        page.get_by_role("table", name=POLICE_UK_COVERAGE)
        .get_by_role("row")
        .filter(has=page.get_by_role("rowheader", name="West Midlands", exact=True))
        .filter(has=page.get_by_role("rowheader", name=str(month.year), exact=True))
    )
    return row.locator("td").nth(month.month - 1)


def open_police_uk_import(page: Page) -> None:
    # A link that looks like a button says it is one.
    button = main(page).get_by_role(
        "button", name=with_hidden_words("Import data", "police.uk street-level crime")
    )
    click_and_check(page, button)


def import_police_uk(page: Page, file: FilePayload) -> None:
    """From the imports page, upload `file` as police.uk data."""
    expect(heading(page)).to_have_text("Imports and coverage")
    open_police_uk_import(page)
    expect(heading(page)).to_have_text("police.uk street-level crime")
    page.get_by_label("Choose CSV or zip files").set_input_files(file)
    click_and_check(page, main(page).get_by_role("button", name="Import", exact=True))


def back_to_imports(page: Page) -> None:
    click_and_check(page, page.get_by_role("link", name="Imports and coverage", exact=True))


def summary_value(page: Page, key: str) -> Locator:
    return main(page).locator(".govuk-summary-list__row").filter(has_text=key).locator("dd")


# The figures.


def check_figure(page: Page, measure: str, caption: str) -> list[list[str]]:
    """The measure's section: a statement made from the data, a chart named like its table."""
    section = page.get_by_role("region", name=measure, exact=True)
    statement = section.locator(".govuk-inset-text")
    expect(statement).to_have_text(FIGURES)
    if measure != "Homicides":  # few enough to be called too small to compare
        expect(statement).to_have_text(CHANGE)
    expect(section.get_by_role("img", name=caption, exact=True)).to_be_visible()
    table = section.get_by_role("table", name=caption, exact=True)
    expect(table).to_be_visible()
    return cells(table)


def lower_case_months(text: Locator) -> list[str]:
    words = text.inner_text()
    return [f"A month in lower case: {words!r}"] if LOWER_CASE_MONTH.search(words) else []


def changes_shown_as_no_data(caption: str, rows: list[list[str]], year: int) -> list[str]:
    """Changes the table calls "No data" though both counts are there (a count of 0 is data)."""
    found = []
    for i, row in enumerate(rows):
        for column, before in ((2, i - 1), (3, i - year)):
            if (
                before >= 0
                and row[column] == "No data"
                and "No data" not in (row[1], rows[before][1])
            ):
                found.append(f"{caption}, {row[0]}: change from {rows[before][1]} to {row[1]}")
    return found


def statement_adds_up(page: Page, measure: str, monthly: list[list[str]]) -> None:
    """The statement's counts are the table's months added up, and a year before them."""
    statement = page.get_by_role("region", name=measure, exact=True).locator(".govuk-inset-text")
    found = FIGURES.search(statement.inner_text())
    assert found, statement.inner_text()
    now_words, span, then_words = found.groups()
    first, _, last = span.partition(" to ")
    last = last or first
    end = (int(last.split()[1]), MONTHS.index(last.split()[0]) + 1)
    start = (int(first.split()[1]) if " " in first else end[0], MONTHS.index(first.split()[0]) + 1)
    counts = {
        (int(label.split()[1]), MONTHS.index(label.split()[0]) + 1): number(count)
        for label, count, *_ in monthly
    }
    now = sum(n for (y, m), n in counts.items() if start <= (y, m) <= end)
    then = sum(n for (y, m), n in counts.items() if start <= (y + 1, m) <= end)
    assert (now, then) == (number(now_words), number(then_words)), statement.inner_text()


# The journeys.


def test_an_analyst_reads_the_core_measures_by_area_and_period_and_downloads_one(
    page: Page, world: DemoWorld
) -> None:
    load_measures(world)
    sign_in_as(page, world, "analyst")
    open_tile(page, "Core measures")
    expect(page).to_have_title(page_title("Serious violence measures"))
    expect(heading(page)).to_have_text("Serious violence measures")
    for measure in CORE:
        check_figure(page, measure, f"{measure} by financial year, Partnership area")

    show(page, Area="Coventry", **{"Show figures by": "Quarter"})
    expect(main(page).get_by_role("heading", level=2).first).to_have_text(
        re.compile(r"^Coventry\s+Local authority$")
    )
    defects: list[str] = []
    for measure in CORE:
        caption = f"{measure} by quarter, Coventry (Local authority)"
        rows = check_figure(page, measure, caption)
        assert all(re.fullmatch(r"[A-Z][a-z]{2} to [A-Z][a-z]{2} \d{4}", r[0]) for r in rows)
        defects += changes_shown_as_no_data(caption, rows, year=4)

    caption = "Police-recorded knife crime by quarter, Coventry (Local authority)"
    shown = cells(page.get_by_role("table", name=caption, exact=True))
    with page.expect_download() as download:
        main(page).get_by_role(
            "link", name=with_hidden_words("Download this table as CSV", caption)
        ).click()
    assert download.value.suggested_filename.endswith(".csv")
    with open(download.value.path(), encoding="utf-8", newline="") as f:
        written = list(csv.reader(f))
    assert written[0][:2] == ["Quarter", "Count"]
    assert len(written) - 1 == len(shown)
    for saved, seen in zip(written[1:], shown, strict=True):
        assert saved[:2] == [seen[0], seen[1].replace(",", "")]
        for value, text in zip(saved[2:], seen[2:], strict=True):
            assert (
                text == "No data" if value == "No data" else round(float(value), 1) == number(text)
            )

    # The statements count months: read against the months they count.
    show(page, **{"Show figures by": "Month"})
    for measure in CORE:
        monthly = check_figure(page, measure, f"{measure} by month, Coventry (Local authority)")
        statement_adds_up(page, measure, monthly)
    assert not defects, "Changes shown as no data:\n" + "\n".join(defects)


def test_an_analyst_sees_hot_spots_peaks_cost_and_concentration(
    page: Page, world: DemoWorld, live_server: Any
) -> None:
    load_measures(world)
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    sign_in_as(page, world, "analyst")
    open_tile(page, "Hot spots")
    expect(heading(page)).to_have_text("Hot spots")

    summary = main(page).locator("#hot-spots-summary")
    expect(summary).to_contain_text("St Michael's")  # Coventry's city centre
    expect(summary).to_contain_text("St Peter's")  # Wolverhampton's
    the_map = page.get_by_role("region", name=re.compile(r"^Map of hot spots"))
    expect(the_map).to_have_accessible_description(summary.inner_text())
    hexagons = the_map.locator(".leaflet-overlay-pane path")
    expect(hexagons.first).to_be_attached()
    key = main(page).locator(".measures-key li").all_inner_texts()
    drawn = sum(int(re.sub(r"\D", "", text.split(":")[1])) for text in key)
    expect(hexagons).to_have_count(drawn)
    expect(the_map.locator(".leaflet-tile-pane img")).to_have_count(0)
    hot = cells(main(page).get_by_role("table", name="Hot and cold spots, hottest first"))
    assert hot[0][-1].startswith("Hot spot")
    assert {"St Michael's", "St Peter's"} <= {row[1] for row in hot[:10]}

    open_measures_page(page, "Seasonality")
    expect(heading(page)).to_have_text("When violence peaks")
    sentence = main(page).locator(".govuk-inset-text").first.inner_text()
    found = re.fullmatch(r"Police-recorded knife crime usually peaks in (.+)\.", sentence)
    assert found, sentence
    peaks = re.split(r", | and ", found.group(1))
    profile = cells(main(page).get_by_role("table", name="Average in each calendar month"))
    highest = sorted(profile, key=lambda row: -number(row[2]))[: len(peaks)]
    assert sorted(peaks) == sorted(row[0] for row in highest)
    assert {"June", "July", "August"} & set(peaks), "the demo's summer peak"

    defects: list[str] = []
    open_measures_page(page, "Cost")
    expect(heading(page)).to_have_text("What violence costs")
    subtitle = main(page).get_by_role("heading", level=2).inner_text()
    price_year = re.search(r"at (\d{4}-\d{2}) prices", subtitle)
    assert price_year, subtitle
    # The measures overlap (a stabbing is police-recorded and seen at A&E): never summed.
    expect(main(page).get_by_text("the lines are not added together")).to_be_visible()
    expect(main(page).get_by_text(re.compile(r"^Total: "))).to_have_count(0)
    cost_table = main(page).get_by_role("table", name=re.compile(r"^Cost of violence in"))
    lines = cells(cost_table)
    assert {line[0] for line in lines} >= set(CORE)
    assert all(number(line[5]) > 0 for line in lines if line[0] in CORE)
    deflators = {
        row[0]: (number(row[1]), row[3])
        for row in cells(main(page).get_by_role("table", name="GDP deflators"))
    }
    assert deflators[price_year.group(1)][1], "no source for the deflator of the prices chosen"
    for measure, count, unit, year, inflated, line_total, source, _ in lines:
        assert source, f"{measure}: no source for its unit cost"
        assert deflators[year][1], f"no source for the {year} deflator"
        expected = number(unit) * deflators[price_year.group(1)][0] / deflators[year][0]
        assert abs(number(inflated) - expected) <= 1, (measure, inflated, expected)
        assert abs(number(line_total) - number(count) * expected) <= number(count), measure
    defects += lower_case_months(cost_table.locator("caption"))

    open_measures_page(page, "Concentration")
    expect(heading(page)).to_have_text("Where violence concentrates")
    for unit in ("LSOAs", "hexagons"):
        block = page.get_by_role("region", name=f"Across {unit}", exact=True)
        shares = cells(block.get_by_role("table", name=f"Share of incidents in the busiest {unit}"))
        assert [row[0] for row in shares] == ["Top 1%", "Top 5%", "Top 10%"]
        percents = [number(row[3]) for row in shares]
        assert 0 < percents[0] <= percents[1] <= percents[2] <= 100
        expect(block.get_by_text(re.compile(r"The Gini coefficient is 0\.\d\d"))).to_be_visible()
        expect(
            block.get_by_role("img", name=re.compile(rf"^Lorenz curve: .* across {unit}, "))
        ).to_be_visible()
        defects += lower_case_months(block.get_by_role("paragraph").first)

    elsewhere = [url for url in requests if not url.startswith(live_server.url)]
    assert not elsewhere, f"The pages asked another server for: {elsewhere}"
    assert not defects, "\n".join(defects)


def expect_report_of_fresh_file(page: Page, month: date) -> None:
    name = f"{month:%Y-%m}-west-midlands-street.csv"
    expect(heading(page)).to_have_text(re.compile(r"^Import \d+: imported$"))
    expect(main(page).locator(".govuk-panel__title")).to_have_text("5 rows imported")
    for key, value in (("Rows read", "6"), ("Rows loaded", "5"), ("Rows rejected", "1")):
        expect(summary_value(page, key)).to_have_text(value)
    expect(
        main(page).get_by_text("The rows add up: 6 read = 5 loaded + 1 rejected.")
    ).to_be_visible()
    rejected = main(page).get_by_role("table", name="Rejected lines")
    assert cells(rejected) == [[name, "7", "Crime ID also on line 3"]]
    notes = main(page).get_by_role("table", name=re.compile(r"^Loaded, with something"))
    noted = {row[0]: row[1] for row in cells(notes)}
    assert noted.get("No coordinates") == "2", noted
    assert noted.get("No LSOA") == "1", noted
    replaced = main(page).get_by_role("table", name=re.compile(r"^Months replaced"))
    assert cells(replaced) == [["West Midlands", f"{month:%B %Y}", "5"]]


def test_an_analyst_imports_a_fresh_police_uk_month_twice_without_doubling_it(
    page: Page, world: DemoWorld
) -> None:
    load_measures(world)
    month = fresh_month()
    file = street_file()
    sign_in_as(page, world, "analyst")
    open_tile(page, "Import data")
    expect(coverage_cell(page, month)).to_have_text("No data")

    import_police_uk(page, file)
    expect_report_of_fresh_file(page, month)
    back_to_imports(page)
    expect(coverage_cell(page, month)).to_have_text("5")

    # The month is in the figures: one weapons possession in the partnership's LSOAs (the other
    # has no LSOA, so it counts for the force only).
    open_from_navigation(page, "Core measures")
    show(page, **{"Show figures by": "Month"})
    open_tile(page, "Possession of weapons (police.uk)")
    table = main(page).get_by_role(
        "table", name="Possession of weapons (police.uk) by month, Partnership area"
    )
    assert cells(table)[-1][:2] == [f"{month:%B %Y}", "1"]

    open_from_navigation(page, "Import data")
    import_police_uk(page, file)
    expect_report_of_fresh_file(page, month)
    back_to_imports(page)
    expect(coverage_cell(page, month)).to_have_text("5")
    latest = main(page).get_by_role("table", name="Imports, newest first").get_by_role("row")
    for row in (latest.nth(1), latest.nth(2)):
        expect(row).to_contain_text("police.uk street-level crime")
        expect(row.locator("td").nth(-2)).to_have_text("5")


def test_an_upload_without_a_file_or_with_a_wrong_header_changes_nothing(
    page: Page, world: DemoWorld
) -> None:
    load_measures(world)
    sign_in_as(page, world, "analyst")
    open_tile(page, "Core measures")
    figures = [cells(t) for t in main(page).get_by_role("table").all()]
    open_measures_page(page, "Imports and coverage")
    coverage = cells(page.get_by_role("table", name=POLICE_UK_COVERAGE))

    open_police_uk_import(page)
    expect_http_error(page, "/measures/imports/new/police_uk/", 400)
    click_and_check(page, main(page).get_by_role("button", name="Import", exact=True))
    expect(page).to_have_title(page_title("Error: Import police.uk street-level crime"))
    summary = main(page).locator(".govuk-error-summary")
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(summary.get_by_role("link")).to_have_text(["Select the files or a folder to import"])
    expect(page.get_by_label("Choose CSV or zip files")).to_have_accessible_description(
        re.compile(r"Error:\s+Select the files or a folder to import")
    )

    back_to_imports(page)
    import_police_uk(page, street_file(HEADER.replace("Crime type", "Offence type")))
    expect(heading(page)).to_have_text(re.compile(r"^Import \d+: not imported$"))
    refusal = main(page).locator(".govuk-error-summary")
    for words in ("\u201cOffence type\u201d", "\u201cCrime type\u201d", "as it was before"):
        expect(refusal).to_contain_text(words)

    back_to_imports(page)
    assert cells(page.get_by_role("table", name=POLICE_UK_COVERAGE)) == coverage
    expect(coverage_cell(page, fresh_month())).to_have_text("No data")
    newest = main(page).get_by_role("table", name="Imports, newest first").get_by_role("row")
    expect(newest.nth(1)).to_contain_text("Not imported")
    open_from_navigation(page, "Core measures")
    assert [cells(t) for t in main(page).get_by_role("table").all()] == figures


def test_a_programme_manager_reads_the_measures_but_cannot_import(
    page: Page, world: DemoWorld
) -> None:
    load_measures(world)
    sign_in_as(page, world, "manager")
    expect(service_navigation(page).get_by_role("link", name="Import data")).to_have_count(0)
    open_tile(page, "Core measures")
    for measure in CORE:
        check_figure(page, measure, f"{measure} by financial year, Partnership area")
    open_measures_page(page, "Imports and coverage")
    expect(main(page).get_by_role("link", name=re.compile("^Import data"))).to_have_count(0)
    expect(coverage_cell(page, fresh_month())).to_have_text("No data")

    path = "/measures/imports/new/police_uk/"
    expect_http_error(page, path, 403)
    response = page.goto(path)
    assert response is not None
    assert response.status == 403
    assert_accessible(page)
    expect(heading(page)).to_have_text(FORBIDDEN)


def test_an_import_in_the_background_shows_its_progress_then_its_report(
    page: Page,
    world: DemoWorld,
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
) -> None:
    load_measures(world)
    settings.VRHUB_IMPORTS_INLINE = False
    # The import waits until the test has seen it under way: a small file is read too fast.
    seen = threading.Event()
    run_import: Callable[[int], object] = services.run_import

    def held_back(run_id: int) -> object:
        seen.wait(timeout=30)
        return run_import(run_id)

    monkeypatch.setattr(services, "run_import", held_back)
    request.addfinalizer(seen.set)  # should the test fail first
    sign_in_as(page, world, "analyst")
    open_tile(page, "Import data")
    import_police_uk(page, street_file())
    expect(heading(page)).to_have_text(re.compile(r"^Import \d+: waiting to start$"))
    expect(main(page).get_by_text(re.compile(r"^0% done: 0 rows read so far\.$"))).to_be_visible()

    with page.expect_navigation(timeout=30_000):  # the page asks how it is going, then reloads
        seen.set()
    assert_accessible(page)
    expect_report_of_fresh_file(page, fresh_month())
