"""Hot spots: where incidents cluster more than chance would put them, on H3 hexagons.

Incidents are the points of the raw rows (police.uk street crimes, or the force extract's
knife crimes and homicides, which carry coordinates), kept to the area's LSOAs. The study
region is the H3 cells (resolution 8 by default, about 0.7 km2) holding the area's LSOA
centroids with their first ring of neighbours, plus any cell with an incident, so cells with
no incidents count as the zeros they are.

Each cell's Getis-Ord Gi* (esda `G_Local` with `star=True`, binary weights over a cell and its
first ring) is a z-score, tested two-sided against the normal distribution as Getis and Ord
(1995) and the usual hot-spot tools do: a hot spot at 99%, 95% or 90% has z above 2.58, 1.96
or 1.65, a cold spot below the negatives. Permutation inference was tried and left: esda's
conditional permutations keep a cell's own count fixed, so a cell holding most incidents with
quiet neighbours came out a significant *cold* spot. The same data always draw the same map.

ED attendances have no coordinates: their measure has no hot spots.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb
import h3
import numpy as np

from vrhub.measures import store
from vrhub.measures.analysis.areas import Area, lsoa_filter
from vrhub.measures.analysis.periods import financial_year_label
from vrhub.measures.analysis.series import measure_for
from vrhub.measures.catalogue import POLICE_UK_CRIME_TYPES, Source, street_measure_key

DEFAULT_RESOLUTION = 8

HOT_99 = "Hot spot (99%)"
HOT_95 = "Hot spot (95%)"
HOT_90 = "Hot spot (90%)"
NOT_SIGNIFICANT = "Not significant"
COLD_90 = "Cold spot (90%)"
COLD_95 = "Cold spot (95%)"
COLD_99 = "Cold spot (99%)"
CATEGORIES = (HOT_99, HOT_95, HOT_90, NOT_SIGNIFICANT, COLD_90, COLD_95, COLD_99)
# What "hot" means when comparing years: significant at 95% or better.
HOT = (HOT_99, HOT_95)

_CRIME_TYPES = {street_measure_key(t): t for t in POLICE_UK_CRIME_TYPES}
_EXTRACT_FLAGS = {"knife_crime": "knife", "homicide": "homicide"}


@dataclass(frozen=True)
class HotSpot:
    cell: str  # H3 cell index
    count: int
    z: float  # Gi* z-score
    p: float  # two-sided p-value of the z-score
    category: str  # one of CATEGORIES


@dataclass(frozen=True)
class Stability:
    year_a: str  # "2024" (calendar year) or "2024-25" (financial year)
    year_b: str
    hot_a: int  # cells hot (95% or better) in year A
    hot_b: int
    hot_both: int
    share_a_hot_in_b: float | None  # of year A's hot cells, the share hot again in year B
    jaccard: float | None  # cells hot in both / cells hot in either
    incidents_b: int  # year B's incidents in the study region
    incidents_b_in_hot_a: int  # of them, those in year A's hot cells
    hot_a_area_share: float  # year A's hot cells as a share of the study region's area
    pai: float | None  # Predictive Accuracy Index of year A's hot spots for year B
    cells: int  # cells in the study region


def _points_query(
    measure: str, area: Area, start: date, end: date
) -> tuple[str, dict[str, Any]] | None:
    """Distinct incident coordinates with how many incidents each holds, or None if the
    measure has no points."""
    m = measure_for(measure)
    if m.source == Source.POLICE_UK:
        condition = "r.crime_type = $crime_type"
        params: dict[str, Any] = {"crime_type": _CRIME_TYPES[m.key]}
    elif m.source == Source.FORCE_EXTRACT and m.key in _EXTRACT_FLAGS:
        condition = f"r.{_EXTRACT_FLAGS[m.key]}"
        params = {}
    else:
        return None
    relation = store.raw(m.source)
    if "read_parquet" not in relation:
        return None
    in_area, area_params = lsoa_filter(area)
    params.update(area_params)
    # Compared as YYYY-MM text: read through the hive-style folders, `month` may come back as
    # the folder's "2024-01" rather than the file's date.
    params.update({"start": f"{start:%Y-%m}", "end": f"{end:%Y-%m}"})
    # police.uk snaps coordinates to a limited set of anonymised points, so grouping by
    # point first leaves far fewer to index than there are rows.
    sql = f"""
        select r.latitude, r.longitude, count(*) as n
        from {relation} r
        join area on area.lsoa_code = r.lsoa_code
        where {condition} and {in_area}
            and left(cast(r.month as varchar), 7) between $start and $end
            and r.latitude is not null and r.longitude is not null
        group by all
    """  # noqa: S608
    return sql, params


def incident_cells(
    con: duckdb.DuckDBPyConnection,
    *,
    measure: str,
    area: Area,
    start: date,
    end: date,
    resolution: int = DEFAULT_RESOLUTION,
) -> dict[str, int]:
    """Incidents per H3 cell, for cells holding at least one.

    DuckDB counts incidents per distinct point; h3 then indexes each point once (h3 has no
    vectorised call, and police.uk's snapped points are few next to its rows).
    """
    query = _points_query(measure, area, start, end)
    if query is None:
        return {}
    points = con.execute(*query).fetchnumpy()
    if len(points["n"]) == 0:
        return {}
    cells = np.array(
        [
            h3.latlng_to_cell(float(lat), float(lon), resolution)
            for lat, lon in zip(points["latitude"], points["longitude"], strict=True)
        ]
    )
    unique, inverse = np.unique(cells, return_inverse=True)
    totals = np.bincount(inverse, weights=np.asarray(points["n"], dtype=float))
    return {str(c): int(t) for c, t in zip(unique, totals, strict=True)}


def area_cells(
    con: duckdb.DuckDBPyConnection, area: Area, resolution: int = DEFAULT_RESOLUTION
) -> set[str]:
    """The cells of the area's LSOA centroids and their first ring."""
    in_area, params = lsoa_filter(area)
    centroids = con.execute(
        f"select distinct latitude, longitude from area where {in_area} "  # noqa: S608
        "and latitude is not null and longitude is not null",
        params,
    ).fetchall()
    centres = {h3.latlng_to_cell(lat, lon, resolution) for lat, lon in centroids}
    return {cell for centre in centres for cell in h3.grid_disk(centre, 1)}


def study_region(
    con: duckdb.DuckDBPyConnection,
    *,
    measure: str,
    area: Area,
    start: date,
    end: date,
    resolution: int = DEFAULT_RESOLUTION,
) -> dict[str, int]:
    """Every cell of the study region with its incidents, zero included."""
    counts = incident_cells(
        con, measure=measure, area=area, start=start, end=end, resolution=resolution
    )
    region = area_cells(con, area, resolution) | set(counts)
    return {cell: counts.get(cell, 0) for cell in sorted(region)}


def category(z: float, p: float) -> str:
    if p <= 0.01:
        return HOT_99 if z > 0 else COLD_99
    if p <= 0.05:
        return HOT_95 if z > 0 else COLD_95
    if p <= 0.10:
        return HOT_90 if z > 0 else COLD_90
    return NOT_SIGNIFICANT


def gi_star(counts: dict[str, int]) -> list[HotSpot]:
    """Getis-Ord Gi* over the given cells, neighbours being a cell's first H3 ring."""
    from esda import G_Local
    from libpysal.weights import W
    from scipy.stats import norm

    cells = list(counts)
    if not cells:
        return []
    y = np.array([counts[c] for c in cells], dtype=float)
    if len(cells) < 3 or np.ptp(y) == 0:
        # Nothing to test: every cell alike, or too few cells to have neighbours.
        return [
            HotSpot(c, int(v), 0.0, 1.0, NOT_SIGNIFICANT) for c, v in zip(cells, y, strict=True)
        ]
    present = set(cells)
    neighbours = {c: [n for n in h3.grid_disk(c, 1) if n != c and n in present] for c in cells}
    with warnings.catch_warnings():
        # Cells with no neighbour in the region (islands) are expected at its edge.
        warnings.simplefilter("ignore")
        w = W(neighbours, id_order=cells, silence_warnings=True)
        g = G_Local(y, w, transform="B", permutations=0, star=True)
    zs = np.nan_to_num(np.asarray(g.Zs, dtype=float))
    ps = 2 * norm.sf(np.abs(zs))
    return [
        HotSpot(c, int(v), float(z), float(p), category(float(z), float(p)))
        for c, v, z, p in zip(cells, y, zs, ps, strict=True)
    ]


def hot_spots(
    con: duckdb.DuckDBPyConnection,
    *,
    measure: str,
    area: Area,
    start: date,
    end: date,
    resolution: int = DEFAULT_RESOLUTION,
) -> list[HotSpot]:
    """Gi* for every cell of the area's study region, from `start` to `end` (months
    inclusive). Empty when the measure has no points in the area."""
    counts = study_region(
        con, measure=measure, area=area, start=start, end=end, resolution=resolution
    )
    if not any(counts.values()):
        return []
    return gi_star(counts)


def to_geojson(spots: Sequence[HotSpot]) -> dict[str, Any]:
    """A GeoJSON FeatureCollection of the cells' hexagons for a Leaflet map."""
    features = []
    for spot in spots:
        ring = [[lng, lat] for lat, lng in h3.cell_to_boundary(spot.cell)]
        ring.append(ring[0])
        features.append(
            {
                "type": "Feature",
                "id": spot.cell,
                "geometry": {"type": "Polygon", "coordinates": [ring]},
                "properties": {
                    "cell": spot.cell,
                    "count": spot.count,
                    "z": round(spot.z, 3),
                    "p": round(spot.p, 3),
                    "category": spot.category,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def year_span(year: int | str) -> tuple[date, date, str]:
    """2024 -> January to December 2024; "2024-25" -> April 2024 to March 2025."""
    if isinstance(year, str) and "-" in year:
        first = date(int(year.split("-")[0]), 4, 1)
        return first, date(first.year + 1, 3, 31), financial_year_label(first.year)
    if isinstance(year, str) and not year.isdigit():
        raise ValueError(f"{year!r} is not a year: give 2024 or 2024-25")
    y = int(year)
    return date(y, 1, 1), date(y, 12, 31), str(y)


def stability(
    con: duckdb.DuckDBPyConnection,
    *,
    measure: str,
    area: Area,
    year_a: int | str,
    year_b: int | str,
    resolution: int = DEFAULT_RESOLUTION,
) -> Stability:
    """How far year A's hot spots (95% or better) are hot again in year B, and how well they
    would have predicted year B's incidents.

    Both years are tested over the same study region: the area's cells plus any cell with an
    incident in either year. `jaccard` is cells hot in both years over cells hot in either.
    The Predictive Accuracy Index (Chainey, Tompson and Uhlig 2008, "The utility of hotspot
    mapping for predicting spatial patterns of crime", Security Journal 21) is
    PAI = (n / N) / (a / A): the share of year B's incidents that fall in year A's hot cells
    (n of N) over the share of the region's area those cells cover (a of A, from H3 cell areas).
    Above 1, the hot spots caught more incidents than their size alone would.
    """
    start_a, end_a, label_a = year_span(year_a)
    start_b, end_b, label_b = year_span(year_b)
    args: dict[str, Any] = {"measure": measure, "area": area, "resolution": resolution}
    counts_a = incident_cells(con, start=start_a, end=end_a, **args)
    counts_b = incident_cells(con, start=start_b, end=end_b, **args)
    region = sorted(area_cells(con, area, resolution) | set(counts_a) | set(counts_b))
    spots_a = gi_star({c: counts_a.get(c, 0) for c in region}) if counts_a else []
    spots_b = gi_star({c: counts_b.get(c, 0) for c in region}) if counts_b else []
    hot_a = {s.cell for s in spots_a if s.category in HOT}
    hot_b = {s.cell for s in spots_b if s.category in HOT}
    both = hot_a & hot_b
    either = hot_a | hot_b
    incidents_b = sum(counts_b.values())
    caught = sum(counts_b.get(c, 0) for c in hot_a)
    areas = {c: h3.cell_area(c, "km^2") for c in region}
    total_area = sum(areas.values())
    hot_area_share = sum(areas[c] for c in hot_a) / total_area if total_area else 0.0
    pai = (caught / incidents_b) / hot_area_share if incidents_b and hot_area_share else None
    return Stability(
        year_a=label_a,
        year_b=label_b,
        hot_a=len(hot_a),
        hot_b=len(hot_b),
        hot_both=len(both),
        share_a_hot_in_b=len(both) / len(hot_a) if hot_a else None,
        jaccard=len(both) / len(either) if either else None,
        incidents_b=incidents_b,
        incidents_b_in_hot_a=caught,
        hot_a_area_share=hot_area_share,
        pai=pai,
        cells=len(region),
    )
