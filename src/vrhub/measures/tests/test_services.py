"""Starting an import: the record of who imported what, the audit trail, the report kept, and
the uploaded files gone once the import ends."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from vrhub.accounts.models import Role, User
from vrhub.audit.models import AuditAction, AuditEvent
from vrhub.measures import services, store
from vrhub.measures.models import ImportKind, ImportProblem, ImportRun, ImportStatus

from .test_police_uk import HEADER, add_areas, row

pytestmark = pytest.mark.django_db

NAME = "2025-01-west-midlands-street.csv"


def upload(lines: list[str], *, header: str = HEADER) -> SimpleUploadedFile:
    return SimpleUploadedFile(NAME, "\n".join([header, *lines, ""]).encode(), "text/csv")


@pytest.fixture
def analyst(make_user: Callable[..., User]) -> User:
    return make_user(Role.ANALYST)


def test_an_import_records_who_imported_what_and_what_it_found(analyst: User) -> None:
    run = services.start_import(
        kind=ImportKind.POLICE_UK,
        uploads=[upload([row(1), row(2), row(1)])],
        options={},
        actor=analyst,
    )
    assert run.status == ImportStatus.LOADED
    assert run.started_by == analyst
    assert run.files == [NAME]
    assert (run.rows_read, run.rows_loaded, run.rows_rejected) == (3, 2, 1)
    assert run.partitions == [{"partition": "west-midlands", "month": "2025-01", "rows": 2}]
    [problem] = ImportProblem.objects.filter(run=run, rejected=True)
    assert (problem.file, problem.line) == (NAME, 4)
    assert "also on line 2" in problem.reason
    # The uploaded file is not kept once its rows are in the store.
    assert not services.incoming_dir(run.pk).exists()

    started, finished = AuditEvent.objects.filter(target_id=str(run.pk)).order_by("id")
    assert started.action == AuditAction.MEASURES_IMPORT_STARTED
    assert started.actor == analyst
    assert finished.action == AuditAction.MEASURES_IMPORT_FINISHED
    assert finished.detail["status"] == "loaded"
    assert finished.detail["rows_rejected"] == 1


def test_a_refused_file_is_reported_and_changes_nothing(analyst: User) -> None:
    services.start_import(
        kind=ImportKind.POLICE_UK, uploads=[upload([row(1)])], options={}, actor=analyst
    )
    before = store.connect().sql("select * from counts order by all").fetchall()

    refused = services.start_import(
        kind=ImportKind.POLICE_UK,
        uploads=[upload([row(5), row(6)], header=HEADER.replace("Crime type", "Offence type"))],
        options={},
        actor=analyst,
    )
    assert refused.status == ImportStatus.REFUSED
    assert "Crime type" in refused.message
    assert refused.rows_loaded == 0
    assert store.connect().sql("select * from counts order by all").fetchall() == before
    finished = (
        AuditEvent.objects.filter(action=AuditAction.MEASURES_IMPORT_FINISHED).order_by("id").last()
    )
    assert finished is not None
    assert finished.detail["status"] == "refused"


def test_an_import_keeps_so_many_problem_lines_and_counts_the_rest(
    analyst: User, settings: object
) -> None:
    settings.VRHUB_IMPORT_PROBLEMS_KEPT = 2  # type: ignore[attr-defined]
    add_areas()  # every row's LSOA known: the only problems are the 3 repeated Crime IDs
    lines = [row(1), *[row(1) for _ in range(3)]]
    run = services.start_import(
        kind=ImportKind.POLICE_UK, uploads=[upload(lines)], options={}, actor=analyst
    )
    assert run.rows_rejected == 3
    assert run.problems.filter(rejected=True).count() == 2
    assert run.problems_not_kept == 1


def test_files_on_disk_import_from_the_command_line(tmp_path, capsys) -> None:
    from django.core.management import CommandError, call_command

    folder = tmp_path / "2025-01"
    folder.mkdir()
    (folder / NAME).write_text("\n".join([HEADER, row(1), row(2), ""]))
    call_command("import_measures", "police_uk", str(tmp_path))
    out = capsys.readouterr().out
    assert "Imported. 2 rows read, 2 loaded, 0 rejected." in out

    with pytest.raises(CommandError, match="Say which force the extract comes from"):
        call_command("import_measures", "force_extract", str(tmp_path))
    with pytest.raises(CommandError, match="is not a file or a folder"):
        call_command("import_measures", "police_uk", str(tmp_path / "missing"))


def test_an_import_stopped_by_an_error_says_so_and_logs_no_row(
    analyst: User, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from vrhub.measures.ingest import police_uk

    def breaks(*args: object, **kwargs: object) -> None:
        raise ValueError("row 2: Jo Bloggs, 12 Acacia Avenue")

    monkeypatch.setattr(police_uk, "import_police_uk", breaks)
    run = services.start_import(
        kind=ImportKind.POLICE_UK, uploads=[upload([row(1)])], options={}, actor=analyst
    )
    assert run.status == ImportStatus.FAILED
    assert "Nothing was changed" in run.message
    assert f"Import {run.pk} stopped by ValueError" in caplog.text
    assert "Bloggs" not in caplog.text
    assert not services.incoming_dir(run.pk).exists()


def test_emptying_the_store_removes_the_measures_and_their_record_and_says_who(
    analyst: User,
) -> None:
    services.start_import(
        kind=ImportKind.POLICE_UK, uploads=[upload([row(1)])], options={}, actor=analyst
    )
    services.empty_store(actor=analyst)
    assert not ImportRun.objects.exists()
    with store.reading() as cur:
        assert cur.sql("select count(*) from coverage").fetchall() == [(0,)]
    emptied = AuditEvent.objects.get(action=AuditAction.MEASURES_STORE_EMPTIED)
    assert emptied.actor == analyst
