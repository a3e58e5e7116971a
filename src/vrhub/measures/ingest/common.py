"""Reading the CSV files partners send: the header, the rows with their line numbers, and the
SQL that turns text into dates, flags and age groups.

Files are read whole with pyarrow as text, then checked and converted in DuckDB, so a force
extract of a few hundred thousand rows never goes through a Python loop. Line numbers assume no
value holds a line break, which none of these formats allow: the header is line 1, the first row
line 2.
"""

from __future__ import annotations

import csv
import re
import shutil
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from vrhub.measures import store
from vrhub.measures.catalogue import Source
from vrhub.measures.ingest.report import (
    ImportRefused,
    ImportResult,
    IncomingFile,
    PartitionLoaded,
    Progress,
    RowProblem,
)

# Bytes read to find a file's header line: far longer than any real header.
_HEADER_BYTES = 64 * 1024


@dataclass(frozen=True)
class Column:
    """One column of a CSV format, as the format page documents it and the importer reads it."""

    name: str  # as a person writes it in the header, e.g. "Offence date"
    key: str  # the name the importer gives it, e.g. "offence_date"
    required: bool  # every row must have a value
    description: str
    example: str
    # False for free text that may identify someone: read past, never kept.
    stored: bool = True
    # True where a file may leave the column out of its header altogether.
    may_omit: bool = False


def normalise_header(name: str) -> str:
    """`"\\ufeffOffence  Date "` and `"offence date"` are the same column."""
    return " ".join(name.replace("\ufeff", "").strip().strip('"').split()).casefold()


def quote(value: str) -> str:
    """A value or a column name inside a message, as the user typed it."""
    return f"\u201c{value}\u201d"


def list_in_words(values: Sequence[str]) -> str:
    if len(values) <= 1:
        return "".join(values)
    return ", ".join(values[:-1]) + " or " + values[-1]


def read_header(file: IncomingFile) -> list[str]:
    """The names in the file's first line, or ImportRefused if it is not a text CSV."""
    try:
        with file.path.open("rb") as handle:
            head = handle.read(_HEADER_BYTES)
    except OSError as error:
        raise ImportRefused(f"{file.name} could not be opened.") from error
    if not head.strip():
        raise ImportRefused(
            f"{file.name} is empty.", [RowProblem(file.name, None, "The file is empty", True)]
        )
    first_line = head.splitlines()[0] if head.splitlines() else b""
    try:
        text = first_line.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        reason = "The file is not a CSV file saved as UTF-8 text"
        raise ImportRefused(
            f"{file.name} is not a CSV file saved as UTF-8 text.",
            [RowProblem(file.name, 1, reason, True)],
        ) from error
    return next(csv.reader([text]), [])


def check_header(
    file: IncomingFile, found: Sequence[str], columns: Sequence[Column], what: str
) -> dict[str, int]:
    """Where each expected column is in the file; ImportRefused naming what is wrong.

    Columns may come in any order; columns the format does not list are read past and never
    kept, so a file with an extra column of names cannot put them in the store.
    """
    normalised = [normalise_header(name) for name in found]
    positions: dict[str, int] = {}
    for position, name in enumerate(normalised):
        positions.setdefault(name, position)
    expected_names = {normalise_header(column.name) for column in columns}
    missing = [
        column
        for column in columns
        if normalise_header(column.name) not in positions and not column.may_omit
    ]
    if missing:
        first = missing[0]
        index = next(i for i, column in enumerate(columns) if column is first)
        if index < len(found) and normalised[index] not in expected_names:
            found_words = f"found {quote(found[index].replace(chr(0xFEFF), '').strip())}"
        else:
            found_words = "it is not in the header"
        reason = f"Column {index + 1} should be {quote(first.name)}: {found_words}"
        problems = [RowProblem(file.name, 1, reason, True)]
        problems += [
            RowProblem(file.name, 1, f"There is no {quote(column.name)} column", True)
            for column in missing[1:]
        ]
        raise ImportRefused(
            f"{file.name} does not have the header of {what}. {reason}. "
            f"The header should be: {', '.join(column.name for column in columns)}.",
            problems,
        )
    duplicated = sorted(
        {name for name in normalised if name in expected_names and normalised.count(name) > 1}
    )
    if duplicated:
        names = [column.name for column in columns if normalise_header(column.name) in duplicated]
        reason = f"The header has {quote(names[0])} more than once"
        raise ImportRefused(f"{file.name}: {reason}.", [RowProblem(file.name, 1, reason, True)])
    return {
        column.key: positions[normalise_header(column.name)]
        for column in columns
        if normalise_header(column.name) in positions
    }


@dataclass
class ReadFile:
    """One file's rows as text, with the rows that could not be split into columns."""

    table: pa.Table  # a string column per Column read, plus source_file and source_line
    problems: list[RowProblem]
    rows_read: int  # including rows rejected for their number of columns
    size: int  # bytes


def read_csv(
    file: IncomingFile, columns: Sequence[Column], what: str, *, file_index: int = 0
) -> ReadFile:
    """Every row of `file` as text, keyed by `Column.key`, with its line number.

    Blank lines are not rows. A row with the wrong number of values is rejected with its line
    number (a file cut short ends with one), and the columns not to be kept are never read into
    memory as values at all.
    """
    found = read_header(file)
    positions = check_header(file, found, columns, what)
    # Name every column of the file by position, so a header with an unknown or a repeated
    # name still reads, and only the columns we keep are converted.
    names = [f"c{position}" for position in range(len(found))]
    wanted = {key: f"c{position}" for key, position in positions.items()}
    stored = [column for column in columns if column.stored and column.key in wanted]
    wrong_width: list[tuple[int, int]] = []
    blank_lines: list[int] = []

    def invalid_row(row: pacsv.InvalidRow) -> str:
        number = int(row.number) if row.number is not None else -1
        if not row.text.strip().strip(","):
            blank_lines.append(number)
        else:
            wrong_width.append((number, int(row.actual_columns)))
        return "skip"

    try:
        table = pacsv.read_csv(
            file.path,
            read_options=pacsv.ReadOptions(
                column_names=names, skip_rows=1, use_threads=False, block_size=1 << 22
            ),
            parse_options=pacsv.ParseOptions(
                invalid_row_handler=invalid_row, ignore_empty_lines=False
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={wanted[c.key]: pa.string() for c in stored},
                include_columns=[wanted[c.key] for c in stored],
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid as error:
        if "UTF8" in str(error):
            reason = "The file is not a CSV file saved as UTF-8 text"
        else:
            reason = "The file could not be read as a CSV file"
        raise ImportRefused(
            f"{file.name}: {reason}.", [RowProblem(file.name, None, reason, True)]
        ) from error
    table = table.rename_columns([c.key for c in stored])
    # Physical line numbers: rows were read in file order, so the lines left after taking out
    # those skipped are the rows' lines.
    skipped = np.array([n for n, _ in wrong_width] + blank_lines, dtype=np.int64)
    lines = np.arange(2, table.num_rows + len(skipped) + 2, dtype=np.int64)
    if len(skipped):
        lines = lines[~np.isin(lines, skipped)]
    # A blank line read as one empty value is a row of empty strings: not a row either.
    if table.num_rows and table.num_columns:
        empty = None
        for name in table.column_names:
            blank = pc.equal(pc.utf8_trim_whitespace(table[name]), "")
            empty = blank if empty is None else pc.and_(empty, blank)
        if empty is not None:
            keep = pc.invert(empty)
            table = table.filter(keep)
            lines = lines[np.asarray(keep.to_numpy(zero_copy_only=False), dtype=bool)]
    table = table.append_column("source_file", pa.array([file.name] * table.num_rows, pa.string()))
    table = table.append_column("source_line", pa.array(lines, pa.int64()))
    table = table.append_column(
        "file_index", pa.array(np.full(table.num_rows, file_index, dtype=np.int64))
    )
    problems = [
        RowProblem(
            file.name,
            number if number > 0 else None,
            f"Line {number} has {count} {'column' if count == 1 else 'columns'}, not {len(found)}",
            True,
        )
        for number, count in sorted(wrong_width)
    ]
    return ReadFile(
        table=table,
        problems=problems,
        rows_read=table.num_rows + len(wrong_width),
        size=file.path.stat().st_size,
    )


@dataclass
class ReadAll:
    table: pa.Table
    problems: list[RowProblem] = field(default_factory=list)
    rows_read: int = 0


def read_all(
    files: Sequence[IncomingFile],
    columns: Sequence[Column],
    what: str,
    progress: Progress,
) -> ReadAll:
    """Every file read before anything is checked, so one bad header refuses the whole import."""
    if not files:
        raise ImportRefused("Choose at least one file to import.")
    tables: list[pa.Table] = []
    result = ReadAll(table=pa.table({}))
    done = 0
    for index, file in enumerate(files):
        read = read_csv(file, columns, what, file_index=index)
        tables.append(read.table)
        result.problems += read.problems
        result.rows_read += read.rows_read
        done += read.size
        progress(done, result.rows_read)
    result.table = pa.concat_tables(tables)
    if result.rows_read == 0:
        names = ", ".join(file.name for file in files)
        raise ImportRefused(
            f"{names}: there are no rows under the header.",
            [
                RowProblem(file.name, None, "There are no rows under the header", True)
                for file in files
            ],
        )
    return result


# SQL building blocks. Each takes a SQL expression over a text column and gives an expression.


def blank(expression: str) -> str:
    return f"nullif(trim({expression}), '')"


_TRUE = "'y', 'yes', 'true', '1'"
_FALSE = "'n', 'no', 'false', '0'"
FLAG_VALUES = "Y or N (yes, no, true, false, 1 or 0 also work)"


def flag(expression: str) -> str:
    """True, false, or null for a blank or a value that is not a flag (see `is_flag`)."""
    value = f"lower(trim({expression}))"
    return f"(case when {value} in ({_TRUE}) then true when {value} in ({_FALSE}) then false end)"


def is_flag(expression: str) -> str:
    return f"(lower(trim({expression})) in ({_TRUE}, {_FALSE}))"


DATE_FORMATS = "YYYY-MM-DD or DD/MM/YYYY"


def to_date(expression: str) -> str:
    """A DATE from YYYY-MM-DD or DD/MM/YYYY, or null when it is neither or no such day."""
    value = f"trim({expression})"
    return (
        f"(case when regexp_full_match({value}, '\\d{{4}}-\\d{{1,2}}-\\d{{1,2}}') "
        f"then try_strptime({value}, '%Y-%m-%d')::date "
        f"when regexp_full_match({value}, '\\d{{1,2}}/\\d{{1,2}}/\\d{{4}}') "
        f"then try_strptime({value}, '%d/%m/%Y')::date end)"
    )


TIME_FORMATS = "HH:MM or HH:MM:SS, on the 24-hour clock"


def to_time(expression: str) -> str:
    value = f"trim({expression})"
    return (
        f"(case when regexp_full_match({value}, '\\d{{1,2}}:\\d{{2}}(:\\d{{2}})?') "
        f"then try_cast({value} as time) end)"
    )


def to_number(expression: str) -> str:
    """A finite DOUBLE, allowing a pound sign and thousands commas; null otherwise."""
    value = f"try_cast(replace(replace(trim({expression}), '\u00a3', ''), ',', '') as double)"
    return f"(case when isfinite({value}) then {value} end)"


def month_of(expression: str) -> str:
    return f"date_trunc('month', {expression})::date"


def under_25(expression: str) -> str:
    """Whether an age band is wholly under 25: true, false, or null when it spans 25 or is
    blank or unrecognised.

    "0-17", "18-24", "under 18" are under 25; "25-34", "65+" are not; "20-29" cannot say.
    """
    band = f"lower(trim({expression}))"
    pair = "'^(\\d+)\\s*(-|to)\\s*(\\d+)$'"
    under = "'^(under|<)\\s*(\\d+)$'"
    over = "'^(\\d+)\\s*(\\+|and over|or over|plus)$'"
    return (
        f"(case when regexp_matches({band}, {pair}) then "
        f"case when try_cast(regexp_extract({band}, {pair}, 3) as integer) <= 24 then true "
        f"when try_cast(regexp_extract({band}, {pair}, 1) as integer) >= 25 then false end "
        f"when regexp_matches({band}, {under}) then "
        f"case when try_cast(regexp_extract({band}, {under}, 2) as integer) <= 25 then true end "
        f"when regexp_matches({band}, {over}) then "
        f"case when try_cast(regexp_extract({band}, {over}, 1) as integer) >= 25 then false end "
        f"end)"
    )


def is_age_band(expression: str) -> str:
    """Whether a band reads as an age band at all ("0-17", "under 18", "65+")."""
    band = f"lower(trim({expression}))"
    return (
        f"(regexp_matches({band}, '^(\\d+)\\s*(-|to)\\s*(\\d+)$') "
        f"or regexp_matches({band}, '^(under|<)\\s*(\\d+)$') "
        f"or regexp_matches({band}, '^(\\d+)\\s*(\\+|and over|or over|plus)$'))"
    )


AGE_BANDS = ("0-17", "18-24", "25-34", "35-44", "45-54", "55-64", "65+")


def sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def first_problem(checks: Iterable[tuple[str, str]]) -> str:
    """A CASE giving the reason of the first check a row fails, in the order given.

    Each check is (condition that means the row is wrong, SQL text expression of the reason).
    """
    whens = " ".join(f"when {condition} then {reason}" for condition, reason in checks)
    return f"(case {whens} end)"


def duplicate_of(key: str, *, among: str) -> str:
    """For a later row with the same `key` as an earlier one, 'line N' (' of file') of the first.

    Only rows meeting `among` take part, so a row rejected for something else never makes a
    good row after it a duplicate.
    """
    order = "file_index, source_line"
    first_line = f"first(source_line) over (partition by {key} order by {order})"
    first_file = f"first(source_file) over (partition by {key} order by {order})"
    first_index = f"first(file_index) over (partition by {key} order by {order})"
    return (
        f"(case when ({among}) and {key} is not null and "
        f"row_number() over (partition by ({among}), {key} order by {order}) > 1 "
        f"then 'line ' || {first_line} || case when {first_index} <> file_index "
        f"then ' of ' || {first_file} else '' end end)"
    )


def rejected_rows(con: duckdb.DuckDBPyConnection, relation: str) -> list[RowProblem]:
    """The rows of `relation` whose `problem` is set, in file and line order."""
    found = con.sql(
        f"select source_file, source_line, problem from {relation} "  # noqa: S608
        "where problem is not null order by file_index, source_line"
    ).fetchall()
    return [RowProblem(str(f), int(line), str(reason), True) for f, line, reason in found]


def note_counts(
    con: duckdb.DuckDBPyConnection, relation: str, notes: Sequence[str]
) -> Counter[str]:
    """How many loaded rows carry each note; `notes` are SQL text expressions, null for none."""
    counted: Counter[str] = Counter()
    if not notes:
        return counted
    listed = ", ".join(notes)
    found = con.sql(
        f"select note, count(*) from (select unnest([{listed}]) as note "  # noqa: S608
        f"from {relation} where problem is null) where note is not null group by note"
    ).fetchall()
    for note, count in found:
        counted[str(note)] = int(count)
    return counted


def months_between(first: date, last: date) -> list[date]:
    months: list[date] = []
    month = first.replace(day=1)
    while month <= last:
        months.append(month)
        month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return months


def month_name(month: date) -> str:
    return f"{month:%Y-%m}"


_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def is_slug(value: str) -> bool:
    return bool(_SLUG.match(value))


def memory() -> duckdb.DuckDBPyConnection:
    """A scratch database for checking rows: nothing in it reaches the store by itself."""
    con = duckdb.connect(":memory:")
    con.execute("set preserve_insertion_order = true")
    return con


def staging_dir(source: Source, import_id: int) -> Path:
    """Where an import writes its Parquet before the store moves it into place."""
    directory = store.staging_root() / f"{source.value}-{import_id}"
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    return directory


def write_partitions(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    columns: str,
    covered: Sequence[tuple[str, date]],
    directory: Path,
) -> list[store.StagedPartition]:
    """One Parquet file per partition-month covered, holding that month's loaded rows.

    A covered month with no rows still gets a file (with no rows), so re-importing it replaces
    what was there with nothing, and the month reads as zero rather than as a gap.
    """
    con.execute(
        f"create or replace temp table staged_rows as select {columns} "  # noqa: S608
        f"from {relation} where problem is null order by file_index, source_line"
    )
    sizes = dict(
        ((str(p), m), int(n))
        for p, m, n in con.sql(
            "select partition, month, count(*) from staged_rows group by all"
        ).fetchall()
    )
    staged: list[store.StagedPartition] = []
    try:
        for partition, month in covered:
            if not store.SAFE_PARTITION.match(str(partition)):
                raise ValueError("A partition is a force slug or a site code")
            path = directory / f"{partition}={month:%Y-%m}.parquet"
            target = sql_text(str(path))
            con.execute(
                "copy (select * from staged_rows where partition = $p and month = $m) "  # noqa: S608
                f"to {target} (format parquet)",
                {"p": partition, "m": month},
            )
            rows = sizes.get((partition, month), 0)
            staged.append(
                store.StagedPartition(partition=partition, month=month, path=path, rows=rows)
            )
    except BaseException:
        shutil.rmtree(directory, ignore_errors=True)
        raise
    return staged


def partitions_loaded(staged: Sequence[store.StagedPartition]) -> list[PartitionLoaded]:
    return [PartitionLoaded(s.partition, s.month, s.rows) for s in staged]


def copy_reference(con: duckdb.DuckDBPyConnection, table: str, column: str, name: str) -> None:
    """Copy one column of a store reference table into the scratch database as `name`."""
    with store.reading() as cur:
        values = cur.sql(f"select distinct {column} from {table}").to_arrow_table()  # noqa: S608
    con.register(f"{name}_arrow", values)
    con.execute(f"create temp table {name} as select * from {name}_arrow")  # noqa: S608


@dataclass
class Staging:
    """An import read, checked and written to Parquet, waiting to replace what the store holds."""

    result: ImportResult
    staged: list[store.StagedPartition]
    directory: Path


def checked_result(
    con: duckdb.DuckDBPyConnection, read: ReadAll, *also: str
) -> tuple[ImportResult, tuple[Any, ...]]:
    """What reading and checking found, with `also` (SQL aggregates over the rows `checked`
    kept) alongside. An import that keeps no row is refused here, before anything is written."""
    result = ImportResult(rows_read=read.rows_read, problems=list(read.problems))
    result.problems += rejected_rows(con, "checked")
    result.problems.sort(key=lambda p: (p.file, p.line or 0))
    aggregates = "".join(f", {expression}" for expression in also)
    loaded = con.sql(
        f"select count(*){aggregates} from checked where problem is null"  # noqa: S608
    ).fetchall()[0]
    result.rows_loaded = int(loaded[0])
    result.rows_rejected = result.rows_read - result.rows_loaded
    if not result.rows_loaded:
        raise nothing_loaded(result)
    return result, tuple(loaded[1:])


def stage(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    columns: str,
    covered: Sequence[tuple[str, date]],
    *,
    result: ImportResult,
    import_id: int,
) -> Staging:
    """The rows `checked` kept, written as Parquet for each partition-month covered."""
    directory = staging_dir(source, import_id)
    staged = write_partitions(con, "checked", columns, covered, directory)
    result.partitions = partitions_loaded(staged)
    return Staging(result=result, staged=staged, directory=directory)


def nothing_loaded(result: ImportResult) -> ImportRefused:
    if result.rows_read == 1:
        reason = "The only row could not be imported, for the reason listed. Nothing was changed."
    else:
        reason = (
            f"None of the {result.rows_read} rows could be imported, for the reasons listed. "
            "Nothing was changed."
        )
    return ImportRefused(reason, result.problems)


def commit(source: Source, staging: Staging, *, import_id: int) -> ImportResult:
    """Hand the staged partitions to the store, which replaces them and their counts at once."""
    try:
        store.replace_partitions(source, staging.staged, import_id=import_id)
    finally:
        shutil.rmtree(staging.directory, ignore_errors=True)
    return staging.result
