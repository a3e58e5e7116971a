"""The nightly check of the whole person index for people recorded twice."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from vrhub.people.services import check_index


class Command(BaseCommand):
    help = "Find pairs of people who may be one and put them in the review queue."

    def handle(self, *args: Any, **options: Any) -> None:
        result = check_index(actor=None)
        self.stdout.write(
            f"{result.records:,} records, {result.compared:,} pairs compared in "
            f"{result.seconds:.1f} s; {result.new_candidates:,} new possible duplicates to review"
        )
