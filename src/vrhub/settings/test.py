"""Settings for the test suite: the same as local, with a fast password hasher."""

import os

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not shared-cache memory, so tests see SQLite as `make run` does: WAL, writers queue.
    # One per test process, so two test runs at once do not share (and delete) one database.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(VAR_DIR / f"test-vrhub-{os.getpid()}.sqlite3")  # noqa: F405
    }

VRHUB_DEMO_MEASURES = False
