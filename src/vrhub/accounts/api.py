from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .models import User
from .permissions import capabilities_of
from .serializers import MeSerializer


class MeApi(APIView):
    @extend_schema(
        operation_id="me",
        summary="The signed-in user",
        description="Who the token or session belongs to, their agency, roles and capabilities.",
        responses={200: MeSerializer},
        tags=["Accounts"],
    )
    def get(self, request: Request) -> Response:
        user = request.user
        assert isinstance(user, User)  # noqa: S101
        data = {
            "id": user.pk,
            "email": user.email,
            "full_name": user.full_name,
            "agency": {"id": user.agency.pk, "name": user.agency.name, "kind": user.agency.kind},
            "roles": [r.value for r in user.sorted_roles],
            "capabilities": sorted(str(c) for c in capabilities_of(user)),
        }
        return Response(MeSerializer(data).data)
