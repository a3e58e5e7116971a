"""Importing a national year of police.uk street-level crime, against what an analyst would write.

The year is synthetic but in exactly police.uk's format (`vrhub.measures.synthetic.national`):
43 forces, 12 months, 6,000,000 rows in 516 files, about 1.3 GB of CSV, with its areas table. It
is generated once and kept under var/bench/national/, keyed by its parameters.

- vrhub: `import_police_uk` over every file: reading, checking each row, writing the raw rows to
  Parquet and replacing the counts at LSOA, ward, local authority, CSP and force level. The areas
  table is imported first (not timed: it is reference data the store already holds).
  Target: the year in under 60 s; rows per second reported.
- pandas: the import an analyst would write: `pd.read_csv` for each file, `concat`, duplicated
  Crime IDs dropped, `merge` with the areas CSV, then `groupby` for the same five levels.
  vrhub must be at least 5 times faster, end to end.

The two must agree: every count by local authority, month and crime type (and at the other four
levels) is compared, and the benchmark fails if any differs.

The machine may be shared, so each side runs `--repeat` times (3 by default), alternating, each
vrhub run into an empty store; the medians are compared, every run is listed, and the load
average at the start and end is recorded beside them.

    python -m bench.measures_import                  # the national year
    python -m bench.measures_import --rows 600000    # a quick run, a tenth of the volume
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import time
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from bench.common import OUT, ROOT, setup_django, write

TARGET_SECONDS = 60
TARGET_RATIO = 5
RESULTS = ROOT / "bench" / "results"
STORE = OUT / "measures-import-store"
LEVELS = {
    "lsoa": "LSOA in areas",
    "ward": "Ward code",
    "la": "Local authority code",
    "csp": "CSP code",
    "force": "force",
}


def national_year(*, rows: int, months: int, seed: int, year: int) -> Any:
    """The generated year, made once for these parameters and kept for later runs."""
    from vrhub.measures.synthetic.national import GeneratedYear, generate_year

    directory = OUT / "national" / f"{year}-m{months}-r{rows}-s{seed}"
    done = directory / "generated.json"
    if done.exists():
        about = json.loads(done.read_text())
        print(f"Using the year generated before in {directory}")
        return GeneratedYear(
            street_files=[directory / p for p in about["street_files"]],
            areas_csv=directory / about["areas_csv"],
            rows=about["rows"],
            duplicate_crime_ids=about["duplicate_crime_ids"],
        ), None
    shutil.rmtree(directory, ignore_errors=True)
    started = time.perf_counter()
    generated = generate_year(directory, year=year, months=months, rows=rows, seed=seed)
    seconds = time.perf_counter() - started
    print(f"Generated {rows:,} rows in {seconds:.1f} s into {directory}")
    about = asdict(generated)
    about["street_files"] = [p.relative_to(directory).as_posix() for p in generated.street_files]
    about["areas_csv"] = generated.areas_csv.relative_to(directory).as_posix()
    done.write_text(json.dumps(about))
    return generated, seconds


def incoming(generated: Any) -> list[Any]:
    from vrhub.measures.ingest.report import IncomingFile

    base = generated.areas_csv.parent
    return [IncomingFile(p.relative_to(base).as_posix(), p) for p in generated.street_files]


def load_areas(generated: Any) -> None:
    from vrhub.measures.ingest.reference import import_reference
    from vrhub.measures.ingest.report import IncomingFile

    result = import_reference(
        "areas", [IncomingFile("areas.csv", generated.areas_csv)], import_id=1
    )
    print(f"Areas: {result.rows_loaded:,} LSOAs loaded")


def vrhub_import(generated: Any) -> tuple[float, Any]:
    from vrhub.measures.ingest.police_uk import import_police_uk

    files = incoming(generated)
    started = time.perf_counter()
    result = import_police_uk(files, import_id=2, today=datetime.now(UTC).date())
    return time.perf_counter() - started, result


def vrhub_counts() -> dict[tuple[str, str, str, str], int]:
    """{(level, area, YYYY-MM, crime type): n} from the store."""
    from vrhub.measures import store
    from vrhub.measures.ingest.police_uk import MEASURE_KEYS

    crime_type = {key: name for name, key in MEASURE_KEYS.items()}
    cur = store.connect()
    try:
        table = cur.sql(
            "select level, area_code, strftime(month, '%Y-%m') as month, measure, sum(n) as n "
            "from counts where source = 'police_uk' group by all"
        ).fetchall()
    finally:
        cur.close()
    return {(lv, a, m, crime_type[k]): int(n) for lv, a, m, k, n in table}


def pandas_import(generated: Any) -> dict[str, Any]:
    """What an analyst would write with pandas: read, stack, de-duplicate, join, count."""
    import pandas as pd

    frames = []
    for path in generated.street_files:
        frame = pd.read_csv(path)
        frame["force"] = path.name[len("2024-01-") : -len("-street.csv")]
        frames.append(frame)
    crimes = pd.concat(frames, ignore_index=True)
    crimes = crimes[~(crimes["Crime ID"].notna() & crimes["Crime ID"].duplicated())]
    areas = pd.read_csv(generated.areas_csv)
    # Crimes in LSOAs the areas table does not hold count for their force alone.
    areas["LSOA in areas"] = areas["LSOA code"]
    crimes = crimes.merge(
        areas[["LSOA code", "LSOA in areas", "Ward code", "Local authority code", "CSP code"]],
        on="LSOA code",
        how="left",
    )
    return {
        level: crimes.groupby([column, "Month", "Crime type"]).size()
        for level, column in LEVELS.items()
    }


def pandas_counts(counted: dict[str, Any]) -> dict[tuple[str, str, str, str], int]:
    found = {}
    for level, series in counted.items():
        for (area, month, crime_type), n in series.items():
            found[(level, str(area), str(month), str(crime_type))] = int(n)
    return found


def compare(
    ours: dict[tuple[str, str, str, str], int], theirs: dict[tuple[str, str, str, str], int]
) -> dict[str, Any]:
    keys = set(ours) | set(theirs)
    differing = sorted(k for k in keys if ours.get(k) != theirs.get(k))
    by_level = {level: sum(1 for k in ours if k[0] == level) for level in LEVELS}
    return {
        "counts_compared": len(keys),
        "counts_by_level": by_level,
        "la_month_crime_type_counts": by_level["la"],
        "differing": len(differing),
        "first_differences": [
            {"key": list(k), "vrhub": ours.get(k), "pandas": theirs.get(k)} for k in differing[:10]
        ],
        "identical": not differing,
    }


def fresh_store(generated: Any) -> None:
    """An empty store holding only the areas table, so each import starts from the same place."""
    from vrhub.measures import store

    store.close_all()
    shutil.rmtree(STORE, ignore_errors=True)
    load_areas(generated)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=6_000_000)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--seed", type=int, default=20250601)
    parser.add_argument("--year", type=int, default=2024)
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of each, alternating; medians are reported"
    )
    args = parser.parse_args()

    shutil.rmtree(STORE, ignore_errors=True)
    os.environ["VRHUB_MEASURES_DIR"] = str(STORE)
    setup_django("measures_import")
    from vrhub.measures import store

    generated, generation_seconds = national_year(
        rows=args.rows, months=args.months, seed=args.seed, year=args.year
    )
    csv_bytes = sum(p.stat().st_size for p in generated.street_files)

    # The machine is shared: each side runs several times, alternating, and the medians count.
    load_before = os.getloadavg()
    vrhub_runs: list[float] = []
    pandas_runs: list[float] = []
    for _ in range(args.repeat):
        fresh_store(generated)
        seconds, result = vrhub_import(generated)
        vrhub_runs.append(seconds)
        print(f"vrhub: {result.rows_read:,} rows in {seconds:.2f} s")
        started = time.perf_counter()
        counted = pandas_import(generated)
        pandas_runs.append(time.perf_counter() - started)
        print(f"pandas: {pandas_runs[-1]:.2f} s")
    ours = vrhub_counts()
    agreement = compare(ours, pandas_counts(counted))
    store.close_all()

    seconds = statistics.median(vrhub_runs)
    pandas_seconds = statistics.median(pandas_runs)
    ratio = pandas_seconds / seconds
    results = {
        "data": {
            "what": "synthetic national year in police.uk's street-level format",
            "rows": generated.rows,
            "files": len(generated.street_files),
            "csv_bytes": csv_bytes,
            "months": args.months,
            "forces": len({p.name[8:-11] for p in generated.street_files}),
            "duplicated_crime_ids": generated.duplicate_crime_ids,
            "generation_seconds": round(generation_seconds, 2) if generation_seconds else None,
        },
        "vrhub": {
            "seconds": round(seconds, 2),
            "runs_seconds": [round(r, 2) for r in vrhub_runs],
            "rows_per_second": round(result.rows_read / seconds),
            "rows_read": result.rows_read,
            "rows_loaded": result.rows_loaded,
            "rows_rejected": result.rows_rejected,
            "reconciles": result.reconciles,
            "notes": dict(result.notes),
            "force_months": len(result.partitions),
            "target_seconds": TARGET_SECONDS,
            "within_target": seconds < TARGET_SECONDS,
        },
        "pandas": {
            "seconds": round(pandas_seconds, 2),
            "runs_seconds": [round(r, 2) for r in pandas_runs],
            "rows_per_second": round(generated.rows / pandas_seconds),
            "steps": "read_csv per file, concat, drop duplicated Crime IDs, merge areas, "
            "groupby at 5 levels",
        },
        "load_average_1_5_15_min": {
            "before": [round(x, 2) for x in load_before],
            "after": [round(x, 2) for x in os.getloadavg()],
        },
        "speed_up": round(ratio, 2),
        "speed_up_is": "median pandas seconds / median vrhub seconds",
        "target_speed_up": TARGET_RATIO,
        "agreement": agreement,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = (
        "measures_import"
        if args.rows == 6_000_000 and args.months == 12
        else ("measures_import_quick")
    )
    path = write(name, results)
    (RESULTS / path.name).write_text(path.read_text())
    failures = []
    if not agreement["identical"]:
        failures.append(f"{agreement['differing']} counts differ from pandas")
    if not result.reconciles:
        failures.append("rows read do not reconcile")
    if failures:
        sys.exit("Benchmark failed: " + "; ".join(failures))


if __name__ == "__main__":
    main()
