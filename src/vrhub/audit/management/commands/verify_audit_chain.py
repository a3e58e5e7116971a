from typing import Any

from django.core.management.base import BaseCommand, CommandError

from vrhub.audit.integrity import verify_chain


class Command(BaseCommand):
    help = "Checks the audit trail's hash chain; exits with an error at the first tampered event."

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_chain()
        if not report.intact:
            raise CommandError(
                f"Audit trail broken at event {report.first_broken_id}: {report.problem}. "
                f"{report.events_checked} events before it are intact."
            )
        self.stdout.write(
            self.style.SUCCESS(f"Audit trail intact: {report.events_checked} events checked.")
        )
