"""Every write the measures app makes to the case database: starting and running an import.

The rows go to the analytical store (see `store.py`); the case database records each import, who
started it and what it found, with the audit trail written in the same transaction.
"""

from __future__ import annotations

import logging
import shutil
import threading
import time
import traceback
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from vrhub.accounts.models import User
from vrhub.audit.models import AuditAction
from vrhub.audit.services import record
from vrhub.measures import store
from vrhub.measures.ingest.report import (
    ImportRefused,
    ImportResult,
    IncomingFile,
    Progress,
    RowProblem,
)
from vrhub.measures.models import ImportKind, ImportProblem, ImportRun, ImportStatus

logger = logging.getLogger(__name__)

REFERENCE_KINDS = frozenset(
    {
        ImportKind.AREAS,
        ImportKind.POPULATION,
        ImportKind.UNIT_COSTS,
        ImportKind.DEFLATORS,
        ImportKind.ED_SITES,
    }
)
# How often a running import writes its progress to the case database, in seconds.
PROGRESS_INTERVAL = 0.5


def empty_store(*, actor: User | None) -> None:
    """Remove every measure and the record of every import: the demo's fresh start.

    The record goes with the data, since it would otherwise describe rows no longer there.
    """
    store.close_all()
    directory = store.measures_dir()
    if directory.exists():
        for child in directory.iterdir():
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()
    with transaction.atomic(durable=True):
        removed, _ = ImportRun.objects.all().delete()
        record(
            action=AuditAction.MEASURES_STORE_EMPTIED,
            actor=actor,
            target_type="measures_store",
            detail={"records_removed": removed},
        )


def incoming_dir(run_id: int) -> Path:
    return store.measures_dir() / "incoming" / str(run_id)


def start_import(
    *,
    kind: ImportKind,
    uploads: Sequence[UploadedFile],
    options: Mapping[str, str],
    actor: User | None,
) -> ImportRun:
    """Keep the uploaded files, record who started the import, and run it.

    The import runs at once in tests and for the demo (`VRHUB_IMPORTS_INLINE`), otherwise in a
    thread of this process, so the page can show its progress while it reads.
    """
    names = [upload.name or f"file {number}" for number, upload in enumerate(uploads, start=1)]
    run = _record_start(
        kind=kind,
        names=names,
        options=options,
        bytes_total=sum(upload.size or 0 for upload in uploads),
        actor=actor,
    )
    directory = incoming_dir(run.pk)
    directory.mkdir(parents=True, exist_ok=True)
    for number, upload in enumerate(uploads):
        # Files are kept under a number, not the name the user gave, until the import ends.
        with (directory / f"{number:04d}").open("wb") as kept:
            for chunk in upload.chunks():
                kept.write(chunk)
    if settings.VRHUB_IMPORTS_INLINE:
        run_import(run.pk)
        run.refresh_from_db()
    else:
        threading.Thread(
            target=_run_in_thread, args=(run.pk,), name=f"import-{run.pk}", daemon=True
        ).start()
    return run


def import_files(
    *,
    kind: ImportKind,
    paths: Sequence[Path],
    options: Mapping[str, str],
    actor: User | None,
) -> ImportRun:
    """Import files already on this machine (the demo, the command line), inline."""
    run = _record_start(
        kind=kind,
        names=[path.name for path in paths],
        options=options,
        bytes_total=sum(path.stat().st_size for path in paths),
        actor=actor,
    )
    directory = incoming_dir(run.pk)
    directory.mkdir(parents=True, exist_ok=True)
    for number, path in enumerate(paths):
        shutil.copyfile(path, directory / f"{number:04d}")
    run_import(run.pk)
    run.refresh_from_db()
    return run


def _record_start(
    *,
    kind: ImportKind,
    names: list[str],
    options: Mapping[str, str],
    bytes_total: int,
    actor: User | None,
) -> ImportRun:
    """The import's record and its audit event, in one transaction."""
    with transaction.atomic(durable=True):
        run = ImportRun.objects.create(
            kind=kind,
            started_by=actor,
            created_at=timezone.now(),
            files=names,
            options=dict(options),
            bytes_total=bytes_total,
        )
        record(
            action=AuditAction.MEASURES_IMPORT_STARTED,
            actor=actor,
            target_type="measures_import",
            target_id=run.pk,
            detail={"kind": str(kind), "files": len(names), "bytes": bytes_total},
        )
    return run


def _run_in_thread(run_id: int) -> None:
    # A thread of its own gets a database connection of its own, closed when the import ends.
    close_old_connections()
    try:
        run_import(run_id)
    finally:
        connection.close()


def _progress_for(run_id: int) -> Progress:
    last = [0.0]

    def progress(bytes_done: int, rows_read: int) -> None:
        now = time.monotonic()
        if now - last[0] >= PROGRESS_INTERVAL:
            last[0] = now
            ImportRun.objects.filter(pk=run_id).update(bytes_done=bytes_done, rows_read=rows_read)

    return progress


def _importer(run: ImportRun) -> Callable[[list[IncomingFile], Progress], ImportResult]:
    from vrhub.measures.ingest import force_extract, istv, police_uk, reference

    today = timezone.localdate()
    kind = ImportKind(run.kind)
    if kind == ImportKind.POLICE_UK:
        return lambda files, progress: police_uk.import_police_uk(
            files, import_id=run.pk, today=today, progress=progress
        )
    if kind == ImportKind.FORCE_EXTRACT:
        force = str(run.options.get("force", ""))
        return lambda files, progress: force_extract.import_force_extract(
            files, force=force, import_id=run.pk, today=today, progress=progress
        )
    if kind == ImportKind.ISTV:
        return lambda files, progress: istv.import_istv(
            files, import_id=run.pk, today=today, progress=progress
        )
    return lambda files, progress: reference.import_reference(
        kind.value, files, import_id=run.pk, progress=progress
    )


def run_import(run_id: int) -> None:
    """Read the kept files into the store and record the outcome; the files go afterwards."""
    from vrhub.measures.ingest.files import expand

    run = ImportRun.objects.get(pk=run_id)
    ImportRun.objects.filter(pk=run_id).update(status=ImportStatus.RUNNING)
    directory = incoming_dir(run_id)
    files = [
        IncomingFile(name=name, path=directory / f"{number:04d}")
        for number, name in enumerate(run.files)
    ]
    result: ImportResult | None = None
    problems: list[RowProblem] = []
    message = ""
    try:
        expanded = expand(files, directory / "expanded")
        result = _importer(run)(expanded, _progress_for(run_id))
        problems = result.problems
        status = ImportStatus.LOADED
    except ImportRefused as refused:
        status = ImportStatus.REFUSED
        message = refused.message
        problems = refused.problems
    except Exception as error:
        # The exception's text may quote a row of the file: log where, not what.
        where = traceback.extract_tb(error.__traceback__)[-1]
        logger.error(
            "Import %s stopped by %s at %s:%s",
            run_id,
            type(error).__name__,
            where.filename,
            where.lineno,
        )
        status = ImportStatus.FAILED
        message = (
            "The import stopped because of a problem in vrhub. Nothing was changed. "
            "Try again, and if it happens again tell your administrator the import number."
        )
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    _finish(run_id, status=status, result=result, problems=problems, message=message)


def _finish(
    run_id: int,
    *,
    status: ImportStatus,
    result: ImportResult | None,
    problems: list[RowProblem],
    message: str,
) -> None:
    kept = problems[: settings.VRHUB_IMPORT_PROBLEMS_KEPT]
    with transaction.atomic(durable=True):
        run = ImportRun.objects.select_for_update().get(pk=run_id)
        run.status = status
        run.finished_at = timezone.now()
        run.message = message
        run.problems_not_kept = len(problems) - len(kept)
        if result is not None:
            run.rows_read = result.rows_read
            run.rows_loaded = result.rows_loaded
            run.rows_rejected = result.rows_rejected
            run.notes = dict(result.notes)
            run.partitions = [
                {"partition": p.partition, "month": f"{p.month:%Y-%m}", "rows": p.rows}
                for p in result.partitions
            ]
            if result.skipped_files:
                run.notes = {
                    **run.notes,
                    **{f"File skipped: {name}": 1 for name in result.skipped_files},
                }
        else:
            run.rows_loaded = 0
        run.bytes_done = run.bytes_total
        run.save()
        ImportProblem.objects.bulk_create(
            ImportProblem(
                run=run,
                file=problem.file[:255],
                line=problem.line,
                reason=problem.reason[:500],
                rejected=problem.rejected,
            )
            for problem in kept
        )
        record(
            action=AuditAction.MEASURES_IMPORT_FINISHED,
            actor=run.started_by,
            target_type="measures_import",
            target_id=run.pk,
            detail={
                "kind": run.kind,
                "status": str(status),
                "rows_read": run.rows_read,
                "rows_loaded": run.rows_loaded,
                "rows_rejected": run.rows_rejected,
                "partitions": len(run.partitions),
            },
        )
