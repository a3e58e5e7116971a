"""What the person index pages show, each read in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from vrhub.cases.models import Case
from vrhub.people.matching.candidates import PersonMatch, rank
from vrhub.people.matching.scorer import default_scorer
from vrhub.people.matching.standardise import COLUMNS, MatchRecord
from vrhub.people.models import (
    CandidateStatus,
    MatchCandidate,
    Merge,
    Person,
    SourceRecord,
)
from vrhub.referrals.models import Sex

SEX_LABELS = dict(Sex.choices)
QUEUE_TABS = {
    "pairs": "Possible duplicates",
    "automatic": "Automatic links to check",
    "unlinked": "Referrals not yet linked",
}


def queue(tab: str) -> QuerySet[Any]:
    if tab == "automatic":
        return (
            SourceRecord.objects.filter(needs_review=True)
            .select_related("referral", "person")
            .order_by("created_at", "id")
        )
    if tab == "unlinked":
        return (
            SourceRecord.objects.filter(person__isnull=True, referral__isnull=False)
            .select_related("referral")
            .order_by("created_at", "id")
        )
    return (
        MatchCandidate.objects.filter(status=CandidateStatus.OPEN)
        .select_related("person_a", "person_b")
        .order_by("-probability", "id")
    )


def queue_tabs() -> list[tuple[str, str, int]]:
    return [(key, label, queue(key).count()) for key, label in QUEUE_TABS.items()]


def candidates(
    record: MatchRecord, *, exclude: Iterable[int] = ()
) -> list[tuple[PersonMatch, Person]]:
    """The people a record may be, most likely first, each with their best match: one query for
    the candidates' records and one for the people."""
    matches = rank(record, exclude=exclude)
    people = {p.pk: p for p in Person.objects.filter(pk__in=[m.person_id for m in matches])}
    return [(m, people[m.person_id]) for m in matches if m.person_id in people]


def known_facts(records: list[SourceRecord]) -> dict[str, list[Any]]:
    """Each distinct name, date of birth, postcode and address the records give, oldest first."""

    def distinct(values: Iterable[Any]) -> list[Any]:
        return list(dict.fromkeys(v for v in values if v))

    return {
        "names": distinct(r.written_name for r in records),
        "dates_of_birth": distinct(r.written_dob for r in records),
        "postcodes": distinct(r.written_postcode for r in records),
        "addresses": distinct(r.written_address for r in records),
        "sexes": distinct(SEX_LABELS.get(r.written_sex, r.written_sex) for r in records),
    }


def _records(person: Person) -> list[SourceRecord]:
    return list(
        SourceRecord.objects.filter(person=person)
        .select_related("referral", "referral__referring_agency", "linked_by")
        .order_by("created_at", "id")
    )


def person_page(person: Person) -> dict[str, Any]:
    records = _records(person)
    referral_ids = [r.referral_id for r in records if r.referral_id]
    cases = {c.referral_id: c for c in Case.objects.filter(referral_id__in=referral_ids)}
    merges = list(
        Merge.objects.filter(survivor=person)
        .select_related("absorbed", "merged_by", "unmerged_by")
        .order_by("-merged_at")
    )
    merged_into = (
        Merge.objects.filter(absorbed=person, unmerged_at__isnull=True)
        .select_related("survivor", "merged_by")
        .first()
    )
    return {
        "person": person,
        "records": [(r, cases.get(r.referral_id) if r.referral_id else None) for r in records],
        "facts": known_facts(records),
        "merges": merges,
        "merged_into": merged_into,
    }


def pair_page(candidate: MatchCandidate) -> dict[str, Any]:
    """Both people, side by side, and why the model thinks they may be one: their two closest
    records scored again now, field by field."""
    first, second = _records(candidate.person_a), _records(candidate.person_b)
    best = None
    if first and second:
        scorer = default_scorer()
        for record in first:
            left = {c: getattr(record, c) for c in COLUMNS}
            right = [{c: getattr(r, c) for c in COLUMNS} | {"unique_id": r.pk} for r in second]
            scores = scorer.score(left, right)
            if scores and (best is None or scores[0].weight > best[1].weight):
                best = (record.pk, scores[0])
    return {
        "candidate": candidate,
        "first": {"person": candidate.person_a, "facts": known_facts(first), "records": first},
        "second": {"person": candidate.person_b, "facts": known_facts(second), "records": second},
        "evidence": best[1].evidence if best else [],
        # The check's probability, with the index's name frequencies; the reasons are the two
        # closest records' as they stand now.
        "probability": candidate.probability,
    }
