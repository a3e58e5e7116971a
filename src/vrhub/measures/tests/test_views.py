"""The measures pages as an analyst and a programme manager use them: the figures they read,
the gaps shown as "No data", the CSV downloads and the imports."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from datetime import date, datetime

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from vrhub.accounts.models import Role, User
from vrhub.measures import selectors, store
from vrhub.measures.catalogue import Source
from vrhub.measures.models import ImportKind, ImportProblem, ImportRun, ImportStatus

pytestmark = pytest.mark.django_db

COVENTRY = "E08000026"
# Two wards of Coventry: four LSOAs around the city centre, one in Foleshill further north.
AREAS = [
    ("E01009001", "Coventry 001A", "E05001218", "St Michael's", 52.4080, -1.5100),
    ("E01009002", "Coventry 001B", "E05001218", "St Michael's", 52.4090, -1.5080),
    ("E01009003", "Coventry 001C", "E05001218", "St Michael's", 52.4070, -1.5120),
    ("E01009004", "Coventry 001D", "E05001218", "St Michael's", 52.4100, -1.5060),
    ("E01009005", "Coventry 002A", "E05001212", "Foleshill", 52.4300, -1.4950),
]
SITE = "RKB01"
# Months April 2023 to March 2025, with no force extract for June 2024.
FIRST = date(2023, 4, 1)
MONTHS = [date(2023 + (3 + k) // 12, (3 + k) % 12 + 1, 1) for k in range(24)]
GAP = date(2024, 6, 1)


def knife_crimes(month: date) -> int:
    """More in summer, fewer each year: 10 to 17 a month."""
    summer = 4 if month.month in (6, 7, 8) else 0
    return 12 + summer - (2 if month >= date(2024, 4, 1) else 0) + month.month % 2


def add_areas() -> None:
    with store.writing() as con:
        con.executemany(
            "insert into area values (?, ?, ?, ?, ?, 'Coventry', 'C1', 'Coventry CSP', "
            "'west-midlands', ?, ?)",
            [(lsoa, name, ward, ward_name, COVENTRY, lat, lon) for lsoa, name, ward, ward_name,
             lat, lon in AREAS],
        )  # fmt: skip
        con.execute("insert into ed_site values (?, 'University Hospital', ?)", [SITE, COVENTRY])


def add_month(source: Source, partition: str, month: date, measure: str, by_lsoa: dict) -> None:
    """A month as an import leaves it: coverage, and counts at every level."""
    with store.writing() as con:
        con.execute(
            "insert into coverage values (?, ?, ?, ?, 1, ?)",
            [source.value, partition, month, sum(by_lsoa.values()), datetime(2025, 4, 2)],  # noqa: DTZ001
        )
        for lsoa, n in by_lsoa.items():
            ward = next(a[2] for a in AREAS if a[0] == lsoa)
            for level, code in (
                ("lsoa", lsoa),
                ("ward", ward),
                ("la", COVENTRY),
                ("csp", "C1"),
                ("force", partition),
            ):
                con.execute(
                    "insert into counts values (?, ?, ?, ?, ?, ?, ?, ?)",
                    [source.value, partition, month, level, code, measure, False, n],
                )


def add_points(month: date, points: list[tuple[float, float, str]]) -> None:
    """Police.uk robberies at these points (latitude, longitude, LSOA) in a month."""
    rows = len(points)
    table = pa.table(
        {
            "partition": ["west-midlands"] * rows,
            "month": pa.array([month] * rows, pa.date32()),
            "source_file": [f"{month:%Y-%m}-west-midlands-street.csv"] * rows,
            "source_line": list(range(2, rows + 2)),
            "crime_id": [f"c{i}" for i in range(rows)],
            "reported_by": ["West Midlands Police"] * rows,
            "falls_within": ["West Midlands Police"] * rows,
            "longitude": pa.array([p[1] for p in points], pa.float64()),
            "latitude": pa.array([p[0] for p in points], pa.float64()),
            "location": ["On or near Somewhere"] * rows,
            "lsoa_code": [p[2] for p in points],
            "lsoa_name": [p[2] for p in points],
            "crime_type": ["Robbery"] * rows,
            "last_outcome_category": [None] * rows,
            "context": [None] * rows,
        }
    )
    path = store.partition_path(Source.POLICE_UK, "west-midlands", month)
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path)
    by_lsoa: dict[str, int] = {}
    for _, _, lsoa in points:
        by_lsoa[lsoa] = by_lsoa.get(lsoa, 0) + 1
    add_month(Source.POLICE_UK, "west-midlands", month, "street:robbery", by_lsoa)


@pytest.fixture
def world() -> None:
    build_world()


def build_world() -> None:
    """Coventry with two years of knife crime (one month missing), A&E presentations for the
    latest year, police.uk robberies clustered in the city centre, and the cost tables."""
    add_areas()
    for month in MONTHS:
        if month != GAP:
            n = knife_crimes(month)
            # Most knife crime in one LSOA: concentration has something to find.
            add_month(
                Source.FORCE_EXTRACT,
                "west-midlands",
                month,
                "knife_crime",
                {"E01009001": n - 3, "E01009002": 2, "E01009005": 1},
            )
    for month in MONTHS[12:]:
        with store.writing() as con:
            con.execute(
                "insert into coverage values ('istv', ?, ?, 5, 1, ?)",
                [SITE, month, datetime(2025, 4, 2)],  # noqa: DTZ001
            )
            con.execute(
                "insert into counts values ('istv', ?, ?, 'la', ?, 'ed_sharp_injury', false, 5)",
                [SITE, month, COVENTRY],
            )
    # A city centre about a kilometre across: several hexagons and their neighbours.
    centre = [(52.4080 + 0.002 * (i % 5), -1.5100 + 0.003 * (i // 5), "E01009001")
              for i in range(25)]  # fmt: skip
    north = [(52.4300, -1.4950, "E01009005")]
    for month in MONTHS:
        # Ten more robberies in the centre each July and August.
        summer = [centre[0]] * 10 if month.month in (7, 8) else []
        add_points(month, centre + north + summer)
    with store.writing() as con:
        con.execute(
            "insert into unit_cost values ('knife_crime', 'Violence with injury', 14050, "
            "'2015-16', 'Home Office, Economic and social costs of crime (2018)')"
        )
        con.executemany(
            "insert into deflator values (?, ?, 'HM Treasury GDP deflators')",
            [("2015-16", 80.0), ("2024-25", 100.0)],
        )


@pytest.fixture
def analyst(make_user: Callable[..., User], client_for: Callable[[User], Client]) -> Client:
    return client_for(make_user(Role.ANALYST))


def text_of(response: object) -> str:
    """The page's words, without tags, spaces run together, as a reader sees them."""
    content = response.content.decode()  # type: ignore[attr-defined]
    words = re.sub(r"<[^>]+>", " ", content)
    return re.sub(r"\s+", " ", words).replace("&#x27;", "'").replace("&amp;", "&")


def csv_rows(response: object) -> list[list[str]]:
    body = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
    return list(csv.reader(io.StringIO(body.decode())))


# The core measures.


def test_the_dashboard_shows_each_core_measure_with_its_change_and_its_gaps(world, analyst):
    response = analyst.get(reverse("measures:dashboard"))
    assert response.status_code == 200
    page = text_of(response)
    assert "Homicides" in page
    assert "Police-recorded knife crime" in page
    assert "A&E presentations for sharp-object injuries" in page
    # Financial years by default: 2024-25 has June 2024 missing, so its total is not known.
    assert "Latest: 2024-25 No data" in page
    # Knife crime in 2023-24: 12 a month, 4 more in June to August, 1 more in odd months.
    expected = sum(knife_crimes(m) for m in MONTHS[:12])
    assert f"2023-24 {expected:,}" in page
    assert "cannot be compared" in page  # the statement is honest about the gap
    assert 'role="img"' in response.content.decode()


def test_by_month_the_gap_is_no_data_never_zero_and_the_change_is_worked_out(world, analyst):
    response = analyst.get(reverse("measures:dashboard"), {"granularity": "month"})
    page = text_of(response)
    assert "June 2024 No data" in page
    assert "June 2024 0" not in page
    march = knife_crimes(date(2025, 3, 1))
    february = knife_crimes(date(2025, 2, 1))
    assert f"Latest: March 2025 {march}" in page
    assert f"(from {february})" in page


def test_the_dashboard_table_downloads_as_csv_with_the_same_rows(world, analyst):
    response = analyst.get(
        reverse("measures:dashboard"), {"granularity": "quarter", "download": "knife-crime"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = csv_rows(response)
    assert rows[0] == [
        "Quarter",
        "Count",
        "Change on the period before (%)",
        "Change on a year before (%)",
    ]
    by_label = {row[0]: row[1] for row in rows[1:]}
    april_to_june_2023 = sum(knife_crimes(m) for m in MONTHS[:3])
    assert by_label["Apr to Jun 2023"] == str(april_to_june_2023)
    assert by_label["Apr to Jun 2024"] == "No data"


def test_a_table_the_page_does_not_have_is_not_found(world, analyst):
    response = analyst.get(reverse("measures:dashboard"), {"download": "nothing-like-it"})
    assert response.status_code == 404


def test_an_area_that_does_not_exist_is_a_problem_on_the_form(world, analyst):
    response = analyst.get(reverse("measures:dashboard"), {"area": "ward:E05999999"})
    assert response.status_code == 400
    page = text_of(response)
    assert "There is a problem" in page
    assert "Select an area from the list" in page


def test_an_lsoa_is_chosen_by_its_code_not_from_a_list_of_thousands(world, analyst):
    page = analyst.get(reverse("measures:dashboard")).content.decode()
    assert 'value="ward:E05001212"' in page
    assert 'value="lsoa:' not in page

    chosen = text_of(analyst.get(reverse("measures:dashboard"), {"lsoa": "e01009005"}))
    assert "Coventry 002A" in chosen

    wrong = analyst.get(reverse("measures:dashboard"), {"lsoa": "E01999999"})
    assert wrong.status_code == 400
    assert "Enter an LSOA code from the areas table, like E01009564" in text_of(wrong)


def test_a_ward_shows_its_own_figures(world, analyst):
    response = analyst.get(
        reverse("measures:dashboard"), {"area": "ward:E05001212", "granularity": "month"}
    )
    page = text_of(response)
    assert "Foleshill" in page
    # One knife crime a month in the Foleshill LSOA.
    assert "Latest: March 2025 1" in page


def test_under_25_figures_count_only_victims_known_to_be_under_25(world, analyst):
    with store.writing() as con:
        for month in MONTHS:
            if month != GAP:
                con.execute(
                    "insert into counts values ('force_extract', 'west-midlands', ?, 'la', ?, "
                    "'knife_crime', true, 4)",
                    [month, COVENTRY],
                )
    response = analyst.get(
        reverse("measures:dashboard"), {"granularity": "month", "under_25": "on"}
    )
    page = text_of(response)
    assert "Police-recorded knife crime (under 25)" in page
    assert "Latest: March 2025 4" in page
    assert "Victims and patients under 25:" in page
    assert re.search(r'<input[^>]*name="under_25"[^>]*checked', response.content.decode())


def test_under_25_figures_come_only_from_sources_that_record_age(world, analyst):
    response = analyst.get(reverse("measures:measure", args=["street:robbery"]), {"under_25": "on"})
    assert response.status_code == 200
    page = text_of(response)
    assert "does not record the victim's age" in page
    assert "No data" in page


def test_any_police_uk_crime_type_has_its_page(world, analyst):
    dashboard = analyst.get(reverse("measures:dashboard")).content.decode()
    href = reverse("measures:measure", args=["street:robbery"])
    assert href in dashboard
    response = analyst.get(href, {"granularity": "month"})
    page = text_of(response)
    assert "Robbery (police.uk)" in page
    assert "Latest: March 2025 26" in page
    download = analyst.get(href, {"granularity": "month", "download": "street-robbery"})
    assert csv_rows(download)[1][:2] == ["April 2023", "26"]


def test_a_measure_that_does_not_exist_is_not_found(analyst):
    assert analyst.get("/measures/measure/street:nothing/").status_code == 404


def test_with_nothing_imported_every_page_still_opens(analyst):
    for name in (
        "measures:dashboard",
        "measures:concentration",
        "measures:hot_spots",
        "measures:seasonality",
        "measures:cost",
        "measures:imports",
        "measures:formats",
    ):
        response = analyst.get(reverse(name))
        assert response.status_code == 200, name


# Concentration, hot spots, seasonality, cost.


def test_concentration_gives_the_top_shares_and_says_which_gini(world, analyst):
    response = analyst.get(reverse("measures:concentration"), {"period": "fy-2023-24"})
    assert response.status_code == 200
    page = text_of(response)
    assert "Across LSOAs" in page
    assert "Across hexagons" in page
    # The busiest LSOA of five holds knife crime less the 3 a month elsewhere.
    total = sum(knife_crimes(m) for m in MONTHS[:12])
    share = (total - 36) / total * 100
    assert f"Top 10% 1 {total - 36:,} {share:.1f}%" in page
    assert "Gini coefficient is" in page
    download = analyst.get(
        reverse("measures:concentration"), {"period": "fy-2023-24", "download": "top-lsoa"}
    )
    rows = csv_rows(download)
    assert rows[0] == ["Busiest LSOAs", "LSOAs", "Incidents", "Share of incidents (%)"]
    assert rows[1][0] == "Top 1%"


def test_hot_spots_are_mapped_listed_and_described_in_words(world, analyst):
    response = analyst.get(
        reverse("measures:hot_spots"), {"measure": "street:robbery", "period": "fy-2024-25"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    # The map's data is JSON for the static script, never an inline script.
    data = re.search(r'<script id="hot-spots-data" type="application/json">(.*?)</script>', html)
    assert data is not None
    cells = json.loads(data.group(1))
    assert cells["type"] == "FeatureCollection"
    assert any(f["properties"]["category"].startswith("Hot spot") for f in cells["features"])
    assert "/static/leaflet/leaflet.js" in html
    assert "<script>" not in html
    page = text_of(response)
    assert re.search(r"\d+ hot spots? among \d+ hexagons", page)
    assert "St Michael's ward" in page
    assert "How stable the hot spots are year to year" in page
    assert "2023-24" in page
    download = analyst.get(
        reverse("measures:hot_spots"),
        {"measure": "street:robbery", "period": "fy-2024-25", "download": "hot-spots"},
    )
    rows = csv_rows(download)
    assert rows[0] == [
        "Hexagon",
        "Nearest ward",
        "Incidents",
        "Gi* z-score",
        "p-value",
        "Category",
    ]
    assert rows[1][1] == "St Michael's"
    assert rows[1][5].startswith("Hot spot")


def test_hot_spots_use_map_tiles_only_when_configured(world, analyst, settings):
    without = analyst.get(reverse("measures:hot_spots"), {"measure": "street:robbery"})
    assert b'data-tile-url=""' in without.content
    assert "img-src 'self' data:;" in without["Content-Security-Policy"]

    settings.VRHUB_MAP_TILE_URL = "https://{s}.tiles.example.org/{z}/{x}/{y}.png"
    settings.VRHUB_MAP_TILE_ATTRIBUTION = "Map data from the example"
    response = analyst.get(reverse("measures:hot_spots"), {"measure": "street:robbery"})
    html = response.content
    assert b'data-tile-url="https://{s}.tiles.example.org/{z}/{x}/{y}.png"' in html
    assert b'data-tile-attribution="Map data from the example"' in html
    # The browser may fetch the tiles from that server, and images from nowhere else.
    assert (
        "img-src 'self' data: https://*.tiles.example.org;" in response["Content-Security-Policy"]
    )


def test_seasonality_names_the_peak_months_and_decomposes(world, analyst):
    response = analyst.get(reverse("measures:seasonality"), {"measure": "street:robbery"})
    assert response.status_code == 200
    page = text_of(response)
    assert "Robbery (police.uk) usually peaks in July and August." in page
    assert "January 26.0" in page
    assert "July 36.0" in page
    download = analyst.get(
        reverse("measures:seasonality"), {"measure": "street:robbery", "download": "decomposition"}
    )
    rows = csv_rows(download)
    assert rows[0] == ["Month", "Count", "Trend", "Seasonal", "Remainder"]
    assert len(rows) == 25
    assert rows[4][:2] == ["July 2023", "36"]


def test_seasonality_says_when_there_is_too_little_data_to_name_a_peak(world, analyst):
    # Knife crime has June 2024 missing: one whole year, and no 24 months in a row.
    page = text_of(analyst.get(reverse("measures:seasonality")))
    assert "There is only one whole year of data" in page
    assert "needs at least 24 months in a row with data" in page


def test_cost_multiplies_the_count_by_the_inflated_unit_cost(world, analyst):
    response = analyst.get(
        reverse("measures:cost"), {"period": "fy-2023-24", "price_year": "2024-25"}
    )
    assert response.status_code == 200
    total = sum(knife_crimes(m) for m in MONTHS[:12])
    page = text_of(response)
    # £14,050 at 2015-16 prices is £17,562.50 at 2024-25 prices (deflator 100 / 80).
    assert "£17,562" in page or "£17,563" in page
    assert "HM Treasury GDP deflators" in page
    assert "Home Office, Economic and social costs of crime (2018)" in page
    download = analyst.get(
        reverse("measures:cost"),
        {"period": "fy-2023-24", "price_year": "2024-25", "download": "cost"},
    )
    rows = csv_rows(download)
    knife = next(row for row in rows if row[0] == "Police-recorded knife crime")
    assert knife[1] == str(total)
    assert float(knife[5]) == pytest.approx(total * 17562.5)


# Imports.


def test_the_imports_page_shows_gaps_in_the_coverage_grid(world, analyst):
    response = analyst.get(reverse("measures:imports"))
    assert response.status_code == 200
    page = text_of(response)
    assert "Coverage in the last 36 months" in page
    assert "West Midlands" in page
    assert "University Hospital" in page
    # June 2024's force extract is missing; police.uk has every month it has had.
    assert "1 force-month with no data" in page
    assert "Every month has data" in page
    assert "Nothing imported yet" not in page
    assert reverse("measures:import_new", args=["police_uk"]) in response.content.decode()


def test_a_store_with_only_its_areas_says_nothing_has_been_imported_yet(analyst):
    add_areas()
    page = text_of(analyst.get(reverse("measures:imports")))
    assert "Nothing imported yet" in page
    assert not re.search(r"\d+ (force|site)-months? with no data", page)


def test_the_coverage_grid_marks_each_missing_force_month(world):
    con = store.connect()
    try:
        grids = {g.source: g for g in selectors.coverage_grids(con, today=date(2025, 3, 15))}
    finally:
        con.close()
    extract = grids[Source.FORCE_EXTRACT]
    # April 2022 to March 2025: the year before the data starts, and June 2024.
    assert extract.gaps == 13
    rows = {(name, year): cells for name, year, cells in extract.rows}
    assert list(rows) == [
        ("West Midlands", 2022),
        ("West Midlands", 2023),
        ("West Midlands", 2024),
        ("West Midlands", 2025),
    ]
    assert rows["West Midlands", 2022][0] is None  # January 2022: before the 36 months
    assert rows["West Midlands", 2022][3].gap  # April 2022
    assert rows["West Midlands", 2024][5].gap  # June 2024
    assert rows["West Midlands", 2024][6].rows == knife_crimes(date(2024, 7, 1))
    assert rows["West Midlands", 2025][3] is None  # April 2025: not yet
    assert grids[Source.ISTV].gaps == 24


def test_months_after_the_latest_import_are_not_counted_as_gaps(world):
    con = store.connect()
    try:
        grids = {g.source: g for g in selectors.coverage_grids(con, today=date(2025, 6, 15))}
    finally:
        con.close()
    extract = grids[Source.FORCE_EXTRACT]
    # July 2022 to March 2023 and June 2024; April to June 2025 are not published yet.
    assert extract.gaps == 10
    rows = {(name, year): cells for name, year, cells in extract.rows}
    assert rows["West Midlands", 2025][4].gap  # May 2025 still reads "No data"


def test_a_programme_manager_sees_the_imports_but_cannot_import(world, make_user, client_for):
    manager = client_for(make_user(Role.PROGRAMME_MANAGER))
    page = text_of(manager.get(reverse("measures:imports")))
    assert "Coverage in the last 36 months" in page
    assert "Import data:" not in page
    assert manager.get(reverse("measures:import_new", args=["police_uk"])).status_code == 403


def test_people_without_the_measures_capability_are_refused(make_user, client_for):
    caseworker = client_for(make_user(Role.CASEWORKER))
    assert caseworker.get(reverse("measures:dashboard")).status_code == 403
    assert caseworker.get(reverse("measures:imports")).status_code == 403


def test_an_empty_upload_says_there_is_a_problem(analyst):
    response = analyst.post(reverse("measures:import_new", args=["police_uk"]), {})
    assert response.status_code == 200
    page = text_of(response)
    assert "There is a problem" in page
    assert "Select the files or a folder to import" in page
    assert ImportRun.objects.count() == 0


def test_the_upload_page_takes_many_files_or_a_folder_for_police_uk(analyst):
    html = analyst.get(reverse("measures:import_new", args=["police_uk"])).content.decode()
    assert re.search(r'<input[^>]*name="file"[^>]*multiple', html)
    assert re.search(r'<input[^>]*name="folder"[^>]*webkitdirectory', html)


def test_a_force_extract_needs_a_force_from_the_areas_table(world, analyst):
    page = analyst.get(reverse("measures:import_new", args=["force_extract"])).content.decode()
    assert '<option value="west-midlands">West Midlands</option>' in page
    upload = SimpleUploadedFile("extract.csv", b"Offence reference\n", content_type="text/csv")
    response = analyst.post(
        reverse("measures:import_new", args=["force_extract"]), {"file": [upload]}
    )
    assert response.status_code == 200
    assert "Select the force the extract is from" in text_of(response)


def test_a_file_that_is_not_csv_or_zip_is_refused_on_the_form(analyst):
    upload = SimpleUploadedFile("costs.xlsx", b"PK\x03\x04", content_type="application/zip")
    response = analyst.post(reverse("measures:import_new", args=["unit_costs"]), {"file": [upload]})
    assert response.status_code == 200
    assert "costs.xlsx is not a CSV or zip file" in text_of(response)


def test_importing_deflators_reports_what_was_read_loaded_and_rejected(analyst):
    body = (
        b"Financial year,Index,Source\r\n"
        b"2015-16,80.1,HM Treasury\r\n"
        b"2024-25,100,HM Treasury\r\n"
        b"2024,99,HM Treasury\r\n"
    )
    upload = SimpleUploadedFile("deflators.csv", body, content_type="text/csv")
    response = analyst.post(reverse("measures:import_new", args=["deflators"]), {"file": [upload]})
    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("measures:import_detail", args=[run.pk])
    page = text_of(analyst.get(response["Location"]))
    assert run.status == ImportStatus.LOADED
    assert "The rows add up: 3 read = 2 loaded + 1 rejected." in page
    assert "Rejected lines" in page
    assert "deflators.csv 4" in page
    problems = csv_rows(analyst.get(reverse("measures:import_problems_csv", args=[run.pk])))
    assert problems[0] == ["File", "Line", "Reason", "Rejected"]
    assert problems[1][:2] == ["deflators.csv", "4"]
    assert problems[1][3] == "Yes"


def test_an_import_in_progress_shows_how_far_it_has_got(analyst, make_user):
    run = ImportRun.objects.create(
        kind=ImportKind.POLICE_UK,
        status=ImportStatus.RUNNING,
        started_by=make_user(Role.ANALYST, full_name="Priya Shah"),
        created_at=timezone.now(),
        files=["2025-01-west-midlands-street.csv"],
        bytes_total=1000,
        bytes_done=450,
        rows_read=12345,
    )
    response = analyst.get(reverse("measures:import_detail", args=[run.pk]))
    page = text_of(response)
    assert "45% done: 12,345 rows read so far." in page
    assert "Priya Shah" in page
    html = response.content.decode()
    assert reverse("api:measures-import", args=[run.pk]) in html
    assert "/static/measures/import-progress.js" in html


def test_a_finished_import_reconciles_and_lists_what_it_replaced(analyst):
    run = ImportRun.objects.create(
        kind=ImportKind.POLICE_UK,
        status=ImportStatus.LOADED,
        created_at=timezone.now(),
        finished_at=timezone.now(),
        files=["2025-01-west-midlands-street.csv"],
        rows_read=10,
        rows_loaded=9,
        rows_rejected=1,
        notes={"No coordinates": 2, "No LSOA": 1},
        partitions=[{"partition": "west-midlands", "month": "2025-01", "rows": 9}],
    )
    ImportProblem.objects.create(
        run=run,
        file="2025-01-west-midlands-street.csv",
        line=7,
        reason="Crime ID also on line 4",
        rejected=True,
    )
    page = text_of(analyst.get(reverse("measures:import_detail", args=[run.pk])))
    assert "9 rows imported" in page
    assert "The rows add up: 10 read = 9 loaded + 1 rejected." in page
    assert "No coordinates 2" in page
    assert "West Midlands January 2025 9" in page
    assert "2025-01-west-midlands-street.csv 7 Crime ID also on line 4" in page


def test_a_refused_import_says_why_and_that_nothing_changed(analyst):
    run = ImportRun.objects.create(
        kind=ImportKind.ISTV,
        status=ImportStatus.REFUSED,
        created_at=timezone.now(),
        finished_at=timezone.now(),
        files=["istv.csv"],
        message="istv.csv has no column called Site code",
    )
    ImportProblem.objects.create(
        run=run, file="istv.csv", line=1, reason="=HYPERLINK(no)", rejected=True
    )
    page = text_of(analyst.get(reverse("measures:import_detail", args=[run.pk])))
    assert "Nothing was imported" in page
    assert "istv.csv has no column called Site code" in page
    problems = csv_rows(analyst.get(reverse("measures:import_problems_csv", args=[run.pk])))
    # A reason is text from a file: never a formula in a spreadsheet.
    assert problems[1][2] == "'=HYPERLINK(no)"


# Formats.


def test_every_format_has_a_page_with_its_columns_and_an_example(analyst):
    listing = text_of(analyst.get(reverse("measures:formats")))
    for kind in ImportKind:
        response = analyst.get(reverse("measures:format", args=[kind.value]))
        assert response.status_code == 200, kind
    assert "Force extract of recorded offences" in listing
    page = text_of(analyst.get(reverse("measures:format", args=["force_extract"])))
    assert "Knife or sharp instrument" in page
    example = csv_rows(
        analyst.get(reverse("measures:format", args=["deflators"]), {"download": "example"})
    )
    assert example[0] == ["Financial year", "Index", "Source"]
    assert len(example) == 2


def test_concentration_and_hot_spots_warn_of_the_months_with_no_data(world, analyst):
    # 2024-25 lacks June 2024's force extract: knife crime counts only the other 11 months.
    warning = (
        "There is no data for 1 month of this period (June 2024): these figures count only the "
        "months with data."
    )
    for name in ("measures:concentration", "measures:hot_spots"):
        gap = text_of(analyst.get(reverse(name), {"period": "fy-2024-25"}))
        assert warning in gap, name
        whole = text_of(analyst.get(reverse(name), {"period": "fy-2023-24"}))
        assert "There is no data for" not in whole, name


def test_hot_spots_compare_only_years_the_data_covers_whole():
    def fy(start: int) -> selectors.Period:
        label = f"{start}-{(start + 1) % 100:02d}"
        return selectors.Period(
            f"fy-{label}", label, date(start, 4, 1), date(start + 1, 3, 31), label
        )

    last_12 = selectors.Period("last-12", "Last 12 months", date(2024, 5, 1), date(2025, 4, 30))
    offered = [last_12, fy(2025), fy(2024), fy(2023)]
    # Data from April 2023: 2023-24 and 2024-25 are whole.
    assert selectors.stability_years(offered, last_12, date(2023, 4, 1)) == ("2023-24", "2024-25")
    # Data from May 2023: 2023-24 lacks April, so there is only one whole year to compare.
    assert selectors.stability_years(offered, last_12, date(2023, 5, 1)) is None
