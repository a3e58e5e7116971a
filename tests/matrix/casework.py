"""Permission matrix part: casework: cases, caseloads and mentees."""

from __future__ import annotations

from .base import Part

PART = Part(rules={})
