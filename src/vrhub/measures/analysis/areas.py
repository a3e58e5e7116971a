"""The places a partnership looks at: its whole area, its local authorities, CSPs, wards, LSOAs
and police forces, all read from the `area` reference table.

The partnership area is the local authorities in `settings.VRHUB_PARTNERSHIP_LOCAL_AUTHORITIES`;
when that is empty, every local authority in the `area` table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb
from django.conf import settings

PARTNERSHIP = "partnership"

# Largest first, as a page offers them.
LEVELS: tuple[str, ...] = ("partnership", "la", "csp", "ward", "lsoa", "force")

LEVEL_NAMES: dict[str, str] = {
    "partnership": "Partnership area",
    "la": "Local authority",
    "csp": "Community safety partnership",
    "ward": "Ward",
    "lsoa": "LSOA",
    "force": "Police force",
}

# The `area` table's code and name columns for each level below the partnership.
_COLUMNS: dict[str, tuple[str, str]] = {
    "la": ("la_code", "la_name"),
    "csp": ("csp_code", "csp_name"),
    "ward": ("ward_code", "ward_name"),
    "lsoa": ("lsoa_code", "lsoa_name"),
    "force": ("force", "force"),
}


@dataclass(frozen=True)
class Area:
    level: str  # one of LEVELS
    code: str  # ONS code, force slug, or "partnership"
    name: str

    @property
    def level_name(self) -> str:
        return LEVEL_NAMES[self.level]


def partnership() -> Area:
    return Area(PARTNERSHIP, PARTNERSHIP, "Partnership area")


def force_name(slug: str) -> str:
    """'avon-and-somerset' -> 'Avon and Somerset': police.uk names forces by slug only."""
    small = {"and", "of", "the"}
    words = slug.replace("-", " ").split()
    return " ".join(w if (w in small and i > 0) else w.capitalize() for i, w in enumerate(words))


def partnership_la_codes() -> list[str]:
    """The configured local authorities; empty means every local authority in `area`."""
    return [str(code) for code in settings.VRHUB_PARTNERSHIP_LOCAL_AUTHORITIES]


def lsoa_filter(area: Area, alias: str = "area") -> tuple[str, dict[str, Any]]:
    """A SQL condition on the `area` table (under `alias`) selecting the area's LSOAs.

    Returned with its named parameters, so callers can put it in any query over `area`.
    """
    if area.level == PARTNERSHIP:
        codes = partnership_la_codes()
        if not codes:
            return "true", {}
        return f"list_contains($partnership_las, {alias}.la_code)", {"partnership_las": codes}
    if area.level not in _COLUMNS:
        raise ValueError(f"Unknown area level {area.level!r}")
    column = _COLUMNS[area.level][0]
    return f"{alias}.{column} = $area_code", {"area_code": area.code}


def la_codes(con: duckdb.DuckDBPyConnection, area: Area) -> list[str]:
    """The local authorities wholly or partly in an area (none for a ward or LSOA, which are
    smaller than one)."""
    if area.level == "la":
        return [area.code]
    if area.level in ("ward", "lsoa"):
        return []
    if area.level == PARTNERSHIP and partnership_la_codes():
        return partnership_la_codes()
    condition, params = lsoa_filter(area)
    rows = con.execute(
        f"select distinct la_code from area where {condition} order by la_code",  # noqa: S608
        params,
    ).fetchall()
    return [r[0] for r in rows]


def forces(con: duckdb.DuckDBPyConnection, area: Area) -> list[str]:
    """The police forces (police.uk slugs) that cover the area's LSOAs."""
    if area.level == "force":
        return [area.code]
    condition, params = lsoa_filter(area)
    rows = con.execute(
        f"select distinct force from area where {condition} order by force",  # noqa: S608
        params,
    ).fetchall()
    return [r[0] for r in rows]


def area_choices(con: duckdb.DuckDBPyConnection) -> list[Area]:
    """The partnership area, then its local authorities, CSPs, wards and forces, each level in
    name order.

    LSOAs are not listed: one force has thousands, too many to choose from (or to send in every
    page). Pages take an LSOA's code typed in, and `find_area` finds it.
    """
    condition, params = lsoa_filter(partnership())
    selects = [
        f"select distinct '{level}' as level, {order} as level_order, {code} as code, "  # noqa: S608
        f"{name} as name from area where {condition} and {code} is not null"
        for order, (level, (code, name)) in enumerate(_COLUMNS.items())
        if level != "lsoa"
    ]
    rows = con.execute(
        " union all ".join(selects) + " order by level_order, name, code",
        params,
    ).fetchall()
    return [partnership()] + [
        Area(level, code, force_name(name) if level == "force" else name)
        for level, _, code, name in rows
    ]


def find_area(con: duckdb.DuckDBPyConnection, level: str, code: str) -> Area | None:
    """The area with this level and code, or None if the `area` table has no such place."""
    if level == PARTNERSHIP:
        return partnership() if code == PARTNERSHIP else None
    if level not in _COLUMNS:
        return None
    code_column, name_column = _COLUMNS[level]
    rows = con.execute(
        f"select min({name_column}) from area where {code_column} = ?",  # noqa: S608
        [code],
    ).fetchall()
    if not rows or rows[0][0] is None:
        return None
    name = rows[0][0]
    return Area(level, code, force_name(name) if level == "force" else name)
