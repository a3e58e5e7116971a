"""Emergency department assault attendances in the ISTV minimum data set shape (ISB 1594), as a
trust shares them with the partnership, already anonymised.

Attendances are counted by arrival month at the site and, through the ED sites table, at the
local authority the site serves. The two free-text columns ("Assault method other" and "Assault
location description") may identify a patient: they are never read into memory as values and
never stored.
"""

from __future__ import annotations

from datetime import date

import duckdb

from vrhub.measures.catalogue import ED_SHARP_INJURY, Source
from vrhub.measures.ingest import common
from vrhub.measures.ingest.common import Column, blank, sql_text, to_date, to_time
from vrhub.measures.ingest.report import (
    ImportRefused,
    ImportResult,
    IncomingFile,
    Progress,
    RowProblem,
    no_progress,
)

WHAT = "an ISTV file of emergency department assault attendances"

KNIFE_METHOD = "Knife or sharp object"
METHODS: tuple[str, ...] = (
    KNIFE_METHOD,
    "Blunt object",
    "Body part",
    "Firearm",
    "Other",
    "Not known",
)
LOCATION_TYPES: tuple[str, ...] = (
    "Street",
    "Home",
    "Licensed premises",
    "Workplace",
    "School",
    "Public transport",
    "Other",
    "Not known",
)

COLUMNS: tuple[Column, ...] = (
    Column(
        "Reporting period start date",
        "period_start",
        True,
        f"The first day of the period the file reports ({common.DATE_FORMATS}).",
        "2025-01-01",
    ),
    Column(
        "Reporting period end date",
        "period_end",
        True,
        "The last day of the period the file reports. Every month the period touches is "
        "replaced by this import.",
        "2025-01-31",
    ),
    Column(
        "Site code",
        "site_code",
        True,
        "The ODS code of the emergency department's site.",
        "RKB01",
    ),
    Column(
        "Arrival date",
        "arrival_date",
        True,
        "The date the patient arrived. The attendance is counted in this month; it must be "
        "within the reporting period.",
        "2025-01-14",
    ),
    Column(
        "Arrival time",
        "arrival_time",
        True,
        f"The time the patient arrived ({common.TIME_FORMATS}).",
        "23:40",
    ),
    Column(
        "Assault date",
        "assault_date",
        False,
        "The date of the assault, on or before the arrival date. Noted when blank.",
        "2025-01-14",
    ),
    Column(
        "Assault time",
        "assault_time",
        False,
        "The time of the assault, before the arrival. Noted when blank.",
        "23:05",
    ),
    Column(
        "Assault method",
        "assault_method",
        True,
        f"How the patient was assaulted: {common.list_in_words(METHODS)}. "
        f"{KNIFE_METHOD} counts towards A&E presentations for sharp-object injuries.",
        KNIFE_METHOD,
    ),
    Column(
        "Assault method other",
        "assault_method_other",
        False,
        "Free text describing an \u201cOther\u201d method. It may identify someone, so vrhub reads "
        "past it and never stores it. The column may be left out.",
        "",
        stored=False,
        may_omit=True,
    ),
    Column(
        "Assault location type",
        "location_type",
        True,
        f"Where the assault happened: {common.list_in_words(LOCATION_TYPES)}.",
        "Street",
    ),
    Column(
        "Assault location description",
        "location_description",
        False,
        "Free text naming the place. It may identify someone, so vrhub reads past it and "
        "never stores it. The column may be left out.",
        "",
        stored=False,
        may_omit=True,
    ),
    Column(
        "Patient age band",
        "patient_age_band",
        False,
        f"The patient's age band: {', '.join(common.AGE_BANDS)}, or blank. Used for the "
        "under-25 figures.",
        "18-24",
    ),
)

PARQUET_COLUMNS = (
    "partition, month, source_file, source_line, site_code, period_start, period_end, "
    "arrival_at, assault_at, assault_method, location_type, patient_age_band"
)

# Sharp-object attendances at their site, and at the site's local authority where the ED sites
# table knows the site.
COUNTS_SQL = f"""
select partition, month, level, area_code, '{ED_SHARP_INJURY.key}' as measure, under_25,
    count(*)::bigint as n
from (
    select r.partition, r.month, {common.under_25("r.patient_age_band")} as under_25,
        s.la_code
    from rows r
    left join ed_site s on s.site_code = r.site_code
    where r.assault_method = '{KNIFE_METHOD}'
) as x,
lateral (values ('site', x.partition), ('la', x.la_code)) as l(level, area_code)
where l.area_code is not null
group by all
"""  # noqa: S608


def _canonical(expression: str, allowed: tuple[str, ...]) -> str:
    """The allowed value a text matches whatever its case and spacing, else null."""
    value = f"lower(regexp_replace(trim({expression}), '\\s+', ' ', 'g'))"
    whens = " ".join(f"when {sql_text(a.lower())} then {sql_text(a)}" for a in allowed)
    return f"(case {value} {whens} end)"


def _choice_checks(name: str, key: str, allowed: tuple[str, ...]) -> list[tuple[str, str]]:
    words = common.list_in_words(allowed)
    return [
        (f"{blank(key)} is null", sql_text(f"{name} is blank: use {words}")),
        (
            f"{key}_value is null",
            f"'{name} \u201c' || trim({key}) || '\u201d is not one of: {words}'",
        ),
    ]


def _date_checks(name: str, key: str) -> list[tuple[str, str]]:
    return [
        (f"{blank(key)} is null", sql_text(f"{name} is blank")),
        (
            f"{key}_value is null",
            f"'{name} \u201c' || trim({key}) || '\u201d is not a date: use {common.DATE_FORMATS}'",
        ),
    ]


def _time_check(name: str, key: str) -> tuple[str, str]:
    return (
        f"{blank(key)} is not null and {key}_value is null",
        f"'{name} \u201c' || trim({key}) || '\u201d is not a time: use {common.TIME_FORMATS}'",
    )


def _check(con: duckdb.DuckDBPyConnection, *, today: date) -> None:
    con.execute(
        f"""
        create temp table typed as
        select *,
            {to_date("period_start")} as period_start_value,
            {to_date("period_end")} as period_end_value,
            upper(replace({blank("site_code")}, ' ', '')) as site,
            {to_date("arrival_date")} as arrival_date_value,
            {to_time("arrival_time")} as arrival_time_value,
            {to_date("assault_date")} as assault_date_value,
            {to_time("assault_time")} as assault_time_value,
            {_canonical("assault_method", METHODS)} as assault_method_value,
            {_canonical("location_type", LOCATION_TYPES)} as location_type_value,
            {blank("patient_age_band")} as age_band
        from incoming
        """  # noqa: S608
    )
    day = "'%Y-%m-%d'"
    minute = "'%Y-%m-%d %H:%M'"
    checks: list[tuple[str, str]] = [
        ("site is null", "'Site code is blank'"),
        (
            "not regexp_full_match(site, '[A-Z0-9]{3,10}')",
            "'Site code must be the site''s ODS code: 3 to 10 letters and digits, like RKB01'",
        ),
        *_date_checks("Reporting period start date", "period_start"),
        *_date_checks("Reporting period end date", "period_end"),
        (
            "period_end_value < period_start_value",
            f"'The reporting period ends (' || strftime(period_end_value, {day}) || "
            f"') before it starts (' || strftime(period_start_value, {day}) || ')'",
        ),
        *_date_checks("Arrival date", "arrival_date"),
        (f"{blank('arrival_time')} is null", "'Arrival time is blank'"),
        _time_check("Arrival time", "arrival_time"),
        (
            f"arrival_date_value > {sql_text(today.isoformat())}::date",
            f"'Arrival date ' || strftime(arrival_date_value, {day}) || ' is in the future'",
        ),
        (
            "arrival_date_value not between period_start_value and period_end_value",
            f"'Arrival date ' || strftime(arrival_date_value, {day}) || ' is outside the "
            f"reporting period, ' || strftime(period_start_value, {day}) || ' to ' || "
            f"strftime(period_end_value, {day})",
        ),
        (
            f"{blank('assault_date')} is not null and assault_date_value is null",
            "'Assault date \u201c' || trim(assault_date) || '\u201d is not a date: use "
            f"{common.DATE_FORMATS}'",
        ),
        _time_check("Assault time", "assault_time"),
        (
            "assault_date_value is not null and assault_time_value is not null "
            "and assault_date_value + assault_time_value "
            "> arrival_date_value + arrival_time_value",
            f"'The assault (' || strftime(assault_date_value + assault_time_value, {minute}) "
            f"|| ') is after the arrival (' || "
            f"strftime(arrival_date_value + arrival_time_value, {minute}) || ')'",
        ),
        (
            "assault_date_value > arrival_date_value",
            f"'The assault date (' || strftime(assault_date_value, {day}) || ') is after the "
            f"arrival date (' || strftime(arrival_date_value, {day}) || ')'",
        ),
        *_choice_checks("Assault method", "assault_method", METHODS),
        *_choice_checks("Assault location type", "location_type", LOCATION_TYPES),
    ]
    con.execute(
        f"""
        create temp table checked as
        select
            site as partition,
            {common.month_of("arrival_date_value")} as month,
            source_file, source_line, file_index,
            site as site_code,
            period_start_value as period_start,
            period_end_value as period_end,
            (arrival_date_value + arrival_time_value)::timestamp as arrival_at,
            (assault_date_value + coalesce(assault_time_value, time '00:00'))::timestamp
                as assault_at,
            assault_method_value as assault_method,
            location_type_value as location_type,
            age_band as patient_age_band,
            assault_date_value is null as no_assault_date,
            assault_date_value is not null and assault_time_value is null as no_assault_time,
            site not in (select site_code from known_site) as unknown_site,
            {common.first_problem(checks)} as problem
        from typed
        """  # noqa: S608
    )


def _periods(con: duckdb.DuckDBPyConnection) -> list[tuple[str, date, date, str]]:
    """Each site's reporting periods in each file, from the rows that loaded.

    A period is covered when any of its rows loaded, even if others were rejected: the trust
    reported it. A period whose every row was rejected is not covered, so it reads as a gap,
    not as a month without attendances.
    """
    found = con.sql(
        """
        select distinct site_code, period_start, period_end, source_file
        from checked
        where problem is null
        order by site_code, period_start
        """
    ).fetchall()
    return [(str(s), start, end, str(f)) for s, start, end, f in found]


def _covered(periods: list[tuple[str, date, date, str]], today: date) -> list[tuple[str, date]]:
    """Every site-month a reporting period touches, up to this month.

    Two files whose reporting periods for a site overlap are refused: loading both would count
    the attendances they share twice. Files for different weeks of one month are fine.
    """
    latest: dict[str, tuple[date, str]] = {}
    for site, start, end, file in periods:
        before = latest.get(site)
        if before is not None and start <= before[0] and file != before[1]:
            reason = (
                f"{before[1]} and {file} both report site {site} for "
                f"{start:%Y-%m-%d} to {min(end, before[0]):%Y-%m-%d}: import each reporting "
                "period once"
            )
            raise ImportRefused(f"{reason}.", [RowProblem(file, None, reason, True)])
        if before is None or end > before[0]:
            latest[site] = (end, file)
    this_month = today.replace(day=1)
    return sorted(
        {
            (site, month)
            for site, start, end, _ in periods
            for month in common.months_between(start, min(end, today))
            if month <= this_month
        }
    )


def stage_istv(
    files: list[IncomingFile],
    *,
    import_id: int,
    today: date,
    progress: Progress = no_progress,
) -> common.Staging:
    """Read and check every file and write the Parquet to load, touching nothing in the store."""
    read = common.read_all(files, COLUMNS, WHAT, progress)
    con = common.memory()
    try:
        con.register("incoming_arrow", read.table)
        con.execute("create temp table incoming as select * from incoming_arrow")
        common.copy_reference(con, "ed_site", "site_code", "known_site")
        _check(con, today=today)
        result, _ = common.checked_result(con, read)
        covered = _covered(_periods(con), today)
        result.notes = common.note_counts(
            con,
            "checked",
            [
                "case when unknown_site then 'Site not in the ED sites table' end",
                "case when no_assault_date then 'No assault date' end",
                "case when no_assault_time then 'No assault time' end",
                "case when patient_age_band is null then 'No patient age band' end",
                "case when patient_age_band is not null and not "
                f"{common.is_age_band('patient_age_band')} "
                "then 'Patient age band not recognised' end",
            ],
        )
        return common.stage(
            con, Source.ISTV, PARQUET_COLUMNS, covered, result=result, import_id=import_id
        )
    finally:
        con.close()


def import_istv(
    files: list[IncomingFile],
    *,
    import_id: int,
    today: date,
    progress: Progress = no_progress,
) -> ImportResult:
    """Replace the site-months the files' reporting periods cover, and their counts."""
    staging = stage_istv(files, import_id=import_id, today=today, progress=progress)
    return common.commit(Source.ISTV, staging, import_id=import_id)
