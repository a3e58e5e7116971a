"""The measures API: the catalogue, any measure's series for an area, concentration, hot spots
as GeoJSON, and how far an import has got. The same selectors as the pages answer it.

A query parameter that is not valid is a 400 problem naming it; a measure that does not exist
is a 404.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from vrhub.accounts.permissions import Capability, api_permission

from . import selectors, store
from .analysis.areas import LEVELS, PARTNERSHIP, Area, find_area
from .analysis.hotspots import CATEGORIES
from .analysis.periods import Granularity, add_months, month_end
from .catalogue import MEASURES, Measure, Source
from .converters import MeasureKeyConverter
from .models import ImportRun

KEY = OpenApiParameter(
    "key",
    str,
    OpenApiParameter.PATH,
    pattern=f"^{MeasureKeyConverter.regex}$",
    description="The measure's key, like knife_crime or street:robbery.",
)
IMPORT_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The import's number.")


# Input.


class QueryBooleanField(serializers.BooleanField):
    """`true` or `false` in a query string, nothing looser."""

    def to_internal_value(self, data: Any) -> bool:
        if data not in ("true", "false"):
            self.fail("invalid")
        return data == "true"


FIRST_YEAR = 1900
LAST_YEAR = 2100


@extend_schema_field({"type": "string", "pattern": r"^\d{4}-\d{2}$", "example": "2025-04"})
class MonthField(serializers.Field):
    """A month written YYYY-MM."""

    def to_representation(self, value: date) -> str:
        return f"{value:%Y-%m}"

    def to_internal_value(self, data: Any) -> date:
        if not isinstance(data, str):
            raise serializers.ValidationError("Give a month like 2025-04")
        text = data
        try:
            year, month = (int(part) for part in text.split("-"))
            if len(text) != 7:
                raise ValueError
            found = date(year, month, 1)
        except ValueError:
            raise serializers.ValidationError("Give a month like 2025-04") from None
        # Periods are worked out years either side of a month: keep well inside the calendar.
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise serializers.ValidationError(
                f"Give a month from {FIRST_YEAR} to {LAST_YEAR}, like 2025-04"
            )
        return found


class AreaQuerySerializer(serializers.Serializer):
    area_level = serializers.ChoiceField(
        choices=list(LEVELS),
        required=False,
        default=PARTNERSHIP,
        help_text="The kind of area: partnership (the default), la, csp, ward, lsoa or force.",
    )
    area_code = serializers.CharField(
        required=False,
        max_length=60,
        help_text="The area's ONS code (or force slug); not needed for the partnership.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        level = attrs["area_level"]
        code = attrs.get("area_code", PARTNERSHIP if level == PARTNERSHIP else "")
        if not code:
            raise serializers.ValidationError({"area_code": ["Give the area's code"]})
        with store.reading() as con:
            area = find_area(con, level, code)
        if area is None:
            raise serializers.ValidationError(
                {"area_code": [f"There is no {level} with the code {code}"]}
            )
        attrs["area"] = area
        return attrs


class MeasureSeriesQuerySerializer(AreaQuerySerializer):
    granularity = serializers.ChoiceField(
        choices=[g.value for g in Granularity], required=False, default=Granularity.MONTH.value
    )
    under_25 = QueryBooleanField(
        required=False,
        default=False,
        help_text="true for victims or patients known to be under 25 (sources that record age).",
    )


class MeasurePeriodQuerySerializer(AreaQuerySerializer):
    measure = serializers.ChoiceField(
        choices=[m.key for m in MEASURES.values() if m.source != Source.ISTV],
        required=False,
        default="knife_crime",
        help_text="The measure's key. ED attendances have no places, so are not offered.",
    )
    start = MonthField(
        required=False, help_text="The first month, like 2024-04. Default: 11 months before end."
    )
    end = MonthField(
        required=False, help_text="The last month, like 2025-03. Default: the latest with data."
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        if "end" not in attrs:
            with store.reading() as con:
                latest = selectors.periods(con)[0]
            attrs["end"] = latest.end.replace(day=1)
        attrs.setdefault("start", add_months(attrs["end"], -11))
        if attrs["start"] > attrs["end"]:
            raise serializers.ValidationError(
                {"end": ["The end month must not be before the start"]}
            )
        if add_months(attrs["start"], 12 * 10) <= attrs["end"]:
            raise serializers.ValidationError({"start": ["Ask for 10 years or fewer at a time"]})
        return attrs


class MeasureHotSpotsQuerySerializer(MeasurePeriodQuerySerializer):
    resolution = serializers.ChoiceField(
        choices=["7", "8", "9"],
        required=False,
        default="8",
        help_text="The H3 resolution of the hexagons: 7 (about 5 km²), 8 (0.7 km²) or 9.",
    )


# Output.


class MeasureCatalogueSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    source = serializers.ChoiceField(  # type: ignore[assignment]  # a field, not Field.source
        choices=[s.value for s in Source]
    )
    description = serializers.CharField()
    core = serializers.BooleanField(help_text="One of the Serious Violence Duty's three measures.")
    has_age = serializers.BooleanField(help_text="Whether under-25 figures exist.")


class MeasureAreaSerializer(serializers.Serializer):
    level = serializers.CharField()
    code = serializers.CharField()
    name = serializers.CharField()


class MeasurePeriodSerializer(serializers.Serializer):
    label = serializers.CharField()  # type: ignore[assignment]  # a field, not Field.label
    start = serializers.DateField()
    end = serializers.DateField()
    count = serializers.IntegerField(
        allow_null=True, help_text="null where a month of the period has no data: never 0."
    )
    complete = serializers.BooleanField()


class MeasureChangeSerializer(serializers.Serializer):
    current = MeasurePeriodSerializer()
    previous = MeasurePeriodSerializer(allow_null=True)
    year_before = MeasurePeriodSerializer(allow_null=True)
    pct_vs_previous = serializers.FloatField(allow_null=True)
    pct_vs_year_before = serializers.FloatField(allow_null=True)


class MeasureSeriesSerializer(serializers.Serializer):
    measure = serializers.CharField()
    area = MeasureAreaSerializer()
    granularity = serializers.CharField()
    under_25 = serializers.BooleanField()
    periods = MeasurePeriodSerializer(many=True)
    change = MeasureChangeSerializer(allow_null=True)
    statement = serializers.CharField()


class MeasureTopShareSerializer(serializers.Serializer):
    percent_of_places = serializers.IntegerField()
    places = serializers.IntegerField()
    share_of_incidents = serializers.FloatField(help_text="From 0 to 1.")


class MeasureConcentrationUnitSerializer(serializers.Serializer):
    unit = serializers.ChoiceField(choices=["lsoa", "h3"])
    places = serializers.IntegerField()
    incidents = serializers.IntegerField()
    top_shares = MeasureTopShareSerializer(many=True)
    lorenz = serializers.ListField(
        child=serializers.ListField(child=serializers.FloatField(), min_length=2, max_length=2),
        help_text="Points (share of places, share of incidents), quietest places first.",
    )
    gini = serializers.FloatField(allow_null=True)
    generalised_gini = serializers.FloatField(allow_null=True)
    uses_generalised = serializers.BooleanField()
    explanation = serializers.CharField()


class MeasureConcentrationSerializer(serializers.Serializer):
    measure = serializers.CharField()
    area = MeasureAreaSerializer()
    start = serializers.DateField()
    end = serializers.DateField()
    units = MeasureConcentrationUnitSerializer(many=True)


class MeasureHotSpotPropertiesSerializer(serializers.Serializer):
    cell = serializers.CharField(help_text="The H3 cell index.")
    count = serializers.IntegerField()
    z = serializers.FloatField()
    p = serializers.FloatField()
    category = serializers.ChoiceField(choices=list(CATEGORIES))


class MeasureHotSpotGeometrySerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["Polygon"])
    coordinates = serializers.ListField(
        child=serializers.ListField(child=serializers.ListField(child=serializers.FloatField()))
    )


class MeasureHotSpotFeatureSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["Feature"])
    id = serializers.CharField()
    geometry = MeasureHotSpotGeometrySerializer()
    properties = MeasureHotSpotPropertiesSerializer()


class MeasureHotSpotsSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["FeatureCollection"])
    features = MeasureHotSpotFeatureSerializer(many=True)
    summary = serializers.CharField(help_text="Where the hot spots are, in words.")


class MeasuresImportSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    status = serializers.CharField()
    finished = serializers.BooleanField()
    percent_done = serializers.IntegerField()
    rows_read = serializers.IntegerField()
    rows_loaded = serializers.IntegerField()
    rows_rejected = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    message = serializers.CharField(allow_blank=True)


def _query(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    # A plain dict, so an empty value (`?granularity=`) is an error rather than ignored.
    query = serializer_class(data=request.query_params.dict())
    query.is_valid(raise_exception=True)
    return dict(query.validated_data)


def _area(area: Area) -> dict[str, str]:
    return {"level": area.level, "code": area.code, "name": area.name}


def _measure(key: str) -> Measure:
    found = MEASURES.get(key)
    if found is None:
        raise exceptions.NotFound("There is no measure with this key.")
    return found


TAGS = ["Measures"]


class MeasureCatalogueApi(APIView):
    permission_classes = [api_permission(Capability.VIEW_MEASURES)]

    @extend_schema(
        operation_id="measures_list",
        summary="The measures",
        description="Every measure vrhub counts: the three core measures of the Serious "
        "Violence Duty, and each police.uk crime type.",
        responses={200: MeasureCatalogueSerializer(many=True)},
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        return Response(
            MeasureCatalogueSerializer(
                [
                    {
                        "key": m.key,
                        "name": m.name,
                        "source": m.source.value,
                        "description": m.description,
                        "core": m.core,
                        "has_age": m.has_age,
                    }
                    for m in MEASURES.values()
                ],
                many=True,
            ).data
        )


def _period(p: Any) -> dict[str, Any]:
    return {
        "label": p.label,
        "start": p.start,
        "end": p.end,
        "count": p.count,
        "complete": p.complete,
    }


class MeasureSeriesApi(APIView):
    permission_classes = [api_permission(Capability.VIEW_MEASURES)]

    @extend_schema(
        operation_id="measures_series",
        summary="A measure's series for an area",
        description="Counts by month, quarter, financial year or rolling 12 months, with the "
        "change on the period before and a year before, and the change in words. A period "
        "with a month missing from the data has a null count, never 0.",
        parameters=[KEY, MeasureSeriesQuerySerializer],
        responses={200: MeasureSeriesSerializer},
        tags=TAGS,
    )
    def get(self, request: Request, key: str) -> Response:
        measure = _measure(key)
        q = _query(MeasureSeriesQuerySerializer, request)
        with store.reading() as con:
            figure = selectors.measure_figure(
                con,
                measure=measure,
                area=q["area"],
                granularity=Granularity(q["granularity"]),
                under_25=q["under_25"],
            )
        change = figure.change
        return Response(
            MeasureSeriesSerializer(
                {
                    "measure": measure.key,
                    "area": _area(figure.area),
                    "granularity": figure.granularity.value,
                    "under_25": figure.under_25,
                    "periods": [_period(p) for p in figure.periods],
                    "change": None
                    if change is None
                    else {
                        "current": _period(change.current),
                        "previous": _period(change.previous) if change.previous else None,
                        "year_before": _period(change.year_before) if change.year_before else None,
                        "pct_vs_previous": change.pct_vs_previous,
                        "pct_vs_year_before": change.pct_vs_year_before,
                    },
                    "statement": figure.statement,
                }
            ).data
        )


def _span(q: dict[str, Any]) -> selectors.Period:
    start, end = q["start"], month_end(q["end"])
    return selectors.Period("api", f"{start:%B %Y} to {end:%B %Y}", start, end)


class MeasureConcentrationApi(APIView):
    permission_classes = [api_permission(Capability.VIEW_MEASURES)]

    @extend_schema(
        operation_id="measures_concentration",
        summary="How concentrated a measure is",
        description="The share of incidents in the busiest 1%, 5% and 10% of LSOAs and of H3 "
        "hexagons, the Lorenz curve, and the Gini coefficient (generalised when places "
        "outnumber incidents).",
        parameters=[MeasurePeriodQuerySerializer],
        responses={200: MeasureConcentrationSerializer},
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        q = _query(MeasurePeriodQuerySerializer, request)
        period = _span(q)
        with store.reading() as con:
            page = selectors.concentration_page(
                con, measure=MEASURES[q["measure"]], area=q["area"], period=period
            )
        return Response(
            MeasureConcentrationSerializer(
                {
                    "measure": page.measure.key,
                    "area": _area(page.area),
                    "start": period.start,
                    "end": period.end,
                    "units": [
                        {
                            "unit": block.unit,
                            "places": block.result.places,
                            "incidents": block.result.incidents,
                            "top_shares": [
                                {
                                    "percent_of_places": percent,
                                    "places": block.result.top_places.get(percent, 0),
                                    "share_of_incidents": share,
                                }
                                for percent, share in sorted(block.result.top_shares.items())
                            ],
                            "lorenz": [[x, y] for x, y in block.result.lorenz],
                            "gini": block.result.gini,
                            "generalised_gini": block.result.generalised_gini,
                            "uses_generalised": block.result.uses_generalised,
                            "explanation": block.gini_sentence,
                        }
                        for block in page.blocks
                    ],
                }
            ).data
        )


class MeasureHotSpotsApi(APIView):
    permission_classes = [api_permission(Capability.VIEW_MEASURES)]

    @extend_schema(
        operation_id="measures_hot_spots",
        summary="Hot spots of a measure",
        description="Getis-Ord Gi* on H3 hexagons, as a GeoJSON feature collection: each "
        "hexagon with its count, z-score, two-sided p-value and category.",
        parameters=[MeasureHotSpotsQuerySerializer],
        responses={200: MeasureHotSpotsSerializer},
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        q = _query(MeasureHotSpotsQuerySerializer, request)
        period = _span(q)
        with store.reading() as con:
            page = selectors.hot_spots_page(
                con,
                measure=MEASURES[q["measure"]],
                area=q["area"],
                period=period,
                periods=[],
                resolution=int(q["resolution"]),
            )
        return Response(
            MeasureHotSpotsSerializer(
                {
                    "type": "FeatureCollection",
                    "features": page.geojson["features"],
                    "summary": page.summary,
                }
            ).data
        )


class MeasuresImportApi(APIView):
    permission_classes = [api_permission(Capability.VIEW_MEASURES)]

    @extend_schema(
        operation_id="measures_imports_retrieve",
        summary="An import's status and progress",
        description="Where an import has got: its status, the percentage of the upload read "
        "and the rows read so far; when finished, rows loaded and rejected.",
        parameters=[IMPORT_ID],
        responses={200: MeasuresImportSerializer},
        tags=TAGS,
    )
    def get(self, request: Request, id: int) -> Response:
        run = get_object_or_404(ImportRun, pk=id)
        return Response(
            MeasuresImportSerializer(
                {
                    "id": run.pk,
                    "kind": run.kind,
                    "status": run.status,
                    "finished": run.finished,
                    "percent_done": run.percent_done,
                    "rows_read": run.rows_read,
                    "rows_loaded": run.rows_loaded,
                    "rows_rejected": run.rows_rejected,
                    "created_at": run.created_at,
                    "finished_at": run.finished_at,
                    "message": run.message,
                }
            ).data
        )
