"""The demo's evidence: three years of synthetic data for Coventry and Wolverhampton.

Everything here is made up, in exactly the formats an analyst imports (see `docs/data-formats/`):

- the geography is synthetic. The two local authorities, their codes, their community safety
  partnerships and their ward names are real; the LSOAs (codes in the E01 range, names such as
  "Coventry 027B"), the ward and CSP codes and every centroid are invented, placed around
  approximate ward positions so that maps look like the two cities;
- police.uk street files for West Midlands Police, covering only these two cities' LSOAs;
- a force extract of selected violent offences, with knife and homicide flags;
- ISTV emergency department assault attendances for each city's type 01 department;
- reference tables: areas, population, unit costs (real published figures, with their source),
  GDP deflators (illustrative values, labelled as such) and the two ED sites.

The world has what the partnership's analysts would look for: violence peaking in summer and
December, hot spots in the two city centres and a few estates that stay put from year to year,
and knife crime falling by about a third over the three years. A seed and `today` fix every byte.
"""

from __future__ import annotations

import calendar
import csv
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

FORCE = "west-midlands"
FORCE_NAME = "West Midlands Police"
MONTHS = 36
AGE_BANDS = ("0-17", "18-24", "25-34", "35-44", "45-54", "55-64", "65+")

AREAS_HEADER = (
    "LSOA code",
    "LSOA name",
    "Ward code",
    "Ward name",
    "Local authority code",
    "Local authority name",
    "CSP code",
    "CSP name",
    "Force",
    "Latitude",
    "Longitude",
)
POPULATION_HEADER = ("Area code", "Age band", "Year", "Population")
UNIT_COSTS_HEADER = ("Measure", "Offence group", "Cost", "Price year", "Source")
DEFLATORS_HEADER = ("Financial year", "Index", "Source")
ED_SITES_HEADER = ("Site code", "Site name", "Local authority code")
STREET_HEADER = (
    "Crime ID",
    "Month",
    "Reported by",
    "Falls within",
    "Longitude",
    "Latitude",
    "Location",
    "LSOA code",
    "LSOA name",
    "Crime type",
    "Last outcome category",
    "Context",
)
FORCE_EXTRACT_HEADER = (
    "Offence reference",
    "Offence date",
    "Home Office offence code",
    "Offence description",
    "Knife or sharp instrument",
    "Homicide",
    "Victim age band",
    "Domestic abuse",
    "LSOA code",
    "Latitude",
    "Longitude",
)
ISTV_HEADER = (
    "Reporting period start date",
    "Reporting period end date",
    "Site code",
    "Arrival date",
    "Arrival time",
    "Assault date",
    "Assault time",
    "Assault method",
    "Assault method other",
    "Assault location type",
    "Assault location description",
    "Patient age band",
)

HEEKS_2018 = (
    "Home Office, The economic and social costs of crime, second edition "
    "(Heeks, Reed, Tafsiri and Prince, 2018, Research Report 99), 2015/16 prices"
)
DEFLATOR_SOURCE = "Illustrative demo values: replace with HM Treasury's current GDP deflators"

# Real wards, with approximate positions; LSOAs per ward chosen so each city has its real number.
COVENTRY_WARDS: tuple[tuple[str, float, float, int], ...] = (
    ("Bablake", 52.4300, -1.5550, 11),
    ("Binley and Willenhall", 52.3950, -1.4550, 12),
    ("Cheylesmore", 52.3900, -1.5050, 11),
    ("Earlsdon", 52.3980, -1.5300, 10),
    ("Foleshill", 52.4250, -1.5000, 12),
    ("Henley", 52.4400, -1.4700, 12),
    ("Holbrook", 52.4400, -1.5100, 11),
    ("Longford", 52.4520, -1.4800, 11),
    ("Lower Stoke", 52.4080, -1.4800, 11),
    ("Radford", 52.4250, -1.5250, 11),
    ("Sherbourne", 52.4100, -1.5400, 10),
    ("St Michael's", 52.4081, -1.5106, 13),
    ("Upper Stoke", 52.4200, -1.4850, 11),
    ("Wainbody", 52.3800, -1.5450, 10),
    ("Westwood", 52.3950, -1.5750, 10),
    ("Whoberley", 52.4050, -1.5550, 10),
    ("Woodlands", 52.4200, -1.5800, 10),
    ("Wyken", 52.4250, -1.4550, 9),
)
WOLVERHAMPTON_WARDS: tuple[tuple[str, float, float, int], ...] = (
    ("Bilston East", 52.5650, -2.0650, 8),
    ("Bilston North", 52.5780, -2.0750, 8),
    ("Blakenhall", 52.5680, -2.1300, 8),
    ("Bushbury North", 52.6280, -2.1250, 8),
    ("Bushbury South and Low Hill", 52.6120, -2.1250, 8),
    ("East Park", 52.5850, -2.0900, 8),
    ("Ettingshall", 52.5650, -2.1000, 8),
    ("Fallings Park", 52.6080, -2.1000, 8),
    ("Graiseley", 52.5750, -2.1400, 8),
    ("Heath Town", 52.5950, -2.1050, 8),
    ("Merry Hill", 52.5700, -2.1750, 7),
    ("Oxley", 52.6150, -2.1450, 8),
    ("Park", 52.5880, -2.1480, 8),
    ("Penn", 52.5550, -2.1550, 7),
    ("St Peter's", 52.5862, -2.1288, 9),
    ("Spring Vale", 52.5550, -2.0950, 8),
    ("Tettenhall Regis", 52.6050, -2.1700, 8),
    ("Tettenhall Wightwick", 52.5900, -2.1850, 7),
    ("Wednesfield North", 52.6100, -2.0750, 8),
    ("Wednesfield South", 52.5950, -2.0750, 8),
)


@dataclass(frozen=True)
class City:
    la_code: str
    la_name: str
    csp_code: str
    csp_name: str
    latitude: float
    longitude: float
    population: int
    population_growth: float  # a year
    first_lsoa: int  # the number in the first (synthetic) LSOA code
    first_ward: int  # the number in the first (synthetic) ward code
    wards: tuple[tuple[str, float, float, int], ...]
    age_shares: tuple[float, ...]  # by AGE_BANDS
    # Wards whose LSOAs nearest the ward's centre are hot spots: (ward, how many, 2 = city
    # centre, 1 = an estate).
    hot: tuple[tuple[str, int, int], ...]
    crime_rate: float  # relative to Coventry's, per head
    site_code: str
    site_name: str
    ed_assaults: float  # assault attendances a month at the start


COVENTRY = City(
    la_code="E08000026",
    la_name="Coventry",
    csp_code="E22000213",
    csp_name="Coventry Community Safety Partnership",
    latitude=52.4081,
    longitude=-1.5106,
    population=345_300,
    population_growth=0.009,
    first_lsoa=9564,
    first_ward=1218,
    wards=COVENTRY_WARDS,
    age_shares=(0.215, 0.135, 0.160, 0.130, 0.120, 0.100, 0.140),
    hot=(("St Michael's", 5, 2), ("Foleshill", 2, 1), ("Binley and Willenhall", 2, 1)),
    crime_rate=1.0,
    site_code="RKB01",
    site_name="University Hospital Coventry",
    ed_assaults=150.0,
)
WOLVERHAMPTON = City(
    la_code="E08000031",
    la_name="Wolverhampton",
    csp_code="E22000218",
    csp_name="Safer Wolverhampton Partnership",
    latitude=52.5862,
    longitude=-2.1288,
    population=264_400,
    population_growth=0.005,
    first_lsoa=10398,
    first_ward=1325,
    wards=WOLVERHAMPTON_WARDS,
    age_shares=(0.230, 0.090, 0.140, 0.130, 0.130, 0.110, 0.170),
    hot=(("St Peter's", 4, 2), ("Heath Town", 2, 1), ("Bilston East", 2, 1)),
    crime_rate=1.12,
    site_code="RL403",
    site_name="New Cross Hospital, Wolverhampton",
    ed_assaults=120.0,
)
CITIES = (COVENTRY, WOLVERHAMPTON)

# Seasonal shapes by calendar month (January first); each is scaled to average 1.
SEASONS: dict[str, tuple[float, ...]] = {
    "flat": (1.0,) * 12,
    "violence": (0.92, 0.88, 0.95, 0.99, 1.06, 1.12, 1.16, 1.10, 0.98, 0.96, 0.93, 1.08),
    "knife": (0.90, 0.84, 0.93, 0.98, 1.06, 1.16, 1.22, 1.15, 0.98, 0.95, 0.91, 1.10),
    "asb": (0.80, 0.80, 0.92, 1.05, 1.15, 1.15, 1.22, 1.15, 1.00, 1.04, 0.90, 0.85),
    "winter": (1.10, 1.00, 0.95, 0.90, 0.90, 0.88, 0.92, 0.95, 0.98, 1.08, 1.15, 1.15),
    "summer": (0.85, 0.85, 0.92, 1.00, 1.10, 1.15, 1.15, 1.12, 1.05, 0.98, 0.90, 0.88),
    "mild": (0.96, 0.94, 0.98, 1.00, 1.02, 1.03, 1.04, 1.02, 1.00, 1.00, 0.99, 1.04),
}


@dataclass(frozen=True)
class StreetType:
    crime_type: str
    per_month: float  # across both cities in the first year
    season: str
    change: float  # over the three years: -0.25 is a fall of a quarter
    centre: float  # how much likelier in a city-centre hot-spot LSOA
    estate: float  # ... and in an estate hot-spot LSOA
    deprivation: float  # how strongly it follows the LSOA's deprivation


# About 3,000 street crimes a month for the two cities, in police.uk's proportions.
STREET_TYPES: tuple[StreetType, ...] = (
    StreetType("Anti-social behaviour", 380, "asb", -0.10, 5.0, 2.5, 0.5),
    StreetType("Bicycle theft", 25, "summer", 0.0, 6.0, 1.5, 0.0),
    StreetType("Burglary", 150, "winter", -0.06, 1.2, 1.2, 0.3),
    StreetType("Criminal damage and arson", 230, "mild", -0.05, 2.0, 2.0, 0.6),
    StreetType("Drugs", 60, "flat", 0.05, 6.0, 4.0, 0.8),
    StreetType("Other crime", 90, "flat", 0.0, 2.0, 1.5, 0.5),
    StreetType("Other theft", 200, "mild", -0.03, 5.0, 2.0, 0.3),
    StreetType("Possession of weapons", 35, "knife", -0.28, 8.0, 5.0, 0.8),
    StreetType("Public order", 270, "violence", -0.05, 6.0, 3.0, 0.6),
    StreetType("Robbery", 60, "knife", -0.25, 8.0, 5.0, 0.8),
    StreetType("Shoplifting", 230, "flat", 0.15, 14.0, 3.0, 0.2),
    StreetType("Theft from the person", 30, "mild", 0.0, 15.0, 3.0, 0.2),
    StreetType("Vehicle crime", 200, "winter", -0.05, 1.5, 1.5, 0.3),
    StreetType("Violence and sexual offences", 1050, "violence", -0.08, 6.0, 3.0, 0.7),
)

OUTCOMES: tuple[tuple[str, float], ...] = (
    ("Investigation complete; no suspect identified", 0.34),
    ("Unable to prosecute suspect", 0.30),
    ("Status update unavailable", 0.06),
    ("Awaiting court outcome", 0.05),
    ("Court result unavailable", 0.05),
    ("Local resolution", 0.05),
    ("Offender given a caution", 0.03),
    ("Further investigation is not in the public interest", 0.03),
    ("Action to be taken by another organisation", 0.04),
    ("Formal action is not in the public interest", 0.02),
    ("Under investigation", 0.03),
)

STREET_NAMES = (
    "High Street", "Church Road", "Station Road", "Park Road", "Victoria Road", "Green Lane",
    "Manor Road", "Church Street", "Park Avenue", "Queens Road", "New Road", "Grange Road",
    "Kings Road", "Alexandra Road", "Windsor Road", "Mill Lane", "School Lane", "York Road",
    "Albert Road", "Springfield Road", "Stanley Road", "Highfield Road", "Richmond Road",
    "Chestnut Avenue", "Oak Road", "Elm Grove", "Beech Road", "Hawthorn Avenue", "Cedar Close",
    "Willow Way", "Meadow Close", "Orchard Way", "The Crescent", "Brook Street", "Mount Pleasant",
    "North Street", "South Street", "West Street", "Market Street", "Castle Street", "Mill Road",
    "Holly Lane", "Poplar Road", "Rowan Close", "Sycamore Road", "Ash Grove", "Maple Drive",
    "Lime Tree Avenue", "Woodland Avenue", "Hill Street", "Bridge Street", "Canal Street",
    "Union Street", "Chapel Lane", "Cross Street", "George Street", "Clarence Road",
    "Shakespeare Street", "Milton Road", "Tennyson Road", "Byron Avenue", "Nelson Street",
    "Wellington Road", "Gladstone Street", "Coronation Road", "Jubilee Close", "Forge Lane",
    "Parking Area", "Supermarket", "Petrol Station", "Shopping Area", "Sports/Recreation Area",
    "Nightclub", "Further/Higher Educational Building", "Bus/Coach Station", "Hospital",
    "Theatre/Concert Hall", "Pedestrian Subway", "Police Station",
)  # fmt: skip

# Home Office counting rules classifications the extract uses, by group: (code, description,
# share).
OFFENCES: dict[str, tuple[tuple[str, str, float], ...]] = {
    "knife": (
        ("8N", "Assault with injury", 0.33),
        ("5D", "Assault with intent to cause serious harm", 0.15),
        ("8F", "Inflicting grievous bodily harm without intent", 0.04),
        ("34B", "Robbery of personal property", 0.30),
        ("34A", "Robbery of business property", 0.05),
        ("3B", "Threats to kill", 0.09),
        ("2", "Attempted murder", 0.02),
        ("20A", "Sexual assault on a female aged 13 and over", 0.01),
        ("19C", "Rape of a female aged 16 and over", 0.01),
    ),
    "other": (
        ("8N", "Assault with injury", 0.66),
        ("5D", "Assault with intent to cause serious harm", 0.05),
        ("8F", "Inflicting grievous bodily harm without intent", 0.06),
        ("34B", "Robbery of personal property", 0.09),
        ("34A", "Robbery of business property", 0.02),
        ("3B", "Threats to kill", 0.04),
        ("20A", "Sexual assault on a female aged 13 and over", 0.05),
        ("19C", "Rape of a female aged 16 and over", 0.03),
    ),
    "homicide": (
        ("1", "Murder", 0.85),
        ("4/1", "Manslaughter", 0.15),
    ),
}

# Victim or patient age bands by group, then a share left blank; each row sums to 1.
AGE_MIX: dict[str, tuple[float, ...]] = {
    "knife": (0.17, 0.28, 0.24, 0.14, 0.09, 0.04, 0.02, 0.02),
    "other": (0.14, 0.18, 0.25, 0.18, 0.13, 0.07, 0.03, 0.02),
    "domestic": (0.06, 0.16, 0.31, 0.24, 0.14, 0.06, 0.02, 0.01),
    "sharp": (0.16, 0.30, 0.24, 0.14, 0.09, 0.04, 0.02, 0.01),
    "assault": (0.12, 0.24, 0.25, 0.17, 0.12, 0.06, 0.03, 0.01),
}

ASSAULT_METHODS = ("Knife or sharp object", "Blunt object", "Body part", "Firearm", "Other")
ASSAULT_METHODS_NOT_SHARP = (
    ("Blunt object", 0.15),
    ("Body part", 0.62),
    ("Firearm", 0.005),
    ("Other", 0.09),
    ("Not known", 0.135),
)
LOCATION_TYPES = (
    "Street",
    "Home",
    "Licensed premises",
    "Workplace",
    "School",
    "Public transport",
    "Other",
    "Not known",
)
LOCATION_MIX = {
    "sharp": (0.45, 0.25, 0.06, 0.03, 0.02, 0.03, 0.10, 0.06),
    "other": (0.35, 0.22, 0.18, 0.05, 0.03, 0.03, 0.08, 0.06),
}
# The free-text columns hold only these harmless words in the demo.
METHOD_OTHER_WORDS = ("glass", "bottle", "thrown object", "not stated")
LOCATION_WORDS = ("outside", "near shops", "park", "car park", "bus stop", "not stated", "road")
# Arrivals by hour of the day: quiet in the morning, busiest late at night.
ARRIVAL_HOURS = (
    6.0, 5.5, 5.0, 4.0, 3.0, 2.0, 1.5, 1.5, 1.5, 1.8, 2.0, 2.2,
    2.5, 2.6, 2.8, 3.0, 3.4, 3.8, 4.2, 4.6, 5.0, 5.5, 6.0, 6.2,
)  # fmt: skip

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Geography:
    """The synthetic LSOAs of both cities, one array element each."""

    codes: list[str]
    names: list[str]
    ward_codes: list[str]
    ward_names: list[str]
    city: Ints  # index into CITIES
    latitude: Floats
    longitude: Floats
    hot: Ints  # 2 city centre hot spot, 1 estate hot spot, 0 neither
    deprivation: Floats  # mean 1
    population: Ints  # in the latest year
    age_shares: Floats  # (LSOAs, AGE_BANDS)
    # Points police.uk snaps a crime to in each LSOA, with a street name each.
    snap_latitude: Floats  # (LSOAs, SNAP_POINTS)
    snap_longitude: Floats
    snap_street: list[list[str]]

    def __len__(self) -> int:
        return len(self.codes)

    @property
    def hot_spot_codes(self) -> list[str]:
        return [code for code, hot in zip(self.codes, self.hot, strict=True) if hot]


SNAP_POINTS = 15


@dataclass(frozen=True)
class DemoFiles:
    """What `build_demo_files` wrote, ready to import in this order."""

    directory: Path
    months: tuple[date, ...]  # the first day of each month covered, oldest first
    areas: Path
    population: Path
    unit_costs: Path
    deflators: Path
    ed_sites: Path
    police_uk: tuple[Path, ...]
    force_extract: Path
    istv: tuple[Path, ...]
    force: str = FORCE

    @property
    def reference(self) -> tuple[tuple[str, Path], ...]:
        """(kind, file) for the reference tables, areas first."""
        return (
            ("areas", self.areas),
            ("population", self.population),
            ("unit_costs", self.unit_costs),
            ("deflators", self.deflators),
            ("ed_sites", self.ed_sites),
        )


def demo_months(today: date) -> tuple[date, ...]:
    """The 36 months ending two months before today's, as police.uk publishes with a lag."""
    last = today.year * 12 + today.month - 1 - 2
    return tuple(
        date(index // 12, index % 12 + 1, 1) for index in range(last - MONTHS + 1, last + 1)
    )


def build_demo_files(directory: Path, *, today: date, seed: int = 2023) -> DemoFiles:
    """Write the demo's files under `directory`; the same seed and today give the same bytes."""
    directory.mkdir(parents=True, exist_ok=True)
    months = demo_months(today)
    geo = geography(seed)
    reference_dir = directory / "reference"
    reference_dir.mkdir(exist_ok=True)
    files = DemoFiles(
        directory=directory,
        months=months,
        areas=_write_areas(reference_dir / "areas.csv", geo),
        population=_write_population(reference_dir / "population.csv", geo, months),
        unit_costs=_write_unit_costs(reference_dir / "unit-costs.csv"),
        deflators=_write_deflators(reference_dir / "deflators.csv", today),
        ed_sites=_write_ed_sites(reference_dir / "ed-sites.csv"),
        police_uk=_write_police_uk(directory / "police-uk", geo, months, seed),
        force_extract=_write_force_extract(
            directory / "force-extract" / f"{FORCE}-selected-offences.csv", geo, months, seed
        ),
        istv=_write_istv(directory / "istv", months, seed),
    )
    return files


# Geography ------------------------------------------------------------------------------------


def geography(seed: int = 2023) -> Geography:
    """The synthetic LSOAs; they depend on the seed only, so they stay put from day to day."""
    rng = np.random.default_rng([seed, 1])
    codes: list[str] = []
    names: list[str] = []
    ward_codes: list[str] = []
    ward_names: list[str] = []
    city_index: list[int] = []
    hot: list[int] = []
    lat_parts: list[Floats] = []
    lon_parts: list[Floats] = []
    age_parts: list[Floats] = []
    population_parts: list[Ints] = []
    for c, city in enumerate(CITIES):
        hot_wards = {ward: (count, level) for ward, count, level in city.hot}
        city_lat: list[Floats] = []
        city_lon: list[Floats] = []
        ward_of_lsoa: list[int] = []
        for w, (ward, ward_lat, ward_lon, count) in enumerate(city.wards):
            # A ward's LSOAs spread about 600 m around its centre, the city centre's less.
            spread_km = 0.4 if hot_wards.get(ward, (0, 0))[1] == 2 else 0.6
            offsets = rng.normal(0.0, spread_km, size=(count, 2))
            order = np.argsort(np.hypot(offsets[:, 0], offsets[:, 1]))
            offsets = offsets[order]  # nearest the ward's centre first
            city_lat.append(ward_lat + offsets[:, 0] / 111.2)
            city_lon.append(ward_lon + offsets[:, 1] / (111.2 * math.cos(math.radians(ward_lat))))
            hot_count, level = hot_wards.get(ward, (0, 0))
            hot.extend(level if i < hot_count else 0 for i in range(count))
            ward_of_lsoa.extend([w] * count)
        lat = np.concatenate(city_lat)
        lon = np.concatenate(city_lon)
        n = len(lat)
        codes.extend(f"E01{city.first_lsoa + i:06d}" for i in range(n))
        names.extend(_lsoa_names(city.la_name, ward_of_lsoa, lat))
        ward_codes.extend(f"E05{city.first_ward + w:06d}" for w in ward_of_lsoa)
        ward_names.extend(city.wards[w][0] for w in ward_of_lsoa)
        city_index.extend([c] * n)
        lat_parts.append(lat)
        lon_parts.append(lon)
        population_parts.append(_split_total(rng, city.population, n))
        shares = rng.dirichlet(np.array(city.age_shares) * 120.0, size=n)
        centre = np.array([city.wards[w][0] == city.hot[0][0] for w in ward_of_lsoa])
        # The city centres are full of students and young workers.
        shares[centre] *= np.array([0.6, 2.4, 1.4, 0.9, 0.7, 0.6, 0.5])
        age_parts.append(shares / shares.sum(axis=1, keepdims=True))
    hot_array = np.array(hot, dtype=np.int64)
    deprivation = rng.lognormal(0.0, 0.45, size=len(codes))
    deprivation *= np.where(hot_array > 0, 1.8, 1.0)
    deprivation /= deprivation.mean()
    latitude = np.concatenate(lat_parts)
    longitude = np.concatenate(lon_parts)
    snap_lat = latitude[:, None] + rng.normal(0.0, 0.25, (len(codes), SNAP_POINTS)) / 111.2
    snap_lon = longitude[:, None] + rng.normal(0.0, 0.25, (len(codes), SNAP_POINTS)) / 68.0
    street_index = rng.integers(0, len(STREET_NAMES), size=(len(codes), SNAP_POINTS))
    return Geography(
        codes=codes,
        names=names,
        ward_codes=ward_codes,
        ward_names=ward_names,
        city=np.array(city_index, dtype=np.int64),
        latitude=latitude,
        longitude=longitude,
        hot=hot_array,
        deprivation=deprivation,
        population=np.concatenate(population_parts),
        age_shares=np.concatenate(age_parts),
        snap_latitude=snap_lat,
        snap_longitude=snap_lon,
        snap_street=[[STREET_NAMES[i] for i in row] for row in street_index],
    )


def _lsoa_names(la_name: str, ward_of_lsoa: Sequence[int], lat: Floats) -> list[str]:
    """ "Coventry 027B": LSOAs grouped in fives into MSOAs numbered from north to south."""
    groups: list[list[int]] = []
    start = 0
    while start < len(ward_of_lsoa):
        ward = ward_of_lsoa[start]
        end = start
        while end < len(ward_of_lsoa) and ward_of_lsoa[end] == ward:
            end += 1
        members = list(range(start, end))
        size = math.ceil(len(members) / math.ceil(len(members) / 5))
        groups.extend(members[i : i + size] for i in range(0, len(members), size))
        start = end
    groups.sort(key=lambda g: -float(np.mean(lat[g])))
    names = [""] * len(ward_of_lsoa)
    for number, group in enumerate(groups, start=1):
        for letter, member in zip("ABCDEFG", group, strict=False):
            names[member] = f"{la_name} {number:03d}{letter}"
    return names


def _split_total(rng: np.random.Generator, total: int, parts: int) -> Ints:
    weights = rng.gamma(30.0, 1.0, size=parts)
    counts = np.floor(weights / weights.sum() * total).astype(np.int64)
    counts[: total - int(counts.sum())] += 1
    return counts


# Reference tables -----------------------------------------------------------------------------


def _write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _write_areas(path: Path, geo: Geography) -> Path:
    rows = []
    for i in range(len(geo)):
        city = CITIES[int(geo.city[i])]
        rows.append(
            (
                geo.codes[i],
                geo.names[i],
                geo.ward_codes[i],
                geo.ward_names[i],
                city.la_code,
                city.la_name,
                city.csp_code,
                city.csp_name,
                FORCE,
                f"{geo.latitude[i]:.5f}",
                f"{geo.longitude[i]:.5f}",
            )
        )
    return _write_csv(path, AREAS_HEADER, rows)


def _write_population(path: Path, geo: Geography, months: Sequence[date]) -> Path:
    latest = months[-1].year
    growth = np.array([CITIES[int(c)].population_growth for c in geo.city])
    rows: list[tuple[str, str, int, int]] = []
    for year in range(months[0].year, latest + 1):
        scaled = geo.population * (1.0 + growth) ** (year - latest)
        by_band = np.rint(scaled[:, None] * geo.age_shares).astype(np.int64)
        for i, code in enumerate(geo.codes):
            rows.extend((code, band, year, int(by_band[i, b])) for b, band in enumerate(AGE_BANDS))
    return _write_csv(path, POPULATION_HEADER, rows)


def _write_unit_costs(path: Path) -> Path:
    rows = [
        ("knife_crime", "Violence with injury", 14050, "2015-16", HEEKS_2018),
        (
            "ed_sharp_injury",
            "Violence with injury",
            14050,
            "2015-16",
            HEEKS_2018 + ": each A&E presentation costed as one violence with injury offence",
        ),
        (
            "homicide",
            "Homicide",
            3200000,
            "2015-16",
            HEEKS_2018 + ": about £3.2 million per homicide (rounded)",
        ),
        ("street:robbery", "Robbery", 11320, "2015-16", HEEKS_2018),
        (
            "street:violence-and-sexual-offences",
            "Violence with injury (applied to every violence and sexual offence, "
            "so an overestimate where there was no injury)",
            14050,
            "2015-16",
            HEEKS_2018,
        ),
    ]
    return _write_csv(path, UNIT_COSTS_HEADER, rows)


# Illustrative growth of the GDP deflator by financial year; later years grow 2.2%.
DEFLATOR_GROWTH = {
    2016: 0.020,
    2017: 0.018,
    2018: 0.021,
    2019: 0.023,
    2020: 0.026,
    2021: 0.024,
    2022: 0.055,
    2023: 0.042,
    2024: 0.030,
}


def financial_year(day: date) -> str:
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def _write_deflators(path: Path, today: date) -> Path:
    last = today.year if today.month >= 4 else today.year - 1
    index = 100.0
    rows = []
    for start in range(2015, last + 1):
        if start > 2015:
            index *= 1.0 + DEFLATOR_GROWTH.get(start, 0.022)
        rows.append((f"{start}-{(start + 1) % 100:02d}", f"{index:.2f}", DEFLATOR_SOURCE))
    return _write_csv(path, DEFLATORS_HEADER, rows)


def _write_ed_sites(path: Path) -> Path:
    rows = [(city.site_code, city.site_name, city.la_code) for city in CITIES]
    return _write_csv(path, ED_SITES_HEADER, rows)


# Counts over time -----------------------------------------------------------------------------


def _rates(months: Sequence[date], per_month: float, season: str, change: float) -> Floats:
    """Expected counts a month: a seasonal shape, longer months busier, a steady trend."""
    shape = np.array(SEASONS[season])
    shape = shape / shape.mean()
    calendar_month = np.array([m.month - 1 for m in months])
    days = np.array([calendar.monthrange(m.year, m.month)[1] for m in months]) / 30.44
    # The trend is centred on the first year, so that year averages `per_month`.
    t = (np.arange(len(months)) - 5.5) / 24.0
    trend = (1.0 + change) ** t
    result: Floats = per_month * shape[calendar_month] * days * trend
    return result


def _monthly_totals(rng: np.random.Generator, rates: Floats) -> Ints:
    """Counts a little steadier than Poisson, so three years show the seasons plainly."""
    noisy = rates + rng.normal(0.0, 0.5, len(rates)) * np.sqrt(rates)
    totals: Ints = np.maximum(np.rint(noisy), 0).astype(np.int64)
    return totals


def _place_weights(geo: Geography, *, centre: float, estate: float, deprivation: float) -> Floats:
    rate = np.array([CITIES[int(c)].crime_rate for c in geo.city])
    hot = np.select([geo.hot == 2, geo.hot == 1], [centre, estate], 1.0)
    weights: Floats = geo.population * rate * geo.deprivation**deprivation * hot
    return weights / weights.sum()


def _choose(rng: np.random.Generator, options: int, p: Sequence[float] | Floats, size: int) -> Ints:
    probabilities = np.asarray(p, dtype=np.float64)
    result: Ints = rng.choice(options, size=size, p=probabilities / probabilities.sum())
    return result


# police.uk street files -----------------------------------------------------------------------


def _write_police_uk(
    directory: Path, geo: Geography, months: Sequence[date], seed: int
) -> tuple[Path, ...]:
    rng = np.random.default_rng([seed, 2, months[0].toordinal()])
    month_parts: list[Ints] = []
    type_parts: list[Ints] = []
    place_parts: list[Ints] = []
    for t, street in enumerate(STREET_TYPES):
        totals = _monthly_totals(
            rng, _rates(months, street.per_month, street.season, street.change)
        )
        weights = _place_weights(
            geo, centre=street.centre, estate=street.estate, deprivation=street.deprivation
        )
        n = int(totals.sum())
        month_parts.append(np.repeat(np.arange(len(months)), totals))
        type_parts.append(np.full(n, t, dtype=np.int64))
        place_parts.append(rng.choice(len(geo), size=n, p=weights))
    month = np.concatenate(month_parts)
    kind = np.concatenate(type_parts)
    place = np.concatenate(place_parts)
    n = len(month)
    # Within a month, rows come grouped by LSOA as in police.uk's files.
    order = np.lexsort((kind, place, month))
    month, kind, place = month[order], kind[order], place[order]
    no_location = rng.random(n) < 0.02
    # Some of an LSOA's snap points are much busier than others, as on any street map.
    busy: Floats = 1.0 / np.arange(1, SNAP_POINTS + 1, dtype=np.float64) ** 0.8
    point = _choose(rng, SNAP_POINTS, busy, n)
    ids = rng.bytes(32 * n).hex()
    asb = np.array([s.crime_type == "Anti-social behaviour" for s in STREET_TYPES])[kind]
    outcome_names = [name for name, _ in OUTCOMES]
    settled = _choose(rng, len(OUTCOMES), [p for _, p in OUTCOMES], n)
    # Recent crimes are still being investigated.
    recent = (len(months) - 1 - month) < 3
    still_open = recent & (rng.random(n) < 0.5)
    outcome = np.where(still_open, outcome_names.index("Under investigation"), settled)
    month_labels = [f"{m:%Y-%m}" for m in months]
    directory.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    starts = np.searchsorted(month, np.arange(len(months) + 1))
    for m, label in enumerate(month_labels):
        rows = []
        for r in range(int(starts[m]), int(starts[m + 1])):
            p = int(place[r])
            if no_location[r]:
                longitude = latitude = code = name = ""
                location = "No Location"
            else:
                j = int(point[r])
                longitude = f"{geo.snap_longitude[p, j]:.6f}"
                latitude = f"{geo.snap_latitude[p, j]:.6f}"
                location = f"On or near {geo.snap_street[p][j]}"
                code = geo.codes[p]
                name = geo.names[p]
            rows.append(
                (
                    "" if asb[r] else ids[r * 64 : r * 64 + 64],
                    label,
                    FORCE_NAME,
                    FORCE_NAME,
                    longitude,
                    latitude,
                    location,
                    code,
                    name,
                    STREET_TYPES[int(kind[r])].crime_type,
                    "" if asb[r] else outcome_names[int(outcome[r])],
                    "",
                )
            )
        paths.append(_write_csv(directory / f"{label}-{FORCE}-street.csv", STREET_HEADER, rows))
    return tuple(paths)


# The force extract ----------------------------------------------------------------------------

KNIFE_PER_MONTH = 84.0  # both cities, first year
KNIFE_CHANGE = -0.30  # over the three years
HOMICIDES_PER_MONTH = 0.55
OTHER_VIOLENCE_PER_MONTH = 340.0


def _write_force_extract(path: Path, geo: Geography, months: Sequence[date], seed: int) -> Path:
    rng = np.random.default_rng([seed, 3, months[0].toordinal()])
    # (group, rates, knife share, domestic share); homicides are too few to smooth.
    groups = (
        ("knife", _rates(months, KNIFE_PER_MONTH, "knife", KNIFE_CHANGE), 1.0, 0.18),
        ("homicide", _rates(months, HOMICIDES_PER_MONTH, "flat", 0.0), 0.6, 0.25),
        ("other", _rates(months, OTHER_VIOLENCE_PER_MONTH, "violence", -0.05), 0.0, 0.35),
    )
    street = _place_weights(geo, centre=12.0, estate=6.0, deprivation=0.8)
    home = _place_weights(geo, centre=1.0, estate=1.5, deprivation=0.5)
    rows: list[tuple[date, tuple[str, ...]]] = []
    for group, rates, knife_share, domestic_share in groups:
        totals = rng.poisson(rates) if group == "homicide" else _monthly_totals(rng, rates)
        n = int(totals.sum())
        month = np.repeat(np.arange(len(months)), totals)
        domestic = rng.random(n) < domestic_share
        place = np.where(
            domestic,
            rng.choice(len(geo), size=n, p=home),
            rng.choice(len(geo), size=n, p=street),
        )
        knife = rng.random(n) < knife_share
        offences = OFFENCES[group]
        offence = _choose(rng, len(offences), [w for _, _, w in offences], n)
        ages = np.where(
            domestic,
            _choose(rng, 8, AGE_MIX["domestic"], n),
            _choose(rng, 8, AGE_MIX["knife" if group != "other" else "other"], n),
        )
        day_fraction = rng.random(n)
        no_lsoa = rng.random(n) < 0.01
        no_coordinates = no_lsoa | (rng.random(n) < 0.02)
        lat = geo.latitude[place] + rng.normal(0.0, 0.2, n) / 111.2
        lon = geo.longitude[place] + rng.normal(0.0, 0.2, n) / 68.0
        for r in range(n):
            first = months[int(month[r])]
            days = calendar.monthrange(first.year, first.month)[1]
            day = first.replace(day=1 + int(day_fraction[r] * days))
            code, description, _ = offences[int(offence[r])]
            rows.append(
                (
                    day,
                    (
                        code,
                        description,
                        "Y" if knife[r] else "N",
                        "Y" if group == "homicide" else "N",
                        AGE_BANDS[int(ages[r])] if ages[r] < len(AGE_BANDS) else "",
                        "Y" if domestic[r] else "N",
                        "" if no_lsoa[r] else geo.codes[int(place[r])],
                        "" if no_coordinates[r] else f"{lat[r]:.5f}",
                        "" if no_coordinates[r] else f"{lon[r]:.5f}",
                    ),
                )
            )
    rows.sort(key=lambda row: row[0])
    sequence: dict[int, int] = {}
    written = []
    for day, rest in rows:
        sequence[day.year] = sequence.get(day.year, 0) + 1
        reference = f"WM/{day.year}/{sequence[day.year]:06d}"
        written.append((reference, day.isoformat(), *rest))
    return _write_csv(path, FORCE_EXTRACT_HEADER, written)


# ISTV ---------------------------------------------------------------------------------------

SHARP_SHARE = 0.22  # of assault attendances, at the start
SHARP_CHANGE = -0.25  # in that share, over the three years


def _write_istv(directory: Path, months: Sequence[date], seed: int) -> tuple[Path, ...]:
    rng = np.random.default_rng([seed, 4, months[0].toordinal()])
    paths: list[Path] = []
    t = (np.arange(len(months)) - 5.5) / 24.0
    sharp_share = SHARP_SHARE * (1.0 + SHARP_CHANGE) ** t
    hours = np.array(ARRIVAL_HOURS) / sum(ARRIVAL_HOURS)
    for city in CITIES:
        totals = _monthly_totals(rng, _rates(months, city.ed_assaults, "violence", -0.05))
        for block in range(0, len(months), 3):
            start = months[block]
            last = months[min(block + 2, len(months) - 1)]
            end = last.replace(day=calendar.monthrange(last.year, last.month)[1])
            rows: list[tuple[int, tuple[str, ...]]] = []
            for m in range(block, min(block + 3, len(months))):
                rows.extend(_istv_month(rng, months[m], int(totals[m]), sharp_share[m], hours))
            rows.sort(key=lambda row: row[0])
            name = f"istv-{city.site_code}-{start:%Y-%m}-to-{last:%Y-%m}.csv"
            paths.append(
                _write_csv(
                    directory / name,
                    ISTV_HEADER,
                    ((start.isoformat(), end.isoformat(), city.site_code, *row) for _, row in rows),
                )
            )
    return tuple(paths)


def _istv_month(
    rng: np.random.Generator, first: date, n: int, sharp_share: float, hours: Floats
) -> list[tuple[int, tuple[str, ...]]]:
    days = calendar.monthrange(first.year, first.month)[1]
    day: Ints = rng.integers(0, days, n)
    hour = _choose(rng, 24, hours, n)
    minute: Ints = rng.integers(0, 60, n)
    arrival = day * 1440 + hour * 60 + minute
    # Most people arrive within a couple of hours of the assault, a few the next day.
    delay = np.minimum(10 + rng.exponential(80.0, n), 1440).astype(np.int64)
    assault = arrival - delay
    sharp = rng.random(n) < sharp_share
    other_names = [name for name, _ in ASSAULT_METHODS_NOT_SHARP]
    other_method = _choose(rng, len(other_names), [p for _, p in ASSAULT_METHODS_NOT_SHARP], n)
    location = np.where(
        sharp,
        _choose(rng, len(LOCATION_TYPES), LOCATION_MIX["sharp"], n),
        _choose(rng, len(LOCATION_TYPES), LOCATION_MIX["other"], n),
    )
    age = np.where(
        sharp, _choose(rng, 8, AGE_MIX["sharp"], n), _choose(rng, 8, AGE_MIX["assault"], n)
    )
    other_word = rng.integers(0, len(METHOD_OTHER_WORDS), n)
    describe = rng.random(n) < 0.5
    location_word = rng.integers(0, len(LOCATION_WORDS), n)
    base = first.toordinal()
    rows: list[tuple[int, tuple[str, ...]]] = []
    for r in range(n):
        method = ASSAULT_METHODS[0] if sharp[r] else other_names[int(other_method[r])]
        arrived = int(arrival[r])
        assaulted = int(assault[r])
        rows.append(
            (
                base * 1440 + arrived,
                (
                    date.fromordinal(base + arrived // 1440).isoformat(),
                    f"{arrived % 1440 // 60:02d}:{arrived % 60:02d}",
                    date.fromordinal(base + assaulted // 1440).isoformat(),
                    f"{assaulted % 1440 // 60:02d}:{assaulted % 60:02d}",
                    method,
                    METHOD_OTHER_WORDS[int(other_word[r])] if method == "Other" else "",
                    LOCATION_TYPES[int(location[r])],
                    LOCATION_WORDS[int(location_word[r])] if describe[r] else "",
                    AGE_BANDS[int(age[r])] if age[r] < len(AGE_BANDS) else "",
                ),
            )
        )
    return rows
