"""The analytical store: partition-months replaced in one transaction, counts rebuilt from the
Parquet when the areas change."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from vrhub.measures import store
from vrhub.measures.catalogue import Source, street_measure_key
from vrhub.measures.ingest.police_uk import RAW_SCHEMA, import_police_uk
from vrhub.measures.ingest.report import IncomingFile

VIOLENCE = street_measure_key("Violence and sexual offences")
HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,"
    "Crime type,Last outcome category,Context"
)


def set_areas(*rows: tuple[str, str]) -> None:
    """Replace the areas table with (LSOA, local authority) rows."""
    with store.writing() as cur:
        cur.execute("delete from area")
        for lsoa, la in rows:
            cur.execute(
                "insert into area values (?, ?, ?, ?, ?, ?, ?, ?, 'west-midlands', null, null)",
                [lsoa, lsoa, f"W{la}", f"W{la}", la, la, f"C{la}", f"C{la}"],
            )


def staged(
    tmp_path: Path, partition: str, month: date, lsoas: list[str], *, name: str = "x"
) -> store.StagedPartition:
    """A staged police.uk partition-month with one violent crime in each LSOA given."""
    n = len(lsoas)
    table = pa.table(
        {
            "partition": [partition] * n,
            "month": pa.array([month] * n, pa.date32()),
            "source_file": ["test.csv"] * n,
            "source_line": pa.array(range(2, n + 2), pa.int32()),
            "crime_id": [f"{i:064x}" for i in range(n)],
            "reported_by": ["West Midlands Police"] * n,
            "falls_within": ["West Midlands Police"] * n,
            "longitude": pa.array([None] * n, pa.float64()),
            "latitude": pa.array([None] * n, pa.float64()),
            "location": ["On or near Parking Area"] * n,
            "lsoa_code": lsoas,
            "lsoa_name": lsoas,
            "crime_type": ["Violence and sexual offences"] * n,
            "last_outcome_category": ["Under investigation"] * n,
            "context": pa.array([None] * n, pa.string()),
        },
        schema=RAW_SCHEMA,
    )
    directory = store.staging_root() / "test"
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{partition}-{month:%Y-%m}-{name}.parquet"
    pq.write_table(table, path)
    return store.StagedPartition(partition, month, path, n)


def la_counts() -> dict[tuple[str, str], int]:
    cur = store.connect()
    try:
        found = cur.execute(
            "select month, area_code, n from counts where level = 'la' and measure = ?",
            [VIOLENCE],
        ).fetchall()
    finally:
        cur.close()
    return {(f"{m:%Y-%m}", a): n for m, a, n in found}


def coverage() -> list[tuple[str, str, int, int]]:
    cur = store.connect()
    try:
        found = cur.execute(
            "select partition, month, rows_loaded, import_id from coverage order by all"
        ).fetchall()
    finally:
        cur.close()
    return [(p, f"{m:%Y-%m}", n, i) for p, m, n, i in found]


JAN = date(2025, 1, 1)
FEB = date(2025, 2, 1)


def test_replacing_a_partition_month_counts_it_and_moves_its_file(tmp_path: Path) -> None:
    set_areas(("E01000001", "E08000026"), ("E01000002", "E08000031"))
    part = staged(tmp_path, "west-midlands", JAN, ["E01000001", "E01000001", "E01000002"])
    store.replace_partitions(Source.POLICE_UK, [part], import_id=7)

    assert la_counts() == {("2025-01", "E08000026"): 2, ("2025-01", "E08000031"): 1}
    assert coverage() == [("west-midlands", "2025-01", 3, 7)]
    assert not part.path.exists()
    assert store.partition_path(Source.POLICE_UK, "west-midlands", JAN).exists()


def test_replacing_again_replaces_and_never_doubles(tmp_path: Path) -> None:
    set_areas(("E01000001", "E08000026"))
    for import_id in (1, 2):
        part = staged(tmp_path, "west-midlands", JAN, ["E01000001"] * 3)
        store.replace_partitions(Source.POLICE_UK, [part], import_id=import_id)
    store.replace_partitions(
        Source.POLICE_UK, [staged(tmp_path, "west-midlands", FEB, ["E01000001"])], import_id=3
    )
    assert la_counts() == {("2025-01", "E08000026"): 3, ("2025-02", "E08000026"): 1}
    assert coverage() == [
        ("west-midlands", "2025-01", 3, 2),
        ("west-midlands", "2025-02", 1, 3),
    ]


def test_a_failed_replacement_leaves_the_store_as_it_was(tmp_path: Path) -> None:
    set_areas(("E01000001", "E08000026"))
    store.replace_partitions(
        Source.POLICE_UK, [staged(tmp_path, "west-midlands", JAN, ["E01000001"])], import_id=1
    )
    good = staged(tmp_path, "west-midlands", JAN, ["E01000001"] * 5)
    missing = store.StagedPartition("west-midlands", FEB, tmp_path / "gone.parquet", 4)
    with pytest.raises(Exception, match=r"gone\.parquet"):
        store.replace_partitions(Source.POLICE_UK, [good, missing], import_id=2)

    assert la_counts() == {("2025-01", "E08000026"): 1}
    assert coverage() == [("west-midlands", "2025-01", 1, 1)]
    cur = store.connect()
    [(rows,)] = cur.sql(f"select count(*) from {store.raw(Source.POLICE_UK)}").fetchall()  # noqa: S608
    cur.close()
    assert rows == 1


def test_one_partition_month_may_be_staged_once_per_import(tmp_path: Path) -> None:
    one = staged(tmp_path, "west-midlands", JAN, ["E01000001"], name="a")
    two = staged(tmp_path, "west-midlands", JAN, ["E01000001"], name="b")
    with pytest.raises(ValueError, match="once per import"):
        store.replace_partitions(Source.POLICE_UK, [one, two], import_id=1)


def test_raw_rows_keep_their_month_as_a_date(tmp_path: Path) -> None:
    set_areas(("E01000001", "E08000026"))
    store.replace_partitions(
        Source.POLICE_UK, [staged(tmp_path, "west-midlands", JAN, ["E01000001"])], import_id=1
    )
    cur = store.connect()
    # The folders are named month=YYYY-MM; the column must stay the file's date.
    [(month, partition)] = cur.sql(
        f"select month, partition from {store.raw(Source.POLICE_UK)}"  # noqa: S608
    ).fetchall()
    cur.close()
    assert (month, partition) == (JAN, "west-midlands")


def test_counts_are_rebuilt_when_the_areas_change(tmp_path: Path) -> None:
    set_areas(("E01000001", "E08000026"))
    store.replace_partitions(
        Source.POLICE_UK,
        [staged(tmp_path, "west-midlands", JAN, ["E01000001", "E01000002", "E01000002"])],
        import_id=1,
    )
    assert la_counts() == {("2025-01", "E08000026"): 1}

    # The areas table now knows the second LSOA, and has moved the first to another authority.
    set_areas(("E01000001", "E08000031"), ("E01000002", "E08000026"))
    store.rebuild_counts()
    assert la_counts() == {("2025-01", "E08000031"): 1, ("2025-01", "E08000026"): 2}


def test_counts_can_be_rebuilt_inside_the_transaction_that_changes_the_areas(
    tmp_path: Path,
) -> None:
    set_areas(("E01000001", "E08000026"))
    store.replace_partitions(
        Source.POLICE_UK, [staged(tmp_path, "west-midlands", JAN, ["E01000001"])], import_id=1
    )
    with store.writing() as cur:
        cur.execute("update area set la_code = 'E08000031'")
        store.rebuild_counts(cur)
    assert la_counts() == {("2025-01", "E08000031"): 1}


def test_an_importer_not_yet_written_stops_no_other_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(store._COUNTS_MODULES, Source.ISTV, "vrhub.measures.ingest.not_written")
    assert store.counts_sql(Source.ISTV) is None
    set_areas(("E01000001", "E08000026"))
    store.replace_partitions(
        Source.POLICE_UK, [staged(tmp_path, "west-midlands", JAN, ["E01000001"])], import_id=1
    )
    store.rebuild_counts()
    assert la_counts() == {("2025-01", "E08000026"): 1}


def test_counts_made_while_importing_match_counting_from_the_parquet(tmp_path: Path) -> None:
    set_areas(("E01000001", "E08000026"), ("E01000002", "E08000031"))
    lines = [HEADER]
    types = ["Violence and sexual offences", "Robbery", "Anti-social behaviour", "Drugs"]
    lsoas = ["E01000001", "E01000002", "E01000003", ""]
    for n in range(1, 400):
        kind = types[n % 4]
        ident = "" if kind == "Anti-social behaviour" else f"{n:064x}"
        month = "2025-01" if n % 5 else "2025-02"
        lines.append(
            f"{ident},{month},West Midlands Police,West Midlands Police,-1.5,52.4,"
            f"On or near Road,{lsoas[n % 7 % 4]},Name,{kind},,"
        )
    path = tmp_path / "2025-01-west-midlands-street.csv"
    path.write_text("\n".join(lines) + "\n")
    import_police_uk([IncomingFile(path.name, path)], import_id=1, today=date(2025, 6, 1))

    def everything() -> list[tuple[object, ...]]:
        cur = store.connect()
        try:
            return cur.sql("select * from counts order by all").fetchall()
        finally:
            cur.close()

    imported = everything()
    store.rebuild_counts()
    assert everything() == imported
    assert {r[3] for r in imported} == {"lsoa", "ward", "la", "csp", "force"}


def test_a_failure_just_before_commit_changes_nothing(tmp_path: Path) -> None:
    set_areas(("E01000001", "E08000026"))
    store.replace_partitions(
        Source.POLICE_UK, [staged(tmp_path, "west-midlands", JAN, ["E01000001"])], import_id=1
    )

    def disk_full() -> None:
        raise OSError("No space left on device")

    part = staged(tmp_path, "west-midlands", JAN, ["E01000001"] * 4)
    with pytest.raises(OSError, match="No space"):
        store.replace_partitions(Source.POLICE_UK, [part], import_id=2, before_commit=disk_full)
    assert la_counts() == {("2025-01", "E08000026"): 1}
    assert coverage() == [("west-midlands", "2025-01", 1, 1)]
    assert part.path.exists()


def test_files_already_moved_are_put_back_if_a_later_one_cannot_be(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    set_areas(("E01000001", "E08000026"))
    store.replace_partitions(
        Source.POLICE_UK, [staged(tmp_path, "west-midlands", JAN, ["E01000001"])], import_id=1
    )
    january = staged(tmp_path, "west-midlands", JAN, ["E01000001"] * 3)
    february = staged(tmp_path, "west-midlands", FEB, ["E01000001"] * 2)
    real_replace = store.os.replace

    def fails_for_february(source: object, target: object) -> None:
        if "2025-02" in str(source):
            raise OSError("No space left on device")
        real_replace(source, target)  # type: ignore[arg-type]

    monkeypatch.setattr(store.os, "replace", fails_for_february)
    with pytest.raises(OSError, match="No space"):
        store.replace_partitions(Source.POLICE_UK, [january, february], import_id=2)
    monkeypatch.undo()

    assert la_counts() == {("2025-01", "E08000026"): 1}
    assert coverage() == [("west-midlands", "2025-01", 1, 1)]
    cur = store.connect()
    [(rows,)] = cur.sql(f"select count(*) from {store.raw(Source.POLICE_UK)}").fetchall()  # noqa: S608
    cur.close()
    assert rows == 1
    assert not store.partition_path(Source.POLICE_UK, "west-midlands", FEB).exists()
