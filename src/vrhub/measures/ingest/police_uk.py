"""Import police.uk street-level crime files as police.uk publishes them.

A national year is about 6 million rows in 516 files, so nothing here looks at a row from Python:
each file is parsed by pyarrow's CSV reader (on as many threads as there are cores, one file per
thread), checked with vectorised kernels over the few distinct values a column holds (a street
file has one month and 14 crime types), written straight to Parquet, and counted by DuckDB.

Line numbers matter to the person fixing a file. police.uk values never hold a line break, and
the reader is told to keep empty lines and to hand back rows with the wrong number of columns
with their line number, so the n-th row read is line n + 1 of the file (the header is line 1)
once the lines handed back are set aside.

What happens to each kind of bad input:
- a header that is not police.uk's (a renamed, missing or extra column), a file that is not
  UTF-8 text or not a CSV at all, a file that ends part-way through a line, or a quote that is
  never closed: the whole import is refused and the store is left as it was;
- a row with the wrong number of columns, a month that is not YYYY-MM or is after this month, an
  unknown crime type, coordinates that are not numbers, or a Crime ID already seen earlier in
  the import: the row is rejected with its line number;
- no coordinates, no LSOA, or an LSOA the areas table does not hold: the row is loaded and the
  import notes it (such rows count for their force only, as they cannot be placed in an area).
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import uuid
from collections import Counter, defaultdict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
import pyarrow.parquet as pq
from django.utils.text import slugify

from vrhub.measures import store
from vrhub.measures.catalogue import POLICE_UK_CRIME_TYPES, Source, street_measure_key
from vrhub.measures.ingest.report import (
    ImportRefused,
    ImportResult,
    IncomingFile,
    PartitionLoaded,
    Progress,
    RowProblem,
    no_progress,
)

# The street file's columns as police.uk names them, and the raw Parquet column each becomes.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("Crime ID", "crime_id"),
    ("Month", "month"),
    ("Reported by", "reported_by"),
    ("Falls within", "falls_within"),
    ("Longitude", "longitude"),
    ("Latitude", "latitude"),
    ("Location", "location"),
    ("LSOA code", "lsoa_code"),
    ("LSOA name", "lsoa_name"),
    ("Crime type", "crime_type"),
    ("Last outcome category", "last_outcome_category"),
    ("Context", "context"),
)
HEADER: tuple[str, ...] = tuple(name for name, _ in COLUMNS)
OUTCOMES_HEADER: tuple[str, ...] = (*HEADER[:9], "Outcome type")

# Raw Parquet columns, in the order every police.uk partition file holds them.
RAW_COLUMNS: tuple[str, ...] = (
    "partition",
    "month",
    "source_file",
    "source_line",
    *(key for _, key in COLUMNS if key != "month"),
)
RAW_SCHEMA = pa.schema(
    [
        ("partition", pa.string()),
        ("month", pa.date32()),
        ("source_file", pa.string()),
        ("source_line", pa.int32()),
        *(
            (key, pa.float64() if key in {"longitude", "latitude"} else pa.string())
            for key in RAW_COLUMNS[4:]
        ),
    ]
)

# police.uk's slug for each force, by the name its files give in "Falls within".
FORCE_SLUGS: dict[str, str] = {
    "Avon and Somerset Constabulary": "avon-and-somerset",
    "Bedfordshire Police": "bedfordshire",
    "British Transport Police": "btp",
    "Cambridgeshire Constabulary": "cambridgeshire",
    "Cheshire Constabulary": "cheshire",
    "City of London Police": "city-of-london",
    "Cleveland Police": "cleveland",
    "Cumbria Constabulary": "cumbria",
    "Derbyshire Constabulary": "derbyshire",
    "Devon & Cornwall Police": "devon-and-cornwall",
    "Dorset Police": "dorset",
    "Durham Constabulary": "durham",
    "Dyfed-Powys Police": "dyfed-powys",
    "Essex Police": "essex",
    "Gloucestershire Constabulary": "gloucestershire",
    "Greater Manchester Police": "greater-manchester",
    "Gwent Police": "gwent",
    "Hampshire Constabulary": "hampshire",
    "Hertfordshire Constabulary": "hertfordshire",
    "Humberside Police": "humberside",
    "Kent Police": "kent",
    "Lancashire Constabulary": "lancashire",
    "Leicestershire Police": "leicestershire",
    "Lincolnshire Police": "lincolnshire",
    "Merseyside Police": "merseyside",
    "Metropolitan Police Service": "metropolitan",
    "Norfolk Constabulary": "norfolk",
    "North Wales Police": "north-wales",
    "North Yorkshire Police": "north-yorkshire",
    "Northamptonshire Police": "northamptonshire",
    "Northumbria Police": "northumbria",
    "Nottinghamshire Police": "nottinghamshire",
    "Police Service of Northern Ireland": "northern-ireland",
    "South Wales Police": "south-wales",
    "South Yorkshire Police": "south-yorkshire",
    "Staffordshire Police": "staffordshire",
    "Suffolk Constabulary": "suffolk",
    "Surrey Police": "surrey",
    "Sussex Police": "sussex",
    "Thames Valley Police": "thames-valley",
    "Warwickshire Police": "warwickshire",
    "West Mercia Police": "west-mercia",
    "West Midlands Police": "west-midlands",
    "West Yorkshire Police": "west-yorkshire",
    "Wiltshire Police": "wiltshire",
}

MEASURE_KEYS: dict[str, str] = {t: street_measure_key(t) for t in POLICE_UK_CRIME_TYPES}
_MEASURE_VALUES = ", ".join(f"('{t}', '{k}')" for t, k in MEASURE_KEYS.items())

# Rows are first counted by LSOA (6 million rows become a few hundred thousand), and only those
# counts are placed in wards, local authorities and CSPs. A row whose LSOA the areas table does
# not hold counts for its force alone.
COUNTS_SQL = f"""
with by_lsoa as materialized (
    select r.partition, r.month, m.measure, a.lsoa_code, a.ward_code, a.la_code, a.csp_code,
        count(*) as n
    from rows r
    join (values {_MEASURE_VALUES}) as m(crime_type, measure) on m.crime_type = r.crime_type
    left join area a on a.lsoa_code = r.lsoa_code
    group by all
)
select partition, month, 'lsoa' as level, lsoa_code as area_code, measure,
    null::boolean as under_25, sum(n)::bigint as n
from by_lsoa where lsoa_code is not null group by all
union all
select partition, month, 'ward', ward_code, measure, null::boolean, sum(n)::bigint
from by_lsoa where ward_code is not null group by all
union all
select partition, month, 'la', la_code, measure, null::boolean, sum(n)::bigint
from by_lsoa where la_code is not null group by all
union all
select partition, month, 'csp', csp_code, measure, null::boolean, sum(n)::bigint
from by_lsoa where csp_code is not null group by all
union all
select partition, month, 'force', partition, measure, null::boolean, sum(n)::bigint
from by_lsoa group by all
"""  # noqa: S608

NO_COORDINATES = "No coordinates"
NO_LSOA = "No LSOA"
UNKNOWN_LSOA = "LSOA not in the areas table (counted for the force only)"
# Loaded rows with a note are counted in `notes`; only the first few are listed line by line.
NOTED_LINES_KEPT = 100

_STREET_FILE = re.compile(
    r"^(\d{4})-(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)-street\.csv$", re.IGNORECASE
)
_OTHER_POLICE_UK_FILE = re.compile(r"-(outcomes|stop-and-search)\.csv$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_NUMBER = r"^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$"
_BOM = b"\xef\xbb\xbf"
_KEY_MIX = np.uint64(0x9E3779B97F4A7C15)
# Parquet dictionary-encodes the columns whose values repeat; a Crime ID never does.
_DICTIONARY_COLUMNS = [c for c in RAW_COLUMNS if c not in {"crime_id", "source_line"}]
_DICTIONARY_COLUMNS = [c for c in _DICTIONARY_COLUMNS if c not in {"longitude", "latitude"}]


def force_slug(falls_within: str) -> str:
    """police.uk's slug for a force named as in "Falls within": "West Midlands Police" ->
    "west-midlands"; a name not in the list loses "Police" or "Constabulary" and is slugified."""
    name = " ".join(falls_within.split())
    if name in FORCE_SLUGS:
        return FORCE_SLUGS[name]
    for known, slug in FORCE_SLUGS.items():
        if known.lower() == name.lower():
            return slug
    name = re.sub(r"\b(police service|constabulary|police)\b", "", name, flags=re.IGNORECASE)
    return slugify(name.replace("&", " and "))


def _normalise(name: str) -> str:
    return " ".join(name.split()).casefold()


_HEADER_KEYS = {_normalise(name): key for name, key in COLUMNS}
_CRIME_TYPES = {_normalise(t): t for t in POLICE_UK_CRIME_TYPES}
_TYPE_INDEX = {t: i for i, t in enumerate(POLICE_UK_CRIME_TYPES)}
_TYPES = len(POLICE_UK_CRIME_TYPES)
_PARENT_LEVELS = ("ward", "la", "csp")


@dataclass(frozen=True)
class _AreaIndex:
    """The areas table as numbers: each LSOA's row, and the index of its ward, local authority
    and CSP among that level's codes (-1 where it has none)."""

    row_of: dict[str, int]
    codes: dict[str, list[str]]  # level -> codes; "lsoa" -> LSOA codes in row order
    parent: dict[str, npt.NDArray[np.int64]]  # level -> per LSOA row
    # LSOA codes are 9 characters: as fixed-width bytes, sorted, they are looked up without
    # touching Python objects (a national year holds 1.5 million (file, LSOA) pairs).
    sorted_codes: npt.NDArray[np.bytes_] = field(default_factory=lambda: np.empty(0, "S9"))
    sorted_rows: npt.NDArray[np.int64] = field(default_factory=lambda: np.empty(0, np.int64))

    def rows_of(self, codes: Any) -> npt.NDArray[np.int64]:
        """The areas-table row of each code in an Arrow string array (-1 if none, or null)."""
        n = len(codes)
        offsets = np.frombuffer(codes.buffers()[1], dtype=np.int32)[
            codes.offset : codes.offset + n + 1
        ]
        lengths = np.diff(offsets)
        valid = np.asarray(codes.is_valid()) if codes.null_count else np.ones(n, dtype=bool)
        if (
            n
            and len(self.sorted_codes)
            and (lengths[valid] == 9).all()
            and not lengths[~valid].any()
        ):
            data = np.frombuffer(codes.buffers()[2], dtype=np.uint8)
            fixed = data[offsets[0] : offsets[-1]].tobytes()
            wanted = np.frombuffer(fixed, dtype="S9")
            at = np.minimum(np.searchsorted(self.sorted_codes, wanted), len(self.sorted_codes) - 1)
            found = self.sorted_codes[at] == wanted
            rows = np.full(n, -1, dtype=np.int64)
            rows[valid] = np.where(found, self.sorted_rows[at], -1)
            return rows
        return np.array(
            [self.row_of.get(c, -1) if c else -1 for c in codes.to_pylist()], dtype=np.int64
        )

    @classmethod
    def load(cls) -> _AreaIndex:
        cur = store.connect()
        try:
            table = cur.sql(
                "select lsoa_code, ward_code, la_code, csp_code from area order by lsoa_code"
            ).to_arrow_table()
        finally:
            cur.close()
        return cls.from_table(table)

    @classmethod
    def from_table(cls, table: Any) -> _AreaIndex:
        """From an Arrow table with the areas table's lsoa_code, ward_code, la_code, csp_code."""
        lsoas = table["lsoa_code"].to_pylist()
        codes: dict[str, list[str]] = {"lsoa": lsoas}
        parent: dict[str, npt.NDArray[np.int64]] = {}
        for level in _PARENT_LEVELS:
            encoded = table[f"{level}_code"].combine_chunks().dictionary_encode()
            codes[level] = encoded.dictionary.to_pylist()
            parent[level] = np.asarray(encoded.indices.fill_null(-1), dtype=np.int64)
        fixed = [i for i, c in enumerate(lsoas) if len(c.encode()) == 9]
        by_code = sorted(fixed, key=lambda i: lsoas[i])
        return cls(
            row_of={c: i for i, c in enumerate(lsoas)},
            codes=codes,
            parent=parent,
            sorted_codes=np.array([lsoas[i].encode() for i in by_code], dtype="S9"),
            sorted_rows=np.array(by_code, dtype=np.int64),
        )


@dataclass
class _Counts:
    """One force-month's counts, as indexes: per level, (area index, crime type index, n)."""

    levels: dict[str, tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]]


def _aggregate(
    area: npt.NDArray[np.int64], kind: npt.NDArray[np.int64], n: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    known = area >= 0
    key = area[known] * _TYPES + kind[known]
    unique, inverse = np.unique(key, return_inverse=True)
    total = np.bincount(inverse, weights=n[known], minlength=len(unique)).astype(np.int64)
    return unique // _TYPES, unique % _TYPES, total


def _count(
    lsoa_of: npt.NDArray[np.int64],
    lsoa_row: npt.NDArray[np.int64],
    kind: npt.NDArray[np.int64],
    areas: _AreaIndex,
) -> _Counts:
    """What COUNTS_SQL gives for one force-month, from each row's index among the LSOA codes the
    file holds, the areas-table row of each of those codes (-1 if it has none) and each row's
    crime type index: one pass over the rows, the rest over counts."""
    dense = np.bincount(lsoa_of * _TYPES + kind, minlength=len(lsoa_row) * _TYPES)
    cells = np.flatnonzero(dense)
    area = lsoa_row[cells // _TYPES]
    placed = area >= 0
    lsoa = (area[placed], (cells % _TYPES)[placed], dense[cells][placed].astype(np.int64))
    levels = {"lsoa": lsoa}
    for level in _PARENT_LEVELS:
        levels[level] = _aggregate(areas.parent[level][lsoa[0]], lsoa[1], lsoa[2])
    by_type = np.bincount(kind, minlength=_TYPES).astype(np.int64)
    present = np.flatnonzero(by_type)
    levels["force"] = (np.zeros(len(present), dtype=np.int64), present, by_type[present])
    return _Counts(levels)


def _sum_counts(parts: Sequence[_Counts]) -> _Counts:
    if len(parts) == 1:
        return parts[0]
    levels = {}
    for level in parts[0].levels:
        area, kind, n = (np.concatenate([p.levels[level][i] for p in parts]) for i in range(3))
        levels[level] = _aggregate(area, kind, n)
    return _Counts(levels)


@dataclass
class _Piece:
    """The loaded rows of one file for one force-month, held until the whole import is read."""

    file_index: int
    partition: str
    month: date
    table: Any  # pyarrow table of RAW_COLUMNS
    lines: npt.NDArray[np.int32]
    id_rows: npt.NDArray[np.intp]  # rows with a Crime ID, and a 64-bit key for each
    id_keys: npt.NDArray[np.uint64]
    counts: _Counts

    @property
    def rows(self) -> int:
        return int(self.table.num_rows)


@dataclass
class _FileRead:
    index: int
    file: IncomingFile
    size: int
    skipped: bool = False
    refused: list[RowProblem] = field(default_factory=list)
    rows_read: int = 0
    rejected: list[RowProblem] = field(default_factory=list)
    notes: Counter[str] = field(default_factory=Counter)
    noted: list[RowProblem] = field(default_factory=list)
    pieces: list[_Piece] = field(default_factory=list)
    # A header-only file named for a force-month: police.uk saying the force had none.
    empty_month: tuple[str, date] | None = None


class _Refused(Exception):
    def __init__(self, reason: str, line: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line


def _parse_line(raw: bytes) -> list[str]:
    text = raw.decode("utf-8", errors="replace").rstrip("\r\n")
    return next(csv.reader([text]), [])


def _file_month(name: str) -> tuple[str, date] | None:
    match = _STREET_FILE.match(PurePosixPath(name).name)
    if not match:
        return None
    year, month, force = match.groups()
    if not 1 <= int(month) <= 12:
        return None
    return force.lower(), date(int(year), int(month), 1)


def _header_order(header: list[str]) -> list[str] | None:
    """The raw column for each column of the file, or None for a police.uk outcomes file."""
    found = [_normalise(h) for h in header]
    expected = [_normalise(h) for h in HEADER]
    if found == expected:
        return [key for _, key in COLUMNS]
    if found == [_normalise(h) for h in OUTCOMES_HEADER]:
        return None
    if sorted(found) == sorted(expected):
        return [_HEADER_KEYS[h] for h in found]
    missing = [h for h in HEADER if _normalise(h) not in found]
    extra = [h.strip() for h, n in zip(header, found, strict=True) if n not in _HEADER_KEYS]
    if len(missing) == 1 and len(extra) == 1:
        raise _Refused(
            f"The header has a column \u201c{extra[0]}\u201d where police.uk has "
            f"\u201c{missing[0]}\u201d: use the file as police.uk published it",
            1,
        )
    parts = []
    if missing:
        parts.append("it has no " + ", ".join(f"\u201c{m}\u201d" for m in missing) + " column")
    if extra:
        parts.append(
            "it has " + ", ".join(f"\u201c{e}\u201d" for e in extra) + " which police.uk has not"
        )
    if not parts:
        parts.append("a column appears twice")
    raise _Refused(
        "The header is not a police.uk street-level file\u2019s: " + " and ".join(parts), 1
    )


def _id_keys(ids: Any) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.uint64]]:
    """The rows with a Crime ID, and a 64-bit key for each: equal IDs have equal keys (unequal
    ones almost never do, and candidates are compared in full before anything is rejected)."""
    n = len(ids)
    if n == 0 or ids.null_count == n:
        return np.empty(0, np.intp), np.empty(0, np.uint64)
    offsets = np.frombuffer(ids.buffers()[1], dtype=np.int32)[ids.offset : ids.offset + n + 1]
    data = np.frombuffer(ids.buffers()[2], dtype=np.uint8)
    present = np.flatnonzero(np.asarray(ids.is_valid())) if ids.null_count else np.arange(n)
    starts = offsets[:-1][present].astype(np.int64)
    lengths = (offsets[1:] - offsets[:-1])[present].astype(np.int64)
    m = len(present)
    if (lengths == 64).all() and starts[-1] - starts[0] == 64 * (m - 1):
        # police.uk's IDs are 64 hex digits, one after another in the buffer: the first 32
        # digits, read in place as four 64-bit words, carry 128 bits.
        block = data[starts[0] : starts[0] + 64 * m].reshape(m, 64)
        words = np.ascontiguousarray(block[:, :32]).view("<u8")
    else:
        positions = np.arange(8)
        head = starts[:, None] + positions
        tail = (starts + lengths - 8)[:, None] + positions
        limit = len(data) - 1
        first = np.where(positions < lengths[:, None], data[np.clip(head, 0, limit)], 0)
        last = np.where(tail >= starts[:, None], data[np.clip(tail, 0, limit)], 0)
        words = np.concatenate(
            [
                np.ascontiguousarray(first.astype(np.uint8)).view("<u8"),
                np.ascontiguousarray(last.astype(np.uint8)).view("<u8"),
                lengths.astype("<u8")[:, None],
            ],
            axis=1,
        )
    key = np.zeros(m, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for column in range(words.shape[1]):
            key = (key ^ words[:, column]) * _KEY_MIX
    return present, key


def _read_table(
    data: Any, order: list[str], *, numbers: bool, ascii: bool
) -> tuple[Any, list[Any]]:
    invalid: list[Any] = []

    def on_invalid(row: Any) -> str:
        invalid.append(row)
        return "skip"

    types = {key: pa.string() for key in order}
    if numbers:
        types["longitude"] = types["latitude"] = pa.float64()
    table = pcsv.read_csv(
        data,
        read_options=pcsv.ReadOptions(
            column_names=order,
            skip_rows=1,
            # Line numbers are only known reading in order; files are read in parallel instead.
            use_threads=False,
            block_size=min(max(data.size, 1 << 16) + 1, 1 << 28),
        ),
        parse_options=pcsv.ParseOptions(ignore_empty_lines=False, invalid_row_handler=on_invalid),
        convert_options=pcsv.ConvertOptions(
            column_types=types,
            strings_can_be_null=True,
            quoted_strings_can_be_null=True,
            null_values=[""],
            # Checking that text is UTF-8 is a quarter of the reading time, and plain ASCII (as
            # police.uk's files are) cannot fail it.
            check_utf8=not ascii,
        ),
    )
    return table.select([key for _, key in COLUMNS]), invalid


def _encoded(column: Any) -> tuple[npt.NDArray[np.int64], Any]:
    """Each row's index into the column's distinct values (an Arrow array, with a null among
    them for blanks)."""
    encoded = column.combine_chunks().dictionary_encode(null_encoding="encode")
    return np.asarray(encoded.indices, dtype=np.int64), encoded.dictionary


def _constant(value: str, size: int) -> Any:
    return pa.DictionaryArray.from_arrays(
        pa.array(np.zeros(size, dtype=np.int32)), pa.array([value], pa.string())
    )


class _Reader:
    """Reads one file into staged Parquet pieces and their counts, rejecting and noting rows."""

    def __init__(self, *, today: date, staging: Path, areas: _AreaIndex) -> None:
        self.latest = date(today.year, today.month, 1)
        self.staging = staging
        self.areas = areas

    def __call__(self, index: int, file: IncomingFile) -> _FileRead:
        size = file.path.stat().st_size
        read = _FileRead(index=index, file=file, size=size)
        if _OTHER_POLICE_UK_FILE.search(file.name):
            read.skipped = True
            return read
        try:
            self._read(read)
        except _Refused as refusal:
            read.refused.append(RowProblem(file.name, refusal.line, refusal.reason, True))
            read.pieces = []
        return read

    def _read(self, read: _FileRead) -> None:
        raw = read.file.path.read_bytes()
        start = len(_BOM) if raw.startswith(_BOM) else 0
        if len(raw) - start < 1024 and not raw[start:].strip():
            raise _Refused("The file is empty: download it again")
        if raw.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
            raise _Refused("This is not a CSV file: save it as CSV UTF-8 and upload it again")
        end = raw.find(b"\n", start)
        first_line = raw[start : end if end >= 0 else len(raw)]
        try:
            first_line.decode("utf-8")
        except UnicodeDecodeError as error:
            raise _Refused(
                "The file is not UTF-8 text: save it as CSV UTF-8 and upload it again", 1
            ) from error
        order = _header_order(_parse_line(first_line))
        if order is None:
            read.skipped = True
            return
        if not raw.endswith(b"\n"):
            last = raw[raw.rfind(b"\n") + 1 :]
            if len(_parse_line(last)) < len(HEADER) or last.count(b'"') % 2:
                line = raw.count(b"\n") + 1
                raise _Refused(
                    f"The file ends part-way through line {line}: download it again", line
                )
        data = pa.py_buffer(raw)
        ascii = raw.isascii()
        try:
            table, invalid = _read_table(data, order, numbers=True, ascii=ascii)
            numbers_checked = True
        except pa.ArrowInvalid as error:
            if "conversion error to double" not in str(error):
                raise _Refused(*_parse_error(error)) from error
            try:
                table, invalid = _read_table(data, order, numbers=False, ascii=ascii)
            except pa.ArrowInvalid as again:
                raise _Refused(*_parse_error(again)) from again
            numbers_checked = False
        del raw, data
        self._check(read, table, invalid, numbers_checked=numbers_checked)

    def _check(
        self, read: _FileRead, table: Any, invalid: list[Any], *, numbers_checked: bool
    ) -> None:
        name = read.file.name
        n = table.num_rows
        if invalid:
            for row in invalid:
                if "\n" in row.text:
                    raise _Refused(
                        f"Line {row.number} opens a quotation mark that is never closed, so "
                        "the rest of the file cannot be read: download it again",
                        row.number,
                    )
            bad_lines = np.array([row.number for row in invalid], dtype=np.int64)
            lines = np.setdiff1d(np.arange(2, n + len(invalid) + 2), bad_lines).astype(np.int32)
            for row in invalid:
                reason = f"Line {row.number} has {row.actual_columns} columns, not {len(HEADER)}"
                if row.actual_columns > len(HEADER):
                    reason += ": a value with a comma in it may have lost its quotation marks"
                read.rejected.append(RowProblem(name, row.number, reason, True))
        else:
            lines = np.arange(2, n + 2, dtype=np.int32)

        month_of, month_values = _encoded(table["month"])
        type_of, type_values = _encoded(table["crime_type"])
        months, types = month_values.to_pylist(), type_values.to_pylist()

        # Rows with nothing in them (an empty line, or a line of commas) are not rows at all.
        blank: npt.NDArray[np.bool_] | None = None
        if None in months and None in types:
            blank = np.ones(n, dtype=bool)
            for column in table.columns:
                blank &= np.asarray(column.is_null())
            if not blank.any():
                blank = None
        read.rows_read = n + len(invalid) - (int(blank.sum()) if blank is not None else 0)

        reasons: list[str] = [""]
        reason_of = np.zeros(n, dtype=np.int32)

        def reject(mask: npt.NDArray[np.bool_], reason: str) -> None:
            mask = mask & (reason_of == 0)
            if blank is not None:
                mask &= ~blank
            if mask.any():
                reasons.append(reason)
                reason_of[mask] = len(reasons) - 1

        # A street file holds one month and a handful of crime types, so each distinct value is
        # checked once rather than each row.
        month_dates: list[date | None] = []
        for k, value in enumerate(months):
            when = None
            match = _MONTH.match(value.strip()) if value is not None else None
            if match and 1 <= int(match.group(2)) <= 12:
                when = date(int(match.group(1)), int(match.group(2)), 1)
            if value is None:
                reject(month_of == k, "Month is blank")
            elif when is None:
                reject(
                    month_of == k, f"Month \u201c{value}\u201d is not a month in the form YYYY-MM"
                )
            elif when > self.latest:
                reject(month_of == k, f"Month {when:%Y-%m} is in the future")
            month_dates.append(when)

        type_index = np.full(max(len(types), 1), -1, dtype=np.int64)
        for k, value in enumerate(types):
            known = _CRIME_TYPES.get(_normalise(value)) if value is not None else None
            if value is None:
                reject(type_of == k, "Crime type is blank")
            elif known is None:
                reject(type_of == k, f"Crime type \u201c{value}\u201d is not one police.uk uses")
            else:
                type_index[k] = _TYPE_INDEX[known]

        named = _file_month(name)
        if named is not None:
            force_of = np.zeros(n, dtype=np.int64)
            slugs = [named[0]]
        else:
            force_of, falls_values = _encoded(table["falls_within"])
            falls = falls_values.to_pylist()
            slugs = [force_slug(v) if v is not None else "" for v in falls]
            for k, value in enumerate(falls):
                if value is None or not slugs[k]:
                    reject(
                        force_of == k,
                        "Falls within is blank, so the force is not known: name the file "
                        "YYYY-MM-<force>-street.csv as police.uk does",
                    )

        if not numbers_checked:
            table = self._check_numbers(table, reject)

        keep = reason_of == 0
        if blank is not None:
            keep &= ~blank
        for k in np.unique(reason_of[reason_of > 0]):
            for line in lines[reason_of == k]:
                read.rejected.append(RowProblem(name, int(line), reasons[k], True))

        kept = int(keep.sum())
        if kept == 0:
            if named is not None and read.rows_read == 0:
                read.empty_month = named
            return
        if kept < n:
            table = table.filter(pa.array(keep))
            lines, month_of, type_of, force_of = (
                a[keep] for a in (lines, month_of, type_of, force_of)
            )
        kind = type_index[type_of]
        table = table.set_column(
            table.schema.get_field_index("crime_type"),
            "crime_type",
            pa.array(list(POLICE_UK_CRIME_TYPES), pa.string()).take(pa.array(kind)),
        )
        lsoa_of, lsoa_row = self._notes(read, table, lines)

        groups = force_of * max(len(month_dates), 1) + month_of
        distinct = np.unique(groups)
        for group in distinct:
            f, m = divmod(int(group), max(len(month_dates), 1))
            rows = np.flatnonzero(groups == group) if len(distinct) > 1 else None
            month = month_dates[m]
            assert month is not None  # noqa: S101 - rows without a month were rejected
            read.pieces.append(
                self._piece(
                    read,
                    slugs[f],
                    month,
                    table if rows is None else table.take(pa.array(rows)),
                    lines if rows is None else lines[rows],
                    _count(
                        lsoa_of if rows is None else lsoa_of[rows],
                        lsoa_row,
                        kind if rows is None else kind[rows],
                        self.areas,
                    ),
                )
            )

    def _piece(
        self,
        read: _FileRead,
        partition: str,
        month: date,
        part: Any,
        lines: npt.NDArray[np.int32],
        counts: _Counts,
    ) -> _Piece:
        size = part.num_rows
        added = {
            "partition": _constant(partition, size),
            "month": pa.array(np.full(size, np.datetime64(month, "D"))),
            "source_file": _constant(read.file.name, size),
            "source_line": pa.array(lines, pa.int32()),
        }
        table = pa.table(
            [added[c] if c in added else part[c] for c in RAW_COLUMNS], names=list(RAW_COLUMNS)
        )
        id_rows, id_keys = _id_keys(table["crime_id"].combine_chunks())
        return _Piece(
            file_index=read.index,
            partition=partition,
            month=month,
            table=table,
            lines=lines,
            id_rows=id_rows,
            id_keys=id_keys,
            counts=counts,
        )

    def _check_numbers(self, table: Any, reject: Any) -> Any:
        for key, label in (("longitude", "Longitude"), ("latitude", "Latitude")):
            column = table[key].combine_chunks()
            valid = pc.match_substring_regex(column, _NUMBER)
            bad = np.asarray(pc.and_kleene(pc.is_valid(column), pc.invert(valid)).fill_null(False))
            if bad.any():
                values = column.to_pylist()
                for position in np.flatnonzero(bad):
                    single = np.zeros(len(column), dtype=bool)
                    single[position] = True
                    reject(single, f"{label} \u201c{values[position]}\u201d is not a number")
            cleaned = pc.if_else(pa.array(bad), pa.scalar(None, pa.string()), column)
            table = table.set_column(
                table.schema.get_field_index(key),
                key,
                pc.cast(pc.utf8_trim_whitespace(cleaned), pa.float64()),
            )
        return table

    def _notes(
        self, read: _FileRead, table: Any, lines: npt.NDArray[np.int32]
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Note loaded rows with something missing. Returns each row's index among the file's
        LSOA codes, and each of those codes' row in the areas table (-1 if none)."""
        lsoa_of, lsoas = _encoded(table["lsoa_code"])
        lsoa_row = self.areas.rows_of(lsoas)
        no_lsoa = ~np.asarray(lsoas.is_valid())
        unknown = ~no_lsoa & (lsoa_row < 0)
        no_coordinates = np.asarray(
            pc.or_(table["longitude"].is_null(), table["latitude"].is_null())
        )
        for reason, mask in (
            (NO_COORDINATES, no_coordinates if no_coordinates.any() else None),
            (NO_LSOA, no_lsoa[lsoa_of] if no_lsoa.any() else None),
            (UNKNOWN_LSOA, unknown[lsoa_of] if unknown.any() else None),
        ):
            if mask is None:
                continue
            read.notes[reason] += int(mask.sum())
            for line in lines[mask][:NOTED_LINES_KEPT]:
                read.noted.append(RowProblem(read.file.name, int(line), reason, False))
        return lsoa_of, lsoa_row


def _parse_error(error: Exception) -> tuple[str, int | None]:
    text = str(error)
    row = re.search(r"Row #(\d+)", text)
    line = int(row.group(1)) if row else None
    where = f" (line {line})" if line else ""
    if "UTF8" in text or "UTF-8" in text:
        return f"The file is not UTF-8 text{where}: save it as CSV UTF-8 and upload it again", line
    return f"The file could not be read as CSV{where}: download it again", line


def _write(table: Any, path: Path) -> None:
    # Uncompressed: dictionary encoding already shrinks the repeated columns, and the Crime IDs
    # (random hex) hardly compress, so compression would cost time for little space.
    pq.write_table(
        table,
        path,
        compression="none",
        use_dictionary=_DICTIONARY_COLUMNS,
        write_statistics=["partition", "month"],
        store_schema=False,
    )


def _duplicates(pieces: Sequence[_Piece]) -> dict[tuple[int, int], tuple[int, int]]:
    """Rows whose Crime ID an earlier row of the import already has, as
    {(piece, line): (file of the earlier row, its line)}. Files count in the order given."""
    if not pieces:
        return {}
    ordered = np.sort(np.concatenate([p.id_keys for p in pieces]))
    repeated = np.unique(ordered[1:][ordered[1:] == ordered[:-1]])
    if not len(repeated):
        return {}
    candidates: list[tuple[int, int, int, str]] = []
    for piece_no, piece in enumerate(pieces):
        if not len(piece.id_keys):
            continue
        at = np.minimum(np.searchsorted(repeated, piece.id_keys), len(repeated) - 1)
        hit = repeated[at] == piece.id_keys
        if hit.any():
            rows = piece.id_rows[hit]
            ids = piece.table["crime_id"].take(pa.array(rows)).to_pylist()
            for row, crime_id in zip(rows, ids, strict=True):
                candidates.append((piece.file_index, int(piece.lines[row]), piece_no, crime_id))
    first: dict[str, tuple[int, int]] = {}
    later: dict[tuple[int, int], tuple[int, int]] = {}
    for file_index, line, piece_no, crime_id in sorted(candidates):
        if crime_id in first:
            later[(piece_no, line)] = first[crime_id]
        else:
            first[crime_id] = (file_index, line)
    return later


def import_police_uk(
    files: Sequence[IncomingFile],
    *,
    import_id: int,
    today: date,
    progress: Progress = no_progress,
) -> ImportResult:
    """Read and check every street file given, then replace the force-months they hold.

    Outcomes and stop-and-search files are skipped and listed. Nothing reaches the store unless
    every file can be read; the rows that cannot be loaded are listed with their line numbers.
    """
    staging = store.staging_root() / f"{Source.POLICE_UK.value}-{import_id}-{uuid.uuid4().hex[:8]}"
    staging.mkdir(parents=True)
    try:
        result, staged, counts = _stage(files, today=today, staging=staging, progress=progress)
        store.replace_partitions(Source.POLICE_UK, staged, import_id=import_id, counts=counts)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return result


def _stage(
    files: Sequence[IncomingFile], *, today: date, staging: Path, progress: Progress
) -> tuple[ImportResult, list[store.StagedPartition], Any]:
    areas = _AreaIndex.load()
    reader = _Reader(today=today, staging=staging, areas=areas)
    reads: list[_FileRead] = []
    bytes_done = rows_done = 0
    workers = max(1, min(8, os.cpu_count() or 1))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for read in pool.map(reader, range(len(files)), files):
            reads.append(read)
            bytes_done += read.size
            rows_done += read.rows_read
            progress(bytes_done, rows_done)

        refused = [p for r in reads for p in r.refused]
        if refused:
            names = sorted({p.file for p in refused})
            message = (
                f"Nothing was imported: {names[0]} cannot be read. {refused[0].reason}."
                if len(names) == 1
                else f"Nothing was imported: {len(names)} files cannot be read, "
                "for the reasons listed."
            )
            raise ImportRefused(message, refused)

        result = ImportResult()
        result.skipped_files = [r.file.name for r in reads if r.skipped]
        street = [r for r in reads if not r.skipped]
        if not street:
            raise ImportRefused(
                "Nothing was imported: there are no police.uk street-level files in the upload "
                "(their names end in -street.csv)."
            )

        pieces = [p for r in street for p in r.pieces]
        drop: dict[int, list[int]] = defaultdict(list)
        duplicate_problems: list[RowProblem] = []
        for (piece_no, line), (first_file, first_line) in _duplicates(pieces).items():
            name = reads[pieces[piece_no].file_index].file.name
            other = reads[first_file].file.name
            reason = f"Crime ID also on line {first_line}" + (
                "" if other == name else f" of {other}"
            )
            duplicate_problems.append(RowProblem(name, line, reason, True))
            drop[piece_no].append(line)
        for piece_no, lines in drop.items():
            pieces[piece_no] = _without_lines(pieces[piece_no], lines, areas)
        for read in reads:
            read.pieces = []

        staged, counts = _partitions(pieces, street, staging, areas, pool)
        del pieces

    for read in street:
        result.rows_read += read.rows_read
        result.problems.extend(read.rejected)
        result.notes.update(read.notes)
    result.problems.extend(duplicate_problems)
    order = {r.file.name: r.index for r in reads}
    result.problems.sort(key=lambda p: (order.get(p.file, 0), p.line or 0))
    result.rows_rejected = len(result.problems)
    result.problems.extend([p for r in street for p in r.noted][:NOTED_LINES_KEPT])
    result.rows_loaded = sum(s.rows for s in staged)
    result.partitions = [PartitionLoaded(s.partition, s.month, s.rows) for s in staged]
    if result.rows_read and not result.rows_loaded:
        reason = (
            "The only row could not be imported, for the reason listed."
            if result.rows_read == 1
            else f"None of the {result.rows_read:,} rows could be imported, for the reasons listed."
        )
        raise ImportRefused(f"{reason} Nothing was changed.", result.problems)
    return result, staged, counts


def _without_lines(piece: _Piece, lines: list[int], areas: _AreaIndex) -> _Piece:
    """The piece without the given lines, its rows counted again."""
    keep = ~np.isin(piece.lines, np.array(lines, dtype=np.int32))
    table = piece.table.filter(pa.array(keep))
    lsoa_of, lsoas = _encoded(table["lsoa_code"])
    lsoa_row = areas.rows_of(lsoas)
    type_of, types = _encoded(table["crime_type"])
    kind = np.array([_TYPE_INDEX[t] for t in types.to_pylist()] or [0], dtype=np.int64)[type_of]
    id_rows, id_keys = _id_keys(table["crime_id"].combine_chunks())
    return _Piece(
        file_index=piece.file_index,
        partition=piece.partition,
        month=piece.month,
        table=table,
        lines=piece.lines[keep],
        id_rows=id_rows,
        id_keys=id_keys,
        counts=_count(lsoa_of, lsoa_row, kind, areas),
    )


def _partitions(
    pieces: Sequence[_Piece],
    reads: Sequence[_FileRead],
    staging: Path,
    areas: _AreaIndex,
    pool: ThreadPoolExecutor,
) -> tuple[list[store.StagedPartition], Any]:
    """One staged Parquet file per force-month (rows of one force-month from several files are
    joined), written in parallel, and the counts of them all as the `counts` table's columns."""
    by_key: dict[tuple[str, date], list[_Piece]] = defaultdict(list)
    for piece in pieces:
        by_key[(piece.partition, piece.month)].append(piece)
    counted: list[tuple[str, date, _Counts]] = []
    writes: list[tuple[Any, Path]] = []
    staged: list[store.StagedPartition] = []
    for number, ((partition, month), parts) in enumerate(by_key.items()):
        counted.append((partition, month, _sum_counts([p.counts for p in parts])))
        table = parts[0].table if len(parts) == 1 else pa.concat_tables([p.table for p in parts])
        path = staging / f"{number:06d}.parquet"
        writes.append((table, path))
        staged.append(store.StagedPartition(partition, month, path, int(table.num_rows)))
    for read in reads:
        if read.empty_month and read.empty_month not in by_key:
            partition, month = read.empty_month
            path = staging / f"{partition}={month:%Y-%m}.parquet"
            writes.append((RAW_SCHEMA.empty_table(), path))
            by_key[read.empty_month] = []
            staged.append(store.StagedPartition(partition, month, path, 0))
    # Largest first, so the last file written is not a big one started late.
    writes.sort(key=lambda w: -w[0].num_rows)
    list(pool.map(lambda w: _write(*w), writes))
    return sorted(staged, key=lambda s: (s.partition, s.month)), _counts_table(counted, areas)


def _counts_table(counted: Sequence[tuple[str, date, _Counts]], areas: _AreaIndex) -> Any:
    """The rows COUNTS_SQL would give, as an Arrow table of the `counts` columns."""
    measures = pa.array([MEASURE_KEYS[t] for t in POLICE_UK_CRIME_TYPES], pa.string())
    partitions = sorted({p for p, _, _ in counted})
    partition_no = {p: i for i, p in enumerate(partitions)}
    partition_names = pa.array(partitions, pa.string())
    tables = []
    for level in (*("lsoa",), *_PARENT_LEVELS, "force"):
        sizes = np.array([len(c.levels[level][0]) for _, _, c in counted], dtype=np.int64)
        total = int(sizes.sum())
        if not total:
            continue
        area = np.concatenate([c.levels[level][0] for _, _, c in counted])
        kind = np.concatenate([c.levels[level][1] for _, _, c in counted])
        n = np.concatenate([c.levels[level][2] for _, _, c in counted])
        owner = np.repeat(np.array([partition_no[p] for p, _, _ in counted], dtype=np.int64), sizes)
        month = np.repeat(
            np.array([np.datetime64(m, "D") for _, m, _ in counted], dtype="datetime64[D]"),
            sizes,
        )
        partition = partition_names.take(pa.array(owner))
        codes = partition if level == "force" else pa.array(areas.codes[level]).take(pa.array(area))
        tables.append(
            pa.table(
                {
                    "partition": partition,
                    "month": pa.array(month),
                    "level": pa.repeat(pa.scalar(level, pa.string()), total),
                    "area_code": codes,
                    "measure": measures.take(pa.array(kind)),
                    "under_25": pa.nulls(total, pa.bool_()),
                    "n": pa.array(n, pa.int64()),
                }
            )
        )
    if not tables:
        return None
    return pa.concat_tables(tables)
