"""Checks that the audit trail has not been changed since it was written."""

from __future__ import annotations

from dataclasses import dataclass

from .models import GENESIS_HASH, AuditEvent


@dataclass(frozen=True)
class ChainHead:
    """The newest event: kept somewhere else (a ticket, a printout), it lets a later check
    prove that no events were cut from the end of the trail."""

    event_id: int
    hash: str

    def __str__(self) -> str:
        return f"{self.event_id}:{self.hash}"

    @classmethod
    def parse(cls, text: str) -> ChainHead:
        event_id, _, digest = text.partition(":")
        if not event_id.isdigit() or len(digest) != 64:
            raise ValueError("Give the head as <event id>:<hash>, as verify_audit_chain prints it.")
        return cls(int(event_id), digest)


@dataclass(frozen=True)
class ChainReport:
    events_checked: int
    first_broken_id: int | None
    problem: str = ""
    head: ChainHead | None = None

    @property
    def intact(self) -> bool:
        return self.first_broken_id is None and not self.problem


def verify_chain(*, batch_size: int = 5000, expected_head: ChainHead | None = None) -> ChainReport:
    """Recompute every event's hash in order and compare the links; with `expected_head`, also
    check that the event recorded earlier as the newest is still there, unchanged."""
    expected_previous = GENESIS_HASH
    checked = 0
    head: ChainHead | None = None
    seen_expected = expected_head is None
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=batch_size):
        if event.previous_hash != expected_previous:
            return ChainReport(checked, event.id, "does not link to the event before it")
        if event.compute_hash() != event.hash:
            return ChainReport(checked, event.id, "its content does not match its hash")
        if expected_head is not None and event.id == expected_head.event_id:
            if event.hash != expected_head.hash:
                return ChainReport(checked, event.id, "it is not the event recorded as the head")
            seen_expected = True
        expected_previous = event.hash
        head = ChainHead(event.id, event.hash)
        checked += 1
    if not seen_expected:
        assert expected_head is not None  # noqa: S101
        return ChainReport(
            checked,
            None,
            f"event {expected_head.event_id}, recorded as the head, is missing: "
            "events have been removed from the end",
            head,
        )
    return ChainReport(checked, None, head=head)
