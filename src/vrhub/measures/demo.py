"""The demo's measures: three years of synthetic evidence for Coventry and Wolverhampton.

The files come from `synthetic/demo_world.py` and go through the same imports an analyst uses, so
the import history shows what was loaded, when and by whom, exactly as after a real upload. A
reload starts from an empty store: the old store and the record of its imports are removed first,
since the record would otherwise describe data that is no longer there.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone

from vrhub.measures import services
from vrhub.measures.models import ImportKind, ImportRun, ImportStatus
from vrhub.measures.synthetic.demo_world import DemoFiles, build_demo_files

if TYPE_CHECKING:
    from vrhub.accounts.models import User
    from vrhub.core.demo import DemoWorld


class DemoImportFailed(Exception):
    """One of the demo's own files did not import: the demo world is broken, not the data."""


def build(*, today: date, actor: User | None) -> list[ImportRun]:
    """Empty the store, then import the demo's reference tables, police.uk, force and ED data."""
    services.empty_store(actor=actor)
    with tempfile.TemporaryDirectory(prefix="vrhub-demo-measures-") as tmp:
        files = build_demo_files(Path(tmp), today=today)
        return [_import(kind, paths, options, actor) for kind, paths, options in _plan(files)]


def build_for_world(world: DemoWorld) -> None:
    """The step `core.demo.BUILDERS` runs: the analyst is recorded as loading the data.

    Like the other steps it changes nothing when the demo is loaded again: once anything has
    been imported, the store is the analyst's to keep.
    """
    if not settings.VRHUB_DEMO_MEASURES or ImportRun.objects.exists():
        return
    runs = build(today=timezone.localdate(), actor=world.users.get("analyst"))
    world.created["measures imports"] = len(runs)
    world.created["measures rows"] = sum(run.rows_loaded for run in runs)


def _plan(files: DemoFiles) -> list[tuple[ImportKind, list[Path], dict[str, str]]]:
    # The areas must be in place before the counts are made from them.
    plan: list[tuple[ImportKind, list[Path], dict[str, str]]] = [
        (ImportKind(kind), [path], {}) for kind, path in files.reference
    ]
    plan.append((ImportKind.POLICE_UK, list(files.police_uk), {}))
    plan.append((ImportKind.FORCE_EXTRACT, [files.force_extract], {"force": files.force}))
    plan.append((ImportKind.ISTV, list(files.istv), {}))
    return plan


def _import(
    kind: ImportKind, paths: list[Path], options: dict[str, str], actor: User | None
) -> ImportRun:
    run = services.import_files(kind=kind, paths=paths, options=options, actor=actor)
    if run.status != ImportStatus.LOADED:
        raise DemoImportFailed(
            f"Import {run.pk} of the demo's {kind.value} files ended "
            f"\u201c{run.get_status_display()}\u201d: {run.message}"
        )
    return run
