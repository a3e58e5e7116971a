from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from vrhub.accounts.models import Agency
from vrhub.referrals.models import (
    Concern,
    PersonAware,
    ProgrammeArea,
    Service,
    Sex,
    Urgency,
)


def complete_answers(**overrides: Any) -> dict[str, Any]:
    """Every answer a referral needs, for someone aged 15 living in Coventry."""
    answers: dict[str, Any] = {
        "first_name": "Jayden",
        "last_name": "Clarke",
        "other_names": "",
        "date_of_birth": date(2011, 3, 14),
        "sex": Sex.MALE,
        "gender": "",
        "ethnicity": "white_british",
        "address": "12 Station Road, Coventry",
        "postcode": "CV2 4AB",
        "school": "",
        "phone": "",
        "concerns": [Concern.WEAPON_CARRYING],
        "risk_factors": [],
        "concern_details": "",
        "immediate_risk": False,
        "person_aware": PersonAware.YES_AGREES,
        "urgency": Urgency.ROUTINE,
    }
    answers.update(overrides)
    return answers


@pytest.fixture
def coventry_area(council: Agency) -> ProgrammeArea:
    return ProgrammeArea.objects.create(
        name="Coventry",
        local_authority=council,
        postcode_districts=["CV1", "CV2", "CV3"],
        minimum_age=14,
        required_concerns=[c.value for c in Concern],
    )


@pytest.fixture
def directory(coventry_area: ProgrammeArea, council: Agency) -> dict[str, Service]:
    early_help = Service.objects.create(
        name="Early Help",
        provider=council,
        minimum_age=0,
        maximum_age=18,
        offers="Family support",
        how_to_refer="Online form",
    )
    early_help.areas.set([coventry_area])
    neighbours = Service.objects.create(
        name="Birmingham CIRV",
        provider=council,
        serves_out_of_area=True,
        minimum_age=14,
        maximum_age=40,
        offers="CIRV next door",
        how_to_refer="Call the team",
    )
    adults = Service.objects.create(
        name="Adult service",
        provider=council,
        minimum_age=18,
        offers="Adults only",
        how_to_refer="Call",
    )
    adults.areas.set([coventry_area])
    return {"early_help": early_help, "neighbours": neighbours, "adults": adults}
