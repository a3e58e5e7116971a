"""The programme figures page and its downloads, for programme managers and scrutiny members
(who see "fewer than 5" for any small count)."""

from __future__ import annotations

import csv

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from vrhub.accounts import permissions
from vrhub.accounts.permissions import Capability, require
from vrhub.core.requests import signed_in_user
from vrhub.core.spreadsheets import safe_cell

from . import figures
from .at_risk_forms import PeriodForm

DATE_PARTS = ("start_0", "start_1", "start_2", "end_0", "end_1", "end_2")


def _period_form(request: HttpRequest) -> PeriodForm:
    """The period asked for, or this financial year so far when none was."""
    if any(part in request.GET for part in DATE_PARTS):
        return PeriodForm(request.GET)
    today = timezone.localdate()
    return PeriodForm(initial={"start": figures.financial_year_start(today), "end": today})


def _period(form: PeriodForm) -> figures.Period | None:
    if not form.is_bound:
        return figures.Period(form.initial["start"], form.initial["end"])
    if form.is_valid():
        return figures.Period(form.cleaned_data["start"], form.cleaned_data["end"])
    return None


@require(Capability.VIEW_PROGRAMME_FIGURES)
@require_safe
def programme(request: HttpRequest) -> HttpResponse:
    me = signed_in_user(request)
    form = _period_form(request)
    period = _period(form)
    summary = None
    exact = permissions.sees_small_numbers(me)
    if period is not None:
        summary = figures.programme_summary(start=period.start, end=period.end, exact=exact)
        figures.programme_figures_viewed(actor=me, period=period, exact=exact, view="page")
    query = request.GET.copy()
    if not form.is_bound and period is not None:
        for name, day in (("start", period.start), ("end", period.end)):
            if day is not None:
                query[f"{name}_0"], query[f"{name}_1"], query[f"{name}_2"] = (
                    str(day.day),
                    str(day.month),
                    str(day.year),
                )
    return render(
        request,
        "cases/programme.html",
        {
            "form": form,
            "summary": summary,
            "tables": summary.tables() if summary else [],
            "query": query.urlencode(),
            "exact": exact,
        },
        status=200 if summary is not None else 400,
    )


@require(Capability.VIEW_PROGRAMME_FIGURES)
@require_safe
def programme_csv(request: HttpRequest, table: str) -> HttpResponse:
    me = signed_in_user(request)
    if table not in figures.TABLE_SLUGS:
        raise Http404()
    form = _period_form(request)
    period = _period(form)
    if period is None:
        return render(
            request,
            "cases/programme.html",
            {"form": form, "summary": None, "tables": [], "query": ""},
            status=400,
        )
    exact = permissions.sees_small_numbers(me)
    summary = figures.programme_summary(start=period.start, end=period.end, exact=exact)
    chosen = summary.table(table)
    if chosen is None:
        raise Http404()
    figures.programme_figures_viewed(actor=me, period=period, exact=exact, view="csv", table=table)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="programme-{table}-{stamp}.csv"'
    writer = csv.writer(response)
    writer.writerow(chosen.headers)
    # A number a spreadsheet can add up, or the words that stand for a suppressed one.
    writer.writerows(
        [safe_cell(row.label), row.count.shown if row.count.value is None else row.count.value]
        for row in chosen.rows
    )
    return response
