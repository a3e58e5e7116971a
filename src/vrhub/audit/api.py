from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from vrhub.accounts import permissions
from vrhub.accounts.models import User
from vrhub.accounts.permissions import Capability, api_permission

from .selectors import AuditFilter, filter_events
from .serializers import AuditEventPageSerializer, AuditQuerySerializer
from .services import trail_viewed


class AuditEventListApi(APIView):
    permission_classes = [api_permission(Capability.VIEW_AUDIT_TRAIL)]

    @extend_schema(
        operation_id="audit_events_list",
        summary="The audit trail",
        description="Audit events, newest first, filtered like the audit trail page. "
        "Reading the trail is itself recorded.",
        parameters=[AuditQuerySerializer],
        responses={200: AuditEventPageSerializer},
        tags=["Audit"],
    )
    def get(self, request: Request) -> Response:
        officer = request.user
        assert isinstance(officer, User)  # noqa: S101
        # A plain dict, so an empty value (`?user=`) is an error rather than silently ignored.
        query = AuditQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        q = query.validated_data
        criteria = AuditFilter(
            actor_id=q.get("user"),
            agency_id=q.get("agency"),
            person_id=q.get("person", ""),
            action=q.get("action", ""),
            date_from=q.get("date_from"),
            date_to=q.get("date_to"),
        )
        events = filter_events(permissions.visible_audit_events(officer), criteria)
        limit, offset = q["limit"], q["offset"]
        # Read the page before recording this look at it, so it shows the trail as it was.
        page = {
            "count": events.count(),
            "limit": limit,
            "offset": offset,
            "results": list(events[offset : offset + limit]),
        }
        trail_viewed(officer=officer, criteria=criteria, via="api", offset=offset, limit=limit)
        return Response(AuditEventPageSerializer(page).data)
