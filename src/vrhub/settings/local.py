"""Settings for `make run`: one machine, SQLite under var/, debug pages off (GOV.UK error pages)."""

from .base import *  # noqa: F403
