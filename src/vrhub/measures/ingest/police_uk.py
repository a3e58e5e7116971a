"""Import police.uk street-level crime files as police.uk publishes them.

A national year is about 6 million rows in 516 files, so nothing here looks at a row from Python.
Files are read on as many threads as there are cores, one file to a thread: pyarrow's CSV reader
parses it (encoding month, crime type and LSOA as it goes), each distinct value is checked once
(a street file has one month and 14 crime types), the rows are written straight to Parquet and
counted with numpy at every level, so the memory one file took serves the next. Crime IDs are
compared across the whole import as 64-bit keys, and only rows sharing a key are compared in
full. The store then takes the counts and coverage in one transaction (`store.replace_partitions`);
the counts are exactly what COUNTS_SQL gives from the Parquet, which `rebuild_counts` uses.

Line numbers matter to the person fixing a file. police.uk values never hold a line break, and
the reader is told to keep empty lines and to hand back rows with the wrong number of columns
with their line number, so the n-th row read is line n + 1 of the file (the header is line 1)
once the lines handed back are set aside.

What happens to each kind of bad input:
- a header that is not police.uk's (a renamed, missing or extra column), a file that is not
  UTF-8 text or not a CSV at all, a file that ends part-way through a line, a quote that is
  never closed, or one force-month in two files: the whole import is refused and the store is
  left as it was;
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
import pyarrow.fs as pafs
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
_LOCAL = pafs.LocalFileSystem()
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
_LEVELS = ("lsoa", *_PARENT_LEVELS, "force")
# Columns the reader encodes as it parses: they are checked, counted and written by their
# distinct values, so none is hashed twice.
_PARSED_AS_DICTIONARY = ("month", "crime_type", "lsoa_code")

_Triple = tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]


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

    @classmethod
    def load(cls) -> _AreaIndex:
        with store.reading() as cur:
            table = cur.sql(
                "select lsoa_code, ward_code, la_code, csp_code from area order by lsoa_code"
            ).to_arrow_table()
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

    def rows_of(self, codes: Any) -> npt.NDArray[np.int64]:
        """The areas-table row of each code in an Arrow string array (-1 if none, or null)."""
        n = len(codes)
        offsets = np.frombuffer(codes.buffers()[1], dtype=np.int32)[
            codes.offset : codes.offset + n + 1
        ]
        lengths = np.diff(offsets)
        valid = np.asarray(codes.is_valid()) if codes.null_count else np.ones(n, dtype=bool)
        fixed = (lengths[valid] == 9).all() and not lengths[~valid].any()
        if n and len(self.sorted_codes) and fixed:
            data = np.frombuffer(codes.buffers()[2], dtype=np.uint8)
            wanted = np.frombuffer(data[offsets[0] : offsets[-1]].tobytes(), dtype="S9")
            at = np.minimum(np.searchsorted(self.sorted_codes, wanted), len(self.sorted_codes) - 1)
            rows = np.full(n, -1, dtype=np.int64)
            rows[valid] = np.where(self.sorted_codes[at] == wanted, self.sorted_rows[at], -1)
            return rows
        return np.array(
            [self.row_of.get(c, -1) if c else -1 for c in codes.to_pylist()], dtype=np.int64
        )

    def size(self, level: str) -> int:
        return len(self.codes[level])


@dataclass
class _Counts:
    """One force-month's counts, as indexes: per level, (area index, crime type index, n)."""

    levels: dict[str, _Triple]


def _dense(area: npt.NDArray[np.int64], kind: npt.NDArray[np.int64], n: Any, size: int) -> _Triple:
    """Sum n by (area, crime type) over a space of `size` areas; areas below 0 are left out."""
    placed = area >= 0
    weights = None if n is None else n[placed]
    key = area[placed] * _TYPES + kind[placed]
    if len(key) * 16 < size * _TYPES:
        # Few cells in a large space (a force's wards among the country's): sort, do not scan.
        cells, inverse = np.unique(key, return_inverse=True)
        total = np.bincount(inverse, weights, minlength=len(cells))
        present = total != 0
        cells, summed = cells[present], total[present]
    else:
        total = np.bincount(key, weights, minlength=size * _TYPES)
        cells = np.flatnonzero(total)
        summed = total[cells]
    return cells // _TYPES, cells % _TYPES, summed.astype(np.int64)


def _count(
    lsoa_of: npt.NDArray[np.int64],
    lsoa_row: npt.NDArray[np.int64],
    kind: npt.NDArray[np.int64],
    areas: _AreaIndex,
) -> _Counts:
    """What COUNTS_SQL gives for one force-month, from each row's index among the LSOA codes the
    file holds (-1 for none), the areas-table row of each of those codes (-1 if it has none) and
    each row's crime type: one pass over the rows, the rest over counts."""
    local, kinds, n = _dense(lsoa_of, kind, None, len(lsoa_row))
    area = lsoa_row[local]
    placed = area >= 0
    lsoa = (area[placed], kinds[placed], n[placed])
    levels = {"lsoa": lsoa}
    for level in _PARENT_LEVELS:
        levels[level] = _dense(areas.parent[level][lsoa[0]], lsoa[1], lsoa[2], areas.size(level))
    levels["force"] = _dense(np.zeros(len(kind), dtype=np.int64), kind, None, 1)
    return _Counts(levels)


@dataclass
class _Piece:
    """The loaded rows of one file for one force-month, already written to `path` (so the
    memory they took is used again for the next file), and what the import needs of them."""

    file_index: int
    partition: str
    month: date
    path: Path
    rows: int
    lines: npt.NDArray[np.int32]
    id_rows: npt.NDArray[np.intp]  # rows with a Crime ID, and a 64-bit key for each
    id_keys: npt.NDArray[np.uint64]
    sorted_keys: npt.NDArray[np.uint64]
    counts: _Counts


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
        # police.uk's IDs are 64 hex digits, one after another in the buffer: the first 16
        # digits, read in place as two 64-bit words, carry 64 bits, plenty to find candidates.
        block = data[starts[0] : starts[0] + 64 * m].reshape(m, 64)
        words = np.ascontiguousarray(block[:, :16]).view("<u8")
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
    for key in _PARSED_AS_DICTIONARY:
        types[key] = pa.dictionary(pa.int32(), pa.string())
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
    table = table.select([key for _, key in COLUMNS])
    for key in _PARSED_AS_DICTIONARY:
        column = table[key]
        if column.num_chunks != 1:
            column = column.unify_dictionaries().combine_chunks()
        table = table.set_column(table.schema.get_field_index(key), key, column)
    return table, invalid


def _codes(column: Any) -> tuple[npt.NDArray[np.int64], Any]:
    """A dictionary column's indices (-1 for a blank) and its distinct values."""
    array = column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()
    indices = array.indices
    n = len(indices)
    if n == 0:
        return np.empty(0, dtype=np.int64), array.dictionary
    values = np.frombuffer(indices.buffers()[1], dtype=np.int32)[
        indices.offset : indices.offset + n
    ].astype(np.int64)
    if indices.null_count:
        values[np.asarray(indices.is_null())] = -1
    return values, array.dictionary


def _constant(value: str, size: int) -> Any:
    return pa.DictionaryArray.from_arrays(
        pa.array(np.zeros(size, dtype=np.int32)), pa.array([value], pa.string())
    )


def _blank_mask(table: Any) -> npt.NDArray[np.bool_]:
    blank = np.ones(table.num_rows, dtype=bool)
    for column in table.columns:
        blank &= np.asarray(column.is_null())
    return blank


class _Reader:
    """Reads one file into pieces (one per force-month) and their counts, rejecting and noting
    rows as it goes. Runs on several threads at once: it touches nothing shared."""

    def __init__(self, *, today: date, areas: _AreaIndex, staging: Path) -> None:
        self.latest = date(today.year, today.month, 1)
        self.areas = areas
        self.staging = staging

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
        # Mapped, not read: the parser reads the page cache in place, with no copy to allocate.
        data = pa.memory_map(str(read.file.path)).read_buffer()
        size = data.size
        head = data.slice(0, min(size, 1 << 16)).to_pybytes()
        start = len(_BOM) if head.startswith(_BOM) else 0
        if size - start < 1024 and not head[start:].strip():
            raise _Refused("The file is empty: download it again")
        if head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
            raise _Refused("This is not a CSV file: save it as CSV UTF-8 and upload it again")
        end = head.find(b"\n", start)
        first_line = head[start : end if end >= 0 else len(head)]
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
        octets = np.frombuffer(data, dtype=np.uint8)
        if octets[-1] != ord("\n"):
            tail = data.slice(max(0, size - (1 << 16))).to_pybytes()
            last = tail[tail.rfind(b"\n") + 1 :]
            if len(_parse_line(last)) < len(HEADER) or last.count(b'"') % 2:
                line = int(np.count_nonzero(octets == ord("\n"))) + 1
                raise _Refused(
                    f"The file ends part-way through line {line}: download it again", line
                )
        ascii = bool(octets.max() < 0x80)
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
        del data, octets
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

        month_of, month_values = _codes(table["month"])
        type_of, type_values = _codes(table["crime_type"])
        months, types = month_values.to_pylist(), type_values.to_pylist()

        # Rows with nothing in them (an empty line, or a line of commas) are not rows at all.
        blank: npt.NDArray[np.bool_] | None = None
        if table["month"].null_count and table["crime_type"].null_count:
            blank = _blank_mask(table)
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
            match = _MONTH.match(value.strip())
            if match and 1 <= int(match.group(2)) <= 12:
                when = date(int(match.group(1)), int(match.group(2)), 1)
            if when is None:
                reject(
                    month_of == k, f"Month \u201c{value}\u201d is not a month in the form YYYY-MM"
                )
            elif when > self.latest:
                reject(month_of == k, f"Month {when:%Y-%m} is in the future")
            month_dates.append(when)
        if table["month"].null_count:
            reject(month_of == -1, "Month is blank")

        type_index = np.full(len(types) + 1, -1, dtype=np.int64)
        for k, value in enumerate(types):
            known = _CRIME_TYPES.get(_normalise(value))
            if known is None:
                reject(type_of == k, f"Crime type \u201c{value}\u201d is not one police.uk uses")
            else:
                type_index[k] = _TYPE_INDEX[known]
        if table["crime_type"].null_count:
            reject(type_of == -1, "Crime type is blank")

        named = _file_month(name)
        if named is not None:
            force_of = np.zeros(n, dtype=np.int64)
            slugs = [named[0]]
        else:
            encoded = table["falls_within"].combine_chunks().dictionary_encode("encode")
            force_of = np.asarray(encoded.indices, dtype=np.int64)
            falls = encoded.dictionary.to_pylist()
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
        if any(t not in _TYPE_INDEX for t in types):
            # Written as police.uk spells each type, whatever the file's case or spacing.
            canonical = [POLICE_UK_CRIME_TYPES[i] if i >= 0 else "" for i in type_index[:-1]]
            crime_type = pa.DictionaryArray.from_arrays(
                pa.array(type_of.astype(np.int32)), pa.array(canonical, pa.string())
            )
            table = table.set_column(
                table.schema.get_field_index("crime_type"), "crime_type", crime_type
            )
        lsoa_of, lsoa_row = self._notes(read, table, lines)

        groups = force_of * max(len(month_dates), 1) + month_of
        distinct = np.unique(groups) if len(month_dates) > 1 or len(slugs) > 1 else groups[:1]
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
                    lsoa_of if rows is None else lsoa_of[rows],
                    lsoa_row,
                    kind if rows is None else kind[rows],
                )
            )

    def _piece(
        self,
        read: _FileRead,
        partition: str,
        month: date,
        part: Any,
        lines: npt.NDArray[np.int32],
        lsoa_of: npt.NDArray[np.int64],
        lsoa_row: npt.NDArray[np.int64],
        kind: npt.NDArray[np.int64],
    ) -> _Piece:
        size = part.num_rows
        path = self.staging / f"{read.index:06d}-{len(read.pieces)}.parquet"
        added = {
            "partition": _constant(partition, size),
            "month": pa.array(np.full(size, np.datetime64(month, "D"))),
            "source_file": _constant(read.file.name, size),
            "source_line": pa.array(lines, pa.int32()),
        }
        table = pa.table(
            [added[c] if c in added else part[c] for c in RAW_COLUMNS], names=list(RAW_COLUMNS)
        )
        _write(table, path)
        id_rows, id_keys = _id_keys(table["crime_id"].combine_chunks())
        return _Piece(
            file_index=read.index,
            partition=partition,
            month=month,
            path=path,
            rows=size,
            lines=lines,
            id_rows=id_rows,
            id_keys=id_keys,
            sorted_keys=np.sort(id_keys),
            counts=_count(lsoa_of, lsoa_row, kind, self.areas),
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
        LSOA codes (-1 for none), and each of those codes' row in the areas table (-1 if none)."""
        lsoa_of, lsoas = _codes(table["lsoa_code"])
        lsoa_row = self.areas.rows_of(lsoas)
        unknown = lsoa_row < 0
        no_coordinates = None
        if table["longitude"].null_count or table["latitude"].null_count:
            no_coordinates = np.asarray(
                pc.or_(table["longitude"].is_null(), table["latitude"].is_null())
            )
        for reason, mask in (
            (NO_COORDINATES, no_coordinates),
            (NO_LSOA, lsoa_of < 0 if table["lsoa_code"].null_count else None),
            (UNKNOWN_LSOA, np.append(unknown, False)[lsoa_of] if unknown.any() else None),
        ):
            if mask is None or not mask.any():
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
        str(path),
        filesystem=_LOCAL,
        compression="none",
        use_dictionary=_DICTIONARY_COLUMNS,
        write_statistics=["partition", "month"],
        write_batch_size=64 * 1024,
        store_schema=False,
    )


def _duplicates(pieces: Sequence[_Piece]) -> dict[tuple[int, int], tuple[int, int]]:
    """Rows whose Crime ID an earlier row of the import already has, as
    {(piece, row): (file of the earlier row, its line)}. Files count in the order given."""
    if not pieces:
        return {}
    # Each piece's keys are already sorted, and a stable sort merges sorted runs quickly.
    ordered = np.sort(np.concatenate([p.sorted_keys for p in pieces]), kind="stable")
    repeated = np.unique(ordered[1:][ordered[1:] == ordered[:-1]])
    if not len(repeated):
        return {}
    candidates: list[tuple[int, int, int, int, str]] = []
    for piece_no, piece in enumerate(pieces):
        if not len(piece.id_keys):
            continue
        at = np.minimum(np.searchsorted(repeated, piece.id_keys), len(repeated) - 1)
        hit = repeated[at] == piece.id_keys
        if hit.any():
            rows = piece.id_rows[hit]
            crime_ids = pq.read_table(piece.path, columns=["crime_id"])["crime_id"]
            ids = crime_ids.take(pa.array(rows)).to_pylist()
            for row, crime_id in zip(rows, ids, strict=True):
                line = int(piece.lines[row])
                candidates.append((piece.file_index, line, piece_no, int(row), crime_id))
    first: dict[str, tuple[int, int]] = {}
    later: dict[tuple[int, int], tuple[int, int]] = {}
    for file_index, line, piece_no, row, crime_id in sorted(candidates):
        if crime_id in first:
            later[(piece_no, row)] = first[crime_id]
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
    workers = max(1, min(8, os.cpu_count() or 1))
    try:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            result, staged, counts = _stage(
                files, today=today, progress=progress, pool=pool, staging=staging
            )
        store.replace_partitions(Source.POLICE_UK, staged, import_id=import_id, counts=counts)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return result


def _stage(
    files: Sequence[IncomingFile],
    *,
    today: date,
    progress: Progress,
    pool: ThreadPoolExecutor,
    staging: Path,
) -> tuple[ImportResult, list[store.StagedPartition], Any]:
    areas = _AreaIndex.load()
    reader = _Reader(today=today, areas=areas, staging=staging)
    reads: list[_FileRead] = []
    bytes_done = rows_done = 0
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
            else f"Nothing was imported: {len(names)} files cannot be read, for the reasons listed."
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

    _one_file_each(street)
    pieces = [p for r in street for p in r.pieces]
    duplicate_problems: list[RowProblem] = []
    dropped_rows: dict[int, list[int]] = defaultdict(list)
    for (piece_no, row), (first_file, first_line) in _duplicates(pieces).items():
        piece = pieces[piece_no]
        name = reads[piece.file_index].file.name
        other = reads[first_file].file.name
        reason = f"Crime ID also on line {first_line}" + ("" if other == name else f" of {other}")
        duplicate_problems.append(RowProblem(name, int(piece.lines[row]), reason, True))
        dropped_rows[piece_no].append(row)
    rewritten = pool.map(
        lambda item: (item[0], _without(pieces[item[0]], item[1], areas)), dropped_rows.items()
    )
    for piece_no, piece in list(rewritten):
        pieces[piece_no] = piece

    staged, counted = _partitions(pieces, street, staging)
    counts = _counts_table(counted, areas)

    for read in street:
        result.rows_read += read.rows_read
        result.problems.extend(read.rejected)
        result.notes.update(read.notes)
        read.pieces = []
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


def _without(piece: _Piece, rows: list[int], areas: _AreaIndex) -> _Piece:
    """The piece with rows left out (they repeat an earlier Crime ID): written and counted again."""
    keep = np.ones(piece.rows, dtype=bool)
    keep[np.array(rows, dtype=np.intp)] = False
    table = pq.read_table(piece.path, schema=RAW_SCHEMA).filter(pa.array(keep))
    _write(table, piece.path)
    lsoas = table["lsoa_code"].combine_chunks().dictionary_encode()
    lsoa_of, lsoa_row = _codes(pa.chunked_array([lsoas]))[0], areas.rows_of(lsoas.dictionary)
    type_of, types = _codes(
        pa.chunked_array([table["crime_type"].combine_chunks().dictionary_encode()])
    )
    kind = np.array([_TYPE_INDEX[t] for t in types.to_pylist()] + [0], dtype=np.int64)[type_of]
    id_rows, id_keys = _id_keys(table["crime_id"].combine_chunks())
    return _Piece(
        file_index=piece.file_index,
        partition=piece.partition,
        month=piece.month,
        path=piece.path,
        rows=table.num_rows,
        lines=piece.lines[keep],
        id_rows=id_rows,
        id_keys=id_keys,
        sorted_keys=np.sort(id_keys),
        counts=_count(lsoa_of, lsoa_row, kind, areas),
    )


def _one_file_each(reads: Sequence[_FileRead]) -> None:
    """police.uk publishes one street file per force-month. Two in one upload (the archive and
    a loose copy, say) cannot both be right, and rows without a Crime ID could not be told apart:
    the import is refused rather than count anything twice."""
    files: dict[tuple[str, date], list[str]] = defaultdict(list)
    for read in reads:
        keys = {(p.partition, p.month) for p in read.pieces}
        if read.empty_month:
            keys.add(read.empty_month)
        for key in keys:
            files[key].append(read.file.name)
    clashes = {key: names for key, names in files.items() if len(names) > 1}
    if not clashes:
        return
    problems = [
        RowProblem(
            name,
            None,
            f"{month:%Y-%m} for {partition} is also in "
            + ", ".join(other for other in names if other != name)
            + ": upload each force-month once",
            True,
        )
        for (partition, month), names in sorted(clashes.items())
        for name in names
    ]
    (partition, month), names = min(clashes.items())
    raise ImportRefused(
        f"Nothing was imported: {month:%Y-%m} for {partition} is in more than one file "
        f"({', '.join(names)}). Upload each force-month once.",
        problems,
    )


def _partitions(
    pieces: Sequence[_Piece], reads: Sequence[_FileRead], staging: Path
) -> tuple[list[store.StagedPartition], list[tuple[str, date, _Counts]]]:
    """One staged Parquet file per force-month (each is in one file: `_one_file_each`), with its
    counts; a header-only file for a force-month stages a file with no rows."""
    counted = [(p.partition, p.month, p.counts) for p in pieces]
    staged = [store.StagedPartition(p.partition, p.month, p.path, p.rows) for p in pieces]
    for read in reads:
        if read.empty_month:
            partition, month = read.empty_month
            path = staging / f"{partition}={month:%Y-%m}.parquet"
            _write(RAW_SCHEMA.empty_table(), path)
            staged.append(store.StagedPartition(partition, month, path, 0))
    return sorted(staged, key=lambda s: (s.partition, s.month)), counted


def _counts_table(counted: Sequence[tuple[str, date, _Counts]], areas: _AreaIndex) -> Any:
    """The rows COUNTS_SQL would give, as an Arrow table of its columns. Codes are dictionary
    encoded: the store copies them once, into its own columns."""
    if not counted:
        return None
    measures = pa.array([MEASURE_KEYS[t] for t in POLICE_UK_CRIME_TYPES], pa.string())
    partitions = sorted({p for p, _, _ in counted})
    partition_no = {p: i for i, p in enumerate(partitions)}
    partition_names = pa.array(partitions, pa.string())
    tables = []
    for level in _LEVELS:
        sizes = np.array([len(c.levels[level][0]) for _, _, c in counted], dtype=np.int64)
        total = int(sizes.sum())
        if not total:
            continue
        area = np.concatenate([c.levels[level][0] for _, _, c in counted]).astype(np.int32)
        kind = np.concatenate([c.levels[level][1] for _, _, c in counted]).astype(np.int32)
        n = np.concatenate([c.levels[level][2] for _, _, c in counted])
        owner = np.repeat(np.array([partition_no[p] for p, _, _ in counted], dtype=np.int32), sizes)
        month = np.repeat(
            np.array([np.datetime64(m, "D") for _, m, _ in counted], dtype="datetime64[D]"),
            sizes,
        )
        partition = pa.DictionaryArray.from_arrays(pa.array(owner), partition_names)
        codes = (
            partition
            if level == "force"
            else pa.DictionaryArray.from_arrays(
                pa.array(area), pa.array(areas.codes[level], pa.string())
            )
        )
        tables.append(
            pa.table(
                {
                    "partition": partition,
                    "month": pa.array(month),
                    "level": _constant(level, total),
                    "area_code": codes,
                    "measure": pa.DictionaryArray.from_arrays(pa.array(kind), measures),
                    "under_25": pa.nulls(total, pa.bool_()),
                    "n": pa.array(n, pa.int64()),
                }
            )
        )
    return pa.concat_tables(tables, promote_options="permissive")
