"""Settings for the test suite: the same as local, with a fast password hasher."""

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not shared-cache memory, so tests see SQLite as `make run` does: WAL, writers queue.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-vrhub.sqlite3")}  # noqa: F405
