"""Finding and ranking the people a new record may be, straight from the case database.

The blocking rules of the model are equalities; each has its index on `SourceRecord`, so the
candidates for one record are one query of a few index lookups, however large the index. The
trained model then scores those few (see `scorer`), and the best record of each person ranks
that person.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Max, Q

from vrhub.people.matching.scorer import TERM_FREQUENCY_COLUMNS, Score, default_scorer
from vrhub.people.matching.standardise import COLUMNS, MatchRecord
from vrhub.people.models import SourceRecord

# The equalities that make a pair worth scoring, as in matching.model.blocking_rules.
BLOCKING_KEYS: tuple[tuple[str, ...], ...] = (
    ("forename_phonetic", "surname_phonetic", "birth_year"),
    ("surname", "dob_unordered"),
    ("forename", "dob_unordered"),
    ("postcode", "dob"),
    ("forename_phonetic", "surname_phonetic", "postcode_district"),
    ("identifier",),
)
MAX_CANDIDATE_RECORDS = 500
EXACT_COUNT_BELOW = 200_000


@dataclass(frozen=True)
class PersonMatch:
    """A person the record may be: their best-matching record and its score."""

    person_id: int
    record_id: int
    score: Score

    @property
    def probability(self) -> float:
        return self.score.probability


def blocking_filter(record: MatchRecord) -> Q | None:
    condition = Q()
    for key in BLOCKING_KEYS:
        values = {column: getattr(record, column) for column in key}
        if all(values.values()):
            condition |= Q(**values)
    return condition if condition else None


def index_size() -> int:
    """How many records the index holds, cheaply: an exact count is a full scan of a large table.

    SQLite hands out ids one above the highest, so the highest id is the count (records are not
    deleted but with their referral). PostgreSQL's ids have gaps (a rolled-back transaction uses
    one up), so it gives the planner's estimate, kept by autovacuum, and counts exactly while
    the table is small enough for that to be quick.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                [SourceRecord._meta.db_table],
            )
            row = cursor.fetchone()
        estimate = int(row[0]) if row else -1
        if estimate >= EXACT_COUNT_BELOW:
            return estimate
        return SourceRecord.objects.count()
    return int(SourceRecord.objects.aggregate(n=Max("id"))["n"] or 0)


def term_frequencies(record: MatchRecord) -> dict[str, float]:
    """How common the record's forename, surname and postcode are in the index (Splink's tf)."""
    total = index_size()
    found: dict[str, float] = {}
    if not total:
        return found
    for column in TERM_FREQUENCY_COLUMNS:
        value = getattr(record, column)
        if value:
            count = SourceRecord.objects.filter(**{column: value}).aggregate(n=Count("id"))["n"]
            found[f"tf_{column}"] = max(count, 1) / total
    return found


def candidate_rows(record: MatchRecord, *, exclude: Iterable[int] = ()) -> list[dict[str, object]]:
    condition = blocking_filter(record)
    if condition is None:
        return []
    return list(
        SourceRecord.objects.filter(condition, person__isnull=False)
        .order_by()
        .exclude(pk__in=list(exclude))
        .values("id", "person_id", *COLUMNS)[:MAX_CANDIDATE_RECORDS]
    )


def rank(record: MatchRecord, *, exclude: Iterable[int] = (), limit: int = 10) -> list[PersonMatch]:
    """The people the record may be, most likely first, one entry each."""
    rows = candidate_rows(record, exclude=exclude)
    if not rows:
        return []
    frequencies = term_frequencies(record)
    new = record.as_row() | frequencies
    candidates = []
    for row in rows:
        candidate = {c: row[c] for c in COLUMNS} | {"unique_id": row["id"]}
        # An exact agreement is adjusted by how common the shared value is.
        for column in TERM_FREQUENCY_COLUMNS:
            if row[column] is not None and row[column] == getattr(record, column):
                candidate[f"tf_{column}"] = frequencies.get(f"tf_{column}")
        candidates.append(candidate)
    person_of = {row["id"]: row["person_id"] for row in rows}
    best: dict[int, PersonMatch] = {}
    for score in default_scorer().score(new, candidates):
        person_id = int(person_of[score.candidate_id])  # type: ignore[call-overload]
        if person_id not in best:
            best[person_id] = PersonMatch(person_id, int(score.candidate_id), score)
    return list(best.values())[:limit]
