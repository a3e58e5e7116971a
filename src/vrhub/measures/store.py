"""The analytical store: DuckDB beside the case database, with raw imports kept as Parquet.

Layout under `settings.VRHUB_MEASURES_DIR` (by default `var/measures/`):

- `measures.duckdb`: reference tables, what has been imported (`coverage`) and the `counts`
  every page and the API read;
- `parquet/<source>/<partition key>=<partition>/month=<YYYY-MM>/data.parquet`: the rows of one
  force-month (police.uk, force extract) or site-month (ISTV) exactly as loaded. Re-importing a
  force-month replaces its file and its counts, so an import is never counted twice.

One process holds the DuckDB database open; threads take cursors from it. Writes go through
`writing()`, which serialises them and wraps them in a transaction.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import duckdb
from django.conf import settings

from vrhub.measures.catalogue import Source

PARTITION_KEYS: dict[Source, str] = {
    Source.POLICE_UK: "force",
    Source.FORCE_EXTRACT: "force",
    Source.ISTV: "site",
}

# Levels of the `counts` table, smallest first. A row without an LSOA is counted at force level
# only (police sources) or at the site's local authority (ISTV).
LEVELS = ("lsoa", "ward", "la", "csp", "force")

SCHEMA = """
create table if not exists area (
    lsoa_code varchar primary key,
    lsoa_name varchar not null,
    ward_code varchar not null,
    ward_name varchar not null,
    la_code varchar not null,
    la_name varchar not null,
    csp_code varchar,
    csp_name varchar,
    force varchar not null,          -- police.uk force slug, e.g. west-midlands
    latitude double,                 -- population-weighted centroid where known
    longitude double
);
create table if not exists population (
    area_code varchar not null,      -- an LSOA code
    age_band varchar not null,       -- e.g. 0-9, 10-17, 18-24, 25-34, 35-49, 50-64, 65+
    year integer not null,
    population integer not null,
    primary key (area_code, age_band, year)
);
create table if not exists unit_cost (
    measure varchar primary key,     -- a key of catalogue.MEASURES
    offence_group varchar not null,  -- the cost of crime category applied, as the source names it
    cost_gbp double not null,
    price_year varchar not null,     -- financial year of the prices, e.g. 2015-16
    source varchar not null
);
create table if not exists deflator (
    financial_year varchar primary key,   -- e.g. 2015-16
    index_value double not null,
    source varchar not null
);
create table if not exists ed_site (
    site_code varchar primary key,   -- ODS code of the emergency department's site
    site_name varchar not null,
    la_code varchar not null         -- the local authority the site's attendances count towards
);
create table if not exists coverage (
    source varchar not null,
    partition varchar not null,      -- force slug or ED site code
    month date not null,             -- first day of the month
    rows_loaded bigint not null,
    import_id bigint not null,       -- measures.ImportRun id in the case database
    imported_at timestamp not null,
    primary key (source, partition, month)
);
create table if not exists counts (
    source varchar not null,
    partition varchar not null,
    month date not null,
    level varchar not null,          -- one of store.LEVELS (and 'site' for ISTV)
    area_code varchar not null,
    measure varchar not null,        -- a key of catalogue.MEASURES
    under_25 boolean,                -- null where the source holds no age
    n bigint not null
);
"""

_lock = threading.Lock()
_write_lock = threading.RLock()
_connections: dict[Path, duckdb.DuckDBPyConnection] = {}


def measures_dir() -> Path:
    return Path(settings.VRHUB_MEASURES_DIR)


def database_path() -> Path:
    return measures_dir() / "measures.duckdb"


def dataset_dir(source: Source) -> Path:
    return measures_dir() / "parquet" / source.value


def partition_path(source: Source, partition: str, month: date) -> Path:
    key = PARTITION_KEYS[source]
    return dataset_dir(source) / f"{key}={partition}" / f"month={month:%Y-%m}" / "data.parquet"


def raw(source: Source) -> str:
    """A FROM clause for every row of a source, or an empty relation if nothing is loaded."""
    files = sorted(dataset_dir(source).glob("*/*/data.parquet"))
    if not files:
        return "(select null::varchar as partition, null::date as month where false)"
    listed = ", ".join("'" + str(f).replace("'", "''") + "'" for f in files)
    return f"read_parquet([{listed}], union_by_name = true)"


def _database() -> duckdb.DuckDBPyConnection:
    path = database_path()
    with _lock:
        con = _connections.get(path)
        if con is None:
            path.parent.mkdir(parents=True, exist_ok=True)
            con = duckdb.connect(str(path))
            con.execute(SCHEMA)
            _connections[path] = con
        return con


def connect() -> duckdb.DuckDBPyConnection:
    """A cursor on this process's connection to the store: use one per thread, close when done."""
    return _database().cursor()


@contextmanager
def writing() -> Iterator[duckdb.DuckDBPyConnection]:
    """One writer at a time, in a transaction: on any error nothing it did remains."""
    with _write_lock:
        cur = connect()
        try:
            cur.execute("begin transaction")
            try:
                yield cur
            except BaseException:
                cur.execute("rollback")
                raise
            cur.execute("commit")
        finally:
            cur.close()


def close_all() -> None:
    """Close every open store (tests, and before the demo replaces the files)."""
    with _lock:
        for con in _connections.values():
            con.close()
        _connections.clear()
