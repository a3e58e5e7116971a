"""The pathway API: cases and their moves and contacts for the CIRV team (contacts for mentors
too), the at-risk list, and the programme's figures.

Thin views: parse with an input serializer, ask permissions for the record, call a service,
answer with an output serializer. A refusal is a problem (application/problem+json) naming each
field; a change based on an old version of the case is a 409 naming who changed it.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from vrhub.accounts import permissions
from vrhub.accounts.permissions import Capability, api_permission, can
from vrhub.core.requests import signed_in_user

from . import at_risk_selectors, figures, services
from .converters import CaseReferenceConverter
from .models import CaseMove, Contact
from .serializers import (
    AtRiskPageSerializer,
    AtRiskQuerySerializer,
    CaseDetailSerializer,
    CaseMovedSerializer,
    CaseMoveInputSerializer,
    CaseMoveSerializer,
    CasePageSerializer,
    CaseQuerySerializer,
    ContactInputSerializer,
    ContactPageSerializer,
    ContactQuerySerializer,
    ContactSerializer,
    ProgrammeQuerySerializer,
    ProgrammeSummarySerializer,
)

REFERENCE = OpenApiParameter(
    "reference",
    str,
    OpenApiParameter.PATH,
    pattern=f"^{CaseReferenceConverter.regex}$",
    description="The case's reference, like C-7KXM4P2Q.",
)


class CaseConflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "Someone else changed this case; read it again and retry."
    default_code = "conflict"


def _refused(refused: services.CaseRefused) -> exceptions.APIException:
    """A service's refusal as the API answers it: 409 for a stale version, else 400 with the
    message at each field (or for the request as a whole)."""
    if isinstance(refused, services.CaseChanged):
        return CaseConflict(refused.problems["__all__"])
    return serializers.ValidationError(
        {
            ("non_field_errors" if name == "__all__" else name): [message]
            for name, message in refused.problems.items()
        }
    )


def _query(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    # A plain dict, so an empty value (`?step=`) is an error rather than silently ignored.
    query = serializer_class(data=request.query_params.dict())
    query.is_valid(raise_exception=True)
    return dict(query.validated_data)


def _page(items: Any, q: dict[str, Any]) -> dict[str, Any]:
    limit, offset = q["limit"], q["offset"]
    return {
        "count": items.count(),
        "limit": limit,
        "offset": offset,
        "results": list(items[offset : offset + limit]),
    }


# Cases.


class CaseListApi(APIView):
    permission_classes = [api_permission(Capability.WORK_CASES)]

    @extend_schema(
        operation_id="cases_list",
        summary="Cases on the pathway",
        description="Cases, newest first: where each is on the CIRV pathway, its caseworker and "
        "version. Without the person's name: read a case for that.",
        parameters=[CaseQuerySerializer],
        responses={200: CasePageSerializer},
        tags=["Cases"],
    )
    def get(self, request: Request) -> Response:
        me = signed_in_user(request)
        q = _query(CaseQuerySerializer, request)
        cases = permissions.cases_visible_to(me).select_related("referral__area", "caseworker")
        if "step" in q:
            cases = cases.filter(step=q["step"])
        if "open" in q:
            cases = cases.filter(is_open=q["open"])
        if q.get("caseworker") == "me":
            cases = cases.filter(caseworker=me)
        # Newest first: cases are numbered as they open, so the primary key orders them.
        page = _page(cases.order_by("-id"), q)
        services.caseload_viewed(actor=me, cases=len(page["results"]), view="api")
        return Response(CasePageSerializer(page).data)


class CaseApi(APIView):
    permission_classes = [api_permission(Capability.WORK_CASES)]

    @extend_schema(
        operation_id="cases_retrieve",
        summary="A case",
        description="The whole case, with the person's name. Each read is recorded.",
        parameters=[REFERENCE],
        responses={200: CaseDetailSerializer},
        tags=["Cases"],
    )
    def get(self, request: Request, reference: str) -> Response:
        me = signed_in_user(request)
        case = permissions.access_case(me, reference)
        services.case_viewed(case=case, actor=me, view="api")
        return Response(CaseDetailSerializer(case, context={"request": request}).data)


class CaseMovesApi(APIView):
    permission_classes = [api_permission(Capability.WORK_CASES)]

    @extend_schema(
        operation_id="cases_moves_list",
        summary="A case's timeline",
        description="Every step the case entered, oldest first, from the referral on. Each "
        "read is recorded.",
        parameters=[REFERENCE],
        responses={200: CaseMoveSerializer(many=True)},
        tags=["Cases"],
    )
    def get(self, request: Request, reference: str) -> Response:
        me = signed_in_user(request)
        case = permissions.access_case(me, reference)
        moves = CaseMove.objects.filter(case=case).select_related("by").order_by("at", "id")
        services.case_viewed(case=case, actor=me, view="api_moves")
        return Response(CaseMoveSerializer(moves, many=True).data)

    @extend_schema(
        operation_id="cases_moves_create",
        summary="Move a case to another step",
        description="Move an open case forward or back as the pathway's table allows. A move "
        "the table does not allow, or whose conditions do not hold yet, is a 400 saying why. "
        "If the case changed since you read it (`expected_version` is not its `version`), the "
        "move is refused with a 409 naming who changed it and when: read it again.",
        parameters=[REFERENCE],
        request=CaseMoveInputSerializer,
        responses={201: OpenApiResponse(CaseMovedSerializer, description="The case moved.")},
        tags=["Cases"],
    )
    def post(self, request: Request, reference: str) -> Response:
        me = signed_in_user(request)
        case = permissions.access_case(me, reference)
        body = CaseMoveInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            services.case_move(
                case=case,
                actor=me,
                to_step=data["to_step"],
                reason=data["reason"],
                expected_version=data["expected_version"],
            )
        except services.CaseRefused as refused:
            raise _refused(refused) from None
        move = CaseMove.objects.filter(case=case).select_related("by").order_by("-at", "-id")[0]
        return Response(
            CaseMovedSerializer({"move": move, "case": case}).data, status=status.HTTP_201_CREATED
        )


class WorksCasesOrMentors(BasePermission):
    """The CIRV team, for any case; a mentor, for the people assigned to them (checked when the
    case is looked up). Anyone else is refused as lacking the capability to work cases."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        if can(request.user, Capability.MENTOR_PEOPLE):
            return True
        return api_permission(Capability.WORK_CASES)().has_permission(request, view)


class CaseContactsApi(APIView):
    permission_classes = [WorksCasesOrMentors]

    @extend_schema(
        operation_id="cases_contacts_list",
        summary="Contacts with the person",
        description="Contacts and attempts, newest first. The CIRV team reads any case's; a "
        "mentor, those of the people assigned to them now. Each read is recorded.",
        parameters=[REFERENCE, ContactQuerySerializer],
        responses={200: ContactPageSerializer},
        tags=["Cases"],
    )
    def get(self, request: Request, reference: str) -> Response:
        me = signed_in_user(request)
        q = _query(ContactQuerySerializer, request)
        case = permissions.access_case_or_mentee(me, reference)
        contacts = Contact.objects.filter(case=case)
        if not permissions.can(me, Capability.WORK_CASES):
            # A mentor reads the contacts they logged, as on their mentee page: caseworkers'
            # notes may hold what a mentor does not need.
            contacts = contacts.filter(recorded_by=me)
        contacts = contacts.select_related("recorded_by").order_by("-occurred_on", "-id")
        page = _page(contacts, q)
        services.case_viewed(case=case, actor=me, view="api_contacts")
        return Response(ContactPageSerializer(page).data)

    @extend_schema(
        operation_id="cases_contacts_create",
        summary="Log a contact",
        description="Record a contact with the person, or an attempt at one, on an open case.",
        parameters=[REFERENCE],
        request=ContactInputSerializer,
        responses={201: OpenApiResponse(ContactSerializer, description="The contact was logged.")},
        tags=["Cases"],
    )
    def post(self, request: Request, reference: str) -> Response:
        me = signed_in_user(request)
        case = permissions.access_case_or_mentee(me, reference)
        body = ContactInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            contact = services.contact_log(
                case=case,
                actor=me,
                method=data["method"],
                occurred_on=data["occurred_on"],
                duration_minutes=data["duration_minutes"],
                note=data["note"],
            )
        except services.CaseRefused as refused:
            raise _refused(refused) from None
        contact.recorded_by = me
        return Response(ContactSerializer(contact).data, status=status.HTTP_201_CREATED)


# The at-risk list.


class AtRiskListApi(APIView):
    # Names leave vrhub this way, as with an unredacted download: only for those who govern
    # the list, and every read is recorded as one.
    permission_classes = [api_permission(Capability.GOVERN_AT_RISK_LIST)]

    @extend_schema(
        operation_id="at_risk_list",
        summary="The at-risk list",
        description="The people on the at-risk list today, review date first: each with a "
        "reason, an owner and a review date. Entries past their review date have left the "
        "list and are not shown. Each read is recorded.",
        parameters=[AtRiskQuerySerializer],
        responses={200: AtRiskPageSerializer},
        tags=["At-risk list"],
    )
    def get(self, request: Request) -> Response:
        me = signed_in_user(request)
        q = _query(AtRiskQuerySerializer, request)
        today = timezone.localdate()
        entries = at_risk_selectors.list_entries(
            today, at_risk_selectors.ListFilter(owner_id=q.get("owner"), reason=q.get("reason", ""))
        )
        page = _page(entries, q)
        services.at_risk_list_exported(
            actor=me,
            use=services.ListUse(
                entries=len(page["results"]),
                redacted=False,
                recipient=f"API client of {me.full_name}",
                purpose="Read through the vrhub API",
            ),
        )
        return Response(AtRiskPageSerializer(page, context={"today": today}).data)


# Programme figures.


class ProgrammeSummaryApi(APIView):
    permission_classes = [api_permission(Capability.VIEW_PROGRAMME_FIGURES)]

    @extend_schema(
        operation_id="programme_summary",
        summary="Programme figures",
        description="The CIRV programme's figures: flows (referrals, acceptances, refusals, "
        "closures) in the period, stocks (awaiting triage, being worked with, on the at-risk "
        "list) today. For scrutiny members every count under 5 is suppressed: `value` is null "
        "and `shown` reads 'fewer than 5'. Each read is recorded.",
        parameters=[ProgrammeQuerySerializer],
        responses={200: ProgrammeSummarySerializer},
        tags=["Programme figures"],
    )
    def get(self, request: Request) -> Response:
        me = signed_in_user(request)
        q = _query(ProgrammeQuerySerializer, request)
        exact = permissions.sees_small_numbers(me)
        summary = figures.programme_summary(start=q.get("start"), end=q.get("end"), exact=exact)
        figures.programme_figures_viewed(actor=me, period=summary.period, exact=exact, view="api")
        return Response(ProgrammeSummarySerializer(summary).data)
