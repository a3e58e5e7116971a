from __future__ import annotations

from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from vrhub.accounts import permissions
from vrhub.accounts.models import Agency, User
from vrhub.accounts.permissions import Capability, require

from .forms import AuditFilterForm
from .models import AuditAction
from .selectors import AuditFilter, filter_events
from .services import record

PAGE_SIZE = 50


@require(Capability.VIEW_AUDIT_TRAIL)
@require_safe
def trail(request: HttpRequest) -> HttpResponse:
    """The audit trail, filtered. Looking at it is itself recorded."""
    officer = request.user
    assert isinstance(officer, User)  # noqa: S101
    if permissions.hosts_partnership(officer):
        agencies = Agency.objects.all()
    else:
        agencies = Agency.objects.filter(pk=officer.agency_id)
    users = User.objects.filter(agency__in=agencies).order_by("full_name")
    form = AuditFilterForm(request.GET or None, users=users, agencies=agencies)
    criteria = form.criteria() if form.is_bound and form.is_valid() else AuditFilter()
    events = filter_events(permissions.visible_audit_events(officer), criteria)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    # Read the page before recording this look at it, so the page shows the trail as it was.
    page.object_list = list(page.object_list)
    with transaction.atomic(durable=True):
        record(
            action=AuditAction.AUDIT_TRAIL_VIEWED,
            actor=officer,
            target_type="audit_trail",
            person_id=criteria.person_id,
            detail={
                "filtered_by": [k for k, v in vars(criteria).items() if v not in (None, "")],
                "page": page.number,
            },
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/trail.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )
