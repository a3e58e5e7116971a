"""The permission matrix in parts: each capability's URLs, the records they need, and their
forms. `tests/test_permission_matrix.py` joins them and checks every URL of vrhub."""

from __future__ import annotations

from . import at_risk, casework, measures, people, triage
from .base import Part, Rule

PARTS: list[Part] = [triage.PART, casework.PART, at_risk.PART, people.PART, measures.PART]

__all__ = ["PARTS", "Part", "Rule"]
