"""The audit trail and the pages every user sees first."""

from __future__ import annotations

import statistics

from .common import client_for, get_ok, setup_django, summary, timed, write


def main() -> None:
    setup_django("foundation")
    from django.db import transaction

    from vrhub.accounts.models import User
    from vrhub.audit.integrity import verify_chain
    from vrhub.audit.models import AuditAction, AuditEvent
    from vrhub.audit.services import record
    from vrhub.core.demo import build_world

    world = build_world()
    caseworker = User.objects.get(email=world.sign_ins[1].email)
    dpo = User.objects.get(email=world.sign_ins[6].email)
    results: dict[str, object] = {}

    # Writing to the audit trail: each event in its own transaction, as a request would.
    def write_one() -> None:
        with transaction.atomic(durable=True):
            record(action=AuditAction.SIGN_IN, actor=caseworker, target_type="user", target_id=1)

    writes = timed(write_one, 2000)
    results["audit_record"] = {
        **summary(writes),
        "events_per_second": round(len(writes) / sum(writes)),
    }
    events = AuditEvent.objects.count()
    verify_time = timed(lambda: verify_chain(), 3)
    results["audit_verify_chain"] = {
        "events": events,
        **summary(verify_time),
        "events_per_second": round(events / statistics.median(verify_time)),
    }
    client = client_for(caseworker)
    results["page_role_home"] = summary(timed(lambda: get_ok(client, "/home/caseworker/"), 300))
    dpo_client = client_for(dpo)
    results["page_audit_trail_first_page"] = summary(
        timed(lambda: get_ok(dpo_client, "/audit/"), 100)
    )
    results["page_audit_trail_filtered"] = summary(
        timed(lambda: get_ok(dpo_client, "/audit/", {"action": "auth.sign_in", "page": "20"}), 100)
    )
    write("foundation", results)


if __name__ == "__main__":
    main()
