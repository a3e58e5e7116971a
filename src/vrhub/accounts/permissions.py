"""Who may do what, decided here and nowhere else.

Every view and API endpoint asks this module. Two kinds of question:
- capability: may this user, by their roles, use this part of vrhub at all? If not: 403.
- scope: is this record within the user's reach (their agency, or every agency for the host)?
  If not: 404, so a user cannot learn that another agency's record exists, and the attempt is
  audited.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponseBase
from django.utils import timezone
from rest_framework.permissions import BasePermission

from vrhub.audit.models import AuditAction, AuditEvent
from vrhub.audit.services import record
from vrhub.cases.models import AtRiskEntry, Case, DisruptionPlan
from vrhub.people.models import MatchCandidate, Merge, Person, SourceRecord
from vrhub.referrals.models import Referral, ReferralStatus
from vrhub.triage.models import AgendaItem, TriagePanel

from .models import Agency, AgencyKind, Role, User

if TYPE_CHECKING:
    from rest_framework.request import Request
    from rest_framework.views import APIView


class Capability(StrEnum):
    MANAGE_AGENCIES = "manage_agencies"
    MANAGE_USERS = "manage_users"
    VIEW_AUDIT_TRAIL = "view_audit_trail"
    MAKE_REFERRALS = "make_referrals"
    WORK_REFERRALS = "work_referrals"
    UPLOAD_REFERRALS = "upload_referrals"
    VIEW_REFERRAL_FIGURES = "view_referral_figures"
    CONFIGURE_REFERRALS = "configure_referrals"
    SIT_ON_PANELS = "sit_on_panels"
    DECIDE_AT_PANELS = "decide_at_panels"
    SCHEDULE_PANELS = "schedule_panels"
    WORK_CASES = "work_cases"
    MANAGE_CASELOADS = "manage_caseloads"
    MENTOR_PEOPLE = "mentor_people"
    VIEW_AT_RISK_LIST = "view_at_risk_list"
    GOVERN_AT_RISK_LIST = "govern_at_risk_list"
    VIEW_PROGRAMME_FIGURES = "view_programme_figures"
    MATCH_PEOPLE = "match_people"
    CHECK_PERSON_INDEX = "check_person_index"
    LINK_LISTS = "link_lists"
    VIEW_MEASURES = "view_measures"
    IMPORT_MEASURES = "import_measures"


ROLE_CAPABILITIES: dict[Role, frozenset[Capability]] = {
    Role.REFERRER: frozenset({Capability.MAKE_REFERRALS}),
    Role.CASEWORKER: frozenset(
        {
            Capability.MAKE_REFERRALS,
            Capability.WORK_REFERRALS,
            Capability.SIT_ON_PANELS,
            Capability.DECIDE_AT_PANELS,
            Capability.WORK_CASES,
            Capability.VIEW_AT_RISK_LIST,
            Capability.MATCH_PEOPLE,
        }
    ),
    Role.MENTOR: frozenset({Capability.MENTOR_PEOPLE}),
    Role.TRIAGE_PANEL_MEMBER: frozenset({Capability.SIT_ON_PANELS}),
    Role.PROGRAMME_MANAGER: frozenset(
        {
            Capability.WORK_REFERRALS,
            Capability.VIEW_REFERRAL_FIGURES,
            Capability.CONFIGURE_REFERRALS,
            Capability.SIT_ON_PANELS,
            Capability.DECIDE_AT_PANELS,
            Capability.SCHEDULE_PANELS,
            Capability.WORK_CASES,
            Capability.MANAGE_CASELOADS,
            Capability.VIEW_AT_RISK_LIST,
            Capability.GOVERN_AT_RISK_LIST,
            Capability.VIEW_PROGRAMME_FIGURES,
            Capability.MATCH_PEOPLE,
            Capability.CHECK_PERSON_INDEX,
            Capability.LINK_LISTS,
            Capability.VIEW_MEASURES,
        }
    ),
    # Imports police, hospital and reference data and reads the measures; links a list (an
    # evaluation cohort, an exclusions list) to the index, getting back person references only.
    Role.ANALYST: frozenset(
        {Capability.LINK_LISTS, Capability.VIEW_MEASURES, Capability.IMPORT_MEASURES}
    ),
    Role.DATA_PROTECTION_OFFICER: frozenset({Capability.VIEW_AUDIT_TRAIL}),
    # Aggregated figures only, with small numbers suppressed; never a person's record.
    Role.SCRUTINY_MEMBER: frozenset({Capability.VIEW_PROGRAMME_FIGURES}),
    Role.ADMINISTRATOR: frozenset(
        {Capability.MANAGE_AGENCIES, Capability.MANAGE_USERS, Capability.UPLOAD_REFERRALS}
    ),
}


def capabilities_of(user: Any) -> frozenset[Capability]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    if not user.agency.is_active:
        return frozenset()
    result: set[Capability] = set()
    for role in user.roles:
        result |= ROLE_CAPABILITIES[role]
    return frozenset(result)


def can(user: Any, capability: Capability) -> bool:
    return capability in capabilities_of(user)


def deny(user: User, *, target_type: str, target_id: str | int, reason: str) -> Http404:
    """Audit an attempt to reach a record out of the user's scope; the caller raises the 404."""
    record(
        action=AuditAction.ACCESS_DENIED,
        actor=user,
        target_type=target_type,
        target_id=target_id,
        detail={"reason": reason},
    )
    return Http404()


def _refuse_capability(user: User, capability: Capability, where: str) -> PermissionDenied:
    record(
        action=AuditAction.ACCESS_DENIED,
        actor=user,
        target_type="page",
        target_id=where[:64],
        detail={"reason": "missing_capability", "capability": str(capability)},
    )
    return PermissionDenied()


ViewFunc = TypeVar("ViewFunc", bound=Callable[..., HttpResponseBase])


def require(capability: Capability) -> Callable[[ViewFunc], ViewFunc]:
    """Decorate a view so only users with the capability reach it; others get a 403 page."""

    def decorator(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not can(request.user, capability):
                raise _refuse_capability(request.user, capability, request.path)  # type: ignore[arg-type]
            return view(request, *args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def api_permission(capability: Capability) -> type[BasePermission]:
    """A REST framework permission class for the capability."""

    class HasCapability(BasePermission):
        def has_permission(self, request: Request, view: APIView) -> bool:
            if not getattr(request.user, "is_authenticated", False):
                return False
            if can(request.user, capability):
                return True
            raise _refuse_capability(request.user, capability, request.path)  # type: ignore[arg-type]

    HasCapability.__name__ = f"Has{capability.title().replace('_', '')}"
    return HasCapability


# Scope: agencies and users.


def hosts_partnership(user: User) -> bool:
    return bool(user.agency.hosts_partnership)


def administrable_agencies(user: User) -> QuerySet[Agency]:
    """The agencies whose details and users this administrator manages."""
    if not can(user, Capability.MANAGE_AGENCIES):
        return Agency.objects.none()
    if hosts_partnership(user):
        return Agency.objects.all()
    return Agency.objects.filter(pk=user.agency_id)


def can_create_agencies(user: User) -> bool:
    return can(user, Capability.MANAGE_AGENCIES) and hosts_partnership(user)


def access_agency(user: User, agency_id: int) -> Agency:
    """The agency, if this administrator manages it; otherwise an audited 404."""
    agency = administrable_agencies(user).filter(pk=agency_id).first()
    if agency is None:
        raise deny(user, target_type="agency", target_id=agency_id, reason="out_of_scope")
    return agency


def administrable_users(user: User) -> QuerySet[User]:
    if not can(user, Capability.MANAGE_USERS):
        return User.objects.none()
    return User.objects.filter(agency__in=administrable_agencies(user))


def access_user(user: User, user_id: int) -> User:
    """The user account, if this administrator manages it; otherwise an audited 404."""
    found = administrable_users(user).select_related("agency").filter(pk=user_id).first()
    if found is None:
        raise deny(user, target_type="user", target_id=user_id, reason="out_of_scope")
    return found


def access_role_home(user: User, role: str) -> Role:
    """One of the user's roles, whose home page they asked for; otherwise an audited 404."""
    try:
        chosen = Role(role)
    except ValueError:
        chosen = None
    if chosen is None or chosen not in user.roles:
        raise deny(user, target_type="role_home", target_id=role[:64], reason="not_their_role")
    return chosen


def visible_audit_events(user: User) -> QuerySet[AuditEvent]:
    """A data protection officer of the host sees the whole trail; others see what their
    agency's staff did and what was done to their agency's records."""
    if not can(user, Capability.VIEW_AUDIT_TRAIL):
        return AuditEvent.objects.none()
    events = AuditEvent.objects.all()
    if not is_police(user):
        # Not even the trail may show that a disruption plan exists outside the police.
        events = events.exclude(target_type=DISRUPTION_TARGET)
    if hosts_partnership(user):
        return events
    return events.filter(Q(agency_id=user.agency_id) | Q(subject_agency_id=user.agency_id))


def audit_filter_choices(user: User) -> tuple[QuerySet[Agency], QuerySet[User]]:
    """The agencies and users a data protection officer may filter the trail by."""
    if not can(user, Capability.VIEW_AUDIT_TRAIL):
        return Agency.objects.none(), User.objects.none()
    agencies = (
        Agency.objects.all()
        if hosts_partnership(user)
        else Agency.objects.filter(pk=user.agency_id)
    )
    return agencies, User.objects.filter(agency__in=agencies).order_by("full_name")


def audit_action_choices(user: User) -> list[tuple[str, str]]:
    """The actions a data protection officer may filter by: outside the police, the list does
    not even name disruption."""
    return [
        (value, label)
        for value, label in AuditAction.choices
        if is_police(user) or not value.startswith("disruption.")
    ]


# Roles that give partnership-wide reach over people's data or its administration: the CIRV
# team (caseworkers, programme managers) reads every referral.
PARTNERSHIP_ROLES = frozenset(
    {Role.ADMINISTRATOR, Role.DATA_PROTECTION_OFFICER, Role.CASEWORKER, Role.PROGRAMME_MANAGER}
)


def grantable_roles(user: User) -> frozenset[Role]:
    """Roles this administrator may give. Only the host's administrators give the roles that
    oversee others (administrator, data protection officer)."""
    if not can(user, Capability.MANAGE_USERS):
        return frozenset()
    if hosts_partnership(user):
        return frozenset(Role)
    return frozenset(Role) - PARTNERSHIP_ROLES


# Scope: referrals. The CIRV team (caseworkers, programme managers) works every referral; a
# referrer reaches the referrals they made, in full while at the referral stage, then only
# their status.


def referrals_visible_to(user: User) -> QuerySet[Referral]:
    if can(user, Capability.WORK_REFERRALS):
        return Referral.objects.exclude(status=ReferralStatus.DRAFT)
    if can(user, Capability.MAKE_REFERRALS):
        return Referral.objects.filter(referred_by=user)
    return Referral.objects.none()


def access_referral(user: User, reference: str, *, whole: bool = True) -> Referral:
    """The referral, if the user may see it (`whole`: all of it, not just its status);
    otherwise an audited 404."""
    referral = (
        referrals_visible_to(user)
        .select_related("referring_agency", "referred_by", "area")
        .filter(reference=reference)
        .first()
    )
    if referral is not None and whole:
        sees_all = can(user, Capability.WORK_REFERRALS) or referral.at_referral_stage
        referral = referral if sees_all else None
    if referral is None:
        raise deny(user, target_type="referral", target_id=reference, reason="out_of_scope")
    return referral


def access_draft(user: User, reference: str) -> Referral:
    """A draft referral its own author is still writing; otherwise an audited 404."""
    draft = (
        Referral.objects.filter(
            reference=reference, referred_by=user, status=ReferralStatus.DRAFT
        ).first()
        if can(user, Capability.MAKE_REFERRALS)
        else None
    )
    if draft is None:
        raise deny(user, target_type="referral", target_id=reference, reason="not_their_draft")
    return draft


# Scope: triage panels. Panels are multi-agency: every panel member, caseworker and programme
# manager of the partnership sees the agendas and what each agency contributed.


def panels_visible_to(user: User) -> QuerySet[TriagePanel]:
    if can(user, Capability.SIT_ON_PANELS):
        return TriagePanel.objects.all()
    return TriagePanel.objects.none()


def access_panel(user: User, panel_id: int) -> TriagePanel:
    panel = panels_visible_to(user).select_related("area", "chair").filter(pk=panel_id).first()
    if panel is None:
        raise deny(user, target_type="triage_panel", target_id=panel_id, reason="out_of_scope")
    return panel


def access_agenda_item(user: User, panel: TriagePanel, item_id: int) -> AgendaItem:
    item = (
        AgendaItem.objects.filter(panel=panel, pk=item_id)
        .select_related("referral", "referral__area", "referral__referring_agency")
        .first()
    )
    if item is None:
        raise deny(user, target_type="agenda_item", target_id=item_id, reason="out_of_scope")
    return item


# Scope: cases. The CIRV team works every case; a mentor reaches only the people assigned to
# them now, and only the mentor's view of them.


def cases_visible_to(user: User) -> QuerySet[Case]:
    if can(user, Capability.WORK_CASES):
        return Case.objects.all()
    return Case.objects.none()


def mentees_of(user: User) -> QuerySet[Case]:
    if not can(user, Capability.MENTOR_PEOPLE):
        return Case.objects.none()
    return Case.objects.filter(
        mentor_assignments__mentor=user,
        mentor_assignments__ends_on__isnull=True,
        mentor_assignments__starts_on__lte=timezone.localdate(),
        is_open=True,
    )


def access_case(user: User, reference: str) -> Case:
    """The whole case, for the CIRV team; otherwise an audited 404."""
    case = (
        cases_visible_to(user)
        .select_related("referral", "referral__area", "referral__referring_agency", "caseworker")
        .filter(reference=reference)
        .first()
    )
    if case is None:
        raise deny(user, target_type="case", target_id=reference, reason="out_of_scope")
    return case


def access_mentee(user: User, reference: str) -> Case:
    """A case whose person this mentor is assigned to now; otherwise an audited 404."""
    case = mentees_of(user).select_related("referral").filter(reference=reference).first()
    if case is None:
        raise deny(user, target_type="case", target_id=reference, reason="not_their_mentee")
    return case


def may_review_at_risk_entry(user: User, entry: AtRiskEntry) -> bool:
    """Keeping someone on the at-risk list, or taking them off, is for the entry's owner or
    those who govern the list; other caseworkers read it."""
    return entry.owner_id == user.pk or can(user, Capability.GOVERN_AT_RISK_LIST)


def require_review_of(user: User, entry: AtRiskEntry) -> None:
    if not may_review_at_risk_entry(user, entry):
        record(
            action=AuditAction.ACCESS_DENIED,
            actor=user,
            target_type="at_risk_entry",
            target_id=entry.pk,
            detail={"reason": "not_owner"},
        )
        raise PermissionDenied()


def access_case_or_mentee(user: User, reference: str) -> Case:
    """The case for the CIRV team; for a mentor, one of their current mentees; otherwise an
    audited 404. For what both may do, like logging a contact."""
    if can(user, Capability.WORK_CASES):
        return access_case(user, reference)
    return access_mentee(user, reference)


def sees_small_numbers(user: User) -> bool:
    """Whether figures may show counts under 5 exactly: the CIRV team may; scrutiny may not."""
    return can(user, Capability.WORK_CASES)


# Scope: disruption. Police-only, and invisible to everyone else: other users get the same 404
# as for a plan that does not exist, and no page, figure or trail entry hints at one.
DISRUPTION_TARGET = "disruption_plan"


def is_police(user: User) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.agency.kind == AgencyKind.POLICE


def may_see_disruption(user: User) -> bool:
    return is_police(user) and (
        can(user, Capability.WORK_CASES) or can(user, Capability.SIT_ON_PANELS)
    )


def disruption_plans_visible_to(user: User) -> QuerySet[DisruptionPlan]:
    if may_see_disruption(user):
        return DisruptionPlan.objects.all()
    return DisruptionPlan.objects.none()


def access_disruption_case(user: User, reference: str) -> Case:
    """A case, for a police user working disruption; for anyone else an audited 404 that does
    not name disruption."""
    case = Case.objects.filter(reference=reference).select_related("referral").first()
    if case is None or not may_see_disruption(user):
        raise deny(user, target_type="case", target_id=reference, reason="out_of_scope")
    return case


# The person index: the CIRV team (caseworkers and the programme manager) works it whole.


def access_person(user: User, reference: str) -> Person:
    person = (
        Person.objects.filter(reference=reference).first()
        if can(user, Capability.MATCH_PEOPLE)
        else None
    )
    if person is None:
        raise deny(user, target_type="person", target_id=reference, reason="out_of_scope")
    return person


def access_referral_record(user: User, reference: str) -> SourceRecord:
    """A referral's record in the index, for matching it to a person."""
    found = None
    if can(user, Capability.MATCH_PEOPLE) and can(user, Capability.WORK_REFERRALS):
        found = (
            SourceRecord.objects.select_related("referral", "person", "linked_by")
            .filter(referral__reference=reference)
            .exclude(referral__status=ReferralStatus.DRAFT)
            .first()
        )
    if found is None:
        raise deny(user, target_type="referral", target_id=reference, reason="out_of_scope")
    return found


def access_match_candidate(user: User, candidate_id: int) -> MatchCandidate:
    candidate = None
    if can(user, Capability.MATCH_PEOPLE):
        candidate = (
            MatchCandidate.objects.select_related("person_a", "person_b", "decided_by")
            .filter(pk=candidate_id)
            .first()
        )
    if candidate is None:
        raise deny(
            user, target_type="match_candidate", target_id=candidate_id, reason="out_of_scope"
        )
    return candidate


def access_merge(user: User, merge_id: int) -> Merge:
    merge = None
    if can(user, Capability.MATCH_PEOPLE):
        merge = (
            Merge.objects.select_related("survivor", "absorbed", "merged_by", "unmerged_by")
            .filter(pk=merge_id)
            .first()
        )
    if merge is None:
        raise deny(user, target_type="merge", target_id=merge_id, reason="out_of_scope")
    return merge
