"""Permission matrix part: multi-agency triage panels."""

from __future__ import annotations

from .base import Part

PART = Part(rules={})
