"""Demo agencies of Coventry and Wolverhampton and one user for each role."""

from __future__ import annotations

from vrhub.core.demo import DemoSignIn, DemoWorld

from . import services
from .models import Agency, AgencyKind, Role, User

EMAIL_DOMAIN = "demo.vrhub.example"

# key, name, kind, area, hosts the partnership
AGENCIES = [
    ("coventry_council", "Coventry City Council", AgencyKind.LOCAL_AUTHORITY, "Coventry", True),
    (
        "wolverhampton_council",
        "City of Wolverhampton Council",
        AgencyKind.LOCAL_AUTHORITY,
        "Wolverhampton",
        False,
    ),
    ("police", "West Midlands Police", AgencyKind.POLICE, "West Midlands", False),
    (
        "acute_trust",
        "University Hospitals Coventry and Warwickshire NHS Trust",
        AgencyKind.HEALTH,
        "Coventry",
        False,
    ),
    (
        "wolverhampton_acute_trust",
        "The Royal Wolverhampton NHS Trust",
        AgencyKind.HEALTH,
        "Wolverhampton",
        False,
    ),
    ("coventry_yjs", "Coventry Youth Justice Service", AgencyKind.YOUTH_JUSTICE, "Coventry", False),
    (
        "wolverhampton_yjs",
        "Wolverhampton Youth Justice Service",
        AgencyKind.YOUTH_JUSTICE,
        "Wolverhampton",
        False,
    ),
    (
        "probation",
        "Probation Service, West Midlands region",
        AgencyKind.PROBATION,
        "West Midlands",
        False,
    ),
    ("fire", "West Midlands Fire Service", AgencyKind.FIRE_AND_RESCUE, "West Midlands", False),
    (
        "coventry_school",
        "Riverside Academy, Coventry (demo school)",
        AgencyKind.EDUCATION,
        "Coventry",
        False,
    ),
    (
        "wolverhampton_school",
        "Hillcrest College, Wolverhampton (demo school)",
        AgencyKind.EDUCATION,
        "Wolverhampton",
        False,
    ),
    ("st_giles", "St Giles Trust", AgencyKind.VOLUNTARY, "West Midlands", False),
    (
        "pcc",
        "West Midlands Police and Crime Commissioner",
        AgencyKind.POLICE_AND_CRIME_COMMISSIONER,
        "West Midlands",
        False,
    ),
]

# Agencies whose staff mentor people on the pathway: St Giles Trust and the police's CIRV team.
MENTOR_PROVIDERS = frozenset({"st_giles", "police"})

# email local part, full name, agency key, roles
USERS = [
    ("referrer", "Rachel Referrer", "coventry_school", [Role.REFERRER]),
    ("caseworker", "Callum Caseworker", "police", [Role.CASEWORKER]),
    ("mentor", "Maya Mentor", "st_giles", [Role.MENTOR]),
    ("triage", "Tariq Triage", "coventry_yjs", [Role.TRIAGE_PANEL_MEMBER]),
    ("manager", "Priya Programme-Manager", "coventry_council", [Role.PROGRAMME_MANAGER]),
    ("analyst", "Anna Analyst", "coventry_council", [Role.ANALYST]),
    ("dpo", "Daniel Data-Protection", "coventry_council", [Role.DATA_PROTECTION_OFFICER]),
    ("scrutiny", "Councillor Sam Scrutiny", "coventry_council", [Role.SCRUTINY_MEMBER]),
    ("admin", "Ada Administrator", "coventry_council", [Role.ADMINISTRATOR]),
    # An administrator of one agency only: shows that agencies cannot see each other's records.
    ("police-admin", "Pat Police-Administrator", "police", [Role.ADMINISTRATOR]),
]

_WORDS = [
    "amber",
    "harbour",
    "lantern",
    "meadow",
    "orchard",
    "quartz",
    "ribbon",
    "saddle",
    "thistle",
    "velvet",
    "willow",
    "falcon",
    "granite",
    "juniper",
    "kestrel",
    "marble",
]


def _password(world: DemoWorld) -> str:
    words = world.rng.sample(_WORDS, 3)
    return "-".join(words) + f"-{world.rng.randint(10, 99)}"


def build(world: DemoWorld) -> None:
    for key, name, kind, area, hosts in AGENCIES:
        agency = Agency.objects.filter(name=name).first()
        if agency is None:
            agency = services.agency_create(
                actor=None,
                name=name,
                kind=kind,
                area=area,
                hosts_partnership=hosts,
                provides_mentors=key in MENTOR_PROVIDERS,
            )
            world.count("agencies")
        world.agencies[key] = agency

    for local_part, full_name, agency_key, roles in USERS:
        # Draw the password whether or not the user exists, so every run prints the same ones.
        demo_user(world, local_part, full_name, agency_key, roles, _password(world))


def demo_user(
    world: DemoWorld,
    local_part: str,
    full_name: str,
    agency_key: str,
    roles: list[Role],
    password: str,
) -> User:
    """The demo user, made once, with their sign-in printed on every run."""
    email = f"{local_part}@{EMAIL_DOMAIN}"
    user = User.objects.filter(email=email).first()
    if user is None:
        user = services.user_create(
            actor=None,
            email=email,
            full_name=full_name,
            agency=world.agencies[agency_key],
            roles=roles,
            password=password,
        )
        world.count("users")
    world.users[local_part] = user
    world.sign_ins.append(
        DemoSignIn(
            role_label=", ".join(str(r.label) for r in roles),
            email=email,
            password=password,
            agency=world.agencies[agency_key].name,
        )
    )
    return user
