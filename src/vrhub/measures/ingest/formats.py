"""What each kind of file vrhub imports must look like, for the format pages in the app and the
matching files under `docs/data-formats/`.

The columns of the partner formats are the importers' own column lists, so a page cannot
describe a column the importer does not read.
"""

from __future__ import annotations

from dataclasses import dataclass

from vrhub.measures.catalogue import POLICE_UK_CRIME_TYPES
from vrhub.measures.ingest import common, force_extract, istv, reference
from vrhub.measures.ingest.common import Column


@dataclass(frozen=True)
class DataFormat:
    kind: str  # an ImportKind value
    title: str
    summary: str
    source: str  # where the file comes from, and who sends it
    files: str  # what the files look like: names, one or several, archives
    columns: tuple[Column, ...]
    rejected: tuple[str, ...]  # what makes a row be left out (with its line number)
    noted: tuple[str, ...]  # what is loaded but counted as missing something
    replacing: str  # what importing again does
    gaps: str  # what counts as no data, as opposed to zero
    refused: tuple[str, ...] = ()  # what refuses the whole import
    extra_columns: str = "Columns not listed here are read past and never kept."

    @property
    def doc_path(self) -> str:
        return f"docs/data-formats/{self.kind.replace('_', '-')}.md"

    @property
    def header(self) -> str:
        return ",".join(column.name for column in self.columns)

    @property
    def reading(self) -> tuple[str, ...]:
        """How every file of this kind is read."""
        return (*COMMON_RULES, self.extra_columns)

    @property
    def notes(self) -> tuple[str, ...]:
        """Every rule in one list, for a page that shows them together."""
        return (
            *self.reading,
            *self.refused,
            *self.rejected,
            *self.noted,
            self.replacing,
            self.gaps,
        )


COMMON_RULES: tuple[str, ...] = (
    "Files are CSV, saved as UTF-8 text with or without a byte order mark, with Windows or Unix "
    "line endings.",
    "The first line is the header. Column names may be in any case and order, with any spacing.",
    "Blank lines are skipped. A line with more or fewer values than the header has columns is "
    "left out, with its line number.",
    "Nothing is changed until every file has been read. A file that cannot be read, or whose "
    "header is missing a column, stops the import and leaves the data as it was.",
    "Every import reports rows read, rows loaded and rows left out; rows read always equals "
    "loaded plus left out.",
)

_HEADER_REFUSED = "A file whose header is missing a column, names a column twice or has no rows."
_NONE_LOADED = "An upload in which no row can be loaded."

POLICE_UK = DataFormat(
    kind="police_uk",
    title="police.uk street-level crime",
    summary="Street-level crimes and anti-social behaviour each police force publishes every "
    "month, with an anonymised location and the LSOA.",
    source="Download from data.police.uk (Downloads, choose forces and months, tick "
    "\u201cInclude crime data\u201d). Upload the archive as it comes, a folder's files, or single "
    "files.",
    files="One file a force a month, named YYYY-MM-<force>-street.csv, such as "
    "2025-01-west-midlands-street.csv. Outcomes and stop and search files in the archive are "
    "skipped and listed.",
    columns=(
        Column(
            "Crime ID",
            "crime_id",
            False,
            "police.uk's identifier for the crime. Blank for anti-social behaviour.",
            "6f1a2c0d5e...",
        ),
        Column("Month", "month", True, "The month the crime was recorded, YYYY-MM.", "2025-01"),
        Column(
            "Reported by",
            "reported_by",
            True,
            "The force that recorded the crime.",
            "West Midlands Police",
        ),
        Column(
            "Falls within",
            "falls_within",
            True,
            "The force area the crime is in.",
            "West Midlands Police",
        ),
        Column("Longitude", "longitude", False, "The anonymised point's longitude.", "-1.512"),
        Column("Latitude", "latitude", False, "The anonymised point's latitude.", "52.407"),
        Column(
            "Location",
            "location",
            False,
            "A description of the anonymised point.",
            "On or near Corporation Street",
        ),
        Column("LSOA code", "lsoa_code", False, "The 2021 LSOA the point is in.", "E01009564"),
        Column("LSOA name", "lsoa_name", False, "The LSOA's name.", "Coventry 027B"),
        Column(
            "Crime type",
            "crime_type",
            True,
            f"One of the 14 police.uk categories: {common.list_in_words(POLICE_UK_CRIME_TYPES)}.",
            "Violence and sexual offences",
        ),
        Column(
            "Last outcome category",
            "last_outcome_category",
            False,
            "The latest outcome police.uk records.",
            "Under investigation",
        ),
        Column("Context", "context", False, "Usually blank.", ""),
    ),
    extra_columns="A column police.uk does not publish stops the import: upload the files as "
    "police.uk published them.",
    refused=(
        "A file whose header is not police.uk's: a column renamed, missing or added.",
        "A file that is not CSV saved as UTF-8 text, that ends part-way through a line, or that "
        "opens a quotation mark it never closes.",
    ),
    rejected=(
        "A month that is not YYYY-MM, or after the current month "
        "(\u201cMonth 2031-01 is in the future\u201d).",
        "A crime type police.uk does not use.",
        "Coordinates that are not numbers.",
        "A Crime ID already on an earlier line of the upload "
        "(\u201cCrime ID also on line 4\u201d). Anti-social behaviour rows have no Crime ID "
        "and are never duplicates.",
        "A line with the wrong number of values (a value with a comma in it may have lost its "
        "quotation marks).",
    ),
    noted=(
        "No coordinates: loaded, but not on hot-spot maps.",
        "No LSOA: loaded and counted for the force only, not for any LSOA, ward, local "
        "authority or CSP.",
        "LSOA not in the areas table: counted for the force only until the areas table has it "
        "(importing areas recounts everything).",
    ),
    replacing="Importing a force-month again replaces it: its rows and counts are taken out "
    "and the new file's put in, in one step, so nothing is counted twice.",
    gaps="A force-month never imported is a gap, shown as \u201cno data\u201d, never as zero. "
    "A file with only the header, named for a force and month, records that month as zero.",
)

FORCE_EXTRACT = DataFormat(
    kind="force_extract",
    title="Force extract of recorded offences",
    summary="The force's own extract of recorded offences, with the knife or sharp instrument "
    "flag, homicide flag and victim age that police.uk does not publish. It gives the "
    "homicide and police-recorded knife crime measures, and their under-25 figures.",
    source="The force's analysts, from the crime recording system, for the partnership's area "
    "or the whole force. Choose the force when you upload.",
    files="One or more CSV files for one force, any file names. Offences may span many months.",
    columns=force_extract.COLUMNS,
    refused=(
        _HEADER_REFUSED,
        "No force chosen.",
        _NONE_LOADED,
    ),
    rejected=(
        "No offence reference, or one already on an earlier line of the upload "
        "(\u201cOffence reference also on line 4\u201d).",
        f"No offence date, a date that is not {common.DATE_FORMATS}, no such day "
        "(31/02/2025), or a date after today.",
        "A knife or homicide flag that is blank or not Y or N; a domestic abuse flag that is "
        "not Y or N.",
        "A line with the wrong number of values.",
    ),
    noted=(
        "No LSOA: counted for the force only.",
        "LSOA not in the areas table: counted for the force only until the areas table has it "
        "(importing areas recounts everything).",
        "No coordinates, or coordinates outside England and Wales: loaded without a point, so "
        "not on hot-spot maps.",
        "No victim age band, or one vrhub cannot read: counted in the totals, not in the "
        "under-25 figures.",
    ),
    replacing="The import replaces every month from the first to the last offence month in "
    "the upload, for the force chosen: offences in those months already imported are taken "
    "out and the upload's put in, in one step. Months outside that range are kept. So send "
    "whole months, and re-send a month in full to correct it.",
    gaps="A month inside the range with no knife crime or homicide is a zero. A month never "
    "imported is a gap, shown as \u201cno data\u201d.",
)

ISTV = DataFormat(
    kind="istv",
    title="Emergency department assaults (ISTV)",
    summary="Assault attendances at an emergency department in the Information Sharing to "
    "Tackle Violence minimum data set (ISB 1594). Attendances with the assault method "
    "\u201cKnife or sharp object\u201d give the A&E sharp-object injury measure.",
    source="The trust's ISTV lead sends the partnership the anonymised data set, at least "
    "monthly. The two free-text columns may identify a patient: vrhub never stores them, and "
    "they may be left out of the file.",
    files="One or more CSV files, any names, for one or more sites. Each line carries the "
    "reporting period and site code of the file.",
    columns=istv.COLUMNS,
    refused=(
        _HEADER_REFUSED,
        "Two files reporting the same site for overlapping periods (importing both would count "
        "attendances twice).",
        _NONE_LOADED,
    ),
    rejected=(
        "No site code.",
        "No reporting period start or end date, a date vrhub cannot read, or a period that "
        "ends before it starts.",
        f"No arrival date or time, a time that is not {common.TIME_FORMATS}, an arrival after "
        "today or outside the reporting period.",
        "An assault after the arrival.",
        "An assault method or location type that is blank or not one of the values listed "
        "(the message lists them).",
        "A line with the wrong number of values.",
    ),
    noted=(
        "Site not in the ED sites table: counted for the site only, not for a local authority, "
        "until the ED sites table has it (importing ED sites recounts everything).",
        "No assault date or no assault time.",
        "No patient age band, or one vrhub cannot read: counted in the totals, not in the "
        "under-25 figures.",
    ),
    replacing="Each site-month the reporting period touches is replaced: attendances already "
    "imported for it are taken out and the file's put in, in one step. A period covering "
    "part of a month replaces the whole month, so send whole months, or the weeks of a month "
    "together in one upload.",
    gaps="A site-month inside a reporting period with no sharp-object attendance is a zero. A "
    "month no file has reported is a gap, shown as \u201cno data\u201d. A period with no "
    "assault attendances at all has no lines, so it cannot be told from a gap.",
)


def _reference_format(
    table: reference.ReferenceTable,
    *,
    title: str,
    summary: str,
    source: str,
    rejected: tuple[str, ...],
    noted: tuple[str, ...] = (),
    recount: str = "",
) -> DataFormat:
    return DataFormat(
        kind=table.kind,
        title=title,
        summary=summary,
        source=source,
        files="One or more CSV files, read together as one table.",
        columns=table.columns,
        refused=(_HEADER_REFUSED, _NONE_LOADED),
        rejected=(*rejected, "A line with the wrong number of values."),
        noted=noted,
        replacing="Each import replaces the whole table in one step: rows not in the upload "
        "are gone, and anyone reading sees the old table or the new one, never a mix." + recount,
        gaps="Nothing is kept from the previous table, so upload every row each time.",
    )


AREAS = _reference_format(
    reference.AREAS,
    title="Areas",
    summary="Which ward, local authority, community safety partnership and police force each "
    "LSOA is in, so offences can be counted for any of them.",
    source="The ONS LSOA (2021) to electoral ward to local authority lookup on the Open "
    "Geography Portal, with the force and CSP added, and population-weighted centroids.",
    rejected=(
        "A blank LSOA code, LSOA name, ward code, ward name, local authority code, local "
        "authority name or force.",
        "An LSOA, ward or local authority code that is not an ONS code (a letter and eight "
        "digits).",
        "An LSOA already on an earlier line.",
        "Only one of latitude and longitude, or a point outside England and Wales.",
    ),
    recount=" Every count is then made again, so offences count towards the new wards, "
    "local authorities and CSPs.",
)

POPULATION = _reference_format(
    reference.POPULATION,
    title="Population",
    summary="How many people live in each LSOA, by age band and year, for rates per head.",
    source="ONS mid-year population estimates for LSOAs (Nomis).",
    rejected=(
        "A blank area code, age band, year or population.",
        "A year that is not a year, or a population that is not a whole number of 0 or more.",
        "An area, age band and year already on an earlier line.",
    ),
)

UNIT_COSTS = _reference_format(
    reference.UNIT_COSTS,
    title="Cost of crime figures",
    summary="The cost of one offence for each measure, with the year of its prices and its "
    "source, for the cost of violence.",
    source="Home Office, The economic and social costs of crime (Heeks et al., Research Report "
    "99, 2018), in 2015-16 prices: violence with injury \u00a314,050, homicide about \u00a33.2 "
    "million, robbery \u00a311,320. Use newer figures when they are published.",
    rejected=(
        "A measure vrhub does not count (the message lists them), or one already on an earlier "
        "line.",
        "A blank offence group or source.",
        "A cost that is not a number more than 0.",
        "A price year that is not a financial year like 2015-16.",
    ),
)

DEFLATORS = _reference_format(
    reference.DEFLATORS,
    title="GDP deflators",
    summary="The index that takes a cost from the prices of one financial year to another: "
    "cost in year Y = cost \u00d7 index for Y \u00f7 index for the price year.",
    source="HM Treasury, GDP deflators at market prices, published each quarter on GOV.UK.",
    rejected=(
        "A financial year that is not like 2015-16, or one already on an earlier line.",
        "An index that is not a number more than 0.",
        "A blank source.",
    ),
)

ED_SITES = _reference_format(
    reference.ED_SITES,
    title="Emergency department sites",
    summary="Which local authority each emergency department site's attendances count towards.",
    source="The ODS site codes of the departments that share ISTV data with the partnership, "
    "and the local authority each one serves.",
    rejected=(
        "A blank site code, site name or local authority code.",
        "A local authority code that is not an ONS code.",
        "A site already on an earlier line.",
    ),
    recount=" Every count is then made again, so attendances count towards the new local "
    "authorities.",
)

FORMATS: dict[str, DataFormat] = {
    f.kind: f
    for f in (
        POLICE_UK,
        FORCE_EXTRACT,
        ISTV,
        AREAS,
        POPULATION,
        UNIT_COSTS,
        DEFLATORS,
        ED_SITES,
    )
}


def markdown(data_format: DataFormat) -> str:
    """The format as a Markdown page, the shape of the files under docs/data-formats/."""
    f = data_format
    lines = [
        f"# {f.title}",
        "",
        f.summary,
        "",
        "## Where it comes from",
        "",
        f.source,
        "",
        "## Files",
        "",
        f.files,
        "",
        "Header line:",
        "",
        "```",
        f.header,
        "```",
        "",
        "## Columns",
        "",
        "| Column | Required | What it holds | Example |",
        "| --- | --- | --- | --- |",
    ]
    for column in f.columns:
        required = "Yes" if column.required else "No"
        description = column.description.replace("|", "\\|")
        example = f"`{column.example}`" if column.example else ""
        lines.append(f"| {column.name} | {required} | {description} | {example} |")
    sections = (
        ("Reading the files", f.reading),
        ("What stops the import", f.refused),
        ("Rows left out", f.rejected),
        ("Rows loaded with something missing", f.noted),
        ("Importing again", (f.replacing,)),
        ("Gaps and zeros", (f.gaps,)),
    )
    for heading, rules in sections:
        if rules:
            lines += ["", f"## {heading}", ""]
            lines += [f"- {rule}" for rule in rules]
    return "\n".join(lines) + "\n"
