"""The referral API: partner systems send referrals and read back their status; the CIRV team
lists the queue."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from vrhub.accounts import permissions
from vrhub.accounts.permissions import Capability, api_permission
from vrhub.core.requests import signed_in_user

from . import selectors, services
from .models import Referral
from .serializers import (
    IDEMPOTENCY_KEY_MAX_LENGTH,
    ReferralAnswersSerializer,
    ReferralPageSerializer,
    ReferralQuerySerializer,
    ReferralStatusSerializer,
)
from .urls import ReferenceConverter

IDEMPOTENCY_KEY = "Idempotency-Key"


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with one already made."
    default_code = "conflict"


# The queue's columns, and nothing about the person: the list is for sorting the work.
_SUMMARY_FIELDS = (
    "reference",
    "status",
    "eligibility",
    "submitted_at",
    "urgency",
    "immediate_risk",
    "area__name",
    "referring_agency__name",
    "referring_agency__kind",
)


def _status(request: Request, referral: Referral) -> dict[str, Any]:
    onward = referral.onward.select_related("service__provider").first()
    return {
        "reference": referral.reference,
        "status": referral.status,
        "eligibility": referral.eligibility or None,
        "eligibility_reasons": referral.eligibility_reasons,
        "submitted_at": referral.submitted_at,
        "onward_referral": (
            {
                "service": onward.service.name,
                "provider": onward.service.provider.name,
                "how_to_refer": onward.service.how_to_refer,
            }
            if onward is not None
            else None
        ),
        "status_url": request.build_absolute_uri(
            reverse("api:referral", kwargs={"reference": referral.reference})
        ),
    }


def _idempotency_key(request: Request) -> tuple[str, list[str]]:
    key = request.headers.get(IDEMPOTENCY_KEY, "").strip()
    if len(key) > IDEMPOTENCY_KEY_MAX_LENGTH:
        return "", [f"{IDEMPOTENCY_KEY} must be {IDEMPOTENCY_KEY_MAX_LENGTH} characters or fewer"]
    return key, []


class ReferralListApi(APIView):
    """POST: anyone who makes referrals. GET: the CIRV team, who work them."""

    def get_permissions(self) -> list[BasePermission]:
        needed = (
            Capability.MAKE_REFERRALS
            if self.request.method == "POST"
            else Capability.WORK_REFERRALS
        )
        return [api_permission(needed)()]

    @extend_schema(
        operation_id="referrals_list",
        summary="The referral queue",
        description="Referrals sent to CIRV, newest first, filtered like the caseworkers' "
        "queue. Without names, addresses or details: read a referral's record in vrhub.",
        parameters=[ReferralQuerySerializer],
        responses={200: ReferralPageSerializer},
        tags=["Referrals"],
    )
    def get(self, request: Request) -> Response:
        # A plain dict, so an empty value (`?status=`) is an error rather than silently ignored.
        query = ReferralQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        q = query.validated_data
        criteria = selectors.QueueFilter(
            status=q.get("status", ""),
            eligibility=q.get("eligibility", ""),
            area_id=q.get("area"),
        )
        referrals = selectors.queue(actor=signed_in_user(request), criteria=criteria).only(
            *_SUMMARY_FIELDS
        )
        limit, offset = q["limit"], q["offset"]
        page = {
            "count": referrals.count(),
            "limit": limit,
            "offset": offset,
            "results": list(referrals[offset : offset + limit]),
        }
        return Response(ReferralPageSerializer(page).data)

    @extend_schema(
        operation_id="referrals_create",
        summary="Send a referral",
        description="Send a referral to CIRV, answered as on the question pages. Eligibility "
        "is decided at once and returned with its reasons. Send an `Idempotency-Key` to make "
        "retrying safe: the same key from your agency answers with the referral made the first "
        "time (200) instead of making another (201). Codes for each choice are in the schema.",
        request=ReferralAnswersSerializer,
        parameters=[
            OpenApiParameter(
                IDEMPOTENCY_KEY,
                {"type": "string", "maxLength": IDEMPOTENCY_KEY_MAX_LENGTH},
                OpenApiParameter.HEADER,
                description="Any string unique to this referral in your system, like its id.",
            )
        ],
        responses={
            201: OpenApiResponse(ReferralStatusSerializer, description="The referral was made."),
            200: OpenApiResponse(
                ReferralStatusSerializer,
                description="A referral was already made with this Idempotency-Key: this is it.",
            ),
        },
        tags=["Referrals"],
    )
    def post(self, request: Request) -> Response:
        me = signed_in_user(request)
        answers = ReferralAnswersSerializer(data=request.data)
        valid = answers.is_valid()
        key, key_errors = _idempotency_key(request)
        if not valid or key_errors:
            errors = dict(answers.errors)
            if key_errors:
                errors[IDEMPOTENCY_KEY] = key_errors
            raise serializers.ValidationError(errors)
        try:
            made = services.referral_create(
                actor=me, answers=dict(answers.validated_data), idempotency_key=key
            )
        except services.IdempotencyConflict:
            raise Conflict(
                f"Your agency already sent a different referral with this {IDEMPOTENCY_KEY}. "
                "Use a new key for a new referral."
            ) from None
        body = ReferralStatusSerializer(_status(request, made.referral)).data
        if not made.created:
            return Response(body, status=status.HTTP_200_OK)
        return Response(
            body, status=status.HTTP_201_CREATED, headers={"Location": body["status_url"]}
        )


class ReferralApi(APIView):
    permission_classes = [api_permission(Capability.MAKE_REFERRALS)]

    @extend_schema(
        operation_id="referrals_retrieve",
        summary="A referral's status",
        description="The status of a referral you made, its eligibility and, if CIRV could not "
        "take it, where the person was referred instead. Each look is recorded.",
        parameters=[
            OpenApiParameter(
                "reference",
                str,
                OpenApiParameter.PATH,
                pattern=f"^{ReferenceConverter.regex}$",
                description="The referral's reference, like R-7KXM4P2Q.",
            )
        ],
        responses={200: ReferralStatusSerializer},
        tags=["Referrals"],
    )
    def get(self, request: Request, reference: str) -> Response:
        me = signed_in_user(request)
        referral = permissions.access_referral(me, reference, whole=False)
        services.referral_viewed(referral=referral, actor=me, status_only=True)
        return Response(ReferralStatusSerializer(_status(request, referral)).data)
