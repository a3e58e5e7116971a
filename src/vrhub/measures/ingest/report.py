"""What every import returns, whatever it reads: rows read = rows loaded + rows rejected.

An importer never writes to the store until it has read every file it was given; a file it
cannot read at all (wrong header, cut short, not a CSV) refuses the whole import with
`ImportRefused`, so the store is left exactly as it was.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path


@dataclass(frozen=True)
class IncomingFile:
    """A file to import: the name the user knows it by, and where its bytes are now."""

    name: str
    path: Path


@dataclass(frozen=True)
class RowProblem:
    file: str
    line: int | None  # 1 is the header line
    reason: str  # plain words, e.g. "Month 2031-01 is in the future"
    rejected: bool  # False: the row was loaded, with this noted


@dataclass(frozen=True)
class PartitionLoaded:
    partition: str  # force slug or ED site code
    month: date
    rows: int


@dataclass
class ImportResult:
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    # Rejected rows, one each, and loaded rows whose note is worth a line (capped by the caller).
    problems: list[RowProblem] = field(default_factory=list)
    # Loaded rows with something missing, counted by reason: {"No coordinates": 1234}.
    notes: Counter[str] = field(default_factory=Counter)
    partitions: list[PartitionLoaded] = field(default_factory=list)
    # Files in the upload that are not for this import (police.uk outcomes files, say): skipped.
    skipped_files: list[str] = field(default_factory=list)

    @property
    def reconciles(self) -> bool:
        return self.rows_read == self.rows_loaded + self.rows_rejected


class ImportRefused(Exception):
    """Nothing was imported: `problems` say which file and line, and why."""

    def __init__(self, message: str, problems: list[RowProblem] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems or []


# Called as the import reads: bytes of the upload read so far, and rows read so far.
Progress = Callable[[int, int], None]


def no_progress(bytes_done: int, rows_read: int) -> None:
    return None
