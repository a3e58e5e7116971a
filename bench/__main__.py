"""`make bench`: every benchmark, each in its own process and database, results in var/bench/."""

import subprocess
import sys

BENCHMARKS = [
    "bench.foundation",
    "bench.referrals",
    "bench.pathway",
    "bench.people_accuracy",
    "bench.people_speed",
    "bench.measures_import",
    "bench.measures_query",
    "bench.measures_dashboard",
]

if __name__ == "__main__":
    failed = [b for b in BENCHMARKS if subprocess.run([sys.executable, "-m", b]).returncode]  # noqa: S603
    sys.exit(f"Benchmarks failed: {failed}" if failed else 0)
