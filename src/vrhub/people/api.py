"""The person index's API for the CIRV team: find who a record may be, read a person, merge two
people and undo a merge. Every read and change is audited as on the pages."""

from __future__ import annotations

import re
from typing import Any

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from vrhub.accounts import permissions
from vrhub.accounts.permissions import Capability, api_permission
from vrhub.audit.models import AuditAction
from vrhub.audit.services import record
from vrhub.core.requests import signed_in_user
from vrhub.referrals.models import Sex
from vrhub.referrals.serializers import StrictCharField, StrictDateField

from . import selectors, services
from .converters import PersonReferenceConverter
from .matching.standardise import standardise

REFERENCE = OpenApiParameter(
    "reference",
    str,
    OpenApiParameter.PATH,
    pattern=f"^{PersonReferenceConverter.regex}$",
    description="The person's reference, like P-7KXM4P2Q.",
)


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "Someone else changed these people; read them again."
    default_code = "conflict"


class MatchQuerySerializer(serializers.Serializer):
    forename = StrictCharField(max_length=100, required=False, allow_blank=True)
    surname = StrictCharField(max_length=100, required=False, allow_blank=True)
    date_of_birth = StrictDateField(required=False, allow_null=True)
    postcode = StrictCharField(max_length=10, required=False, allow_blank=True)
    sex = serializers.ChoiceField(choices=Sex.choices, required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not (attrs.get("forename") or attrs.get("surname") or attrs.get("date_of_birth")):
            raise serializers.ValidationError("Give a forename, a surname or a date of birth")
        return attrs


class EvidenceSerializer(serializers.Serializer):
    field = serializers.CharField()
    reason = serializers.CharField()
    weight = serializers.FloatField(help_text="How far this field moved the odds (log2).")


class MatchSerializer(serializers.Serializer):
    person = serializers.CharField(help_text="The person's reference.")
    probability = serializers.FloatField()
    match_weight = serializers.FloatField()
    evidence = EvidenceSerializer(many=True)


class PersonRecordSerializer(serializers.Serializer):
    origin = serializers.CharField(help_text="Where the record came from: referral or import.")
    referral = serializers.CharField(allow_null=True)
    link_method = serializers.CharField()
    link_probability = serializers.FloatField(allow_null=True)
    needs_review = serializers.BooleanField()


class IndexedPersonSerializer(serializers.Serializer):
    reference = serializers.CharField()
    merged_into = serializers.CharField(allow_null=True)
    names = serializers.ListField(child=serializers.CharField())
    dates_of_birth = serializers.ListField(child=serializers.DateField())
    postcodes = serializers.ListField(child=serializers.CharField())
    records = PersonRecordSerializer(many=True)


class MergeInputSerializer(serializers.Serializer):
    first = StrictCharField(max_length=10)
    second = StrictCharField(max_length=10)
    reason = StrictCharField(max_length=500, required=False, allow_blank=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        for name in ("first", "second"):
            if not re.fullmatch(PersonReferenceConverter.regex, attrs[name]):
                raise serializers.ValidationError(
                    {name: ["Give a person reference like P-7KXM4P2Q"]}
                )
        return attrs


class MergeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    survivor = serializers.CharField()
    absorbed = serializers.CharField()
    records_moved = serializers.IntegerField()
    undone = serializers.BooleanField()


class UnmergeInputSerializer(serializers.Serializer):
    reason = StrictCharField(max_length=500)


def _merge_out(merge: Any) -> dict[str, Any]:
    return {
        "id": merge.pk,
        "survivor": merge.survivor.reference,
        "absorbed": merge.absorbed.reference,
        "records_moved": len(merge.moved_record_ids),
        "undone": merge.unmerged_at is not None,
    }


class PersonMatchesApi(APIView):
    permission_classes = [api_permission(Capability.MATCH_PEOPLE)]

    @extend_schema(
        operation_id="people_matches",
        summary="Who a record may be",
        description="The people in the index the record may be, most likely first, each with "
        "the match probability and the reason for each field. Nothing is stored; the search is "
        "audited.",
        request=MatchQuerySerializer,
        responses={200: MatchSerializer(many=True)},
        tags=["People"],
    )
    def post(self, request: Request) -> Response:
        me = signed_in_user(request)
        query = MatchQuerySerializer(data=request.data)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        found = [
            {
                "person": person.reference,
                "probability": match.probability,
                "match_weight": match.score.weight,
                "evidence": [
                    {"field": e.field, "reason": e.reason, "weight": e.weight}
                    for e in match.score.evidence
                ],
            }
            for match, person in selectors.candidates(
                standardise(
                    forename=data.get("forename"),
                    surname=data.get("surname"),
                    dob=data.get("date_of_birth"),
                    postcode=data.get("postcode"),
                    sex=data.get("sex"),
                )
            )
        ]
        record(
            action=AuditAction.MATCHES_VIEWED,
            actor=me,
            target_type="person_index",
            target_id="api",
            detail={"candidates_shown": len(found), "people": [f["person"] for f in found]},
        )
        return Response(found)


class PersonApi(APIView):
    permission_classes = [api_permission(Capability.MATCH_PEOPLE)]

    @extend_schema(
        operation_id="people_retrieve",
        summary="A person",
        description="What the records say about a person, and which records point at them. "
        "Each read is recorded.",
        parameters=[REFERENCE],
        responses={200: IndexedPersonSerializer},
        tags=["People"],
    )
    def get(self, request: Request, reference: str) -> Response:
        me = signed_in_user(request)
        person = permissions.access_person(me, reference)
        page = selectors.person_page(person)
        record(
            action=AuditAction.PERSON_VIEWED,
            actor=me,
            target_type="person",
            target_id=person.reference,
            person_id=person.reference,
            detail={"view": "api"},
        )
        facts = page["facts"]
        return Response(
            {
                "reference": person.reference,
                "merged_into": page["merged_into"].survivor.reference
                if page["merged_into"]
                else None,
                "names": facts["names"],
                "dates_of_birth": facts["dates_of_birth"],
                "postcodes": facts["postcodes"],
                "records": [
                    {
                        "origin": source.source,
                        "referral": source.referral.reference if source.referral else None,
                        "link_method": source.link_method,
                        "link_probability": source.link_probability,
                        "needs_review": source.needs_review,
                    }
                    for source, _ in page["records"]
                ],
            }
        )


class MergesApi(APIView):
    permission_classes = [api_permission(Capability.MATCH_PEOPLE)]

    @extend_schema(
        operation_id="people_merges_create",
        summary="Merge two people",
        description="The person known longer absorbs the other; every record moves. If either "
        "has already been merged, 409 says by whom.",
        request=MergeInputSerializer,
        responses={
            201: MergeSerializer,
            409: OpenApiResponse(description="One of them was already merged."),
        },
        tags=["People"],
    )
    def post(self, request: Request) -> Response:
        me = signed_in_user(request)
        given = MergeInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        first = permissions.access_person(me, given.validated_data["first"])
        second = permissions.access_person(me, given.validated_data["second"])
        try:
            result = services.merge_people(
                actor=me,
                first=first,
                second=second,
                reason=given.validated_data.get("reason", ""),
            )
        except services.PersonRefused as refused:
            if first.pk == second.pk:
                raise serializers.ValidationError({"second": [refused.message]}) from refused
            raise Conflict(refused.message) from refused
        return Response(_merge_out(result.merge), status=status.HTTP_201_CREATED)


class UnmergeApi(APIView):
    permission_classes = [api_permission(Capability.MATCH_PEOPLE)]

    @extend_schema(
        operation_id="people_merges_undo",
        summary="Undo a merge",
        description="The records the merge moved go back; records linked since stay. If it was "
        "already undone, or the survivor has since been merged, 409 says why.",
        parameters=[OpenApiParameter("merge_id", int, OpenApiParameter.PATH)],
        request=UnmergeInputSerializer,
        responses={
            200: MergeSerializer,
            409: OpenApiResponse(description="Already undone, or undo a later merge first."),
        },
        tags=["People"],
    )
    def post(self, request: Request, merge_id: int) -> Response:
        me = signed_in_user(request)
        merge = permissions.access_merge(me, merge_id)
        given = UnmergeInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            done = services.unmerge(actor=me, merge=merge, reason=given.validated_data["reason"])
        except services.PersonRefused as refused:
            raise Conflict(refused.message) from refused
        done.refresh_from_db()
        return Response(_merge_out(done))
