"""How concentrated incidents are in a few places: the share in the top 1%, 5% and 10% of
places, the Lorenz curve, and the Gini coefficient (generalised when places outnumber
incidents).

These are a few lines of numpy each: no well-kept Python library computes the generalised
Gini of Bernasco and Steenbeek, and the rest is simpler written out than imported.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

import duckdb
import numpy as np

from vrhub.measures.analysis.areas import Area, lsoa_filter
from vrhub.measures.analysis.hotspots import DEFAULT_RESOLUTION, study_region
from vrhub.measures.analysis.series import measure_for
from vrhub.measures.catalogue import Source

TOP_PERCENTS = (1, 5, 10)
# A chart needs no more points than this to draw the curve faithfully.
LORENZ_POINTS = 101


@dataclass(frozen=True)
class Concentration:
    places: int
    incidents: int
    # Percent of places (1, 5, 10) -> share of incidents (0 to 1) in that many busiest places.
    top_shares: dict[int, float]
    # (share of places, share of incidents) from (0, 0) to (1, 1), quietest places first.
    lorenz: list[tuple[float, float]]
    gini: float | None  # None when there are no incidents
    generalised_gini: float | None
    uses_generalised: bool  # places outnumber incidents, so the generalised Gini is the one to read
    # Percent of places -> how many places that is (the ceiling, at least 1).
    top_places: dict[int, int] = field(default_factory=dict)

    @property
    def headline_gini(self) -> float | None:
        return self.generalised_gini if self.uses_generalised else self.gini


def top_place_count(places: int, percent: int) -> int:
    return max(1, math.ceil(places * percent / 100))


def gini(counts: Sequence[int]) -> float | None:
    """The Gini coefficient of counts over places, from the ordered counts x(1) <= ... <= x(N):
    G = 2 * sum(i * x(i)) / (N * sum(x)) - (N + 1) / N. All in one of N places gives (N-1)/N."""
    x = np.sort(np.asarray(counts, dtype=float))
    n = len(x)
    total = x.sum()
    if n == 0 or total == 0:
        return None
    ranks = np.arange(1, n + 1)
    return float(2 * (ranks * x).sum() / (n * total) - (n + 1) / n)


def generalised_gini(counts: Sequence[int]) -> float | None:
    """The generalised Gini of Bernasco and Steenbeek (2017), "More places than crimes:
    implications for evaluating the law of crime concentration at place", Journal of
    Quantitative Criminology 33(3), 451-467.

    With fewer incidents (n) than places (N), spreading incidents as evenly as possible still
    leaves N - n places empty, so the ordinary Gini can never fall below (N - n) / N and reads
    as concentration that is only sparseness. The generalised Gini measures against that
    maximal equality instead of perfect equality:

        G' = max(1, N / n) * (G - 1) + 1

    which is 0 when every incident is in a different place and equals G when n >= N. (As in
    the authors' lorenzgini package with `unbiased = FALSE`.)
    """
    g = gini(counts)
    if g is None:
        return None
    places = len(counts)
    incidents = float(np.sum(np.asarray(counts, dtype=float)))
    return float(max(1.0, places / incidents) * (g - 1) + 1)


def lorenz_curve(counts: Sequence[int]) -> list[tuple[float, float]]:
    """Cumulative shares, quietest places first, at every place or (for many places) at
    each percent of places."""
    x = np.sort(np.asarray(counts, dtype=float))
    n = len(x)
    total = x.sum()
    if n == 0 or total == 0:
        return []
    cumulative = np.concatenate(([0.0], np.cumsum(x) / total))
    if n + 1 <= LORENZ_POINTS:
        at = np.arange(n + 1)
    else:
        at = np.unique(np.round(np.linspace(0, n, LORENZ_POINTS)).astype(int))
    return [(float(k / n), float(cumulative[k])) for k in at]


def concentration(counts: Sequence[int]) -> Concentration:
    """Concentration of incidents over places, one count per place, zeros included."""
    x = np.sort(np.asarray(counts, dtype=float))[::-1]
    places = len(x)
    incidents = int(x.sum())
    top_places = {p: top_place_count(places, p) for p in TOP_PERCENTS} if places else {}
    top_shares = {
        p: float(x[:k].sum() / incidents) if incidents else 0.0 for p, k in top_places.items()
    }
    return Concentration(
        places=places,
        incidents=incidents,
        top_shares=top_shares,
        lorenz=lorenz_curve(counts),
        gini=gini(counts),
        generalised_gini=generalised_gini(counts),
        uses_generalised=0 < incidents < places,
        top_places=top_places,
    )


_LSOA_COUNTS_SQL = """
select area.lsoa_code, coalesce(sum(c.n), 0) as n
from area
left join counts c
    on c.area_code = area.lsoa_code and c.level = 'lsoa' and c.source = $source
    and c.measure = $measure and c.month >= $start and c.month <= $end
where {in_area}
group by area.lsoa_code
order by n desc, area.lsoa_code
"""


def place_counts(
    con: duckdb.DuckDBPyConnection,
    *,
    measure: str,
    area: Area,
    start: date,
    end: date,
    unit: Literal["lsoa", "h3"] = "lsoa",
    resolution: int = DEFAULT_RESOLUTION,
) -> list[tuple[str, int]]:
    """Incidents per place from `start` to `end` (months inclusive), busiest first, with every
    place of the area that had none.

    'lsoa': every LSOA of the area in the `area` table. 'h3': the cells of the area's LSOA
    centroids with their first ring, plus any cell with an incident. ED attendances are placed
    by site, not LSOA or coordinates, so their measure has no places (an empty list).
    """
    m = measure_for(measure)
    if m.source == Source.ISTV:
        return []
    if unit == "h3":
        region = study_region(
            con, measure=m.key, area=area, start=start, end=end, resolution=resolution
        )
        return sorted(region.items(), key=lambda item: (-item[1], item[0]))
    if unit != "lsoa":
        raise ValueError(f"Unknown place unit {unit!r}: use 'lsoa' or 'h3'")
    in_area, params = lsoa_filter(area)
    rows = con.execute(
        _LSOA_COUNTS_SQL.format(in_area=in_area),
        {
            **params,
            "source": m.source.value,
            "measure": m.key,
            "start": start.replace(day=1),
            "end": end,
        },
    ).fetchall()
    return [(code, int(n)) for code, n in rows]
