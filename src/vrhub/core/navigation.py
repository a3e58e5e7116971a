"""What each role sees on its home page and in the navigation.

Tiles for capabilities that later releases bring have no link yet: they show what is coming
without leading anywhere. When a capability ships, its tile gets its `url_name` and `capability`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from vrhub.accounts.models import Role, User
from vrhub.accounts.permissions import Capability, can


@dataclass(frozen=True)
class Tile:
    title: str
    description: str
    url_name: str | None = None
    capability: Capability | None = None

    @property
    def available(self) -> bool:
        return self.url_name is not None

    @property
    def url(self) -> str:
        return reverse(self.url_name) if self.url_name else ""


AGENCIES = Tile(
    "Agencies",
    "The partner agencies using vrhub, their kind and area.",
    "accounts:agency-list",
    Capability.MANAGE_AGENCIES,
)
USERS = Tile(
    "Users",
    "Create accounts, give roles, unlock and deactivate users.",
    "accounts:user-list",
    Capability.MANAGE_USERS,
)
AUDIT_TRAIL = Tile(
    "Audit trail",
    "Who looked at or changed which record, and when.",
    "audit:trail",
    Capability.VIEW_AUDIT_TRAIL,
)

MAKE_REFERRAL = Tile(
    "Make a referral", "Refer a young person to CIRV.", "referrals:start", Capability.MAKE_REFERRALS
)
YOUR_REFERRALS = Tile(
    "Your referrals",
    "Continue a draft, or see the status of the referrals you made.",
    "referrals:mine",
    Capability.MAKE_REFERRALS,
)
REFERRAL_QUEUE = Tile(
    "Referral queue",
    "New referrals, eligibility and onward referral.",
    "referrals:queue",
    Capability.WORK_REFERRALS,
)

UPLOAD_REFERRALS = Tile(
    "Send referrals in a file",
    "Upload a CSV file of referrals from your agency's system, with a report on every row.",
    "referrals:upload",
    Capability.UPLOAD_REFERRALS,
)
REFERRAL_FIGURES = Tile(
    "Referral figures",
    "Referrals by month, quarter, agency, eligibility, age and sex, as tables and CSV.",
    "referrals:figures",
    Capability.VIEW_REFERRAL_FIGURES,
)

ELIGIBILITY_RULES = Tile(
    "Eligibility rules",
    "Ages, postcode districts and concerns CIRV takes in each area.",
    "referrals:areas",
    Capability.CONFIGURE_REFERRALS,
)
SERVICES_DIRECTORY = Tile(
    "Services directory",
    "Where people go when CIRV cannot take them.",
    "referrals:directory",
    Capability.CONFIGURE_REFERRALS,
)

TRIAGE_PANELS = Tile(
    "Triage panels",
    "Agendas, what each agency holds, decisions and the printed record.",
    "triage:panels",
    Capability.SIT_ON_PANELS,
)

MY_CASES = Tile(
    "Your cases",
    "People on the CIRV pathway, their step, what is due and what needs attention.",
    "cases:mine",
    Capability.WORK_CASES,
)
CASELOADS = Tile(
    "Caseloads",
    "Every caseworker's cases by step, flags, and reassigning cases.",
    "cases:caseloads",
    Capability.MANAGE_CASELOADS,
)
MENTEES = Tile(
    "Your mentees",
    "The people assigned to you, and logging a meeting, call or message.",
    "cases:mentees",
    Capability.MENTOR_PEOPLE,
)

AT_RISK_LIST = Tile(
    "At-risk list",
    "People who would not engage, each with a reason, an owner and a review date.",
    "cases:at-risk",
    Capability.VIEW_AT_RISK_LIST,
)
PROGRAMME_FIGURES = Tile(
    "Programme figures",
    "Referrals, triage, the 8 steps, the at-risk list and closures, by area, sex and age.",
    "cases:programme",
    Capability.VIEW_PROGRAMME_FIGURES,
)
PERSON_INDEX = Tile(
    "Person index",
    "One record per person: possible duplicates, automatic links to check, merges.",
    "people:queue",
    Capability.MATCH_PEOPLE,
)
LINK_A_LIST = Tile(
    "Link a list",
    "Find the people of an exclusions list or evaluation cohort in the person index.",
    "people:link-list",
    Capability.LINK_LISTS,
)
CORE_MEASURES = Tile(
    "Core measures",
    "Homicides, knife crime and A&E sharp-object injuries, with change and cost.",
    "measures:dashboard",
    Capability.VIEW_MEASURES,
)
HOT_SPOTS = Tile(
    "Hot spots",
    "Where violence concentrates, how stable the hot spots are, and when it peaks.",
    "measures:hot_spots",
    Capability.VIEW_MEASURES,
)
IMPORT_DATA = Tile(
    "Import data",
    "police.uk files, the force's extract, emergency department returns and reference tables.",
    "measures:imports",
    Capability.IMPORT_MEASURES,
)

ROLE_TILES: dict[Role, list[Tile]] = {
    Role.REFERRER: [MAKE_REFERRAL, YOUR_REFERRALS],
    Role.CASEWORKER: [
        REFERRAL_QUEUE,
        TRIAGE_PANELS,
        MAKE_REFERRAL,
        MY_CASES,
        AT_RISK_LIST,
        PERSON_INDEX,
    ],
    Role.MENTOR: [MENTEES],
    Role.TRIAGE_PANEL_MEMBER: [TRIAGE_PANELS],
    Role.PROGRAMME_MANAGER: [
        REFERRAL_QUEUE,
        TRIAGE_PANELS,
        REFERRAL_FIGURES,
        ELIGIBILITY_RULES,
        SERVICES_DIRECTORY,
        CASELOADS,
        AT_RISK_LIST,
        PROGRAMME_FIGURES,
        PERSON_INDEX,
        LINK_A_LIST,
        CORE_MEASURES,
        HOT_SPOTS,
    ],
    Role.ANALYST: [CORE_MEASURES, HOT_SPOTS, IMPORT_DATA, LINK_A_LIST],
    Role.DATA_PROTECTION_OFFICER: [
        AUDIT_TRAIL,
        Tile("Retention and review", "Records due for review or deletion."),
        Tile("Subject access requests", "Find everything held about a person."),
    ],
    Role.SCRUTINY_MEMBER: [
        PROGRAMME_FIGURES,
        Tile("Reports", "Police and Crime Board and scrutiny reports."),
    ],
    Role.ADMINISTRATOR: [AGENCIES, USERS, UPLOAD_REFERRALS],
}


@dataclass(frozen=True)
class NavItem:
    text: str
    href: str
    current: bool


def tiles_for(role: Role) -> list[Tile]:
    return ROLE_TILES[role]


def navigation_for(user: User, current_path: str) -> list[NavItem]:
    """Home, then every page the user's roles may use, then their account."""
    items: list[tuple[str, str]] = [("Home", reverse("core:home"))]
    seen: set[str] = set()
    for role in user.sorted_roles:
        for tile in ROLE_TILES[role]:
            permitted = tile.capability is None or can(user, tile.capability)
            if tile.available and permitted and tile.title not in seen:
                items.append((tile.title, tile.url))
                seen.add(tile.title)
    items.append(("Your account", reverse("accounts:account")))
    # The longest matching prefix is the current section, so Home is not current everywhere.
    best = max(
        (href for _, href in items if current_path.startswith(href) and href != "/"),
        key=len,
        default="/" if current_path.startswith("/home/") or current_path == "/" else "",
    )
    return [NavItem(text, href, href == best) for text, href in items]
