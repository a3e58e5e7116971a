"""Settings shared by every environment: from environment variables, with safe local defaults."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

SRC_DIR = Path(__file__).resolve().parent.parent.parent
BASE_DIR = SRC_DIR.parent
VAR_DIR = Path(os.environ.get("VRHUB_VAR_DIR", BASE_DIR / "var"))

# A key for local use only: production.py refuses to start with it.
DEFAULT_SECRET_KEY = "local-only-insecure-key-never-use-in-production"  # noqa: S105
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", DEFAULT_SECRET_KEY)
DEBUG = os.environ.get("DJANGO_DEBUG", "false").lower() == "true"
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "vrhub.core",
    "vrhub.audit",
    "vrhub.accounts",
    "vrhub.referrals",
    "vrhub.triage",
    "vrhub.cases",
    "vrhub.people",
    "vrhub.measures",
]

MIDDLEWARE = [
    "vrhub.core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "vrhub.urls"
WSGI_APPLICATION = "vrhub.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "vrhub.core.context_processors.service",
            ],
        },
    },
]
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'vrhub.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets sign-ins read while another request writes; IMMEDIATE makes writers queue
    # instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["vrhub.accounts.backends.PartnershipBackend"]
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:sign-in"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sign-in protection: after this many failures in a row the account is locked for a while.
VRHUB_SIGN_IN_MAX_FAILURES = int(os.environ.get("VRHUB_SIGN_IN_MAX_FAILURES", "5"))
VRHUB_SIGN_IN_LOCKOUT = timedelta(
    minutes=int(os.environ.get("VRHUB_SIGN_IN_LOCKOUT_MINUTES", "15"))
)

# Sessions end after 30 minutes without a request, and when the browser closes.
SESSION_COOKIE_AGE = int(os.environ.get("VRHUB_SESSION_IDLE_MINUTES", "30")) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# `make static` builds GOV.UK Frontend from the npm registry into static/.
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Security headers, in every environment.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# API tokens are kept as hashes and expire; a user holds at most a few at a time.
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=int(os.environ.get("VRHUB_API_TOKEN_DAYS", "90"))),
    "AUTO_REFRESH": False,
    "AUTH_HEADER_PREFIX": "Token",
    "TOKEN_LIMIT_PER_USER": 5,
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "vrhub.accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "vrhub.core.api.problem_exception_handler",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "vrhub API",
    "DESCRIPTION": (
        "The API of vrhub, the shared system of a Serious Violence Duty partnership. "
        "Authenticate with a token (`Authorization: Token <key>`) or a signed-in session. "
        "Errors are RFC 9457 problem details (`application/problem+json`)."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "vrhub.core.api.add_problem_responses",
    ],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "vrhub.core.logging.RequestIdFilter"},
        "scrub_query": {"()": "vrhub.core.logging.QueryStringScrubber"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id"],
        },
        "server": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id", "scrub_query"],
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("VRHUB_LOG_LEVEL", "INFO")},
    "loggers": {
        # Request logs carry no query strings or bodies; see core.logging.
        "django.server": {"handlers": ["server"], "level": "INFO", "propagate": False},
        # The matching library reports its progress and the SQL it builds at INFO; nothing of
        # that belongs in the logs, only its warnings.
        "splink": {"level": "WARNING"},
    },
}

VRHUB_SERVICE_NAME = os.environ.get("VRHUB_SERVICE_NAME", "Violence reduction hub")
VRHUB_PHASE = os.environ.get("VRHUB_PHASE", "Beta")

# Static files are found where they are built (static/) without a collectstatic step.
WHITENOISE_USE_FINDERS = True

# The demo world (`manage.py load_demo`) prints its passwords: never in production.
VRHUB_ALLOW_DEMO = True

# The CIRV pathway. Each is a number of days unless it says otherwise.
# No answer to the CIRV offer by this many days after it was made: the person goes on the
# at-risk list.
VRHUB_OFFER_RESPONSE_DAYS = int(os.environ.get("VRHUB_OFFER_RESPONSE_DAYS", "14"))
# A case with no successful contact for this long is flagged on the caseworker's list.
VRHUB_CONTACT_GAP_DAYS = int(os.environ.get("VRHUB_CONTACT_GAP_DAYS", "14"))
# An at-risk entry leaves the list by itself after this many months unless re-justified.
VRHUB_AT_RISK_REVIEW_MONTHS = int(os.environ.get("VRHUB_AT_RISK_REVIEW_MONTHS", "3"))
# Someone leaving custody may be reassessed for the pathway up to this age.
VRHUB_POST_RELEASE_MAX_AGE = int(os.environ.get("VRHUB_POST_RELEASE_MAX_AGE", "30"))
# Police may open a disruption plan for a person who refused the offer from this age.
VRHUB_DISRUPTION_MINIMUM_AGE = 18
# Needs are reviewed this many days after each assessment unless the assessor says otherwise.
VRHUB_NEEDS_REVIEW_DAYS = int(os.environ.get("VRHUB_NEEDS_REVIEW_DAYS", "42"))
# In figures shown to scrutiny members, any count below this reads "fewer than 5".
VRHUB_SMALL_NUMBER_THRESHOLD = 5

# The person index. A new referral is linked to a known person at once (and flagged for a
# caseworker to check) only when its match probability is at least this high and no other
# person is above the review probability; the index check puts pairs of people above the review
# probability in the review queue.
VRHUB_AUTO_LINK_PROBABILITY = float(os.environ.get("VRHUB_AUTO_LINK_PROBABILITY", "0.999"))
VRHUB_MATCH_REVIEW_PROBABILITY = float(os.environ.get("VRHUB_MATCH_REVIEW_PROBABILITY", "0.5"))

# Measures: the analytical store (DuckDB and Parquet) sits beside the case database.
VRHUB_MEASURES_DIR = Path(os.environ.get("VRHUB_MEASURES_DIR", VAR_DIR / "measures"))
# The local authorities (ONS codes) making up the partnership area; empty: every area loaded.
VRHUB_PARTNERSHIP_LOCAL_AUTHORITIES = [
    code
    for code in os.environ.get("VRHUB_PARTNERSHIP_LOCAL_AUTHORITIES", "E08000026,E08000031").split(
        ","
    )
    if code
]
# Imports run in a thread of the web process; tests and the demo run them inline.
VRHUB_IMPORTS_INLINE = os.environ.get("VRHUB_IMPORTS_INLINE", "") == "true"
# How many problem lines an import keeps to show; beyond that it keeps the count.
VRHUB_IMPORT_PROBLEMS_KEPT = 5000
# Map tiles behind the hot-spot hexagons: none by default, so the map needs no network. Set a
# tile server the council may use, e.g. https://tiles.example.org/{z}/{x}/{y}.png.
VRHUB_MAP_TILE_URL = os.environ.get("VRHUB_MAP_TILE_URL", "")
VRHUB_MAP_TILE_ATTRIBUTION = os.environ.get("VRHUB_MAP_TILE_ATTRIBUTION", "")
# A police.uk archive unpacked into a folder holds a file per force and month: a few years of
# every force is thousands of files.
DATA_UPLOAD_MAX_NUMBER_FILES = 5000
# Whether the demo world loads three years of synthetic measures (a few seconds). The tests' demo
# worlds leave them out; the tests of the measures load them themselves.
VRHUB_DEMO_MEASURES = True
