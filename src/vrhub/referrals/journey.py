"""The order of the question pages, and how each answer reads on 'Check your answers'."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from vrhub.core.forms import GovukForm

from . import forms
from .models import Concern, Ethnicity, PersonAware, Referral, RiskFactor, Sex, Urgency


@dataclass(frozen=True)
class Step:
    slug: str
    title: str
    form: type[GovukForm]

    @property
    def fields(self) -> list[str]:
        return list(self.form.base_fields)


STEPS = [
    Step("name", "What is the person's name?", forms.NameForm),
    Step("date-of-birth", "What is their date of birth?", forms.DateOfBirthForm),
    Step("sex", "What is their sex?", forms.SexForm),
    Step("ethnicity", "What is their ethnic group?", forms.EthnicityForm),
    Step("address", "Where do they live?", forms.AddressForm),
    Step("school-and-phone", "School and phone", forms.SchoolAndPhoneForm),
    Step("concerns", "What are you worried about?", forms.ConcernsForm),
    Step("risk-factors", "Risk factors", forms.RiskFactorsForm),
    Step("immediate-risk", "Immediate risk of harm", forms.ImmediateRiskForm),
    Step("person-aware", "What the person knows", forms.PersonAwareForm),
    Step("urgency", "Urgency", forms.UrgencyForm),
]
BY_SLUG = {step.slug: step for step in STEPS}
STEP_OF_FIELD = {name: step for step in STEPS for name in step.fields}


def next_step(step: Step) -> Step | None:
    index = STEPS.index(step)
    return STEPS[index + 1] if index + 1 < len(STEPS) else None


def _labels(choices: type[Any], values: list[str]) -> str:
    """Labels in the order the question lists them, whatever order they were stored in."""
    order = [c.value for c in choices]
    chosen = sorted(values, key=order.index)
    return ", ".join(str(choices(v).label) for v in chosen) if values else "None"


def answers(referral: Referral) -> list[tuple[str, str, Step]]:
    """(question, answer as read, step to change it) for 'Check your answers' and the record."""
    r = referral
    dob = f"{r.date_of_birth:%-d %B %Y}" if r.date_of_birth else ""
    return [
        ("Name", r.full_name, BY_SLUG["name"]),
        ("Other names", r.other_names or "None given", BY_SLUG["name"]),
        ("Date of birth", dob, BY_SLUG["date-of-birth"]),
        ("Sex", str(Sex(r.sex).label) if r.sex else "", BY_SLUG["sex"]),
        ("Gender, if different", r.gender or "Not different", BY_SLUG["sex"]),
        (
            "Ethnic group",
            str(Ethnicity(r.ethnicity).label) if r.ethnicity else "",
            BY_SLUG["ethnicity"],
        ),
        ("Address", f"{r.address}\n{r.postcode}".strip(), BY_SLUG["address"]),
        ("School or college", r.school or "None given", BY_SLUG["school-and-phone"]),
        ("Phone", r.phone or "None given", BY_SLUG["school-and-phone"]),
        ("Concerns", _labels(Concern, r.concerns) if r.concerns else "", BY_SLUG["concerns"]),
        ("What has happened", r.concern_details or "None given", BY_SLUG["concerns"]),
        ("Risk factors", _labels(RiskFactor, r.risk_factors), BY_SLUG["risk-factors"]),
        (
            "Immediate risk of harm",
            "" if r.immediate_risk is None else ("Yes" if r.immediate_risk else "No"),
            BY_SLUG["immediate-risk"],
        ),
        (
            "Person knows about the referral",
            str(PersonAware(r.person_aware).label) if r.person_aware else "",
            BY_SLUG["person-aware"],
        ),
        ("Urgency", str(Urgency(r.urgency).label) if r.urgency else "", BY_SLUG["urgency"]),
    ]
