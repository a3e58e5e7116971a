from . import converters  # noqa: F401 - registers the <case:reference> converter

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
