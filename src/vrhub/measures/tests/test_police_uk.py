"""Importing police.uk street-level files: what the analyst sees for each kind of bad input, and
what the store counts."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import pytest

from vrhub.measures import store
from vrhub.measures.catalogue import Source, street_measure_key
from vrhub.measures.ingest.files import expand
from vrhub.measures.ingest.police_uk import (
    NO_COORDINATES,
    NO_LSOA,
    UNKNOWN_LSOA,
    force_slug,
    import_police_uk,
)
from vrhub.measures.ingest.report import ImportRefused, ImportResult, IncomingFile, PartitionLoaded

TODAY = date(2025, 6, 15)
HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,"
    "Crime type,Last outcome category,Context"
)
VIOLENCE = street_measure_key("Violence and sexual offences")
ASB = street_measure_key("Anti-social behaviour")
COVENTRY_LSOA = "E01009564"
COVENTRY_LSOA_2 = "E01009565"
WOLVERHAMPTON_LSOA = "E01010500"


def crime_id(n: int) -> str:
    return f"{n:064x}"


def row(
    n: int | None = 1,
    *,
    month: str = "2025-01",
    crime_type: str = "Violence and sexual offences",
    lsoa: str = COVENTRY_LSOA,
    lon: str = "-1.512751",
    lat: str = "52.406822",
    location: str = "On or near Parking Area",
    force: str = "West Midlands Police",
) -> str:
    ident = crime_id(n) if n is not None else ""
    outcome = "" if n is None else "Under investigation"
    name = "Coventry 027B" if lsoa else ""
    return (
        f"{ident},{month},{force},{force},{lon},{lat},{location},{lsoa},{name},{crime_type},"
        f"{outcome},"
    )


def street_file(
    directory: Path,
    name: str,
    lines: list[str],
    *,
    header: str = HEADER,
    bom: bool = False,
    newline: str = "\n",
    end: str | None = None,
) -> IncomingFile:
    text = newline.join([header, *lines]) + (newline if end is None else end)
    path = directory / name.replace("/", "_")
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode())
    return IncomingFile(name=name, path=path)


def add_areas() -> None:
    """Two Coventry LSOAs in one ward and a Wolverhampton LSOA, all West Midlands."""
    with store.writing() as cur:
        for lsoa, ward, la, csp in (
            (COVENTRY_LSOA, "E05001219", "E08000026", "E22000001"),
            (COVENTRY_LSOA_2, "E05001219", "E08000026", "E22000001"),
            (WOLVERHAMPTON_LSOA, "E05001300", "E08000031", "E22000002"),
        ):
            cur.execute(
                "insert into area values (?, ?, ?, ?, ?, ?, ?, ?, 'west-midlands', null, null)",
                [lsoa, lsoa, ward, ward, la, la, csp, csp],
            )


@pytest.fixture(autouse=True)
def areas() -> None:
    add_areas()


def run(*files: IncomingFile, import_id: int = 1) -> ImportResult:
    return import_police_uk(list(files), import_id=import_id, today=TODAY)


def counts(level: str = "la", measure: str = VIOLENCE) -> dict[tuple[str, str, str], int]:
    """{(partition, YYYY-MM, area_code): n} for one level and measure."""
    cur = store.connect()
    try:
        found = cur.execute(
            "select partition, month, area_code, n from counts where source = 'police_uk' "
            "and level = ? and measure = ?",
            [level, measure],
        ).fetchall()
    finally:
        cur.close()
    return {(p, f"{m:%Y-%m}", a): n for p, m, a, n in found}


def coverage() -> dict[tuple[str, str], int]:
    cur = store.connect()
    try:
        found = cur.execute("select partition, month, rows_loaded from coverage").fetchall()
    finally:
        cur.close()
    return {(p, f"{m:%Y-%m}"): n for p, m, n in found}


def rejected(result: ImportResult) -> list[tuple[int | None, str]]:
    return [(p.line, p.reason) for p in result.problems if p.rejected]


def test_a_street_file_is_counted_at_every_level(tmp_path: Path) -> None:
    file = street_file(
        tmp_path,
        "2025-01-west-midlands-street.csv",
        [
            row(1),
            row(2, lsoa=COVENTRY_LSOA_2),
            row(3, lsoa=WOLVERHAMPTON_LSOA),
            row(None, crime_type="Anti-social behaviour"),
            row(None, crime_type="Anti-social behaviour"),
        ],
    )
    result = run(file)

    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (5, 5, 0)
    assert result.partitions == [PartitionLoaded("west-midlands", date(2025, 1, 1), 5)]
    assert counts("la") == {
        ("west-midlands", "2025-01", "E08000026"): 2,
        ("west-midlands", "2025-01", "E08000031"): 1,
    }
    assert counts("ward")[("west-midlands", "2025-01", "E05001219")] == 2
    assert counts("csp")[("west-midlands", "2025-01", "E22000002")] == 1
    assert counts("lsoa")[("west-midlands", "2025-01", COVENTRY_LSOA_2)] == 1
    assert counts("force") == {("west-midlands", "2025-01", "west-midlands"): 3}
    assert counts("force", ASB) == {("west-midlands", "2025-01", "west-midlands"): 2}
    assert coverage() == {("west-midlands", "2025-01"): 5}
    assert store.partition_path(Source.POLICE_UK, "west-midlands", date(2025, 1, 1)).exists()


def test_the_raw_rows_keep_every_column_and_their_line(tmp_path: Path) -> None:
    location = '"On or near Shopping Area, High Street"'
    run(
        street_file(
            tmp_path, "2025-01-west-midlands-street.csv", [row(1), row(2, location=location)]
        )
    )

    cur = store.connect()
    found = cur.sql(
        f"select partition, month, source_file, source_line, crime_id, location, longitude, "  # noqa: S608
        f"lsoa_name, crime_type from {store.raw(Source.POLICE_UK)} order by source_line"
    ).fetchall()
    cur.close()
    assert found[1] == (
        "west-midlands",
        date(2025, 1, 1),
        "2025-01-west-midlands-street.csv",
        3,
        crime_id(2),
        "On or near Shopping Area, High Street",
        -1.512751,
        "Coventry 027B",
        "Violence and sexual offences",
    )


def test_a_header_that_is_not_police_uks_refuses_the_import(tmp_path: Path) -> None:
    file = street_file(
        tmp_path,
        "2025-01-west-midlands-street.csv",
        [row(1)],
        header="Reference,Date,Offence,Ward,Notes",
    )
    with pytest.raises(ImportRefused) as refused:
        run(file)
    assert "2025-01-west-midlands-street.csv cannot be read" in refused.value.message
    [problem] = refused.value.problems
    assert problem.line == 1
    assert "\u201cCrime ID\u201d" in problem.reason
    assert "\u201cReference\u201d" in problem.reason
    assert coverage() == {}


def test_a_renamed_column_is_named_with_the_column_police_uk_has(tmp_path: Path) -> None:
    file = street_file(
        tmp_path,
        "2025-01-west-midlands-street.csv",
        [row(1)],
        header=HEADER.replace("Crime type", "Offence type"),
    )
    with pytest.raises(ImportRefused) as refused:
        run(file)
    [problem] = refused.value.problems
    assert problem.file == "2025-01-west-midlands-street.csv"
    assert problem.reason == (
        "The header has a column \u201cOffence type\u201d where police.uk has "
        "\u201cCrime type\u201d: use the file as police.uk published it"
    )


def test_header_names_match_whatever_their_case_and_spacing(tmp_path: Path) -> None:
    header = HEADER.replace("Crime ID", " crime id").replace("LSOA code", "LSOA  Code")
    result = run(street_file(tmp_path, "2025-01-west-midlands-street.csv", [row(1)], header=header))
    assert result.rows_loaded == 1


def test_a_byte_order_mark_and_windows_line_endings_are_read(tmp_path: Path) -> None:
    lines = [row(1), row(2, month="2031-01"), row(3)]
    file = street_file(
        tmp_path, "2025-01-west-midlands-street.csv", lines, bom=True, newline="\r\n"
    )
    result = run(file)

    assert (result.rows_read, result.rows_loaded) == (3, 2)
    assert rejected(result) == [(3, "Month 2031-01 is in the future")]
    cur = store.connect()
    [(context, crime)] = cur.sql(
        f"select distinct context, crime_id from {store.raw(Source.POLICE_UK)} "  # noqa: S608
        "where source_line = 4"
    ).fetchall()
    cur.close()
    assert (context, crime) == (None, crime_id(3))


def test_quoted_commas_in_location_stay_in_one_column(tmp_path: Path) -> None:
    lines = [row(1, location='"On or near Park, Lane, and Close"'), row(2)]
    result = run(street_file(tmp_path, "2025-01-west-midlands-street.csv", lines))
    assert (result.rows_loaded, result.rows_rejected) == (2, 0)
    cur = store.connect()
    [(location,)] = cur.sql(
        f"select location from {store.raw(Source.POLICE_UK)} where source_line = 2"  # noqa: S608
    ).fetchall()
    cur.close()
    assert location == "On or near Park, Lane, and Close"


def test_an_unquoted_comma_rejects_the_row_with_a_hint(tmp_path: Path) -> None:
    lines = [row(1), row(2, location="On or near Park, Lane"), row(3)]
    result = run(street_file(tmp_path, "2025-01-west-midlands-street.csv", lines))
    assert rejected(result) == [
        (
            3,
            "Line 3 has 13 columns, not 12: a value with a comma in it may have lost its "
            "quotation marks",
        )
    ]
    assert result.rows_loaded == 2


def test_rows_without_coordinates_or_lsoa_are_loaded_with_a_note(tmp_path: Path) -> None:
    lines = [
        row(1),
        row(2, lon="", lat="", lsoa="", location="No location"),
        row(3, lsoa="E01099999"),
        row(4, lon="", lat=""),
    ]
    result = run(street_file(tmp_path, "2025-01-west-midlands-street.csv", lines))

    assert (result.rows_loaded, result.rows_rejected) == (4, 0)
    assert result.notes == {NO_COORDINATES: 2, NO_LSOA: 1, UNKNOWN_LSOA: 1}
    noted = {(p.line, p.reason) for p in result.problems if not p.rejected}
    assert noted == {(3, NO_COORDINATES), (3, NO_LSOA), (4, UNKNOWN_LSOA), (5, NO_COORDINATES)}
    # Rows that cannot be placed in an area count for the force alone.
    assert counts("force") == {("west-midlands", "2025-01", "west-midlands"): 4}
    assert counts("la") == {("west-midlands", "2025-01", "E08000026"): 2}


def test_months_in_the_future_or_not_months_are_rejected_by_line(tmp_path: Path) -> None:
    lines = [
        row(1),
        row(2, month="2025-07"),
        row(3, month="2025-06"),
        row(4, month="2024-13"),
        row(5, month="Jan-25"),
        row(6, month=""),
    ]
    result = run(street_file(tmp_path, "2025-01-west-midlands-street.csv", lines))
    assert rejected(result) == [
        (3, "Month 2025-07 is in the future"),
        (5, "Month \u201c2024-13\u201d is not a month in the form YYYY-MM"),
        (6, "Month \u201cJan-25\u201d is not a month in the form YYYY-MM"),
        (7, "Month is blank"),
    ]
    # This month is not in the future: its rows load into a force-month of their own.
    assert coverage() == {("west-midlands", "2025-01"): 1, ("west-midlands", "2025-06"): 1}


def test_an_unknown_crime_type_is_rejected(tmp_path: Path) -> None:
    lines = [row(1), row(2, crime_type="Knife crime"), row(3, crime_type="")]
    result = run(street_file(tmp_path, "2025-01-west-midlands-street.csv", lines))
    assert rejected(result) == [
        (3, "Crime type \u201cKnife crime\u201d is not one police.uk uses"),
        (4, "Crime type is blank"),
    ]


def test_a_duplicated_crime_id_rejects_the_later_lines(tmp_path: Path) -> None:
    january = street_file(
        tmp_path,
        "2025-01/2025-01-west-midlands-street.csv",
        [row(1), row(2), row(1), row(None, crime_type="Anti-social behaviour")],
    )
    february = street_file(
        tmp_path,
        "2025-02/2025-02-west-midlands-street.csv",
        [row(2, month="2025-02"), row(None, month="2025-02", crime_type="Anti-social behaviour")],
    )
    result = run(january, february)

    assert [(p.file, p.line, p.reason) for p in result.problems if p.rejected] == [
        ("2025-01/2025-01-west-midlands-street.csv", 4, "Crime ID also on line 2"),
        (
            "2025-02/2025-02-west-midlands-street.csv",
            2,
            "Crime ID also on line 3 of 2025-01/2025-01-west-midlands-street.csv",
        ),
    ]
    # Anti-social behaviour has no Crime ID: two such rows are not duplicates.
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (6, 4, 2)
    assert coverage() == {("west-midlands", "2025-01"): 3, ("west-midlands", "2025-02"): 1}
    assert counts("force") == {("west-midlands", "2025-01", "west-midlands"): 2}


def test_a_short_row_mid_file_is_rejected_and_later_lines_keep_their_numbers(
    tmp_path: Path,
) -> None:
    lines = [row(1), "abc,2025-01,West Midlands Police", row(3), "", row(4, month="2031-01")]
    result = run(street_file(tmp_path, "2025-01-west-midlands-street.csv", lines))
    assert rejected(result) == [
        (3, "Line 3 has 3 columns, not 12"),
        (6, "Month 2031-01 is in the future"),
    ]
    # The empty line 5 is not a row at all.
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (4, 2, 2)


def test_a_file_cut_short_refuses_the_import_and_leaves_the_store_as_it_was(
    tmp_path: Path,
) -> None:
    run(street_file(tmp_path, "2025-01-west-midlands-street.csv", [row(1), row(2)]))
    before = (counts("la"), coverage())

    good = street_file(tmp_path, "2025-02-west-midlands-street.csv", [row(5, month="2025-02")])
    cut = street_file(
        tmp_path,
        "2025-01-west-midlands-street.csv",
        [row(1), row(2), row(3), row(4)[:40]],
        end="",
    )
    with pytest.raises(ImportRefused) as refused:
        run(good, cut, import_id=2)

    [problem] = refused.value.problems
    assert (problem.file, problem.line) == ("2025-01-west-midlands-street.csv", 5)
    assert problem.reason == "The file ends part-way through line 5: download it again"
    assert (counts("la"), coverage()) == before
    assert not list(store.staging_root().iterdir())


def test_a_last_line_without_a_newline_is_read_when_it_is_whole(tmp_path: Path) -> None:
    file = street_file(tmp_path, "2025-01-west-midlands-street.csv", [row(1), row(2)], end="")
    assert run(file).rows_loaded == 2


def test_a_quotation_mark_never_closed_refuses_the_file(tmp_path: Path) -> None:
    lines = [row(1), row(2, location='"On or near Park'), row(3), row(4)]
    with pytest.raises(ImportRefused) as refused:
        run(street_file(tmp_path, "2025-01-west-midlands-street.csv", lines))
    [problem] = refused.value.problems
    assert problem.line == 3
    assert "never closed" in problem.reason


def test_coordinates_that_are_not_numbers_are_rejected(tmp_path: Path) -> None:
    lines = [row(1), row(2, lon="west"), row(3)]
    result = run(street_file(tmp_path, "2025-01-west-midlands-street.csv", lines))
    assert rejected(result) == [(3, "Longitude \u201cwest\u201d is not a number")]
    assert result.rows_loaded == 2


def test_text_that_is_not_utf8_refuses_the_file(tmp_path: Path) -> None:
    file = street_file(tmp_path, "2025-01-west-midlands-street.csv", [row(1)])
    file.path.write_bytes(file.path.read_bytes().replace(b"Parking", b"Caf\xe9"))
    with pytest.raises(ImportRefused) as refused:
        run(file)
    assert "not UTF-8" in refused.value.problems[0].reason


def test_utf8_text_beyond_ascii_is_kept(tmp_path: Path) -> None:
    lines = [row(1, location="On or near Caf\u00e9 Stra\u00dfe")]
    run(street_file(tmp_path, "2025-01-west-midlands-street.csv", lines))
    cur = store.connect()
    [(location,)] = cur.sql(f"select location from {store.raw(Source.POLICE_UK)}").fetchall()  # noqa: S608
    cur.close()
    assert location == "On or near Caf\u00e9 Stra\u00dfe"


def test_reimporting_a_force_month_replaces_it(tmp_path: Path) -> None:
    first = street_file(tmp_path, "2025-01-west-midlands-street.csv", [row(1), row(2), row(3)])
    run(first)
    run(first, import_id=2)
    assert counts("la") == {("west-midlands", "2025-01", "E08000026"): 3}

    corrected = street_file(tmp_path, "2025-01-west-midlands-street.csv", [row(1)])
    run(corrected, import_id=3)
    assert counts("la") == {("west-midlands", "2025-01", "E08000026"): 1}
    assert coverage() == {("west-midlands", "2025-01"): 1}
    cur = store.connect()
    [(rows, import_id)] = cur.sql(
        f"select (select count(*) from {store.raw(Source.POLICE_UK)}), import_id from coverage"  # noqa: S608
    ).fetchall()
    cur.close()
    assert (rows, import_id) == (1, 3)


def test_other_force_months_are_left_alone_by_a_reimport(tmp_path: Path) -> None:
    run(
        street_file(tmp_path, "2025-01-west-midlands-street.csv", [row(1)]),
        street_file(tmp_path, "2025-02-west-midlands-street.csv", [row(2, month="2025-02")]),
    )
    run(street_file(tmp_path, "2025-01-west-midlands-street.csv", [row(1), row(3)]), import_id=2)
    assert coverage() == {("west-midlands", "2025-01"): 2, ("west-midlands", "2025-02"): 1}


def test_gaps_and_zeros_differ_in_coverage(tmp_path: Path) -> None:
    run(
        street_file(tmp_path, "2025-01-west-midlands-street.csv", [row(1)]),
        # police.uk publishing a force-month with no crimes: a zero, not a gap.
        street_file(tmp_path, "2025-02-west-midlands-street.csv", []),
        street_file(tmp_path, "2025-04-west-midlands-street.csv", [row(4, month="2025-04")]),
    )
    # March was never imported: it has no coverage, so it reads as "no data".
    assert coverage() == {
        ("west-midlands", "2025-01"): 1,
        ("west-midlands", "2025-02"): 0,
        ("west-midlands", "2025-04"): 1,
    }
    assert ("west-midlands", "2025-02", "E08000026") not in counts("la")


def test_totals_reconcile_whatever_goes_wrong(tmp_path: Path) -> None:
    lines = [
        row(1),
        row(1),
        row(2, month="2031-01"),
        "short,row",
        row(3, crime_type="Jaywalking"),
        row(4, lsoa="", lon="", lat=""),
        row(None, crime_type="Anti-social behaviour"),
    ]
    result = run(street_file(tmp_path, "2025-01-west-midlands-street.csv", lines))
    assert result.reconciles
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (7, 3, 4)
    assert sum(p.rows for p in result.partitions) == result.rows_loaded


def test_nothing_loadable_refuses_the_import(tmp_path: Path) -> None:
    lines = [row(1, month="2031-01"), row(2, month="2031-01")]
    with pytest.raises(ImportRefused) as refused:
        run(street_file(tmp_path, "2025-01-west-midlands-street.csv", lines))
    assert refused.value.message.startswith("None of the 2 rows could be imported")
    assert [p.line for p in refused.value.problems] == [2, 3]
    assert coverage() == {}


def test_outcomes_and_stop_and_search_files_are_skipped(tmp_path: Path) -> None:
    street = street_file(tmp_path, "2025-01-west-midlands-street.csv", [row(1)])
    outcomes = street_file(
        tmp_path, "2025-01-west-midlands-outcomes.csv", ["x"], header="Crime ID,Outcome type"
    )
    stops = street_file(tmp_path, "2025-01-west-midlands-stop-and-search.csv", ["x"], header="Type")
    result = run(street, outcomes, stops)
    assert result.skipped_files == [
        "2025-01-west-midlands-outcomes.csv",
        "2025-01-west-midlands-stop-and-search.csv",
    ]
    assert result.rows_loaded == 1


def test_an_upload_with_no_street_files_is_refused(tmp_path: Path) -> None:
    outcomes = street_file(tmp_path, "2025-01-west-midlands-outcomes.csv", ["x"], header="a")
    with pytest.raises(ImportRefused) as refused:
        run(outcomes)
    assert "no police.uk street-level files" in refused.value.message


def test_the_force_comes_from_falls_within_when_the_file_is_renamed(tmp_path: Path) -> None:
    lines = [row(1), row(2, force="Warwickshire Police"), row(3, force="")]
    result = run(street_file(tmp_path, "crimes.csv", lines))
    assert coverage() == {("west-midlands", "2025-01"): 1, ("warwickshire", "2025-01"): 1}
    assert rejected(result)[0][0] == 4
    assert "Falls within is blank" in rejected(result)[0][1]


def test_force_slugs_follow_police_uk() -> None:
    assert force_slug("Devon & Cornwall Police") == "devon-and-cornwall"
    assert force_slug("Metropolitan Police Service") == "metropolitan"
    assert force_slug("  west midlands police ") == "west-midlands"
    assert force_slug("Isle of Man Constabulary") == "isle-of-man"


def test_progress_is_reported_in_bytes_and_rows(tmp_path: Path) -> None:
    files = [
        street_file(tmp_path, "2025-01-west-midlands-street.csv", [row(1), row(2)]),
        street_file(tmp_path, "2025-02-west-midlands-street.csv", [row(3, month="2025-02")]),
    ]
    seen: list[tuple[int, int]] = []
    import_police_uk(files, import_id=1, today=TODAY, progress=lambda b, r: seen.append((b, r)))
    total = sum(f.path.stat().st_size for f in files)
    assert seen == [(files[0].path.stat().st_size, 2), (total, 3)]


def test_an_archive_and_a_folder_import_like_the_files_in_them(tmp_path: Path) -> None:
    source = tmp_path / "source"
    source.mkdir()
    january = street_file(source, "2025-01-west-midlands-street.csv", [row(1), row(2)])
    february = street_file(source, "2025-02-west-midlands-street.csv", [row(3, month="2025-02")])
    archive = tmp_path / "download.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.write(january.path, "2025-01/2025-01-west-midlands-street.csv")
        zipped.write(february.path, "2025-02/2025-02-west-midlands-outcomes.csv")

    files = expand([IncomingFile("download.zip", archive)], tmp_path / "work")
    result = run(*files)
    assert [f.name for f in files] == [
        "2025-01/2025-01-west-midlands-street.csv",
        "2025-02/2025-02-west-midlands-outcomes.csv",
    ]
    assert result.skipped_files == ["2025-02/2025-02-west-midlands-outcomes.csv"]
    assert coverage() == {("west-midlands", "2025-01"): 2}

    folder = expand([IncomingFile("source", source)], tmp_path / "work2")
    run(*folder, import_id=2)
    assert coverage() == {("west-midlands", "2025-01"): 2, ("west-midlands", "2025-02"): 1}


def test_line_numbers_hold_deep_into_a_large_file(tmp_path: Path) -> None:
    lines = [row(n, lsoa=COVENTRY_LSOA_2 if n % 3 else COVENTRY_LSOA) for n in range(1, 30_001)]
    lines[12_344] = row(12_345, month="2031-01")
    lines[20_000] = "too,short"
    lines[25_000] = row(3)
    result = run(street_file(tmp_path, "2025-01-west-midlands-street.csv", lines))
    assert rejected(result) == [
        (12_346, "Month 2031-01 is in the future"),
        (20_002, "Line 20002 has 2 columns, not 12"),
        (25_002, "Crime ID also on line 4"),
    ]
    assert result.rows_loaded == 29_997


def test_an_lsoa_code_of_another_shape_is_looked_up_all_the_same(tmp_path: Path) -> None:
    lines = [row(1), row(2, lsoa="E0100956"), row(3, lsoa=WOLVERHAMPTON_LSOA)]
    result = run(street_file(tmp_path, "2025-01-west-midlands-street.csv", lines))
    assert result.notes == {UNKNOWN_LSOA: 1}
    assert counts("la") == {
        ("west-midlands", "2025-01", "E08000026"): 1,
        ("west-midlands", "2025-01", "E08000031"): 1,
    }


def zipped(path: Path, entries: dict[str, bytes]) -> IncomingFile:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return IncomingFile(path.name, path)


def test_an_archive_cannot_write_outside_its_folder(tmp_path: Path) -> None:
    archive = zipped(tmp_path / "evil.zip", {"../../outside.csv": b"x\n"})
    with pytest.raises(ImportRefused) as refused:
        expand([archive], tmp_path / "work")
    assert "would be unpacked outside its folder" in refused.value.message
    assert not (tmp_path / "outside.csv").exists()


def test_an_archive_that_unpacks_to_far_more_than_it_holds_is_refused(tmp_path: Path) -> None:
    archive = zipped(tmp_path / "bomb.zip", {"2025-01-west-midlands-street.csv": b"0" * 50_000_000})
    with pytest.raises(ImportRefused) as refused:
        expand([archive], tmp_path / "work")
    assert "compressed suspiciously well" in refused.value.message
    assert not list((tmp_path / "work").rglob("*.csv"))


def test_an_archive_keeps_only_csv_files_and_skips_what_archivers_add(tmp_path: Path) -> None:
    archive = zipped(
        tmp_path / "download.zip",
        {
            "2025-01/2025-01-west-midlands-street.csv": f"{HEADER}\n{row(1)}\n".encode(),
            "__MACOSX/2025-01/._2025-01-west-midlands-street.csv": b"junk",
            "README.txt": b"police.uk",
        },
    )
    files = expand([archive], tmp_path / "work")
    assert [f.name for f in files] == ["2025-01/2025-01-west-midlands-street.csv"]


def test_a_damaged_archive_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "broken.zip"
    path.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(ImportRefused) as refused:
        expand([IncomingFile("broken.zip", path)], tmp_path / "work")
    assert "damaged" in refused.value.message


def test_a_spreadsheet_is_refused_as_not_a_csv(tmp_path: Path) -> None:
    sheet = zipped(tmp_path / "crimes.xlsx", {"xl/workbook.xml": b"<workbook/>"})
    [passed] = expand([sheet], tmp_path / "work")
    with pytest.raises(ImportRefused) as refused:
        run(passed)
    assert refused.value.problems[0].reason.startswith("This is not a CSV file")


def test_one_force_month_in_two_files_refuses_the_import(tmp_path: Path) -> None:
    asb = row(None, crime_type="Anti-social behaviour")
    archive_copy = street_file(tmp_path, "2025-01/2025-01-west-midlands-street.csv", [row(1), asb])
    loose_copy = street_file(tmp_path, "2025-01-west-midlands-street.csv", [row(1), asb])
    with pytest.raises(ImportRefused) as refused:
        run(archive_copy, loose_copy)
    assert refused.value.message == (
        "Nothing was imported: 2025-01 for west-midlands is in more than one file "
        "(2025-01/2025-01-west-midlands-street.csv, 2025-01-west-midlands-street.csv). "
        "Upload each force-month once."
    )
    assert coverage() == {}
