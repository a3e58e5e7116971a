"""Permission matrix part: the at-risk list, disruption, programme figures and the pathway API."""

from __future__ import annotations

from .base import Part

PART = Part(rules={})
