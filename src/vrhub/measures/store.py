"""The analytical store: DuckDB beside the case database, with raw imports kept as Parquet.

Layout under `settings.VRHUB_MEASURES_DIR` (by default `var/measures/`):

- `measures.duckdb`: reference tables, what has been imported (`coverage`) and the `counts`
  every page and the API read;
- `parquet/<source>/<partition key>=<partition>/month=<YYYY-MM>/data.parquet`: the rows of one
  force-month (police.uk, force extract) or site-month (ISTV) exactly as loaded. Re-importing a
  force-month replaces its file and its counts, so an import is never counted twice.
- `staging/`: Parquet an import has written but the store has not yet taken in.

Counts are derived data: each importer module's `COUNTS_SQL` turns its raw rows into `counts`, so
`rebuild_counts()` can recount everything from the Parquet when the areas table changes.

One process holds the DuckDB database open; threads take cursors from it. Writes go through
`writing()`, which serialises them and wraps them in a transaction.
"""

from __future__ import annotations

import importlib
import os
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
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


# What a partition may be called: a force slug (west-midlands) or an ODS site code (RKB01).
SAFE_PARTITION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,63}$")


def partition_path(source: Source, partition: str, month: date) -> Path:
    # A partition comes from a file's contents: one that could name another folder ("../x")
    # must never become a path.
    if not SAFE_PARTITION.match(partition):
        raise ValueError("A partition is a force slug or a site code: letters, digits, hyphens")
    key = PARTITION_KEYS[source]
    return dataset_dir(source) / f"{key}={partition}" / f"month={month:%Y-%m}" / "data.parquet"


def raw_files(source: Source) -> list[Path]:
    return sorted(dataset_dir(source).glob("*/*/data.parquet"))


def _parquet(files: Sequence[Path]) -> str:
    listed = ", ".join("'" + str(f).replace("'", "''") + "'" for f in files)
    # The folders are named like Hive partitions; their names must not replace the files' columns.
    return f"read_parquet([{listed}], union_by_name = true, hive_partitioning = false)"


def raw(source: Source) -> str:
    """A FROM clause for every row of a source, or an empty relation if nothing is loaded."""
    files = raw_files(source)
    if not files:
        return "(select null::varchar as partition, null::date as month where false)"
    return _parquet(files)


def staging_root() -> Path:
    return measures_dir() / "staging"


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
def reading() -> Iterator[duckdb.DuckDBPyConnection]:
    """A cursor for one request or job, closed when it ends."""
    cur = connect()
    try:
        yield cur
    finally:
        cur.close()


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


@dataclass(frozen=True)
class StagedPartition:
    """One partition-month an import has written to Parquet under `staging_root()`.

    `rows` is what coverage records as loaded; a partition-month with no rows still covers its
    month, so it reads as zero, not as a gap.
    """

    partition: str
    month: date
    path: Path
    rows: int


# The module whose COUNTS_SQL turns each source's raw rows into counts.
_COUNTS_MODULES: dict[Source, str] = {
    Source.POLICE_UK: "vrhub.measures.ingest.police_uk",
    Source.FORCE_EXTRACT: "vrhub.measures.ingest.force_extract",
    Source.ISTV: "vrhub.measures.ingest.istv",
}
_COUNT_COLUMNS = "source, partition, month, level, area_code, measure, under_25, n"


def counts_sql(source: Source) -> str | None:
    """The source's COUNTS_SQL, or None while its importer does not exist (so one source's
    importer never stops another's from loading)."""
    name = _COUNTS_MODULES[source]
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name != name:
            raise
        return None
    sql = getattr(module, "COUNTS_SQL", None)
    return sql if isinstance(sql, str) else None


def _insert_counts(
    cur: duckdb.DuckDBPyConnection, source: Source, sql: str, files: Sequence[Path]
) -> None:
    # Importers' COUNTS_SQL read a relation called `rows`; a CTE gives them one over the files.
    cur.execute(
        f"insert into counts ({_COUNT_COLUMNS}) "  # noqa: S608
        f"with rows as (select * from {_parquet(files)}) "
        f"select '{source.value}', partition, month, level, area_code, measure, under_25, n "
        f"from ({sql}) as counted"
    )


def replace_partitions(
    source: Source,
    staged: Sequence[StagedPartition],
    *,
    import_id: int,
    counts: pa.Table | None = None,
    before_commit: Callable[[], object] | None = None,
) -> None:
    """Put staged partition-months in place of whatever the store held for them.

    In one transaction the old counts and coverage of those partition-months go and the new
    ones are added, so a reader sees the old data or the new, never both (which is what keeps a
    re-import from doubling). The staged files are moved into place just before the commit,
    the files they replace kept aside until it has succeeded and put back if it fails.

    The counts come from the source's COUNTS_SQL over the staged files, unless the importer
    has already counted the rows as it read them and passes `counts` (the columns of COUNTS_SQL,
    for exactly these partition-months): a national year is then not read twice.
    """
    if not staged:
        return
    sql = counts_sql(source)
    if sql is None and counts is None:
        raise RuntimeError(f"No importer defines the counts for {source.value}")
    keys = {(s.partition, s.month) for s in staged}
    if len(keys) != len(staged):
        raise ValueError("Each partition-month may be staged once per import")
    imported_at = datetime.now(UTC).replace(tzinfo=None)
    replacing = pa.table(
        {
            "source": pa.array([source.value] * len(staged), pa.string()),
            "partition": pa.array([s.partition for s in staged], pa.string()),
            "month": pa.array([s.month for s in staged], pa.date32()),
            "rows_loaded": pa.array([s.rows for s in staged], pa.int64()),
            "import_id": pa.array([import_id] * len(staged), pa.int64()),
            "imported_at": pa.array([imported_at] * len(staged), pa.timestamp("us")),
        }
    )
    with writing() as cur:
        cur.register("replacing", replacing)
        for table in ("counts", "coverage"):
            cur.execute(
                f"delete from {table} t using replacing r "  # noqa: S608
                "where t.source = r.source and t.partition = r.partition and t.month = r.month"
            )
        if counts is not None:
            # In row-group-sized batches, which the store takes in on all its threads at once.
            batches = counts.to_batches(122_880)
            cur.register("counted", pa.Table.from_batches(batches, schema=counts.schema))
            cur.execute(
                f"insert into counts ({_COUNT_COLUMNS}) "  # noqa: S608
                f"select '{source.value}', partition, month, level, area_code, measure, "
                "under_25, n from counted"
            )
            cur.unregister("counted")
        elif sql is not None:
            _insert_counts(cur, source, sql, [s.path for s in staged])
        cur.execute(
            "insert into coverage (source, partition, month, rows_loaded, import_id, imported_at) "
            "select source, partition, month, rows_loaded, import_id, imported_at from replacing"
        )
        if before_commit is not None:
            before_commit()
        cur.unregister("replacing")
        kept_aside = _move_into_place(source, staged, import_id)
        try:
            cur.execute("commit")
        except BaseException:
            _put_back(kept_aside)
            raise
        finally:
            # writing() commits what is open when the block ends; this transaction is done.
            cur.execute("begin transaction")
    for _, aside in kept_aside:
        if aside is not None:
            aside.unlink(missing_ok=True)


def _move_into_place(
    source: Source, staged: Sequence[StagedPartition], import_id: int
) -> list[tuple[Path, Path | None]]:
    """Move staged files to their partitions; return (target, the file it replaced, if any)."""
    moved: list[tuple[Path, Path | None]] = []
    try:
        for s in staged:
            target = partition_path(source, s.partition, s.month)
            target.parent.mkdir(parents=True, exist_ok=True)
            aside = None
            if target.exists():
                # A second name for the old file, then one atomic rename over it: a reader
                # finds the old file or the new one, never neither.
                aside = target.with_name(f"replaced-by-{import_id}.parquet")
                aside.unlink(missing_ok=True)
                os.link(target, aside)
            moved.append((target, aside))
            os.replace(s.path, target)
    except BaseException:
        _put_back(moved)
        raise
    return moved


def _put_back(moved: Sequence[tuple[Path, Path | None]]) -> None:
    for target, aside in reversed(moved):
        if aside is not None:
            os.replace(aside, target)
        else:
            target.unlink(missing_ok=True)


def rebuild_counts(cur: duckdb.DuckDBPyConnection | None = None) -> None:
    """Recount every source from its Parquet: after the areas table (or ED sites) change.

    Pass the cursor of a `writing()` block to recount inside that transaction, so the new
    reference table and the counts made from it commit together.
    """
    if cur is None:
        with writing() as own:
            _rebuild(own)
    else:
        _rebuild(cur)


def _rebuild(cur: duckdb.DuckDBPyConnection) -> None:
    for source in Source:
        sql = counts_sql(source)
        if sql is None:
            continue
        cur.execute("delete from counts where source = ?", [source.value])
        files = raw_files(source)
        if files:
            _insert_counts(cur, source, sql, files)
