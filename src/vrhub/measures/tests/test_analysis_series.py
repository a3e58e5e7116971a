from __future__ import annotations

import pytest

from vrhub.measures import store
from vrhub.measures.analysis.areas import Area, area_choices, find_area, partnership
from vrhub.measures.analysis.series import MonthCount, monthly_series
from vrhub.measures.tests.test_analysis_support import (
    COVENTRY,
    WARWICK,
    add_areas,
    add_counts,
    add_coverage,
    add_la_counts,
    add_sites,
    month,
    months,
)

VIOLENCE = "street:violence-and-sexual-offences"


@pytest.fixture
def both_las(settings: object) -> None:
    settings.VRHUB_PARTNERSHIP_LOCAL_AUTHORITIES = [COVENTRY, WARWICK]  # type: ignore[attr-defined]


def test_partnership_choices_list_its_places_by_level(both_las: None) -> None:
    add_areas()
    choices = area_choices(store.connect())
    assert choices[0] == partnership()
    by_level = {level: [a.name for a in choices if a.level == level] for level in ("la", "ward")}
    assert by_level["la"] == ["Coventry", "Warwick"]
    assert by_level["ward"] == ["Foleshill", "Leamington Clarendon", "St Michael's"]
    assert Area("force", "west-midlands", "West Midlands") in choices
    # Too many to list at force scale: an LSOA is typed in, and found.
    assert not [a for a in choices if a.level == "lsoa"]


def test_choices_keep_to_the_partnership(settings: object) -> None:
    settings.VRHUB_PARTNERSHIP_LOCAL_AUTHORITIES = [COVENTRY]  # type: ignore[attr-defined]
    add_areas()
    names = [a.name for a in area_choices(store.connect())]
    assert "Coventry" in names
    assert "Warwick" not in names
    assert "Warwickshire" not in names


def test_find_area() -> None:
    add_areas()
    con = store.connect()
    assert find_area(con, "ward", "W2") == Area("ward", "W2", "St Michael's")
    assert find_area(con, "partnership", "partnership") == partnership()
    assert find_area(con, "ward", "nowhere") is None
    assert find_area(con, "planet", "W2") is None


def test_a_month_without_coverage_is_no_data_and_a_covered_month_without_crimes_is_zero() -> None:
    add_areas()
    add_coverage("police_uk", "west-midlands", [month(2024, 1), month(2024, 3)])
    add_counts("police_uk", "west-midlands", month(2024, 1), VIOLENCE, {"E01000001": 5})
    add_counts("police_uk", "west-midlands", month(2024, 1), "street:robbery", {"E01000001": 2})

    coventry = Area("la", COVENTRY, "Coventry")
    series = monthly_series(store.connect(), measure=VIOLENCE, area=coventry)

    assert series == [
        MonthCount(month(2024, 1), 5),
        MonthCount(month(2024, 2), None),
        MonthCount(month(2024, 3), 0),
    ]


def test_months_run_over_the_whole_source_and_a_late_force_has_gaps_before_it_starts() -> None:
    add_areas()
    add_coverage("police_uk", "west-midlands", months(month(2024, 1), month(2024, 4)))
    add_coverage("police_uk", "warwickshire", months(month(2024, 3), month(2024, 4)))
    add_counts("police_uk", "warwickshire", month(2024, 3), VIOLENCE, {"E01000004": 7})

    warwick = Area("la", WARWICK, "Warwick")
    series = monthly_series(store.connect(), measure=VIOLENCE, area=warwick)

    assert [mc.count for mc in series] == [None, None, 7, 0]


def test_partnership_needs_every_force_for_a_month(both_las: None) -> None:
    add_areas()
    add_coverage("police_uk", "west-midlands", months(month(2024, 1), month(2024, 3)))
    add_coverage("police_uk", "warwickshire", [month(2024, 1), month(2024, 3)])
    for m in months(month(2024, 1), month(2024, 3)):
        add_counts("police_uk", "west-midlands", m, VIOLENCE, {"E01000001": 4, "E01000003": 1})
    add_counts("police_uk", "warwickshire", month(2024, 1), VIOLENCE, {"E01000004": 10})

    con = store.connect()
    whole = monthly_series(con, measure=VIOLENCE, area=partnership())
    coventry = monthly_series(con, measure=VIOLENCE, area=Area("la", COVENTRY, "Coventry"))
    ward = monthly_series(con, measure=VIOLENCE, area=Area("ward", "W1", "Foleshill"))

    assert [mc.count for mc in whole] == [15, None, 5]
    assert [mc.count for mc in coventry] == [5, 5, 5]
    assert [mc.count for mc in ward] == [4, 4, 4]


def test_under_25_counts_only_victims_known_to_be_under_25() -> None:
    add_areas()
    add_coverage("force_extract", "west-midlands", [month(2024, 1)])
    add_counts("force_extract", "west-midlands", month(2024, 1), "knife_crime",
               {"E01000001": 3}, under_25=True)  # fmt: skip
    add_counts("force_extract", "west-midlands", month(2024, 1), "knife_crime",
               {"E01000001": 4}, under_25=False)  # fmt: skip
    add_counts("force_extract", "west-midlands", month(2024, 1), "knife_crime",
               {"E01000001": 2}, under_25=None)  # fmt: skip

    con = store.connect()
    coventry = Area("la", COVENTRY, "Coventry")
    everyone = monthly_series(con, measure="knife_crime", area=coventry)
    young = monthly_series(con, measure="knife_crime", area=coventry, under_25=True)

    assert everyone == [MonthCount(month(2024, 1), 9)]
    assert young == [MonthCount(month(2024, 1), 3)]


def test_police_uk_has_no_under_25_figure() -> None:
    add_areas()
    add_coverage("police_uk", "west-midlands", [month(2024, 1)])
    add_counts("police_uk", "west-midlands", month(2024, 1), VIOLENCE, {"E01000001": 5})

    series = monthly_series(
        store.connect(), measure=VIOLENCE, area=Area("la", COVENTRY, "Coventry"), under_25=True
    )

    assert series == [MonthCount(month(2024, 1), None)]


def test_ed_presentations_need_every_site_of_the_local_authority() -> None:
    add_areas()
    add_sites([("RKB01", "University Hospital", COVENTRY), ("RKB02", "City Walk-in", COVENTRY)])
    add_coverage("istv", "RKB01", [month(2024, 1), month(2024, 2)])
    add_coverage("istv", "RKB02", [month(2024, 1)])
    add_la_counts("istv", "RKB01", month(2024, 1), "ed_sharp_injury", COVENTRY, 6)
    add_la_counts("istv", "RKB02", month(2024, 1), "ed_sharp_injury", COVENTRY, 2)
    add_la_counts("istv", "RKB01", month(2024, 2), "ed_sharp_injury", COVENTRY, 3)

    con = store.connect()
    coventry = monthly_series(con, measure="ed_sharp_injury", area=Area("la", COVENTRY, "Coventry"))
    ward = monthly_series(con, measure="ed_sharp_injury", area=Area("ward", "W1", "Foleshill"))

    assert [mc.count for mc in coventry] == [8, None]
    # ED attendances are placed by local authority only: a ward has no ED figures.
    assert [mc.count for mc in ward] == [None, None]


def test_nothing_loaded_is_an_empty_series() -> None:
    add_areas()
    assert monthly_series(store.connect(), measure="homicide", area=partnership()) == []


def test_unknown_measure_is_refused() -> None:
    with pytest.raises(ValueError, match="Unknown measure"):
        monthly_series(store.connect(), measure="jaywalking", area=partnership())
