"""The at-risk list: who is on it and why, their reviews, the download (redacted unless a named
recipient needs names), the share log, and the population it is compared with.

Never a second Gangs Matrix: only current entries are named; those that left the list are
counted; every look, download and share is in the audit trail; and programme managers see the
list beside the area's population, so disproportionality cannot go unnoticed.
"""

from __future__ import annotations

import csv
from datetime import date

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from vrhub.accounts import permissions
from vrhub.accounts.permissions import Capability, can, require
from vrhub.core.requests import posted, signed_in_user
from vrhub.core.spreadsheets import safe_cell

from . import population, services
from .at_risk_forms import ExportForm, PopulationUploadForm, RejustifyForm, add_problems
from .at_risk_selectors import (
    ListFilter,
    current_entries,
    departed,
    disproportionality,
    list_entries,
    owners,
    reasons,
    review_due,
)
from .figures import age_band_of
from .models import AtRiskEntry, AtRiskReason, AtRiskShare, PopulationShare

LIST_PAGE_SIZE = 50  # as the caseload lists; a page a person can scan
SHARES_PAGE_SIZE = 50


def _criteria(request: HttpRequest) -> ListFilter:
    owner = request.GET.get("owner", "")
    reason = request.GET.get("reason", "")
    return ListFilter(
        owner_id=int(owner) if owner.isdigit() and len(owner) < 18 else None,
        reason=reason if reason in AtRiskReason.values else "",
    )


@require(Capability.VIEW_AT_RISK_LIST)
@require_safe
def at_risk_list(request: HttpRequest) -> HttpResponse:
    me = signed_in_user(request)
    today = timezone.localdate()
    criteria = _criteria(request)
    page = Paginator(list_entries(today, criteria), LIST_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [(entry, review_due(entry, today)) for entry in page.object_list]
    services.at_risk_list_viewed(actor=me, entries=len(rows))
    governs = can(me, Capability.GOVERN_AT_RISK_LIST)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cases/at_risk_list.html",
        {
            "page": page,
            "rows": rows,
            "criteria": criteria,
            "owners": owners(today),
            "reasons": reasons(),
            "departed": departed(today),
            # Everyone who reads the list sees its make-up beside the population.
            "comparisons": disproportionality(today),
            "governs": governs,
            "query": query.urlencode(),
        },
    )


def _entry_on_list(request: HttpRequest, entry_id: int) -> AtRiskEntry:
    """The entry, if it is on the list today; otherwise an audited 404. Entries that left the
    list are never shown again, not even by their address."""
    me = signed_in_user(request)
    entry = (
        current_entries(timezone.localdate())
        .select_related("case__referral", "owner")
        .filter(pk=entry_id)
        .first()
    )
    if entry is None:
        raise permissions.deny(
            me, target_type="at_risk_entry", target_id=entry_id, reason="not_on_the_list"
        )
    return entry


@require(Capability.VIEW_AT_RISK_LIST)
@require_http_methods(["GET", "POST"])
def at_risk_entry(request: HttpRequest, entry_id: int) -> HttpResponse:
    """One entry: why the person is on the list, its reviews, and re-justifying or removing it."""
    me = signed_in_user(request)
    entry = _entry_on_list(request, entry_id)
    # Messages travel in a cookie: they name the case, never the person.
    name = f"Case {entry.case.reference}"
    if request.method == "POST":
        permissions.require_review_of(me, entry)
    if request.method == "POST" and request.POST.get("action") == "remove":
        try:
            services.at_risk_remove(entry=entry, actor=me)
        except services.CaseRefused as refused:
            form = RejustifyForm()
            add_problems(form, refused)
        else:
            messages.success(request, f"{name} has been removed from the at-risk list")
            return redirect("cases:at-risk")
    else:
        form = RejustifyForm(posted(request))
        if request.method == "POST" and form.is_valid():
            try:
                services.at_risk_rejustify(
                    entry=entry,
                    actor=me,
                    justification=form.cleaned_data["justification"],
                    next_review_on=form.cleaned_data["next_review_on"],
                )
            except services.CaseRefused as refused:
                add_problems(form, refused)
            else:
                messages.success(request, f"{name} stays on the at-risk list until the next review")
                return redirect("cases:at-risk-entry", entry_id=entry.pk)
    services.case_viewed(case=entry.case, actor=me, view="at_risk_entry")
    today = timezone.localdate()
    return render(
        request,
        "cases/at_risk_entry.html",
        {
            "entry": entry,
            "due": review_due(entry, today),
            "reviews": entry.reviews.select_related("reviewed_by"),
            "form": form,
            "may_review": permissions.may_review_at_risk_entry(me, entry),
        },
    )


# The download, and the share log.

REDACTED_HEADER = [
    "Case reference",
    "Initials",
    "Age band",
    "Sex",
    "Ethnic group",
    "Reason",
    "Added",
    "Review date",
]
NAMED_HEADER = [
    "Case reference",
    "Name",
    "Date of birth",
    "Age band",
    "Sex",
    "Ethnic group",
    "Reason",
    "Owner",
    "Added",
    "Review date",
]


def _initials(first: str, last: str) -> str:
    return "".join(part[:1].upper() for part in (first.strip(), last.strip()) if part)


def _row(entry: AtRiskEntry, today: date, *, redacted: bool) -> list[str]:
    referral = entry.case.referral
    band = age_band_of(referral.date_of_birth, today)
    sex = referral.get_sex_display() if referral.sex else ""
    ethnicity = referral.get_ethnicity_display() if referral.ethnicity else ""
    reason = entry.get_reason_display()
    if redacted:
        cells: list[object] = [
            entry.case.reference,
            _initials(referral.first_name, referral.last_name),
            band,
            sex,
            ethnicity,
            reason,
            entry.added_on.isoformat(),
            entry.review_on.isoformat(),
        ]
    else:
        cells = [
            entry.case.reference,
            referral.full_name,
            referral.date_of_birth.isoformat() if referral.date_of_birth else "",
            band,
            sex,
            ethnicity,
            reason,
            entry.owner.full_name,
            entry.added_on.isoformat(),
            entry.review_on.isoformat(),
        ]
    return [safe_cell(cell) for cell in cells]


@require(Capability.GOVERN_AT_RISK_LIST)
@require_http_methods(["GET", "POST"])
def at_risk_export(request: HttpRequest) -> HttpResponse:
    """Download the list: without names unless the user says who needs them and why, and then
    the download is a share, in the share log."""
    me = signed_in_user(request)
    today = timezone.localdate()
    form = ExportForm(posted(request), initial={"version": ExportForm.REDACTED})
    if request.method == "POST" and form.is_valid():
        entries = list(list_entries(today))
        redacted = form.redacted
        use = services.ListUse(
            entries=len(entries),
            redacted=redacted,
            recipient=form.cleaned_data["recipient"],
            purpose=form.cleaned_data["purpose"],
        )
        try:
            services.at_risk_list_exported(actor=me, use=use)
        except services.CaseRefused as refused:
            add_problems(form, refused)
        else:
            response = HttpResponse(content_type="text/csv; charset=utf-8")
            which = "redacted" if redacted else "with-names"
            response["Content-Disposition"] = (
                f'attachment; filename="at-risk-list-{which}-{today.isoformat()}.csv"'
            )
            response["Cache-Control"] = "no-store"
            writer = csv.writer(response)
            writer.writerow(REDACTED_HEADER if redacted else NAMED_HEADER)
            writer.writerows(_row(entry, today, redacted=redacted) for entry in entries)
            return response
    return render(
        request,
        "cases/at_risk_export.html",
        {"form": form, "entries": current_entries(today).count()},
    )


@require(Capability.GOVERN_AT_RISK_LIST)
@require_safe
def at_risk_shares(request: HttpRequest) -> HttpResponse:
    shares = AtRiskShare.objects.select_related("shared_by", "shared_by__agency")
    page = Paginator(shares, SHARES_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "cases/at_risk_shares.html", {"page": page})


# The population the list is compared with.


@require(Capability.GOVERN_AT_RISK_LIST)
@require_http_methods(["GET", "POST"])
def population_shares(request: HttpRequest) -> HttpResponse:
    me = signed_in_user(request)
    form = PopulationUploadForm(
        posted(request), request.FILES if request.method == "POST" else None
    )
    report: population.CheckedFile | None = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if (upload.size or 0) > population.MAX_BYTES:
                raise population.PopulationFileRefused(
                    "The selected file must be smaller than 100 KB"
                )
            rows = population.read(upload.read())
        except population.PopulationFileRefused as refused:
            form.add_error("file", str(refused))
        else:
            report = population.check(rows)
            if report.good:
                count = population.population_shares_replace(actor=me, shares=report.shares)
                messages.success(request, f"The population table has been replaced: {count} shares")
                return redirect("cases:population-shares")
            bad = sum(1 for row in report.rows if row.errors)
            form.add_error(
                "file",
                f"The selected file has problems on {bad} row{'s' if bad != 1 else ''}"
                if bad
                else report.problems[0],
            )
    return render(
        request,
        "cases/population_shares.html",
        {
            "form": form,
            "report": report,
            "shares": PopulationShare.objects.all(),
            "columns": population.COLUMNS,
        },
    )
