"""Benchmarks: `make bench` (or `python -m bench`). Each writes JSON to var/bench/ with the machine.

Runs against a fresh SQLite database under var/bench/ unless DATABASE_URL is set.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "bench"


def machine() -> dict[str, object]:
    memory_kib = 0
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        first = meminfo.read_text().splitlines()[0]
        memory_kib = int(first.split()[1])
    cpu = platform.processor()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    from django.db import connection

    return {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpu": cpu,
        "cpu_count": os.cpu_count(),
        "memory_gib": round(memory_kib / 1024 / 1024, 1),
        "database": connection.vendor,
    }


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


def summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered) * 1000, 3),
        "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1] * 1000, 3),
        "max_ms": round(ordered[-1] * 1000, 3),
    }


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    if "DATABASE_URL" not in os.environ:
        db = OUT / "bench.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vrhub.settings.local")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction
    from django.test import Client

    from vrhub.accounts.models import User
    from vrhub.audit.integrity import verify_chain
    from vrhub.audit.models import AuditAction, AuditEvent
    from vrhub.audit.services import record
    from vrhub.core.demo import build_world

    call_command("migrate", verbosity=0)
    world = build_world()
    caseworker = User.objects.get(email=world.sign_ins[1].email)
    dpo = User.objects.get(email=world.sign_ins[6].email)
    results: dict[str, object] = {}

    # 1. Writing to the audit trail: each event in its own transaction, as a request would.
    def write_one() -> None:
        with transaction.atomic(durable=True):
            record(action=AuditAction.SIGN_IN, actor=caseworker, target_type="user", target_id=1)

    writes = timed(write_one, 2000)
    results["audit_record"] = {
        **summary(writes),
        "events_per_second": round(len(writes) / sum(writes)),
    }

    # 2. Verifying the whole chain.
    events = AuditEvent.objects.count()
    verify_time = timed(lambda: verify_chain(), 3)
    results["audit_verify_chain"] = {
        "events": events,
        **summary(verify_time),
        "events_per_second": round(events / statistics.median(verify_time)),
    }

    # 3. Pages, served in-process (no network): the role home and the audit trail.
    def get(c: Client, url: str, data: dict[str, str] | None = None) -> None:
        response = c.get(url, data)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}: the benchmark is invalid")

    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(caseworker)
    get(client, "/home/caseworker/")
    results["page_role_home"] = summary(timed(lambda: get(client, "/home/caseworker/"), 300))
    dpo_client = Client(SERVER_NAME="127.0.0.1")
    dpo_client.force_login(dpo)
    results["page_audit_trail_first_page"] = summary(timed(lambda: get(dpo_client, "/audit/"), 100))
    results["page_audit_trail_filtered"] = summary(
        timed(lambda: get(dpo_client, "/audit/", {"action": "auth.sign_in", "page": "20"}), 100)
    )

    report = {
        "benchmark": "foundation",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "results": results,
    }
    path = OUT / "foundation.json"
    path.write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))
    print(f"Written to {path}")


if __name__ == "__main__":
    main()
