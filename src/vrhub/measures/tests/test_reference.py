"""Importing the reference tables: each import replaces the whole table, or changes nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from vrhub.measures import store
from vrhub.measures.ingest.force_extract import import_force_extract
from vrhub.measures.ingest.istv import import_istv
from vrhub.measures.ingest.reference import import_reference
from vrhub.measures.ingest.report import ImportRefused, ImportResult, IncomingFile

AREAS_HEADER = (
    "LSOA code,LSOA name,Ward code,Ward name,Local authority code,Local authority name,"
    "CSP code,CSP name,Force,Latitude,Longitude"
)


def csv_file(directory: Path, name: str, header: str, lines: list[str]) -> IncomingFile:
    path = directory / name
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return IncomingFile(name=name, path=path)


def run(kind: str, files: list[IncomingFile], import_id: int = 1) -> ImportResult:
    return import_reference(kind, files, import_id=import_id)


def table(name: str) -> list[tuple[object, ...]]:
    cur = store.connect()
    try:
        return [tuple(row) for row in cur.execute(f"select * from {name} order by all").fetchall()]  # noqa: S608
    finally:
        cur.close()


def area(lsoa: str, ward: str = "E05001223", la: str = "E08000026", **fields: str) -> str:
    values = {
        "name": f"Coventry {lsoa[-3:]}",
        "ward_name": "St Michael's",
        "la_name": "Coventry",
        "csp": "E22000216",
        "csp_name": "Coventry",
        "force": "West Midlands",
        "lat": "52.41",
        "lon": "-1.51",
        **fields,
    }
    return (
        f"{lsoa},{values['name']},{ward},{values['ward_name']},{la},{values['la_name']},"
        f"{values['csp']},{values['csp_name']},{values['force']},{values['lat']},{values['lon']}"
    )


def problems(result: ImportResult) -> list[tuple[int | None, str]]:
    return [(p.line, p.reason) for p in result.problems]


def test_areas_are_loaded_and_bad_rows_left_out(tmp_path: Path) -> None:
    upload = csv_file(
        tmp_path,
        "areas.csv",
        AREAS_HEADER,
        [
            area("E01009564"),
            area("e01009565", csp="", csp_name="", lat="", lon=""),
            area("E01009564"),
            area("E0100956"),
            area("E01009566", ward=""),
            area("E01009567", lat="-1.51", lon="52.41"),
            area("E01009568", lon=""),
            area("E01009569", force=""),
        ],
    )

    result = run("areas", [upload])

    assert problems(result) == [
        (4, "LSOA code E01009564 is also on line 2"),
        (5, "LSOA code \u201cE0100956\u201d is not an ONS code like E01009564"),
        (6, "Ward code is blank"),
        (7, "Latitude -1.51 is outside England and Wales (between 49 and 61)"),
        (8, "Latitude and longitude must both be given, or both left blank"),
        (9, "Force is blank"),
    ]
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (8, 2, 6)
    assert table("area") == [
        (
            "E01009564",
            "Coventry 564",
            "E05001223",
            "St Michael's",
            "E08000026",
            "Coventry",
            "E22000216",
            "Coventry",
            "west-midlands",
            52.41,
            -1.51,
        ),
        (
            "E01009565",
            "Coventry 565",
            "E05001223",
            "St Michael's",
            "E08000026",
            "Coventry",
            None,
            None,
            "west-midlands",
            None,
            None,
        ),
    ]


def test_importing_a_table_again_replaces_it_whole(tmp_path: Path) -> None:
    run(
        "areas", [csv_file(tmp_path, "a.csv", AREAS_HEADER, [area("E01009564"), area("E01009565")])]
    )

    run("areas", [csv_file(tmp_path, "b.csv", AREAS_HEADER, [area("E01009566")])], import_id=2)

    assert [row[0] for row in table("area")] == ["E01009566"]


def test_several_files_make_one_table_and_duplicates_across_them_are_named(
    tmp_path: Path,
) -> None:
    first = csv_file(tmp_path, "north.csv", AREAS_HEADER, [area("E01009564")])
    second = csv_file(tmp_path, "south.csv", AREAS_HEADER, [area("E01009565"), area("E01009564")])

    result = run("areas", [first, second])

    assert [(p.file, p.line, p.reason) for p in result.problems] == [
        ("south.csv", 3, "LSOA code E01009564 is also on line 2 of north.csv")
    ]
    assert len(table("area")) == 2


def test_a_wrong_header_or_every_row_rejected_leaves_the_table_as_it_was(
    tmp_path: Path,
) -> None:
    run("areas", [csv_file(tmp_path, "a.csv", AREAS_HEADER, [area("E01009564")])])
    before = table("area")

    renamed = AREAS_HEADER.replace("Ward code", "Ward")
    with pytest.raises(ImportRefused) as refused:
        run("areas", [csv_file(tmp_path, "b.csv", renamed, [area("E01009565")])], import_id=2)
    assert "Column 3 should be \u201cWard code\u201d: found \u201cWard\u201d" in (
        refused.value.message
    )
    with pytest.raises(ImportRefused, match="None of the 2 rows could be imported"):
        run(
            "areas",
            [csv_file(tmp_path, "c.csv", AREAS_HEADER, [area("bad"), area("E01009566", la="")])],
            import_id=3,
        )
    with pytest.raises(ImportRefused, match="no rows under the header"):
        run("areas", [csv_file(tmp_path, "d.csv", AREAS_HEADER, [])], import_id=4)

    assert table("area") == before


def test_replacing_the_areas_recounts_offences_already_loaded(tmp_path: Path) -> None:
    extract = csv_file(
        tmp_path,
        "extract.csv",
        "Offence reference,Offence date,Home Office offence code,Offence description,"
        "Knife or sharp instrument,Homicide,Victim age band,Domestic abuse,LSOA code,Latitude,"
        "Longitude",
        ["A,2025-01-10,008/01,Wounding,Y,N,18-24,N,E01009564,52.41,-1.51"],
    )
    import_force_extract([extract], force="west-midlands", import_id=1, today=date(2025, 6, 1))

    def wards() -> set[str]:
        cur = store.connect()
        try:
            found = cur.execute("select area_code from counts where level = 'ward'").fetchall()
        finally:
            cur.close()
        return {str(row[0]) for row in found}

    assert wards() == set()
    run("areas", [csv_file(tmp_path, "a.csv", AREAS_HEADER, [area("E01009564")])], import_id=2)
    assert wards() == {"E05001223"}
    run(
        "areas",
        [csv_file(tmp_path, "b.csv", AREAS_HEADER, [area("E01009564", ward="E05009999")])],
        import_id=3,
    )
    assert wards() == {"E05009999"}


def test_replacing_the_ed_sites_recounts_attendances_by_local_authority(
    tmp_path: Path,
) -> None:
    attendances = csv_file(
        tmp_path,
        "ed.csv",
        "Reporting period start date,Reporting period end date,Site code,Arrival date,"
        "Arrival time,Assault date,Assault time,Assault method,Assault method other,"
        "Assault location type,Assault location description,Patient age band",
        ["2025-01-01,2025-01-31,RKB01,2025-01-14,23:40,,,Knife or sharp object,,Street,,18-24"],
    )
    import_istv([attendances], import_id=1, today=date(2025, 6, 1))
    header = "Site code,Site name,Local authority code"

    run(
        "ed_sites",
        [csv_file(tmp_path, "s.csv", header, ["rkb01,University Hospital,E08000026"])],
        import_id=2,
    )

    cur = store.connect()
    try:
        found = cur.execute("select level, area_code, n from counts order by all").fetchall()
    finally:
        cur.close()
    assert found == [("la", "E08000026", 1), ("site", "RKB01", 1)]


def test_population_rows(tmp_path: Path) -> None:
    upload = csv_file(
        tmp_path,
        "population.csv",
        "Area code,Age band,Year,Population",
        [
            "E01009564,18-24,2022,212",
            "E01009564,18-24,2022,3",
            "E01009564,25-34,20x,3",
            "E01009564,25-34,2022,-1",
            'E01009564,65+,2022,"1,204"',
            ",65+,2022,5",
        ],
    )

    result = run("population", [upload])

    assert problems(result) == [
        (3, "Area E01009564, age band 18-24, year 2022 is also on line 2"),
        (4, "Year \u201c20x\u201d is not a year like 2022"),
        (5, "Population \u201c-1\u201d is not a whole number of 0 or more"),
        (7, "Area code is blank"),
    ]
    assert table("population") == [
        ("E01009564", "18-24", 2022, 212),
        ("E01009564", "65+", 2022, 1204),
    ]


def test_unit_costs_must_name_a_measure_and_a_price_year(tmp_path: Path) -> None:
    upload = csv_file(
        tmp_path,
        "costs.csv",
        "Measure,Offence group,Cost,Price year,Source",
        [
            'knife_crime,Violence with injury,"\u00a314,050",2015/16,Home Office 2018',
            "violence,Violence with injury,14050,2015-16,Home Office 2018",
            "homicide,Homicide,0,2015-16,Home Office 2018",
            "homicide,Homicide,3217740,2015-17,Home Office 2018",
            "street:robbery,Robbery,11320,2015-16,",
            "HOMICIDE,Homicide,3217740,2015-16,Home Office 2018",
            "knife_crime,Violence with injury,14050,2015-16,Home Office 2018",
        ],
    )

    result = run("unit_costs", [upload])

    assert problems(result) == [
        (
            3,
            "Measure \u201cviolence\u201d is not one vrhub counts: use homicide, knife_crime, "
            "ed_sharp_injury, or street: and a police.uk crime type, such as street:robbery",
        ),
        (4, "Cost \u201c0\u201d must be more than 0"),
        (5, "Price year \u201c2015-17\u201d is not a financial year like 2015-16"),
        (6, "Source is blank"),
        (8, "Measure knife_crime is also on line 2"),
    ]
    assert table("unit_cost") == [
        ("homicide", "Homicide", 3217740.0, "2015-16", "Home Office 2018"),
        ("knife_crime", "Violence with injury", 14050.0, "2015-16", "Home Office 2018"),
    ]


def test_deflators_need_a_financial_year_and_a_positive_index(tmp_path: Path) -> None:
    upload = csv_file(
        tmp_path,
        "deflators.csv",
        "Financial year,Index,Source",
        [
            "2015-16,84.76,HM Treasury",
            "2016-17,x,HM Treasury",
            "2017-18,-2,HM Treasury",
            "2017,90,HM Treasury",
            "2015-16,85,HM Treasury",
            "2024/25,112.1,HM Treasury",
        ],
    )

    result = run("deflators", [upload])

    assert problems(result) == [
        (3, "Index \u201cx\u201d is not a number"),
        (4, "Index \u201c-2\u201d must be more than 0"),
        (5, "Financial year \u201c2017\u201d is not a financial year like 2015-16"),
        (6, "Financial year 2015-16 is also on line 2"),
    ]
    assert table("deflator") == [
        ("2015-16", 84.76, "HM Treasury"),
        ("2024-25", 112.1, "HM Treasury"),
    ]


def test_ed_sites(tmp_path: Path) -> None:
    upload = csv_file(
        tmp_path,
        "sites.csv",
        "Site code,Site name,Local authority code",
        ["RKB01,University Hospital,E08000026", "RKB01,Again,E08000026", "RRK15,Other,Coventry"],
    )

    result = run("ed_sites", [upload])

    assert problems(result) == [
        (3, "Site code RKB01 is also on line 2"),
        (4, "Local authority code \u201cCoventry\u201d is not an ONS code like E08000026"),
    ]
    assert table("ed_site") == [("RKB01", "University Hospital", "E08000026")]


def test_an_unknown_kind_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ImportRefused):
        run("crimes", [csv_file(tmp_path, "x.csv", "a", ["1"])])


@pytest.mark.django_db(transaction=True)
def test_a_refused_reference_import_is_recorded_with_its_reason(tmp_path: Path) -> None:
    from vrhub.measures.models import ImportKind, ImportStatus
    from vrhub.measures.services import import_files

    upload = csv_file(tmp_path, "deflators.csv", "Year,Index,Source", ["2015-16,84.76,HMT"])

    run_ = import_files(kind=ImportKind.DEFLATORS, paths=[upload.path], options={}, actor=None)

    assert run_.status == ImportStatus.REFUSED
    assert "Column 1 should be \u201cFinancial year\u201d: found \u201cYear\u201d" in run_.message
    assert table("deflator") == []
