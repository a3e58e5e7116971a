"""Querying three national years: every measure for every local authority and month.

Three years of police.uk street-level crime (synthetic, police.uk's format: 43 forces, 36
months, 6,000,000 rows a year) are generated once (kept under var/bench/national/) and imported
a year at a time, as an analyst would. The store then holds about 10 million counts.

The query is what a dashboard of the measures asks: every measure in the catalogue (the Duty's
three core measures and police.uk's 14 crime types; with police.uk data alone only the crime
types have counts) for every local authority and every month of the three years, read from the
`counts` table into memory. It runs on a fresh cursor each time, as a page request would.
Target: under 200 ms; the median and 95th percentile of repeated runs are reported. A second
figure adds coverage, so a force-month never imported reads as a gap rather than as zero.

    python -m bench.measures_query                   # three national years
    python -m bench.measures_query --rows 600000     # a quick run, a tenth of the volume a year
"""

from __future__ import annotations

import argparse
import os
import shutil
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from bench.common import OUT, ROOT, setup_django, summary, write
from bench.measures_import import incoming, national_year

TARGET_MS = 200
RESULTS = ROOT / "bench" / "results"
STORE = OUT / "measures-query-store"

# Every measure for every local authority and month: one row per (authority, month, measure).
COUNTS_QUERY = """
select area_code as la_code, month, measure, sum(n)::bigint as n
from counts
where level = 'la' and month >= $start and month < $end and measure in ({measures})
group by all
"""

# The same with coverage: zero where the authority's force sent the month and nothing of that
# measure happened, null (a gap) where the month was never imported.
COVERED_QUERY = """
with authority as (select distinct la_code, force from area),
months as (select unnest(generate_series($start::date, $end::date - interval 1 month,
    interval 1 month))::date as month),
measure as (select unnest([{measures}]) as measure),
covered as (
    select a.la_code, m.month, bool_or(c.month is not null) as covered
    from authority a cross join months m
    left join coverage c on c.source = 'police_uk' and c.partition = a.force and c.month = m.month
    group by all
),
counted as (
    select area_code as la_code, month, measure, sum(n)::bigint as n
    from counts
    where level = 'la' and month >= $start and month < $end and measure in ({measures})
    group by all
)
select v.la_code, v.month, s.measure,
    case when v.covered then coalesce(c.n, 0) end as n
from covered v cross join measure s
left join counted c on c.la_code = v.la_code and c.month = v.month and c.measure = s.measure
"""


def load_years(*, rows: int, years: int, seed: int, first_year: int) -> dict[str, Any]:
    """Three years generated as one run of months, imported a year at a time."""
    from vrhub.measures.ingest.police_uk import import_police_uk
    from vrhub.measures.ingest.reference import import_reference
    from vrhub.measures.ingest.report import IncomingFile

    generated, generation_seconds = national_year(
        rows=rows * years, months=12 * years, seed=seed, year=first_year
    )
    import_reference("areas", [IncomingFile("areas.csv", generated.areas_csv)], import_id=1)
    files = incoming(generated)
    seconds = []
    for number in range(years):
        prefix = f"{first_year + number}-"
        year_files = [f for f in files if f.name.startswith(prefix)]
        started = time.perf_counter()
        result = import_police_uk(year_files, import_id=2 + number, today=datetime.now(UTC).date())
        seconds.append(round(time.perf_counter() - started, 2))
        print(f"{first_year + number}: {result.rows_loaded:,} rows in {seconds[-1]} s")
    return {
        "what": f"{years} synthetic national years in police.uk's street-level format, "
        f"generated as {12 * years} consecutive months and imported a year at a time",
        "rows": generated.rows,
        "files": len(generated.street_files),
        "generation_seconds": round(generation_seconds, 2) if generation_seconds else None,
        "import_seconds_by_year": seconds,
    }


def timed_runs(run: Callable[[], int], repeat: int) -> tuple[list[float], int]:
    run()  # the first run reads the database file into memory; pages are measured warm
    samples, size = [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        size = run()
        samples.append(time.perf_counter() - started)
    return samples, size


def start(
    doc: str, *, rows_help: str, store: Path, measures_dir: Path, database: str
) -> argparse.Namespace:
    """The options of a run over synthetic national years; then Django, over an empty store.
    The options come first, so that `--help` leaves the last run's store in place."""
    parser = argparse.ArgumentParser(description=doc.split("\n")[0])
    parser.add_argument("--rows", type=int, default=6_000_000, help=rows_help)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20250602)
    parser.add_argument("--first-year", type=int, default=2022)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    shutil.rmtree(store, ignore_errors=True)
    os.environ["VRHUB_MEASURES_DIR"] = str(measures_dir)
    setup_django(database)
    return args


def main() -> None:
    args = start(
        __doc__,
        rows_help="rows a year",
        store=STORE,
        measures_dir=STORE,
        database="measures_query",
    )
    from vrhub.measures import store
    from vrhub.measures.catalogue import MEASURES

    data = load_years(rows=args.rows, years=args.years, seed=args.seed, first_year=args.first_year)
    measures = ", ".join(f"'{key}'" for key in MEASURES)
    window = {"start": date(args.first_year, 1, 1), "end": date(args.first_year + args.years, 1, 1)}
    cur = store.connect()
    [(counts_rows, la_rows)] = cur.sql(
        "select count(*), count(*) filter (where level = 'la') from counts"
    ).fetchall()
    cur.close()

    def query(sql: str, *, python_rows: bool) -> Callable[[], int]:
        text = sql.format(measures=measures)

        def run() -> int:
            cur = store.connect()
            try:
                relation = cur.execute(text, window)
                if python_rows:
                    return len(relation.fetchall())
                return int(relation.to_arrow_table().num_rows)
            finally:
                cur.close()

        return run

    results: dict[str, Any] = {
        "data": data,
        "counts_rows": counts_rows,
        "la_counts": la_rows,
        "load_average_before": [round(x, 2) for x in os.getloadavg()],
    }
    for label, sql, python_rows in (
        ("every_measure_every_la_every_month", COUNTS_QUERY, False),
        ("every_measure_every_la_every_month_as_python_rows", COUNTS_QUERY, True),
        ("with_coverage_gaps_as_null", COVERED_QUERY, False),
    ):
        samples, size = timed_runs(query(sql, python_rows=python_rows), args.repeat)
        stats = summary(samples)
        results[label] = {
            "result_rows": size,
            **stats,
            "target_ms": TARGET_MS,
            "within_target": stats["p95_ms"] < TARGET_MS,
        }
        print(f"{label}: {size:,} rows, median {stats['p50_ms']} ms, p95 {stats['p95_ms']} ms")
    store.close_all()

    name = (
        "measures_query" if args.rows == 6_000_000 and args.years == 3 else "measures_query_quick"
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = write(name, results, measures=len(MEASURES), repeat=args.repeat)
    (RESULTS / path.name).write_text(path.read_text())


if __name__ == "__main__":
    main()
