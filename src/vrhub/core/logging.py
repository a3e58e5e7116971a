"""Logging helpers. Log records carry the request id, never personal data."""

import logging

from .request_context import current_request_id


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id.get() or "-"
        return True


class QueryStringScrubber(logging.Filter):
    """Drops query strings from request lines: filters may carry identifiers we do not log."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args and isinstance(record.args, tuple) and isinstance(record.args[0], str):
            line = record.args[0]
            if "?" in line:
                method_path, _, rest = line.partition("?")
                protocol = rest.rsplit(" ", 1)[-1] if " " in rest else ""
                record.args = (f"{method_path} {protocol}".strip(), *record.args[1:])
        return True
