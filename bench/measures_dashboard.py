"""The measures pages as an analyst meets them: the dashboard and the pages it leads to, timed.

Two stores, each measured through Django's whole request cycle (signed in, templates rendered):
- the demo's: Coventry and Wolverhampton, three years of police.uk, the force extract and ISTV,
  so every core measure has figures;
- three national years of police.uk (synthetic, police.uk's format, 6,000,000 rows a year,
  generated once under var/bench/national/), with a partnership of one force's local
  authorities, as a council would run it. The core measures there read "No data" (police.uk
  holds no knife flag); the street measures have figures for every area.

Target: the dashboard under 300 ms at the 95th percentile, on both stores.

    python -m bench.measures_dashboard                 # three national years
    python -m bench.measures_dashboard --rows 600000   # a quick run, a tenth of the volume
"""

from __future__ import annotations

from typing import Any

from bench.common import OUT, ROOT, client_for, get_ok, summary, timed, write
from bench.measures_query import load_years, start

TARGET_MS = 300
RESULTS = ROOT / "bench" / "results"
STORE = OUT / "measures-dashboard-store"


def analyst() -> Any:
    from vrhub.accounts.models import Agency, AgencyKind, Role, RoleAssignment, User

    agency, _ = Agency.objects.get_or_create(
        name="Bench council", defaults={"kind": AgencyKind.LOCAL_AUTHORITY}
    )
    user, _ = User.objects.get_or_create(
        email="bench-analyst@example.org", defaults={"agency": agency, "full_name": "Analyst"}
    )
    RoleAssignment.objects.get_or_create(user=user, role=Role.ANALYST)
    return user


def pages(la_code: str) -> list[tuple[str, str, dict[str, str]]]:
    return [
        ("dashboard", "measures:dashboard", {}),
        (
            "dashboard_la_by_quarter",
            "measures:dashboard",
            {"area": f"la:{la_code}", "granularity": "quarter"},
        ),
        ("dashboard_rolling_12_months", "measures:dashboard", {"granularity": "rolling_12"}),
        ("violence_by_financial_year", "measures:measure", {"granularity": "financial_year"}),
        ("concentration", "measures:concentration", {}),
        ("hot_spots", "measures:hot_spots", {}),
        ("seasonality", "measures:seasonality", {}),
        ("cost", "measures:cost", {}),
        ("imports", "measures:imports", {}),
    ]


def measure_pages(client: Any, la_code: str, repeat: int) -> dict[str, Any]:
    from django.urls import reverse

    from vrhub.measures.catalogue import street_measure_key

    results: dict[str, Any] = {}
    for label, name, query in pages(la_code):
        kwargs = {"key": street_measure_key("Violence and sexual offences")}
        url = reverse(name, kwargs=kwargs if name == "measures:measure" else None)
        get_ok(client, url, query)  # warm: the first request opens the store
        times = (
            repeat if name.startswith("measures:dashboard") or name == "measures:measure" else 10
        )
        stats = summary(timed(lambda url=url, query=query: get_ok(client, url, query), times))
        results[label] = {"url": url, "query": query, **stats}
        if name == "measures:dashboard":
            results[label] |= {"target_ms": TARGET_MS, "within_target": stats["p95_ms"] < TARGET_MS}
        print(f"{label}: median {stats['p50_ms']} ms, p95 {stats['p95_ms']} ms")
    return results


def main() -> None:
    args = start(
        __doc__,
        rows_help="rows a national year",
        store=STORE,
        measures_dir=STORE / "demo",
        database="measures_dashboard",
    )
    from django.conf import settings
    from django.utils import timezone

    from vrhub.measures import demo, store

    user = analyst()
    client = client_for(user)
    results: dict[str, Any] = {}

    demo.build(today=timezone.localdate(), actor=None)
    print("The demo's store (Coventry and Wolverhampton, every source):")
    results["demo"] = {
        "what": "the demo world: 2 local authorities, 36 months of police.uk, force extract "
        "and ISTV",
        "pages": measure_pages(client, "E08000026", args.repeat),
    }
    store.close_all()

    settings.VRHUB_MEASURES_DIR = STORE / "national"
    data = load_years(rows=args.rows, years=args.years, seed=args.seed, first_year=args.first_year)
    cur = store.connect()
    # A partnership as a council runs it: the local authorities of one force.
    force = cur.sql("select force from area group by force order by count(*) desc limit 1")
    [(force_slug,)] = force.fetchall()
    las = [
        code
        for (code,) in cur.execute(
            "select distinct la_code from area where force = ? order by 1", [force_slug]
        ).fetchall()
    ]
    cur.close()
    settings.VRHUB_PARTNERSHIP_LOCAL_AUTHORITIES = las
    print(f"Three national years, a partnership of {len(las)} local authorities ({force_slug}):")
    results["national"] = {
        "what": data["what"],
        "rows": data["rows"],
        "partnership": {"force": force_slug, "local_authorities": len(las)},
        "pages": measure_pages(client, las[0], args.repeat),
    }
    store.close_all()

    quick = args.rows != 6_000_000 or args.years != 3
    path = write("measures_dashboard_quick" if quick else "measures_dashboard", results)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / path.name).write_text(path.read_text())


if __name__ == "__main__":
    main()
