"""The id of the request being served, for code that has no request object (audit, logging)."""

from contextvars import ContextVar

current_request_id: ContextVar[str] = ContextVar("current_request_id", default="")
