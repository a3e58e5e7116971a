"""The permission matrix in parts: each capability's URLs, the records they need, and their
forms. `tests/test_permission_matrix.py` joins them and checks every URL of vrhub."""

from __future__ import annotations

from .base import Part, Rule

# Each capability adds its module here: `from . import triage` and `triage.PART`.
PARTS: list[Part] = []

__all__ = ["PARTS", "Part", "Rule"]
