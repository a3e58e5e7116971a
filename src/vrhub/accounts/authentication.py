"""API tokens: stored only as hashes, expiring, and refused once the user or agency is inactive."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox.auth import TokenAuthentication
from rest_framework import exceptions


class ApiTokenAuthentication(TokenAuthentication):
    def validate_user(self, auth_token: Any) -> tuple[Any, Any]:
        user_and_token: tuple[Any, Any] = super().validate_user(auth_token)
        if not auth_token.user.agency.is_active:
            raise exceptions.AuthenticationFailed("Your agency no longer has access to vrhub.")
        return user_and_token


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "vrhub.accounts.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <key>`, with a key from 'Your account'. Keys expire.",
        }
