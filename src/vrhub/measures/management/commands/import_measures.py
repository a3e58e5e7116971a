"""Import police.uk, force extract, ISTV or reference files from this machine's disk.

For files too big to upload, or a nightly job that fetches them: the same import as the page, with
the same report, recorded as started by nobody (vrhub itself).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vrhub.measures.models import ImportKind, ImportStatus
from vrhub.measures.services import import_files


class Command(BaseCommand):
    help = "Import data files (CSV, zip archives or folders of them) into the measures."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=[kind.value for kind in ImportKind])
        parser.add_argument("paths", nargs="+", type=Path)
        parser.add_argument("--force", default="", help="The force a force extract comes from.")

    def handle(self, *args: Any, **options: Any) -> None:
        kind = ImportKind(options["kind"])
        paths: list[Path] = []
        for path in options["paths"]:
            if path.is_dir():
                paths.extend(sorted(p for p in path.rglob("*") if p.is_file()))
            elif path.is_file():
                paths.append(path)
            else:
                raise CommandError(f"{path} is not a file or a folder")
        if kind == ImportKind.FORCE_EXTRACT and not options["force"]:
            raise CommandError("Say which force the extract comes from with --force")
        run = import_files(
            kind=kind,
            paths=paths,
            options={"force": options["force"]} if options["force"] else {},
            actor=None,
        )
        self.stdout.write(
            f"Import {run.pk}: {run.get_status_display()}. {run.rows_read:,} rows read, "
            f"{run.rows_loaded:,} loaded, {run.rows_rejected:,} rejected."
        )
        for reason, count in sorted(run.notes.items()):
            self.stdout.write(f"  {reason}: {count:,}")
        for problem in run.problems.filter(rejected=True)[:20]:
            self.stdout.write(f"  {problem.file} line {problem.line}: {problem.reason}")
        if run.status != ImportStatus.LOADED:
            raise CommandError(run.message or "Nothing was imported")
