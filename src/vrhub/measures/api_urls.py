"""The measures API's endpoints, mounted under /api/v1/ in the "api" namespace."""

from django.urls import URLPattern, path

from . import converters  # noqa: F401 - registers the <measure_key:key> converter
from .api import (
    MeasureCatalogueApi,
    MeasureConcentrationApi,
    MeasureHotSpotsApi,
    MeasureSeriesApi,
    MeasuresImportApi,
)

urlpatterns: list[URLPattern] = [
    path("measures", MeasureCatalogueApi.as_view(), name="measures"),
    path(
        "measures/concentration", MeasureConcentrationApi.as_view(), name="measures-concentration"
    ),
    path("measures/hot-spots", MeasureHotSpotsApi.as_view(), name="measures-hot-spots"),
    path("measures/imports/<int:id>", MeasuresImportApi.as_view(), name="measures-import"),
    path("measures/<measure_key:key>/series", MeasureSeriesApi.as_view(), name="measures-series"),
]
