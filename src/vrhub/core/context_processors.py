from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from vrhub.accounts.models import User

from .navigation import navigation_for


def service(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "service_name": settings.VRHUB_SERVICE_NAME,
        "service_phase": settings.VRHUB_PHASE,
        "navigation": navigation_for(user, request.path) if isinstance(user, User) else [],
    }
