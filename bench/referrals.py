"""The caseworker's referral queue and the referrals API over 100,000 referrals.

Target (issue 3): p95 under 150 ms for the queue page and the API list on this machine.
"""

from __future__ import annotations

import os
import time

from .common import client_for, get_ok, setup_django, summary, timed, write

REFERRALS = int(os.environ.get("BENCH_REFERRALS", "100000"))
TARGET_P95_MS = 150


def main() -> None:
    setup_django("referrals")
    from django.urls import reverse

    from vrhub.accounts.models import User
    from vrhub.core.demo import build_world
    from vrhub.referrals.demo import bulk_referrals
    from vrhub.referrals.models import Referral

    world = build_world()
    started = time.perf_counter()
    bulk_referrals(REFERRALS - Referral.objects.count())
    loaded_in = time.perf_counter() - started
    caseworker = User.objects.get(email=world.sign_ins[1].email)
    client = client_for(caseworker)
    results: dict[str, object] = {}
    pages = {
        "queue_new": ("/referrals/queue/", {}),
        "queue_awaiting_triage_page_20": (
            "/referrals/queue/",
            {"status": "awaiting_triage", "page": "20"},
        ),
        "queue_filtered": ("/referrals/queue/", {"status": "new", "eligibility": "eligible"}),
    }
    for name, (url, data) in pages.items():
        get_ok(client, url, data)
        results[name] = summary(timed(lambda u=url, d=data: get_ok(client, u, d), 100))
    api = reverse("api:referrals")
    results["api_list"] = summary(timed(lambda: get_ok(client, api, {"limit": "100"}), 100))
    results["api_list_filtered"] = summary(
        timed(lambda: get_ok(client, api, {"status": "new", "offset": "500"}), 100)
    )
    worst = max(r["p95_ms"] for r in results.values())  # type: ignore[index]
    write(
        "referrals",
        results,
        referrals=Referral.objects.count(),
        loaded_in_seconds=round(loaded_in, 1),
        target_p95_ms=TARGET_P95_MS,
        worst_p95_ms=worst,
        meets_target=worst < TARGET_P95_MS,
    )


if __name__ == "__main__":
    main()
