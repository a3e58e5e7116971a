"""The one way to write to the audit trail."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.utils import timezone

from vrhub.core.request_context import current_request_id

from .models import GENESIS_HASH, AuditAction, AuditEvent
from .selectors import AuditFilter

if TYPE_CHECKING:
    from vrhub.accounts.models import Agency, User

# Detail is for small facts about an event (a field name, a count, a reason code), never free text
# about a person.
MAX_DETAIL_BYTES = 2048
# No floats: PostgreSQL's jsonb may rewrite them (1e16, -0.0), which would break the hash.
_SCALARS = (str, int, bool, type(None))

# Any fixed number: it names the lock that keeps audit writers in single file.
_CHAIN_LOCK_KEY = 7_406_521


class InvalidAuditDetail(ValueError):
    pass


def _check_detail(detail: dict[str, Any]) -> None:
    for key, value in detail.items():
        if not isinstance(key, str):
            raise InvalidAuditDetail("Audit detail keys must be strings.")
        values = value if isinstance(value, list) else [value]
        if not all(isinstance(v, _SCALARS) for v in values):
            raise InvalidAuditDetail(f"Audit detail '{key}' must be a scalar or a list of scalars.")
    if len(json.dumps(detail)) > MAX_DETAIL_BYTES:
        raise InvalidAuditDetail("Audit detail is too large: record facts, not documents.")


def _lock_chain() -> None:
    """Serialise writers so each event links to the one written just before it.

    PostgreSQL: a transaction-scoped advisory lock. SQLite: transactions are opened IMMEDIATE
    (see settings), so writers already run one at a time.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])


def begin_audited_change() -> None:
    """Take the audit trail's writer lock at the start of a change that locks other rows too.

    Every audited change ends by writing an event, which takes this lock; a change that locks its
    own rows first and this lock last can deadlock against one that already holds it (a referral
    being sent) and wants those rows. Taking it first gives every such change one order.
    """
    _lock_chain()


def record(
    *,
    action: AuditAction | str,
    actor: User | None,
    agency: Agency | None = None,
    subject_agency: Agency | None = None,
    target_type: str = "",
    target_id: str | int = "",
    person_id: str | int = "",
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the audit trail, inside the caller's transaction.

    The agency defaults to the actor's agency; `subject_agency` is the agency of the record acted
    on, where that is another agency. The request id comes from the request being served.
    """
    detail = dict(detail or {})
    _check_detail(detail)
    if agency is None and actor is not None:
        agency = actor.agency
    with transaction.atomic():
        _lock_chain()
        last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
        event = AuditEvent(
            occurred_at=timezone.now(),
            actor=actor,
            agency=agency,
            subject_agency=subject_agency if subject_agency != agency else None,
            action=str(action),
            target_type=target_type,
            target_id=str(target_id),
            person_id=str(person_id),
            request_id=current_request_id.get(),
            detail=detail,
            previous_hash=last or GENESIS_HASH,
        )
        event.hash = event.compute_hash()
        event.save()
    return event


def trail_viewed(
    *, officer: User, criteria: AuditFilter, exported: bool = False, **detail: str | int
) -> AuditEvent:
    """Record that a data protection officer looked at, or downloaded, part of the trail."""
    with transaction.atomic(durable=True):
        return record(
            action=AuditAction.AUDIT_TRAIL_EXPORTED if exported else AuditAction.AUDIT_TRAIL_VIEWED,
            actor=officer,
            target_type="audit_trail",
            person_id=criteria.person_id,
            detail={"filtered_by": criteria.used(), **detail},
        )
