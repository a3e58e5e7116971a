"""The at-risk list and its governance, police-only disruption, and the programme figures."""

from django.urls import URLPattern, path

from . import (
    at_risk_views,
    converters,  # noqa: F401 - registers the <case:reference> converter
    disruption_views,
    figures_views,
)

urlpatterns: list[URLPattern] = [
    path("at-risk/", at_risk_views.at_risk_list, name="at-risk"),
    path("at-risk/<int:entry_id>/", at_risk_views.at_risk_entry, name="at-risk-entry"),
    path("at-risk/download/", at_risk_views.at_risk_export, name="at-risk-export"),
    path("at-risk/shares/", at_risk_views.at_risk_shares, name="at-risk-shares"),
    path("at-risk/population/", at_risk_views.population_shares, name="population-shares"),
    path("cases/<case:reference>/disruption/", disruption_views.disruption, name="disruption"),
    path(
        "cases/<case:reference>/disruption/<int:plan_id>/close/",
        disruption_views.disruption_close,
        name="disruption-close",
    ),
    path("programme/", figures_views.programme, name="programme"),
    path("programme/<slug:table>.csv", figures_views.programme_csv, name="programme-csv"),
]
