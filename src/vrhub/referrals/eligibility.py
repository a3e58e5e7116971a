"""Eligibility for CIRV, decided by the rules of the programme area the person lives in.

Pure functions of their inputs, so the decision and its reasons can be explained and tested.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from .models import Concern, Eligibility, ProgrammeArea

# The shape of a UK postcode: outward code (area, district) and inward code (sector, unit).
POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$")


def normalise_postcode(text: str) -> str | None:
    """`cv1 2ab` -> `CV1 2AB`; None if it is not UK-shaped."""
    compact = re.sub(r"\s+", "", text or "").upper()
    match = POSTCODE.match(compact)
    return f"{match.group(1)} {match.group(2)}" if match else None


def postcode_district(postcode: str) -> str:
    return postcode.split(" ", 1)[0].upper()


def age_on(date_of_birth: date, day: date) -> int:
    """Age in whole years on `day` (someone born on 29 February is a year older on 1 March)."""
    before_birthday = (day.month, day.day) < (date_of_birth.month, date_of_birth.day)
    return day.year - date_of_birth.year - int(before_birthday)


@dataclass(frozen=True)
class Decision:
    outcome: Eligibility
    reasons: list[str] = field(default_factory=list)
    area: ProgrammeArea | None = None


def _labels(concerns: Iterable[str]) -> str:
    order = list(Concern)
    chosen = sorted((Concern(c) for c in concerns), key=order.index)
    return ", ".join(str(c.label).lower() for c in chosen)


def decide(
    *,
    areas: Sequence[ProgrammeArea],
    date_of_birth: date,
    postcode: str,
    concerns: Iterable[str],
    referral_date: date,
) -> Decision:
    """Decide whether a referral is eligible, out of area or not eligible, and say why."""
    district = postcode_district(postcode)
    area = next((a for a in areas if a.is_active and district in a.postcode_districts), None)
    if area is None:
        served = ", ".join(a.name for a in areas if a.is_active) or "no areas"
        return Decision(
            Eligibility.OUT_OF_AREA,
            [f"out of area: postcode district {district} is not served (CIRV serves {served})"],
        )
    age = age_on(date_of_birth, referral_date)
    reasons: list[str] = []
    if age < area.minimum_age:
        reasons.append(f"aged {age} on the referral date; minimum age {area.minimum_age}")
    if area.maximum_age is not None and age > area.maximum_age:
        reasons.append(f"aged {age} on the referral date; maximum age {area.maximum_age}")
    concern_set = set(concerns)
    if area.required_concerns and not concern_set & set(area.required_concerns):
        reasons.append(
            f"none of the concerns {area.name} CIRV works with ({_labels(area.required_concerns)})"
        )
    if reasons:
        return Decision(Eligibility.NOT_ELIGIBLE, [f"not eligible: {r}" for r in reasons], area)
    return Decision(
        Eligibility.ELIGIBLE,
        [
            f"eligible: aged {age} on the referral date, lives in {area.name} ({district}), "
            f"concerns: {_labels(concern_set) or 'none given'}"
        ],
        area,
    )
