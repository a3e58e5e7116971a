"""Every change to the person index: records arriving, links, merges and unmerges.

Each runs in one transaction with its audit event. Changes to a person lock its row (and both
rows, in id order, for a merge), so two caseworkers acting on the same pair at once make one
change and the second is told what happened.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from vrhub.accounts.models import User
from vrhub.audit.models import AuditAction
from vrhub.audit.services import begin_audited_change, record
from vrhub.core.dates import when
from vrhub.people.matching.candidates import PersonMatch, rank
from vrhub.people.matching.standardise import MatchRecord, standardise
from vrhub.people.models import (
    CandidateStatus,
    LinkMethod,
    MatchCandidate,
    Merge,
    NotSamePerson,
    Person,
    RecordSource,
    SourceRecord,
)
from vrhub.referrals.models import Referral

REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
IDENTITY_FIELDS = frozenset({"forename", "surname", "dob", "sex", "identifier"})


class PersonRefused(Exception):
    """A change that cannot be made, with the reason to show."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def auto_link_probability() -> float:
    return float(getattr(settings, "VRHUB_AUTO_LINK_PROBABILITY", 0.999))


def review_probability() -> float:
    return float(getattr(settings, "VRHUB_MATCH_REVIEW_PROBABILITY", 0.5))


def _new_reference() -> str:
    return "P-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))


def match_record_of(source: SourceRecord) -> MatchRecord:
    from vrhub.people.matching.standardise import COLUMNS

    return MatchRecord(**{c: getattr(source, c) for c in COLUMNS})


def _standardised(referral: Referral) -> dict[str, Any]:
    matched = standardise(
        forename=referral.first_name,
        surname=referral.last_name,
        dob=referral.date_of_birth,
        postcode=referral.postcode,
        sex=referral.sex,
        address=referral.address,
    )
    return matched.as_row()


def _new_person(actor: User | None) -> Person:
    return Person.objects.create(
        reference=_new_reference(), created_at=timezone.now(), created_by=actor
    )


def _evidence(match: PersonMatch) -> list[dict[str, Any]]:
    return [
        {"field": e.field, "label": e.label, "reason": e.reason, "weight": e.weight}
        for e in match.score.evidence
    ]


def _about(source: SourceRecord) -> dict[str, Any]:
    if source.referral is not None:
        return {"target_type": "referral", "target_id": source.referral.reference}
    return {"target_type": "person_record", "target_id": source.pk}


def record_for_referral(referral: Referral) -> SourceRecord:
    """The referral's record in the index, made or brought up to date with its answers."""
    fields = _standardised(referral) | {
        "written_name": f"{referral.first_name} {referral.last_name}".strip()[:200],
        "written_dob": referral.date_of_birth,
        "written_postcode": referral.postcode,
        "written_address": (referral.address or "").splitlines()[0][:200]
        if referral.address
        else "",
        "written_sex": referral.sex,
    }
    source, _ = SourceRecord.objects.update_or_create(
        referral=referral,
        defaults=fields,
        create_defaults=fields | {"source": RecordSource.REFERRAL, "created_at": timezone.now()},
    )
    return source


def on_referral_arrival(*, referral: Referral) -> SourceRecord:
    """A referral has been sent (by page, API or file): put it in the index and look for its
    person. A clear match (above the automatic-link probability, with no other candidate above
    the review probability and nothing about who they are pointing away) is linked at once and
    flagged for a caseworker to check; anything else waits for a caseworker. Inside the
    caller's transaction, which already holds the referral's row."""
    begin_audited_change()
    source = record_for_referral(referral)
    matches = rank(match_record_of(source), exclude=[source.pk])
    best = matches[0] if matches else None
    rivals = [m for m in matches[1:] if m.probability >= review_probability()]
    # A field of who someone is (not where they live: people move) that points firmly away,
    # such as another forename at the same address and birthday (a twin), stops an automatic
    # link however high the total.
    contradicted = best is not None and any(
        e.direction == "against" and e.field in IDENTITY_FIELDS for e in best.score.evidence
    )
    if (
        best is not None
        and best.probability >= auto_link_probability()
        and not rivals
        and not contradicted
    ):
        person = _lock_people(best.person_id)[best.person_id]
        if person.is_merged:
            return source  # merged away meanwhile: the record waits for a caseworker
        _attach(source, person, method=LinkMethod.AUTOMATIC, actor=None, match=best)
        source.needs_review = True
        source.save(update_fields=["needs_review"])
        # vrhub's own act, not the referrer's: their agency's trail does not learn the person is
        # known elsewhere.
        record(
            action=AuditAction.RECORD_LINKED_AUTOMATICALLY,
            actor=None,
            person_id=person.reference,
            detail={"probability": f"{best.probability:.6f}"},
            **_about(source),
        )
    return source


def _attach(
    source: SourceRecord,
    person: Person,
    *,
    method: LinkMethod,
    actor: User | None,
    match: PersonMatch | None = None,
) -> None:
    source.person = person
    source.link_method = method
    source.linked_at = timezone.now()
    source.linked_by = actor
    source.link_probability = match.probability if match else None
    source.link_evidence = _evidence(match) if match else []
    source.save(
        update_fields=[
            "person",
            "link_method",
            "linked_at",
            "linked_by",
            "link_probability",
            "link_evidence",
        ]
    )
    person.version += 1
    person.save(update_fields=["version"])


def _lock_record(source: SourceRecord) -> SourceRecord:
    """The record, locked. Every change here takes the audit lock first, then people, then
    records and pairs, so two changes never wait on each other in opposite orders."""
    return (
        SourceRecord.objects.select_for_update(of=("self",))
        .select_related("referral", "linked_by")
        .get(pk=source.pk)
    )


def _lock_people(*ids: int) -> dict[int, Person]:
    # no_key: rows that merely refer to a person (a "not the same" decision) may still be added.
    locked = Person.objects.select_for_update(no_key=True).filter(pk__in=ids).order_by("pk")
    return {p.pk: p for p in locked}


def _live(person_id: int) -> Person:
    person = _lock_people(person_id)[person_id]
    if person.is_merged:
        raise PersonRefused(
            f"{person.reference} has been merged into {person.merged_into.reference}"  # type: ignore[union-attr]
        )
    return person


def link_record(
    *, actor: User, source: SourceRecord, person: Person, match: PersonMatch | None
) -> SourceRecord:
    """A caseworker says the record is this person."""
    with transaction.atomic(durable=True):
        begin_audited_change()
        target = _live(person.pk)
        fresh = _lock_record(source)
        if fresh.person_id is not None:
            raise PersonRefused(already_decided(fresh))
        _attach(fresh, target, method=LinkMethod.CASEWORKER, actor=actor, match=match)
        record(
            action=AuditAction.RECORD_LINKED,
            actor=actor,
            person_id=target.reference,
            detail={"probability": f"{match.probability:.6f}"} if match else {},
            **_about(fresh),
        )
    return fresh


def already_decided(source: SourceRecord) -> str:
    who = source.linked_by.full_name if source.linked_by_id else "vrhub"  # type: ignore[union-attr]
    at = when(source.linked_at) if source.linked_at else "earlier"
    return f"This record was already linked to a person by {who} on {at}"


def confirm_new_person(*, actor: User, source: SourceRecord) -> Person:
    """A caseworker says the record is nobody the index knows."""
    with transaction.atomic(durable=True):
        begin_audited_change()
        fresh = _lock_record(source)
        if fresh.person_id is not None:
            raise PersonRefused(already_decided(fresh))
        person = _new_person(actor)
        _attach(fresh, person, method=LinkMethod.NEW_PERSON, actor=actor)
        record(
            action=AuditAction.PERSON_CREATED,
            actor=actor,
            person_id=person.reference,
            **_about(fresh),
        )
    return person


def confirm_automatic_link(*, actor: User, source: SourceRecord) -> SourceRecord:
    with transaction.atomic(durable=True):
        begin_audited_change()
        fresh = _lock_record(source)
        if not fresh.needs_review:
            raise PersonRefused("This link has already been checked")
        fresh.needs_review = False
        fresh.linked_by = actor
        fresh.save(update_fields=["needs_review", "linked_by"])
        record(
            action=AuditAction.AUTOMATIC_LINK_CONFIRMED,
            actor=actor,
            person_id=fresh.person.reference,  # type: ignore[union-attr]
            **_about(fresh),
        )
    return fresh


def undo_automatic_link(*, actor: User, source: SourceRecord) -> Person:
    """The automatic link was wrong: the record becomes a person of its own."""
    with transaction.atomic(durable=True):
        begin_audited_change()
        linked_to = SourceRecord.objects.filter(pk=source.pk).values_list("person_id", flat=True)
        person_id = linked_to.first()
        if person_id is not None:
            _lock_people(person_id)
        fresh = _lock_record(source)
        if not fresh.needs_review or fresh.person_id != person_id:
            raise PersonRefused("This link has already been checked")
        was = _live(fresh.person_id)  # type: ignore[arg-type]
        person = _new_person(actor)
        _attach(fresh, person, method=LinkMethod.NEW_PERSON, actor=actor)
        fresh.needs_review = False
        fresh.save(update_fields=["needs_review"])
        was.version += 1
        was.save(update_fields=["version"])
        record(
            action=AuditAction.AUTOMATIC_LINK_UNDONE,
            actor=actor,
            person_id=person.reference,
            detail={"was_linked_to": was.reference},
            **_about(fresh),
        )
    return person


@dataclass(frozen=True)
class MergeResult:
    merge: Merge
    survivor: Person
    absorbed: Person


def merge_people(
    *, actor: User, first: Person, second: Person, reason: str = "", candidate_id: int | None = None
) -> MergeResult:
    """One person absorbs the other (the one known longer survives): every record moves."""
    if first.pk == second.pk:
        raise PersonRefused("A person cannot be merged with themselves")
    with transaction.atomic(durable=True):
        begin_audited_change()
        locked = _lock_people(first.pk, second.pk)
        if candidate_id is not None:
            pair = (
                MatchCandidate.objects.select_for_update(of=("self",))
                .select_related("decided_by")
                .get(pk=candidate_id)
            )
            if pair.status != CandidateStatus.OPEN:
                raise PersonRefused(_pair_decided(pair))
        for person in locked.values():
            if person.is_merged:
                merge = (
                    Merge.objects.select_related("merged_by")
                    .filter(absorbed=person, unmerged_at__isnull=True)
                    .first()
                )
                by = f" by {merge.merged_by.full_name} on {when(merge.merged_at)}" if merge else ""
                raise PersonRefused(f"{person.reference} was already merged{by}")
        survivor, absorbed = sorted(locked.values(), key=lambda p: (p.created_at, p.pk))
        moved = list(SourceRecord.objects.filter(person=absorbed).values_list("id", flat=True))
        SourceRecord.objects.filter(pk__in=moved).update(person=survivor)
        absorbed.merged_into = survivor
        absorbed.version += 1
        absorbed.save(update_fields=["merged_into", "version"])
        survivor.version += 1
        survivor.save(update_fields=["version"])
        merge = Merge.objects.create(
            survivor=survivor,
            absorbed=absorbed,
            moved_record_ids=moved,
            reason=reason[:500],
            merged_by=actor,
            merged_at=timezone.now(),
        )
        _settle_candidates(absorbed, actor, merged_candidate=candidate_id)
        record(
            action=AuditAction.PEOPLE_MERGED,
            actor=actor,
            target_type="person",
            target_id=absorbed.reference,
            person_id=survivor.reference,
            detail={"absorbed": absorbed.reference, "records_moved": len(moved)},
        )
    return MergeResult(merge, survivor, absorbed)


def _settle_candidates(absorbed: Person, actor: User, *, merged_candidate: int | None) -> None:
    """Open pairs that named the absorbed person: the merged one is done, the rest no longer apply
    (the next index check asks about the survivor instead)."""
    now = timezone.now()
    open_pairs = MatchCandidate.objects.filter(status=CandidateStatus.OPEN).filter(
        person_a=absorbed
    ) | MatchCandidate.objects.filter(status=CandidateStatus.OPEN, person_b=absorbed)
    for candidate in open_pairs:
        candidate.status = (
            CandidateStatus.MERGED if candidate.pk == merged_candidate else CandidateStatus.GONE
        )
        candidate.decided_by = actor
        candidate.decided_at = now
        candidate.save(update_fields=["status", "decided_by", "decided_at"])


def unmerge(*, actor: User, merge: Merge, reason: str) -> Merge:
    """Undo a merge: the records it moved go back, records linked since stay with the survivor."""
    if not reason.strip():
        raise PersonRefused("Enter why the merge is being undone")
    with transaction.atomic(durable=True):
        begin_audited_change()
        _lock_people(merge.survivor_id, merge.absorbed_id)
        fresh = (
            Merge.objects.select_for_update(of=("self",))
            .select_related("unmerged_by")
            .get(pk=merge.pk)
        )
        if fresh.unmerged_at is not None:
            raise PersonRefused(
                f"This merge was already undone by {fresh.unmerged_by.full_name} on "  # type: ignore[union-attr]
                f"{when(fresh.unmerged_at)}"
            )
        locked = _lock_people(fresh.survivor_id, fresh.absorbed_id)
        survivor, absorbed = locked[fresh.survivor_id], locked[fresh.absorbed_id]
        if survivor.is_merged:
            raise PersonRefused(
                f"{survivor.reference} has since been merged into another person: undo that "
                "merge first"
            )
        back = SourceRecord.objects.filter(pk__in=fresh.moved_record_ids, person=survivor)
        returned = back.update(person=absorbed)
        absorbed.merged_into = None
        absorbed.version += 1
        absorbed.save(update_fields=["merged_into", "version"])
        survivor.version += 1
        survivor.save(update_fields=["version"])
        fresh.unmerged_by = actor
        fresh.unmerged_at = timezone.now()
        fresh.unmerge_reason = reason.strip()[:500]
        fresh.save(update_fields=["unmerged_by", "unmerged_at", "unmerge_reason"])
        low, high = sorted([survivor.pk, absorbed.pk])
        NotSamePerson.objects.get_or_create(
            person_a_id=low,
            person_b_id=high,
            defaults={"decided_by": actor, "decided_at": fresh.unmerged_at},
        )
        record(
            action=AuditAction.PEOPLE_UNMERGED,
            actor=actor,
            target_type="person",
            target_id=absorbed.reference,
            person_id=survivor.reference,
            detail={"restored": absorbed.reference, "records_returned": returned},
        )
    return fresh


def _pair_decided(pair: MatchCandidate) -> str:
    who = pair.decided_by.full_name if pair.decided_by else "someone"
    on = f" on {when(pair.decided_at)}" if pair.decided_at else ""
    return f"This pair was already decided by {who}{on}: {pair.get_status_display().lower()}"


def decide_not_same(*, actor: User, candidate: MatchCandidate) -> MatchCandidate:
    with transaction.atomic(durable=True):
        begin_audited_change()
        _lock_people(candidate.person_a_id, candidate.person_b_id)
        fresh = (
            MatchCandidate.objects.select_for_update(of=("self",))
            .select_related("decided_by", "person_a", "person_b")
            .get(pk=candidate.pk)
        )
        if fresh.status != CandidateStatus.OPEN:
            raise PersonRefused(_pair_decided(fresh))
        fresh.status = CandidateStatus.NOT_SAME
        fresh.decided_by = actor
        fresh.decided_at = timezone.now()
        fresh.save(update_fields=["status", "decided_by", "decided_at"])
        NotSamePerson.objects.get_or_create(
            person_a_id=fresh.person_a_id,
            person_b_id=fresh.person_b_id,
            defaults={"decided_by": actor, "decided_at": fresh.decided_at},
        )
        record(
            action=AuditAction.NOT_SAME_PERSON,
            actor=actor,
            target_type="person",
            target_id=fresh.person_b.reference,
            person_id=fresh.person_a.reference,
        )
    return fresh


@dataclass(frozen=True)
class IndexCheck:
    records: int
    compared: int
    pairs_found: int
    new_candidates: int
    seconds: float


def _records_table() -> Any:
    """Every linked record, as an Arrow table for the batch check (read in chunks)."""
    import pyarrow as pa

    from vrhub.people.matching.standardise import COLUMNS

    columns = ["id", "person_id", *COLUMNS]
    batches = []
    chunk: list[tuple[Any, ...]] = []
    query = SourceRecord.objects.filter(person__isnull=False).order_by().values_list(*columns)
    for row in query.iterator(chunk_size=20_000):
        chunk.append(row)
        if len(chunk) == 100_000:
            batches.append(chunk)
            chunk = []
    batches.append(chunk)
    arrays: dict[str, list[Any]] = {c: [] for c in columns}
    for rows in batches:
        for i, column in enumerate(columns):
            arrays[column].extend(r[i] for r in rows)
    table = pa.table(
        {
            "unique_id": pa.array(arrays["id"], pa.int64()),
            "person_id": pa.array(arrays["person_id"], pa.int64()),
            **{c: pa.array(arrays[c], pa.string()) for c in COLUMNS},
        }
    )
    return table


def check_index(*, actor: User | None, threshold: float | None = None) -> IndexCheck:
    """Look for people recorded twice across the whole index; put each likely pair of people
    (not already decided different) in the review queue."""
    from vrhub.people.matching.batch import find_pairs

    threshold = review_probability() if threshold is None else threshold
    table = _records_table()
    found = find_pairs(table, threshold=threshold)
    person_of = dict(
        zip(table["unique_id"].to_pylist(), table["person_id"].to_pylist(), strict=True)
    )
    best: dict[tuple[int, int], dict[str, Any]] = {}
    for pair in found.pairs.to_pylist():
        a, b = person_of[pair["unique_id_l"]], person_of[pair["unique_id_r"]]
        if a == b:
            continue
        key = (min(a, b), max(a, b))
        if key not in best or pair["match_weight"] > best[key]["match_weight"]:
            best[key] = pair
    decided = set(NotSamePerson.objects.values_list("person_a_id", "person_b_id"))
    already = set(
        MatchCandidate.objects.filter(status=CandidateStatus.OPEN).values_list(
            "person_a_id", "person_b_id"
        )
    )
    now = timezone.now()
    fresh = []
    for (a, b), pair in best.items():
        if (a, b) in decided or (a, b) in already:
            continue
        fresh.append(
            MatchCandidate(
                person_a_id=a,
                person_b_id=b,
                probability=pair["match_probability"],
                weight=pair["match_weight"],
                found_at=now,
            )
        )
    with transaction.atomic():
        MatchCandidate.objects.bulk_create(fresh, batch_size=2_000, ignore_conflicts=True)
        record(
            action=AuditAction.INDEX_CHECKED,
            actor=actor,
            target_type="person_index",
            target_id="all",
            detail={
                "records": table.num_rows,
                "compared": found.compared,
                "pairs_found": len(best),
                "new_candidates": len(fresh),
            },
        )
    return IndexCheck(table.num_rows, found.compared, len(best), len(fresh), found.seconds)


def list_linked(*, actor: User, linked: Any) -> None:
    """An analyst was given person references for a list: one event for the list, and one
    against each person whose reference went out, so a person's trail shows it."""
    references = [row.person for row in linked.rows if row.person]
    with transaction.atomic():
        event = record(
            action=AuditAction.LIST_LINKED,
            actor=actor,
            target_type="person_index",
            target_id="list",
            detail={"rows": len(linked.rows), "matched": len(references)},
        )
        for reference in dict.fromkeys(references):
            record(
                action=AuditAction.LIST_LINKED,
                actor=actor,
                target_type="list",
                target_id=event.pk,
                person_id=reference,
            )
