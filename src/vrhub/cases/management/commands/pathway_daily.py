"""The pathway's daily work: lapse unanswered offers and expire unjustified at-risk entries."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from vrhub.cases import services


class Command(BaseCommand):
    help = (
        "Run once a day, for example from cron just after midnight "
        "(`5 0 * * * manage.py pathway_daily`). CIRV offers with no answer by their "
        "respond-by date lapse: the case closes and the person goes on the at-risk list. "
        "At-risk entries not re-justified by their review date expire and leave the list. "
        "Prints how many of each. Safe to run more than once a day: a second run finds "
        "nothing left to do."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        lapsed = services.offers_lapse()
        expired = services.at_risk_expire_due()
        self.stdout.write(f"Offers lapsed without an answer: {lapsed}")
        self.stdout.write(f"At-risk entries expired: {expired}")
