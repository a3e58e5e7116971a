"""Many requests writing to the trail at once still make one unbroken chain."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, transaction

from vrhub.accounts.models import Role
from vrhub.audit.integrity import verify_chain
from vrhub.audit.models import AuditAction, AuditEvent
from vrhub.audit.services import record


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_the_chain_whole(make_user):
    user = make_user(Role.CASEWORKER)

    def write(n: int) -> None:
        try:
            for _ in range(n):
                with transaction.atomic(durable=True):
                    record(action=AuditAction.SIGN_IN, actor=user)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(write, [15, 15, 15, 15]))

    assert AuditEvent.objects.count() == 60
    report = verify_chain()
    assert report.intact, report
    hashes = list(AuditEvent.objects.values_list("previous_hash", flat=True))
    assert len(set(hashes)) == 60  # no two events claim the same predecessor
