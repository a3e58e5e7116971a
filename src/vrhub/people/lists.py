"""Linking a list from elsewhere (a school's exclusions, an evaluation cohort) to the index.

Nothing from the list is kept: each row is matched and the result is sent back as a CSV of
person references and outcomes, never a probability (varying one detail and watching a
probability move would tell the analyst what the index holds). The audit trail records the list
with its counts, and each person whose reference was given out, against that person.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from vrhub.people.matching.candidates import rank
from vrhub.people.matching.standardise import standardise
from vrhub.people.models import Person

COLUMNS = ("id", "forename", "surname", "date_of_birth", "postcode", "sex")
REQUIRED = ("forename", "surname", "date_of_birth")
MAX_ROWS = 5_000
MAX_BYTES = 2 * 1024 * 1024


class ListRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class LinkedRow:
    line: int
    id: str
    person: str = ""
    outcome: str = ""


@dataclass
class LinkedList:
    rows: list[LinkedRow] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for r in self.rows if r.outcome == outcome)

    def as_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["line", "id", "person_reference", "outcome"])
        for row in self.rows:
            writer.writerow([row.line, _safe(row.id), row.person, row.outcome])
        return out.getvalue()


def _safe(value: str) -> str:
    """A cell a spreadsheet will not run as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def read(data: bytes) -> list[tuple[int, dict[str, str]]]:
    if len(data) > MAX_BYTES:
        raise ListRefused("The file must be smaller than 2 MB")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ListRefused("The file must be a CSV saved as UTF-8") from error
    try:
        return _rows(text)
    except csv.Error as error:
        raise ListRefused("The file must be a CSV") from error


def _rows(text: str) -> list[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [(h or "").strip().lower() for h in reader.fieldnames or []]
    if not header:
        raise ListRefused("The file is empty")
    unknown = [n for n, h in enumerate(header, start=1) if h and h not in COLUMNS]
    if unknown:
        # Named by its place, not its heading: a file with no header row would show a name.
        raise ListRefused(
            f"Column {unknown[0]} of the header is not one vrhub knows. The first row must be "
            "a header with these columns: " + ", ".join(COLUMNS)
        )
    if not any(h in header for h in REQUIRED):
        raise ListRefused("The file needs at least one of: forename, surname, date_of_birth")
    reader.fieldnames = header
    rows = []
    for row in reader:
        rows.append((reader.line_num, {k: (v or "").strip() for k, v in row.items() if k}))
        if len(rows) > MAX_ROWS:
            raise ListRefused(f"The file has more than {MAX_ROWS:,} rows; split it")
    if not rows:
        raise ListRefused("The file has a header but no rows")
    return rows


def link(rows: list[tuple[int, dict[str, str]]], *, threshold: float) -> LinkedList:
    result = LinkedList()
    references = {}
    for line, cells in rows:
        out = LinkedRow(line=line, id=cells.get("id", ""))
        record = standardise(
            forename=cells.get("forename"),
            surname=cells.get("surname"),
            dob=cells.get("date_of_birth"),
            postcode=cells.get("postcode"),
            sex=cells.get("sex"),
        )
        if record.is_empty:
            out.outcome = "not matched: no name or date of birth"
        elif cells.get("date_of_birth") and record.dob is None:
            out.outcome = "not matched: date of birth not understood"
        else:
            matches = rank(record, limit=2)
            best = matches[0] if matches else None
            if best is None or best.probability < threshold:
                out.outcome = "not found"
            else:
                references[line] = best.person_id
                out.outcome = (
                    "matched"
                    if len(matches) < 2 or matches[1].probability < threshold
                    else "matched, another person also likely"
                )
        result.rows.append(out)
    names = dict(Person.objects.filter(pk__in=references.values()).values_list("pk", "reference"))
    for row in result.rows:
        if row.line in references:
            row.person = names[references[row.line]]
    return result
