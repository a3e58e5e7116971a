"""Checks that the audit trail has not been changed since it was written."""

from __future__ import annotations

from dataclasses import dataclass

from .models import GENESIS_HASH, AuditEvent


@dataclass(frozen=True)
class ChainReport:
    events_checked: int
    first_broken_id: int | None
    problem: str = ""

    @property
    def intact(self) -> bool:
        return self.first_broken_id is None


def verify_chain(*, batch_size: int = 5000) -> ChainReport:
    """Recompute every event's hash in order and compare the links."""
    expected_previous = GENESIS_HASH
    checked = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=batch_size):
        if event.previous_hash != expected_previous:
            return ChainReport(checked, event.id, "does not link to the event before it")
        if event.compute_hash() != event.hash:
            return ChainReport(checked, event.id, "its content does not match its hash")
        expected_previous = event.hash
        checked += 1
    return ChainReport(checked, None)
