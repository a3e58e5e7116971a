"""The measures API: the same figures as the pages, problems that name the parameter at fault,
and no 500 whatever is sent."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from knox.models import AuthToken
from schemathesis.specs.openapi.checks import positive_data_acceptance

from vrhub.accounts.models import Role, User
from vrhub.measures.catalogue import MEASURES
from vrhub.measures.models import ImportKind, ImportRun, ImportStatus

from .test_views import MONTHS, build_world, knife_crimes

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> None:
    build_world()


@pytest.fixture
def analyst(make_user: Callable[..., User], client_for: Callable[[User], Client]) -> Client:
    return client_for(make_user(Role.ANALYST))


def test_the_catalogue_lists_every_measure_with_the_core_three_first(analyst):
    response = analyst.get("/api/v1/measures")
    assert response.status_code == 200
    found = response.json()
    assert [m["key"] for m in found] == list(MEASURES)
    assert [m["key"] for m in found if m["core"]] == ["homicide", "knife_crime", "ed_sharp_injury"]
    robbery = next(m for m in found if m["key"] == "street:robbery")
    assert robbery == {
        "key": "street:robbery",
        "name": "Robbery (police.uk)",
        "source": "police_uk",
        "description": robbery["description"],
        "core": False,
        "has_age": False,
    }


def test_a_series_has_null_for_a_gap_and_the_change_in_words(world, analyst):
    response = analyst.get(
        "/api/v1/measures/knife_crime/series",
        {"area_level": "la", "area_code": "E08000026", "granularity": "month"},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["area"] == {"level": "la", "code": "E08000026", "name": "Coventry"}
    by_label = {p["label"]: p["count"] for p in body["periods"]}
    assert by_label["June 2024"] is None
    assert by_label["March 2025"] == knife_crimes(MONTHS[-1])
    change = body["change"]
    assert change["current"]["label"] == "March 2025"
    assert change["previous"]["label"] == "February 2025"
    assert change["pct_vs_previous"] == pytest.approx(
        (knife_crimes(MONTHS[-1]) - knife_crimes(MONTHS[-2])) / knife_crimes(MONTHS[-2]) * 100
    )
    assert "cannot be compared" in body["statement"]


def test_the_partnership_is_the_default_area(world, analyst):
    body = analyst.get("/api/v1/measures/street:robbery/series").json()
    assert body["area"]["level"] == "partnership"
    assert body["periods"][0] == {
        "label": "April 2023",
        "start": "2023-04-01",
        "end": "2023-04-30",
        "count": 26,
        "complete": True,
    }


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"granularity": "weekly"}, "granularity"),
        ({"granularity": ""}, "granularity"),
        ({"under_25": "yes"}, "under_25"),
        ({"area_level": "county"}, "area_level"),
        ({"area_level": "ward"}, "area_code"),
        ({"area_level": "ward", "area_code": "E05999999"}, "area_code"),
    ],
)
def test_a_bad_query_parameter_is_a_problem_naming_it(world, analyst, query, field):
    response = analyst.get("/api/v1/measures/knife_crime/series", query)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert field in [e["field"] for e in response.json()["errors"]]


def test_a_measure_that_does_not_exist_is_not_found(analyst):
    response = analyst.get("/api/v1/measures/street:nothing/series")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_concentration_for_lsoas_and_hexagons(world, analyst):
    response = analyst.get(
        "/api/v1/measures/concentration",
        {"measure": "knife_crime", "start": "2023-04", "end": "2024-03"},
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["start"], body["end"]) == ("2023-04-01", "2024-03-31")
    lsoa = next(u for u in body["units"] if u["unit"] == "lsoa")
    total = sum(knife_crimes(m) for m in MONTHS[:12])
    assert lsoa["places"] == 5
    assert lsoa["incidents"] == total
    assert lsoa["top_shares"][0] == {
        "percent_of_places": 1,
        "places": 1,
        "share_of_incidents": pytest.approx((total - 36) / total),
    }
    assert lsoa["lorenz"][0] == [0.0, 0.0]
    assert lsoa["lorenz"][-1] == [1.0, 1.0]
    assert not lsoa["uses_generalised"]
    assert "Gini coefficient" in lsoa["explanation"]
    assert {u["unit"] for u in body["units"]} == {"lsoa", "h3"}


@pytest.mark.parametrize(
    "months", [{"end": "0001-01"}, {"start": "9999-01", "end": "9999-12"}, {"start": "0000-01"}]
)
def test_months_at_the_ends_of_the_calendar_are_a_problem_not_an_error(world, analyst, months):
    for path in ("/api/v1/measures/concentration", "/api/v1/measures/hot-spots"):
        response = analyst.get(path, months)
        assert response.status_code == 400, path
        errors = response.json()["errors"]
        assert errors
        assert all(e["message"].startswith("Give a month") for e in errors), errors


def test_months_the_wrong_way_round_are_a_problem(analyst):
    response = analyst.get("/api/v1/measures/concentration", {"start": "2025-04", "end": "2024-03"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "end"
    response = analyst.get("/api/v1/measures/concentration", {"start": "April 2025"})
    assert response.json()["errors"][0] == {
        "field": "start",
        "message": "Give a month like 2025-04",
    }


def test_hot_spots_are_geojson(world, analyst):
    response = analyst.get(
        "/api/v1/measures/hot-spots",
        {"measure": "street:robbery", "start": "2024-04", "end": "2025-03", "resolution": "8"},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["type"] == "FeatureCollection"
    hottest = next(f for f in body["features"] if f["properties"]["category"] == "Hot spot (99%)")
    assert hottest["type"] == "Feature"
    assert hottest["geometry"]["type"] == "Polygon"
    ring = hottest["geometry"]["coordinates"][0]
    assert ring[0] == ring[-1]
    assert len(ring) == 7
    assert -1.6 < ring[0][0] < -1.4
    assert 52.3 < ring[0][1] < 52.5
    assert hottest["properties"]["count"] > 0
    # Every robbery of the year is in some cell: 25 in the centre and 1 in the north a month,
    # with the summer's 20.
    assert sum(f["properties"]["count"] for f in body["features"]) == 26 * 12 + 20
    assert "St Michael's ward" in body["summary"]


def test_an_import_reports_its_progress(analyst):
    run = ImportRun.objects.create(
        kind=ImportKind.POLICE_UK,
        status=ImportStatus.RUNNING,
        created_at=timezone.now(),
        bytes_total=200,
        bytes_done=50,
        rows_read=999,
    )
    body = analyst.get(f"/api/v1/measures/imports/{run.pk}").json()
    assert body["status"] == "running"
    assert body["finished"] is False
    assert body["percent_done"] == 25
    assert body["rows_read"] == 999
    assert analyst.get("/api/v1/measures/imports/999999").status_code == 404


def test_people_without_the_measures_capability_get_403(make_user, client_for):
    caseworker = client_for(make_user(Role.CASEWORKER))
    response = caseworker.get("/api/v1/measures")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"


def test_every_endpoint_is_in_the_schema_with_its_own_components():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    paths = schema["paths"]
    for path in (
        "/api/v1/measures",
        "/api/v1/measures/{key}/series",
        "/api/v1/measures/concentration",
        "/api/v1/measures/hot-spots",
        "/api/v1/measures/imports/{id}",
    ):
        assert "get" in paths[path], path
    components = schema["components"]["schemas"]
    for name in ("MeasureSeries", "MeasureConcentration", "MeasureHotSpots", "MeasuresImport"):
        assert name in components


# Fuzzing: whatever an analyst sends to the measures endpoints, no 500.

schema = schemathesis.openapi.from_dict(
    SchemaGenerator().get_schema(request=None, public=True)
).include(path_regex="^/api/v1/measures")
APP = get_wsgi_application()
schema.app = APP


@pytest.fixture
def wsgi_app():
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield APP
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)


@pytest.fixture
def analyst_token(make_user) -> str:
    _, key = AuthToken.objects.create(user=make_user(Role.ANALYST))
    return str(key)


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_measures_api_never_fails_and_keeps_to_its_schema(case, wsgi_app, analyst_token):
    case.call_and_validate(
        app=wsgi_app,
        headers={"Authorization": f"Token {analyst_token}", "Host": "testserver"},
        excluded_checks=[positive_data_acceptance],
    )
