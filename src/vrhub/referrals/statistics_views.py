"""The programme manager's referral figures, each table also as CSV."""

from __future__ import annotations

import csv

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from vrhub.accounts.permissions import Capability, require
from vrhub.core.spreadsheets import safe_cell

from . import statistics


@require(Capability.VIEW_REFERRAL_FIGURES)
@require_safe
def figures(request: HttpRequest) -> HttpResponse:
    return render(request, "referrals/statistics.html", {"tables": statistics.tables()})


@require(Capability.VIEW_REFERRAL_FIGURES)
@require_safe
def figures_csv(request: HttpRequest, table: str) -> HttpResponse:
    chosen = statistics.table(table)
    if chosen is None:
        raise Http404()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="referrals-{table}-{stamp}.csv"'
    writer = csv.writer(response)
    writer.writerow(chosen.headers)
    writer.writerows([safe_cell(cell) for cell in row] for row in chosen.rows)
    return response
