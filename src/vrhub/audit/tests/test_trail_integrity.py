"""The audit trail is append-only and any change to it is detectable."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from vrhub.accounts.models import Role
from vrhub.audit.integrity import verify_chain
from vrhub.audit.models import GENESIS_HASH, AuditAction, AuditEvent, AuditTrailIsAppendOnly
from vrhub.audit.services import InvalidAuditDetail, record

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_events(make_user):
    officer = make_user(Role.CASEWORKER)
    return [
        record(action=AuditAction.SIGN_IN, actor=officer, target_type="user", target_id=officer.pk),
        record(
            action=AuditAction.USER_UPDATED,
            actor=officer,
            target_type="user",
            target_id=7,
            person_id="P-123",
            detail={"changed": ["full_name"]},
        ),
        record(action=AuditAction.SIGN_OUT, actor=officer),
    ]


def _without_db_guard(sql: str, params: list[object]) -> None:
    """Tamper with the table the way someone with database access could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Run the deferred foreign-key checks first: ALTER TABLE refuses while any are pending.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only")
        else:
            cursor.execute("DROP TRIGGER audit_event_append_only")
        cursor.execute(sql, params)


def test_each_event_links_to_the_one_before(three_events):
    first, second, third = three_events
    assert first.previous_hash == GENESIS_HASH
    assert second.previous_hash == first.hash
    assert third.previous_hash == second.hash
    assert third.agency == third.actor.agency


def test_an_untouched_trail_verifies(three_events):
    report = verify_chain()
    assert report.intact
    assert report.events_checked == 3


def test_a_changed_event_is_detected(three_events):
    _without_db_guard(
        "UPDATE audit_auditevent SET person_id = %s WHERE id = %s", ["P-999", three_events[1].id]
    )
    report = verify_chain()
    assert not report.intact
    assert report.first_broken_id == three_events[1].id
    assert "content" in report.problem


def test_a_removed_event_is_detected(three_events):
    _without_db_guard("DELETE FROM audit_auditevent WHERE id = %s", [three_events[1].id])
    report = verify_chain()
    assert report.first_broken_id == three_events[2].id
    assert "link" in report.problem


def test_the_command_reports_tampering_and_fails(three_events):
    out = StringIO()
    call_command("verify_audit_chain", stdout=out)
    assert "intact: 3 events" in out.getvalue()
    _without_db_guard(
        "UPDATE audit_auditevent SET action = %s WHERE id = %s",
        ["auth.sign_out", three_events[0].id],
    )
    with pytest.raises(CommandError, match=f"broken at event {three_events[0].id}"):
        call_command("verify_audit_chain", stdout=StringIO())


def test_the_application_cannot_change_or_delete_events(three_events):
    event = AuditEvent.objects.get(pk=three_events[0].pk)
    event.action = "something.else"
    with pytest.raises(AuditTrailIsAppendOnly):
        event.save()
    with pytest.raises(AuditTrailIsAppendOnly):
        event.delete()
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).action == AuditAction.SIGN_IN


def test_the_database_refuses_an_update_that_bypasses_the_application(three_events):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET action = 'x' WHERE id = %s", [three_events[0].id]
        )
    assert AuditEvent.objects.get(pk=three_events[0].pk).action == AuditAction.SIGN_IN


@pytest.mark.parametrize(
    "detail",
    [
        {"note": {"nested": "free text document"}},
        {"x": "y" * 3000},
        {"people": [{"name": "A"}]},
        {"score": 1e16},  # PostgreSQL's jsonb may rewrite floats, breaking the hash
    ],
)
def test_detail_holds_small_facts_only(make_user, detail):
    with pytest.raises(InvalidAuditDetail):
        record(action=AuditAction.SIGN_IN, actor=make_user(Role.CASEWORKER), detail=detail)
    assert not AuditEvent.objects.exists()


def test_events_cut_from_the_end_are_detected_with_a_kept_head(three_events):
    out = StringIO()
    call_command("verify_audit_chain", stdout=out)
    head = out.getvalue().split("Head: ")[1].strip()
    assert head == f"{three_events[2].id}:{three_events[2].hash}"
    call_command("verify_audit_chain", expect_head=head, stdout=StringIO())
    _without_db_guard("DELETE FROM audit_auditevent WHERE id = %s", [three_events[2].id])
    assert verify_chain().intact  # on its own, a shortened chain still links up
    with pytest.raises(CommandError, match="removed from the end"):
        call_command("verify_audit_chain", expect_head=head, stdout=StringIO())
