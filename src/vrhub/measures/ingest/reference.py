"""Reference tables the user keeps up to date: areas, population, cost of crime figures, GDP
deflators and emergency department sites.

Each import replaces the whole table in one transaction. A row with a problem is left out and
listed; a file with the wrong header, or with no row fit to load, is refused and the table stays
as it was. Replacing the areas or the ED sites recounts every measure, since they decide which
ward, local authority and CSP each offence and attendance counts towards.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from vrhub.measures import store
from vrhub.measures.catalogue import CORE_MEASURES, MEASURES
from vrhub.measures.ingest import common, police_uk
from vrhub.measures.ingest.common import Column, blank, sql_text, to_number
from vrhub.measures.ingest.report import (
    ImportRefused,
    ImportResult,
    IncomingFile,
    Progress,
    no_progress,
)

# An ONS statistical geography code: a letter and eight digits, such as E01009564.
_ONS_CODE = "'^[A-Z][0-9]{8}$'"
_FINANCIAL_YEAR = "'^([0-9]{4})\\s*[-/]\\s*([0-9]{2})$'"


@dataclass(frozen=True)
class ReferenceTable:
    kind: str
    table: str  # in the store's SCHEMA
    what: str  # "an areas file", for messages
    columns: tuple[Column, ...]
    # SELECT list over the text columns giving the table's columns, in the table's order.
    values: tuple[tuple[str, str], ...]
    # (condition meaning the row is wrong, SQL text of the reason), first match wins.
    checks: tuple[tuple[str, str], ...]
    key: str  # SQL over the typed columns: what may appear once
    key_words: str  # SQL text naming the key in a duplicate message
    # Whether replacing the table changes which areas counts are made at.
    recounts: bool = False


def _required(name: str, key: str) -> tuple[str, str]:
    return (f"{blank(key)} is null", sql_text(f"{name} is blank"))


def _ons_code(name: str, key: str, example: str) -> tuple[str, str]:
    return (
        f"not regexp_matches({key}_v, {_ONS_CODE})",
        f"'{name} \u201c' || trim({key}) || '\u201d is not an ONS code like {example}'",
    )


def _number(name: str, key: str, rule: str, words: str) -> tuple[tuple[str, str], ...]:
    return (
        _required(name, key),
        (
            f"{key}_v is null",
            f"'{name} \u201c' || trim({key}) || '\u201d is not a number'",
        ),
        (f"not ({rule})", f"'{name} \u201c' || trim({key}) || '\u201d {words}'"),
    )


def _financial_year(name: str, key: str) -> tuple[tuple[str, str], ...]:
    value = f"trim({key})"
    consecutive = (
        f"(try_cast(regexp_extract({value}, {_FINANCIAL_YEAR}, 1) as integer) + 1) % 100 "
        f"= try_cast(regexp_extract({value}, {_FINANCIAL_YEAR}, 2) as integer)"
    )
    return (
        _required(name, key),
        (
            f"not regexp_matches({value}, {_FINANCIAL_YEAR}) or not ({consecutive})",
            f"'{name} \u201c' || {value} || '\u201d is not a financial year like 2015-16'",
        ),
    )


def _financial_year_value(key: str) -> str:
    value = f"trim({key})"
    return (
        f"regexp_extract({value}, {_FINANCIAL_YEAR}, 1) || '-' || "
        f"regexp_extract({value}, {_FINANCIAL_YEAR}, 2)"
    )


def _coordinates_checks() -> tuple[tuple[str, str], ...]:
    checks: list[tuple[str, str]] = [
        (
            f"({blank('latitude')} is null) <> ({blank('longitude')} is null)",
            "'Latitude and longitude must both be given, or both left blank'",
        )
    ]
    for name, key, (low, high) in (
        ("Latitude", "latitude", (49.0, 61.0)),
        ("Longitude", "longitude", (-9.0, 2.5)),
    ):
        checks += [
            (
                f"{blank(key)} is not null and {key}_v is null",
                f"'{name} \u201c' || trim({key}) || '\u201d is not a number'",
            ),
            (
                f"{key}_v not between {low} and {high}",
                f"'{name} ' || trim({key}) || ' is outside England and Wales "
                f"(between {low:g} and {high:g})'",
            ),
        ]
    return tuple(checks)


_MEASURE_KEYS = ", ".join(sql_text(key) for key in MEASURES)
_MEASURE_WORDS = (
    ", ".join(m.key for m in CORE_MEASURES)
    + ", or street: and a police.uk crime type, such as street:robbery"
)

AREAS = ReferenceTable(
    kind="areas",
    table="area",
    what="an areas file",
    columns=(
        Column(
            "LSOA code",
            "lsoa_code",
            True,
            "The 2021 lower layer super output area code. Each LSOA once.",
            "E01009564",
        ),
        Column("LSOA name", "lsoa_name", True, "The LSOA's name.", "Coventry 027B"),
        Column("Ward code", "ward_code", True, "The electoral ward the LSOA is in.", "E05001223"),
        Column("Ward name", "ward_name", True, "The ward's name.", "St Michael's"),
        Column(
            "Local authority code",
            "la_code",
            True,
            "The local authority district the LSOA is in.",
            "E08000026",
        ),
        Column("Local authority name", "la_name", True, "The local authority's name.", "Coventry"),
        Column(
            "CSP code",
            "csp_code",
            False,
            "The community safety partnership the LSOA is in, where known.",
            "E22000216",
        ),
        Column("CSP name", "csp_name", False, "The partnership's name.", "Coventry"),
        Column(
            "Force",
            "force",
            True,
            "The police force area: its name (West Midlands Police) or police.uk's short name "
            "for it, as in police.uk's file names (west-midlands).",
            "west-midlands",
        ),
        Column(
            "Latitude",
            "latitude",
            False,
            "The LSOA's population-weighted centroid, in decimal degrees (WGS84).",
            "52.4081",
        ),
        Column("Longitude", "longitude", False, "The centroid's longitude.", "-1.5106"),
    ),
    values=(
        ("lsoa_code", f"upper(replace({blank('lsoa_code')}, ' ', ''))"),
        ("lsoa_name", blank("lsoa_name")),
        ("ward_code", f"upper(replace({blank('ward_code')}, ' ', ''))"),
        ("ward_name", blank("ward_name")),
        ("la_code", f"upper(replace({blank('la_code')}, ' ', ''))"),
        ("la_name", blank("la_name")),
        ("csp_code", f"upper(replace({blank('csp_code')}, ' ', ''))"),
        ("csp_name", blank("csp_name")),
        ("force", "(select slug from force_slug where force_slug.name = trim(incoming.force))"),
        ("latitude", to_number("latitude")),
        ("longitude", to_number("longitude")),
    ),
    checks=(
        _required("LSOA code", "lsoa_code"),
        _ons_code("LSOA code", "lsoa_code", "E01009564"),
        _required("LSOA name", "lsoa_name"),
        _required("Ward code", "ward_code"),
        _ons_code("Ward code", "ward_code", "E05001223"),
        _required("Ward name", "ward_name"),
        _required("Local authority code", "la_code"),
        _ons_code("Local authority code", "la_code", "E08000026"),
        _required("Local authority name", "la_name"),
        _required("Force", "force"),
        *_coordinates_checks(),
    ),
    key="lsoa_code_v",
    key_words="'LSOA code ' || lsoa_code_v",
    recounts=True,
)

POPULATION = ReferenceTable(
    kind="population",
    table="population",
    what="a population file",
    columns=(
        Column(
            "Area code",
            "area_code",
            True,
            "The LSOA the population lives in.",
            "E01009564",
        ),
        Column(
            "Age band",
            "age_band",
            True,
            "The age band, as the source gives it, such as 0-9, 10-17, 18-24, 25-34 or 65+.",
            "18-24",
        ),
        Column("Year", "year", True, "The year of the estimate (mid-year).", "2022"),
        Column(
            "Population",
            "population",
            True,
            "The number of people, a whole number of 0 or more.",
            "212",
        ),
    ),
    values=(
        ("area_code", f"upper(replace({blank('area_code')}, ' ', ''))"),
        ("age_band", blank("age_band")),
        ("year", "try_cast(trim(year) as integer)"),
        ("population", "try_cast(replace(trim(population), ',', '') as integer)"),
    ),
    checks=(
        _required("Area code", "area_code"),
        _required("Age band", "age_band"),
        _required("Year", "year"),
        (
            "year_v is null or year_v not between 1900 and 2100",
            "'Year \u201c' || trim(year) || '\u201d is not a year like 2022'",
        ),
        _required("Population", "population"),
        (
            "population_v is null or population_v < 0",
            "'Population \u201c' || trim(population) || '\u201d is not a whole number of 0 "
            "or more'",
        ),
    ),
    key="(area_code_v, age_band_v, year_v)",
    key_words="'Area ' || area_code_v || ', age band ' || age_band_v || ', year ' || year_v",
)

UNIT_COSTS = ReferenceTable(
    kind="unit_costs",
    table="unit_cost",
    what="a cost of crime file",
    columns=(
        Column(
            "Measure",
            "measure",
            True,
            f"What the cost is for: {_MEASURE_WORDS}. Each measure once.",
            "knife_crime",
        ),
        Column(
            "Offence group",
            "offence_group",
            True,
            "The cost of crime category applied, as the source names it.",
            "Violence with injury",
        ),
        Column(
            "Cost",
            "cost_gbp",
            True,
            "The cost of one offence in pounds, more than 0 (a pound sign and commas are fine).",
            "14050",
        ),
        Column(
            "Price year",
            "price_year",
            True,
            "The financial year of the prices, like 2015-16.",
            "2015-16",
        ),
        Column(
            "Source",
            "source",
            True,
            "Where the figure comes from, shown beside every cost.",
            "Home Office, The economic and social costs of crime (2018)",
        ),
    ),
    values=(
        ("measure", f"lower({blank('measure')})"),
        ("offence_group", blank("offence_group")),
        ("cost_gbp", to_number("cost_gbp")),
        ("price_year", _financial_year_value("price_year")),
        ("source", blank("source")),
    ),
    checks=(
        _required("Measure", "measure"),
        (
            f"measure_v not in ({_MEASURE_KEYS})",
            f"'Measure \u201c' || trim(measure) || '\u201d is not one vrhub counts: use "
            f"{_MEASURE_WORDS}'",
        ),
        _required("Offence group", "offence_group"),
        *_number("Cost", "cost_gbp", "cost_gbp_v > 0", "must be more than 0"),
        *_financial_year("Price year", "price_year"),
        _required("Source", "source"),
    ),
    key="measure_v",
    key_words="'Measure ' || measure_v",
)

DEFLATORS = ReferenceTable(
    kind="deflators",
    table="deflator",
    what="a GDP deflators file",
    columns=(
        Column(
            "Financial year",
            "financial_year",
            True,
            "The financial year, like 2015-16. Each year once.",
            "2015-16",
        ),
        Column(
            "Index",
            "index_value",
            True,
            "The GDP deflator for the year, more than 0. Any base year works, so long as every "
            "year uses the same one.",
            "84.76",
        ),
        Column(
            "Source",
            "source",
            True,
            "Where the series comes from.",
            "HM Treasury GDP deflators at market prices, September 2025",
        ),
    ),
    values=(
        ("financial_year", _financial_year_value("financial_year")),
        ("index_value", to_number("index_value")),
        ("source", blank("source")),
    ),
    checks=(
        *_financial_year("Financial year", "financial_year"),
        *_number("Index", "index_value", "index_value_v > 0", "must be more than 0"),
        _required("Source", "source"),
    ),
    key="financial_year_v",
    key_words="'Financial year ' || financial_year_v",
)

ED_SITES = ReferenceTable(
    kind="ed_sites",
    table="ed_site",
    what="an ED sites file",
    columns=(
        Column(
            "Site code",
            "site_code",
            True,
            "The ODS code of the emergency department's site, as the ISTV files give it. "
            "Each site once.",
            "RKB01",
        ),
        Column(
            "Site name",
            "site_name",
            True,
            "The site's name.",
            "University Hospital Coventry",
        ),
        Column(
            "Local authority code",
            "la_code",
            True,
            "The local authority the site's attendances count towards.",
            "E08000026",
        ),
    ),
    values=(
        ("site_code", f"upper(replace({blank('site_code')}, ' ', ''))"),
        ("site_name", blank("site_name")),
        ("la_code", f"upper(replace({blank('la_code')}, ' ', ''))"),
    ),
    checks=(
        _required("Site code", "site_code"),
        _required("Site name", "site_name"),
        _required("Local authority code", "la_code"),
        _ons_code("Local authority code", "la_code", "E08000026"),
    ),
    key="site_code_v",
    key_words="'Site code ' || site_code_v",
    recounts=True,
)

TABLES: dict[str, ReferenceTable] = {
    t.kind: t for t in (AREAS, POPULATION, UNIT_COSTS, DEFLATORS, ED_SITES)
}


def _check(con: duckdb.DuckDBPyConnection, table: ReferenceTable) -> None:
    # Typed values carry a _v suffix so the checks can quote the text the user wrote.
    typed = ", ".join(f"{expression} as {name}_v" for name, expression in table.values)
    con.execute(f"create temp table typed as select *, {typed} from incoming")  # noqa: S608
    problem = common.first_problem(table.checks)
    con.execute(f"create temp table first_check as select *, {problem} as problem0 from typed")  # noqa: S608
    duplicate = common.duplicate_of(table.key, among="problem0 is null")
    con.execute(
        f"""
        create temp table checked as
        select *, coalesce(problem0, {table.key_words} || ' is also on ' || {duplicate})
            as problem
        from first_check
        """  # noqa: S608
    )


def _force_slugs(con: duckdb.DuckDBPyConnection) -> None:
    """police.uk's short name for each force the file names, so areas and police.uk rows agree
    whether the file says "West Midlands Police" or "west-midlands"."""
    names = [str(row[0]) for row in con.sql("select distinct trim(force) from incoming").fetchall()]
    slugs = pa.table(
        {"name": names, "slug": [police_uk.force_slug(name) if name else None for name in names]}
    )
    con.register("force_slug_arrow", slugs)
    con.execute("create temp table force_slug as select * from force_slug_arrow")


def stage_reference(
    kind: str, files: Sequence[IncomingFile], *, progress: Progress = no_progress
) -> tuple[ImportResult, pa.Table]:
    """Read and check the files: the result, and the rows to load as an Arrow table."""
    table = TABLES.get(kind)
    if table is None:
        raise ImportRefused(f"vrhub does not import reference tables of the kind {kind}.")
    read = common.read_all(files, table.columns, table.what, progress)
    con = common.memory()
    try:
        con.register("incoming_arrow", read.table)
        con.execute("create temp table incoming as select * from incoming_arrow")
        if table is AREAS:
            _force_slugs(con)
        _check(con, table)
        result = ImportResult(rows_read=read.rows_read, problems=list(read.problems))
        result.problems += common.rejected_rows(con, "checked")
        result.problems.sort(key=lambda p: (p.file, p.line or 0))
        columns = ", ".join(f"{name}_v as {name}" for name, _ in table.values)
        rows = con.sql(
            f"select {columns} from checked where problem is null "  # noqa: S608
            "order by file_index, source_line"
        ).to_arrow_table()
    finally:
        con.close()
    result.rows_loaded = rows.num_rows
    result.rows_rejected = result.rows_read - result.rows_loaded
    if not result.rows_loaded:
        raise common.nothing_loaded(result)
    return result, rows


def import_reference(
    kind: str,
    files: Sequence[IncomingFile],
    *,
    import_id: int,
    progress: Progress = no_progress,
) -> ImportResult:
    """Replace a reference table with the rows of `files`; the old rows go in the same
    transaction, so a reader sees the old table or the new one, never a mix."""
    result, rows = stage_reference(kind, files, progress=progress)
    table = TABLES[kind]
    names = ", ".join(name for name, _ in table.values)
    with store.writing() as cur:
        cur.register("replacement", rows)
        cur.execute(f"delete from {table.table}")  # noqa: S608
        cur.execute(f"insert into {table.table} ({names}) select {names} from replacement")  # noqa: S608
        cur.unregister("replacement")
        if table.recounts:
            store.rebuild_counts(cur)
    return result
