"""Multi-agency triage pages (step 2): panels, their agendas, what each agency holds about a
person, the panel's decision, and the meeting's record."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import TextChoices
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from vrhub.accounts import permissions
from vrhub.accounts.models import Role, User
from vrhub.accounts.permissions import Capability, can, require
from vrhub.cases.models import Case
from vrhub.core.forms import GovukForm
from vrhub.core.requests import posted, signed_in_user
from vrhub.referrals.eligibility import age_on
from vrhub.referrals.models import Concern, Referral, RiskFactor

from . import selectors, services
from .forms import ContributionForm, DecisionForm, PanelScheduleForm
from .models import AgendaItem, PanelDecision, TriagePanel

PAST_PANELS_PAGE_SIZE = 20


def _labels(choices: type[TextChoices], values: list[str]) -> list[str]:
    """Labels in the order the referral's question lists them."""
    order = [c.value for c in choices]
    known = sorted((v for v in values if v in order), key=order.index)
    return [str(choices(v).label) for v in known]


def _age(referral: Referral, panel: TriagePanel) -> int | None:
    """The person's age on the day the panel meets."""
    if referral.date_of_birth is None:
        return None
    return age_on(referral.date_of_birth, timezone.localdate(panel.meets_at))


def _people(count: int) -> str:
    return f"{count} {'person' if count == 1 else 'people'}"


def _show_problems(
    form: GovukForm, refused: services.TriageRefused, renamed: dict[str, str] | None = None
) -> None:
    """The service's reasons, each on the field it is about (or the whole form)."""
    for name, message in refused.problems.items():
        field = (renamed or {}).get(name, name)
        form.add_error(field if field in form.fields else None, message)


# Panels.


@require(Capability.SIT_ON_PANELS)
@require_safe
def panels(request: HttpRequest) -> HttpResponse:
    me = signed_in_user(request)
    past = Paginator(selectors.past_panels(actor=me), PAST_PANELS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "triage/panels.html",
        {
            "upcoming": selectors.upcoming_panels(actor=me),
            "page": past,
            "may_schedule": can(me, Capability.SCHEDULE_PANELS),
        },
    )


@require(Capability.SCHEDULE_PANELS)
@require_http_methods(["GET", "POST"])
def schedule(request: HttpRequest) -> HttpResponse:
    me = signed_in_user(request)
    chairs = selectors.possible_chairs()
    form = PanelScheduleForm(
        posted(request),
        areas=selectors.schedulable_areas(),
        chairs=chairs,
        initial={"chair": me.pk} if chairs.filter(pk=me.pk).exists() else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            panel = services.panel_schedule(
                actor=me,
                area=form.cleaned_data["area"],
                meets_at=form.meets_at(),
                location=form.cleaned_data["location"],
                chair=form.cleaned_data["chair"],
            )
        except services.TriageRefused as refused:
            _show_problems(form, refused, renamed={"meets_at": "date"})
        else:
            on_agenda = panel.items.count()
            messages.success(request, f"Panel scheduled with {_people(on_agenda)} on the agenda")
            return redirect("triage:panel", panel_id=panel.pk)
    return render(request, "triage/schedule.html", {"form": form})


@dataclass(frozen=True)
class AgendaRow:
    item: AgendaItem
    age: int | None
    concerns: list[str]


def _agenda(panel: TriagePanel) -> list[AgendaRow]:
    return [
        AgendaRow(item, _age(item.referral, panel), _labels(Concern, item.referral.concerns))
        for item in selectors.agenda(panel=panel)
    ]


@require(Capability.SIT_ON_PANELS)
@require_safe
def panel(request: HttpRequest, panel_id: int) -> HttpResponse:
    me = signed_in_user(request)
    panel = permissions.access_panel(me, panel_id)
    services.panel_viewed(panel=panel, actor=me)
    rows = _agenda(panel)
    undecided = any(not row.item.decision for row in rows)
    return render(
        request,
        "triage/panel.html",
        {
            "panel": panel,
            "rows": rows,
            "decided": sum(1 for row in rows if row.item.decision),
            "may_refresh": can(me, Capability.DECIDE_AT_PANELS)
            and (panel.meets_at > timezone.now() or undecided),
        },
    )


@require(Capability.DECIDE_AT_PANELS)
@require_POST
def refresh(request: HttpRequest, panel_id: int) -> HttpResponse:
    me = signed_in_user(request)
    panel = permissions.access_panel(me, panel_id)
    added = services.agenda_refresh(panel=panel, actor=me)
    messages.success(request, f"{added} added to the agenda")
    return redirect("triage:panel", panel_id=panel.pk)


@require(Capability.SIT_ON_PANELS)
@require_safe
def record(request: HttpRequest, panel_id: int) -> HttpResponse:
    """The meeting's record, to print: decisions, not what the agencies said."""
    me = signed_in_user(request)
    panel = permissions.access_panel(me, panel_id)
    services.panel_viewed(panel=panel, actor=me, printed=True)
    return render(
        request,
        "triage/record.html",
        {
            "panel": panel,
            "rows": _agenda(panel),
            "agencies": selectors.contributing_agencies(panel=panel),
            "printed_at": timezone.now(),
        },
    )


# One person on the agenda.


def _decision_form(me: User, data: QueryDict | None) -> DecisionForm:
    return DecisionForm(
        data,
        caseworkers=selectors.caseworkers(),
        services=selectors.onward_services(),
        initial={"caseworker": me.pk} if Role.CASEWORKER in me.roles and me.is_active else None,
    )


def _contribution_form(me: User, data: QueryDict | None, **kwargs: Any) -> ContributionForm:
    return ContributionForm(data, agency=me.agency, police=permissions.is_police(me), **kwargs)


@require(Capability.SIT_ON_PANELS)
@require_safe
def item(request: HttpRequest, panel_id: int, item_id: int) -> HttpResponse:
    me = signed_in_user(request)
    panel = permissions.access_panel(me, panel_id)
    found = permissions.access_agenda_item(me, panel, item_id)
    return _render_item(request, panel, found)


def _render_item(
    request: HttpRequest,
    panel: TriagePanel,
    item: AgendaItem,
    contribution: ContributionForm | None = None,
    decision: DecisionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """What the panel needs about one person; every showing of it is audited."""
    me = signed_in_user(request)
    services.item_viewed(item=item, actor=me)
    given = list(selectors.contributions(item=item))
    own = next((c for c in given if c.agency_id == me.agency_id), None)
    if contribution is None and not item.decision:
        earlier = (
            {"information": own.information, "criminally_active": own.criminally_active}
            if own
            else None
        )
        contribution = _contribution_form(me, None, initial=earlier)
    may_decide = can(me, Capability.DECIDE_AT_PANELS)
    if decision is None and may_decide and not item.decision:
        decision = _decision_form(me, None)
    referral = item.referral
    return render(
        request,
        "triage/item.html",
        {
            "panel": panel,
            "item": item,
            "referral": referral,
            "age": _age(referral, panel),
            "concerns": _labels(Concern, referral.concerns),
            "risk_factors": _labels(RiskFactor, referral.risk_factors),
            "earlier": selectors.earlier_items(panel=panel, item=item),
            "contributions": given,
            "own": own,
            "my_agency": me.agency,
            "contribution": contribution,
            "decision": decision,
            # The page title says "Error:" when either form has errors.
            "form": next((f for f in (contribution, decision) if f is not None and f.errors), None),
        },
        status=status,
    )


@require(Capability.SIT_ON_PANELS)
@require_POST
def contribute(request: HttpRequest, panel_id: int, item_id: int) -> HttpResponse:
    me = signed_in_user(request)
    panel = permissions.access_panel(me, panel_id)
    found = permissions.access_agenda_item(me, panel, item_id)
    form = _contribution_form(me, request.POST)
    if form.is_valid():
        try:
            services.contribution_save(
                item=found,
                actor=me,
                information=form.cleaned_data["information"],
                criminally_active=form.cleaned_data.get("criminally_active", False),
            )
        except services.TriageRefused as refused:
            _show_problems(form, refused)
        else:
            messages.success(request, f"The panel can now see what {me.agency.name} holds")
            return redirect("triage:item", panel_id=panel.pk, item_id=found.pk)
    return _render_item(request, panel, found, contribution=form, status=400)


def _decided(item: AgendaItem, case: Case | None) -> str:
    # Messages travel in a cookie: the referral's reference, never the person's name.
    reference = item.referral.reference
    if case is not None:
        return f"Referral {reference} accepted for the CIRV offer: case {case.reference} opened"
    if item.decision == PanelDecision.NOT_SUITABLE and item.onward_service is not None:
        return f"Referral {reference} not suitable: referred on to {item.onward_service.name}"
    return f"Referral {reference} needs more information: it will be on the next agenda"


@require(Capability.DECIDE_AT_PANELS)
@require_POST
def decide(request: HttpRequest, panel_id: int, item_id: int) -> HttpResponse:
    me = signed_in_user(request)
    panel = permissions.access_panel(me, panel_id)
    found = permissions.access_agenda_item(me, panel, item_id)
    form = _decision_form(me, request.POST)
    if form.is_valid():
        chosen = form.cleaned_data["decision"]
        try:
            case = services.decision_record(
                item=found,
                actor=me,
                decision=chosen,
                reason=form.cleaned_data["reason"],
                onward_service=form.cleaned_data["onward_service"],
                # A caseworker is only chosen for a person the panel accepts.
                caseworker=form.cleaned_data["caseworker"]
                if chosen == PanelDecision.ACCEPT
                else None,
            )
        except services.TriageRefused as refused:
            _show_problems(form, refused)
        else:
            messages.success(request, _decided(found, case))
            return redirect("triage:panel", panel_id=panel.pk)
    return _render_item(request, panel, found, decision=form, status=400)
