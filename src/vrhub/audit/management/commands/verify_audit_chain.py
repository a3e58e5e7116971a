from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from vrhub.audit.integrity import ChainHead, verify_chain


class Command(BaseCommand):
    help = (
        "Checks the audit trail's hash chain and prints its head. Keep the head somewhere else; "
        "passing it back with --expect-head proves no events were cut from the end since."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--expect-head",
            metavar="ID:HASH",
            help="A head printed by an earlier run, which must still be in the trail.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        expected = None
        if options["expect_head"]:
            try:
                expected = ChainHead.parse(options["expect_head"])
            except ValueError as error:
                raise CommandError(str(error)) from error
        report = verify_chain(expected_head=expected)
        if report.first_broken_id is not None:
            raise CommandError(
                f"Audit trail broken at event {report.first_broken_id}: {report.problem}. "
                f"{report.events_checked} events before it are intact."
            )
        if report.problem:
            raise CommandError(f"Audit trail incomplete: {report.problem}.")
        self.stdout.write(
            self.style.SUCCESS(f"Audit trail intact: {report.events_checked} events checked.")
        )
        self.stdout.write(f"Head: {report.head or 'none (the trail is empty)'}")
