from __future__ import annotations

from datetime import date

import h3
import pytest

from vrhub.measures import store
from vrhub.measures.analysis.areas import Area
from vrhub.measures.analysis.hotspots import (
    HOT_99,
    NOT_SIGNIFICANT,
    hot_spots,
    stability,
    to_geojson,
)
from vrhub.measures.tests.test_analysis_support import (
    COVENTRY,
    add_areas,
    add_extract_points,
    add_police_points,
    month,
)

COV = Area("la", COVENTRY, "Coventry")
VIOLENCE = "Violence and sexual offences"
VIOLENCE_KEY = "street:violence-and-sexual-offences"

# A 9 x 9 grid of LSOA centroids about a kilometre apart over Coventry.
GRID = [(52.36 + 0.01 * i, -1.58 + 0.015 * j) for i in range(9) for j in range(9)]
CENTRE = GRID[40]
CORNER = GRID[0]


def lsoa(k: int) -> str:
    return f"E0100{k:04d}"


@pytest.fixture
def grid_area() -> None:
    add_areas(
        (lsoa(k), f"Coventry {k:03d}", "W1", "Foleshill", COVENTRY, "Coventry", "C1",
         "Coventry CSP", "west-midlands", lat, lon)
        for k, (lat, lon) in enumerate(GRID)
    )  # fmt: skip


def cluster_points(centre: tuple[float, float], lsoa_code: str) -> list[tuple[float, float, str]]:
    """25 incidents in the centre's cell and 8 in each cell of its ring."""
    cell = h3.latlng_to_cell(*centre, 8)
    points = [(*h3.cell_to_latlng(cell), lsoa_code)] * 25
    for ring_cell in h3.grid_disk(cell, 1):
        if ring_cell != cell:
            points += [(*h3.cell_to_latlng(ring_cell), lsoa_code)] * 8
    return points


def background() -> list[tuple[float, float, str]]:
    """One incident at every LSOA centroid, two at every third."""
    return [
        (lat, lon, lsoa(k)) for k, (lat, lon) in enumerate(GRID) for _ in range(1 + (k % 3 == 0))
    ]


def street_rows(points: list[tuple[float, float, str]]) -> list[tuple[str, float, float, str]]:
    return [(VIOLENCE, lat, lon, code) for lat, lon, code in points]


def plant(when: date, centre: tuple[float, float], lsoa_code: str) -> None:
    rows = street_rows(background() + cluster_points(centre, lsoa_code))
    # Other crime types and rows without coordinates are not violence hot spots.
    rows += [("Robbery", *CORNER, lsoa(0))] * 30 + [(VIOLENCE, None, None, lsoa(0))] * 30  # type: ignore[list-item]
    add_police_points("west-midlands", when, rows)


def test_gi_star_finds_a_planted_cluster(grid_area: None) -> None:
    plant(month(2024, 6), CENTRE, lsoa(40))

    spots = hot_spots(
        store.connect(), measure=VIOLENCE_KEY, area=COV, start=month(2024, 1), end=month(2024, 12)
    )

    by_cell = {s.cell: s for s in spots}
    centre = by_cell[h3.latlng_to_cell(*CENTRE, 8)]
    corner = by_cell[h3.latlng_to_cell(*CORNER, 8)]
    assert centre.count == 25 + 1  # the cluster and the centroid's own background incident
    assert centre.category == HOT_99
    assert centre.z > 3
    assert centre.p <= 0.01
    assert corner.count == 2  # the robberies and rows without coordinates are not counted
    assert corner.category == NOT_SIGNIFICANT
    hot = {s.cell for s in spots if s.category.startswith("Hot spot")}
    cluster = set(h3.grid_disk(h3.latlng_to_cell(*CENTRE, 8), 2))
    assert hot <= cluster
    # Cells without incidents are in the study region too.
    assert any(s.count == 0 for s in spots)


def test_hot_spots_are_the_same_each_time(grid_area: None) -> None:
    plant(month(2024, 6), CENTRE, lsoa(40))
    con = store.connect()
    args = {"measure": VIOLENCE_KEY, "area": COV, "start": month(2024, 1), "end": month(2024, 12)}
    assert hot_spots(con, **args) == hot_spots(con, **args)  # type: ignore[arg-type]


def test_no_incidents_no_hot_spots(grid_area: None) -> None:
    plant(month(2024, 6), CENTRE, lsoa(40))
    con = store.connect()
    assert (
        hot_spots(con, measure=VIOLENCE_KEY, area=COV, start=month(2023, 1), end=month(2023, 12))
        == []
    )
    ed = hot_spots(
        con, measure="ed_sharp_injury", area=COV, start=month(2024, 1), end=month(2024, 12)
    )
    assert ed == []


def test_knife_crime_hot_spots_come_from_the_force_extract(grid_area: None) -> None:
    points = background() + cluster_points(CENTRE, lsoa(40))
    rows = [(True, False, lat, lon, code) for lat, lon, code in points]
    # Homicides without a knife elsewhere do not count as knife crime.
    rows += [(False, True, *CORNER, lsoa(0))] * 40
    add_extract_points("west-midlands", month(2024, 6), rows)

    spots = hot_spots(
        store.connect(), measure="knife_crime", area=COV, start=month(2024, 6), end=month(2024, 6)
    )

    by_cell = {s.cell: s for s in spots}
    assert by_cell[h3.latlng_to_cell(*CENTRE, 8)].category == HOT_99
    assert by_cell[h3.latlng_to_cell(*CORNER, 8)].count == 2


def test_geojson_draws_each_cell_as_a_closed_hexagon(grid_area: None) -> None:
    plant(month(2024, 6), CENTRE, lsoa(40))
    spots = hot_spots(
        store.connect(), measure=VIOLENCE_KEY, area=COV, start=month(2024, 6), end=month(2024, 6)
    )

    geojson = to_geojson(spots)

    assert geojson["type"] == "FeatureCollection"
    assert len(geojson["features"]) == len(spots)
    centre = h3.latlng_to_cell(*CENTRE, 8)
    feature = next(f for f in geojson["features"] if f["properties"]["cell"] == centre)
    ring = feature["geometry"]["coordinates"][0]
    assert feature["geometry"]["type"] == "Polygon"
    assert len(ring) == 7
    assert ring[0] == ring[-1]
    lng, lat = ring[0]  # GeoJSON puts longitude first
    assert lng == pytest.approx(CENTRE[1], abs=0.01)
    assert lat == pytest.approx(CENTRE[0], abs=0.01)
    assert feature["properties"]["count"] == 26
    assert feature["properties"]["category"] == HOT_99


def test_hot_spots_that_stay_put_are_stable_and_predict_next_year(grid_area: None) -> None:
    plant(month(2023, 6), CENTRE, lsoa(40))
    plant(month(2024, 6), CENTRE, lsoa(40))

    result = stability(store.connect(), measure=VIOLENCE_KEY, area=COV, year_a=2023, year_b=2024)

    assert result.year_a == "2023"
    assert result.hot_a > 0
    assert result.hot_a == result.hot_b == result.hot_both
    assert result.share_a_hot_in_b == 1.0
    assert result.jaccard == 1.0
    # Hexagons at one resolution are nearly equal in area, so the PAI is close to
    # (share of incidents caught) / (share of cells flagged).
    assert result.pai is not None
    share_caught = result.incidents_b_in_hot_a / result.incidents_b
    assert result.pai == pytest.approx(share_caught / (result.hot_a / result.cells), rel=0.02)
    assert result.pai > 5


def test_hot_spots_that_move_are_not_stable(grid_area: None) -> None:
    plant(month(2023, 6), CENTRE, lsoa(40))
    plant(month(2024, 6), GRID[10], lsoa(10))

    result = stability(
        store.connect(), measure=VIOLENCE_KEY, area=COV, year_a="2023", year_b="2024"
    )

    assert result.hot_both == 0
    assert result.share_a_hot_in_b == 0.0
    assert result.jaccard == 0.0
    assert result.pai is not None
    assert result.pai < 1


def test_stability_by_financial_year(grid_area: None) -> None:
    plant(month(2024, 3), CENTRE, lsoa(40))  # 2023-24
    plant(month(2024, 4), CENTRE, lsoa(40))  # 2024-25

    result = stability(
        store.connect(), measure=VIOLENCE_KEY, area=COV, year_a="2023-24", year_b="2024-25"
    )

    assert (result.year_a, result.year_b) == ("2023-24", "2024-25")
    assert result.share_a_hot_in_b == 1.0
