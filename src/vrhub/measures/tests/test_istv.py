"""Importing emergency department assault attendances (ISTV): what the trust's file must hold,
what is counted, and that the free text is never kept."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from vrhub.measures import store
from vrhub.measures.catalogue import Source
from vrhub.measures.ingest.istv import import_istv, stage_istv
from vrhub.measures.ingest.report import ImportRefused, ImportResult, IncomingFile

TODAY = date(2025, 6, 15)
HEADER = (
    "Reporting period start date,Reporting period end date,Site code,Arrival date,Arrival time,"
    "Assault date,Assault time,Assault method,Assault method other,Assault location type,"
    "Assault location description,Patient age band"
)
SECRET_OTHER = "Hit with a bottle by Jon Smyth"
SECRET_PLACE = "Outside 14 Acacia Avenue"


def attendance(
    arrival: str = "2025-01-14",
    *,
    period: tuple[str, str] = ("2025-01-01", "2025-01-31"),
    site: str = "RKB01",
    arrival_time: str = "23:40",
    assault: str = "2025-01-14",
    assault_time: str = "23:05",
    method: str = "Knife or sharp object",
    other: str = "",
    location: str = "Street",
    place: str = "",
    age: str = "18-24",
) -> str:
    return (
        f"{period[0]},{period[1]},{site},{arrival},{arrival_time},{assault},{assault_time},"
        f"{method},{other},{location},{place},{age}"
    )


def csv_file(directory: Path, name: str, lines: list[str], *, header: str = HEADER) -> IncomingFile:
    path = directory / name
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return IncomingFile(name=name, path=path)


def run(files: list[IncomingFile], *, import_id: int = 1) -> ImportResult:
    return import_istv(files, import_id=import_id, today=TODAY)


def add_site(code: str, la: str) -> None:
    with store.writing() as cur:
        cur.execute("insert into ed_site values (?, ?, ?)", [code, f"Site {code}", la])


def counts() -> dict[tuple[object, ...], int]:
    cur = store.connect()
    try:
        found = cur.execute(
            "select month, level, area_code, measure, under_25, n from counts "
            "where source = 'istv' order by all"
        ).fetchall()
    finally:
        cur.close()
    return {tuple(row[:5]): int(row[5]) for row in found}


def total(level: str, area: str, month: date | None = None, *, under_25: bool | None = None) -> int:
    return sum(
        n
        for (m, lvl, code, measure, young), n in counts().items()
        if lvl == level
        and code == area
        and measure == "ed_sharp_injury"
        and (month is None or m == month)
        and (under_25 is None or young == under_25)
    )


def coverage() -> list[tuple[str, date, int]]:
    cur = store.connect()
    try:
        found = cur.execute(
            "select partition, month, rows_loaded from coverage where source = 'istv' order by all"
        ).fetchall()
    finally:
        cur.close()
    return [(str(p), m, int(n)) for p, m, n in found]


ALLOWED_METHODS = "Knife or sharp object, Blunt object, Body part, Firearm, Other or Not known"
ALLOWED_PLACES = (
    "Street, Home, Licensed premises, Workplace, School, Public transport, Other or Not known"
)


def test_bad_rows_are_left_out_with_their_line_and_reason(tmp_path: Path) -> None:
    upload = csv_file(
        tmp_path,
        "ed.csv",
        [
            attendance(),
            attendance(""),
            attendance(arrival_time=""),
            attendance(arrival_time="7.30"),
            attendance(assault_time="23:55"),
            attendance(assault="2025-01-15", assault_time=""),
            attendance(method="Gun"),
            attendance(method=""),
            attendance(location="Pub"),
            attendance(period=("2025-01-31", "2025-01-01")),
            attendance("2025-02-03"),
            attendance(site=""),
            attendance("2025-07-01", period=("2025-07-01", "2025-07-31")),
        ],
    )

    result = stage_istv([upload], import_id=1, today=TODAY).result

    assert [(p.line, p.reason) for p in result.problems] == [
        (3, "Arrival date is blank"),
        (4, "Arrival time is blank"),
        (
            5,
            "Arrival time \u201c7.30\u201d is not a time: use HH:MM or HH:MM:SS, "
            "on the 24-hour clock",
        ),
        (6, "The assault (2025-01-14 23:55) is after the arrival (2025-01-14 23:40)"),
        (7, "The assault date (2025-01-15) is after the arrival date (2025-01-14)"),
        (8, f"Assault method \u201cGun\u201d is not one of: {ALLOWED_METHODS}"),
        (9, f"Assault method is blank: use {ALLOWED_METHODS}"),
        (10, f"Assault location type \u201cPub\u201d is not one of: {ALLOWED_PLACES}"),
        (11, "The reporting period ends (2025-01-01) before it starts (2025-01-31)"),
        (
            12,
            "Arrival date 2025-02-03 is outside the reporting period, 2025-01-01 to 2025-01-31",
        ),
        (13, "Site code is blank"),
        (14, "Arrival date 2025-07-01 is in the future"),
    ]
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (13, 1, 12)
    assert result.reconciles


def test_methods_and_places_are_read_whatever_their_case_and_spacing(tmp_path: Path) -> None:
    upload = csv_file(
        tmp_path,
        "ed.csv",
        [attendance(method="KNIFE  or sharp Object", location=" licensed premises ")],
    )

    staging = stage_istv([upload], import_id=1, today=TODAY)

    table = pq.read_table(staging.staged[0].path)
    assert table.column("assault_method").to_pylist() == ["Knife or sharp object"]
    assert table.column("location_type").to_pylist() == ["Licensed premises"]


def test_free_text_is_never_stored(tmp_path: Path) -> None:
    upload = csv_file(
        tmp_path,
        "ed.csv",
        [
            attendance(method="Other", other=SECRET_OTHER, place=SECRET_PLACE),
            attendance(place=SECRET_PLACE),
        ],
    )

    run([upload])

    files = sorted(store.dataset_dir(Source.ISTV).glob("*/*/data.parquet"))
    assert files
    for path in files:
        table = pq.read_table(path)
        assert "assault_method_other" not in table.column_names
        assert "location_description" not in table.column_names
        values = str(table.to_pylist())
        assert "Jon Smyth" not in values
        assert "Acacia" not in values
    for path in store.measures_dir().rglob("*"):
        if path.is_file():
            assert b"Acacia" not in path.read_bytes()
            assert b"Smyth" not in path.read_bytes()


def test_a_file_without_the_free_text_columns_is_read(tmp_path: Path) -> None:
    names = [
        n
        for n in HEADER.split(",")
        if n not in {"Assault method other", "Assault location description"}
    ]
    row = attendance().split(",")
    del row[10], row[8]
    upload = csv_file(tmp_path, "ed.csv", [",".join(row)], header=",".join(names))

    result = stage_istv([upload], import_id=1, today=TODAY).result

    assert (result.rows_loaded, result.problems) == (1, [])


def test_a_missing_column_refuses_the_file(tmp_path: Path) -> None:
    upload = csv_file(
        tmp_path, "ed.csv", [attendance()], header=HEADER.replace("Assault method,", "Method,")
    )

    with pytest.raises(ImportRefused) as refused:
        stage_istv([upload], import_id=1, today=TODAY)

    assert "Column 8 should be \u201cAssault method\u201d: found \u201cMethod\u201d" in (
        refused.value.message
    )


def test_sharp_object_attendances_are_counted_at_the_site_and_its_local_authority(
    tmp_path: Path,
) -> None:
    add_site("RKB01", "E08000026")
    upload = csv_file(
        tmp_path,
        "ed.csv",
        [
            attendance(),
            attendance(age="35-44"),
            attendance(age=""),
            attendance(method="Blunt object"),
            attendance(site="RRK15"),
        ],
    )

    result = run([upload])

    january = date(2025, 1, 1)
    assert total("site", "RKB01") == 3
    assert total("la", "E08000026") == 3
    assert total("la", "E08000026", under_25=True) == 1
    assert counts()[(january, "site", "RKB01", "ed_sharp_injury", False)] == 1
    assert counts()[(january, "site", "RKB01", "ed_sharp_injury", None)] == 1
    # A site the ED sites table does not know counts at the site only, with a note.
    assert total("site", "RRK15") == 1
    assert [k for k in counts() if k[2] == "RRK15"] == [
        (january, "site", "RRK15", "ed_sharp_injury", True)
    ]
    assert result.notes["Site not in the ED sites table"] == 1


def test_every_month_the_reporting_period_touches_is_covered_for_each_site(
    tmp_path: Path,
) -> None:
    quarter = ("2025-01-01", "2025-03-31")
    upload = csv_file(
        tmp_path,
        "ed.csv",
        [
            attendance(period=quarter),
            attendance("2025-03-02", period=quarter, assault="2025-03-02", method="Body part"),
            attendance(
                site="RRK15",
                period=("2025-02-15", "2025-03-14"),
                arrival="2025-02-20",
                assault="2025-02-20",
            ),
        ],
    )

    result = run([upload])

    assert coverage() == [
        ("RKB01", date(2025, 1, 1), 1),
        ("RKB01", date(2025, 2, 1), 0),
        ("RKB01", date(2025, 3, 1), 1),
        ("RRK15", date(2025, 2, 1), 1),
        ("RRK15", date(2025, 3, 1), 0),
    ]
    assert len(result.partitions) == 5
    # March at RKB01 had an attendance, but none with a knife: a zero, not a gap.
    assert total("site", "RKB01", date(2025, 3, 1)) == 0


def test_a_reporting_period_running_past_today_covers_months_up_to_this_one(
    tmp_path: Path,
) -> None:
    upload = csv_file(
        tmp_path,
        "ed.csv",
        [attendance("2025-05-02", period=("2025-05-01", "2025-12-31"), assault="2025-05-02")],
    )

    run([upload])

    assert [month for _, month, _ in coverage()] == [date(2025, 5, 1), date(2025, 6, 1)]


def test_reimporting_a_site_month_replaces_it_and_never_doubles(tmp_path: Path) -> None:
    add_site("RKB01", "E08000026")
    january = csv_file(tmp_path, "jan.csv", [attendance(), attendance()])
    corrected = csv_file(tmp_path, "jan-corrected.csv", [attendance(), attendance(), attendance()])

    run([january], import_id=1)
    run([corrected], import_id=2)
    run([corrected], import_id=3)

    assert total("site", "RKB01") == 3
    assert total("la", "E08000026") == 3
    assert coverage() == [("RKB01", date(2025, 1, 1), 3)]


def test_two_files_reporting_the_same_site_and_period_are_refused(tmp_path: Path) -> None:
    first = csv_file(tmp_path, "a.csv", [attendance()])
    second = csv_file(tmp_path, "b.csv", [attendance()])

    with pytest.raises(ImportRefused, match=r"a\.csv and b\.csv both report site RKB01"):
        run([first, second])

    assert coverage() == []


def test_weeks_of_one_month_in_separate_files_are_read_together(tmp_path: Path) -> None:
    first = csv_file(
        tmp_path,
        "a.csv",
        [attendance("2025-01-03", period=("2025-01-01", "2025-01-15"), assault="2025-01-03")],
    )
    second = csv_file(
        tmp_path,
        "b.csv",
        [attendance("2025-01-20", period=("2025-01-16", "2025-01-31"), assault="2025-01-20")],
    )

    run([first, second])

    assert coverage() == [("RKB01", date(2025, 1, 1), 2)]


def test_a_refused_import_leaves_the_store_as_it_was(tmp_path: Path) -> None:
    run([csv_file(tmp_path, "a.csv", [attendance()])], import_id=1)
    before = (counts(), coverage())

    with pytest.raises(ImportRefused):
        run([csv_file(tmp_path, "b.csv", [attendance(), attendance()], header="x,y")], import_id=2)
    with pytest.raises(ImportRefused, match="The only row could not be imported"):
        run([csv_file(tmp_path, "c.csv", [attendance(method="Gun")])], import_id=3)

    assert (counts(), coverage()) == before


def test_a_site_code_that_could_name_a_folder_is_rejected_and_written_nowhere(
    tmp_path: Path,
) -> None:
    upload = csv_file(
        tmp_path,
        "ed.csv",
        [attendance(), attendance(site="../../../../x"), attendance(site="RKB01/2")],
    )
    result = run([upload])
    assert (result.rows_loaded, result.rows_rejected) == (1, 2)
    reasons = {p.line: p.reason for p in result.problems if p.rejected}
    ods = "Site code must be the site's ODS code: 3 to 10 letters and digits, like RKB01"
    assert reasons == {3: ods, 4: ods}
    assert [p for p, _, _ in coverage()] == ["RKB01"]
    outside = store.measures_dir().parent
    assert not list(outside.glob("x*"))
    assert not list(outside.rglob("site=..*"))


def test_the_store_refuses_a_partition_that_is_not_a_slug_or_a_code() -> None:
    with pytest.raises(ValueError, match="force slug or a site code"):
        store.partition_path(Source.ISTV, "../elsewhere", date(2025, 1, 1))
