from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import UTC

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from vrhub.accounts import permissions
from vrhub.accounts.models import User
from vrhub.accounts.permissions import Capability, require
from vrhub.core.spreadsheets import safe_cell

from .forms import AuditFilterForm
from .models import AuditEvent
from .selectors import AuditFilter, describe_targets, filter_events
from .services import trail_viewed

PAGE_SIZE = 50
CSV_HEADER = [
    "When (UTC)",
    "User",
    "User email",
    "Agency",
    "Action",
    "Action code",
    "Record type",
    "Record ID",
    "Person ID",
    "Request ID",
    "Hash",
]


def _filtered(
    request: HttpRequest,
) -> tuple[User, AuditFilterForm, AuditFilter, QuerySet[AuditEvent]]:
    """The officer, the filter form, and the trail they may see narrowed by it."""
    officer = request.user
    assert isinstance(officer, User)  # noqa: S101
    agencies, users = permissions.audit_filter_choices(officer)
    filters = request.GET.copy()
    filters.pop("page", None)
    form = AuditFilterForm(
        filters or None,
        users=users,
        agencies=agencies,
        actions=permissions.audit_action_choices(officer),
    )
    criteria = form.criteria() if form.is_bound and form.is_valid() else AuditFilter()
    events = filter_events(permissions.visible_audit_events(officer), criteria)
    return officer, form, criteria, events


@require(Capability.VIEW_AUDIT_TRAIL)
@require_safe
def trail(request: HttpRequest) -> HttpResponse:
    """The audit trail, filtered. Looking at it is itself recorded."""
    officer, form, criteria, events = _filtered(request)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    # Read the page before recording this look at it, so the page shows the trail as it was.
    page.object_list = describe_targets(list(page.object_list))
    trail_viewed(officer=officer, criteria=criteria, page=page.number)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/trail.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


@require(Capability.VIEW_AUDIT_TRAIL)
@require_safe
def trail_export(request: HttpRequest) -> HttpResponseBase:
    """The filtered trail as CSV, for a data protection officer to show who looked at whom."""
    officer, form, criteria, events = _filtered(request)
    if form.is_bound and not form.is_valid():
        page = Paginator(events.none(), PAGE_SIZE).get_page(1)
        return render(request, "audit/trail.html", {"form": form, "page": page}, status=400)
    trail_viewed(officer=officer, criteria=criteria, exported=True)
    writer = csv.writer(_Echo())

    def rows() -> Iterator[str]:
        yield writer.writerow(CSV_HEADER)
        for e in events.iterator(chunk_size=2000):
            yield writer.writerow(
                safe_cell(v)
                for v in (
                    e.occurred_at.astimezone(UTC).isoformat(timespec="seconds"),
                    e.actor.full_name if e.actor else "Unknown account",
                    e.actor.email if e.actor else "",
                    e.agency.name if e.agency else "",
                    e.action_label,
                    e.action,
                    e.target_type,
                    e.target_id,
                    e.person_id,
                    e.request_id,
                    e.hash,
                )
            )

    stamp = timezone.localtime().strftime("%Y-%m-%d-%H%M")
    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-trail-{stamp}.csv"'
    response["Cache-Control"] = "no-store"
    return response
