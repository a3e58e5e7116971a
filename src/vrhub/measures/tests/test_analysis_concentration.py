from __future__ import annotations

import pytest

from vrhub.measures import store
from vrhub.measures.analysis.areas import Area, partnership
from vrhub.measures.analysis.concentration import concentration, place_counts
from vrhub.measures.tests.test_analysis_support import (
    COVENTRY,
    add_areas,
    add_counts,
    add_coverage,
    add_police_points,
    month,
)

VIOLENCE = "street:violence-and-sexual-offences"


def test_all_incidents_in_one_place() -> None:
    result = concentration([40, 0, 0, 0])
    assert result.places == 4
    assert result.incidents == 40
    assert result.top_shares == {1: 1.0, 5: 1.0, 10: 1.0}
    assert result.top_places == {1: 1, 5: 1, 10: 1}
    assert result.gini == pytest.approx(0.75)  # (N - 1) / N
    assert result.lorenz == [(0.0, 0.0), (0.25, 0.0), (0.5, 0.0), (0.75, 0.0), (1.0, 1.0)]
    assert not result.uses_generalised


def test_incidents_spread_evenly_have_a_gini_of_zero() -> None:
    result = concentration([5] * 20)
    assert result.gini == pytest.approx(0.0)
    assert result.top_shares[10] == pytest.approx(0.1)  # 2 of 20 places, 2 of 20 shares
    assert result.lorenz[10] == pytest.approx((0.5, 0.5))


def test_top_shares_take_the_ceiling_of_the_places() -> None:
    # 150 places: the top 1% is 2 places, 5% is 8, 10% is 15.
    counts = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1] + [1] * 140
    result = concentration(counts)
    assert result.top_places == {1: 2, 5: 8, 10: 15}
    assert result.top_shares[1] == pytest.approx(19 / 195)
    assert result.top_shares[5] == pytest.approx(52 / 195)
    assert result.top_shares[10] == pytest.approx(60 / 195)
    # Many places: the curve is drawn at each percent of places.
    assert len(result.lorenz) == 101
    assert result.lorenz[0] == (0.0, 0.0)
    assert result.lorenz[-1] == (1.0, 1.0)


def test_generalised_gini_when_places_outnumber_incidents() -> None:
    # Bernasco and Steenbeek's lorenzgini examples: 10 places and 8 incidents.
    result = concentration([5, 2, 1, 0, 0, 0, 0, 0, 0, 0])
    assert result.gini == pytest.approx(0.8)
    assert result.generalised_gini == pytest.approx(0.75)
    assert result.uses_generalised
    assert result.headline_gini == pytest.approx(0.75)


def test_generalised_gini_is_zero_when_each_incident_has_a_place_of_its_own() -> None:
    result = concentration([1, 1, 1] + [0] * 97)
    assert result.gini == pytest.approx(0.97)  # the ordinary Gini reads sparseness as concentration
    assert result.generalised_gini == pytest.approx(0.0)


def test_generalised_gini_equals_gini_with_more_incidents_than_places() -> None:
    result = concentration([10, 8, 2, 0, 0, 0, 0, 0, 0, 0])
    assert result.gini == pytest.approx(0.78)
    assert result.generalised_gini == pytest.approx(0.78)
    assert not result.uses_generalised


def test_no_incidents_has_no_gini() -> None:
    result = concentration([0, 0, 0])
    assert result.gini is None
    assert result.generalised_gini is None
    assert result.top_shares == {1: 0.0, 5: 0.0, 10: 0.0}
    assert result.lorenz == []
    assert concentration([]).places == 0


def test_lsoa_places_include_the_areas_lsoas_without_incidents() -> None:
    add_areas()
    add_coverage("police_uk", "west-midlands", [month(2024, 1), month(2024, 2)])
    add_counts("police_uk", "west-midlands", month(2024, 1), VIOLENCE, {"E01000001": 5})
    add_counts(
        "police_uk", "west-midlands", month(2024, 2), VIOLENCE, {"E01000001": 1, "E01000002": 2}
    )
    add_counts("police_uk", "west-midlands", month(2024, 3), VIOLENCE, {"E01000003": 50})

    places = place_counts(
        store.connect(),
        measure=VIOLENCE,
        area=Area("la", COVENTRY, "Coventry"),
        start=month(2024, 1),
        end=month(2024, 2),
        unit="lsoa",
    )

    assert places == [("E01000001", 6), ("E01000002", 2), ("E01000003", 0)]


def test_partnership_lsoas_follow_the_settings(settings: object) -> None:
    settings.VRHUB_PARTNERSHIP_LOCAL_AUTHORITIES = [COVENTRY]  # type: ignore[attr-defined]
    add_areas()
    places = place_counts(
        store.connect(),
        measure=VIOLENCE,
        area=partnership(),
        start=month(2024, 1),
        end=month(2024, 12),
        unit="lsoa",
    )
    assert sorted(code for code, _ in places) == ["E01000001", "E01000002", "E01000003"]


def test_h3_places_are_the_areas_cells_and_their_ring_plus_cells_with_incidents() -> None:
    add_areas()
    add_police_points(
        "west-midlands",
        month(2024, 1),
        [
            ("Violence and sexual offences", 52.4200, -1.5000, "E01000001"),
            ("Violence and sexual offences", 52.4200, -1.5000, "E01000001"),
            ("Violence and sexual offences", 52.4700, -1.4000, "E01000002"),  # far from centroids
            ("Robbery", 52.4200, -1.5000, "E01000001"),
            ("Violence and sexual offences", 52.2900, -1.5350, "E01000004"),  # Warwick
        ],
    )

    places = place_counts(
        store.connect(),
        measure=VIOLENCE,
        area=Area("la", COVENTRY, "Coventry"),
        start=month(2024, 1),
        end=month(2024, 1),
        unit="h3",
    )

    counts = [n for _, n in places]
    assert counts[:2] == [2, 1]
    assert sum(counts) == 3
    # Coventry's three centroids sit in one or two neighbouring cells: their rings make a
    # region of at least 7 cells, plus the outlying incident's cell.
    assert len(places) >= 8
    assert counts.count(0) == len(places) - 2


def test_ed_presentations_have_no_places() -> None:
    add_areas()
    places = place_counts(
        store.connect(),
        measure="ed_sharp_injury",
        area=partnership(),
        start=month(2024, 1),
        end=month(2024, 12),
    )
    assert places == []
