"""The measures pages. Each parses its choices, asks `selectors` for the figures, and renders
them, or, with `?download=<table>`, writes that table as CSV with the same choices."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlencode

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


@contextmanager
def _store() -> Iterator[duckdb.DuckDBPyConnection]:
    con = store.connect()
    try:
        yield con
    finally:
        con.close()


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


@require(Capability.VIEW_MEASURES)
@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    with _store() as con:
        form = _choices(SeriesForm, request, con)
        page = None
        if not form.errors:
            page = selectors.dashboard(
                con,
                area=form.cleaned_data["area"],
                granularity=Granularity(form.cleaned_data["granularity"]),
                under_25=form.cleaned_data["under_25"],
            )
    return _figures(
        request,
        "measures/dashboard.html",
        {"page": page, "street_measures": STREET_MEASURES},
        form=form,
        tables=page.tables if page else [],
        name="measures",
    )


@require(Capability.VIEW_MEASURES)
@require_safe
def measure(request: HttpRequest, key: str) -> HttpResponse:
    chosen = MEASURES.get(key)
    if chosen is None:
        raise Http404("No such measure")
    with _store() as con:
        form = _choices(SeriesForm, request, con)
        figure = None
        if not form.errors:
            figure = selectors.measure_figure(
                con,
                measure=chosen,
                area=form.cleaned_data["area"],
                granularity=Granularity(form.cleaned_data["granularity"]),
                under_25=form.cleaned_data["under_25"],
            )
    return _figures(
        request,
        "measures/measure.html",
        {"measure": chosen, "figure": figure, "street_measures": STREET_MEASURES},
        form=form,
        tables=[figure.table] if figure else [],
        name=key.replace(":", "-"),
    )


@require(Capability.VIEW_MEASURES)
@require_safe
def concentration(request: HttpRequest) -> HttpResponse:
    with _store() as con:
        periods = selectors.periods(con)
        form = _choices(
            ConcentrationForm,
            request,
            con,
            measure=selectors.measure_choices(placed=True),
            period=selectors.period_choices(periods),
        )
        page = None
        if not form.errors:
            page = selectors.concentration_page(
                con,
                measure=MEASURES[form.cleaned_data["measure"]],
                area=form.cleaned_data["area"],
                period=selectors.period_for(periods, form.cleaned_data["period"]),
            )
    return _figures(
        request,
        "measures/concentration.html",
        {"page": page},
        form=form,
        tables=page.tables if page else [],
        name="concentration",
    )


@require(Capability.VIEW_MEASURES)
@require_safe
def hot_spots(request: HttpRequest) -> HttpResponse:
    with _store() as con:
        periods = selectors.periods(con)
        form = _choices(
            HotSpotsForm,
            request,
            con,
            measure=selectors.measure_choices(placed=True),
            period=selectors.period_choices(periods),
        )
        page = None
        if not form.errors:
            page = selectors.hot_spots_page(
                con,
                measure=MEASURES[form.cleaned_data["measure"]],
                area=form.cleaned_data["area"],
                period=selectors.period_for(periods, form.cleaned_data["period"]),
                periods=periods,
                resolution=int(form.cleaned_data["size"]),
            )
    return _figures(
        request,
        "measures/hot_spots.html",
        {
            "page": page,
            "tile_url": getattr(settings, "VRHUB_MAP_TILE_URL", ""),
            "tile_attribution": getattr(settings, "VRHUB_MAP_TILE_ATTRIBUTION", ""),
        },
        form=form,
        tables=page.tables if page else [],
        name="hot-spots",
    )


@require(Capability.VIEW_MEASURES)
@require_safe
def seasonality(request: HttpRequest) -> HttpResponse:
    with _store() as con:
        form = _choices(
            SeasonalityForm, request, con, measure=selectors.measure_choices(seasonal=True)
        )
        page = None
        if not form.errors:
            page = selectors.seasonality_page(
                con, measure=form.cleaned_data["measure"], area=form.cleaned_data["area"]
            )
    return _figures(
        request,
        "measures/seasonality.html",
        {"page": page},
        form=form,
        tables=page.tables if page else [],
        name="seasonality",
    )


@require(Capability.VIEW_MEASURES)
@require_safe
def cost(request: HttpRequest) -> HttpResponse:
    with _store() as con:
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
        page = None
        if not form.errors and form.cleaned_data["price_year"]:
            page = selectors.cost_page(
                con,
                area=form.cleaned_data["area"],
                period=selectors.period_for(periods, form.cleaned_data["period"]),
                price_year=form.cleaned_data["price_year"],
            )
    return _figures(
        request,
        "measures/cost.html",
        {"page": page, "price_years": price_years},
        form=form,
        tables=page.tables if page else [],
        name="cost",
    )


# Imports.


@require(Capability.VIEW_MEASURES)
@require_safe
def imports(request: HttpRequest) -> HttpResponse:
    me = signed_in_user(request)
    page = Paginator(selectors.import_runs(), IMPORTS_PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    with _store() as con:
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
        with _store() as con:
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
