"""Small stores for the analysis tests, written straight into the tables as an import would.

No tests here: the helpers are shared by the test_analysis_* modules.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime

import pyarrow as pa
import pyarrow.parquet as pq

from vrhub.measures import store
from vrhub.measures.catalogue import Source

# Two local authorities in two forces: Coventry (west-midlands), and Warwick (warwickshire).
COVENTRY = "E08000026"
WARWICK = "E07000222"
AREAS = [
    # lsoa, lsoa name, ward, ward name, la, la name, csp, csp name, force, lat, lon
    ("E01000001", "Coventry 001A", "W1", "Foleshill", COVENTRY, "Coventry", "C1", "Coventry CSP",
     "west-midlands", 52.4200, -1.5000),
    ("E01000002", "Coventry 001B", "W1", "Foleshill", COVENTRY, "Coventry", "C1", "Coventry CSP",
     "west-midlands", 52.4210, -1.5010),
    ("E01000003", "Coventry 002A", "W2", "St Michael's", COVENTRY, "Coventry", "C1",
     "Coventry CSP", "west-midlands", 52.4080, -1.5100),
    ("E01000004", "Warwick 001A", "W3", "Leamington Clarendon", WARWICK, "Warwick", "C2",
     "Warwick CSP", "warwickshire", 52.2900, -1.5350),
]  # fmt: skip


def month(year: int, m: int) -> date:
    return date(year, m, 1)


def months(first: date, last: date) -> list[date]:
    out = [first]
    while out[-1] < last:
        y, m = divmod(out[-1].year * 12 + out[-1].month, 12)
        out.append(date(y, m + 1, 1))
    return out


def add_areas(rows: Iterable[tuple[object, ...]] = AREAS) -> None:
    with store.writing() as con:
        con.executemany("insert into area values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", list(rows))


def add_sites(rows: Iterable[tuple[str, str, str]]) -> None:
    with store.writing() as con:
        con.executemany("insert into ed_site values (?, ?, ?)", list(rows))


def add_coverage(source: str, partition: str, covered: Iterable[date]) -> None:
    with store.writing() as con:
        con.executemany(
            "insert into coverage values (?, ?, ?, 0, 1, ?)",
            [(source, partition, m, datetime(2025, 1, 1)) for m in covered],  # noqa: DTZ001
        )


def add_counts(
    source: str,
    partition: str,
    when: date,
    measure: str,
    by_lsoa: Mapping[str, int],
    *,
    under_25: bool | None = None,
) -> None:
    """Counts at LSOA level and, through the `area` table, at every larger level."""
    with store.writing() as con:
        con.executemany(
            "insert into counts values (?, ?, ?, 'lsoa', ?, ?, ?, ?)",
            [(source, partition, when, code, measure, under_25, n) for code, n in by_lsoa.items()],
        )
        key = [source, partition, when, measure, under_25]
        con.execute(
            "delete from counts where level <> 'lsoa' and source = ? and partition = ? "
            "and month = ? and measure = ? and under_25 is not distinct from ?",
            key,
        )
        for level, column in (
            ("ward", "ward_code"),
            ("la", "la_code"),
            ("csp", "csp_code"),
            ("force", "force"),
        ):
            con.execute(
                f"""insert into counts
                select c.source, c.partition, c.month, '{level}', a.{column}, c.measure,
                    c.under_25, sum(c.n)
                from counts c join area a on a.lsoa_code = c.area_code
                where c.level = 'lsoa' and c.source = ? and c.partition = ? and c.month = ?
                    and c.measure = ? and c.under_25 is not distinct from ?
                group by all""",  # noqa: S608
                key,
            )


def add_la_counts(
    source: str,
    partition: str,
    when: date,
    measure: str,
    la_code: str,
    n: int,
    *,
    under_25: bool | None = None,
) -> None:
    """A count placed at local authority level only, as ED attendances are."""
    with store.writing() as con:
        con.execute(
            "insert into counts values (?, ?, ?, 'la', ?, ?, ?, ?)",
            [source, partition, when, la_code, measure, under_25, n],
        )


def add_police_points(
    force: str, when: date, rows: Iterable[tuple[str, float | None, float | None, str]]
) -> None:
    """A police.uk force-month's raw rows: (crime type, latitude, longitude, LSOA code)."""
    listed = list(rows)
    table = pa.table(
        {
            "partition": [force] * len(listed),
            "month": pa.array([when] * len(listed), pa.date32()),
            "source_file": [f"{when:%Y-%m}-{force}-street.csv"] * len(listed),
            "source_line": list(range(2, len(listed) + 2)),
            "crime_id": [f"c{i}" for i in range(len(listed))],
            "reported_by": [force] * len(listed),
            "falls_within": [force] * len(listed),
            "longitude": pa.array([r[2] for r in listed], pa.float64()),
            "latitude": pa.array([r[1] for r in listed], pa.float64()),
            "location": ["On or near Somewhere"] * len(listed),
            "lsoa_code": [r[3] for r in listed],
            "lsoa_name": [r[3] for r in listed],
            "crime_type": [r[0] for r in listed],
            "last_outcome_category": [None] * len(listed),
            "context": [None] * len(listed),
        },
    )
    path = store.partition_path(Source.POLICE_UK, force, when)
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path)


def add_extract_points(
    force: str, when: date, rows: Iterable[tuple[bool, bool, float, float, str]]
) -> None:
    """A force extract's raw rows for one month: (knife, homicide, latitude, longitude, LSOA)."""
    listed = list(rows)
    table = pa.table(
        {
            "partition": [force] * len(listed),
            "month": pa.array([when] * len(listed), pa.date32()),
            "source_file": ["extract.csv"] * len(listed),
            "source_line": list(range(2, len(listed) + 2)),
            "offence_reference": [f"o{i}" for i in range(len(listed))],
            "offence_date": pa.array([when] * len(listed), pa.date32()),
            "ho_offence_code": ["008/01"] * len(listed),
            "offence_description": ["Wounding"] * len(listed),
            "knife": [r[0] for r in listed],
            "homicide": [r[1] for r in listed],
            "victim_age_band": ["18-24"] * len(listed),
            "domestic": [False] * len(listed),
            "lsoa_code": [r[4] for r in listed],
            "latitude": pa.array([r[2] for r in listed], pa.float64()),
            "longitude": pa.array([r[3] for r in listed], pa.float64()),
        },
    )
    path = store.partition_path(Source.FORCE_EXTRACT, force, when)
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path)
