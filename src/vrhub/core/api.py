"""API conventions: every error is an RFC 9457 problem (application/problem+json)."""

from __future__ import annotations

import logging
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from .request_context import current_request_id

logger = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"

_TITLES = {
    400: "Your request is not valid",
    401: "You are not signed in",
    403: "You do not have permission",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    409: "Conflict",
    415: "Unsupported media type",
    429: "Too many requests",
    500: "Sorry, there is a problem with the service",
}


def _field_errors(detail: Any, prefix: str = "") -> list[dict[str, str]]:
    """Flatten DRF's nested error structure into one entry per field, like `agency.name`."""
    if isinstance(detail, dict):
        out: list[dict[str, str]] = []
        for key, value in detail.items():
            name = prefix if key in ("non_field_errors",) else f"{prefix}.{key}" if prefix else key
            out.extend(_field_errors(value, str(name)))
        return out
    if isinstance(detail, list):
        if all(isinstance(item, str) for item in detail):
            return [{"field": prefix, "message": str(item)} for item in detail]
        out = []
        for index, item in enumerate(detail):
            out.extend(_field_errors(item, f"{prefix}[{index}]"))
        return out
    return [{"field": prefix, "message": str(detail)}]


def problem(status_code: int, detail: str, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": _TITLES.get(status_code, "Error"),
        "status": status_code,
        "detail": detail,
        "request_id": current_request_id.get(),
    }
    body.update(extra)
    return body


def problem_exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    response = exception_handler(exc, context)
    if response is None:
        logger.exception("Unhandled error in API view", exc_info=exc)
        return Response(
            problem(500, "Try again later. Quote the request_id if you contact support."),
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
            content_type=PROBLEM_CONTENT_TYPE,
        )
    if isinstance(exc, exceptions.ValidationError):
        errors = _field_errors(exc.detail)
        fields = ", ".join(sorted({e["field"] for e in errors if e["field"]}))
        body = problem(
            400,
            f"Check these fields: {fields}." if fields else "Check your request.",
            errors=errors,
        )
    else:
        detail = getattr(exc, "detail", "")
        body = problem(response.status_code, str(detail) if detail else "")
    response.data = body
    response.content_type = PROBLEM_CONTENT_TYPE
    return response


@csrf_exempt  # answers every method with a 404 problem, never a CSRF page: it changes nothing
def api_not_found(request: HttpRequest) -> JsonResponse:
    return JsonResponse(
        problem(404, "There is no API endpoint at this address."),
        status=404,
        content_type=PROBLEM_CONTENT_TYPE,
    )


PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "An RFC 9457 problem: what went wrong, and for a bad request, which fields.",
    "required": ["type", "title", "status", "detail", "request_id"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "request_id": {"type": "string", "description": "Quote this if you contact support."},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "message"],
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
            },
        },
    },
}
_PROBLEM_RESPONSES = {
    "400": "The request is not valid: `errors` names each field.",
    "401": "No valid token or session.",
    "403": "Your roles do not allow this.",
    "404": "Not found, or not within your agency's reach.",
    "405": "This method is not allowed here.",
    "406": "The requested media type cannot be produced.",
    "409": "The request conflicts with one already made (a reused idempotency key).",
    "415": "The request body's media type is not supported.",
    "500": "Something went wrong on our side; quote the request_id.",
}


def add_problem_responses(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular hook: every operation documents its errors as problem+json."""
    result.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    content = {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for code, description in _PROBLEM_RESPONSES.items():
                responses.setdefault(code, {"description": description, "content": content})
    return result
