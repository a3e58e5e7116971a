"""The person index's API endpoints, mounted under /api/v1/ in the "api" namespace."""

from django.urls import URLPattern, path

from . import converters  # noqa: F401 - registers the <person:reference> converter
from .api import MergesApi, PersonApi, PersonMatchesApi, UnmergeApi

urlpatterns: list[URLPattern] = [
    path("people/matches", PersonMatchesApi.as_view(), name="people-matches"),
    path("people/merges", MergesApi.as_view(), name="people-merges"),
    path("people/merges/<int:merge_id>/undo", UnmergeApi.as_view(), name="people-merge-undo"),
    path("people/<person:reference>", PersonApi.as_view(), name="person"),
]
