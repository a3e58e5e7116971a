"""The measures pages: the three core measures and police.uk's crime types, where violence
concentrates, when it peaks and what it costs, and the imports they are worked out from."""

from django.urls import path

from . import converters, views  # noqa: F401 - converters registers <measure_key:…>

app_name = "measures"

urlpatterns = [
    path("measures/", views.dashboard, name="dashboard"),
    path("measures/measure/<measure_key:key>/", views.measure, name="measure"),
    path("measures/concentration/", views.concentration, name="concentration"),
    path("measures/hot-spots/", views.hot_spots, name="hot_spots"),
    path("measures/seasonality/", views.seasonality, name="seasonality"),
    path("measures/cost/", views.cost, name="cost"),
    path("measures/imports/", views.imports, name="imports"),
    path("measures/imports/new/<slug:kind>/", views.import_new, name="import_new"),
    path("measures/imports/<int:pk>/", views.import_detail, name="import_detail"),
    path(
        "measures/imports/<int:pk>/problems.csv",
        views.import_problems_csv,
        name="import_problems_csv",
    ),
    path("measures/formats/", views.formats, name="formats"),
    path("measures/formats/<slug:kind>/", views.data_format, name="format"),
]
