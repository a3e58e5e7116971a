from rest_framework import serializers

from .models import AgencyKind, Role


class AgencySummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=AgencyKind.choices)


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    full_name = serializers.CharField()
    agency = AgencySummarySerializer()
    roles = serializers.ListField(child=serializers.ChoiceField(choices=Role.choices))
    capabilities = serializers.ListField(child=serializers.CharField())
