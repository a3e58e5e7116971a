"""How vrhub writes a moment in its messages: "26 November 2026 at 3:05pm"."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone


def when(at: datetime) -> str:
    local = timezone.localtime(at)
    return f"{local:%-d %B %Y} at {local:%-I:%M}{local:%p}".replace("AM", "am").replace("PM", "pm")
