"""Importing a force's extract of recorded offences: what the analyst sees for bad rows, and
what the store counts."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from vrhub.measures import store
from vrhub.measures.catalogue import Source
from vrhub.measures.ingest import common
from vrhub.measures.ingest.force_extract import (
    COUNTS_SQL,
    import_force_extract,
    stage_force_extract,
)
from vrhub.measures.ingest.report import ImportRefused, IncomingFile

TODAY = date(2025, 6, 15)
HEADER = (
    "Offence reference,Offence date,Home Office offence code,Offence description,"
    "Knife or sharp instrument,Homicide,Victim age band,Domestic abuse,LSOA code,Latitude,"
    "Longitude"
)


def offence(
    reference: str,
    when: str = "2025-01-10",
    *,
    knife: str = "Y",
    homicide: str = "N",
    age: str = "18-24",
    domestic: str = "N",
    lsoa: str = "E01009564",
    lat: str = "52.41",
    lon: str = "-1.51",
) -> str:
    return (
        f"{reference},{when},008/01,Wounding with intent,{knife},{homicide},{age},{domestic},"
        f"{lsoa},{lat},{lon}"
    )


def csv_file(
    directory: Path,
    name: str,
    lines: list[str],
    *,
    header: str = HEADER,
    bom: bool = False,
    newline: str = "\n",
) -> IncomingFile:
    text = newline.join([header, *lines]) + newline
    path = directory / name
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode())
    return IncomingFile(name=name, path=path)


def add_areas(*rows: tuple[str, str, str, str]) -> None:
    """(LSOA, ward, local authority, CSP) rows in the areas table, all in West Midlands."""
    with store.writing() as cur:
        for lsoa, ward, la, csp in rows:
            cur.execute(
                "insert into area values (?, ?, ?, ?, ?, ?, ?, ?, 'west-midlands', null, null)",
                [lsoa, lsoa, ward, ward, la, la, csp, csp],
            )


def counts(**where: object) -> dict[tuple[object, ...], int]:
    """{(month, level, area_code, measure, under_25): n} for force extract counts."""
    cur = store.connect()
    try:
        found = cur.execute(
            "select month, level, area_code, measure, under_25, n from counts "
            "where source = 'force_extract' order by all"
        ).fetchall()
    finally:
        cur.close()
    return {tuple(row[:5]): int(row[5]) for row in found}


def total(measure: str, level: str, area: str, *, under_25: bool | None = None) -> int:
    return sum(
        n
        for (_, lvl, code, m, young), n in counts().items()
        if m == measure
        and lvl == level
        and code == area
        and (under_25 is None or young == under_25)
    )


def coverage() -> list[tuple[str, date, int]]:
    cur = store.connect()
    try:
        found = cur.execute(
            "select partition, month, rows_loaded from coverage "
            "where source = 'force_extract' order by all"
        ).fetchall()
    finally:
        cur.close()
    return [(str(p), m, int(n)) for p, m, n in found]


def stage(files: list[IncomingFile], force: str = "west-midlands") -> common.Staging:
    return stage_force_extract(files, force=force, import_id=1, today=TODAY)


def run(files: list[IncomingFile], *, import_id: int = 1, force: str = "west-midlands"):  # type: ignore[no-untyped-def]
    return import_force_extract(files, force=force, import_id=import_id, today=TODAY)


def test_bad_rows_are_left_out_with_their_line_and_reason(tmp_path: Path) -> None:
    upload = csv_file(
        tmp_path,
        "extract.csv",
        [
            offence("20WM/1"),
            offence("20WM/2", ""),
            offence("20WM/3", "31/02/2025"),
            offence("20WM/4", "2025-13-01"),
            offence("20WM/5", "2031-01-05"),
            offence("20WM/1", "2025-01-11"),
            offence("20WM/6", knife="maybe"),
            offence("20WM/7", homicide=""),
            offence("20WM/8", domestic="unknown"),
            offence("", "2025-01-12"),
            "20WM/9,2025-01-10,008/01,Wounding",
        ],
    )

    result = stage([upload]).result

    assert [(p.line, p.reason) for p in result.problems] == [
        (3, "Offence date is blank"),
        (4, "Offence date \u201c31/02/2025\u201d is not a date: use YYYY-MM-DD or DD/MM/YYYY"),
        (5, "Offence date \u201c2025-13-01\u201d is not a date: use YYYY-MM-DD or DD/MM/YYYY"),
        (6, "Offence date 2031-01-05 is in the future"),
        (7, "Offence reference also on line 2"),
        (8, "Knife or sharp instrument \u201cmaybe\u201d is not Y or N"),
        (9, "Homicide is blank: enter Y or N"),
        (10, "Domestic abuse \u201cunknown\u201d is not Y or N"),
        (11, "Offence reference is blank"),
        (12, "Line 12 has 4 columns, not 11"),
    ]
    assert all(p.rejected and p.file == "extract.csv" for p in result.problems)
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (11, 1, 10)
    assert result.reconciles


def test_a_duplicate_in_another_file_names_that_file(tmp_path: Path) -> None:
    first = csv_file(tmp_path, "january.csv", [offence("20WM/1")])
    second = csv_file(tmp_path, "february.csv", [offence("20WM/2"), offence("20WM/1")])

    result = stage([first, second]).result

    assert [(p.file, p.line, p.reason) for p in result.problems] == [
        ("february.csv", 3, "Offence reference also on line 2 of january.csv")
    ]


def test_a_row_rejected_for_its_date_does_not_make_a_later_one_a_duplicate(
    tmp_path: Path,
) -> None:
    upload = csv_file(tmp_path, "x.csv", [offence("20WM/1", "bad"), offence("20WM/1")])

    result = stage([upload]).result

    assert [p.line for p in result.problems] == [2]
    assert result.rows_loaded == 1


def test_byte_order_mark_windows_line_endings_and_header_spacing_are_read(
    tmp_path: Path,
) -> None:
    header = HEADER.upper().replace(",", " ,  ").replace("OFFENCE DATE", "offence   date")
    upload = csv_file(
        tmp_path,
        "x.csv",
        [offence("A"), offence("B", "03/02/2025")],
        header=header,
        bom=True,
        newline="\r\n",
    )

    staging = stage([upload])

    assert staging.result.problems == []
    assert staging.result.rows_loaded == 2
    months = [(s.month, s.rows) for s in staging.staged]
    assert months == [(date(2025, 1, 1), 1), (date(2025, 2, 1), 1)]


def test_columns_in_another_order_and_extra_columns_are_read_and_extras_not_kept(
    tmp_path: Path,
) -> None:
    names = HEADER.split(",")
    header = ",".join(["Victim name", *reversed(names)])
    row = ",".join(["Jane Doe", *reversed(offence("A").split(","))])
    upload = csv_file(tmp_path, "x.csv", [row], header=header)

    staging = stage([upload])

    assert staging.result.rows_loaded == 1
    parquet = duckdb.sql(f"select * from read_parquet('{staging.staged[0].path}')")  # noqa: S608
    assert "Jane Doe" not in str(parquet.fetchall())
    assert parquet.fetchall()[0][parquet.columns.index("offence_reference")] == "A"


def test_a_renamed_column_refuses_the_file_naming_what_was_expected(tmp_path: Path) -> None:
    upload = csv_file(
        tmp_path, "x.csv", [offence("A")], header=HEADER.replace("Offence date", "Date")
    )

    with pytest.raises(ImportRefused) as refused:
        stage([upload])

    assert refused.value.message.startswith(
        "x.csv does not have the header of a force extract. Column 2 should be "
        "\u201cOffence date\u201d: found \u201cDate\u201d."
    )
    assert [(p.line, p.reason) for p in refused.value.problems] == [
        (1, "Column 2 should be \u201cOffence date\u201d: found \u201cDate\u201d")
    ]


def test_a_file_that_is_not_utf8_text_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(b"\xff\xfeO\x00f\x00f\x00")

    with pytest.raises(ImportRefused, match="not a CSV file saved as UTF-8 text"):
        stage([IncomingFile("x.csv", path)])


def test_a_file_with_only_a_header_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ImportRefused, match="no rows under the header"):
        stage([csv_file(tmp_path, "x.csv", [])])


def test_no_force_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ImportRefused, match="Choose the force"):
        stage([csv_file(tmp_path, "x.csv", [offence("A")])], force=" ")


def test_missing_lsoa_coordinates_and_age_are_noted_not_rejected(tmp_path: Path) -> None:
    add_areas(("E01009564", "E05001223", "E08000026", "E22000216"))
    upload = csv_file(
        tmp_path,
        "x.csv",
        [
            offence("A"),
            offence("B", lsoa="", lat="", lon=""),
            offence("C", lsoa="E01999999", lat="-1.51", lon="52.41", age=""),
            offence("D", age="unknown"),
        ],
    )

    result = stage([upload]).result

    assert result.rows_rejected == 0
    assert dict(result.notes) == {
        "No LSOA": 1,
        "No coordinates": 1,
        "LSOA not in the areas table": 1,
        "Coordinates not in England or Wales": 1,
        "No victim age band": 1,
        "Victim age band not recognised": 1,
    }


@pytest.mark.parametrize(
    ("band", "expected"),
    [
        ("0-17", True),
        ("18-24", True),
        ("18 to 24", True),
        ("under 18", True),
        ("Under 25", True),
        ("25-34", False),
        ("65+", False),
        ("20-29", None),
        ("", None),
        ("unknown", None),
    ],
)
def test_age_bands_give_under_25(band: str, expected: bool | None) -> None:
    found = duckdb.sql(f"select {common.under_25('$band')}".replace("$band", f"'{band}'"))
    assert found.fetchall() == [(expected,)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Y", True),
        ("yes", True),
        (" TRUE ", True),
        ("1", True),
        ("n", False),
        ("No", False),
        ("false", False),
        ("0", False),
        ("", None),
        ("maybe", None),
    ],
)
def test_flags(text: str, expected: bool | None) -> None:
    assert duckdb.sql(f"select {common.flag(repr(text))}").fetchall() == [(expected,)]


def test_offences_are_counted_by_level_measure_and_age(tmp_path: Path) -> None:
    add_areas(
        ("E01009564", "E05001223", "E08000026", "E22000216"),
        ("E01009565", "E05001224", "E08000026", "E22000216"),
    )
    upload = csv_file(
        tmp_path,
        "x.csv",
        [
            offence("A", "2025-01-03"),
            offence("B", "2025-01-20", age="35-44", lsoa="E01009565"),
            offence("C", "2025-01-21", knife="Y", homicide="Y", age=""),
            offence("D", "2025-01-22", knife="N", homicide="N"),
            offence("E", "2025-03-02", lsoa=""),
        ],
    )

    result = run([upload])

    january = date(2025, 1, 1)
    assert result.reconciles
    assert total("knife_crime", "force", "west-midlands") == 4
    assert total("knife_crime", "la", "E08000026") == 3
    assert total("knife_crime", "ward", "E05001223") == 2
    assert total("knife_crime", "csp", "E22000216") == 3
    assert total("knife_crime", "lsoa", "E01009565") == 1
    assert total("knife_crime", "force", "west-midlands", under_25=True) == 2
    assert total("homicide", "force", "west-midlands") == 1
    assert counts()[(january, "force", "west-midlands", "homicide", None)] == 1
    # The March offence has no LSOA: the force has it, no local authority does.
    assert counts()[(date(2025, 3, 1), "force", "west-midlands", "knife_crime", True)] == 1
    assert not any(k[0] == date(2025, 3, 1) and k[1] != "force" for k in counts())


def test_every_month_from_first_to_last_is_covered_so_an_empty_month_is_zero(
    tmp_path: Path,
) -> None:
    upload = csv_file(tmp_path, "x.csv", [offence("A", "2025-01-03"), offence("B", "2025-03-02")])

    result = run([upload])

    assert coverage() == [
        ("west-midlands", date(2025, 1, 1), 1),
        ("west-midlands", date(2025, 2, 1), 0),
        ("west-midlands", date(2025, 3, 1), 1),
    ]
    assert [(p.month, p.rows) for p in result.partitions] == [
        (date(2025, 1, 1), 1),
        (date(2025, 2, 1), 0),
        (date(2025, 3, 1), 1),
    ]


def test_reimporting_a_month_replaces_it_and_never_doubles(tmp_path: Path) -> None:
    first = csv_file(tmp_path, "a.csv", [offence("A", "2025-01-03"), offence("B", "2025-02-03")])
    run([first], import_id=1)
    again = csv_file(
        tmp_path,
        "b.csv",
        [offence("C", "2025-02-05"), offence("D", "2025-02-06"), offence("E", "2025-02-07")],
    )

    run([again], import_id=2)
    run([again], import_id=3)

    by_month = {k[0]: 0 for k in counts()}
    for (month, level, _, measure, _), n in counts().items():
        if level == "force" and measure == "knife_crime":
            by_month[month] += n
    assert by_month == {date(2025, 1, 1): 1, date(2025, 2, 1): 3}
    assert coverage() == [
        ("west-midlands", date(2025, 1, 1), 1),
        ("west-midlands", date(2025, 2, 1), 3),
    ]
    files = sorted(store.dataset_dir(Source.FORCE_EXTRACT).glob("*/*/data.parquet"))
    rows = duckdb.sql(
        "select offence_reference from read_parquet(["  # noqa: S608
        + ", ".join(f"'{f}'" for f in files)
        + "]) order by 1"
    ).fetchall()
    assert rows == [("A",), ("C",), ("D",), ("E",)]


def test_a_refused_import_leaves_the_store_as_it_was(tmp_path: Path) -> None:
    run([csv_file(tmp_path, "a.csv", [offence("A")])], import_id=1)
    before = (counts(), coverage())
    good = csv_file(tmp_path, "good.csv", [offence("B")])
    bad = csv_file(tmp_path, "bad.csv", [offence("C")], header=HEADER.replace("Homicide", "H"))

    with pytest.raises(ImportRefused):
        run([good, bad], import_id=2)
    with pytest.raises(ImportRefused, match="None of the 2 rows could be imported"):
        run([csv_file(tmp_path, "c.csv", [offence("D", ""), offence("E", "x")])], import_id=3)

    assert (counts(), coverage()) == before


def test_counts_sql_reads_only_the_raw_rows_and_the_area_table(tmp_path: Path) -> None:
    """What a recount runs when the areas change: the same counts as the import made."""
    add_areas(("E01009564", "E05001223", "E08000026", "E22000216"))
    run([csv_file(tmp_path, "a.csv", [offence("A"), offence("B", homicide="Y", age="65+")])])
    cur = store.connect()
    try:
        raw = store.raw(Source.FORCE_EXTRACT)
        cur.execute(f"create temp view rows as select * from {raw}")  # noqa: S608
        recount = cur.execute(
            "select month, level, area_code, measure, under_25, n "  # noqa: S608
            f"from ({COUNTS_SQL}) order by all"
        ).fetchall()
    finally:
        cur.close()
    assert {tuple(r[:5]): int(r[5]) for r in recount} == counts()


def test_progress_is_reported_as_files_are_read(tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    first = csv_file(tmp_path, "a.csv", [offence("A")])
    second = csv_file(tmp_path, "b.csv", [offence("B"), offence("C")])

    stage_force_extract(
        [first, second],
        force="west-midlands",
        import_id=1,
        today=TODAY,
        progress=lambda done, rows: seen.append((done, rows)),
    )

    size = first.path.stat().st_size
    assert seen == [(size, 1), (size + second.path.stat().st_size, 3)]


def test_the_force_may_be_named_as_police_uk_names_it_or_in_full(tmp_path: Path) -> None:
    staging = stage([csv_file(tmp_path, "x.csv", [offence("A")])], force="West Midlands Police")

    assert [s.partition for s in staging.staged] == ["west-midlands"]


@pytest.mark.django_db(transaction=True)
def test_the_import_service_records_what_the_extract_held(tmp_path: Path) -> None:
    from vrhub.measures.models import ImportKind, ImportStatus
    from vrhub.measures.services import import_files

    upload = csv_file(tmp_path, "extract.csv", [offence("A"), offence("B", "")])

    run_ = import_files(
        kind=ImportKind.FORCE_EXTRACT,
        paths=[upload.path],
        options={"force": "west-midlands"},
        actor=None,
    )

    assert run_.status == ImportStatus.LOADED
    assert (run_.rows_read, run_.rows_loaded, run_.rows_rejected) == (2, 1, 1)
    assert [(p.line, p.reason) for p in run_.problems.all()] == [(3, "Offence date is blank")]
    assert run_.partitions == [{"partition": "west-midlands", "month": "2025-01", "rows": 1}]
