"""What vrhub measures: the Serious Violence Duty's three core measures and police.uk's crime types.

A measure's key is what the `counts` table of the analytical store holds in its `measure` column,
so pages, the API and the benchmarks all name a measure the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.utils.text import slugify


class Source(StrEnum):
    """Where a count comes from; each is a dataset of its own in the store."""

    POLICE_UK = "police_uk"
    FORCE_EXTRACT = "force_extract"
    ISTV = "istv"


@dataclass(frozen=True)
class Measure:
    key: str
    name: str
    source: Source
    description: str
    core: bool = False
    # Whether the source records the victim's or patient's age, so an under-25 figure exists.
    has_age: bool = False


HOMICIDE = Measure(
    key="homicide",
    name="Homicides",
    source=Source.FORCE_EXTRACT,
    description="Offences the force's extract flags as homicide (murder, manslaughter, "
    "infanticide), counted by offence date.",
    core=True,
    has_age=True,
)
KNIFE_CRIME = Measure(
    key="knife_crime",
    name="Police-recorded knife crime",
    source=Source.FORCE_EXTRACT,
    description="Offences the force's extract flags as involving a knife or sharp instrument, "
    "counted by offence date.",
    core=True,
    has_age=True,
)
ED_SHARP_INJURY = Measure(
    key="ed_sharp_injury",
    name="A&E presentations for sharp-object injuries",
    source=Source.ISTV,
    description="Emergency department assault attendances whose assault method is a knife or "
    "sharp object, counted by arrival date.",
    core=True,
    has_age=True,
)
CORE_MEASURES: tuple[Measure, ...] = (HOMICIDE, KNIFE_CRIME, ED_SHARP_INJURY)

# The 14 values police.uk uses in a street file's "Crime type" column.
POLICE_UK_CRIME_TYPES: tuple[str, ...] = (
    "Anti-social behaviour",
    "Bicycle theft",
    "Burglary",
    "Criminal damage and arson",
    "Drugs",
    "Other crime",
    "Other theft",
    "Possession of weapons",
    "Public order",
    "Robbery",
    "Shoplifting",
    "Theft from the person",
    "Vehicle crime",
    "Violence and sexual offences",
)


def street_measure_key(crime_type: str) -> str:
    """`street:violence-and-sexual-offences` for police.uk's "Violence and sexual offences"."""
    return f"street:{slugify(crime_type)}"


STREET_MEASURES: tuple[Measure, ...] = tuple(
    Measure(
        key=street_measure_key(crime_type),
        name=f"{crime_type} (police.uk)",
        source=Source.POLICE_UK,
        description=f"Street-level crimes police.uk publishes as \u201c{crime_type}\u201d.",
    )
    for crime_type in POLICE_UK_CRIME_TYPES
)

MEASURES: dict[str, Measure] = {m.key: m for m in (*CORE_MEASURES, *STREET_MEASURES)}

# What counts as weapon-related violence for the seasonal profile when no force extract is loaded.
WEAPON_RELATED_STREET_MEASURES = (
    street_measure_key("Possession of weapons"),
    street_measure_key("Robbery"),
)
