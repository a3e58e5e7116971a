"""A force's own extract of recorded offences: the knife flag, homicide flag and victim age that
police.uk does not publish, so homicides and police-recorded knife crime can be counted.

The analyst says which force the extract is from; every month from the first to the last
offence month in the upload is replaced, including months with no knife crime or homicide (they
read as zero, not as a gap).
"""

from __future__ import annotations

from datetime import date

import duckdb

from vrhub.measures.catalogue import HOMICIDE, KNIFE_CRIME, Source
from vrhub.measures.ingest import common, police_uk
from vrhub.measures.ingest.common import Column, blank, flag, is_flag, sql_text, to_date
from vrhub.measures.ingest.report import (
    ImportRefused,
    ImportResult,
    IncomingFile,
    Progress,
    no_progress,
)

WHAT = "a force extract"

COLUMNS: tuple[Column, ...] = (
    Column(
        "Offence reference",
        "offence_reference",
        True,
        "The force's crime reference for the offence. Each offence once in an upload.",
        "20WM/123456/25",
    ),
    Column(
        "Offence date",
        "offence_date",
        True,
        f"The date the offence was committed ({common.DATE_FORMATS}). The offence is counted "
        "in this month.",
        "2025-03-14",
    ),
    Column(
        "Home Office offence code",
        "ho_offence_code",
        False,
        "The Home Office counting rules classification.",
        "008/01",
    ),
    Column(
        "Offence description",
        "offence_description",
        False,
        "The offence as the force describes it.",
        "Assault occasioning actual bodily harm",
    ),
    Column(
        "Knife or sharp instrument",
        "knife",
        True,
        f"Whether a knife or sharp instrument was used or threatened: {common.FLAG_VALUES}. "
        "Y counts the offence as police-recorded knife crime.",
        "Y",
    ),
    Column(
        "Homicide",
        "homicide",
        True,
        f"Whether the offence is a homicide (murder, manslaughter, infanticide): "
        f"{common.FLAG_VALUES}.",
        "N",
    ),
    Column(
        "Victim age band",
        "victim_age_band",
        False,
        f"The victim's age band: {', '.join(common.AGE_BANDS)}, or blank. Used for the "
        "under-25 figures.",
        "18-24",
    ),
    Column(
        "Domestic abuse",
        "domestic",
        False,
        f"Whether the offence is flagged as domestic abuse: {common.FLAG_VALUES}, or blank.",
        "N",
    ),
    Column(
        "LSOA code",
        "lsoa_code",
        False,
        "The 2021 lower layer super output area the offence was in.",
        "E01009564",
    ),
    Column(
        "Latitude",
        "latitude",
        False,
        "Where the offence was, in decimal degrees (WGS84). Used for hot spots.",
        "52.4068",
    ),
    Column(
        "Longitude",
        "longitude",
        False,
        "Where the offence was, in decimal degrees (WGS84).",
        "-1.5197",
    ),
)

# England and Wales with a margin: a point outside is a typing slip or latitude and longitude
# swapped, so it is not drawn on a map.
LATITUDES = (49.0, 61.0)
LONGITUDES = (-9.0, 2.5)

PARQUET_COLUMNS = (
    "partition, month, source_file, source_line, offence_reference, offence_date, "
    "ho_offence_code, offence_description, knife, homicide, victim_age_band, domestic, "
    "lsoa_code, latitude, longitude"
)

# Every offence flagged as knife crime or homicide, at its LSOA, ward, local authority and CSP
# where its LSOA is in the areas table, and at the force whatever its LSOA.
COUNTS_SQL = f"""
select partition, month, level, area_code, measure, under_25, count(*)::bigint as n
from (
    select r.partition, r.month, m.measure, {common.under_25("r.victim_age_band")} as under_25,
        a.lsoa_code, a.ward_code, a.la_code, a.csp_code
    from rows r
    join (values ('{KNIFE_CRIME.key}'), ('{HOMICIDE.key}')) as m(measure)
        on (m.measure = '{KNIFE_CRIME.key}' and r.knife)
        or (m.measure = '{HOMICIDE.key}' and r.homicide)
    left join area a on a.lsoa_code = r.lsoa_code
) as x,
lateral (values ('lsoa', x.lsoa_code), ('ward', x.ward_code), ('la', x.la_code),
    ('csp', x.csp_code), ('force', x.partition)) as l(level, area_code)
where l.area_code is not null
group by all
"""  # noqa: S608


def _flag_checks(column: Column, *, required: bool) -> list[tuple[str, str]]:
    name = column.name
    checks = []
    if required:
        checks.append((f"{blank(column.key)} is null", sql_text(f"{name} is blank: enter Y or N")))
    checks.append(
        (
            f"{blank(column.key)} is not null and not {is_flag(column.key)}",
            f"'{name} ' || '\u201c' || trim({column.key}) || '\u201d is not Y or N'",
        )
    )
    return checks


def _check(con: duckdb.DuckDBPyConnection, *, force: str, today: date) -> None:
    by_key = {column.key: column for column in COLUMNS}
    checks: list[tuple[str, str]] = [
        ("offence_reference is null", "'Offence reference is blank'"),
        ("offence_date_text is null", "'Offence date is blank'"),
        (
            "offence_date is null",
            "'Offence date \u201c' || offence_date_text || '\u201d is not a date: use "
            f"{common.DATE_FORMATS}'",
        ),
        (
            f"offence_date > {sql_text(today.isoformat())}::date",
            "'Offence date ' || strftime(offence_date, '%Y-%m-%d') || ' is in the future'",
        ),
        *_flag_checks(by_key["knife"], required=True),
        *_flag_checks(by_key["homicide"], required=True),
        *_flag_checks(by_key["domestic"], required=False),
    ]
    lat, lon = "try_cast(trim(latitude_text) as double)", "try_cast(trim(longitude_text) as double)"
    usable = (
        f"({lat} between {LATITUDES[0]} and {LATITUDES[1]} "
        f"and {lon} between {LONGITUDES[0]} and {LONGITUDES[1]})"
    )
    con.execute(
        f"""
        create temp table typed as
        select
            {sql_text(force)} as partition,
            {common.month_of(to_date("offence_date"))} as month,
            source_file, source_line, file_index,
            {blank("offence_reference")} as offence_reference,
            {to_date("offence_date")} as offence_date,
            {blank("offence_date")} as offence_date_text,
            {blank("ho_offence_code")} as ho_offence_code,
            {blank("offence_description")} as offence_description,
            knife, homicide, domestic,
            {flag("knife")} as knife_flag,
            {flag("homicide")} as homicide_flag,
            {flag("domestic")} as domestic_flag,
            {blank("victim_age_band")} as victim_age_band,
            upper(replace({blank("lsoa_code")}, ' ', '')) as lsoa_code,
            {blank("latitude")} as latitude_text,
            {blank("longitude")} as longitude_text
        from incoming
        """  # noqa: S608
    )
    problem = common.first_problem(checks)
    con.execute(
        f"create temp table first_check as select *, {problem} as problem0 from typed"  # noqa: S608
    )
    duplicate = common.duplicate_of("offence_reference", among="problem0 is null")
    con.execute(
        f"""
        create temp table checked as
        select
            partition, month, source_file, source_line, file_index,
            offence_reference, offence_date, ho_offence_code, offence_description,
            knife_flag as knife, homicide_flag as homicide, victim_age_band,
            domestic_flag as domestic, lsoa_code,
            case when {usable} then {lat} end as latitude,
            case when {usable} then {lon} end as longitude,
            latitude_text is null and longitude_text is null as no_coordinates,
            not (latitude_text is null and longitude_text is null) and not {usable}
                as bad_coordinates,
            lsoa_code is not null
                and lsoa_code not in (select lsoa_code from known_area) as unknown_lsoa,
            -- The reference itself is a police record's number: the report never repeats it.
            coalesce(problem0, 'Offence reference also on ' || {duplicate}) as problem
        from first_check
        """  # noqa: S608
    )


def stage_force_extract(
    files: list[IncomingFile],
    *,
    force: str,
    import_id: int,
    today: date,
    progress: Progress = no_progress,
) -> common.Staging:
    """Read and check every file and write the Parquet to load, touching nothing in the store."""
    if not force.strip():
        raise ImportRefused("Choose the force the extract is from.")
    # police.uk's short name, so the extract's months sit beside police.uk's for the same force.
    force = police_uk.force_slug(force)
    if not common.is_slug(force):
        raise ImportRefused(
            f"{common.quote(force)} is not a force as police.uk names it, such as west-midlands."
        )
    read = common.read_all(files, COLUMNS, WHAT, progress)
    con = common.memory()
    try:
        con.register("incoming_arrow", read.table)
        # Text columns named by the format, so the SQL reads like the format page.
        con.execute("create temp table incoming as select * from incoming_arrow")
        common.copy_reference(con, "area", "lsoa_code", "known_area")
        _check(con, force=force, today=today)
        result, (first, last) = common.checked_result(con, read, "min(month)", "max(month)")
        result.notes = common.note_counts(
            con,
            "checked",
            [
                "case when lsoa_code is null then 'No LSOA' end",
                "case when unknown_lsoa then 'LSOA not in the areas table' end",
                "case when no_coordinates then 'No coordinates' end",
                "case when bad_coordinates then 'Coordinates not in England or Wales' end",
                "case when victim_age_band is null then 'No victim age band' end",
                "case when victim_age_band is not null and not "
                f"{common.is_age_band('victim_age_band')} "
                "then 'Victim age band not recognised' end",
            ],
        )
        covered = [(force, month) for month in common.months_between(first, last)]
        return common.stage(
            con,
            Source.FORCE_EXTRACT,
            PARQUET_COLUMNS,
            covered,
            result=result,
            import_id=import_id,
        )
    finally:
        con.close()


def import_force_extract(
    files: list[IncomingFile],
    *,
    force: str,
    import_id: int,
    today: date,
    progress: Progress = no_progress,
) -> ImportResult:
    """Replace the force-months the extract covers with its offences, and their counts."""
    staging = stage_force_extract(
        files, force=force, import_id=import_id, today=today, progress=progress
    )
    return common.commit(Source.FORCE_EXTRACT, staging, import_id=import_id)
