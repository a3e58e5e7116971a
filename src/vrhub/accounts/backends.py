"""Who may be signed in: an active user of an active agency."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from .models import User


class PartnershipBackend(ModelBackend):
    def user_can_authenticate(self, user: Any) -> bool:
        agency = getattr(user, "agency", None)
        return super().user_can_authenticate(user) and bool(agency and agency.is_active)

    def get_user(self, user_id: Any) -> User | None:
        """The signed-in user with their agency, checked on every request, so deactivating a
        user or their agency ends their sessions at once."""
        user = User.objects.select_related("agency").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
