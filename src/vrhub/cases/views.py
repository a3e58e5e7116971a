"""Casework pages (steps 3 to 8): the caseworker's cases, the programme manager's caseloads,
the case page with a form for each change, and the mentor's view of their mentees.

Every change goes through `services`; a refusal comes back to the page it was made on, in the
error summary and on the field, with what the user typed kept."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from vrhub.accounts import permissions
from vrhub.accounts.models import User
from vrhub.accounts.permissions import Capability, can, require
from vrhub.core.requests import posted, signed_in_user

from . import selectors, services
from .forms import (
    CloseForm,
    ContactForm,
    FamilyLinkForm,
    FamilyMemberForm,
    GoalForm,
    GoalStatusForm,
    MentorForm,
    MomentForm,
    MoveForm,
    NeedsForm,
    OfferAnswerForm,
    OfferForm,
    ReassignForm,
    ReleaseForm,
    ReopenForm,
    ServiceAddForm,
    ServiceRaiseForm,
    ServiceStatusForm,
)
from .models import Case, FamilyMember, Goal, PlannedService
from .pathway import CASE_STEPS

CASE_LIST_PAGE_SIZE = 50


# Lists: my cases, and a programme manager's view of anyone's.


def _list_filter(request: HttpRequest, me: User) -> tuple[selectors.CaseListFilter, str]:
    """Whose cases the list shows, and its heading. A programme manager may look at any
    caseworker's cases, or those nobody has; anyone else sees their own."""
    step = request.GET.get("step", "")
    step_wanted = int(step) if step.isdigit() and int(step) in CASE_STEPS else None
    flagged = request.GET.get("flagged") == "1"
    whose = request.GET.get("caseworker", "")
    if whose and can(me, Capability.MANAGE_CASELOADS):
        if whose == selectors.UNASSIGNED:
            criteria = selectors.CaseListFilter(
                caseworker_id=None, unassigned=True, step=step_wanted, flagged_only=flagged
            )
            return criteria, "Cases with no caseworker"
        other = User.objects.filter(pk=int(whose)).first() if whose.isdigit() else None
        if other is None:
            raise permissions.deny(
                me, target_type="caseload", target_id=whose[:64], reason="no_such_caseworker"
            )
        criteria = selectors.CaseListFilter(
            caseworker_id=other.pk, step=step_wanted, flagged_only=flagged
        )
        return criteria, f"Cases of {other.full_name}"
    criteria = selectors.CaseListFilter(caseworker_id=me.pk, step=step_wanted, flagged_only=flagged)
    return criteria, "Your cases"


@require(Capability.WORK_CASES)
@require_safe
def mine(request: HttpRequest) -> HttpResponse:
    me = signed_in_user(request)
    criteria, heading = _list_filter(request, me)
    page = Paginator(selectors.open_cases(criteria), CASE_LIST_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [selectors.row_of(case) for case in page]
    services.caseload_viewed(actor=me, cases=len(rows), view="cases")
    counts = selectors.open_case_counts_by_step(criteria)
    query = request.GET.copy()
    query.pop("page", None)
    base = request.GET.copy()
    for key in ("page", "step"):
        base.pop(key, None)
    return render(
        request,
        "cases/mine.html",
        {
            "page": page,
            "rows": rows,
            "heading": heading,
            "criteria": criteria,
            "tabs": [(int(s), f"{int(s)}. {s.label}", counts[int(s)]) for s in CASE_STEPS],
            "total": sum(counts.values()),
            "query": query.urlencode(),
            "base_query": base.urlencode(),
            "manages": can(me, Capability.MANAGE_CASELOADS),
            "contact_gap_days": settings.VRHUB_CONTACT_GAP_DAYS,
        },
    )


@require(Capability.MANAGE_CASELOADS)
@require_safe
def caseloads(request: HttpRequest) -> HttpResponse:
    loads, nobody = selectors.caseloads()
    return render(
        request,
        "cases/caseloads.html",
        {
            "loads": loads,
            "nobody": nobody,
            "steps": [(int(s), s.label) for s in CASE_STEPS],
            "unassigned": selectors.UNASSIGNED,
        },
    )


def _safe_next(request: HttpRequest, fallback: str) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return fallback


@require(Capability.MANAGE_CASELOADS)
@require_http_methods(["GET", "POST"])
def reassign(request: HttpRequest, reference: str) -> HttpResponse:
    me = signed_in_user(request)
    case = permissions.access_case(me, reference)
    form = ReassignForm(
        posted(request), version=case.version, caseworkers=selectors.active_caseworkers()
    )
    back = _safe_next(request, reverse("cases:caseloads"))
    if request.method == "POST" and form.is_valid():
        chosen: User = form.cleaned_data["caseworker"]
        try:
            services.caseworker_assign(
                case=case,
                actor=me,
                caseworker=chosen,
                expected_version=form.cleaned_data["expected_version"],
            )
        except services.CaseRefused as refused:
            _refuse(form, refused, case)
        else:
            messages.success(request, f"{case.reference} is now with {chosen.full_name}")
            return redirect(back)
    services.case_viewed(case=case, actor=me, view="reassign")
    return render(request, "cases/case_reassign.html", {"case": case, "form": form, "next": back})


# The case page.


def _refuse(form: forms.Form, refused: services.CaseRefused, case: Case) -> None:
    """Put each of the service's problems on its field (or the whole form)."""
    for name, message in refused.problems.items():
        target = name if name in form.fields and name != "expected_version" else None
        form.add_error(target, message)
    if isinstance(refused, services.CaseChanged):
        # The user has now seen the change: sending again applies to the current version.
        assert isinstance(form.data, QueryDict)  # noqa: S101 - forms here are bound to a POST
        data = form.data.copy()
        data[form.add_prefix("expected_version")] = str(case.version)
        form.data = data


def _case_forms(case: Case, page: selectors.CasePage) -> dict[str, forms.Form]:
    version = case.version
    found: dict[str, forms.Form] = {
        "move": MoveForm(prefix="move", step=case.step, version=version),
        "close": CloseForm(prefix="close", step=case.step, version=version),
        "reopen": ReopenForm(prefix="reopen", version=version),
        "offer": OfferForm(
            prefix="offer", version=version, initial={"made_on": timezone.localdate()}
        ),
        "offer_answer": OfferAnswerForm(
            prefix="answer", version=version, initial={"answered_on": timezone.localdate()}
        ),
        "moment": MomentForm(prefix="moment"),
        "contact": ContactForm(prefix="contact", initial={"occurred_on": timezone.localdate()}),
        "needs": NeedsForm(
            prefix="needs", version=version, initial={"assessed_on": timezone.localdate()}
        ),
        "goal": GoalForm(prefix="goal"),
        "service_add": ServiceAddForm(
            prefix="service", version=version, services=selectors.active_services()
        ),
        "release": ReleaseForm(prefix="release"),
        "family_add": FamilyMemberForm(prefix="family"),
        "family_link": FamilyLinkForm(prefix="link"),
    }
    if case.is_open:
        found["mentor"] = MentorForm(
            prefix="mentor",
            version=version,
            mentors=services.mentors_available(),
            initial={"starts_on": timezone.localdate()},
        )
    for goal in page.goals:
        found[f"goal-{goal.pk}"] = GoalStatusForm(
            prefix=f"goal-{goal.pk}", initial={"status": goal.status}
        )
    for planned in page.plan:
        found[f"service-{planned.pk}"] = ServiceStatusForm(
            prefix=f"service-{planned.pk}",
            version=version,
            initial={"status": planned.status, "status_on": timezone.localdate()},
        )
        found[f"raise-{planned.pk}"] = ServiceRaiseForm(
            prefix=f"raise-{planned.pk}", version=version
        )
    return found


def _render_case(
    request: HttpRequest,
    case: Case,
    failed: tuple[str, forms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The whole case; every showing of it is audited."""
    me = signed_in_user(request)
    services.case_viewed(case=case, actor=me)
    page = selectors.case_page(case)
    all_forms = _case_forms(case, page)
    if failed is not None:
        key, form = failed
        all_forms[key] = form
    return render(
        request,
        "cases/case.html",
        {
            "page": page,
            "case": case,
            "f": all_forms,
            "failed": failed[1] if failed else None,
            # The page title says "Error:" when a form failed (base.html reads `form`).
            "form": failed[1] if failed else None,
            "goals": [(g, all_forms[f"goal-{g.pk}"]) for g in page.goals],
            "plan": [
                (p, all_forms[f"service-{p.pk}"], all_forms[f"raise-{p.pk}"]) for p in page.plan
            ],
            "manages": can(me, Capability.MANAGE_CASELOADS),
            "contact_gap_days": settings.VRHUB_CONTACT_GAP_DAYS,
            "may_see_disruption": permissions.may_see_disruption(me),
        },
        status=status,
    )


@require(Capability.WORK_CASES)
@require_safe
def detail(request: HttpRequest, reference: str) -> HttpResponse:
    case = permissions.access_case(signed_in_user(request), reference)
    return _render_case(request, case)


def _act(
    request: HttpRequest,
    case: Case,
    key: str,
    form: forms.Form,
    change: Callable[[dict[str, Any]], str],
    anchor: str,
) -> HttpResponse:
    """Make the change if the form is valid and the service agrees; otherwise show the case
    again with the form's errors."""
    if form.is_valid():
        try:
            done = change(form.cleaned_data)
        except services.CaseRefused as refused:
            _refuse(form, refused, case)
        else:
            messages.success(request, done)
            return redirect(reverse("cases:detail", args=[case.reference]) + f"#{anchor}")
    return _render_case(request, case, (key, form), status=400)


def _case(request: HttpRequest, reference: str) -> tuple[User, Case]:
    me = signed_in_user(request)
    return me, permissions.access_case(me, reference)


@require(Capability.WORK_CASES)
@require_POST
def move(request: HttpRequest, reference: str) -> HttpResponse:
    me, case = _case(request, reference)
    form = MoveForm(request.POST, prefix="move", step=case.step)

    def change(data: dict[str, Any]) -> str:
        services.case_move(
            case=case,
            actor=me,
            to_step=data["to_step"],
            reason=data["reason"],
            expected_version=data["expected_version"],
        )
        return f"The case is now at step {case.step}, {case.step_label}"

    return _act(request, case, "move", form, change, "next")


@require(Capability.WORK_CASES)
@require_POST
def close(request: HttpRequest, reference: str) -> HttpResponse:
    me, case = _case(request, reference)
    form = CloseForm(request.POST, prefix="close", step=case.step)

    def change(data: dict[str, Any]) -> str:
        services.case_close(
            case=case,
            actor=me,
            reason=data["reason"],
            placement_outcome=data.get("placement_outcome", ""),
            follow_up_on=data["follow_up_on"],
            note=data["note"],
            expected_version=data["expected_version"],
        )
        return "The case is closed"

    return _act(request, case, "close", form, change, "next")


@require(Capability.WORK_CASES)
@require_POST
def reopen(request: HttpRequest, reference: str) -> HttpResponse:
    me, case = _case(request, reference)
    form = ReopenForm(request.POST, prefix="reopen")

    def change(data: dict[str, Any]) -> str:
        services.case_reopen(
            case=case,
            actor=me,
            to_step=data["to_step"],
            reason=data["reason"],
            expected_version=data["expected_version"],
        )
        return f"The case is open again at step {case.step}, {case.step_label}"

    return _act(request, case, "reopen", form, change, "next")


@require(Capability.WORK_CASES)
@require_POST
def offer(request: HttpRequest, reference: str) -> HttpResponse:
    me, case = _case(request, reference)
    form = OfferForm(request.POST, prefix="offer")

    def change(data: dict[str, Any]) -> str:
        made = services.offer_make(
            case=case,
            actor=me,
            made_on=data["made_on"],
            method=data["method"],
            expected_version=data["expected_version"],
        )
        return f"Offer recorded: an answer is due by {made.respond_by:%-d %B %Y}"

    return _act(request, case, "offer", form, change, "offer")


@require(Capability.WORK_CASES)
@require_POST
def offer_answer(request: HttpRequest, reference: str) -> HttpResponse:
    me, case = _case(request, reference)
    form = OfferAnswerForm(request.POST, prefix="answer")

    def change(data: dict[str, Any]) -> str:
        services.offer_answer(
            case=case,
            actor=me,
            answer=data["answer"],
            answered_on=data["answered_on"],
            expected_version=data["expected_version"],
        )
        if case.is_open:
            return f"Offer accepted: the case is now at step {case.step}, {case.step_label}"
        return "Offer declined: the case is closed"

    return _act(request, case, "offer_answer", form, change, "offer")


@require(Capability.WORK_CASES)
@require_POST
def moment(request: HttpRequest, reference: str) -> HttpResponse:
    me, case = _case(request, reference)
    form = MomentForm(request.POST, prefix="moment")

    def change(data: dict[str, Any]) -> str:
        services.moment_record(
            case=case,
            actor=me,
            kind=data["kind"],
            occurred_on=data["occurred_on"],
            contacted_on=data["contacted_on"],
            contact_method=data["contact_method"],
        )
        return "Reachable moment recorded"

    return _act(request, case, "moment", form, change, "moments")


@require(Capability.WORK_CASES)
@require_POST
def mentor(request: HttpRequest, reference: str) -> HttpResponse:
    me, case = _case(request, reference)
    form = MentorForm(request.POST, prefix="mentor", mentors=services.mentors_available())

    def change(data: dict[str, Any]) -> str:
        chosen: User = data["mentor"]
        services.mentor_assign(
            case=case,
            actor=me,
            mentor=chosen,
            starts_on=data["starts_on"],
            expected_version=data["expected_version"],
        )
        return f"{chosen.full_name} is now the mentor"

    return _act(request, case, "mentor", form, change, "mentor")


@require(Capability.WORK_CASES)
@require_POST
def contact(request: HttpRequest, reference: str) -> HttpResponse:
    me, case = _case(request, reference)
    form = ContactForm(request.POST, prefix="contact")

    def change(data: dict[str, Any]) -> str:
        _log_contact(case, me, data)
        return "Contact logged"

    return _act(request, case, "contact", form, change, "contacts")


def _log_contact(case: Case, actor: User, data: dict[str, Any]) -> None:
    services.contact_log(
        case=case,
        actor=actor,
        method=data["method"],
        occurred_on=data["occurred_on"],
        duration_minutes=data["duration_minutes"],
        note=data["note"],
    )


@require(Capability.WORK_CASES)
@require_POST
def needs(request: HttpRequest, reference: str) -> HttpResponse:
    me, case = _case(request, reference)
    form = NeedsForm(request.POST, prefix="needs")

    def change(data: dict[str, Any]) -> str:
        assert isinstance(form, NeedsForm)  # noqa: S101
        services.needs_assess(
            case=case,
            actor=me,
            assessed_on=data["assessed_on"],
            scores=form.scores(),
            next_review_on=data["next_review_on"],
            expected_version=data["expected_version"],
        )
        return f"Needs assessment recorded: next review by {case.next_review_on:%-d %B %Y}"

    return _act(request, case, "needs", form, change, "needs")


@require(Capability.WORK_CASES)
@require_POST
def goal(request: HttpRequest, reference: str) -> HttpResponse:
    me, case = _case(request, reference)
    form = GoalForm(request.POST, prefix="goal")

    def change(data: dict[str, Any]) -> str:
        services.goal_set(
            case=case,
            actor=me,
            domain=data["domain"],
            description=data["description"],
            target_on=data["target_on"],
        )
        return "Goal set"

    return _act(request, case, "goal", form, change, "goals")


def _goal(me: User, case: Case, goal_id: int) -> Goal:
    found = Goal.objects.filter(case=case, pk=goal_id).first()
    if found is None:
        raise permissions.deny(me, target_type="goal", target_id=goal_id, reason="not_this_case")
    found.case = case
    return found


@require(Capability.WORK_CASES)
@require_POST
def goal_status(request: HttpRequest, reference: str, goal_id: int) -> HttpResponse:
    me, case = _case(request, reference)
    the_goal = _goal(me, case, goal_id)
    form = GoalStatusForm(request.POST, prefix=f"goal-{the_goal.pk}")

    def change(data: dict[str, Any]) -> str:
        services.goal_update(goal=the_goal, actor=me, status=data["status"])
        return f"Goal updated: {the_goal.get_status_display().lower()}"

    return _act(request, case, f"goal-{the_goal.pk}", form, change, "goals")


@require(Capability.WORK_CASES)
@require_POST
def service_add(request: HttpRequest, reference: str) -> HttpResponse:
    me, case = _case(request, reference)
    form = ServiceAddForm(request.POST, prefix="service", services=selectors.active_services())

    def change(data: dict[str, Any]) -> str:
        services.service_plan_add(
            case=case,
            actor=me,
            service=data["service"],
            expected_version=data["expected_version"],
        )
        return f"{data['service'].name} added to the plan"

    return _act(request, case, "service_add", form, change, "plan")


def _planned(me: User, case: Case, planned_id: int) -> PlannedService:
    found = (
        PlannedService.objects.filter(case=case, pk=planned_id).select_related("service").first()
    )
    if found is None:
        raise permissions.deny(
            me, target_type="planned_service", target_id=planned_id, reason="not_this_case"
        )
    found.case = case
    return found


@require(Capability.WORK_CASES)
@require_POST
def service_status(request: HttpRequest, reference: str, planned_id: int) -> HttpResponse:
    me, case = _case(request, reference)
    planned = _planned(me, case, planned_id)
    form = ServiceStatusForm(request.POST, prefix=f"service-{planned.pk}")

    def change(data: dict[str, Any]) -> str:
        services.service_plan_update(
            planned=planned,
            actor=me,
            status=data["status"],
            status_on=data["status_on"],
            expected_version=data["expected_version"],
        )
        return f"{planned.service.name}: {planned.get_status_display().lower()}"

    return _act(request, case, f"service-{planned.pk}", form, change, "plan")


@require(Capability.WORK_CASES)
@require_POST
def service_raise(request: HttpRequest, reference: str, planned_id: int) -> HttpResponse:
    me, case = _case(request, reference)
    planned = _planned(me, case, planned_id)
    form = ServiceRaiseForm(request.POST, prefix=f"raise-{planned.pk}")

    def change(data: dict[str, Any]) -> str:
        services.service_plan_raise(
            planned=planned, actor=me, expected_version=data["expected_version"]
        )
        return f"{planned.service.name} moved up the plan"

    return _act(request, case, f"raise-{planned.pk}", form, change, "plan")


@require(Capability.WORK_CASES)
@require_POST
def release(request: HttpRequest, reference: str) -> HttpResponse:
    me, case = _case(request, reference)
    form = ReleaseForm(request.POST, prefix="release")

    def change(data: dict[str, Any]) -> str:
        services.release_record(
            case=case,
            actor=me,
            release_on=data["release_on"],
            establishment=data["establishment"],
        )
        return "Release from custody recorded"

    return _act(request, case, "release", form, change, "releases")


@require(Capability.WORK_CASES)
@require_POST
def family_add(request: HttpRequest, reference: str) -> HttpResponse:
    me, case = _case(request, reference)
    form = FamilyMemberForm(request.POST, prefix="family")

    def change(data: dict[str, Any]) -> str:
        member = services.family_member_add(
            case=case,
            actor=me,
            first_name=data["first_name"],
            last_name=data["last_name"],
            date_of_birth=data["date_of_birth"],
            role=data["role"],
            same_household=data["same_household"],
            involved_in_serious_violence=data["involved_in_serious_violence"],
        )
        # Messages travel in a cookie: they name staff and references, never the person.
        return f"Family member added ({member.get_role_display().lower()})"

    return _act(request, case, "family_add", form, change, "family")


@require(Capability.WORK_CASES)
@require_POST
def family_link(request: HttpRequest, reference: str) -> HttpResponse:
    me, case = _case(request, reference)
    form = FamilyLinkForm(request.POST, prefix="link")

    def change(data: dict[str, Any]) -> str:
        other = (
            permissions.cases_visible_to(me)
            .select_related("referral", "referral__referring_agency")
            .filter(reference=data["other"])
            .first()
        )
        if other is None:
            raise services.CaseRefused(
                {"other": f"There is no case {data['other']}: check the reference"}
            )
        services.family_link(case=case, other=other, actor=me)
        return f"The family of case {other.reference} is linked with this one"

    return _act(request, case, "family_link", form, change, "family")


@require(Capability.WORK_CASES)
@require_POST
def family_involved(request: HttpRequest, reference: str, member_id: int) -> HttpResponse:
    me, case = _case(request, reference)
    member = FamilyMember.objects.filter(pk=member_id, family__members__case=case).first()
    if member is None:
        raise permissions.deny(
            me, target_type="family_member", target_id=member_id, reason="not_this_family"
        )
    involved = request.POST.get("involved") == "1"
    try:
        services.family_member_mark_involved(member=member, case=case, actor=me, involved=involved)
    except services.CaseRefused as refused:
        messages.error(request, next(iter(refused.problems.values())))
        return redirect(reverse("cases:detail", args=[case.reference]) + "#family")
    messages.success(
        request,
        "Family member recorded as "
        f"{'involved' if involved else 'not involved'} in serious violence",
    )
    return redirect(reverse("cases:detail", args=[case.reference]) + "#family")


# The mentor's view: their mentees, and only what a mentor needs.


@require(Capability.MENTOR_PEOPLE)
@require_safe
def mentees(request: HttpRequest) -> HttpResponse:
    me = signed_in_user(request)
    rows = selectors.mentee_rows(me)
    services.caseload_viewed(actor=me, cases=len(rows), view="mentees")
    return render(request, "cases/mentees.html", {"rows": rows})


def _render_mentee(
    request: HttpRequest, case: Case, form: ContactForm | None = None, status: int = 200
) -> HttpResponse:
    me = signed_in_user(request)
    services.case_viewed(case=case, actor=me, view="mentor")
    return render(
        request,
        "cases/mentee.html",
        {
            "page": selectors.mentee_page(case, me),
            "case": case,
            "contact_form": form
            or ContactForm(prefix="contact", initial={"occurred_on": timezone.localdate()}),
            "form": form,
        },
        status=status,
    )


@require(Capability.MENTOR_PEOPLE)
@require_safe
def mentee(request: HttpRequest, reference: str) -> HttpResponse:
    case = permissions.access_mentee(signed_in_user(request), reference)
    return _render_mentee(request, case)


@require(Capability.MENTOR_PEOPLE)
@require_POST
def mentee_contact(request: HttpRequest, reference: str) -> HttpResponse:
    me = signed_in_user(request)
    case = permissions.access_mentee(me, reference)
    form = ContactForm(request.POST, prefix="contact")
    if form.is_valid():
        try:
            _log_contact(case, me, form.cleaned_data)
        except services.CaseRefused as refused:
            _refuse(form, refused, case)
        else:
            messages.success(request, "Contact logged")
            return redirect("cases:mentee", reference=case.reference)
    return _render_mentee(request, case, form, status=400)
