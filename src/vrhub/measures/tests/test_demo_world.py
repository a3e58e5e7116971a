"""The demo's synthetic evidence: the files an analyst would import, and what they would see."""

from __future__ import annotations

import csv
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pytest
from django.utils import timezone

from vrhub.accounts.models import Role, User
from vrhub.measures import demo as demo_measures
from vrhub.measures import store
from vrhub.measures.catalogue import POLICE_UK_CRIME_TYPES
from vrhub.measures.models import ImportKind, ImportRun, ImportStatus
from vrhub.measures.synthetic import demo_world
from vrhub.measures.synthetic.demo_world import DemoFiles, build_demo_files

TODAY = date(2025, 11, 20)
COVENTRY_WARDS = {
    "Bablake", "Binley and Willenhall", "Cheylesmore", "Earlsdon", "Foleshill", "Henley",
    "Holbrook", "Longford", "Lower Stoke", "Radford", "Sherbourne", "St Michael's",
    "Upper Stoke", "Wainbody", "Westwood", "Whoberley", "Woodlands", "Wyken",
}  # fmt: skip
WOLVERHAMPTON_WARDS = {
    "Bilston East", "Bilston North", "Blakenhall", "Bushbury North",
    "Bushbury South and Low Hill", "East Park", "Ettingshall", "Fallings Park", "Graiseley",
    "Heath Town", "Merry Hill", "Oxley", "Park", "Penn", "St Peter's", "Spring Vale",
    "Tettenhall Regis", "Tettenhall Wightwick", "Wednesfield North", "Wednesfield South",
}  # fmt: skip
CENTRES = {"E08000026": (52.4081, -1.5106), "E08000031": (52.5862, -2.1288)}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoFiles:
    return build_demo_files(tmp_path_factory.mktemp("demo"), today=TODAY)


def read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        rows = list(reader)
    assert all(len(row) == len(header) for row in rows), path.name
    return header, [dict(zip(header, row, strict=True)) for row in rows]


def rows_of(paths: tuple[Path, ...] | list[Path]) -> list[dict[str, str]]:
    return [row for path in paths for row in read(path)[1]]


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    north = (a[0] - b[0]) * 111.2
    east = (a[1] - b[1]) * 111.2 * math.cos(math.radians(a[0]))
    return math.hypot(north, east)


@pytest.fixture(scope="module")
def areas(demo: DemoFiles) -> dict[str, dict[str, str]]:
    return {row["LSOA code"]: row for row in read(demo.areas)[1]}


@pytest.fixture(scope="module")
def extract(demo: DemoFiles) -> list[dict[str, str]]:
    return read(demo.force_extract)[1]


def knife_by_month(extract: list[dict[str, str]]) -> list[int]:
    counts = Counter(
        r["Offence date"][:7] for r in extract if r["Knife or sharp instrument"] == "Y"
    )
    return [counts[key] for key in sorted(counts)]


def test_the_areas_are_coventry_and_wolverhampton_with_their_wards(
    demo: DemoFiles, areas: dict[str, dict[str, str]]
) -> None:
    header, _ = read(demo.areas)
    assert header == [
        "LSOA code", "LSOA name", "Ward code", "Ward name", "Local authority code",
        "Local authority name", "CSP code", "CSP name", "Force", "Latitude", "Longitude",
    ]  # fmt: skip
    by_la: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in areas.values():
        by_la[row["Local authority code"]].append(row)
    assert len(by_la["E08000026"]) == 195
    assert len(by_la["E08000031"]) == 158
    assert {r["Ward name"] for r in by_la["E08000026"]} == COVENTRY_WARDS
    assert {r["Ward name"] for r in by_la["E08000031"]} == WOLVERHAMPTON_WARDS
    assert {r["CSP name"] for r in by_la["E08000026"]} == {"Coventry Community Safety Partnership"}
    assert {r["CSP name"] for r in by_la["E08000031"]} == {"Safer Wolverhampton Partnership"}
    assert {r["Force"] for r in areas.values()} == {"west-midlands"}
    assert min(areas) == "E01009564"
    for code, row in areas.items():
        assert re.fullmatch(r"E01\d{6}", code)
        assert re.fullmatch(r"E05\d{6}", row["Ward code"])
        assert re.fullmatch(rf"{row['Local authority name']} \d{{3}}[A-E]", row["LSOA name"])
        where = (float(row["Latitude"]), float(row["Longitude"]))
        assert km(where, CENTRES[row["Local authority code"]]) < 8
    assert len({r["LSOA name"] for r in areas.values()}) == len(areas)


def test_the_module_says_the_geography_is_synthetic() -> None:
    assert "the geography is synthetic" in (demo_world.__doc__ or "")


def test_population_is_each_citys_by_the_age_bands(demo: DemoFiles) -> None:
    header, rows = read(demo.population)
    assert header == ["Area code", "Age band", "Year", "Population"]
    assert {r["Age band"] for r in rows} == {
        "0-17", "18-24", "25-34", "35-44", "45-54", "55-64", "65+",
    }  # fmt: skip
    latest = max(int(r["Year"]) for r in rows)
    totals: Counter[str] = Counter()
    for r in rows:
        if int(r["Year"]) == latest:
            totals[r["Area code"][:6]] += int(r["Population"])
    assert totals["E01009"] == pytest.approx(345_000, rel=0.02)  # Coventry's LSOAs
    assert totals["E01010"] == pytest.approx(265_000, rel=0.02)  # Wolverhampton's


def test_unit_costs_are_the_home_office_figures_with_their_source(demo: DemoFiles) -> None:
    header, rows = read(demo.unit_costs)
    assert header == ["Measure", "Offence group", "Cost", "Price year", "Source"]
    costs = {r["Measure"]: r for r in rows}
    assert costs["knife_crime"]["Cost"] == "14050"
    assert costs["ed_sharp_injury"]["Cost"] == "14050"
    assert costs["homicide"]["Cost"] == "3200000"
    assert "about" in costs["homicide"]["Source"]
    assert costs["street:robbery"]["Cost"] == "11320"
    assert "overestimate" in costs["street:violence-and-sexual-offences"]["Offence group"]
    assert all(r["Price year"] == "2015-16" and "Heeks" in r["Source"] for r in rows)


def test_deflators_run_to_this_financial_year_and_say_they_are_illustrative(
    demo: DemoFiles,
) -> None:
    header, rows = read(demo.deflators)
    assert header == ["Financial year", "Index", "Source"]
    assert rows[0]["Financial year"] == "2015-16"
    assert rows[-1]["Financial year"] == "2025-26"
    indices = [float(r["Index"]) for r in rows]
    assert indices == sorted(indices)
    assert all(r["Source"].startswith("Illustrative demo values") for r in rows)


def test_ed_sites_are_the_two_type_1_departments(demo: DemoFiles) -> None:
    _, rows = read(demo.ed_sites)
    assert {(r["Site code"], r["Local authority code"]) for r in rows} == {
        ("RKB01", "E08000026"),
        ("RL403", "E08000031"),
    }


def test_police_uk_files_are_36_months_in_police_uks_format(
    demo: DemoFiles, areas: dict[str, dict[str, str]]
) -> None:
    names = [p.name for p in demo.police_uk]
    assert len(names) == 36
    assert names[0] == "2022-10-west-midlands-street.csv"
    assert names[-1] == "2025-09-west-midlands-street.csv"  # two months before today's
    seen_ids: set[str] = set()
    monthly = []
    no_location = 0
    total = 0
    for path in demo.police_uk:
        header, rows = read(path)
        assert header == [
            "Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude",
            "Location", "LSOA code", "LSOA name", "Crime type", "Last outcome category",
            "Context",
        ]  # fmt: skip
        monthly.append(len(rows))
        for row in rows:
            assert row["Month"] == path.name[:7]
            assert row["Crime type"] in POLICE_UK_CRIME_TYPES
            if row["Crime type"] == "Anti-social behaviour":
                assert row["Crime ID"] == row["Last outcome category"] == ""
            else:
                assert re.fullmatch(r"[0-9a-f]{64}", row["Crime ID"])
                assert row["Crime ID"] not in seen_ids
                seen_ids.add(row["Crime ID"])
                assert row["Last outcome category"]
            if row["LSOA code"]:
                assert row["Location"].startswith("On or near ")
                area = areas[row["LSOA code"]]
                assert row["LSOA name"] == area["LSOA name"]
                where = (float(row["Latitude"]), float(row["Longitude"]))
                assert km(where, (float(area["Latitude"]), float(area["Longitude"]))) < 1.5
            else:
                no_location += 1
                assert row["Longitude"] == row["Latitude"] == ""
        total += len(rows)
    assert 0.01 < no_location / total < 0.03
    assert 2_500 <= sum(monthly) / len(monthly) <= 3_500
    assert min(monthly) > 2_000
    assert max(monthly) < 4_000


def test_violence_on_police_uk_peaks_in_summer_and_december(demo: DemoFiles) -> None:
    by_month: Counter[int] = Counter()
    for path in demo.police_uk:
        _, rows = read(path)
        by_month[int(path.name[5:7])] += sum(
            r["Crime type"] == "Violence and sexual offences" for r in rows
        )
    average = sum(by_month.values()) / 12
    assert by_month[7] > 1.08 * average
    assert by_month[12] > average
    assert by_month[2] < 0.92 * average


def test_the_force_extract_is_one_file_covering_the_36_months(
    demo: DemoFiles, extract: list[dict[str, str]]
) -> None:
    header, _ = read(demo.force_extract)
    assert header == [
        "Offence reference", "Offence date", "Home Office offence code", "Offence description",
        "Knife or sharp instrument", "Homicide", "Victim age band", "Domestic abuse", "LSOA code",
        "Latitude", "Longitude",
    ]  # fmt: skip
    assert len({r["Offence reference"] for r in extract}) == len(extract)
    months = {r["Offence date"][:7] for r in extract}
    assert months == {f"{m:%Y-%m}" for m in demo.months}
    for row in extract:
        assert date.fromisoformat(row["Offence date"]) < TODAY
        for column in ("Knife or sharp instrument", "Homicide", "Domestic abuse"):
            assert row[column] in {"Y", "N"}
        assert row["Victim age band"] in {*demo_world.AGE_BANDS, ""}


def test_knife_crime_falls_over_the_three_years(extract: list[dict[str, str]]) -> None:
    monthly = knife_by_month(extract)
    assert len(monthly) == 36
    assert 55 <= sum(monthly) / 36 <= 95
    first, last = sum(monthly[:12]), sum(monthly[-12:])
    assert 0.60 <= last / first <= 0.85


def test_knife_crime_peaks_in_summer(extract: list[dict[str, str]]) -> None:
    months = sorted({r["Offence date"][:7] for r in extract})
    monthly = knife_by_month(extract)
    # Each month against the 12 months around it, so the fall over the years does not hide it.
    ratio: dict[int, list[float]] = defaultdict(list)
    for i in range(6, 30):
        ratio[int(months[i][5:])].append(monthly[i] / (sum(monthly[i - 6 : i + 6]) / 12))
    profile = {month: sum(values) / len(values) for month, values in ratio.items()}
    peaks = sorted(profile, key=lambda month: -profile[month])[:3]
    assert len({6, 7, 8, 12} & set(peaks)) >= 2
    assert profile[7] > 1.05


def test_knife_crime_concentrates_in_a_few_lsoas_that_stay_hot(
    extract: list[dict[str, str]], areas: dict[str, dict[str, str]]
) -> None:
    knife = [r for r in extract if r["Knife or sharp instrument"] == "Y" and r["LSOA code"]]
    counts = Counter(r["LSOA code"] for r in knife)
    top = [code for code, _ in counts.most_common(len(areas) // 20)]  # the top 5% of LSOAs
    assert sum(counts[code] for code in top) / len(knife) > 0.30
    centres = {areas[code]["Ward name"] for code in top[:6]}
    assert {"St Michael's", "St Peter's"} <= centres

    def top_of(year_rows: list[dict[str, str]]) -> set[str]:
        year = Counter(r["LSOA code"] for r in year_rows)
        return {code for code, _ in year.most_common(10)}

    months = sorted({r["Offence date"][:7] for r in knife})
    first_year = [r for r in knife if r["Offence date"][:7] <= months[11]]
    last_year = [r for r in knife if r["Offence date"][:7] >= months[-12]]
    assert len(top_of(first_year) & top_of(last_year)) >= 6


def test_knife_crime_victims_are_often_under_25_and_homicides_are_few(
    extract: list[dict[str, str]],
) -> None:
    knife = [r for r in extract if r["Knife or sharp instrument"] == "Y"]
    under_25 = sum(r["Victim age band"] in {"0-17", "18-24"} for r in knife)
    assert under_25 / len(knife) > 0.35
    assert 0.1 < sum(r["Domestic abuse"] == "Y" for r in knife) / len(knife) < 0.3
    homicides = Counter(r["Offence date"][:4] for r in extract if r["Homicide"] == "Y")
    assert 6 <= sum(homicides.values()) <= 40
    assert all(n <= 15 for n in homicides.values())


def test_istv_files_are_a_quarter_each_per_site(demo: DemoFiles) -> None:
    assert len(demo.istv) == 24
    rows = []
    for path in demo.istv:
        header, file_rows = read(path)
        assert header == [
            "Reporting period start date", "Reporting period end date", "Site code",
            "Arrival date", "Arrival time", "Assault date", "Assault time", "Assault method",
            "Assault method other", "Assault location type", "Assault location description",
            "Patient age band",
        ]  # fmt: skip
        assert len({r["Site code"] for r in file_rows}) == 1
        assert len({(r["Reporting period start date"], r["Reporting period end date"])
                    for r in file_rows}) == 1  # fmt: skip
        rows.extend(file_rows)
    for row in rows:
        arrived = datetime.fromisoformat(f"{row['Arrival date']} {row['Arrival time']}")
        assaulted = datetime.fromisoformat(f"{row['Assault date']} {row['Assault time']}")
        assert assaulted <= arrived
        assert row["Reporting period start date"] <= row["Arrival date"]
        assert row["Arrival date"] <= row["Reporting period end date"]
        assert row["Assault method other"] in {*demo_world.METHOD_OTHER_WORDS, ""}
        assert row["Assault location description"] in {*demo_world.LOCATION_WORDS, ""}
        assert row["Patient age band"] in {*demo_world.AGE_BANDS, ""}
    sharp = [r for r in rows if r["Assault method"] == "Knife or sharp object"]
    assert 0.15 <= len(sharp) / len(rows) <= 0.25
    assert {r["Site code"] for r in rows} == {"RKB01", "RL403"}
    months = {r["Arrival date"][:7] for r in rows}
    assert len(months) == 36


def test_the_same_seed_and_day_give_the_same_files(demo: DemoFiles, tmp_path: Path) -> None:
    again = build_demo_files(tmp_path / "again", today=TODAY)
    for first, second in zip(
        [*demo.police_uk, demo.force_extract, *demo.istv, demo.areas, demo.population],
        [*again.police_uk, again.force_extract, *again.istv, again.areas, again.population],
        strict=True,
    ):
        assert first.read_bytes() == second.read_bytes()
    other = build_demo_files(tmp_path / "other", today=TODAY, seed=7)
    assert other.police_uk[0].read_bytes() != demo.police_uk[0].read_bytes()


def store_totals() -> dict[tuple[str, str], int]:
    """Every source and measure's total at local authority level, as the pages read them."""
    con = store.connect()
    try:
        found = con.sql(
            "select measure, area_code, sum(n) from counts where level = 'la' group by all"
        ).fetchall()
    finally:
        con.close()
    return {(str(measure), str(area)): int(n) for measure, area, n in found}


def coverage() -> Counter[str]:
    con = store.connect()
    try:
        found = con.sql("select source, count(*) from coverage group by all").fetchall()
    finally:
        con.close()
    return Counter({str(source): int(n) for source, n in found})


@pytest.mark.django_db
def test_the_demo_loads_through_the_imports_with_nothing_rejected(
    make_user: Callable[..., User],
) -> None:
    analyst = make_user(Role.ANALYST)
    runs = demo_measures.build(today=timezone.localdate(), actor=analyst)

    assert [run.kind for run in runs] == [
        ImportKind.AREAS, ImportKind.POPULATION, ImportKind.UNIT_COSTS, ImportKind.DEFLATORS,
        ImportKind.ED_SITES, ImportKind.POLICE_UK, ImportKind.FORCE_EXTRACT, ImportKind.ISTV,
    ]  # fmt: skip
    for run in runs:
        assert run.status == ImportStatus.LOADED, run.message
        assert run.started_by == analyst
        assert run.files
        assert run.rows_read == run.rows_loaded + run.rows_rejected
        assert run.rows_rejected == 0, list(run.problems.values_list("reason", flat=True)[:5])
    police_uk = runs[5]
    assert len(police_uk.files) == 36
    assert police_uk.rows_loaded > 36 * 2_500
    assert police_uk.notes.get("No LSOA", 0) > 0
    assert coverage() == {"police_uk": 36, "force_extract": 36, "istv": 72}
    totals = store_totals()
    for la in ("E08000026", "E08000031"):
        assert totals[("knife_crime", la)] > 500
        assert totals[("homicide", la)] > 0
        assert totals[("ed_sharp_injury", la)] > 500
        assert totals[("street:violence-and-sexual-offences", la)] > 10_000


@pytest.mark.django_db
def test_loading_the_demo_again_starts_clean() -> None:
    demo_measures.build(today=timezone.localdate(), actor=None)
    first = store_totals()
    demo_measures.build(today=timezone.localdate(), actor=None)

    assert store_totals() == first  # replaced, never counted twice
    assert ImportRun.objects.count() == 8
    assert not ImportRun.objects.exclude(started_by=None).exists()


@pytest.mark.django_db
def test_loading_the_demo_again_keeps_what_the_analyst_has_imported_since(
    make_user: Callable[..., User], settings: object
) -> None:
    from vrhub.core.demo import DemoWorld

    settings.VRHUB_DEMO_MEASURES = True  # type: ignore[attr-defined]
    analyst = make_user(Role.ANALYST)
    first = DemoWorld(users={"analyst": analyst})
    demo_measures.build_for_world(first)
    loaded = ImportRun.objects.count()
    assert first.created["measures imports"] == loaded == 8
    assert set(ImportRun.objects.values_list("started_by", flat=True)) == {analyst.pk}

    again = DemoWorld(users={"analyst": analyst})
    demo_measures.build_for_world(again)
    assert again.created == {}
    assert ImportRun.objects.count() == loaded


@pytest.mark.django_db
def test_the_tests_demo_world_leaves_the_measures_out(make_user: Callable[..., User]) -> None:
    from vrhub.core.demo import DemoWorld

    demo_measures.build_for_world(DemoWorld(users={"analyst": make_user(Role.ANALYST)}))
    assert not ImportRun.objects.exists()
