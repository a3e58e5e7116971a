"""The measures pages. Each parses its choices, asks `selectors` for the figures, and renders
them, or, with `?download=<table>`, writes that table as CSV with the same choices."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

import duckdb
from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from vrhub.accounts.permissions import Capability, can, require
from vrhub.core.requests import posted, signed_in_user

from . import selectors, services, store
from .analysis.areas import area_choices, find_area, force_name
from .analysis.periods import MONTHS, Granularity, add_months, month_name
from .catalogue import MEASURES, STREET_MEASURES
from .forms import (
    ChoicesForm,
    ConcentrationForm,
    CostForm,
    HotSpotsForm,
    ImportForm,
    SeasonalityForm,
    SeriesForm,
    area_value,
)
from .ingest.formats import COMMON_RULES
from .models import ImportKind, ImportRun
from .tables import Table, find

IMPORTS_PAGE_SIZE = 25

# The pages of figures, as each page links to the others.
MEASURE_PAGES = (
    ("measures:dashboard", "Core measures"),
    ("measures:concentration", "Concentration"),
    ("measures:hot_spots", "Hot spots"),
    ("measures:seasonality", "Seasonality"),
    ("measures:cost", "Cost"),
    ("measures:imports", "Imports and coverage"),
)


def _choices(
    form_class: type[ChoicesForm],
    request: HttpRequest,
    con: duckdb.DuckDBPyConnection,
    defaults: dict[str, str] | None = None,
    **choices: Sequence[tuple[str, str]],
) -> ChoicesForm:
    form = form_class(
        request.GET,
        areas=area_choices(con),
        find_area=lambda level, code: find_area(con, level, code),
        defaults=defaults,
        **choices,
    )
    form.is_valid()  # while the store is open: the area is looked up in it
    return form


def _figures(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    form: ChoicesForm,
    tables: Sequence[Table],
    name: str,
) -> HttpResponse:
    """The page, or the table asked for as CSV. Choices that are not valid answer 400."""
    valid = not form.errors
    wanted = request.GET.get("download")
    if wanted is not None and valid:
        table = find(tables, wanted)
        if table is None:
            raise Http404("No such table")
        return table.csv_response(name)
    query = request.GET.copy()
    query.pop("download", None)
    area = form.cleaned_data.get("area") if valid else None
    return render(
        request,
        template,
        {
            "form": form,
            "query": query.urlencode(),
            "area_query": urlencode({"area": area_value(area)}) if area else "",
            "measure_pages": MEASURE_PAGES,
            **context,
        },
        status=200 if valid else 400,
    )


@dataclass(frozen=True)
class _Chosen:
    """A page's choices, checked while the store is open, and how to draw its figures from them
    (None where there is nothing to draw). `context` is what else the page shows either way."""

    form: ChoicesForm
    draw: Callable[[dict[str, Any]], Any]
    context: dict[str, Any] = field(default_factory=dict)


def _figures_page(
    request: HttpRequest,
    template: str,
    choose: Callable[[duckdb.DuckDBPyConnection], _Chosen],
    *,
    name: str,
    key: str = "page",
    tables: Callable[[Any], Sequence[Table]] = lambda drawn: drawn.tables,
) -> HttpResponse:
    # The figures are drawn before the store closes: the choices name areas and periods in it.
    with store.reading() as con:
        chosen = choose(con)
        drawn = None if chosen.form.errors else chosen.draw(chosen.form.cleaned_data)
    return _figures(
        request,
        template,
        {key: drawn, **chosen.context},
        form=chosen.form,
        tables=tables(drawn) if drawn else [],
        name=name,
    )


def _series(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "area": data["area"],
        "granularity": Granularity(data["granularity"]),
        "under_25": data["under_25"],
    }


def _placed_in_period(
    form_class: type[ChoicesForm], request: HttpRequest, con: duckdb.DuckDBPyConnection
) -> tuple[ChoicesForm, list[selectors.Period]]:
    periods = selectors.periods(con)
    form = _choices(
        form_class,
        request,
        con,
        measure=selectors.measure_choices(placed=True),
        period=selectors.period_choices(periods),
    )
    return form, periods


def _measure_in_period(data: dict[str, Any], periods: list[selectors.Period]) -> dict[str, Any]:
    return {
        "measure": MEASURES[data["measure"]],
        "area": data["area"],
        "period": selectors.period_for(periods, data["period"]),
    }


@require(Capability.VIEW_MEASURES)
@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    def choose(con: duckdb.DuckDBPyConnection) -> _Chosen:
        return _Chosen(
            _choices(SeriesForm, request, con),
            lambda data: selectors.dashboard(con, **_series(data)),
            {"street_measures": STREET_MEASURES},
        )

    return _figures_page(request, "measures/dashboard.html", choose, name="measures")


@require(Capability.VIEW_MEASURES)
@require_safe
def measure(request: HttpRequest, key: str) -> HttpResponse:
    chosen = MEASURES.get(key)
    if chosen is None:
        raise Http404("No such measure")

    def choose(con: duckdb.DuckDBPyConnection) -> _Chosen:
        return _Chosen(
            _choices(SeriesForm, request, con),
            lambda data: selectors.measure_figure(con, measure=chosen, **_series(data)),
            {"measure": chosen, "street_measures": STREET_MEASURES},
        )

    return _figures_page(
        request,
        "measures/measure.html",
        choose,
        name=key.replace(":", "-"),
        key="figure",
        tables=lambda figure: [figure.table],
    )


@require(Capability.VIEW_MEASURES)
@require_safe
def concentration(request: HttpRequest) -> HttpResponse:
    def choose(con: duckdb.DuckDBPyConnection) -> _Chosen:
        form, periods = _placed_in_period(ConcentrationForm, request, con)
        return _Chosen(
            form,
            lambda data: selectors.concentration_page(con, **_measure_in_period(data, periods)),
        )

    return _figures_page(request, "measures/concentration.html", choose, name="concentration")


@require(Capability.VIEW_MEASURES)
@require_safe
def hot_spots(request: HttpRequest) -> HttpResponse:
    def choose(con: duckdb.DuckDBPyConnection) -> _Chosen:
        form, periods = _placed_in_period(HotSpotsForm, request, con)
        return _Chosen(
            form,
            lambda data: selectors.hot_spots_page(
                con,
                **_measure_in_period(data, periods),
                periods=periods,
                resolution=int(data["size"]),
            ),
            {
                "tile_url": getattr(settings, "VRHUB_MAP_TILE_URL", ""),
                "tile_attribution": getattr(settings, "VRHUB_MAP_TILE_ATTRIBUTION", ""),
            },
        )

    response = _figures_page(request, "measures/hot_spots.html", choose, name="hot-spots")
    tiles = tile_origin(getattr(settings, "VRHUB_MAP_TILE_URL", ""))
    if tiles:
        # The page may load images from the tile server the council chose, and no other.
        response._csp_update = {"img-src": [tiles]}  # type: ignore[attr-defined]
    return response


def tile_origin(url: str) -> str:
    """The origin a tile URL template loads from, as a Content-Security-Policy source:
    `https://{s}.tiles.example.org/{z}/{x}/{y}.png` -> `https://*.tiles.example.org`."""
    parts = urlsplit(url.replace("{s}", "*"))
    if parts.scheme != "https" or not parts.netloc:
        return ""
    return f"https://{parts.netloc}"


@require(Capability.VIEW_MEASURES)
@require_safe
def seasonality(request: HttpRequest) -> HttpResponse:
    def choose(con: duckdb.DuckDBPyConnection) -> _Chosen:
        return _Chosen(
            _choices(
                SeasonalityForm, request, con, measure=selectors.measure_choices(seasonal=True)
            ),
            lambda data: selectors.seasonality_page(
                con, measure=data["measure"], area=data["area"]
            ),
        )

    return _figures_page(request, "measures/seasonality.html", choose, name="seasonality")


@require(Capability.VIEW_MEASURES)
@require_safe
def cost(request: HttpRequest) -> HttpResponse:
    def choose(con: duckdb.DuckDBPyConnection) -> _Chosen:
        periods = selectors.periods(con)
        price_years = selectors.price_years(con)
        form = _choices(
            CostForm,
            request,
            con,
            period=selectors.period_choices(periods),
            # The latest prices, until someone chooses others.
            defaults={"price_year": price_years[-1]} if price_years else None,
            price_year=[(year, year) for year in price_years],
        )
        return _Chosen(
            form,
            lambda data: (
                selectors.cost_page(
                    con,
                    area=data["area"],
                    period=selectors.period_for(periods, data["period"]),
                    price_year=data["price_year"],
                )
                if data["price_year"]
                else None
            ),
            {"price_years": price_years},
        )

    return _figures_page(request, "measures/cost.html", choose, name="cost")


# Imports.


@require(Capability.VIEW_MEASURES)
@require_safe
def imports(request: HttpRequest) -> HttpResponse:
    me = signed_in_user(request)
    page = Paginator(selectors.import_runs(), IMPORTS_PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    with store.reading() as con:
        grids = selectors.coverage_grids(con, today=today)
    return render(
        request,
        "measures/imports.html",
        {
            "page": page,
            "grids": grids,
            "first_month": month_name(
                add_months(today.replace(day=1), 1 - selectors.COVERAGE_MONTHS)
            ),
            "last_month": month_name(today),
            "month_names": [name[:3] for name in MONTHS],
            "kinds": ImportKind.choices,
            "may_import": can(me, Capability.IMPORT_MEASURES),
        },
    )


def _kind(kind: str) -> ImportKind:
    try:
        return ImportKind(kind)
    except ValueError:
        raise Http404("No such kind of import") from None


@require(Capability.IMPORT_MEASURES)
@require_http_methods(["GET", "HEAD", "POST"])
def import_new(request: HttpRequest, kind: str) -> HttpResponse:
    me = signed_in_user(request)
    chosen = _kind(kind)
    forces: list[tuple[str, str]] = []
    if chosen == ImportKind.FORCE_EXTRACT:
        with store.reading() as con:
            forces = selectors.force_choices(con)
    form = ImportForm(posted(request), request.FILES or None, kind=chosen, forces=forces)
    if posted(request) is not None and form.is_valid():
        options = {"force": form.cleaned_data["force"]} if "force" in form.fields else {}
        run = services.start_import(
            kind=chosen, uploads=form.cleaned_data["uploads"], options=options, actor=me
        )
        return redirect("measures:import_detail", pk=run.pk)
    return render(
        request,
        "measures/import_new.html",
        {
            "form": form,
            "kind": chosen.value,
            "kind_label": chosen.label,
            "data_format": selectors.data_format(chosen.value),
            "no_forces": chosen == ImportKind.FORCE_EXTRACT and not forces,
        },
    )


@require(Capability.VIEW_MEASURES)
@require_safe
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(ImportRun.objects.select_related("started_by"), pk=pk)
    report = selectors.import_report(run)
    return render(
        request,
        "measures/import_detail.html",
        {
            "run": run,
            "report": report,
            "has_problems": run.problems.exists(),
            "kept": settings.VRHUB_IMPORT_PROBLEMS_KEPT,
            "force_name": force_name(str(run.options.get("force", ""))),
        },
    )


@require(Capability.VIEW_MEASURES)
@require_safe
def import_problems_csv(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(ImportRun, pk=pk)
    return selectors.problems_table(run).csv_response(f"import {run.pk}")


# Data formats.


@require(Capability.VIEW_MEASURES)
@require_safe
def formats(request: HttpRequest) -> HttpResponse:
    return render(request, "measures/formats.html", {"formats": selectors.data_formats()})


@require(Capability.VIEW_MEASURES)
@require_safe
def data_format(request: HttpRequest, kind: str) -> HttpResponse:
    found = selectors.data_format(kind)
    if found is None:
        raise Http404("No such format")
    if request.GET.get("download") == "example":
        return selectors.example_table(kind, found).csv_response(f"{kind} example")
    me = signed_in_user(request)
    return render(
        request,
        "measures/format.html",
        {
            "kind": kind,
            "data_format": found,
            "may_import": can(me, Capability.IMPORT_MEASURES) and kind in ImportKind.values,
            "common_rules": COMMON_RULES,
        },
    )
