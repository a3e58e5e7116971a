"""The pathway's API endpoints, mounted under /api/v1/ in the "api" namespace."""

from django.urls import URLPattern, path

from . import converters  # noqa: F401 - registers the <case:reference> converter
from .api import (
    AtRiskListApi,
    CaseApi,
    CaseContactsApi,
    CaseListApi,
    CaseMovesApi,
    ProgrammeSummaryApi,
)

urlpatterns: list[URLPattern] = [
    path("cases", CaseListApi.as_view(), name="cases"),
    path("cases/<case:reference>", CaseApi.as_view(), name="case"),
    path("cases/<case:reference>/moves", CaseMovesApi.as_view(), name="case-moves"),
    path("cases/<case:reference>/contacts", CaseContactsApi.as_view(), name="case-contacts"),
    path("at-risk", AtRiskListApi.as_view(), name="at-risk"),
    path("programme/summary", ProgrammeSummaryApi.as_view(), name="programme-summary"),
]
