"""Demo programme areas, services directory and a year of referrals in every state."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from vrhub.accounts.models import User
from vrhub.core.demo import DemoWorld

from . import services
from .eligibility import age_on, decide
from .models import (
    Concern,
    Eligibility,
    Ethnicity,
    PersonAware,
    ProgrammeArea,
    Referral,
    ReferralStatus,
    RiskFactor,
    Service,
    Sex,
    Urgency,
)

DEMO_REFERRALS = 300

AREAS = [
    ("Coventry", "coventry_council", ["CV1", "CV2", "CV3", "CV4", "CV5", "CV6"]),
    ("Wolverhampton", "wolverhampton_council", ["WV1", "WV2", "WV3", "WV4", "WV6", "WV10", "WV11"]),
]
CORE_CONCERNS = [c.value for c in Concern]

# name, provider key, areas, out of area, ages, offers, how to refer
SERVICES = [
    (
        "Early Help",
        "coventry_council",
        ["Coventry"],
        False,
        (0, 18),
        "Whole-family support from a key worker.",
        "Coventry Early Help front door, online form.",
    ),
    (
        "Wolverhampton Youth Service",
        "wolverhampton_council",
        ["Wolverhampton"],
        False,
        (11, 19),
        "Youth clubs, detached youth work and positive activities.",
        "Email the youth service duty worker.",
    ),
    (
        "Compass substance misuse service",
        "coventry_council",
        ["Coventry", "Wolverhampton"],
        False,
        (10, 25),
        "Confidential help with drugs and alcohol.",
        "Self-referral or by a professional.",
    ),
    (
        "CAMHS",
        "acute_trust",
        ["Coventry", "Wolverhampton"],
        False,
        (0, 18),
        "Child and adolescent mental health services.",
        "Through the GP or the single point of access.",
    ),
    (
        "St Giles mentoring",
        "st_giles",
        ["Coventry", "Wolverhampton"],
        False,
        (11, 25),
        "Mentoring by people with lived experience.",
        "St Giles referral form.",
    ),
    (
        "Birmingham CIRV",
        "police",
        [],
        True,
        (14, 40),
        "The CIRV programme of the neighbouring area.",
        "Referral to the Birmingham CIRV team.",
    ),
]

FIRST = {
    Sex.MALE: [
        "Aaron",
        "Bilal",
        "Callum",
        "Daniel",
        "Ethan",
        "Jayden",
        "Kai",
        "Leon",
        "Mason",
        "Noah",
        "Omar",
        "Reece",
        "Tyler",
        "Zain",
        "Harvey",
        "Kyle",
    ],
    Sex.FEMALE: [
        "Amelia",
        "Chloe",
        "Demi",
        "Ella",
        "Grace",
        "Jade",
        "Keira",
        "Leah",
        "Mia",
        "Nadia",
        "Olivia",
        "Sana",
        "Tia",
        "Zara",
    ],
}
LAST = [
    "Ahmed",
    "Begum",
    "Brown",
    "Clarke",
    "Davies",
    "Evans",
    "Francis",
    "Green",
    "Hall",
    "Hussain",
    "Johnson",
    "Khan",
    "Lewis",
    "Mensah",
    "Patel",
    "Roberts",
    "Singh",
    "Smith",
    "Taylor",
    "Walker",
    "Williams",
    "Wilson",
    "Wright",
    "Young",
]
OUT_OF_AREA_DISTRICTS = ["B6", "B8", "B21", "DY1", "WS2", "LE1"]


def build(world: DemoWorld) -> None:
    areas = {}
    for name, la_key, districts in AREAS:
        area, _ = ProgrammeArea.objects.get_or_create(
            name=name,
            defaults={
                "local_authority": world.agencies[la_key],
                "postcode_districts": districts,
                "minimum_age": 14,
                "required_concerns": CORE_CONCERNS,
            },
        )
        areas[name] = area
    for name, provider, area_names, out_of_area, (low, high), offers, how in SERVICES:
        service, created = Service.objects.get_or_create(
            name=name,
            defaults={
                "provider": world.agencies[provider],
                "serves_out_of_area": out_of_area,
                "minimum_age": low,
                "maximum_age": high,
                "offers": offers,
                "how_to_refer": how,
            },
        )
        if created:
            service.areas.set([areas[a] for a in area_names])
    if Referral.objects.exists():
        return
    rng = random.Random(world.rng.random())  # noqa: S311 - demo data
    referrers = [world.users["referrer"], world.users["caseworker"]]
    caseworker = world.users["caseworker"]
    today = timezone.localdate()
    how_many = getattr(settings, "VRHUB_DEMO_REFERRALS", DEMO_REFERRALS)
    for _ in range(how_many):
        sent_on = today - timedelta(days=rng.randint(0, 364))
        _demo_referral(rng, rng.choice(referrers), caseworker, sent_on)
    # Two drafts the demo referrer stopped halfway through, to resume.
    for person in (_person(rng, today), _person(rng, today)):
        draft = services.referral_start(referrer=world.users["referrer"])
        services.referral_save_answers(
            referral=draft,
            actor=world.users["referrer"],
            answers={k: person[k] for k in ("first_name", "last_name", "date_of_birth", "sex")},
        )
    world.created["referrals"] = how_many + 2


def _person(rng: random.Random, sent_on: date) -> dict[str, object]:
    sex = rng.choices([Sex.MALE, Sex.FEMALE], weights=[87, 13])[0]  # girls 10-15% (seed)
    age = rng.choices(
        range(12, 31), weights=[2, 3, 9, 12, 14, 14, 12, 10, 8, 6, 5, 4, 3, 3, 2, 2, 2, 1, 1]
    )[0]
    born = sent_on - timedelta(days=age * 365 + rng.randint(0, 364))
    if rng.random() < 0.12:
        district = rng.choice(OUT_OF_AREA_DISTRICTS)
    else:
        district = rng.choice(rng.choice(AREAS)[2])
    concerns = rng.sample(CORE_CONCERNS, rng.randint(1, 3)) if rng.random() > 0.05 else []
    return {
        "first_name": rng.choice(FIRST[sex]),
        "last_name": rng.choice(LAST),
        "date_of_birth": born,
        "sex": sex,
        "ethnicity": rng.choice(list(Ethnicity)).value,
        "address": f"{rng.randint(1, 180)} {rng.choice(['Station', 'Church', 'Park', 'Mill'])} "
        f"{rng.choice(['Road', 'Street', 'Close', 'Lane'])}",
        "postcode": f"{district} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
        f"{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}",
        "concerns": concerns or [Concern.VIOLENCE_VICTIM.value],
        "risk_factors": rng.sample([r.value for r in RiskFactor], rng.randint(0, 3)),
        "immediate_risk": rng.random() < 0.05,
        "person_aware": rng.choice(list(PersonAware)).value,
        "urgency": rng.choices(list(Urgency), weights=[4, 1])[0].value,
    }


def _demo_referral(rng: random.Random, referrer: User, caseworker: User, sent_on: date) -> Referral:
    person = _person(rng, sent_on)
    if rng.random() < 0.06:
        person["date_of_birth"] = sent_on - timedelta(days=13 * 365)  # aged 13: not eligible
    made = services.referral_create(actor=referrer, answers=person, on=sent_on)
    referral = made.referral
    at = timezone.make_aware(datetime.combine(sent_on, time(9 + rng.randint(0, 8))))
    Referral.objects.filter(pk=referral.pk).update(submitted_at=at, created_at=at)
    referral.refresh_from_db()
    age_days = (timezone.localdate() - sent_on).days
    if age_days < 7:
        return referral  # still new
    if referral.eligibility == Eligibility.ELIGIBLE:
        choice = rng.random()
        if choice < 0.75:
            services.referral_decide(referral=referral, actor=caseworker, decision="accept")
        elif choice < 0.9:
            services.referral_request_information(
                referral=referral,
                actor=caseworker,
                request="Does the young person have a youth justice worker? Please give "
                "their name and how to reach them.",
            )
        else:
            services.referral_decide(referral=referral, actor=caseworker, decision="withdraw")
    else:
        from .selectors import suggested_services

        options = suggested_services(referral)
        if options:
            services.referral_signpost(
                referral=referral, actor=caseworker, service=rng.choice(options)
            )
    return referral


def bulk_referrals(count: int, *, seed: int = 1) -> int:
    """Many submitted referrals at once, for benchmarks: no audit trail, no per-row services."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data
    referrer = User.objects.filter(role_assignments__role="referrer").first()
    if referrer is None:
        raise RuntimeError("Load the demo world first (manage.py load_demo).")
    areas = list(ProgrammeArea.objects.all())
    today = timezone.localdate()
    statuses = [s for s in ReferralStatus if s != ReferralStatus.DRAFT]
    batch: list[Referral] = []
    made = 0
    for i in range(count):
        sent_on = today - timedelta(days=rng.randint(0, 364))
        person = _person(rng, sent_on)
        decision = decide(
            areas=areas,
            date_of_birth=person["date_of_birth"],  # type: ignore[arg-type]
            postcode=str(person["postcode"]),
            concerns=person["concerns"],  # type: ignore[arg-type]
            referral_date=sent_on,
        )
        batch.append(
            Referral(
                reference=_bulk_reference(i),
                status=rng.choice(statuses),
                referred_by=referrer,
                referring_agency_id=referrer.agency_id,
                referral_date=sent_on,
                age_at_referral=age_on(person["date_of_birth"], sent_on),  # type: ignore[arg-type]
                submitted_at=timezone.make_aware(datetime.combine(sent_on, time(12))),
                area=decision.area,
                eligibility=decision.outcome,
                eligibility_reasons=decision.reasons,
                **person,
            )
        )
        if len(batch) == 5000:
            with transaction.atomic():
                Referral.objects.bulk_create(batch)
            made += len(batch)
            batch = []
    if batch:
        with transaction.atomic():
            Referral.objects.bulk_create(batch)
        made += len(batch)
    return made


def _bulk_reference(number: int) -> str:
    """A distinct reference for each number, in the reference alphabet."""
    alphabet = services.REFERENCE_ALPHABET
    digits = []
    for _ in range(8):
        number, digit = divmod(number, len(alphabet))
        digits.append(alphabet[digit])
    return "R-" + "".join(reversed(digits))
