"""Pages of the person index: who a referral is, the review queue, merges and their undoing."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from vrhub.accounts import permissions
from vrhub.accounts.models import User
from vrhub.accounts.permissions import Capability, can, require
from vrhub.audit.models import AuditAction
from vrhub.audit.services import record
from vrhub.core.forms import GovukForm
from vrhub.core.requests import posted, signed_in_user

from . import lists, selectors, services
from .forms import CheckLinkForm, ListForm, MergeForm, UnmergeForm, WhoForm
from .matching.candidates import PersonMatch
from .models import CandidateStatus, Person
from .templatetags.people import probability

QUEUE_PAGE_SIZE = 50


@require(Capability.MATCH_PEOPLE)
@require_safe
def queue(request: HttpRequest) -> HttpResponse:
    me = signed_in_user(request)
    tab = request.GET.get("tab", "pairs")
    if tab not in selectors.QUEUE_TABS:
        tab = "pairs"
    page = Paginator(selectors.queue(tab), QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    record(
        action=AuditAction.REVIEW_QUEUE_VIEWED,
        actor=me,
        target_type="person_index",
        target_id=tab,
        detail={"rows_shown": len(page.object_list)},
    )
    return render(
        request,
        "people/queue.html",
        {
            "tab": tab,
            "tab_label": selectors.QUEUE_TABS[tab],
            "tabs": selectors.queue_tabs(),
            "page": page,
            "may_check": can(me, Capability.CHECK_PERSON_INDEX),
        },
    )


@require(Capability.CHECK_PERSON_INDEX)
@require_POST
def check(request: HttpRequest) -> HttpResponse:
    me = signed_in_user(request)
    result = services.check_index(actor=me)
    messages.success(
        request,
        f"Index checked: {result.records:,} records, {result.compared:,} pairs compared, "
        f"{result.new_candidates:,} new possible duplicates to review.",
    )
    return redirect("people:queue")


def _decide_who(
    me: User, source: Any, form: WhoForm, found: list[tuple[PersonMatch, Person]]
) -> str:
    chosen = form.cleaned_data["person"]
    if chosen == "new":
        person = services.confirm_new_person(actor=me, source=source)
        return f"Recorded as a new person, {person.reference}"
    match, target = next((m, p) for m, p in found if p.reference == chosen)
    services.link_record(actor=me, source=source, person=target, match=match)
    return f"Linked to {target.reference}"


def _check_link(me: User, source: Any, form: CheckLinkForm) -> str:
    if form.cleaned_data["answer"] == "confirm":
        services.confirm_automatic_link(actor=me, source=source)
        return "Automatic link confirmed"
    person = services.undo_automatic_link(actor=me, source=source)
    return f"Link undone: recorded as a new person, {person.reference}"


@require(Capability.MATCH_PEOPLE)
@require_http_methods(["GET", "HEAD", "POST"])
def referral_person(request: HttpRequest, reference: str) -> HttpResponse:
    """Who is the person this referral is about? Link to someone known, or confirm a new person;
    for an automatic link, confirm or undo it."""
    me = signed_in_user(request)
    source = permissions.access_referral_record(me, reference)
    deciding = source.person_id is None
    found = (
        selectors.candidates(services.match_record_of(source), exclude=[source.pk])
        if deciding or source.needs_review
        else []
    )
    who = WhoForm(
        posted(request) if deciding else None,
        candidates=[
            (p.reference, f"{p.reference}: match probability {probability(m.probability)}")
            for m, p in found
        ],
    )
    check = CheckLinkForm(posted(request) if source.needs_review else None)
    form: GovukForm = who if deciding else check
    if posted(request) is not None:
        if not (deciding or source.needs_review):
            # Someone decided while this user had the page open: say who, on a bound form.
            form = WhoForm(posted(request), candidates=[])
            form.is_valid()
            form.add_error(None, services.already_decided(source))
        elif form.is_valid():
            try:
                done = (
                    _decide_who(me, source, who, found)
                    if deciding
                    else _check_link(me, source, check)
                )
            except services.PersonRefused as refused:
                form.add_error(None, refused.message)
            else:
                messages.success(request, done)
                return redirect("people:referral", reference=reference)
    record(
        action=AuditAction.MATCHES_VIEWED,
        actor=me,
        target_type="referral",
        target_id=reference,
        person_id=source.person.reference if source.person else "",
        detail={"candidates_shown": len(found), "people": [p.reference for _, p in found]},
    )
    return render(
        request,
        "people/referral.html",
        {"source": source, "referral": source.referral, "matches": found, "form": form},
    )


@require(Capability.MATCH_PEOPLE)
@require_safe
def person(request: HttpRequest, reference: str) -> HttpResponse:
    me = signed_in_user(request)
    found = permissions.access_person(me, reference)
    record(
        action=AuditAction.PERSON_VIEWED,
        actor=me,
        target_type="person",
        target_id=found.reference,
        person_id=found.reference,
    )
    return render(request, "people/person.html", selectors.person_page(found))


@require(Capability.MATCH_PEOPLE)
@require_http_methods(["GET", "HEAD", "POST"])
def pair(request: HttpRequest, candidate_id: int) -> HttpResponse:
    me = signed_in_user(request)
    candidate = permissions.access_match_candidate(me, candidate_id)
    form = MergeForm(posted(request))
    if posted(request) is not None and candidate.status != CandidateStatus.OPEN:
        form.add_error(None, "This pair has already been decided")
    elif posted(request) is not None and form.is_valid():
        try:
            if form.cleaned_data["decision"] == "not_same":
                services.decide_not_same(actor=me, candidate=candidate)
                messages.success(request, "Recorded: not the same person")
                return redirect("people:queue")
            result = services.merge_people(
                actor=me,
                first=candidate.person_a,
                second=candidate.person_b,
                reason=form.cleaned_data["reason"],
                candidate_id=candidate.pk,
            )
            messages.success(
                request, f"{result.absorbed.reference} merged into {result.survivor.reference}"
            )
            return redirect("people:person", reference=result.survivor.reference)
        except services.PersonRefused as refused:
            form.add_error(None, refused.message)
    for who in (candidate.person_a, candidate.person_b):
        record(
            action=AuditAction.PERSON_VIEWED,
            actor=me,
            target_type="match_candidate",
            target_id=candidate.pk,
            person_id=who.reference,
        )
    return render(
        request,
        "people/pair.html",
        selectors.pair_page(candidate)
        | {"form": form, "is_open": candidate.status == CandidateStatus.OPEN},
    )


@require(Capability.MATCH_PEOPLE)
@require_http_methods(["GET", "HEAD", "POST"])
def undo_merge(request: HttpRequest, merge_id: int) -> HttpResponse:
    me = signed_in_user(request)
    merge = permissions.access_merge(me, merge_id)
    form = UnmergeForm(posted(request))
    if posted(request) is not None and form.is_valid():
        try:
            services.unmerge(actor=me, merge=merge, reason=form.cleaned_data["reason"])
            messages.success(
                request, f"Merge undone: {merge.absorbed.reference} is a person of their own again"
            )
            return redirect("people:person", reference=merge.survivor.reference)
        except services.PersonRefused as refused:
            form.add_error(None, refused.message)
    record(
        action=AuditAction.PERSON_VIEWED,
        actor=me,
        target_type="merge",
        target_id=merge.pk,
        person_id=merge.survivor.reference,
    )
    return render(request, "people/undo_merge.html", {"merge": merge, "form": form})


@require(Capability.LINK_LISTS)
@require_http_methods(["GET", "HEAD", "POST"])
def link_list(request: HttpRequest) -> HttpResponse:
    me = signed_in_user(request)
    form = ListForm(posted(request), request.FILES or None)
    if posted(request) is not None and form.is_valid():
        try:
            rows = lists.read(form.cleaned_data["file"].read())
        except lists.ListRefused as refused:
            form.add_error("file", refused.message)
        else:
            linked = lists.link(rows, threshold=services.review_probability())
            services.list_linked(actor=me, linked=linked)
            response = HttpResponse(linked.as_csv(), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = 'attachment; filename="linked-list.csv"'
            return response
    return render(request, "people/link_list.html", {"form": form, "columns": lists.COLUMNS})
