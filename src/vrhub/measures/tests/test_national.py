"""The national year generator writes files police.uk could have published, which vrhub imports
whole."""

from __future__ import annotations

import csv
import re
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from vrhub.measures import store
from vrhub.measures.catalogue import POLICE_UK_CRIME_TYPES
from vrhub.measures.ingest.police_uk import FORCE_SLUGS, HEADER, import_police_uk
from vrhub.measures.ingest.report import IncomingFile
from vrhub.measures.synthetic.national import FORCES, GeneratedYear, generate_year


@pytest.fixture(scope="module")
def year(tmp_path_factory: pytest.TempPathFactory) -> GeneratedYear:
    return generate_year(
        tmp_path_factory.mktemp("national"),
        year=2024,
        months=2,
        rows=20_000,
        seed=7,
        forces=["west-midlands", "south-wales", "city-of-london", "metropolitan"],
        lsoas=3_000,
    )


def read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_there_are_43_forces_with_police_uk_names() -> None:
    assert len(FORCES) == 43
    assert len({f.slug for f in FORCES}) == 43
    for force in FORCES:
        assert FORCE_SLUGS[force.name] == force.slug


def test_files_are_named_and_laid_out_as_in_police_uks_archive(year: GeneratedYear) -> None:
    names = sorted(p.relative_to(year.areas_csv.parent).as_posix() for p in year.street_files)
    assert len(names) == 8
    assert names[0] == "2024-01/2024-01-city-of-london-street.csv"
    assert all(re.fullmatch(r"2024-0[12]/2024-0[12]-[a-z-]+-street\.csv", n) for n in names)
    for path in year.street_files:
        assert path.read_text().splitlines()[0] == ",".join(HEADER)


def test_rows_look_like_police_uks(year: GeneratedYear) -> None:
    rows = [r for p in year.street_files for r in read(p)]
    assert len(rows) == year.rows == 20_000
    assert {r["Crime type"] for r in rows} == set(POLICE_UK_CRIME_TYPES)
    for r in rows:
        if r["Crime type"] == "Anti-social behaviour":
            assert r["Crime ID"] == ""
            assert r["Last outcome category"] == ""
        else:
            assert re.fullmatch(r"[0-9a-f]{64}", r["Crime ID"])
    located = [r for r in rows if r["LSOA code"]]
    assert 0.01 < 1 - len(located) / len(rows) < 0.03
    assert all(r["Longitude"] and r["Location"].startswith("On or near") for r in located)
    assert any("," in r["Location"] for r in rows)
    welsh = {r["LSOA code"][:3] for r in located if r["Falls within"] == "South Wales Police"}
    assert welsh == {"W01"}
    # Bigger forces publish more.
    by_force = Counter(r["Falls within"] for r in rows)
    assert by_force["Metropolitan Police Service"] > by_force["West Midlands Police"]
    assert by_force["West Midlands Police"] > by_force["City of London Police"]


def test_the_areas_table_places_lsoas_in_authorities(year: GeneratedYear) -> None:
    areas = read(year.areas_csv)
    assert 2_900 < len(areas) < 3_100
    assert {a["Force"] for a in areas} == {
        "west-midlands",
        "south-wales",
        "city-of-london",
        "metropolitan",
    }
    assert {a["Local authority code"][:3] for a in areas} == {"E08", "E09", "W06"}
    assert len({a["Local authority code"] for a in areas}) == 7 + 7 + 1 + 32
    assert len({a["LSOA code"] for a in areas}) == len(areas)
    assert all(a["Ward code"][:3] in {"E05", "W05"} and a["Latitude"] for a in areas)


def test_the_same_seed_writes_the_same_bytes(tmp_path: Path) -> None:
    one = generate_year(tmp_path / "a", year=2024, months=1, rows=500, seed=3, lsoas=500)
    two = generate_year(tmp_path / "b", year=2024, months=1, rows=500, seed=3, lsoas=500)
    assert [p.read_bytes() for p in one.street_files] == [p.read_bytes() for p in two.street_files]
    assert one.areas_csv.read_bytes() == two.areas_csv.read_bytes()


def test_a_generated_year_imports_whole(year: GeneratedYear) -> None:
    with store.writing() as cur:
        cur.execute(
            'insert into area select "LSOA code", "LSOA name", "Ward code", "Ward name", '
            '"Local authority code", "Local authority name", "CSP code", "CSP name", '
            '"Force", "Latitude", "Longitude" from read_csv(?)',
            [str(year.areas_csv)],
        )
    files = [
        IncomingFile(p.relative_to(year.areas_csv.parent).as_posix(), p) for p in year.street_files
    ]
    result = import_police_uk(files, import_id=1, today=date(2025, 1, 1))

    assert result.rows_read == year.rows
    assert result.rows_rejected == year.duplicate_crime_ids
    assert len(result.partitions) == 8
    cur = store.connect()
    [(forces, authorities)] = cur.sql(
        "select sum(n) filter (where level = 'force'), "
        "count(distinct area_code) filter (where level = 'la') from counts"
    ).fetchall()
    cur.close()
    assert forces == result.rows_loaded
    assert authorities == 47
