from typing import Any

from rest_framework import serializers

from .models import AuditAction

MAX_ID = 2**63 - 1  # the largest id a database row can have


class AuditQuerySerializer(serializers.Serializer):
    user = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    agency = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    person = serializers.CharField(required=False, max_length=64)
    action = serializers.ChoiceField(required=False, choices=AuditAction.choices)
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)
    limit = serializers.IntegerField(required=False, min_value=1, max_value=500, default=100)
    offset = serializers.IntegerField(required=False, min_value=0, max_value=MAX_ID, default=0)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start, end = attrs.get("date_from"), attrs.get("date_to")
        if start and end and end < start:
            raise serializers.ValidationError(
                {"date_to": "The end date must be the same as or after the start date."}
            )
        return attrs


class AuditEventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    occurred_at = serializers.DateTimeField()
    actor = serializers.IntegerField(source="actor_id", allow_null=True)
    agency = serializers.IntegerField(source="agency_id", allow_null=True)
    action = serializers.CharField()
    target_type = serializers.CharField()
    target_id = serializers.CharField()
    person_id = serializers.CharField()
    request_id = serializers.CharField()
    detail = serializers.DictField()
    hash = serializers.CharField()


class AuditEventPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    limit = serializers.IntegerField()
    offset = serializers.IntegerField()
    results = AuditEventSerializer(many=True)
