"""A national year of police.uk street-level crime, in exactly the format police.uk publishes.

For the benchmarks (and, with few rows, the tests): the 43 forces of England and Wales with their
police.uk slugs and "Falls within" names, each force's volume roughly in proportion to its
population, police.uk's 14 crime types in a realistic mix, about 2% of rows without coordinates or
LSOA, anti-social behaviour with an empty Crime ID, and a few rows in LSOAs the areas table does
not know (boundary changes do this to real data). The matching areas table has about 35,000
synthetic LSOAs in the forces' 318 local authorities, with wards, community safety partnerships
and centroids; Welsh forces get Welsh (W...) codes.

Everything is drawn with numpy and written with pyarrow's vectorised string kernels, so a year of
6 million rows takes well under a minute. The same seed gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from vrhub.measures.catalogue import POLICE_UK_CRIME_TYPES

STREET_HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,"
    "Crime type,Last outcome category,Context"
)
AREAS_HEADER = (
    "LSOA code,LSOA name,Ward code,Ward name,Local authority code,Local authority name,"
    "CSP code,CSP name,Force,Latitude,Longitude"
)


@dataclass(frozen=True)
class Force:
    slug: str
    name: str  # as police.uk writes it in "Reported by" and "Falls within"
    population_m: float
    latitude: float
    longitude: float
    local_authorities: int
    kind: str  # "metropolitan" (E08), "london" (E09), "shire" (E06/E07) or "wales" (W06)
    crime_rate: float = 1.0  # crimes per head against the national rate


FORCES: tuple[Force, ...] = (
    Force("avon-and-somerset", "Avon and Somerset Constabulary", 1.75, 51.35, -2.75, 5, "shire"),
    Force("bedfordshire", "Bedfordshire Police", 0.70, 52.05, -0.45, 3, "shire"),
    Force("cambridgeshire", "Cambridgeshire Constabulary", 0.90, 52.35, 0.0, 6, "shire", 0.9),
    Force("cheshire", "Cheshire Constabulary", 1.08, 53.2, -2.55, 4, "shire", 0.9),
    Force("city-of-london", "City of London Police", 0.01, 51.515, -0.092, 1, "london", 12.0),
    Force("cleveland", "Cleveland Police", 0.57, 54.57, -1.23, 4, "shire", 1.4),
    Force("cumbria", "Cumbria Constabulary", 0.50, 54.6, -2.95, 2, "shire", 0.8),
    Force("derbyshire", "Derbyshire Constabulary", 1.06, 53.0, -1.55, 9, "shire", 0.9),
    Force("devon-and-cornwall", "Devon & Cornwall Police", 1.81, 50.6, -4.2, 12, "shire", 0.8),
    Force("dorset", "Dorset Police", 0.78, 50.75, -2.15, 2, "shire", 0.8),
    Force("durham", "Durham Constabulary", 0.65, 54.7, -1.6, 2, "shire", 1.1),
    Force("dyfed-powys", "Dyfed-Powys Police", 0.52, 52.2, -3.9, 4, "wales", 0.7),
    Force("essex", "Essex Police", 1.87, 51.75, 0.55, 14, "shire"),
    Force("gloucestershire", "Gloucestershire Constabulary", 0.65, 51.85, -2.2, 6, "shire", 0.9),
    Force(
        "greater-manchester",
        "Greater Manchester Police",
        2.87,
        53.48,
        -2.24,
        10,
        "metropolitan",
        1.3,
    ),
    Force("gwent", "Gwent Police", 0.60, 51.65, -3.0, 5, "wales"),
    Force("hampshire", "Hampshire Constabulary", 2.0, 50.95, -1.25, 15, "shire", 0.9),
    Force("hertfordshire", "Hertfordshire Constabulary", 1.2, 51.8, -0.2, 10, "shire", 0.8),
    Force("humberside", "Humberside Police", 0.93, 53.75, -0.45, 4, "shire", 1.1),
    Force("kent", "Kent Police", 1.87, 51.2, 0.8, 13, "shire"),
    Force("lancashire", "Lancashire Constabulary", 1.53, 53.8, -2.6, 14, "shire", 1.1),
    Force("leicestershire", "Leicestershire Police", 1.1, 52.65, -1.1, 9, "shire", 0.9),
    Force("lincolnshire", "Lincolnshire Police", 0.77, 53.1, -0.3, 7, "shire", 0.8),
    Force("merseyside", "Merseyside Police", 1.43, 53.42, -2.95, 5, "metropolitan", 1.2),
    Force("metropolitan", "Metropolitan Police Service", 8.8, 51.5, -0.12, 32, "london", 1.25),
    Force("norfolk", "Norfolk Constabulary", 0.92, 52.65, 1.0, 7, "shire", 0.8),
    Force("north-wales", "North Wales Police", 0.69, 53.1, -3.5, 6, "wales", 0.9),
    Force("north-yorkshire", "North Yorkshire Police", 0.83, 54.1, -1.3, 2, "shire", 0.7),
    Force("northamptonshire", "Northamptonshire Police", 0.79, 52.3, -0.9, 2, "shire"),
    Force("northumbria", "Northumbria Police", 1.48, 55.0, -1.6, 6, "metropolitan", 1.1),
    Force("nottinghamshire", "Nottinghamshire Police", 1.17, 53.1, -1.1, 8, "shire", 1.1),
    Force("south-wales", "South Wales Police", 1.33, 51.55, -3.4, 7, "wales", 1.1),
    Force("south-yorkshire", "South Yorkshire Police", 1.42, 53.45, -1.35, 4, "metropolitan", 1.2),
    Force("staffordshire", "Staffordshire Police", 1.14, 52.85, -2.05, 9, "shire", 0.9),
    Force("suffolk", "Suffolk Constabulary", 0.76, 52.2, 1.0, 5, "shire", 0.8),
    Force("surrey", "Surrey Police", 1.2, 51.25, -0.4, 11, "shire", 0.7),
    Force("sussex", "Sussex Police", 1.7, 50.9, -0.2, 13, "shire", 0.9),
    Force("thames-valley", "Thames Valley Police", 2.42, 51.6, -1.0, 14, "shire", 0.9),
    Force("warwickshire", "Warwickshire Police", 0.6, 52.3, -1.55, 5, "shire", 0.9),
    Force("west-mercia", "West Mercia Police", 1.3, 52.4, -2.5, 7, "shire", 0.9),
    Force("west-midlands", "West Midlands Police", 2.92, 52.48, -1.9, 7, "metropolitan", 1.3),
    Force("west-yorkshire", "West Yorkshire Police", 2.35, 53.8, -1.6, 5, "metropolitan", 1.3),
    Force("wiltshire", "Wiltshire Police", 0.73, 51.35, -1.95, 2, "shire", 0.8),
)
FORCES_BY_SLUG: dict[str, Force] = {f.slug: f for f in FORCES}

# Share of street-level rows by crime type in a recent year (anti-social behaviour included).
CRIME_TYPE_MIX: dict[str, float] = {
    "Anti-social behaviour": 0.20,
    "Bicycle theft": 0.012,
    "Burglary": 0.045,
    "Criminal damage and arson": 0.08,
    "Drugs": 0.025,
    "Other crime": 0.017,
    "Other theft": 0.065,
    "Possession of weapons": 0.008,
    "Public order": 0.08,
    "Robbery": 0.012,
    "Shoplifting": 0.062,
    "Theft from the person": 0.015,
    "Vehicle crime": 0.059,
    "Violence and sexual offences": 0.32,
}
assert tuple(CRIME_TYPE_MIX) == POLICE_UK_CRIME_TYPES  # noqa: S101

OUTCOMES = (
    "Investigation complete; no suspect identified",
    "Unable to prosecute suspect",
    "Under investigation",
    "Status update unavailable",
    "Awaiting court outcome",
    "Court result unavailable",
    "Local resolution",
    "Offender given a caution",
    "Action to be taken by another organisation",
    "Further investigation is not in the public interest",
    "Formal action is not in the public interest",
    "Further action is not in the public interest",
)
OUTCOME_MIX = (0.42, 0.30, 0.08, 0.04, 0.04, 0.03, 0.03, 0.02, 0.015, 0.01, 0.01, 0.005)

_STREETS = (
    "Parking Area",
    "Supermarket",
    "Shopping Area",
    "Petrol Station",
    "Nightclub",
    "Sports/Recreation Area",
    "Further/Higher Educational Building",
    "Hospital",
    "Police Station",
    "Theatre/Concert Hall",
    "Conference/Exhibition Centre",
    "Pedestrian Subway",
    "Bus/Coach Station",
    "Park/Open Space",
)
_ROADS = (
    "High Street",
    "Station Road",
    "Church Lane",
    "Park Avenue",
    "Victoria Road",
    "Mill Lane",
    "London Road",
    "Green Lane",
    "Manor Road",
    "Queens Road",
    "Kings Road",
    "New Street",
    "School Lane",
    "The Crescent",
    "Grove Road",
    "Albert Street",
    "Chapel Street",
    "Broadway",
    "North Street",
    "Springfield Road",
)
_PREFIXES = [
    "Ash",
    "Bard",
    "Brad",
    "Burn",
    "Carl",
    "Cran",
    "Dun",
    "Elm",
    "Fair",
    "Glen",
    "Hal",
    "Hart",
    "Ing",
    "Kings",
    "Lang",
    "Mar",
    "Nor",
    "Oak",
    "Pen",
    "Red",
    "Stan",
    "Thorn",
    "Wal",
    "Wes",
    "Whit",
    "Ayl",
    "Bur",
    "Chel",
    "Dar",
    "Eas",
    "Farn",
    "Gos",
    "Hey",
    "Lin",
    "Mel",
    "Rom",
    "Sal",
    "Tam",
    "Wick",
    "Yar",
]
_SUFFIXES = [
    "ford",
    "ley",
    "ton",
    "bury",
    "field",
    "wick",
    "worth",
    "ham",
    "by",
    "mouth",
    "stow",
    "borough",
    "well",
    "combe",
    "dale",
]
_WARD_WORDS = [
    "North",
    "South",
    "East",
    "West",
    "Central",
    "Park",
    "Abbey",
    "Castle",
    "Green",
    "Hill",
    "Bridge",
    "Common",
    "Heath",
    "Moor",
    "Vale",
    "Cross",
    "Priory",
    "Meadow",
    "Brook",
    "Wood",
]
_LA_PREFIX = {"metropolitan": ("E08",), "london": ("E09",), "shire": ("E06", "E07")}


@dataclass(frozen=True)
class GeneratedYear:
    street_files: list[Path]
    areas_csv: Path
    rows: int
    # Rows given the Crime ID of an earlier row, which an import rejects as duplicates.
    duplicate_crime_ids: int = 0


@dataclass
class _Areas:
    force_index: np.ndarray  # per LSOA
    code: np.ndarray
    name: np.ndarray
    latitude: np.ndarray
    longitude: np.ndarray
    weight_cumulative: np.ndarray  # per LSOA: force index + cumulative share within the force


def _unique_place_names(rng: np.random.Generator, n: int) -> list[str]:
    names = [p + s for p in _PREFIXES for s in _SUFFIXES]
    order = rng.permutation(len(names))[:n]
    return [names[i] for i in order]


def _build_areas(
    rng: np.random.Generator, forces: Sequence[Force], lsoas_total: int, path: Path
) -> _Areas:
    population = np.array([f.population_m for f in forces])
    lsoas_per_force = np.maximum(4, np.round(lsoas_total * population / population.sum()))
    la_names = iter(_unique_place_names(rng, sum(f.local_authorities for f in forces)))
    counters: dict[str, int] = {}

    def next_code(prefix: str) -> str:
        counters[prefix] = counters.get(prefix, 0) + 1
        return f"{prefix}{counters[prefix]:06d}"

    lines = [AREAS_HEADER]
    force_index: list[int] = []
    codes: list[str] = []
    names: list[str] = []
    lats: list[float] = []
    lons: list[float] = []
    for fi, force in enumerate(forces):
        welsh = force.kind == "wales"
        country = "W" if welsh else "E"
        n_lsoa = int(lsoas_per_force[fi])
        n_la = min(force.local_authorities, n_lsoa)
        shares = rng.dirichlet(np.full(n_la, 4.0))
        sizes = np.maximum(1, np.floor(shares * n_lsoa)).astype(int)
        sizes[-1] = max(1, n_lsoa - sizes[:-1].sum())
        for li, size in enumerate(sizes):
            la_name = next(la_names)
            if welsh:
                la_code = next_code("W06")
            else:
                prefixes = _LA_PREFIX[force.kind]
                la_code = next_code(prefixes[0] if li == 0 else prefixes[-1])
            if force.slug == "city-of-london":
                la_name = "City of London"
            csp_code = next_code(f"{country}22")
            csp_name = f"{la_name} Community Safety Partnership"
            la_lat = force.latitude + rng.normal(0, 0.12)
            la_lon = force.longitude + rng.normal(0, 0.18)
            ward_code = ward_name = ""
            for k in range(int(size)):
                if k % 5 == 0:
                    ward_code = next_code(f"{country}05")
                    word = _WARD_WORDS[(k // 5) % len(_WARD_WORDS)]
                    ward_name = f"{la_name} {word}" + (
                        f" {k // (5 * len(_WARD_WORDS)) + 1}" if k >= 5 * len(_WARD_WORDS) else ""
                    )
                code = next_code(f"{country}01")
                name = f"{la_name} {k // 4 + 1:03d}{'ABCD'[k % 4]}"
                lat = round(la_lat + rng.normal(0, 0.03), 6)
                lon = round(la_lon + rng.normal(0, 0.045), 6)
                lines.append(
                    f"{code},{name},{ward_code},{ward_name},{la_code},{la_name},{csp_code},"
                    f"{csp_name},{force.slug},{lat},{lon}"
                )
                force_index.append(fi)
                codes.append(code)
                names.append(name)
                lats.append(lat)
                lons.append(lon)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    fidx = np.array(force_index)
    # Crime concentrates: a few LSOAs in each force carry much of its crime.
    weights = rng.lognormal(0.0, 1.0, len(codes))
    cumulative = np.empty(len(codes))
    for fi in range(len(forces)):
        members = np.flatnonzero(fidx == fi)
        w = np.cumsum(weights[members])
        cumulative[members] = fi + w / w[-1]
    return _Areas(
        force_index=fidx,
        code=np.array(codes),
        name=np.array(names),
        latitude=np.array(lats),
        longitude=np.array(lons),
        weight_cumulative=cumulative,
    )


def _apportion(total: int, weights: np.ndarray) -> np.ndarray:
    """Whole numbers in proportion to `weights` that add up to exactly `total`."""
    exact = total * weights / weights.sum()
    whole = np.floor(exact).astype(np.int64)
    short = total - int(whole.sum())
    if short:
        whole[np.argsort(-(exact - whole), kind="stable")[:short]] += 1
    return whole


def _hex_ids(rng: np.random.Generator, n: int) -> pa.Array:
    digits = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
    raw = rng.integers(0, 256, size=(n, 32), dtype=np.uint8)
    chars = np.empty((n, 64), dtype=np.uint8)
    chars[:, 0::2] = digits[raw >> 4]
    chars[:, 1::2] = digits[raw & 15]
    offsets = np.arange(0, 64 * (n + 1), 64, dtype=np.int64)
    return pa.LargeStringArray.from_buffers(
        n, pa.py_buffer(offsets), pa.py_buffer(chars.tobytes())
    ).cast(pa.string())


def _take(vocabulary: Sequence[str], indices: np.ndarray) -> pa.Array:
    return pa.array(list(vocabulary), pa.string()).take(pa.array(indices))


def _coordinate_text(values: np.ndarray, missing: np.ndarray) -> pa.Array:
    text = pc.cast(pa.array(np.round(values, 6)), pa.string())
    return pc.if_else(pa.array(missing), "", text)


def generate_year(
    directory: Path,
    *,
    year: int,
    months: int = 12,
    rows: int = 6_000_000,
    seed: int = 20250601,
    forces: Sequence[str] | None = None,
    lsoas: int = 35_000,
) -> GeneratedYear:
    """Write `directory/YYYY-MM/YYYY-MM-<force>-street.csv` for each force-month, and
    `directory/areas.csv`, as police.uk's archive lays them out."""
    rng = np.random.default_rng(seed)
    directory.mkdir(parents=True, exist_ok=True)
    chosen = [FORCES_BY_SLUG[s] for s in forces] if forces else list(FORCES)
    areas_csv = directory / "areas.csv"
    areas = _build_areas(rng, chosen, lsoas, areas_csv)
    # LSOAs since merged or split: in crime data, not in the areas table.
    unknown_codes = np.array([[f"{c}01{99_000 + i:06d}" for i in range(40)] for c in "EW"])
    unknown_names = np.array([f"Former area {i + 1:03d}A" for i in range(40)])
    welsh_force = np.array([f.kind == "wales" for f in chosen])

    force_weight = np.array([f.population_m * f.crime_rate for f in chosen])
    per_force = _apportion(rows, force_weight)
    # A summer peak and a dip in February, as police-recorded violence shows.
    season = 1 + 0.08 * np.sin((np.arange(months) - 3.5) / 12 * 2 * np.pi)
    mix = np.array(list(CRIME_TYPE_MIX.values()))
    mix = mix / mix.sum()
    outcome_mix = np.array(OUTCOME_MIX) / sum(OUTCOME_MIX)
    asb = POLICE_UK_CRIME_TYPES.index("Anti-social behaviour")
    locations = [f"On or near {s}" for s in _STREETS + _ROADS] + [
        f'"On or near {s}, {r}"' for s in _STREETS[:3] for r in _ROADS[:4]
    ]
    location_weights = np.r_[np.full(len(_STREETS) + len(_ROADS), 1.0), np.full(12, 0.1)]
    location_weights /= location_weights.sum()
    force_names = [f.name for f in chosen]

    files: list[Path] = []
    duplicates = 0
    earlier_ids: pa.Array | None = None
    counts = np.stack([_apportion(int(n), season) for n in per_force])  # force x month
    for m in range(months):
        month_label = f"{year + m // 12:04d}-{m % 12 + 1:02d}"
        n_by_force = counts[:, m]
        n = int(n_by_force.sum())
        if n == 0:
            continue
        force_of_row = np.repeat(np.arange(len(chosen)), n_by_force)
        crime_type = rng.choice(len(mix), size=n, p=mix)
        is_asb = crime_type == asb
        no_location = rng.random(n) < 0.02
        unknown_lsoa = (rng.random(n) < 0.002) & ~no_location
        lsoa = np.searchsorted(areas.weight_cumulative, force_of_row + rng.random(n))
        lsoa = np.minimum(lsoa, len(areas.code) - 1)
        lat = areas.latitude[lsoa] + rng.normal(0, 0.004, n)
        lon = areas.longitude[lsoa] + rng.normal(0, 0.006, n)
        unknown_pick = rng.integers(0, len(unknown_codes), n)
        lsoa_code = np.where(
            unknown_lsoa,
            unknown_codes[welsh_force[force_of_row].astype(int), unknown_pick],
            areas.code[lsoa],
        )
        lsoa_name = np.where(unknown_lsoa, unknown_names[unknown_pick], areas.name[lsoa])
        lsoa_code = np.where(no_location, "", lsoa_code)
        lsoa_name = np.where(no_location, "", lsoa_name)
        location = rng.choice(len(locations), size=n, p=location_weights)
        outcome = rng.choice(len(OUTCOMES), size=n, p=outcome_mix)

        ids = _hex_ids(rng, n)
        # A handful of rows repeat an earlier crime's ID, as a re-published correction would.
        n_dup = n // 100_000
        if n_dup and earlier_ids is not None:
            targets = rng.choice(np.flatnonzero(~is_asb), n_dup, replace=False)
            sources = rng.integers(0, len(earlier_ids), n_dup)
            pick = np.arange(n)
            pick[targets] = n + sources
            ids = pa.concat_arrays([ids, earlier_ids]).take(pa.array(pick))
            duplicates += n_dup
        earlier_ids = pc.filter(ids, pa.array(~is_asb))
        crime_id = pc.if_else(pa.array(is_asb), "", ids)
        outcome_text = pc.if_else(pa.array(is_asb), "", _take(OUTCOMES, outcome))

        force_text = _take(force_names, force_of_row)
        columns = [
            crime_id,
            pa.array(np.full(n, month_label)),
            force_text,
            force_text,
            _coordinate_text(lon, no_location),
            _coordinate_text(lat, no_location),
            pc.if_else(pa.array(no_location), "No location", _take(locations, location)),
            pa.array(lsoa_code),
            pa.array(lsoa_name),
            _take(POLICE_UK_CRIME_TYPES, crime_type),
            outcome_text,
            pa.array(np.full(n, ""), pa.string()),
        ]
        columns = [c.cast(pa.large_string()) for c in columns]
        joined = pc.binary_join_element_wise(*columns, pa.scalar(",", pa.large_string()))
        empty, newline = pa.scalar("", pa.large_string()), pa.scalar("\n", pa.large_string())
        lines = pc.binary_join_element_wise(joined, empty, newline)
        offsets = np.frombuffer(lines.buffers()[1], dtype=np.int64)[
            lines.offset : lines.offset + n + 1
        ]
        data = lines.buffers()[2]
        month_dir = directory / month_label
        month_dir.mkdir(exist_ok=True)
        starts = np.r_[0, np.cumsum(n_by_force)]
        header = (STREET_HEADER + "\n").encode()
        for fi, force in enumerate(chosen):
            if n_by_force[fi] == 0:
                continue
            path = month_dir / f"{month_label}-{force.slug}-street.csv"
            lo, hi = int(offsets[starts[fi]]), int(offsets[starts[fi + 1]])
            with path.open("wb") as out:
                out.write(header)
                out.write(memoryview(data)[lo:hi])
            files.append(path)
    return GeneratedYear(
        street_files=files, areas_csv=areas_csv, rows=rows, duplicate_crime_ids=duplicates
    )
