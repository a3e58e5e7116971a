"""Police-only disruption: a plan for a criminally active adult who refused the CIRV offer.

Its existence is invisible to anyone outside the police. These views ask only
permissions.access_disruption_case, never `require`: a refusal must not name a capability that
hints at disruption, so anyone else gets the same audited 404 as for a case that does not exist,
and nothing about a plan is written where they could read it.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from vrhub.accounts import permissions
from vrhub.core.requests import posted, signed_in_user

from . import services
from .at_risk_forms import DisruptionForm, add_problems


@require_http_methods(["GET", "POST"])
def disruption(request: HttpRequest, reference: str) -> HttpResponse:
    me = signed_in_user(request)
    case = permissions.access_disruption_case(me, reference)
    form = DisruptionForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.disruption_open(
                case=case,
                actor=me,
                basis=form.cleaned_data["basis"],
                actions=form.cleaned_data["actions"],
                criminally_active=form.cleaned_data["criminally_active"],
            )
        except services.CaseRefused as refused:
            add_problems(form, refused)
        else:
            messages.success(request, "The disruption plan has been opened")
            return redirect("cases:disruption", reference=case.reference)
    plans = list(
        permissions.disruption_plans_visible_to(me).filter(case=case).select_related("opened_by")
    )
    for plan in plans:
        plan.case = case
        services.disruption_viewed(plan=plan, actor=me)
    if not plans:
        # The page still tells a police user about the person (age, whether they refused).
        # Recorded as a read of the case: a trail the host can see must not name disruption.
        services.case_viewed(case=case, actor=me)
    has_open = any(plan.closed_on is None for plan in plans)
    problems = services.disruption_problems(case, me)
    return render(
        request,
        "cases/disruption.html",
        {
            "case": case,
            "open_plans": [p for p in plans if p.closed_on is None],
            "closed_plans": [p for p in plans if p.closed_on is not None],
            "problem": next(iter(problems.values()), "") if not has_open else "",
            "form": form if not has_open and not problems else None,
        },
    )


@require_POST
def disruption_close(request: HttpRequest, reference: str, plan_id: int) -> HttpResponse:
    me = signed_in_user(request)
    case = permissions.access_disruption_case(me, reference)
    plan = (
        permissions.disruption_plans_visible_to(me)
        .filter(case=case, pk=plan_id, closed_on__isnull=True)
        .first()
    )
    if plan is None:
        # The same refusal as for a case that does not exist: it names no plan.
        raise permissions.deny(me, target_type="case", target_id=reference, reason="out_of_scope")
    plan.case = case
    try:
        services.disruption_close(plan=plan, actor=me)
    except services.CaseRefused:
        pass  # closed by someone else meanwhile: the page shows it closed
    else:
        messages.success(request, "The disruption plan has been closed")
    return redirect("cases:disruption", reference=case.reference)
